"""DP-5: a use case's retention_days is enforced. Past it, the raw tier, the sealed review content and
feedback corrections are deleted (410 content_expired when asked for), the metadata and the ledger
stay, `audit verify` still passes and still detects tampering, and a legal hold stops it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from charter.interactions.retention import expire_content
from charter.ledger.checkpoint import checkpoint_now
from charter.ledger.service import verify
from charter.ledger.tables import ledger_entries
from charter.oversight.tables import feedback, review_items, review_versions
from charter.store.schema import interaction_raw, interactions
from tests.integration.oversight.conftest import Desk

KEEP_A_DAY = "retention_days: 1\nreview: {always: true, sample_rate: 0.0}\n"
LATER = dt.timedelta(days=2)


def _held_then_approved(desk: Desk) -> tuple[str, str]:
    r = desk.ask("When is the filing deadline?")
    assert r.status_code == 202, r.text
    review_id = r.json()["review"]["id"]
    assert desk.review("claim", review_id).status_code == 200
    approved = desk.review("approve", review_id)
    assert approved.status_code == 200, approved.text
    return r.headers["x-charter-interaction-id"], review_id


def _verify(desk: Desk) -> list[str]:
    checkpoint_now(desk.platform.rt)  # sign what is there, so every interaction is covered by a head
    report = verify(desk.platform.rt)
    assert report.interactions > 0
    return [p.kind for p in report.problems]


def test_dp5_content_past_retention_is_deleted_and_the_ledger_still_verifies(desk: Desk) -> None:
    desk.charter(KEEP_A_DAY)
    interaction_id, review_id = _held_then_approved(desk)
    fb = desk.http.post(
        "/v1/feedback",
        json={"interaction_id": interaction_id, "rating": "unhelpful", "correction": "It is April 30."},
        headers=desk.auth(),
    )
    assert fb.status_code == 201, fb.text
    rt = desk.platform.rt
    assert desk.http.get(f"/api/v1/interactions/{interaction_id}/raw", headers=desk.auth("auditor")).status_code == 200

    nothing = expire_content(rt).to_json()  # nothing is a day old yet
    assert all(v == 0 for v in nothing["totals"].values())

    report = expire_content(rt, now=dt.datetime.now(dt.UTC) + LATER).to_json()
    assert report["totals"] == {"raw": 1, "reviews": 1, "expert_samples": 0, "corrections": 1}

    raw = desk.http.get(f"/api/v1/interactions/{interaction_id}/raw", headers=desk.auth("auditor"))
    assert raw.status_code == 410 and raw.json()["error"]["code"] == "content_expired"
    shown = desk.http.get(f"/api/v1/reviews/{review_id}", headers=desk.auth("reviewer"))
    assert shown.status_code == 410 and shown.json()["error"]["code"] == "content_expired"
    with rt.engine.connect() as conn:
        assert conn.execute(select(interaction_raw)).first() is None
        assert "ciphertext" not in str(conn.execute(select(review_items.c.sealed_request)).scalar())
        assert "ciphertext" not in str(conn.execute(select(review_versions.c.sealed)).scalar())
        assert "ciphertext" not in str(conn.execute(select(feedback.c.sealed_correction)).scalar())
        kept = conn.execute(select(interactions.c.id, interactions.c.has_raw)).all()
        expired = conn.execute(select(ledger_entries.c.event).where(ledger_entries.c.action == "retention.expired"))
        events = [e for e in expired.scalars()]
    assert [(k.id, k.has_raw) for k in kept] == [(interaction_id, True)]  # the metadata tier stays
    assert len(events) == 3 and all("tax-helpdesk" in str(e) for e in events)  # a batch of each kind

    again = expire_content(rt, now=dt.datetime.now(dt.UTC) + LATER).to_json()  # idempotent
    assert all(v == 0 for v in again["totals"].values())

    assert _verify(desk) == []
    rt.writer.write(lambda c: c.execute(update(interactions).values(latency_ms=1.0)))
    assert "interaction_changed" in _verify(desk)  # tampering after a retention run is still found


def test_dp5_legal_hold_stops_retention(desk: Desk) -> None:
    desk.charter(KEEP_A_DAY)
    interaction_id, review_id = _held_then_approved(desk)
    held = desk.http.put("/api/v1/ledger/legal-hold", json={"on": True, "reason": "litigation"},
                         headers=desk.auth("admin"))
    assert held.status_code == 200, held.text
    report = expire_content(desk.platform.rt, now=dt.datetime.now(dt.UTC) + LATER).to_json()
    assert report["held"] == ["tax-helpdesk"] and all(v == 0 for v in report["totals"].values())
    assert desk.http.get(f"/api/v1/interactions/{interaction_id}/raw", headers=desk.auth("auditor")).status_code == 200
    assert desk.http.get(f"/api/v1/reviews/{review_id}", headers=desk.auth("reviewer")).status_code == 200


def test_dp5_a_review_still_pending_is_not_expired(desk: Desk) -> None:
    desk.charter(KEEP_A_DAY)
    r = desk.ask("When is the filing deadline?")
    assert r.status_code == 202
    report = expire_content(desk.platform.rt, now=dt.datetime.now(dt.UTC) + LATER).to_json()
    assert report["totals"]["reviews"] == 0 and report["totals"]["raw"] == 0
    item = desk.next()
    # the reviewer still sees what awaits a decision
    assert item is not None and item["proposed_answer"] == desk.platform.upstream.reply


def test_dp5_retention_walks_a_backlog_in_batches_by_key_and_skips_what_waits_for_review(desk: Desk) -> None:
    desk.charter("retention_days: 1\nreview: {always: false, sample_rate: 0.0}\n")
    answered = [desk.ask(f"Question {i}?") for i in range(5)]
    assert all(r.status_code == 200 for r in answered)
    desk.charter(KEEP_A_DAY)  # now every answer is held
    held = desk.ask("When is the filing deadline?")
    assert held.status_code == 202
    report = expire_content(desk.platform.rt, now=dt.datetime.now(dt.UTC) + LATER, batch=2, pause_s=0).to_json()
    assert report["totals"]["raw"] == 5  # three batches of at most two, the held answer's raw tier kept
    with desk.platform.rt.engine.connect() as conn:
        left = list(conn.execute(select(interaction_raw.c.interaction_id)).scalars())
        batches = conn.execute(
            select(ledger_entries.c.seq).where(ledger_entries.c.action == "retention.expired")
        ).all()
    assert left == [held.headers["x-charter-interaction-id"]]
    assert len(batches) == 3
