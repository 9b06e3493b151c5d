"""The store unreachable after start-up: every request is ``503 store_unavailable`` (docs/api.md), on
both stores, once the caches have expired and while they are still warm; never ``500``."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import make_url, text

from tests.conftest import _pg_admin

GOOD = {"messages": [{"role": "user", "content": "hi"}]}


@pytest.fixture
def settings(settings):
    # short caches, so the test can wait them out
    return settings.model_copy(update={"policy_cache_ttl_s": 0.3})


def stop_store(platform) -> None:
    """Take the store away under the running process: the SQLite file can no longer be opened
    (a directory stands at its path); the PostgreSQL database is dropped, its connections terminated."""
    settings = platform.rt.settings
    if settings.is_sqlite:
        db = Path(settings.effective_database_url.split("///", 1)[1])
        db.rename(db.with_name("charter.db.away"))
        db.mkdir()
    else:
        name = make_url(settings.database_url).database
        admin = _pg_admin()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    platform.rt.engine.dispose()  # pooled connections would still see the old file


def _assert_store_unavailable(r) -> None:
    assert r.status_code == 503, r.text
    assert r.json()["error"]["code"] == "store_unavailable"
    assert r.json()["error"]["type"] == "server_error"


def test_store_unreachable_after_key_cache_expiry_is_503_store_unavailable(http, platform):
    # warm every cache: keys, charter, models, kill switches
    assert http.post("/v1/chat/completions", json=GOOD, headers=platform.auth()).status_code == 200
    assert http.get("/api/v1/usecases", headers=platform.auth("admin")).status_code == 200
    calls = len(platform.upstream.requests)
    stop_store(platform)
    time.sleep(0.5)  # past the 0.3 s TTL: the key must be read again
    for _ in range(2):
        _assert_store_unavailable(http.post("/v1/chat/completions", json=GOOD, headers=platform.auth()))
        _assert_store_unavailable(http.get("/api/v1/usecases", headers=platform.auth("admin")))
        _assert_store_unavailable(http.get("/v1/models", headers=platform.auth()))
    assert len(platform.upstream.requests) == calls  # nothing reached the model


def test_store_unreachable_with_a_warm_key_cache_is_503_store_unavailable(http, platform):
    admin = platform.auth("admin")
    assert http.get("/api/v1/usecases", headers=admin).status_code == 200
    stop_store(platform)
    # the key is still cached; the route's own read meets the missing store
    _assert_store_unavailable(http.get("/api/v1/usecases", headers=admin))
    _assert_store_unavailable(http.get("/api/v1/models", headers=admin))
