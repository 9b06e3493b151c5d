"""Migrations run on both engines and reach every capability's head."""

from __future__ import annotations

import secrets

import pytest
from sqlalchemy import inspect, make_url, text

from charter.store import make_engine, upgrade
from charter.store.migrate import current_revisions, head_revisions
from charter.store.tables import all_metadata
from tests.conftest import PG_URL, _pg_admin


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_url(request, tmp_path):
    """An empty database (not the migrated template the other tests start from)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    if not PG_URL:
        pytest.skip("set CHARTER_TEST_DATABASE_URL to run PostgreSQL tests")
    name = f"t_empty_{secrets.token_hex(4)}"
    admin = _pg_admin()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrade_reaches_all_heads_and_creates_every_table(empty_url):
    engine = make_engine(empty_url)
    assert current_revisions(engine) == ()
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
