"""Aftersales domain: Aggregates, events and policies: pure functions, no I/O."""
