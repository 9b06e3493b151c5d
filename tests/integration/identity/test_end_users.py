"""SA-3, SA-5, DP-5: the end user behind a request is a pseudonymous subject on the interaction, its
review and its feedback; end users have their own rate limits; an officer's identity reaches the
record and the review screen; one end user's records can be exported and erased."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select, update

from charter.identity.subjects import SubjectKey
from charter.ledger.checkpoint import checkpoint_now
from charter.ledger.service import verify
from charter.ledger.tables import ledger_entries
from charter.oversight.tables import feedback, review_items
from charter.store.schema import interactions
from tests.integration.oversight.conftest import Desk

END_USERS = "end_users: {header: x-citizen, officer_header: x-officer, requests_per_minute: 2}\n"
HOLD = "review: {always: true, sample_rate: 0.0}\n"


def _ask(desk: Desk, user: str | None = None, **headers: str) -> Any:
    body: dict[str, Any] = {"model": "mock", "messages": [{"role": "user", "content": "When is the deadline?"}]}
    if user is not None:
        body["user"] = user
    return desk.http.post("/v1/chat/completions", json=body, headers={**desk.auth(), **headers})


def _rows(desk: Desk) -> list[Any]:
    with desk.platform.rt.engine.connect() as conn:
        return list(conn.execute(select(interactions).order_by(interactions.c.created_at)))


def test_sa3_the_user_field_becomes_a_keyed_pseudonym_never_stored_in_clear(desk: Desk) -> None:
    desk.charter(END_USERS)
    assert _ask(desk, "alice@example.org").status_code == 200
    assert _ask(desk, None, **{"x-citizen": "alice@example.org", "x-officer": "officer 4711"}).status_code == 200
    assert _ask(desk, "bob@example.org").status_code == 200
    first, second, third = _rows(desk)
    assert first.subject_id == second.subject_id and first.subject_id.startswith("sub_")
    assert third.subject_id != first.subject_id
    assert (first.officer, second.officer) == (None, "officer 4711")
    with desk.platform.rt.engine.connect() as conn:
        events = " ".join(str(e) for e in conn.execute(select(ledger_entries.c.event)).scalars())
    assert "alice" not in events and "officer 4711" not in events and first.subject_id not in events
    checkpoint_now(desk.platform.rt)
    assert verify(desk.platform.rt).problems == []
    desk.platform.rt.writer.write(lambda c: c.execute(update(interactions).values(officer="someone else")))
    assert {p.kind for p in verify(desk.platform.rt).problems} == {"interaction_changed"}


def test_sa3_subject_ids_differ_between_tenants_and_need_the_key() -> None:
    key = SubjectKey(b"k" * 32)
    assert key.subject_id("t1", "alice") == key.subject_id("t1", "alice")
    assert key.subject_id("t1", "alice") != key.subject_id("t2", "alice")
    assert SubjectKey(b"x" * 32).subject_id("t1", "alice") != key.subject_id("t1", "alice")


def test_sa5_one_end_user_cannot_spend_the_applications_rate_limit(desk: Desk) -> None:
    desk.charter(END_USERS)
    assert [_ask(desk, "alice").status_code for _ in range(2)] == [200, 200]
    refused = _ask(desk, "alice")
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "end_user_rate_limit_exceeded"
    assert "retry-after" in refused.headers
    assert _ask(desk, "bob").status_code == 200  # another citizen of the same application
    assert _ask(desk).status_code == 200  # no end user named: the key's limit only


@pytest.mark.parametrize(
    ("user", "code"), [(None, "missing_end_user"), ("a\x00b", "invalid_value"), ("x" * 257, "invalid_value")]
)
def test_sa3_a_required_or_malformed_end_user_is_a_clear_400(desk: Desk, user: str | None, code: str) -> None:
    desk.charter("end_users: {required: true}\n")
    r = _ask(desk, user)
    assert r.status_code == 400 and r.json()["error"]["code"] == code
    assert r.json()["error"]["param"] == "user"


def test_at1_the_officer_reaches_the_review_screen_and_the_review_names_the_subject(desk: Desk) -> None:
    desk.charter(END_USERS + HOLD)
    held = _ask(desk, "alice", **{"x-officer": "Sgt. Dana Reyes (badge 4711)"})
    assert held.status_code == 202, held.text
    item = desk.next()
    assert item is not None and item["officer"] == "Sgt. Dana Reyes (badge 4711)"
    assert item["subject_id"] == _rows(desk)[0].subject_id


def _erasable(desk: Desk) -> tuple[str, str]:
    desk.charter(END_USERS + HOLD)
    held = _ask(desk, "alice@example.org", **{"x-officer": "4711"})
    review_id = held.json()["review"]["id"]
    assert desk.review("claim", review_id).status_code == 200
    assert desk.review("approve", review_id).status_code == 200
    interaction_id = held.headers["x-charter-interaction-id"]
    fb = desk.http.post("/v1/feedback", json={"interaction_id": interaction_id, "rating": "unhelpful",
                                              "correction": "My deadline is in May.", "appeal": True},
                        headers=desk.auth())
    assert fb.status_code == 201, fb.text
    assert _ask(desk, "bob@example.org").status_code == 202  # someone else's record stays
    return interaction_id, review_id


def test_dp5_an_end_users_records_are_exported_then_erased_and_the_ledger_still_verifies(desk: Desk) -> None:
    interaction_id, _ = _erasable(desk)
    admin = desk.auth("admin")
    exported = desk.http.post("/api/v1/subjects/export", json={"subject": "alice@example.org"}, headers=admin)
    assert exported.status_code == 200, exported.text
    bundle = exported.json()
    assert bundle["counts"] == {"interactions": 1, "reviews": 2, "feedback": 1}  # the hold and the appeal
    assert bundle["interactions"][0]["content"]["messages"][0]["content"] == "When is the deadline?"
    assert bundle["feedback"][0]["correction"] == "My deadline is in May."
    assert {r["kind"] for r in bundle["reviews"]} == {"hold", "appeal"}
    by_id = desk.http.post("/api/v1/subjects/export", json={"subject": bundle["subject_id"]}, headers=admin)
    assert by_id.json()["counts"] == bundle["counts"]

    erased = desk.http.post("/api/v1/subjects/erase", json={"subject": "alice@example.org", "reason": "art. 17"},
                            headers=admin)
    assert erased.status_code == 200, erased.text
    counts = erased.json()["counts"]
    assert (counts["raw"], counts["reviews"], counts["reviews_closed"], counts["corrections"]) == (1, 2, 1, 1)
    raw = desk.http.get(f"/api/v1/interactions/{interaction_id}/raw", headers=desk.auth("auditor"))
    assert raw.status_code == 410 and raw.json()["error"]["code"] == "content_expired"
    after = desk.http.post("/api/v1/subjects/export", json={"subject": "alice@example.org"}, headers=admin).json()
    assert after["interactions"][0]["content"] is None and after["feedback"][0]["correction"] is None
    assert all(r["question"] is None for r in after["reviews"])
    with desk.platform.rt.engine.connect() as conn:
        stored = " ".join(str(v) for v in conn.execute(select(review_items.c.sealed_request)).scalars())
        pending = conn.execute(select(review_items.c.status).where(review_items.c.kind == "appeal")).scalar()
        kept = conn.execute(select(feedback.c.sealed_correction)).scalar()
        actions = list(conn.execute(
            select(ledger_entries.c.action)
            .where(ledger_entries.c.action.in_(["subject.exported", "subject.erased"]))
            .order_by(ledger_entries.c.seq)
        ).scalars())
    assert stored.count("ciphertext") == 1  # bob's held question only
    assert pending == "rejected" and "ciphertext" not in str(kept)
    assert actions == ["subject.exported", "subject.exported", "subject.erased", "subject.exported"]
    checkpoint_now(desk.platform.rt)
    assert verify(desk.platform.rt).problems == []


def test_dp5_erasure_refused_under_legal_hold_and_unknown_subject_is_404(desk: Desk) -> None:
    _erasable(desk)
    admin = desk.auth("admin")
    unknown = desk.http.post("/api/v1/subjects/erase", json={"subject": "nobody", "reason": "x"}, headers=admin)
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "subject_not_found"
    assert desk.http.put("/api/v1/ledger/legal-hold", json={"on": True}, headers=admin).status_code == 200
    held = desk.http.post("/api/v1/subjects/erase", json={"subject": "alice@example.org", "reason": "x"},
                          headers=admin)
    assert held.status_code == 409 and held.json()["error"]["code"] == "legal_hold"
    refused = desk.http.post("/api/v1/subjects/erase", json={"subject": "alice@example.org", "reason": "x"},
                             headers=desk.auth("auditor"))
    assert refused.status_code == 403
    no_reason = desk.http.post("/api/v1/subjects/erase", json={"subject": "alice@example.org"}, headers=admin)
    assert no_reason.status_code == 400
