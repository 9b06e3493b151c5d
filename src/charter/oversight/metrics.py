"""Oversight metrics per use case (HO-1, ME-6, HO-7): override, edit and rejection rates, appeal
rate, time to decision (p50/p95), queue depth, escalations and expert scores.

Definitions (over decisions and requests in the period):
  * override rate: final decisions where a person changed the AI's outcome (edited or rejected);
  * edit rate / rejection rate: edited / rejected over final decisions;
  * appeal rate: appeals over recorded interactions;
  * time to decision: seconds from receipt to the final decision."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from sqlalchemy import Connection, func, select

from charter.oversight.claims import in_period, pending_count
from charter.oversight.scoring import score_summary
from charter.oversight.tables import feedback, review_items
from charter.store.schema import interactions

__all__ = ["oversight_metrics", "percentile"]


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100.0 * len(ordered)))
    return ordered[rank - 1]


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _feedback_counts(conn: Connection, tenant_id: str, use_case_id: str, since: dt.datetime) -> dict[str, Any]:
    rows = conn.execute(
        select(feedback.c.rating, func.count())
        .where(in_period(feedback, tenant_id, use_case_id, since), feedback.c.rating.is_not(None))
        .group_by(feedback.c.rating)
    ).all()
    ratings = {str(r[0]): int(r[1]) for r in rows}
    unhelpful = ratings.get("unhelpful", 0)
    return {
        "helpful": ratings.get("helpful", 0),
        "unhelpful": unhelpful,
        "negative_rate": _rate(unhelpful, sum(ratings.values())),
    }


def _counts(conn: Connection, tenant_id: str, use_case_id: str, since: dt.datetime) -> tuple[list[Any], int, int]:
    """(review items of the period, items pending now, requests of the period)."""
    items = conn.execute(
        select(
            review_items.c.kind,
            review_items.c.status,
            review_items.c.created_at,
            review_items.c.decided_at,
            review_items.c.escalated_at,
        ).where(in_period(review_items, tenant_id, use_case_id, since))
    ).all()
    pending = pending_count(conn, review_items, tenant_id, use_case_id)
    period = in_period(interactions, tenant_id, use_case_id, since)
    requests = conn.execute(select(func.count()).where(period)).scalar_one()
    return list(items), int(pending), int(requests)


def oversight_metrics(conn: Connection, tenant_id: str, use_case_id: str, since: dt.datetime) -> dict[str, Any]:
    items, pending, requests = _counts(conn, tenant_id, use_case_id, since)
    decided = [i for i in items if i.status != "pending"]
    by_status = {s: sum(1 for i in decided if i.status == s) for s in ("approved", "edited", "rejected")}
    waits = [(i.decided_at - i.created_at).total_seconds() for i in decided if i.decided_at]
    appeals = sum(1 for i in items if i.kind == "appeal")
    return {
        "since": since.isoformat(),
        "requests": requests,
        "held": sum(1 for i in items if i.kind == "hold"),
        "appeals": appeals,
        "decided": len(decided),
        **by_status,
        "queue_depth": pending,
        "escalated": sum(1 for i in items if i.escalated_at is not None),
        "override_rate": _rate(by_status["edited"] + by_status["rejected"], len(decided)),
        "edit_rate": _rate(by_status["edited"], len(decided)),
        "rejection_rate": _rate(by_status["rejected"], len(decided)),
        "appeal_rate": _rate(appeals, requests),
        "time_to_decision_s": {"p50": percentile(waits, 50), "p95": percentile(waits, 95)},
        "feedback": _feedback_counts(conn, tenant_id, use_case_id, since),
        "expert_scores": score_summary(conn, tenant_id, use_case_id, since),
    }
