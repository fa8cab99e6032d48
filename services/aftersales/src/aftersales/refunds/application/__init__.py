"""The refund context's application: command handlers and the reactions to orders and fulfilment."""
