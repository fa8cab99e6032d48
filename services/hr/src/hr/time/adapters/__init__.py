"""HR adapters: Projection tables (SQLAlchemy Core) and repositories."""
