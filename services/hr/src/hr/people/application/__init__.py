"""HR people application: command handlers and the safety-gate reaction (DIS-13): load, decide, append."""
