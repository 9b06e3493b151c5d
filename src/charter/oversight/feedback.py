"""Feedback and appeals (HO-7, DP-7): a rating with reasons, an optional correction, and an appeal
flag that opens a review item linked to the interaction. Corrections leave the store for training
or evaluation only when the charter says ``may_train`` and the person consented."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from charter import ledger
from charter.domain import Principal
from charter.errors import InvalidRequest, NotFound, PermissionDenied
from charter.interactions.crypto import open_sealed
from charter.oversight.items import NewItem, answer_binding, insert_item, request_binding, seal_item
from charter.oversight.sealing import is_expired, open_json, seal_json
from charter.oversight.tables import feedback, review_items, review_versions
from charter.policy.service import get_charter
from charter.store.records import with_use_case
from charter.store.schema import interaction_raw, interactions, new_id
from charter.store.types import iso

__all__ = ["RATINGS", "Feedback", "list_feedback", "submit_feedback", "training_corrections"]

RATINGS = ("helpful", "unhelpful")
MAX_REASONS = 10
MAX_TEXT = 10_000


def _interaction(conn: Connection, principal: Principal, interaction_id: str) -> Any:
    row = conn.execute(
        with_use_case(interactions)
        .where(interactions.c.id == interaction_id, interactions.c.tenant_id == principal.tenant_id)
    ).first()
    if row is None:
        raise NotFound(
            f"interaction {interaction_id!r} not found; use the x-charter-interaction-id header "
            "of the answer",
            code="not_found",
            param="interaction_id",
        )
    own = row.key_id == principal.key_id
    same_app = principal.role == "app" and principal.use_case == row.use_case
    if not (own or same_app or principal.role == "admin"):
        raise PermissionDenied(
            "feedback comes from the application that asked, or an admin", code="out_of_scope"
        )
    return row


def _validate(rating: str | None, reasons: list[str], correction: str | None, comment: str | None) -> None:
    if rating is not None and rating not in RATINGS:
        raise InvalidRequest(
            f"rating must be one of {', '.join(RATINGS)}", code="invalid_value", param="rating"
        )
    if len(reasons) > MAX_REASONS or any(not r or len(r) > 100 for r in reasons):
        raise InvalidRequest(
            f"give at most {MAX_REASONS} reasons of 1-100 characters", code="invalid_value", param="reasons"
        )
    for name, text in (("correction", correction), ("comment", comment)):
        if text is not None and len(text) > MAX_TEXT:
            raise InvalidRequest(
                f"{name} is longer than {MAX_TEXT} characters", code="invalid_value", param=name
            )


def _released(rt: Any, conn: Connection, row: Any) -> tuple[dict[str, Any], str, str]:
    """(request, answer, provenance) of what the requester received."""
    held = conn.execute(
        select(review_items).where(review_items.c.interaction_id == row.id, review_items.c.kind == "hold")
    ).first()
    if held is not None:
        version = conn.execute(
            select(review_versions.c.sealed, review_versions.c.provenance).where(
                review_versions.c.review_id == held.id, review_versions.c.version == held.current_version
            )
        ).one()
        text = open_json(rt, version.sealed, answer_binding(held.id, held.current_version))["text"]
        return open_json(rt, held.sealed_request, request_binding(held.id)), text, version.provenance
    raw = conn.execute(select(interaction_raw).where(interaction_raw.c.interaction_id == row.id)).first()
    if raw is None:
        return {"messages": [], "context": [], "vault": {}}, "", "ai"
    content = json.loads(open_sealed(rt, raw._mapping, row.id.encode()))
    return (
        {"messages": content.get("messages", []), "context": [], "vault": {}},
        content.get("output", ""),
        "ai",
    )


def _open_appeal(
    rt: Any,
    conn: Connection,
    principal: Principal,
    row: Any,
    feedback_id: str,
    appeal: dict[str, Any],
    now: dt.datetime,
) -> str:
    existing = conn.execute(
        select(review_items.c.id).where(
            review_items.c.interaction_id == row.id,
            review_items.c.kind == "appeal",
            review_items.c.status == "pending",
        )
    ).scalar()
    if existing is not None:
        return str(existing)
    _, version, charter = get_charter(conn, principal.tenant_id, row.use_case)
    request, answer, provenance = _released(rt, conn, row)
    item = NewItem(
        id=new_id("rev"),
        tenant_id=principal.tenant_id,
        use_case_id=row.use_case_id,
        kind="appeal",
        reasons=["appeal"],
        findings=list(row.verdicts or []),
        requester_key_id=principal.key_id,
        charter_version=version,
        required_approvals=2 if charter.review.four_eyes else 1,
        sla_minutes=charter.review.sla_minutes,
        answer=answer,
        answer_provenance=provenance,
        answer_author=row.platform_model_id or "model",
        model_alias=row.model_alias,
        feedback_id=feedback_id,
        subject_id=row.subject_id,
        officer=row.officer,
    )
    seal_item(rt, item, {**request, "appeal": appeal})
    insert_item(conn, item, row.id, now)
    return item.id


def _insert(conn: Connection, principal: Principal, row: Any, feedback_id: str, values: dict[str, Any],
            sealed: dict[str, Any] | None, now: dt.datetime) -> dict[str, Any]:
    conn.execute(feedback.insert().values(
        id=feedback_id, tenant_id=principal.tenant_id, use_case_id=row.use_case_id, interaction_id=row.id,
        key_id=principal.key_id, sealed_correction=sealed, subject_id=row.subject_id, created_at=now, **values))
    event = {"interaction_id": row.id, **values, "has_text": sealed is not None}
    ledger.append(conn, tenant_id=principal.tenant_id, actor=principal.key_id, action="feedback.received",
                  subject=feedback_id, event=event)
    return event


@dataclass(frozen=True, slots=True)
class Feedback:
    """What a requester says about an answer: a rating, reasons, a correction, a comment, an appeal."""

    interaction_id: str
    rating: str | None = None
    reasons: Sequence[str] = ()
    correction: str | None = None
    comment: str | None = None
    appeal: bool = False
    #: The person agrees the correction may be used for training.
    consent: bool = False


def submit_feedback(
    rt: Any, conn: Connection, principal: Principal, given: Feedback, *, now: dt.datetime
) -> dict[str, Any]:
    """Store feedback (in a write transaction); an appeal opens a review item and returns its id."""
    rating, correction, comment, appeal = given.rating, given.correction, given.comment, given.appeal
    reasons = list(given.reasons)
    _validate(rating, reasons, correction, comment)
    if rating is None and not reasons and correction is None and comment is None and not appeal:
        raise InvalidRequest(
            "send a rating, reasons, a correction, a comment or an appeal", code="missing_field"
        )
    row = _interaction(conn, principal, given.interaction_id)
    feedback_id = new_id("fbk")
    sealed = None
    if correction is not None or comment is not None:
        sealed = seal_json(rt, {"correction": correction, "comment": comment}, f"{feedback_id}:correction")
    review_id = None
    if appeal:
        review_id = _open_appeal(
            rt,
            conn,
            principal,
            row,
            feedback_id,
            {"reasons": reasons, "comment": comment, "correction": correction},
            now,
        )
    values = {
        "rating": rating, "reasons": reasons, "appeal": appeal, "consent": given.consent, "review_id": review_id
    }
    event = _insert(conn, principal, row, feedback_id, values, sealed, now)
    out: dict[str, Any] = {"id": feedback_id, **event, "created_at": iso(now)}
    if review_id is not None:
        out["review"] = {"id": review_id, "status": "pending", "status_url": f"/v1/reviews/{review_id}"}
    return out


def training_corrections(
    rt: Any, conn: Connection, tenant_id: str, use_case: str, *, actor: str, purpose: str = "training"
) -> list[dict[str, Any]]:
    """Corrections that may enter training or evaluation data (DP-7): only when the use case's
    current charter says ``may_train`` and each record's consent is set. The export is recorded."""
    use_case_id, _, charter = get_charter(conn, tenant_id, use_case)
    if not charter.may_train:
        raise PermissionDenied(
            f"use case {use_case!r} does not allow training use (charter: may_train: false)",
            code="out_of_scope",
        )
    rows = conn.execute(
        select(feedback)
        .where(
            feedback.c.tenant_id == tenant_id,
            feedback.c.use_case_id == use_case_id,
            feedback.c.consent.is_(True),
            feedback.c.sealed_correction.is_not(None),
        )
        .order_by(feedback.c.created_at)
    ).all()
    out = []
    for r in rows:
        if is_expired(r.sealed_correction):  # deleted under retention_days: nothing left to train on
            continue
        content = open_json(rt, r.sealed_correction, f"{r.id}:correction")
        if content.get("correction"):
            out.append(
                {
                    "feedback_id": r.id,
                    "interaction_id": r.interaction_id,
                    "correction": content["correction"],
                    "reasons": r.reasons,
                    "rating": r.rating,
                    "created_at": iso(r.created_at),
                }
            )
    ledger.append(
        conn,
        tenant_id=tenant_id,
        actor=actor,
        action="feedback.exported",
        subject=use_case,
        event={"purpose": purpose, "records": [o["feedback_id"] for o in out]},
    )
    return out


def list_feedback(
    conn: Connection, tenant_id: str, use_case: str, *, limit: int = 100
) -> list[dict[str, Any]]:
    """Recent feedback of a use case, without its sealed text."""
    use_case_id, _, _ = get_charter(conn, tenant_id, use_case)
    rows = conn.execute(
        select(feedback)
        .where(feedback.c.tenant_id == tenant_id, feedback.c.use_case_id == use_case_id)
        .order_by(feedback.c.created_at.desc())
        .limit(limit)
    ).all()
    return [
        {
            "id": r.id,
            "interaction_id": r.interaction_id,
            "rating": r.rating,
            "reasons": r.reasons,
            "has_correction": r.sealed_correction is not None,
            "appeal": r.appeal,
            "consent": r.consent,
            "review_id": r.review_id,
            "created_at": iso(r.created_at),
        }
        for r in rows
    ]
