"""The customer context's application: command handlers and the complaint deadline firer."""
