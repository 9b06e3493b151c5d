"""Shared fixtures. Each test gets its own data directory; PostgreSQL and Redis tests run only when
``CHARTER_TEST_DATABASE_URL`` / ``CHARTER_TEST_REDIS_URL`` are set (CI sets both)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from charter.runtime import Runtime
from charter.settings import Settings

PG_URL = os.environ.get("CHARTER_TEST_DATABASE_URL")
REDIS_URL = os.environ.get("CHARTER_TEST_REDIS_URL")

needs_pg = pytest.mark.skipif(not PG_URL, reason="set CHARTER_TEST_DATABASE_URL to run PostgreSQL tests")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="set CHARTER_TEST_REDIS_URL to run Redis tests")


@pytest.fixture(autouse=True)
def _clean_charter_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests build their settings explicitly; stray CHARTER_* variables must not leak in."""
    for name in list(os.environ):
        if name.startswith("CHARTER_") and not name.startswith("CHARTER_TEST_"):
            monkeypatch.delenv(name)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    d.mkdir()
    return d


def pg_schema_url() -> Iterator[str]:
    """A fresh PostgreSQL schema for one test, dropped afterwards."""
    assert PG_URL
    schema = f"t_{secrets.token_hex(6)}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def pg_url() -> Iterator[str]:
    if not PG_URL:
        pytest.skip("set CHARTER_TEST_DATABASE_URL to run PostgreSQL tests")
    yield from pg_schema_url()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, data_dir: Path) -> Iterator[str | None]:
    """Runs a test on both engines: the SQLite file (None: the default) and PostgreSQL."""
    if request.param == "sqlite":
        yield None
        return
    if not PG_URL:
        pytest.skip("set CHARTER_TEST_DATABASE_URL to run PostgreSQL tests")
    yield from pg_schema_url()


@pytest.fixture
def settings(data_dir: Path, database_url: str | None) -> Settings:
    return Settings(data_dir=data_dir, database_url=database_url, embedded_model="none", llama_threads=1)


@pytest.fixture
def sqlite_settings(data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, embedded_model="none", llama_threads=1)


@pytest.fixture
def runtime(settings: Settings) -> Iterator[Runtime]:
    rt = Runtime.open(settings)
    try:
        yield rt
    finally:
        rt.close()
