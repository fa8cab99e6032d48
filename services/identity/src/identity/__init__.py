"""The identity service: a person's roles as grants recorded as events (issue 17, IDN-1..IDN-6)."""
