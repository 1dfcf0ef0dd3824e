"""The store: SQLAlchemy tables, engine and Alembic migrations (SQLite by default, PostgreSQL supported)."""

from athar.store.engine import make_engine, migrate, open_store
from athar.store.tables import CANONICAL_COLUMNS

__all__ = ["CANONICAL_COLUMNS", "make_engine", "migrate", "open_store"]
