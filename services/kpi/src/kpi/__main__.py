"""`python -m kpi` runs the KPI service."""

from kpi.bootstrap import main

if __name__ == "__main__":
    main()
