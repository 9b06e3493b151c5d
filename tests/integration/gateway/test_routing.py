"""Routing: residency (DP-8), classification (DP-6), fallbacks (MD-7), breakers, weights, kill switches (HO-4)."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from charter.store.schema import interactions
from tests.conftest import AGENCY_CHARTER
from tests.support.upstream import ScriptedUpstream

GOOD = {"messages": [{"role": "user", "content": "hi"}]}


@pytest.fixture
def database_url():
    return None


@pytest.fixture
def second_upstream():
    server = ScriptedUpstream()
    server.reply = "answer from the fallback"
    server.start()
    yield server
    server.stop()


def _charter(models: str, regions: str, ceiling: str = "internal") -> str:
    text = AGENCY_CHARTER.format(rpm=1000, tpm=1_000_000, max_chars=4000)
    return (text.replace("models: [mock]", f"models: [{models}]")
            .replace("regions: [ca-central-1]", f"regions: [{regions}]")
            .replace("classification_ceiling: internal", f"classification_ceiling: {ceiling}"))


def test_dp8_ca_only_use_case_never_routes_to_us_endpoint(http, platform, second_upstream):
    platform.add_model(alias="us-model", endpoint=second_upstream.url, region="us-east-1",
                       classification_ceiling="secret")
    platform.apply(_charter("us-model", "ca-central-1"))
    r = http.post("/v1/chat/completions", json=GOOD, headers=platform.auth())
    assert r.status_code == 400 and r.json()["error"]["code"] == "no_eligible_model"
    assert "region us-east-1" in r.json()["error"]["message"]
    assert second_upstream.requests == []


def test_dp6_model_below_use_case_classification_is_not_used(http, platform, second_upstream):
    platform.add_model(alias="public-only", endpoint=second_upstream.url, region="ca-central-1",
                       classification_ceiling="public")
    platform.apply(_charter("public-only, mock", "ca-central-1", ceiling="confidential"))
    r = http.post("/v1/chat/completions", json={**GOOD, "model": "public-only"}, headers=platform.auth())
    assert r.status_code == 200
    assert r.json()["model"] == "mock"  # the request asked for public-only; it was filtered, mock served
    assert second_upstream.requests == []


def test_model_outside_charter_is_refused_not_rerouted(http, platform, second_upstream):
    platform.add_model(alias="other", endpoint=second_upstream.url, region="ca-central-1")
    r = http.post("/v1/chat/completions", json={**GOOD, "model": "other"}, headers=platform.auth())
    assert r.status_code == 400 and r.json()["error"]["code"] == "model_not_allowed"
    assert second_upstream.requests == [] and platform.upstream.requests == []


def test_md7_falls_back_to_secondary_when_primary_fails(http, platform, second_upstream):
    platform.add_model(alias="backup", endpoint=second_upstream.url, region="ca-central-1",
                       classification_ceiling="confidential")
    platform.apply(_charter("mock, backup", "ca-central-1"))
    platform.upstream.fail_next(10, 503)
    r = http.post("/v1/chat/completions", json=GOOD, headers=platform.auth())
    assert r.status_code == 200, r.text
    assert r.json()["choices"][0]["message"]["content"] == "answer from the fallback"
    assert len(platform.upstream.requests) == 3  # one try + two retries, then the fallback
    assert r.json()["model"] == "backup"


def test_md7_retry_recovers_a_transient_failure(http, platform):
    platform.upstream.fail_next(1, 502)
    r = http.post("/v1/chat/completions", json=GOOD, headers=platform.auth())
    assert r.status_code == 200
    assert len(platform.upstream.requests) == 2


def test_md7_manual_process_message_when_every_model_fails(http, platform):
    platform.upstream.fail_next(10, 500)
    r = http.post("/v1/chat/completions", json=GOOD, headers=platform.auth())
    assert r.status_code == 502
    err = r.json()["error"]
    assert err["code"] == "upstream_unavailable"
    assert "manual process" in err["message"]
    assert err["attempts"] == 3  # a count: which hosts failed, and how, stays in the record and the log


def test_client_error_from_upstream_is_not_retried(http, platform):
    platform.upstream.fail_next(1, 400)
    r = http.post("/v1/chat/completions", json=GOOD, headers=platform.auth())
    assert r.status_code == 502
    assert len(platform.upstream.requests) == 1


def test_circuit_opens_after_consecutive_failures(http, platform):
    platform.upstream.fail_next(100, 503)
    for _ in range(2):
        http.post("/v1/chat/completions", json=GOOD, headers=platform.auth())
    seen = len(platform.upstream.requests)
    assert seen == 5  # the breaker opened at the 5th consecutive failure
    r = http.post("/v1/chat/completions", json=GOOD, headers=platform.auth())
    assert r.status_code == 502
    assert "circuit open" not in r.text  # the client gets the outage message and the count only
    with platform.rt.engine.connect() as conn:
        record = conn.execute(select(interactions).order_by(interactions.c.created_at.desc()).limit(1)).one()
    assert "circuit open" in str(record.verdicts)
    assert len(platform.upstream.requests) == seen


def test_canary_weights_split_traffic(http, platform, second_upstream):
    platform.add_model(alias="mock", endpoint=second_upstream.url, platform_model_id="mock-model-8b",
                       region="ca-central-1", classification_ceiling="confidential", weight=0)
    for _ in range(10):
        assert http.post("/v1/chat/completions", json=GOOD, headers=platform.auth()).status_code == 200
    assert second_upstream.requests == []  # weight 0: never drawn


@pytest.mark.parametrize(("scope", "target", "code"), [
    ("use_case", "tax-helpdesk", "use_case_suspended"),
    ("model", "mock", "model_suspended"),
])
def test_ho4_kill_switch_stops_next_request(http, platform, scope, target, code):
    assert http.post("/v1/chat/completions", json=GOOD, headers=platform.auth()).status_code == 200
    before = len(platform.upstream.requests)
    r = http.post("/api/v1/kill", json={"scope": scope, "target": target, "reason": "test"},
                  headers=platform.auth("admin"))
    assert r.status_code == 200, r.text
    r = http.post("/v1/chat/completions", json=GOOD, headers=platform.auth())
    assert r.status_code == 503
    assert r.json()["error"]["code"] == code
    assert r.headers["x-should-retry"] == "false"
    assert len(platform.upstream.requests) == before
    http.post("/api/v1/revive", json={"scope": scope, "target": target}, headers=platform.auth("admin"))
    assert http.post("/v1/chat/completions", json=GOOD, headers=platform.auth()).status_code == 200


@pytest.mark.parametrize(("scope", "target", "code"), [
    ("use_case", "tax-helpdesk", "use_case_suspended"),
    ("model", "mock", "model_suspended"),
])
def test_ho4_kill_switch_refusal_is_recorded_as_refused(http, platform, scope, target, code):
    from sqlalchemy import select

    from charter.store.schema import interactions

    r = http.post("/api/v1/kill", json={"scope": scope, "target": target, "reason": "test"},
                  headers=platform.auth("admin"))
    assert r.status_code == 200, r.text
    r = http.post("/v1/chat/completions", json=GOOD, headers=platform.auth())
    assert r.status_code == 503 and r.json()["error"]["code"] == code
    with platform.rt.engine.connect() as conn:
        rows = conn.execute(select(interactions.c.status, interactions.c.error_code)).all()
    assert [(row.status, row.error_code) for row in rows] == [("refused", code)]


def test_ho4_global_kill_switch_needs_platform_admin_and_stops_all(http, platform):
    r = http.post("/api/v1/kill", json={"scope": "global"}, headers=platform.auth("admin"))
    assert r.status_code == 403
    from sqlalchemy import select

    from charter.policy.service import tenant_id_for
    from charter.principals.keys import create_key
    from charter.store.schema import tenants

    def platform_admin(conn):
        return create_key(conn, tenant_id=tenant_id_for(conn, "platform"), role="admin", actor="t", platform=True).key

    key = platform.rt.writer.write(platform_admin)
    r = http.post("/api/v1/kill", json={"scope": "global", "reason": "incident"},
                  headers={"authorization": f"Bearer {key}"})
    assert r.status_code == 200
    r = http.post("/v1/chat/completions", json=GOOD, headers=platform.auth())
    assert r.status_code == 503 and r.json()["error"]["code"] == "service_suspended"
    with platform.rt.engine.connect() as conn:
        assert conn.execute(select(tenants.c.name)).scalars().all()


def test_ho4_kill_switch_reaches_another_replica_within_ttl(platform, http):
    """A change written by another process is seen after the policy cache TTL (default 1 s, HO-4 ≤ 5 s)."""
    from charter.policy.controls import set_control

    assert http.post("/v1/chat/completions", json=GOOD, headers=platform.auth()).status_code == 200
    platform.rt.writer.write(lambda c: set_control(c, platform.tenant_id, "use_case", "tax-helpdesk", True,
                                                   actor="other-replica"))
    deadline = time.monotonic() + 5
    status = 200
    while time.monotonic() < deadline and status == 200:
        status = http.post("/v1/chat/completions", json=GOOD, headers=platform.auth()).status_code
        time.sleep(0.1)
    assert status == 503


def test_at7_kill_switch_toggles_are_in_the_ledger(http, platform):
    http.post("/api/v1/kill", json={"scope": "model", "target": "mock", "reason": "drift"},
              headers=platform.auth("admin"))
    http.post("/api/v1/revive", json={"scope": "model", "target": "mock"}, headers=platform.auth("admin"))
    from sqlalchemy import select

    from charter.ledger.tables import ledger_entries

    with platform.rt.engine.connect() as conn:
        rows = conn.execute(select(ledger_entries.c.action, ledger_entries.c.subject)
                            .where(ledger_entries.c.action.like("kill_switch.%")).order_by(ledger_entries.c.seq)).all()
    expected = [("kill_switch.on", "model:mock"), ("kill_switch.off", "model:mock")]
    assert [(r.action, r.subject) for r in rows] == expected
