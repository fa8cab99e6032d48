"""JetStream adapters: the event store, batch direct get, atomic batch publish, connections."""
