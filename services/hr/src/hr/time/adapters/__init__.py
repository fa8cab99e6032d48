"""HR time adapters: Projection tables (SQLAlchemy Core) and repositories."""
