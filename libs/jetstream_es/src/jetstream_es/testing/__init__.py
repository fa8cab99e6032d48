"""Test support shipped with the runtime: a real nats-server harness, a sample domain, and the
event-store contract suite every store implementation must pass."""
