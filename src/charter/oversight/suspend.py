"""Auto-suspend (HO-5): the charter's deactivation criteria, measured over a sliding window, switch
the use case off through the kill switch (``controls``, actor ``auto-suspend``) and open an
incident. Switching back on is a recorded admin action (:func:`resume`); the window then starts
afresh, so old events cannot trip the switch again at once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select, update

from charter import ledger
from charter.domain.charter import Charter, SuspendCriteria
from charter.errors import Conflict, InvalidRequest
from charter.oversight.incidents import IncidentReport, open_incident
from charter.oversight.tables import feedback, review_decisions, review_items, suspensions
from charter.policy.controls import set_control
from charter.policy.current import current_charters
from charter.policy.current import use_case_id as find_use_case
from charter.store.changes import insert_recorded
from charter.store.records import with_use_case
from charter.store.schema import controls, interactions, new_id
from charter.store.types import iso

__all__ = [
    "AUTO_ACTOR", "GUARD_STAGES", "HIT_OUTCOMES", "Rate", "evaluate_all", "evaluate_use_case", "list_suspensions",
    "rates", "resume",
]

AUTO_ACTOR = "auto-suspend"
#: The screening stages, and their outcomes that count as a guard hit: here and wherever else guard
#: hits are counted (alert rules, drift, canary comparisons).
GUARD_STAGES = ("screen_input", "screen_output")
HIT_OUTCOMES = ("block", "redact", "warn", "review")
#: Most interactions read for one window (the newest ones).
WINDOW_ROWS = 10_000


@dataclass(frozen=True, slots=True)
class Rate:
    """One deactivation criterion measured over the window: ``value`` is the share of the ``events``
    read (interactions, ratings or final decisions) that count against the use case, 0.0 for none."""

    criterion: str
    value: float
    events: int
    examples: tuple[str, ...] = ()  # interaction ids behind the rate (incident links)


def _guard_hit(verdicts: Any) -> bool:
    return any(
        isinstance(v, dict) and v.get("stage") in GUARD_STAGES and v.get("outcome") in HIT_OUTCOMES
        for v in verdicts or ()
    )


def _interaction_rates(conn: Connection, use_case_id: str, since: dt.datetime) -> list[Rate]:
    rows = conn.execute(
        select(interactions.c.id, interactions.c.status, interactions.c.error_code, interactions.c.verdicts)
        .where(interactions.c.use_case_id == use_case_id, interactions.c.created_at >= since)
        .order_by(interactions.c.created_at.desc())
        .limit(WINDOW_ROWS)
    ).all()
    hits = [r.id for r in rows if _guard_hit(r.verdicts)]
    failed = [r.id for r in rows if r.status == "error" and str(r.error_code or "").startswith("upstream")]
    n = len(rows)
    return [
        Rate("guard_hit_rate", len(hits) / n if n else 0.0, n, tuple(hits[:20])),
        Rate("provider_failure_rate", len(failed) / n if n else 0.0, n, tuple(failed[:20])),
    ]


def _feedback_rate(conn: Connection, use_case_id: str, since: dt.datetime) -> Rate:
    rows = conn.execute(
        select(feedback.c.interaction_id, feedback.c.rating).where(
            feedback.c.use_case_id == use_case_id,
            feedback.c.created_at >= since,
            feedback.c.rating.is_not(None),
        )
    ).all()
    negative = [r.interaction_id for r in rows if r.rating == "unhelpful"]
    return Rate(
        "negative_feedback_rate", len(negative) / len(rows) if rows else 0.0, len(rows), tuple(negative[:20])
    )


def _rejection_rate(conn: Connection, use_case_id: str, since: dt.datetime) -> Rate:
    rows = conn.execute(
        select(review_decisions.c.decision, review_items.c.interaction_id)
        .join(review_items, review_items.c.id == review_decisions.c.review_id)
        .where(
            review_items.c.use_case_id == use_case_id,
            review_decisions.c.final.is_(True),
            review_decisions.c.decided_at >= since,
        )
    ).all()
    rejected = [r.interaction_id for r in rows if r.decision == "rejected"]
    return Rate("rejection_rate", len(rejected) / len(rows) if rows else 0.0, len(rows), tuple(rejected[:20]))


def window_start(conn: Connection, switch: Any, criteria: SuspendCriteria, now: dt.datetime) -> dt.datetime:
    """The window starts afresh whenever the switch last changed (a resume, by any path)."""
    start = now - dt.timedelta(minutes=criteria.window_minutes)
    return max(start, switch.changed_at) if switch is not None else start


def rates(conn: Connection, use_case_id: str, since: dt.datetime) -> dict[str, Rate]:
    found = [
        *_interaction_rates(conn, use_case_id, since),
        _feedback_rate(conn, use_case_id, since),
        _rejection_rate(conn, use_case_id, since),
    ]
    return {r.criterion: r for r in found}


def _tripped(criteria: SuspendCriteria, measured: dict[str, Rate]) -> tuple[Rate, float] | None:
    for name, rate in measured.items():
        limit = getattr(criteria, name)
        if limit is not None and rate.events >= criteria.min_events and rate.value > limit:
            return rate, float(limit)
    return None


def _switch(conn: Connection, tenant_id: str, name: str) -> Any:
    return conn.execute(
        select(controls.c.active, controls.c.changed_at, controls.c.actor, controls.c.reason).where(
            controls.c.tenant_id == tenant_id, controls.c.scope == "use_case", controls.c.target == name
        )
    ).first()


def _is_switched_off(conn: Connection, tenant_id: str, name: str) -> bool:
    switch = _switch(conn, tenant_id, name)
    return switch is not None and bool(switch.active)


def _close_resumed(conn: Connection, use_case_id: str, switch: Any) -> None:
    """A use case switched back on outside :func:`resume` (``charter revive``): close its suspensions."""
    conn.execute(
        update(suspensions)
        .where(suspensions.c.use_case_id == use_case_id, suspensions.c.resumed_at.is_(None))
        .values(resumed_at=switch.changed_at, resumed_by=switch.actor, resume_reason=switch.reason)
    )


def evaluate_use_case(
    conn: Connection, *, tenant_id: str, use_case_id: str, name: str, charter: Charter, now: dt.datetime
) -> dict[str, Any] | None:
    """Suspend the use case when a criterion trips; returns the suspension (or None)."""
    criteria = charter.suspend_when
    switch = _switch(conn, tenant_id, name)
    if criteria is None or (switch is not None and switch.active):
        return None
    if switch is not None:
        _close_resumed(conn, use_case_id, switch)
    tripped = _tripped(criteria, rates(conn, use_case_id, window_start(conn, switch, criteria, now)))
    if tripped is None:
        return None
    rate, limit = tripped
    reason = (
        f"auto-suspended: {rate.criterion} {rate.value:.1%} over {rate.events} events in "
        f"{criteria.window_minutes} min exceeds {limit:.1%}"
    )
    set_control(conn, tenant_id, "use_case", name, True, actor=AUTO_ACTOR, reason=reason)
    report = IncidentReport(
        title=f"{name}: {reason}",
        severity="high",
        use_case_id=use_case_id,
        source=AUTO_ACTOR,
        description=reason,
        impact="The use case was switched off; requests are refused until an admin switches it back on.",
        interaction_ids=list(rate.examples),
    )
    incident = open_incident(conn, tenant_id, report, actor=AUTO_ACTOR, now=now)
    measured = {"threshold": limit, "events": rate.events, "window_minutes": criteria.window_minutes,
                "incident_id": incident["id"]}
    suspension_id = new_id("sus")
    row = {"id": suspension_id, "tenant_id": tenant_id, "use_case_id": use_case_id, "criterion": rate.criterion,
           "value": rate.value, **measured, "suspended_at": now}
    event = {"use_case": name, "criterion": rate.criterion, "value": round(rate.value, 4), **measured}
    insert_recorded(conn, suspensions, row, actor=AUTO_ACTOR, action="use_case.suspended", subject=name, event=event)
    return {"id": suspension_id, **event}


def evaluate_all(conn: Connection, now: dt.datetime) -> list[dict[str, Any]]:
    """Evaluate every use case whose current charter has deactivation criteria (all tenants)."""
    rows = current_charters(conn)
    out = []
    for row in rows:
        if not row.body.get("suspend_when"):
            continue
        charter = Charter.model_validate(row.body)
        done = evaluate_use_case(
            conn, tenant_id=row.tenant_id, use_case_id=row.use_case_id, name=row.name, charter=charter, now=now
        )
        if done is not None:
            out.append({**done, "tenant_id": row.tenant_id})
    return out


def resume(
    conn: Connection, tenant_id: str, name: str, *, actor: str, reason: str, now: dt.datetime
) -> dict[str, Any]:
    """Switch a suspended use case back on: a recorded admin action with a reason."""
    if not reason.strip():
        raise InvalidRequest("say why the use case may run again", code="missing_field", param="reason")
    use_case_id = find_use_case(conn, tenant_id, name)
    if not _is_switched_off(conn, tenant_id, name):
        raise Conflict(f"use case {name!r} is not switched off", code="conflict")
    control = set_control(conn, tenant_id, "use_case", name, False, actor=actor, reason=reason)
    result = conn.execute(
        update(suspensions)
        .where(suspensions.c.use_case_id == use_case_id, suspensions.c.resumed_at.is_(None))
        .values(resumed_at=now, resumed_by=actor, resume_reason=reason)
    )
    ledger.append(
        conn,
        tenant_id=tenant_id,
        actor=actor,
        action="use_case.resumed",
        subject=name,
        event={"reason": reason, "suspensions_closed": result.rowcount},
    )
    return {**control, "suspensions_closed": result.rowcount}


def list_suspensions(conn: Connection, tenant_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        with_use_case(suspensions)
        .where(suspensions.c.tenant_id == tenant_id)
        .order_by(suspensions.c.suspended_at.desc())
    ).all()
    return [
        {
            "id": r.id,
            "use_case": r.use_case,
            "criterion": r.criterion,
            "value": r.value,
            "threshold": r.threshold,
            "events": r.events,
            "window_minutes": r.window_minutes,
            "incident_id": r.incident_id,
            "suspended_at": iso(r.suspended_at),
            "resumed_at": iso(r.resumed_at),
            "resumed_by": r.resumed_by,
            "resume_reason": r.resume_reason,
        }
        for r in rows
    ]
