"""`python -m catalog` runs the catalogue service."""

from catalog.bootstrap import main

if __name__ == "__main__":
    main()
