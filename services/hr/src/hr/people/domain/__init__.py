"""HR people domain: employees, discipline and payroll aggregates, events and policies: pure
functions, no I/O."""
