"""`python -m identity` runs the identity service."""

from identity.bootstrap import main

if __name__ == "__main__":
    main()
