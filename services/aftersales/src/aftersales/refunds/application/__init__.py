"""Aftersales application: command handlers, reactions (process managers) and deadline firing."""
