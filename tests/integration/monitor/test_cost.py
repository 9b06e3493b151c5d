"""Cost and budgets (issue 13 item 7): what an exchange costs (token prices and hourly hardware by
busy time), spend per tenant, use case, model and day, budgets that alert at a share and refuse at
the limit (shared across replicas through Redis), and the comparison of candidate models."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from charter.cli.main import app as cli_app
from charter.domain.charter import Budget
from charter.errors import BudgetExceeded, Unavailable
from charter.evals.tables import eval_datasets, eval_runs
from charter.monitor.alerts.evaluate import evaluate
from charter.monitor.alerts.tables import alerts
from charter.monitor.budgets import meter_of, period_of
from charter.runtime import Runtime
from charter.settings import Settings
from charter.store.schema import interactions, new_id, use_cases, utcnow
from tests.conftest import AGENCY_CHARTER, LOOPBACK_ALLOW, REDIS_URL, Platform, make_platform
from tests.support.live import LiveCharter
from tests.support.upstream import ScriptedUpstream

BASE = AGENCY_CHARTER.format(rpm=1000, tpm=1_000_000, max_chars=4000)


@pytest.fixture
def served(platform: Platform) -> Iterator[tuple[Platform, httpx.Client]]:
    server = LiveCharter(platform.rt).start()
    try:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            yield platform, client
    finally:
        server.stop()


def _ask(p: Platform, http: httpx.Client, model: str = "mock") -> httpx.Response:
    body = {"model": model, "messages": [{"role": "user", "content": "When is the filing deadline?"}]}
    return http.post("/v1/chat/completions", json=body, headers=p.auth("app"))


def _row(rt: Runtime, interaction_id: str) -> Any:
    with rt.engine.connect() as conn:
        return conn.execute(select(interactions).where(interactions.c.id == interaction_id)).one()


def _use_case_id(rt: Runtime) -> str:
    with rt.engine.connect() as conn:
        return str(conn.execute(select(use_cases.c.id).where(use_cases.c.name == "tax-helpdesk")).scalar_one())


def test_an_exchange_costs_its_token_prices_plus_its_hardware_hour_by_busy_time(
    served: tuple[Platform, httpx.Client],
) -> None:
    p, http = served
    added = http.post("/api/v1/models", headers=p.auth("admin"), json={
        "alias": "gpu-box", "endpoint": p.upstream.url, "platform_model_id": "mock-model-7b", "region": "ca-central-1",
        "price_prompt_per_1k": 0.5, "price_completion_per_1k": 2.0, "hourly_cost": 36.0,
    })
    assert added.status_code == 201, added.text
    assert added.json()["hourly_cost"] == 36.0
    p.apply(BASE.replace("models: [mock]", "models: [gpu-box, mock]"))
    r = _ask(p, http, "gpu-box")
    assert r.status_code == 200, r.text
    row = _row(p.rt, r.headers["x-charter-interaction-id"])
    assert (row.prompt_tokens, row.completion_tokens) == (11, 7)
    tokens = (11 * 0.5 + 7 * 2.0) / 1000
    assert row.cost == pytest.approx(tokens + 36.0 * row.latency_ms / 3_600_000, abs=1e-8)
    assert row.cost > tokens  # the hardware hour was charged
    free = _row(p.rt, _ask(p, http, "mock").headers["x-charter-interaction-id"])
    assert free.cost == 0.0  # no prices, no hourly cost


def _interaction(rt: Runtime, p: Platform, *, cost: float, model: str, at: dt.datetime, latency: float = 100.0,
                 status: str = "ok") -> None:
    row = {
        "id": new_id("int"), "tenant_id": p.tenant_id, "use_case_id": _use_case_id(rt), "charter_version": 1,
        "key_id": "key_test", "request_id": new_id("req"), "model_alias": model, "input_sha256": "x",
        "input_chars": 10, "output_chars": 5, "prompt_tokens": 10, "completion_tokens": 5, "cost": cost,
        "latency_ms": latency, "status": status, "stream": False, "verdicts": [], "has_raw": False,
        "created_at": at,
    }
    rt.writer.write(lambda c: c.execute(interactions.insert().values(**row)))


def test_spend_is_summed_per_tenant_use_case_model_and_day(served: tuple[Platform, httpx.Client]) -> None:
    p, http = served
    day1 = dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC)
    day2 = day1 + dt.timedelta(days=1)
    for cost, model, at in ((0.25, "mock", day1), (0.5, "mock", day1), (1.0, "small", day1), (2.0, "mock", day2)):
        _interaction(p.rt, p, cost=cost, model=model, at=at)
    r = http.get("/api/v1/cost/spend", params={"since": "2026-11-01", "until": "2026-11-04"}, headers=p.auth("admin"))
    assert r.status_code == 200, r.text
    assert [(e["tenant"], e["use_case"], e["model"], e["day"], e["cost"], e["requests"]) for e in r.json()] == [
        ("agency", "tax-helpdesk", "mock", "2026-11-02", 0.75, 2),
        ("agency", "tax-helpdesk", "mock", "2026-11-03", 2.0, 1),
        ("agency", "tax-helpdesk", "small", "2026-11-02", 1.0, 1),
    ]
    by_model = http.get("/api/v1/cost/spend", headers=p.auth("auditor"),
                        params={"since": "2026-11-01", "until": "2026-11-04", "group_by": "model"}).json()
    assert by_model == [
        {"model": "mock", "cost": 2.75, "requests": 3, "prompt_tokens": 30, "completion_tokens": 15},
        {"model": "small", "cost": 1.0, "requests": 1, "prompt_tokens": 10, "completion_tokens": 5},
    ]
    bad = http.get("/api/v1/cost/spend", params={"since": "last tuesday"}, headers=p.auth("admin"))
    assert (bad.status_code, bad.json()["error"]["param"]) == (400, "since")
    assert http.get("/api/v1/cost/spend", headers=p.auth("app")).status_code == 403


def test_a_budget_alerts_at_its_share_once_and_refuses_429_budget_exceeded_at_the_limit(
    served: tuple[Platform, httpx.Client],
) -> None:
    p, http = served
    p.add_model(alias="priced", endpoint=p.upstream.url, platform_model_id="mock-model-7b", region="ca-central-1",
                price_prompt_per_1k=10.0, price_completion_per_1k=10.0)  # 18 tokens: 0.18 an answer
    p.apply(BASE.replace("models: [mock]", "models: [priced]"))
    first = _ask(p, http, "priced")
    assert first.status_code == 200, first.text
    cost = _row(p.rt, first.headers["x-charter-interaction-id"]).cost
    assert cost == pytest.approx(0.18)
    p.apply(BASE.replace("models: [mock]", "models: [priced]")
            + f"budget: {{limit: {3.5 * cost}, period: day, alert_at: 0.5}}\n"
            + "alerts: [{metric: budget_share, above: 1.0, severity: critical}]\n")
    codes = [_ask(p, http, "priced") for _ in range(4)]
    assert [c.status_code for c in codes] == [200, 200, 200, 429]  # spend 1c, 2c, 3c; 4c > 3.5c refused
    refused = codes[-1]
    assert refused.json()["error"]["code"] == "budget_exceeded"
    assert refused.json()["error"]["type"] == "insufficient_quota"
    assert 0 < int(refused.headers["retry-after"]) <= 86_400
    with p.rt.engine.connect() as conn:
        fired = conn.execute(select(alerts).where(alerts.c.name == "budget.share")).all()
    day = period_of(Budget(limit=1, period="day"), utcnow()).key
    assert [(a.status, a.labels, a.severity) for a in fired] == [("firing", {"period": day}, "warning")]
    assert fired[0].value == pytest.approx(2 / 3.5, abs=1e-4)  # the exchange that crossed half the limit
    assert asyncio.run(evaluate(p.rt)) == {"rules": 1, "fired": 1}  # the rule reads the same spend: 4c
    with p.rt.engine.connect() as conn:
        share = conn.execute(select(alerts.c.value).where(alerts.c.name == "budget_share")).scalar_one()
    assert share == pytest.approx(4 / 3.5, abs=1e-4)


@pytest.fixture
def redis_settings(settings: Settings) -> Settings:
    if not REDIS_URL:
        pytest.skip("set CHARTER_TEST_REDIS_URL to run Redis tests")
    return settings.model_copy(update={"redis_url": REDIS_URL})


@pytest.mark.redis
def test_the_budget_is_shared_by_two_replicas_through_redis(
    redis_settings: Settings, upstream: ScriptedUpstream
) -> None:
    one, two = Runtime.open(redis_settings), Runtime.open(redis_settings, migrate=False)
    try:
        p = make_platform(one, upstream)
        use_case_id = _use_case_id(one)
        _interaction(one, p, cost=1.0, model="mock", at=utcnow())  # recorded before Redis knew the budget
        budget = Budget(limit=3.0, period="month", alert_at=0.9)

        async def scenario() -> None:
            await meter_of(two).check(use_case_id, "tax-helpdesk", budget)  # seeds Redis from the store: 1.0
            await meter_of(one).charge(p.tenant_id, use_case_id, "tax-helpdesk", budget, 1.5)
            await meter_of(two).check(use_case_id, "tax-helpdesk", budget)  # 2.5 < 3.0
            await meter_of(one).charge(p.tenant_id, use_case_id, "tax-helpdesk", budget, 0.5)
            with pytest.raises(BudgetExceeded):
                await meter_of(two).check(use_case_id, "tax-helpdesk", budget)  # 3.0: the other replica's spend
            assert await meter_of(two).spend(use_case_id, period_of(budget, utcnow())) == pytest.approx(3.0)
            await meter_of(one).aclose()
            await meter_of(two).aclose()

        asyncio.run(scenario())
        with one.engine.connect() as conn:
            assert conn.execute(select(alerts.c.name)).scalars().all() == ["budget.share"]  # crossed 0.9 once
    finally:
        two.close()
        one.close()


def test_a_budget_store_that_cannot_be_reached_refuses_503_budget_unavailable(
    sqlite_settings: Settings, upstream: ScriptedUpstream
) -> None:
    rt = Runtime.open(sqlite_settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"}))
    try:
        async def check() -> None:
            try:
                await meter_of(rt).check("uc_missing", "tax-helpdesk", Budget(limit=1.0))
            finally:
                await meter_of(rt).aclose()

        with pytest.raises(Unavailable) as refused:
            asyncio.run(check())
        assert (refused.value.status, refused.value.code) == (503, "budget_unavailable")
    finally:
        rt.close()


def test_the_cost_report_compares_candidate_models_on_cost_latency_and_their_latest_evaluation(
    served: tuple[Platform, httpx.Client], data_dir: Path, monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    p, http = served
    p.apply(BASE.replace("models: [mock]", "models: [mock, small]"))
    now = utcnow()
    for latency in (100.0, 200.0, 300.0, 400.0):
        _interaction(p.rt, p, cost=0.004, model="mock", at=now, latency=latency)
    _interaction(p.rt, p, cost=0.001, model="small", at=now, latency=50.0)
    _interaction(p.rt, p, cost=0.9, model="small", at=now, latency=5.0, status="error")  # not an answer
    dataset, use_case_id = new_id("ds"), _use_case_id(p.rt)

    def seed(conn: Any) -> None:
        conn.execute(eval_datasets.insert().values(
            id=dataset, tenant_id=p.tenant_id, name="golden", version=1, sha256="0" * 64, source="golden.jsonl",
            item_count=20, description="", created_by="test", created_at=now))
        for model, accuracy, finished in (("small", 0.81, now - dt.timedelta(days=2)), ("small", 0.84, now),
                                          ("mock", 0.9, now)):
            conn.execute(eval_runs.insert().values(
                id=new_id("run"), tenant_id=p.tenant_id, experiment_id="exp", use_case_id=use_case_id,
                dataset_id=dataset, model=model, target="gateway", evaluators=[], params={}, seed=0,
                status="finished", item_count=20, done_count=20, aggregates={"accuracy": accuracy},
                started_by="test", started_at=finished, finished_at=finished))

    p.rt.writer.write(seed)
    r = http.get("/api/v1/cost/report/tax-helpdesk", headers=p.auth("developer"))
    assert r.status_code == 200, r.text
    report = {m["model"]: m for m in r.json()["models"]}
    assert list(report) == ["mock", "small"]
    mock, small = report["mock"], report["small"]
    assert (mock["answers"], mock["cost_per_1000_answers"], mock["latency_p50_ms"], mock["latency_p95_ms"]) == (
        4, 4.0, 200.0, 400.0)
    assert (small["answers"], small["cost_per_1000_answers"], small["latency_p95_ms"]) == (1, 1.0, 50.0)
    assert small["evaluation"]["aggregates"] == {"accuracy": 0.84}  # the latest finished run
    assert mock["evaluation"]["aggregates"] == {"accuracy": 0.9}

    monkeypatch.setenv("CHARTER_DATA_DIR", str(data_dir))
    monkeypatch.setenv("CHARTER_EMBEDDED_MODEL", "none")
    monkeypatch.setenv("CHARTER_OUTBOUND_ALLOW", json.dumps(LOOPBACK_ALLOW))
    if settings.database_url:
        monkeypatch.setenv("CHARTER_DATABASE_URL", settings.database_url)
    result = CliRunner().invoke(cli_app, ["cost", "report", "tax-helpdesk", "--tenant", "agency", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["models"] == r.json()["models"]
    spent = CliRunner().invoke(cli_app, ["cost", "spend", "--tenant", "agency", "--by", "model", "--json"])
    assert [(e["model"], e["requests"]) for e in json.loads(spent.output)] == [("mock", 4), ("small", 2)]
    listed = CliRunner().invoke(cli_app, ["alerts", "list", "--tenant", "agency", "--json"])
    assert (listed.exit_code, json.loads(listed.output)) == (0, [])
    made = CliRunner().invoke(cli_app, ["alerts", "silence", "--tenant", "agency", "--matcher", "name=budget.*",
                                        "--for", "2h", "--reason", "budget raised", "--json"])
    silence = json.loads(made.output)
    assert (made.exit_code, silence["matchers"], silence["active"]) == (0, {"name": "budget.*"}, True)
    silences = CliRunner().invoke(cli_app, ["alerts", "silences", "--tenant", "agency", "--json"])
    assert [s["id"] for s in json.loads(silences.output)] == [silence["id"]]
    ended = CliRunner().invoke(cli_app, ["alerts", "unsilence", silence["id"], "--tenant", "agency", "--json"])
    assert (ended.exit_code, json.loads(ended.output)["active"]) == (0, False)
    again = CliRunner().invoke(cli_app, ["alerts", "unsilence", silence["id"], "--tenant", "agency", "--json"])
    assert (again.exit_code, json.loads(again.output)["error"]["code"]) == (1, "not_found")
