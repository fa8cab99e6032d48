"""HR's people context: employees, discipline and payroll (HR-33..HR-42, DIS-1..DIS-15; SM-DISC,
SM-PAY). It reads the time context's events through its read models (payroll facts) and its
AbsenceRecord aggregate (DIS-11) through the time context's domain types."""
