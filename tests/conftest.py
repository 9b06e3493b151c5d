"""Shared fixtures. Each test gets its own data directory; PostgreSQL and Redis tests run only when
``CHARTER_TEST_DATABASE_URL`` / ``CHARTER_TEST_REDIS_URL`` are set (CI sets both)."""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

from charter.runtime import Runtime
from charter.settings import Settings


def _redis_for_this_worker(url: str | None) -> str | None:
    """Under pytest-xdist each worker gets its own Redis database (gw0 -> /1, gw1 -> /2, ...), so two
    workers running the same test on both stores never share a key; one process keeps the URL as set."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not url or not worker.startswith("gw"):
        return url
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{int(worker[2:]) % 15 + 1}"))


PG_URL = os.environ.get("CHARTER_TEST_DATABASE_URL")
REDIS_URL = _redis_for_this_worker(os.environ.get("CHARTER_TEST_REDIS_URL"))

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


_PG_TEMPLATE: dict[str, str] = {}


def _pg_admin() -> Any:
    assert PG_URL
    return create_engine(PG_URL, isolation_level="AUTOCOMMIT", poolclass=NullPool)


def _pg_template() -> str:
    """A database migrated once per test session; each test gets a copy (CREATE DATABASE ... TEMPLATE
    takes ~0.2 s where running the migrations takes ~2 s). Migrations are tested on their own."""
    if "name" not in _PG_TEMPLATE:
        from charter.store import make_engine, upgrade

        name = f"charter_tmpl_{os.getpid()}"
        admin = _pg_admin()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine = make_engine(make_url(PG_URL).set(database=name).render_as_string(hide_password=False))
        upgrade(engine)
        engine.dispose()
        admin.dispose()
        _PG_TEMPLATE["name"] = name
    return _PG_TEMPLATE["name"]


def pg_schema_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for one test, dropped afterwards."""
    assert PG_URL
    template = _pg_template()
    name = f"t_{secrets.token_hex(6)}"
    admin = _pg_admin()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    name = _PG_TEMPLATE.pop("name", None)
    if name and PG_URL:
        admin = _pg_admin()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
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


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once per session; each test starts from a copy (migrations are tested
    on their own in tests/integration/store)."""
    from charter.store import make_engine, upgrade

    path = tmp_path_factory.mktemp("template") / "charter.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


#: The scripted upstream listens on loopback: tests allow it explicitly (the default allows nothing).
LOOPBACK_ALLOW = ["http://127.0.0.1:*"]


@pytest.fixture
def settings(data_dir: Path, database_url: str | None, sqlite_template: Path) -> Settings:
    if database_url is None:
        shutil.copyfile(sqlite_template, data_dir / "charter.db")
    return Settings(data_dir=data_dir, database_url=database_url, embedded_model="none", llama_threads=1,
                    outbound_allow=LOOPBACK_ALLOW)


@pytest.fixture
def sqlite_settings(data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, embedded_model="none", llama_threads=1, outbound_allow=LOOPBACK_ALLOW)


@pytest.fixture
def runtime(settings: Settings) -> Iterator[Runtime]:
    rt = Runtime.open(settings)
    try:
        yield rt
    finally:
        rt.close()


# -- a platform with one agency, a scripted upstream model and keys for every role ---------------
from dataclasses import dataclass, field  # noqa: E402

from tests.support.live import LiveCharter  # noqa: E402
from tests.support.upstream import ScriptedUpstream  # noqa: E402

AGENCY_CHARTER = """\
name: tax-helpdesk
tenant: agency
description: Answers questions about filing taxes.
risk_tier: limited
classification_ceiling: internal
models: [mock]
regions: [ca-central-1]
system_prompt: You answer tax questions for the Revenue Agency.
rate_limits: {{requests_per_minute: {rpm}, tokens_per_minute: {tpm}}}
max_input_chars: {max_chars}
"""


@dataclass
class Platform:
    rt: Runtime
    upstream: ScriptedUpstream
    tenant_id: str
    keys: dict[str, str] = field(default_factory=dict)

    def apply(self, yaml_text: str) -> dict[str, Any]:
        from charter.policy.service import apply_charter

        result = self.rt.writer.write(lambda c: apply_charter(c, yaml_text, actor="test", egress=self.rt.egress))
        self.invalidate()
        return result

    def key(self, role: str = "app", use_case: str | None = "tax-helpdesk", tenant: str = "agency", **kw: Any) -> str:
        from charter.policy.service import get_use_case, tenant_id_for
        from charter.principals.keys import create_key

        def make(conn: Any) -> str:
            tid = tenant_id_for(conn, tenant)
            uc = get_use_case(conn, tid, use_case)["id"] if use_case else None
            return create_key(conn, tenant_id=tid, role=role, actor="test", use_case_id=uc, **kw).key

        return self.rt.writer.write(make)

    def add_model(self, tenant: str = "agency", **spec: Any) -> dict[str, Any]:
        from charter.catalog import ModelSpec, add_model
        from charter.policy.service import tenant_id_for

        row = self.rt.writer.write(
            lambda c: add_model(c, tenant_id_for(c, tenant), ModelSpec(**spec), actor="test", egress=self.rt.egress)
        )
        self.invalidate()
        return row

    def invalidate(self) -> None:
        self.rt.policy_changed()

    def auth(self, role: str = "app") -> dict[str, str]:
        return {"authorization": f"Bearer {self.keys[role]}"}


@pytest.fixture
def upstream() -> Iterator[ScriptedUpstream]:
    server = ScriptedUpstream().start()
    try:
        yield server
    finally:
        server.stop()


def make_platform(rt: Runtime, upstream: ScriptedUpstream, rpm: int = 1000, tpm: int = 1_000_000,
                  max_chars: int = 4000) -> Platform:
    from charter.bootstrap import init
    from charter.policy.service import tenant_id_for

    init(rt)
    platform = Platform(rt=rt, upstream=upstream, tenant_id="")
    rt.writer.write(lambda c: __import__("charter.policy.service", fromlist=["x"]).ensure_tenant(c, "agency"))
    platform.tenant_id = rt.writer.write(lambda c: tenant_id_for(c, "agency"))
    platform.add_model(alias="mock", provider="openai", endpoint=upstream.url, platform_model_id="mock-model-7b",
                       version="2026-01", region="ca-central-1", classification_ceiling="confidential",
                       context_window=4096)
    platform.apply(AGENCY_CHARTER.format(rpm=rpm, tpm=tpm, max_chars=max_chars))
    for role in ("app", "admin", "developer", "reviewer", "auditor"):
        platform.keys[role] = platform.key(role, use_case="tax-helpdesk" if role == "app" else None)
    return platform


@pytest.fixture
def platform(runtime: Runtime, upstream: ScriptedUpstream) -> Platform:
    return make_platform(runtime, upstream)


@pytest.fixture
def live(platform: Platform) -> Iterator[LiveCharter]:
    server = LiveCharter(platform.rt).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def http(live: LiveCharter) -> Iterator[Any]:
    import httpx

    with httpx.Client(base_url=live.url, timeout=30) as client:
        yield client
