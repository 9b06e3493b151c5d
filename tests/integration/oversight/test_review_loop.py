"""The review loop over real HTTP: held answers, approve / edit / reject, four-eyes, claims, SLA."""

from __future__ import annotations

from sqlalchemy import select

from charter.ledger.tables import ledger_entries
from charter.oversight.tables import review_decisions, review_items, review_versions
from tests.integration.oversight.conftest import BASE_CHARTER, Desk

ALWAYS = "review: {always: true}\n"


def _held(desk: Desk, text: str = "When is the filing deadline?") -> tuple[str, dict]:
    r = desk.ask(text)
    assert r.status_code == 202, r.text
    body = r.json()
    return body["review"]["id"], body


def _actions(desk: Desk, subject: str) -> list[str]:
    with desk.platform.rt.engine.connect() as conn:
        return list(
            conn.execute(
                select(ledger_entries.c.action)
                .where(ledger_entries.c.subject == subject)
                .order_by(ledger_entries.c.seq)
            ).scalars()
        )


def test_ho1_held_answer_is_invisible_until_approved(desk: Desk) -> None:
    desk.charter(ALWAYS)
    reply = desk.platform.upstream.reply
    review_id, body = _held(desk)
    assert body["object"] == "chat.completion"
    assert body["review"] == {"id": review_id, "status": "pending", "status_url": f"/v1/reviews/{review_id}"}
    assert reply not in body["choices"][0]["message"]["content"]
    waiting = desk.status(review_id)
    assert waiting.status_code == 202 and reply not in waiting.text

    item = desk.next()
    assert item is not None and item["id"] == review_id
    assert item["proposed_answer"] == reply
    assert item["question"] == [{"role": "user", "content": "When is the filing deadline?"}]
    assert "AI system" in item["notice"] and item["reasons"] == ["always"]
    assert desk.status(review_id).status_code == 202  # claimed is not decided

    decided = desk.review("approve", review_id, comment="checked against the guide")
    assert decided.status_code == 200, decided.text
    released = desk.status(review_id)
    assert released.status_code == 200
    data = released.json()
    assert data["choices"][0]["message"]["content"] == reply
    assert data["review"]["status"] == "approved" and data["review"]["provenance"] == "ai"
    with desk.platform.rt.engine.connect() as conn:
        d = conn.execute(select(review_decisions).where(review_decisions.c.review_id == review_id)).one()
    assert d.reviewer == desk.principal("reviewer").key_id
    assert (d.decision, d.comment, d.final) == ("approved", "checked against the guide", True)
    assert d.received_at <= d.decided_at
    assert _actions(desk, review_id) == ["review.opened", "review.viewed", "review.approved"]


def test_me6_edit_is_exactly_what_the_requester_receives(desk: Desk) -> None:
    desk.charter(ALWAYS)
    review_id, _ = _held(desk)
    assert desk.next() is not None
    edited = "Passports are renewed online at the passport office website. Processing takes 10 business days."
    r = desk.review("edit", review_id, text=edited, comment="added processing time")
    assert r.status_code == 200, r.text
    assert r.json()["provenance"] == "ai-edited" and r.json()["status"] == "edited"
    data = desk.status(review_id).json()
    assert data["choices"][0]["message"]["content"] == edited
    assert data["review"]["status"] == "edited" and data["review"]["version"] == 2
    with desk.platform.rt.engine.connect() as conn:
        versions = conn.execute(
            select(review_versions.c.version, review_versions.c.provenance, review_versions.c.sealed)
            .where(review_versions.c.review_id == review_id)
            .order_by(review_versions.c.version)
        ).all()
    assert [(v.version, v.provenance) for v in versions] == [(1, "ai"), (2, "ai-edited")]
    assert "Processing takes" not in str(versions[1].sealed)  # sealed at rest
    shown = desk.http.get(f"/api/v1/reviews/{review_id}", headers=desk.auth("reviewer")).json()
    assert f"+{edited}" in shown["versions"][1]["diff"]


def test_me6_answer_written_from_scratch_is_human(desk: Desk) -> None:
    desk.charter(ALWAYS)
    review_id, _ = _held(desk)
    desk.next()
    r = desk.review("edit", review_id, text="Call 1-800-555-0100.", from_scratch=True)
    assert r.json()["provenance"] == "human"
    assert desk.status(review_id).json()["review"]["provenance"] == "human"


def test_ho1_rejection_returns_the_reviewers_reason(desk: Desk) -> None:
    desk.charter(ALWAYS)
    reply = desk.platform.upstream.reply
    review_id, _ = _held(desk)
    desk.next()
    assert desk.review("reject", review_id, reason="The office changed; see the 2026 guide.").status_code == 200
    data = desk.status(review_id).json()
    assert data["review"]["status"] == "rejected"
    assert data["review"]["reason"] == "The office changed; see the 2026 guide."
    assert reply not in data["choices"][0]["message"]["content"]
    assert data["choices"][0]["finish_reason"] == "content_filter"
    assert desk.review("approve", review_id).status_code == 409  # decided is final


def test_ho1_only_the_requesting_key_reads_the_review(desk: Desk) -> None:
    desk.charter(ALWAYS)
    review_id, _ = _held(desk)
    for role in ("app2", "reviewer", "admin"):
        r = desk.status(review_id, role=role)
        assert r.status_code == 404, role
        assert r.json()["error"]["code"] == "not_found"


def test_ho1_two_reviewers_cannot_claim_the_same_item(desk: Desk) -> None:
    desk.charter(ALWAYS)
    review_id, _ = _held(desk)
    assert desk.review("claim", review_id).status_code == 200
    second = desk.review("claim", review_id, role="reviewer2")
    assert second.status_code == 409 and second.json()["error"]["code"] == "conflict"
    assert desk.next(role="reviewer2") is None
    assert desk.review("approve", review_id, role="reviewer2").status_code == 409
    assert desk.review("release", review_id).status_code == 200
    assert desk.review("claim", review_id, role="reviewer2").status_code == 200


def test_ho1_four_eyes_needs_two_different_reviewers(desk: Desk) -> None:
    desk.charter("review: {always: true, four_eyes: true}\n")
    review_id, _ = _held(desk)
    desk.next()
    first = desk.review("approve", review_id)
    assert first.status_code == 200 and first.json()["status"] == "pending" and first.json()["final"] is False
    assert desk.status(review_id).status_code == 202
    again = desk.review("claim", review_id)
    assert again.status_code == 403
    assert desk.next() is None
    item = desk.next(role="reviewer2")
    assert item is not None and item["approvals"] == 1
    second = desk.review("approve", review_id, role="reviewer2")
    assert second.json()["status"] == "approved" and second.json()["final"] is True
    assert desk.status(review_id).status_code == 200


def test_ho1_four_eyes_edit_needs_a_second_approval(desk: Desk) -> None:
    desk.charter("review: {always: true, four_eyes: true}\n")
    review_id, _ = _held(desk)
    desk.next(role="reviewer2")
    assert (
        desk.review("edit", review_id, role="reviewer2", text="Renew online at the passport office.").json()["status"]
        == "pending"
    )
    assert desk.status(review_id).status_code == 202
    desk.next()
    assert desk.review("approve", review_id).json()["status"] == "edited"
    assert desk.status(review_id).json()["choices"][0]["message"]["content"] == "Renew online at the passport office."


def test_ho1_sla_escalates_and_gives_the_holding_message(desk: Desk) -> None:
    desk.charter(
        "review: {always: true, sla_minutes: 5, sla_action: holding_message, "
        "holding_message: 'A person is checking your answer; call 311 if urgent.'}\n"
    )
    reply = desk.platform.upstream.reply
    review_id, _ = _held(desk)
    assert desk.sweep(minutes_later=1)["escalated"] == []
    done = desk.sweep(minutes_later=6)
    assert [e["id"] for e in done["escalated"]] == [review_id]
    assert desk.sweep(minutes_later=7)["escalated"] == []  # once only
    r = desk.status(review_id)
    assert r.status_code == 202
    assert r.json()["choices"][0]["message"]["content"] == "A person is checking your answer; call 311 if urgent."
    assert r.json()["review"]["status"] == "holding" and reply not in r.text
    assert "review.escalated" in _actions(desk, review_id)
    desk.next()
    desk.review("approve", review_id)
    assert desk.status(review_id).json()["choices"][0]["message"]["content"] == reply


def test_ho1_sla_escalate_only_keeps_the_pending_notice(desk: Desk) -> None:
    desk.charter("review: {always: true, sla_minutes: 5}\n")
    review_id, _ = _held(desk)
    desk.sweep(minutes_later=6)
    r = desk.status(review_id)
    assert r.json()["review"]["status"] == "pending"
    with desk.platform.rt.engine.connect() as conn:
        row = conn.execute(select(review_items).where(review_items.c.id == review_id)).one()
    assert row.escalated_at is not None and row.holding_at is None


def test_ho2_high_impact_use_case_is_always_held(desk: Desk) -> None:
    desk.platform.apply(BASE_CHARTER.replace("risk_tier: limited", "risk_tier: high-impact"))
    review_id, _ = _held(desk)
    item = desk.next()
    assert item is not None and item["id"] == review_id and item["reasons"] == ["high-impact"]


def test_ho1_no_review_rule_releases_at_once(desk: Desk) -> None:
    desk.charter("review: {always: false, sample_rate: 0.0}\n")
    r = desk.ask()
    assert r.status_code == 200
    assert r.json()["choices"][0]["message"]["content"] == desk.platform.upstream.reply
    assert desk.next() is None


def test_ho1_decision_webhook_tells_status_not_the_answer(desk: Desk) -> None:
    upstream = desk.platform.upstream
    desk.charter(f"review: {{always: true, webhook_url: '{upstream.url}/hook'}}\n")
    review_id, _ = _held(desk)
    desk.next()
    desk.review("approve", review_id)
    import time

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not any(r["path"].endswith("/hook") for r in upstream.requests):
        time.sleep(0.05)
    hooks = [r for r in upstream.requests if r["path"].endswith("/hook")]
    assert [h["body"] for h in hooks] == [
        {
            "event": "review.decided",
            "review": {"id": review_id, "status": "approved", "status_url": f"/v1/reviews/{review_id}"},
        }
    ]


def test_sa2_reviewers_of_another_tenant_see_nothing(desk: Desk) -> None:
    from charter.policy.service import ensure_tenant

    desk.charter(ALWAYS)
    review_id, _ = _held(desk)
    desk.platform.rt.writer.write(lambda c: ensure_tenant(c, "other-agency"))
    desk.platform.keys["outsider"] = desk.platform.key("reviewer", use_case=None, tenant="other-agency")
    assert desk.next(role="outsider") is None
    for r in (
        desk.http.get(f"/api/v1/reviews/{review_id}", headers=desk.auth("outsider")),
        desk.review("claim", review_id, role="outsider"),
        desk.status(review_id, role="outsider"),
    ):
        assert r.status_code == 404, r.text
    assert desk.http.get("/api/v1/reviews", headers=desk.auth("outsider")).json() == []
    assert desk.http.get("/api/v1/incidents", headers=desk.auth("outsider")).json() == []
