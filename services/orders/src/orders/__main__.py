"""`python -m orders` runs the Orders service."""

from orders.bootstrap import main

if __name__ == "__main__":
    main()
