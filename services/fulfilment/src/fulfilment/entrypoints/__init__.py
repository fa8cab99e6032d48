"""Fulfilment entrypoints: FastStream command, query and event subscribers; the deadline scheduler."""
