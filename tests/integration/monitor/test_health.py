"""Health (issue 13 item 6): ``/healthz`` answers while the process lives; ``/readyz`` is 200 when every
required check passes and 503 naming each failed check otherwise — the store cannot take a write,
Redis is unreachable, a provider's circuit breaker is open, the ledger checkpointer is behind — with
the details only for loopback or an admin/auditor key; ``charter doctor`` runs the same checks and
says so in its exit code."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import make_url, text
from typer.testing import CliRunner

from charter.cli.main import app as cli_app
from charter.jobs.base import Job
from charter.jobs.scheduler import Scheduler
from charter.knowledge.ingest import Source, ingest
from charter.knowledge.lifecycle import rebuild
from charter.knowledge.service import KnowledgeBaseSpec, create_kb
from charter.ledger.checkpoint import checkpoint_now
from charter.runtime import Runtime
from charter.settings import Settings
from tests.conftest import AGENCY_CHARTER, LOOPBACK_ALLOW, REDIS_URL, Platform, _pg_admin, make_platform
from tests.support.live import LiveCharter
from tests.support.upstream import ScriptedUpstream, free_port

REQUIRED = ["store", "ledger", "providers", "knowledge", "redis"]
CHAT = {"messages": [{"role": "user", "content": "How do I renew a passport?"}], "max_tokens": 8}


@contextlib.contextmanager
def serving(
    settings: Settings, upstream: ScriptedUpstream, **overrides: Any
) -> Iterator[tuple[Platform, httpx.Client]]:
    rt = Runtime.open(settings.model_copy(update=overrides))
    try:
        platform = make_platform(rt, upstream)
        server = LiveCharter(rt).start()
        try:
            with httpx.Client(base_url=server.url, timeout=30) as http:
                yield platform, http
        finally:
            server.stop()
    finally:
        rt.close()


def _failed(response: httpx.Response) -> dict[str, str]:
    return {c["name"]: c["detail"] for c in response.json()["checks"] if not c["ok"]}


def test_healthz_and_readyz_are_green_on_a_healthy_deployment(settings, upstream):
    redis = {"redis_url": REDIS_URL} if REDIS_URL and settings.database_url else {}
    with serving(settings, upstream, **redis) as (_, http):
        assert (http.get("/healthz").status_code, http.get("/healthz").json()) == (200, {"status": "ok"})
        ready = http.get("/readyz")
        assert ready.status_code == 200, ready.text
        checks = {c["name"]: c for c in ready.json()["checks"]}
        assert [name for name in REQUIRED if not checks[name]["ok"]] == []
        assert [c["name"] for c in checks.values() if c["required"]] == REQUIRED  # what takes a replica out
        assert checks["redis"]["detail"] == ("ping answered" if redis else "not configured")
        assert checks["store"]["detail"].startswith("wrote through the writer")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_readyz_names_an_unreachable_redis_and_shows_details_only_with_a_key(settings, upstream):
    closed = f"redis://127.0.0.1:{free_port()}/0"
    with serving(settings, upstream, redis_url=closed, readyz_detail="key", health_timeout_s=2.0) as (platform, http):
        bare = http.get("/readyz")
        assert (bare.status_code, bare.json()) == (503, {"status": "unavailable"})
        assert http.get("/readyz", headers=platform.auth("app")).json() == {"status": "unavailable"}
        assert http.get("/readyz", headers={"authorization": "Bearer not-a-key"}).json() == {"status": "unavailable"}
        detailed = http.get("/readyz", headers=platform.auth("auditor"))
        assert detailed.status_code == 503
        assert detailed.json()["status"] == "unavailable" and detailed.json()["failed"] == ["redis"]
        assert "ConnectionError" in _failed(detailed)["redis"]
        assert http.get("/healthz").status_code == 200


def test_readyz_is_503_naming_the_store_when_it_cannot_take_a_write(settings, upstream):
    with serving(settings, upstream, health_timeout_s=1.0) as (platform, http):
        assert http.get("/readyz").status_code == 200
        with _store_refusing_writes(platform.rt):
            refused = http.get("/readyz")
            assert refused.status_code == 503, refused.text
            assert refused.json()["failed"] == ["store"]
            assert http.get("/healthz").status_code == 200  # alive all the same: no store access
        _until(lambda: http.get("/readyz").status_code == 200)  # and ready again once it can


@contextlib.contextmanager
def _store_refusing_writes(rt: Runtime) -> Iterator[None]:
    """PostgreSQL: the database turns read-only. SQLite: another process holds the write lock."""
    if rt.settings.database_url is None:
        holder = sqlite3.connect(rt.settings.data_dir / "charter.db", timeout=5)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            holder.rollback()
            holder.close()
        return
    name = make_url(rt.settings.database_url).database
    admin = _pg_admin()
    try:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on'))
        rt.engine.dispose()  # new sessions start read-only
        yield
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" RESET default_transaction_read_only'))
        rt.engine.dispose()
        admin.dispose()


def _until(check: Any, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_readyz_is_503_while_a_providers_breaker_refuses_then_ready_when_it_may_probe(settings, upstream):
    breaker = {"circuit_failures": 1, "circuit_reset_s": 1.5, "upstream_retries": 0}
    with serving(settings, upstream, **breaker) as (platform, http):
        upstream.fail_next(1, status=500)
        assert http.post("/v1/chat/completions", json=CHAT, headers=platform.auth()).status_code == 502
        refused = http.get("/readyz")
        assert refused.status_code == 503 and refused.json()["failed"] == ["providers"]
        assert _failed(refused)["providers"].startswith(f"circuit open: {upstream.url} (open ")
        _until(lambda: http.get("/readyz").status_code == 200, timeout=5)  # past the reset: a probe may go


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_readyz_is_503_while_the_ledger_checkpointer_is_behind(settings, upstream):
    slow = {"ledger_checkpoint_interval_s": 3600, "ledger_checkpoint_every": 100_000, "health_ledger_max_pending": 5}
    with serving(settings, upstream, **slow) as (platform, http):
        behind = http.get("/readyz")
        assert behind.status_code == 503 and behind.json()["failed"] == ["ledger"]
        assert "entries wait for a signed checkpoint (limit 5)" in _failed(behind)["ledger"]
        checkpoint_now(platform.rt)
        assert http.get("/readyz").status_code == 200


class Doctor:
    def __init__(self, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("CHARTER_DATA_DIR", str(settings.data_dir))
        monkeypatch.setenv("CHARTER_EMBEDDED_MODEL", "none")
        monkeypatch.setenv("CHARTER_OUTBOUND_ALLOW", json.dumps(LOOPBACK_ALLOW))
        self.monkeypatch = monkeypatch

    def __call__(self, code: int, **env: str) -> dict[str, Any]:
        for name, value in env.items():
            self.monkeypatch.setenv(name, value)
        done = CliRunner().invoke(cli_app, ["doctor", "--json"], catch_exceptions=False)
        assert done.exit_code == code, done.output
        return json.loads(done.stdout)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_charter_doctor_exit_codes_say_ready_degraded_or_not_ready(settings, monkeypatch):
    doctor = Doctor(settings, monkeypatch)
    assert doctor(0)["status"] == "ok"

    async def broken(rt: Runtime) -> dict[str, Any]:
        raise RuntimeError("disk quota")

    async def fail_three_times(rt: Runtime) -> None:
        for _ in range(3):
            await Scheduler(rt, [Job("kb.retention", 3600, broken)]).run_now("kb.retention")

    rt = Runtime.open(settings)
    try:
        asyncio.run(fail_three_times(rt))
    finally:
        rt.close()
    degraded = doctor(2)
    assert (degraded["status"], degraded["failed"]) == ("degraded", ["jobs"])
    assert "kb.retention failed its last 3 runs" in {c["name"]: c["detail"] for c in degraded["checks"]}["jobs"]

    down = doctor(1, CHARTER_REDIS_URL=f"redis://127.0.0.1:{free_port()}/0", CHARTER_HEALTH_TIMEOUT_S="2")
    assert (down["status"], down["failed"]) == ("unavailable", ["redis", "jobs"])

    gone = doctor(1, CHARTER_DATABASE_URL=f"postgresql+psycopg://charter@127.0.0.1:{free_port()}/none")
    assert gone["failed"] == ["store"] and "cannot open the store" in gone["checks"][0]["detail"]


def test_readyz_names_a_knowledge_base_in_use_that_is_missing_or_lost_its_index(settings, upstream):
    with serving(settings, upstream) as (platform, http):
        platform.apply(AGENCY_CHARTER.format(rpm=1000, tpm=1_000_000, max_chars=4000) + "knowledge_bases: [guides]\n")
        missing = http.get("/readyz")
        assert missing.status_code == 503 and missing.json()["failed"] == ["knowledge"]
        assert _failed(missing)["knowledge"].startswith(f"guides (tenant {platform.tenant_id}, used by tax-helpdesk) "
                                                        "does not exist")
        rt, tid = platform.rt, platform.tenant_id
        rt.writer.write(lambda c: create_kb(c, KnowledgeBaseSpec(name="guides"), tenant_id=tid, actor="test"))
        doc = Source("renew.md", b"# Passports\n\nRenew your passport online before it expires.", "file:renew.md")
        ingest(rt, tenant_id=tid, kb_name="guides", sources=[doc], uploader="test")
        assert http.get("/readyz").status_code == 200
        if settings.database_url is None:  # SQLite keeps the full-text index in a table of its own
            rt.writer.write(lambda c: c.execute(text("DELETE FROM kb_chunks_fts")))
            lost = http.get("/readyz")
            assert lost.status_code == 503
            assert _failed(lost)["knowledge"] == ("guides: 1 chunk(s) not in the full-text index "
                                                  "(`charter kb rebuild NAME`)")
            rebuild(rt, tenant_id=tid, kb_name="guides", actor="test")
            assert http.get("/readyz").status_code == 200
