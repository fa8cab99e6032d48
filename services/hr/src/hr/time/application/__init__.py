"""HR time application: Command handlers and reactions (process managers): load, decide, append."""
