"""The review queue as reviewers see it: list, claim (atomic), show with the automation-bias
notice, let go. Nobody is offered their own request; in four-eyes mode nobody approves twice."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, select

from charter import ledger
from charter.domain import Principal
from charter.errors import Conflict, PermissionDenied
from charter.oversight.assignment import load_board
from charter.oversight.claims import claimable, release_claim, try_claim
from charter.oversight.items import answer_binding, request_binding, review_settings
from charter.oversight.sealing import open_json
from charter.oversight.tables import review_decisions, review_items, review_versions
from charter.store.records import found_in, pick, pick_iso, with_use_case
from charter.store.schema import use_cases
from charter.store.types import iso

__all__ = [
    "AUTOMATION_BIAS_NOTICE",
    "claim",
    "claim_minutes",
    "claim_next",
    "get_item",
    "let_go",
    "list_items",
    "show_item",
]

#: Shown with every item (HO-6, EU AI Act Art. 14(4)(b)).
AUTOMATION_BIAS_NOTICE = (
    "This answer was written by an AI system. It may be wrong, incomplete or invented even when it "
    "sounds confident. Check every statement against the sources before you approve it; you are "
    "deciding, not the system."
)


def get_item(conn: Connection, tenant_id: str, review_id: str) -> Any:
    return found_in(conn, review_items, tenant_id,
                    f"review {review_id!r} not found; list the queue with `charter review list`",
                    query=with_use_case(review_items), id=review_id)


def check_reviewer(row: Any, reviewer: Principal) -> None:
    if row.requester_key_id == reviewer.key_id:
        raise PermissionDenied(
            "nobody reviews their own request; another reviewer must take it", code="out_of_scope"
        )
    if reviewer.use_case is not None and row.use_case != reviewer.use_case:
        raise PermissionDenied(f"this key reviews only use case {reviewer.use_case!r}", code="out_of_scope")


def claim_minutes(conn: Connection, use_case_id: str, version: int) -> int:
    return int(review_settings(conn, use_case_id, version).get("claim_minutes", 30))


def claim(conn: Connection, reviewer: Principal, review_id: str, now: dt.datetime) -> dict[str, Any]:
    """Claim one item; :class:`Conflict` when someone else holds it or it is decided."""
    row = get_item(conn, reviewer.tenant_id, review_id)
    check_reviewer(row, reviewer)
    if reviewer.key_id in (row.approvals or []):
        raise PermissionDenied(
            "four-eyes: a second, different reviewer must approve this item", code="out_of_scope"
        )
    minutes = claim_minutes(conn, row.use_case_id, row.charter_version)
    if not try_claim(conn, review_items, review_id, reviewer, now=now, minutes=minutes):
        raise Conflict(f"review {review_id} is decided or claimed by another reviewer", code="conflict")
    return {
        "id": review_id,
        "claimed_by": reviewer.key_id,
        "claim_expires_at": iso(now + dt.timedelta(minutes=minutes)),
    }


def claim_next(conn: Connection, reviewer: Principal, now: dt.datetime) -> str | None:
    """Claim the next item this reviewer may take: their own live claim, then the oldest assigned to
    them or their teams, then the oldest assigned to nobody, then others' once overdue
    (:mod:`charter.oversight.assignment`)."""
    query = (
        select(
            review_items.c.id,
            review_items.c.approvals,
            review_items.c.use_case_id,
            review_items.c.charter_version,
            review_items.c.claimed_by,
            review_items.c.due_at,
        )
        .join(use_cases, use_cases.c.id == review_items.c.use_case_id)
        .where(
            review_items.c.tenant_id == reviewer.tenant_id,
            claimable(review_items, now, reviewer.key_id),
            review_items.c.requester_key_id != reviewer.key_id,
        )
        .order_by(review_items.c.created_at)
        .limit(200)
    )
    if reviewer.use_case is not None:
        query = query.where(use_cases.c.name == reviewer.use_case)
    board = load_board(conn, reviewer.tenant_id)
    ranked = []
    for row in conn.execute(query).all():
        rank = 0 if row.claimed_by == reviewer.key_id else board.rank(
            reviewer.key_id, row.id, row.use_case_id, row.due_at < now)
        if rank is not None:
            ranked.append((rank, row))
    rows = [row for _, row in sorted(ranked, key=lambda pair: pair[0])]  # stable: oldest first within a rank
    for row in rows:
        if reviewer.key_id in (row.approvals or []):
            continue
        minutes = claim_minutes(conn, row.use_case_id, row.charter_version)
        if try_claim(conn, review_items, row.id, reviewer, now=now, minutes=minutes):
            return str(row.id)
    return None


def let_go(conn: Connection, reviewer: Principal, review_id: str) -> dict[str, Any]:
    if not release_claim(conn, review_items, review_id, reviewer):
        raise Conflict(f"you do not hold a claim on review {review_id}", code="conflict")
    return {"id": review_id, "claimed_by": None}


def summary(row: Any, now: dt.datetime | None = None) -> dict[str, Any]:
    overdue = now is not None and row.status == "pending" and row.due_at < now
    return {
        "id": row.id,
        "kind": row.kind,
        "status": row.status,
        "use_case": row.use_case,
        "interaction_id": row.interaction_id,
        "reasons": row.reasons,
        "required_approvals": row.required_approvals,
        "approvals": len(row.approvals or []),
        "claimed_by": row.claimed_by,
        "received_at": iso(row.created_at),
        "due_at": iso(row.due_at),
        "overdue": overdue,
        "escalated_at": iso(row.escalated_at),
        "decided_at": iso(row.decided_at),
        "decided_by": row.decided_by,
        "comment": row.outcome_comment,
    }


def list_items(
    conn: Connection,
    reviewer: Principal,
    *,
    status: str | None = "pending",
    limit: int = 100,
    now: dt.datetime | None = None,
) -> list[dict[str, Any]]:
    query = (
        with_use_case(review_items)
        .where(review_items.c.tenant_id == reviewer.tenant_id)
        .order_by(review_items.c.created_at)
        .limit(limit)
    )
    if status:
        query = query.where(review_items.c.status == status)
    if reviewer.use_case is not None:
        query = query.where(use_cases.c.name == reviewer.use_case)
    return [summary(r, now) for r in conn.execute(query).all()]


def versions(rt: Any, conn: Connection, row: Any) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(review_versions)
        .where(review_versions.c.review_id == row.id)
        .order_by(review_versions.c.version)
    ).all()
    out = []
    for v in rows:
        content = open_json(rt, v.sealed, answer_binding(row.id, v.version))
        out.append(
            {
                "version": v.version,
                "provenance": v.provenance,
                "author": v.author,
                "sha256": v.sha256,
                "similarity_to_ai": v.similarity,
                "text": content["text"],
                "diff": content["diff"],
                "created_at": iso(v.created_at),
            }
        )
        if content.get("tool_calls"):
            out[-1]["tool_calls"] = content["tool_calls"]
    return out


def decisions(conn: Connection, review_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(review_decisions)
        .where(review_decisions.c.review_id == review_id)
        .order_by(review_decisions.c.decided_at)
    ).all()
    return [
        {
            **pick(d, "reviewer", "decision", "version", "comment", "final"),
            **pick_iso(d, "received_at", "claimed_at", "decided_at"),
        }
        for d in rows
    ]


def show_item(rt: Any, conn: Connection, reviewer: Principal, review_id: str) -> dict[str, Any]:
    """Everything a reviewer needs: question, redacted context, findings, the proposed answer.
    Run it in a write transaction: the read of sealed content is itself recorded (AT-4)."""
    row = get_item(conn, reviewer.tenant_id, review_id)
    check_reviewer(row, reviewer)
    request = open_json(rt, row.sealed_request, request_binding(row.id))
    history = versions(rt, conn, row)
    ledger.append(conn, tenant_id=reviewer.tenant_id, actor=reviewer.key_id, action="review.viewed", subject=row.id,
                  event={"version": row.current_version})
    return {
        **summary(row),
        "notice": AUTOMATION_BIAS_NOTICE,
        "question": request.get("messages", []),
        "context": request.get("context", []),
        "findings": row.findings,
        "appeal": request.get("appeal"),
        "proposed_answer": history[-1]["text"] if history else "",
        "proposed_tool_calls": history[-1].get("tool_calls") if history else None,
        "current_version": row.current_version,
        "versions": history,
        "decisions": decisions(conn, row.id),
        "model": row.model_alias,
        "officer": row.officer,  # who asked, when the application named the officer (end_users)
        "subject_id": row.subject_id,  # the end user, pseudonymised
    }
