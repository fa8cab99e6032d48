"""HR time domain: Aggregates, events and policies: pure functions, no I/O."""
