"""Test support shipped with the runtime: given/when/then over a service's real wiring on the
in-memory store (`app`, decision 0007), a real nats-server harness, a sample domain, and the
event-store contract suite every store implementation must pass."""
