"""`python -m fulfilment` runs the Fulfilment service."""

from fulfilment.bootstrap import main

if __name__ == "__main__":
    main()
