"""The store: tables, engines (SQLite | PostgreSQL), migrations, the single writer and repositories."""

from charter.store.engine import make_engine
from charter.store.migrate import upgrade
from charter.store.schema import metadata, new_id, utcnow
from charter.store.writer import Writer

__all__ = ["Writer", "make_engine", "metadata", "new_id", "upgrade", "utcnow"]
