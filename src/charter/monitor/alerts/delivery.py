"""Delivering queued notices (the durable outbox): each notice is claimed (a conditional update, so
one replica sends it), sent to its sink, and marked ``sent``; a failure is retried after
``CHARTER_ALERT_RETRY_BASE_S`` doubling up to ``CHARTER_ALERT_RETRY_MAX_S``, and given up (``dead``)
after ``CHARTER_ALERT_MAX_ATTEMPTS``. A sink whose latest attempt failed is unhealthy
(:func:`sink_health`, shown by ``/readyz``). The loop runs in the API app's lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, func, select, update

from charter.monitor.alerts.service import alerts_of
from charter.monitor.alerts.tables import alert_outbox
from charter.store.conditional import compare_and_set
from charter.store.schema import utcnow
from charter.store.types import iso

if TYPE_CHECKING:
    from charter.runtime import Runtime

__all__ = ["SinkHealth", "deliver_due", "sink_health", "sink_problems", "start_delivery", "stop_delivery"]

log = logging.getLogger(__name__)
_TASK = "alerts.delivery"
#: A claimed notice is not claimed again for this long (the sender has it).
CLAIM_S = 120.0
#: The loop also looks for due notices this often (retries, other replicas' notices).
POLL_S = 5.0
#: How far back :func:`sink_health` looks for attempts.
HEALTH_WINDOW = dt.timedelta(days=1)


@dataclass(frozen=True)
class SinkHealth:
    sink: str
    ok: bool
    pending: int
    last_error: str | None
    last_attempt_at: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _claim(conn: Connection, now: dt.datetime, limit: int) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(alert_outbox)
        .where(alert_outbox.c.status == "pending", alert_outbox.c.next_attempt_at <= now)
        .order_by(alert_outbox.c.next_attempt_at)
        .limit(limit)
    ).all()
    claimed = []
    claim = {"next_attempt_at": now + dt.timedelta(seconds=CLAIM_S)}
    for row in rows:
        unclaimed = {"status": "pending", "next_attempt_at": row.next_attempt_at}
        if compare_and_set(conn, alert_outbox, row.id, unclaimed, claim):
            claimed.append(dict(row._mapping))
    return claimed


def _settle(conn: Connection, results: list[tuple[dict[str, Any], str | None]], rt: Runtime, now: dt.datetime) -> None:
    s = rt.settings
    for row, error in results:
        if error is None:
            values: dict[str, Any] = {"status": "sent", "sent_at": now, "last_error": None}
        else:
            attempts = row["attempts"] + 1
            delay = min(s.alert_retry_base_s * 2 ** (attempts - 1), s.alert_retry_max_s)
            values = {
                "status": "dead" if attempts >= s.alert_max_attempts else "pending",
                "next_attempt_at": now + dt.timedelta(seconds=delay),
                "last_error": error[:500],
            }
        values.update(attempts=row["attempts"] + 1, last_attempt_at=now)
        conn.execute(update(alert_outbox).where(alert_outbox.c.id == row["id"]).values(**values))


async def _send(rt: Runtime, row: dict[str, Any]) -> str | None:
    sink = alerts_of(rt).sinks.get(row["sink"])
    if sink is None:
        return f"no sink named {row['sink']!r} is configured (CHARTER_ALERTS_FILE)"
    try:
        await asyncio.wait_for(sink.send(row["payload"]), timeout=60.0)
    except Exception as exc:  # any failure is retried; the outbox keeps the notice
        log.warning("alert sink %s could not deliver %s: %s", row["sink"], row["id"], exc)
        return f"{type(exc).__name__}: {exc}"
    return None


async def deliver_due(rt: Runtime, now: dt.datetime | None = None, limit: int = 100) -> dict[str, int]:
    """Send every notice that is due; returns how many were sent and how many failed."""
    at = now or utcnow()
    claimed = await rt.writer.awrite(lambda conn: _claim(conn, at, limit))
    if not claimed:
        return {"sent": 0, "failed": 0}
    errors = await asyncio.gather(*(_send(rt, row) for row in claimed))
    results = list(zip(claimed, errors, strict=True))
    done = utcnow() if now is None else at
    await rt.writer.awrite(lambda conn: _settle(conn, results, rt, done))
    failed = sum(1 for e in errors if e is not None)
    return {"sent": len(claimed) - failed, "failed": failed}


def sink_health(conn: Connection, now: dt.datetime | None = None) -> list[SinkHealth]:
    """Each sink that attempted a delivery in the last day: unhealthy when its latest attempt failed."""
    since = (now or utcnow()) - HEALTH_WINDOW
    rows = conn.execute(
        select(alert_outbox.c.sink, alert_outbox.c.status, alert_outbox.c.last_error, alert_outbox.c.last_attempt_at)
        .where(alert_outbox.c.last_attempt_at >= since)
        .order_by(alert_outbox.c.last_attempt_at.desc(), alert_outbox.c.attempts.desc())
    ).all()
    pending: dict[str, int] = dict(
        conn.execute(
            select(alert_outbox.c.sink, func.count())
            .where(alert_outbox.c.status == "pending")
            .group_by(alert_outbox.c.sink)
        ).all()
    )
    latest: dict[str, Any] = {}
    for row in rows:
        latest.setdefault(row.sink, row)
    return [
        SinkHealth(
            sink=name,
            ok=row.status == "sent",
            pending=int(pending.get(name, 0)),
            last_error=None if row.status == "sent" else row.last_error,
            last_attempt_at=iso(row.last_attempt_at),
        )
        for name, row in sorted(latest.items())
    ]


async def _loop(rt: Runtime) -> None:
    service = alerts_of(rt)
    service.loop = asyncio.get_running_loop()
    while True:
        try:
            await deliver_due(rt)
        except Exception:
            log.exception("alert delivery round failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(service.wakeup.wait(), timeout=POLL_S)
        service.wakeup.clear()


async def start_delivery(rt: Runtime) -> None:
    """Start the delivery loop (API app lifespan); builds the sinks first (a bad one stops the start)."""
    alerts_of(rt)
    if rt.parts.get(_TASK) is None:
        rt.parts[_TASK] = asyncio.get_running_loop().create_task(_loop(rt), name=_TASK)


async def stop_delivery(rt: Runtime) -> None:
    task = rt.parts.pop(_TASK, None)
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    service = rt.parts.pop("alerts", None)
    if service is not None:
        service.loop = None
        await service.aclose()


async def sink_problems(rt: Runtime) -> list[str]:
    """For ``/readyz`` and ``charter doctor``: each sink whose latest delivery attempt failed."""

    def find() -> list[str]:
        with rt.engine.connect() as conn:
            health = sink_health(conn)
        return [
            f"alert sink {h.sink} failed its latest delivery ({h.last_error}); {h.pending} notice(s) waiting"
            for h in health
            if not h.ok
        ]

    return await asyncio.to_thread(find)
