"""Review SLAs (HO-1): an item still waiting past the charter's limit is escalated (an alert and a
ledger entry) and, where the charter says ``sla_action: holding_message``, its requester is given
the safe holding message. An unreviewed answer is never released because time ran out.

The sweep and the auto-suspend check run periodically from the app's lifespan
(:func:`start_oversight` / :func:`stop_oversight`); every replica may run them: each escalation is
a conditional update, so only one replica records it."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from typing import Any

from sqlalchemy import Connection, and_, select, update

from charter import ledger
from charter.oversight.suspend import evaluate_all
from charter.oversight.tables import review_items
from charter.store.schema import charter_versions, use_cases, utcnow

__all__ = ["SWEEP_INTERVAL_S", "escalate_overdue", "start_oversight", "stop_oversight", "sweep"]

log = logging.getLogger(__name__)

#: Seconds between two sweeps (SLA escalation and auto-suspend).
SWEEP_INTERVAL_S = 30.0
_TASK = "oversight.sweeper"


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
        done = conn.execute(
            update(review_items)
            .where(
                review_items.c.id == row.id,
                review_items.c.escalated_at.is_(None),
                review_items.c.status == "pending",
            )
            .values(**values)
        )
        if done.rowcount != 1:
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


def _alert(rt: Any, alert: dict[str, Any]) -> None:
    """Send an alert to every registered sink; an alert sink failing must not stop the sweep."""
    log.warning("oversight alert: %s", alert)
    for name, factory in rt.extensions.items.get("alert_sinks", {}).items():
        try:
            sink = factory(rt.settings)
            send = getattr(sink, "send", None)
            if callable(send):
                send(alert)
        except Exception:
            log.exception("alert sink %s failed", name)


async def sweep(rt: Any, now: dt.datetime | None = None) -> dict[str, list[dict[str, Any]]]:
    """One round: escalate overdue reviews, then evaluate deactivation criteria."""
    at = now or utcnow()
    escalated = await rt.writer.awrite(lambda conn: escalate_overdue(conn, at))
    suspended = await rt.writer.awrite(lambda conn: evaluate_all(conn, at))
    for item in escalated:
        _alert(rt, {"kind": "review.escalated", "severity": "warning", **item})
    for item in suspended:
        _alert(rt, {"kind": "use_case.suspended", "severity": "critical", **item})
    if suspended:
        rt.policy_changed()  # this replica stops serving the use case at once
    return {"escalated": escalated, "suspended": suspended}


async def _loop(rt: Any, interval: float) -> None:
    while True:
        try:
            await sweep(rt)
        except Exception:
            log.exception("oversight sweep failed")
        await asyncio.sleep(interval)


async def start_oversight(rt: Any, interval_s: float = SWEEP_INTERVAL_S) -> None:
    """Start the periodic sweep (app lifespan)."""
    if rt.parts.get(_TASK) is None:
        rt.parts[_TASK] = asyncio.get_running_loop().create_task(_loop(rt, interval_s), name=_TASK)


async def stop_oversight(rt: Any) -> None:
    task = rt.parts.pop(_TASK, None)
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
