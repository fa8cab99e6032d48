"""`python -m hr` runs the HR service."""

from hr.bootstrap import main

if __name__ == "__main__":
    main()
