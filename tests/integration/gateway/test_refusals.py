"""Issue 10 item 7 (SA-5, AT-1): a flood of rate-limited requests costs a handful of rows and ledger
entries, not one each; the aggregate counts every 429; kill-switch refusals keep their full record;
``audit verify`` still passes. Both stores."""

from __future__ import annotations

import time

import httpx
import orjson
import pytest
from sqlalchemy import func, select

from charter.gateway.refusals import REFUSALS_ACTION, refusal_counter
from charter.ledger import checkpoint_now
from charter.ledger.service import verify
from charter.ledger.tables import ledger_entries
from charter.store.schema import interactions, refusal_counts
from tests.conftest import make_platform
from tests.support.live import LiveCharter

GOOD = {"messages": [{"role": "user", "content": "hi"}]}
RPM = 3
FLOOD = 200


@pytest.fixture
def settings(settings):
    # no background flush during the test unless it asks for one: the shutdown flush is the one
    return settings.model_copy(update={"refusal_flush_interval_s": 3600.0})


@pytest.fixture
def platform(runtime, upstream):
    return make_platform(runtime, upstream, rpm=RPM)


def _ledger(platform, action: str | None = None) -> list[dict]:
    query = select(ledger_entries.c.seq, ledger_entries.c.action, ledger_entries.c.subject, ledger_entries.c.event)
    if action is not None:
        query = query.where(ledger_entries.c.action == action)
    with platform.rt.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query.order_by(ledger_entries.c.seq))]


def _interactions(platform) -> list[tuple[str, str | None]]:
    with platform.rt.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(interactions.c.status, interactions.c.error_code))]


def _window_fresh() -> None:
    """The limiter counts in one-minute windows: run the flood well inside one."""
    into = time.time() % 60
    if into > 40:
        time.sleep(60 - into + 0.5)


def test_sa5_a_flood_of_429s_is_counted_in_aggregate_not_recorded_one_by_one(platform):
    _window_fresh()
    entries_before = len(_ledger(platform))
    server = LiveCharter(platform.rt).start()
    try:
        with httpx.Client(base_url=server.url, timeout=30) as http:
            codes = [http.post("/v1/chat/completions", json=GOOD, headers=platform.auth()).status_code
                     for _ in range(RPM + FLOOD)]
            assert codes == [200] * RPM + [429] * FLOOD
            # counted, not yet written: the API shows this replica's pending counts
            shown = http.get("/api/v1/refusals", headers=platform.auth("auditor")).json()
            assert shown["data"] == []
            assert [(p["code"], p["count"]) for p in shown["pending"]] == [("rate_limit_exceeded", FLOOD)]
    finally:
        server.stop()  # the app's shutdown flushes what was counted
    # the admitted requests are recorded one by one; no refused one is
    assert sorted(_interactions(platform)) == [("ok", None)] * RPM
    with platform.rt.engine.connect() as conn:
        rows = conn.execute(select(refusal_counts)).all()
    assert len(rows) == 1
    row = rows[0]
    assert (row.code, row.count) == ("rate_limit_exceeded", FLOOD)
    key_id = next(iter(row.by_key))
    assert row.by_key == {key_id: FLOOD} and key_id.startswith("key_")
    # one ledger entry for the whole flood, listing the row
    aggregated = _ledger(platform, REFUSALS_ACTION)
    assert len(aggregated) == 1
    event = orjson.loads(aggregated[0]["event"])
    assert aggregated[0]["subject"] == row.batch_id
    assert event["total"] == FLOOD
    assert event["counts"] == [{"id": row.id, "use_case_id": row.use_case_id, "code": "rate_limit_exceeded",
                                "count": FLOOD, "by_key": {key_id: FLOOD}}]
    assert len(_ledger(platform)) - entries_before == RPM + 1
    # the ledger still verifies, signed heads included
    checkpoint_now(platform.rt)
    report = verify(platform.rt)
    assert report.ok, report.to_json()


def test_sa5_refusal_counts_are_flushed_in_the_background_and_listed(platform):
    _window_fresh()
    counter = refusal_counter(platform.rt)
    counter.interval = 0.2
    server = LiveCharter(platform.rt).start()
    try:
        with httpx.Client(base_url=server.url, timeout=30) as http:
            codes = [http.post("/v1/chat/completions", json=GOOD, headers=platform.auth()).status_code
                     for _ in range(RPM + 5)]
            assert codes.count(429) == 5
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                shown = http.get("/api/v1/refusals", headers=platform.auth("admin")).json()
                if sum(r["count"] for r in shown["data"]) == 5:
                    break
                time.sleep(0.1)
            assert sum(r["count"] for r in shown["data"]) == 5, shown
            assert {r["use_case"] for r in shown["data"]} == {"tax-helpdesk"}
            assert {r["code"] for r in shown["data"]} == {"rate_limit_exceeded"}
            assert shown["pending"] == []
            # another tenant's admin sees none of it
            other = http.get("/api/v1/refusals", headers={"authorization": f"Bearer {_other_admin(platform)}"})
            assert other.status_code == 200 and other.json() == {"data": [], "pending": []}
            # an app key may not read it
            assert http.get("/api/v1/refusals", headers=platform.auth()).status_code == 403
    finally:
        server.stop()
    assert len(_ledger(platform, REFUSALS_ACTION)) >= 1


def _other_admin(platform) -> str:
    from charter.policy.service import ensure_tenant

    platform.rt.writer.write(lambda c: ensure_tenant(c, "other-agency"))
    return platform.key("admin", use_case=None, tenant="other-agency")


def test_sa5_a_flush_the_store_refuses_keeps_its_counts_for_the_next(platform, monkeypatch):
    from charter.policy.service import get_use_case

    counter = refusal_counter(platform.rt)

    with platform.rt.engine.connect() as conn:
        use_case_id = get_use_case(conn, platform.tenant_id, "tax-helpdesk")["id"]
    for _ in range(4):
        counter.count(tenant_id=platform.tenant_id, use_case_id=use_case_id, key_id="key_a", code="rate_limit_exceeded")

    def refuse(_job):
        raise RuntimeError("store down")

    monkeypatch.setattr(platform.rt.writer, "write", refuse)
    with pytest.raises(RuntimeError):
        counter.flush()
    monkeypatch.undo()
    counter.count(tenant_id=platform.tenant_id, use_case_id=use_case_id, key_id="key_b", code="rate_limit_exceeded")
    assert counter.flush() == 1
    with platform.rt.engine.connect() as conn:
        rows = conn.execute(select(refusal_counts.c.count, refusal_counts.c.by_key)).all()
    assert [(r.count, r.by_key) for r in rows] == [(5, {"key_a": 4, "key_b": 1})]


def test_ho4_kill_switch_refusals_keep_their_full_record(http, platform):
    from charter.policy import controls

    platform.rt.writer.write(lambda c: controls.set_control(
        c, platform.tenant_id, "use_case", "tax-helpdesk", True, actor="test", reason="maintenance"))
    platform.invalidate()
    r = http.post("/v1/chat/completions", json=GOOD, headers=platform.auth())
    assert r.status_code == 503 and r.json()["error"]["code"] == "use_case_suspended"
    assert _interactions(platform) == [("refused", "use_case_suspended")]
    with platform.rt.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(refusal_counts)).scalar_one() == 0
