"""Review SLAs (HO-1): an item still waiting past the charter's limit is escalated (an alert and a
ledger entry) and, where the charter says ``sla_action: holding_message``, its requester is given
the safe holding message. An unreviewed answer is never released because time ran out.

The sweep and the auto-suspend check run as the scheduler's ``oversight.sweep`` job (charter.jobs),
which one replica at a time runs; each escalation stays a conditional update all the same, so a
sweep run by hand or by two processes still records it once."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from sqlalchemy import Connection, and_, select

from charter import ledger
from charter.monitor.alerts import Alert, fire
from charter.monitor.alerts.model import Severity
from charter.oversight.suspend import evaluate_all
from charter.oversight.tables import review_items
from charter.store.conditional import compare_and_set
from charter.store.schema import charter_versions, use_cases, utcnow

__all__ = ["SWEEP_INTERVAL_S", "escalate_overdue", "sweep"]

log = logging.getLogger(__name__)

#: Seconds between two sweeps (SLA escalation and auto-suspend): the job's default interval.
SWEEP_INTERVAL_S = 30.0


def escalate_overdue(conn: Connection, now: dt.datetime) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(
            review_items.c.id,
            review_items.c.tenant_id,
            review_items.c.due_at,
            review_items.c.created_at,
            review_items.c.kind,
            use_cases.c.name.label("use_case"),
            charter_versions.c.body,
        )
        .join(use_cases, use_cases.c.id == review_items.c.use_case_id)
        .join(
            charter_versions,
            and_(
                charter_versions.c.use_case_id == review_items.c.use_case_id,
                charter_versions.c.version == review_items.c.charter_version,
            ),
        )
        .where(
            review_items.c.status == "pending",
            review_items.c.escalated_at.is_(None),
            review_items.c.due_at <= now,
        )
        .order_by(review_items.c.due_at)
        .limit(500)
    ).all()
    escalated = []
    for row in rows:
        rule = (row.body or {}).get("review", {})
        holding = rule.get("sla_action") == "holding_message"
        values: dict[str, Any] = {"escalated_at": now}
        if holding:
            values["holding_at"] = now
        if not compare_and_set(conn, review_items, row.id, {"escalated_at": None, "status": "pending"}, values):
            continue
        waited = (now - row.created_at).total_seconds() / 60.0
        event = {
            "use_case": row.use_case,
            "kind": row.kind,
            "sla_minutes": rule.get("sla_minutes"),
            "waited_minutes": round(waited, 1),
            "holding_message": holding,
        }
        ledger.append(
            conn, tenant_id=row.tenant_id, actor="sla", action="review.escalated", subject=row.id, event=event
        )
        escalated.append({"id": row.id, "tenant_id": row.tenant_id, **event})
    return escalated


def _sweep_alert(
    item: dict[str, Any], name: str, severity: Severity, summary: str, *, label: str, value: str
) -> Alert:
    """The alert on one thing the sweep did (``item``, a review it escalated or a suspension it made):
    labelled ``label`` with its id, valued at ``item[value]``."""
    return Alert(
        tenant_id=item["tenant_id"],
        name=name,
        severity=severity,
        summary=summary,
        use_case=item["use_case"],
        labels={label: item["id"]},
        value=item[value],
    )


def _escalation_alert(item: dict[str, Any]) -> Alert:
    summary = (f"review {item['id']} of use case {item['use_case']} waited {item['waited_minutes']} min, past its "
               f"SLA of {item['sla_minutes']} min")
    return _sweep_alert(item, "review.escalated", "warning", summary, label="review", value="waited_minutes")


def _suspension_alert(item: dict[str, Any]) -> Alert:
    summary = (f"use case {item['use_case']} was auto-suspended: {item['criterion']} {item['value']:.1%} over "
               f"{item['events']} events exceeds {item['threshold']:.1%} (incident {item['incident_id']})")
    return _sweep_alert(item, "use_case.suspended", "critical", summary, label="suspension", value="value")


async def _alert(rt: Any, alert: Alert) -> None:
    """Fire an alert (recorded, ledgered, delivered by the sinks); failing to must not stop the sweep."""
    try:
        await fire(rt, alert)
    except Exception:
        log.exception("could not fire alert %s for %s", alert.name, alert.use_case)


async def sweep(rt: Any, now: dt.datetime | None = None) -> dict[str, list[dict[str, Any]]]:
    """One round: escalate overdue reviews, then evaluate deactivation criteria."""
    at = now or utcnow()
    escalated = await rt.writer.awrite(lambda conn: escalate_overdue(conn, at))
    suspended = await rt.writer.awrite(lambda conn: evaluate_all(conn, at))
    for item in escalated:
        await _alert(rt, _escalation_alert(item))
    for item in suspended:
        await _alert(rt, _suspension_alert(item))
    if suspended:
        rt.policy_changed()  # this replica stops serving the use case at once
    return {"escalated": escalated, "suspended": suspended}
