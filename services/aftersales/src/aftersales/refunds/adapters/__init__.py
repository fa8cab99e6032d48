"""The refund context's adapters: the refund case views and their queries (SQLAlchemy Core)."""
