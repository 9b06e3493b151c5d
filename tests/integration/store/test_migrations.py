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


def test_0007_renames_api_key_env_to_secret_keeping_the_name(empty_url):
    """A model registered with ``api_key_env`` keeps the text as the name of a secret the operator must
    define (until then the model refuses to run): nothing is dropped, nothing is trusted."""
    engine = make_engine(empty_url)
    try:
        upgrade(engine, "0001_core")
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO tenants (id, tenant_id, name, display_name, legal_hold, created_at) "
                              "VALUES ('ten_1', 'ten_1', 'agency', 'Agency', false, CURRENT_TIMESTAMP)"))
            conn.execute(text(
                "INSERT INTO models (id, tenant_id, alias, provider, endpoint, platform_model_id, version, region, "
                "classification_ceiling, context_window, price_prompt_per_1k, price_completion_per_1k, weight, "
                "enabled, no_train, api_key_env, created_at, updated_at) VALUES ('mdl_1', 'ten_1', 'gpt', 'openai', "
                "'https://api.example.com/v1', 'gpt', '1', 'local', 'internal', 8192, 0, 0, 100, true, true, "
                "'OPENAI_API_KEY', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        upgrade(engine)
        columns = {c["name"] for c in inspect(engine).get_columns("models")}
        assert "secret" in columns and "api_key_env" not in columns
        with engine.connect() as conn:
            assert conn.execute(text("SELECT secret FROM models WHERE id = 'mdl_1'")).scalar() == "OPENAI_API_KEY"
    finally:
        engine.dispose()


def test_replicas_starting_together_migrate_one_at_a_time(empty_url):
    """Four 'replicas' run the migrations on one empty database at once: every one succeeds and the
    database reaches every head once (without the lock, PostgreSQL answers DuplicateTable and SQLite
    'table already exists' to all but the first)."""
    import threading

    engines = [make_engine(empty_url) for _ in range(4)]
    errors: list[BaseException] = []
    start = threading.Barrier(len(engines))

    def migrate(engine):
        try:
            start.wait()
            upgrade(engine)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=migrate, args=(e,)) for e in engines]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert errors == []
        assert set(current_revisions(engines[0])) == set(head_revisions())
    finally:
        for e in engines:
            e.dispose()
