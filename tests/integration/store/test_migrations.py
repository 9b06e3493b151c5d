"""Migrations run on both engines and reach every capability's head."""

from __future__ import annotations

from sqlalchemy import inspect

from charter.store import make_engine, upgrade
from charter.store.migrate import current_revisions, head_revisions
from charter.store.tables import all_metadata


def test_upgrade_reaches_all_heads_and_creates_every_table(settings):
    engine = make_engine(settings.effective_database_url)
    try:
        upgrade(engine)
        assert set(current_revisions(engine)) == set(head_revisions())
        names = set(inspect(engine).get_table_names())
        assert {t.name for t in all_metadata().sorted_tables} <= names
        upgrade(engine)  # idempotent
    finally:
        engine.dispose()


def test_sqlite_runs_in_wal_mode(sqlite_settings):
    engine = make_engine(sqlite_settings.effective_database_url)
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()
