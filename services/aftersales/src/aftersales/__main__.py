"""`python -m aftersales` runs the Aftersales service."""

from aftersales.bootstrap import main

if __name__ == "__main__":
    main()
