"""Canaries (issue 17 item 4) through the gateway with a scripted upstream, on both stores: a gated
candidate takes its share of the traffic by request id (the same id always lands on the same arm), the
interaction names the version that answered, a candidate whose answers trip the output guards far
more often is withdrawn automatically (ledgered, alerted), and a healthy one becomes promotable and is
promoted; migration 0026 matches the tables."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import select

from charter.jobs.service import run_job
from charter.monitor.alerts.tables import alerts
from charter.providers.router import canary_bucket
from charter.runtime import Runtime
from charter.store import schema
from charter.store.migrate import alembic_config, current_revisions
from charter.training import tables as training_tables
from tests.conftest import Platform
from tests.integration.oversight.conftest import BASE_CHARTER
from tests.integration.training.test_cli import run as cli
from tests.integration.training.test_migration import _names
from tests.integration.training.test_registry import Registry

GUARDED = BASE_CHARTER + "guards:\n  pii_leak: {action: redact}\n"
LEAKY = "Write to jane.doe@example.com or call 613-555-0199 about your return."


@pytest.fixture
def reg(platform: Platform, http: httpx.Client, monkeypatch: pytest.MonkeyPatch) -> Registry:
    """The registry helper, with the CLI pointed at the platform's store (as test_registry's)."""
    settings = platform.rt.settings
    monkeypatch.setenv("CHARTER_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("CHARTER_EMBEDDED_MODEL", "none")
    monkeypatch.setenv("CHARTER_OUTBOUND_ALLOW", json.dumps(settings.outbound_allow))
    if settings.database_url:
        monkeypatch.setenv("CHARTER_DATABASE_URL", settings.database_url)
    return Registry(platform, http)


def _ask(reg: Registry, request_id: str) -> dict[str, Any]:
    r = reg.http.post("/v1/chat/completions", headers={**reg.auth("app"), "x-request-id": request_id},
                      json={"model": "mock", "messages": [{"role": "user", "content": "When are returns due?"}]})
    assert r.status_code == 200, r.text
    with reg.platform.rt.engine.connect() as conn:
        row = conn.execute(select(schema.interactions.c.model_version, schema.interactions.c.verdicts).where(
            schema.interactions.c.request_id == request_id).order_by(schema.interactions.c.created_at.desc())
            .limit(1)).one()
    [route] = [v for v in row.verdicts if v["stage"] == "route"]
    return {"model": reg.platform.upstream.requests[-1]["body"]["model"], "model_version": row.model_version,
            "canary": route["detail"].get("canary")}


async def _canary(reg: Registry, reply_of_candidate: str) -> dict[str, Any]:
    reg.suite()
    reg.platform.apply(GUARDED)
    assert reg.register(url=reg.platform.upstream.url, platform_model_id="mock-ft").status_code == 201
    await reg.evaluate("mock@2")
    reg.platform.upstream.script = lambda body: reply_of_candidate if body["model"] == "mock-ft" else "April 30."
    code, started = cli("models", "canary", "start", "mock", "--version", "2", "--share", "0.5",
                        "--min-samples", "20", "--actor", "release-manager")
    assert code == 0, started
    reg.platform.invalidate()
    return dict(started)


async def test_canary_routes_by_request_id_and_withdraws_a_regressing_candidate(reg: Registry) -> None:
    started = await _canary(reg, LEAKY)
    assert (started["state"], started["share"], started["label"]) == ("running", 0.5, "mock@2")
    assert [v["state"] for v in reg.versions()] == ["serving", "canary"]
    ids = [f"req-{i}" for i in range(60)]
    seen = [_ask(reg, request_id) for request_id in ids]
    for request_id, got in zip(ids, seen, strict=True):
        expected = "candidate" if canary_bucket(started["id"], request_id) < 0.5 else "incumbent"
        assert got["canary"] == {"id": started["id"], "arm": expected, "version": "mock@2"}
        assert got["model"] == ("mock-ft" if expected == "candidate" else "mock-model-7b")
        assert (got["model_version"] == "v2") == (expected == "candidate")
    # the same request id lands on the same arm again
    assert _ask(reg, ids[0])["canary"] == seen[0]["canary"]
    arms = [s["canary"]["arm"] for s in seen]
    # each request's arm is checked against canary_bucket above; the count only checks the share is about one half.
    # The canary's id is random, so the count is binomial(60, 0.5): sd 3.9. 20-40 (2.6 sd) failed about once in a
    # hundred runs (19 in a CI run on 8 Dec); 15-45 is 3.9 sd, about once in ten thousand.
    assert 15 <= arms.count("candidate") <= 45
    # the job compares the arms: the candidate's answers trip pii_leak every time, the serving ones never
    result = await run_job(reg.platform.rt, "models.canary")
    assert result is not None and result.outcome == {"withdrawn": ["mock@2"], "promotable": [], "collecting": []}
    code, [canary] = cli("models", "canary", "list", "mock")
    assert code == 0 and canary["state"] == "withdrawn"
    guard = canary["comparison"]["signals"]["guard_hit_rate"]
    assert guard["tested"] and guard["test"] == "fisher" and guard["p"] < 1e-6  # a zero cell: exact test
    assert guard["candidate"]["rate"] == 1.0 and guard["incumbent"]["rate"] == 0.0
    assert "guard_hit_rate" in canary["reason"]
    assert [v["state"] for v in reg.versions()] == ["serving", "withdrawn"]
    [entry] = reg.ledger("model.canary_withdrawn")
    assert entry["actor"] == "scheduler" and entry["version"] == 2 and "guard_hit_rate" in entry["reason"]
    with reg.platform.rt.engine.connect() as conn:
        fired = conn.execute(select(alerts.c.name, alerts.c.severity, alerts.c.summary).where(
            alerts.c.tenant_id == reg.platform.tenant_id)).all()
    assert [(a.name, a.severity) for a in fired] == [("model.canary_withdrawn", "critical")]
    # withdrawn: no more traffic, and it cannot be promoted
    reg.platform.invalidate()
    assert all(_ask(reg, f"after-{i}")["model"] == "mock-model-7b" for i in range(6))
    refused = reg.promote(2)
    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "canary_withdrawn")


async def test_a_healthy_canary_becomes_promotable_and_is_promoted(reg: Registry) -> None:
    await _canary(reg, "April 30.")
    # still collecting: not promotable yet
    early = reg.promote(2)
    assert (early.status_code, early.json()["error"]["code"]) == (409, "canary_running")
    for i in range(60):
        _ask(reg, f"ok-{i}")
    code, evaluated = cli("models", "canary", "evaluate", "mock")
    assert code == 0 and evaluated["state"] == "promotable", evaluated
    assert evaluated["comparison"]["verdict"] == "promotable"
    assert all(not s["tested"] or s["p"] >= evaluated["comparison"]["threshold"]
               for s in evaluated["comparison"]["signals"].values())
    ok = reg.promote(2)
    assert ok.status_code == 200, ok.text
    assert [v["state"] for v in reg.versions()] == ["standby", "serving"]
    code, [canary] = cli("models", "canary", "list", "mock")
    assert canary["state"] == "promoted"
    reg.platform.invalidate()
    assert _ask(reg, "after")["canary"] is None and _ask(reg, "after-2")["model"] == "mock-ft"


async def test_a_canary_needs_the_gate_and_a_second_person(reg: Registry) -> None:
    reg.suite()
    assert reg.register(url=reg.platform.upstream.url, platform_model_id="mock-ft").status_code == 201
    code, refused = cli("models", "canary", "start", "mock", "--version", "2", "--actor", "release-manager")
    assert code == 1 and refused["error"]["code"] == "gate_failed"  # no suite run of mock@2
    assert [v["state"] for v in reg.versions()] == ["serving", "candidate"]
    await asyncio.sleep(0)
    code, bad = cli("models", "canary", "start", "mock", "--version", "2", "--share", "1.5")
    assert code == 1 and bad["error"]["code"] == "invalid_value"


def test_migration_0026_matches_the_tables(runtime: Runtime) -> None:
    script = ScriptDirectory.from_config(alembic_config())
    applied = {r.revision for r in script.iterate_revisions(current_revisions(runtime.engine), "base")}
    assert {"0026_training_jobs_canaries", "0021_model_versions", "0019_training_data"} <= applied
    with runtime.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, schema.metadata)
    ours = [d for d in diff
            if any(_names(p) & {"training_jobs", "model_canaries"} for p in (d[0] if isinstance(d, list) else d)[1:])]
    assert ours == []
    assert training_tables.training_jobs.name == "training_jobs"

