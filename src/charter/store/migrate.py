"""Run Alembic migrations from code (``charter init``, ``charter serve`` and tests use this)."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

__all__ = ["alembic_config", "current_revisions", "head_revisions", "upgrade"]

_HERE = Path(__file__).parent / "migrations"
# pg_advisory_xact_lock key for "Charter migrations" (any fixed 64-bit number; the same in every replica).
_PG_LOCK_KEY = 0x43484152_54455201


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(_HERE))
    return cfg


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """Migrate to ``revision``, one process at a time: replicas that start together (``charter serve``
    twice on one database) wait for each other instead of both creating the same tables. PostgreSQL:
    a transaction-scoped advisory lock taken before Alembic reads the version table; SQLite: an
    exclusive lock on ``<database>.migrate.lock`` beside the file (owner-only)."""
    cfg = alembic_config()
    with _sqlite_file_lock(engine), engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


@contextmanager
def _sqlite_file_lock(engine: Engine) -> Iterator[None]:
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:" or database.startswith("file:"):
        yield
        return
    fd = os.open(f"{database}.migrate.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def current_revisions(engine: Engine) -> tuple[str, ...]:
    with engine.connect() as conn:
        return tuple(MigrationContext.configure(conn).get_current_heads())


def head_revisions() -> tuple[str, ...]:
    return tuple(ScriptDirectory.from_config(alembic_config()).get_heads())
