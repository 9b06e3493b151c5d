"""The built-in jobs on the scheduler (issue 13 item 4): scheduled suite runs from the charter's
``eval.schedule`` (then the drift check), and the server running the oversight sweep, knowledge-base
retention and suite runs, listed by ``GET /api/v1/jobs`` and ``charter jobs list --json``."""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from charter.cli.main import app as cli_app
from charter.errors import InvalidRequest
from charter.evals import datasets, suites
from charter.jobs.suites import due_suites, run_scheduled_suites
from charter.ledger.tables import ledger_entries
from charter.monitor.alerts.tables import alerts
from charter.store.schema import utcnow
from tests.conftest import AGENCY_CHARTER, LOOPBACK_ALLOW

SCHEDULED = AGENCY_CHARTER.format(rpm=1000, tpm=1_000_000, max_chars=4000) + "eval: {schedule: 1h}\n"
MINE = ("oversight.sweep", "kb.retention", "eval.scheduled")


def _suite(platform: Any, reply: str) -> None:
    items = "".join(json.dumps({"input": f"Question {i}?", "reference": reply}) + "\n" for i in range(3))

    def write(conn: Any) -> None:
        tid = platform.tenant_id
        datasets.import_dataset(conn, tid, "tax-qa", items, fmt="jsonl", actor="test", source="qa.jsonl")
        spec = suites.SuiteSpec("tax-helpdesk", "tax-qa", ["exact"], thresholds={"exact_match": {"max_drop": 0}})
        suites.set_suite(conn, tid, spec, actor="test")

    platform.rt.writer.write(write)


async def test_a_scheduled_suite_runs_on_the_production_variant_when_due_then_checks_drift(platform):
    platform.apply(SCHEDULED)
    _suite(platform, platform.upstream.reply)
    platform.apply(SCHEDULED.replace("name: tax-helpdesk", "name: permits"))  # scheduled, but has no suite
    now = utcnow()
    done = await run_scheduled_suites(platform.rt, now)
    assert done["due"] == 2
    assert done["errors"] == ["agency/permits: use case 'permits' has no evaluation suite; set one with "
                              "`charter eval suite set`"]
    (ran,) = done["ran"]
    assert (ran["use_case"], [r["status"] for r in ran["runs"]]) == ("tax-helpdesk", ["finished"])
    assert ran["runs"][0]["aggregates"]["exact_match"] == 1.0
    assert ran["drift"] == {"drifted": False, "failures": [], "baseline_run_id": ran["runs"][0]["run_id"]}
    due = lambda minutes: [d.use_case for d in due_suites(platform.rt.engine, now + dt.timedelta(minutes=minutes))]  # noqa: E731
    assert (due(30), due(61)) == (["permits"], ["permits", "tax-helpdesk"])  # once an hour, not before
    platform.upstream.reply = "Something else entirely."  # production answers move away from the references
    later = await run_scheduled_suites(platform.rt, now + dt.timedelta(minutes=61))
    (drifted,) = later["ran"]
    assert drifted["drift"]["drifted"] is True and drifted["runs"][0]["aggregates"]["exact_match"] == 0.0
    with platform.rt.engine.connect() as conn:
        actors = conn.execute(select(ledger_entries.c.actor).where(
            ledger_entries.c.action.in_(["eval.run_finished", "eval.drift_detected"]))).scalars().all()
        fired = conn.execute(select(alerts.c.name, alerts.c.use_case, alerts.c.status)).all()
    assert actors == ["scheduler"] * 3
    assert [tuple(r) for r in fired] == [("eval.drift", "tax-helpdesk", "firing")]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("schedule", ["10s", "1y", "400d", "daily"])
def test_a_bad_eval_schedule_is_an_invalid_charter_naming_the_field(platform, schedule):
    with pytest.raises(InvalidRequest) as refused:
        platform.apply(SCHEDULED.replace("schedule: 1h", f"schedule: {schedule}"))
    assert refused.value.code == "invalid_charter"
    assert [p["field"] for p in refused.value.extra["problems"]] == ["eval.schedule"]


def _wait_for_jobs(http: httpx.Client, headers: dict[str, str]) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while True:
        body = http.get("/api/v1/jobs", headers=headers).json()
        last = {j["name"]: j["last_run"] for j in body["jobs"]}
        if all(last.get(name) and last[name]["status"] == "ok" for name in MINE):
            return body
        assert time.monotonic() < deadline, body
        time.sleep(0.1)


def test_the_server_runs_the_builtin_jobs_and_lists_them_with_their_outcomes(platform, live, http, monkeypatch):
    operator = {"authorization": f"Bearer {platform.key('admin', use_case=None, platform=True)}"}
    body = _wait_for_jobs(http, operator)
    jobs = {j["name"]: j for j in body["jobs"]}
    assert jobs["oversight.sweep"]["interval_s"] == 30.0 and jobs["kb.retention"]["interval_s"] == 3600.0
    assert jobs["oversight.sweep"]["last_run"]["outcome"] == {"escalated": [], "suspended": []}
    assert jobs["eval.scheduled"]["last_run"]["outcome"] == {"due": 0, "ran": [], "errors": []}
    assert jobs["kb.retention"]["due_at"] > jobs["kb.retention"]["last_run"]["started_at"]
    assert {r["job"] for r in body["runs"]} >= set(MINE)

    tenant_admin = http.get("/api/v1/jobs", params={"job": "oversight.sweep"}, headers=platform.auth("admin"))
    assert tenant_admin.status_code == 200
    assert {r["outcome"] for r in tenant_admin.json()["runs"]} == {None}  # jobs span tenants
    assert http.get("/api/v1/jobs", headers=platform.auth("app")).status_code == 403
    assert http.get("/api/v1/jobs", params={"job": "nope"}, headers=operator).status_code == 404

    settings = platform.rt.settings
    monkeypatch.setenv("CHARTER_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("CHARTER_EMBEDDED_MODEL", "none")
    monkeypatch.setenv("CHARTER_OUTBOUND_ALLOW", json.dumps(LOOPBACK_ALLOW))
    if settings.database_url:
        monkeypatch.setenv("CHARTER_DATABASE_URL", settings.database_url)
    runner = CliRunner()
    listed = runner.invoke(cli_app, ["jobs", "list", "--json"], catch_exceptions=False)
    assert listed.exit_code == 0, listed.output
    assert {j["name"]: j["last_run"]["status"] for j in json.loads(listed.stdout)["jobs"] if j["name"] in MINE} == (
        dict.fromkeys(MINE, "ok"))
    ran = runner.invoke(cli_app, ["jobs", "run", "kb.retention", "--json"], catch_exceptions=False)
    assert ran.exit_code == 0, ran.output
    assert json.loads(ran.stdout)["outcome"] == {"knowledge_bases_changed": 0, "events": []}
