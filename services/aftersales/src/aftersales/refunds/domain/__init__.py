"""The refund context's domain: RefundCase and OrderFacts aggregates, events, decisions: pure
functions, no I/O."""
