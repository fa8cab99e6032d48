"""The customer context's domain: Complaint, CustomerFlag, Review and CustomerContact aggregates:
pure functions, no I/O."""
