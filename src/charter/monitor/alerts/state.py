"""Firing and resolving alerts: one open alert per (tenant, name, use case, labels), every change
ledgered in the same transaction, notices queued in the outbox for the routed sinks.

- **fire**: a new alert is inserted, ledgered (``alert.fired``) and queued for every sink its
  severity routes to — unless a silence matches it (then it is still recorded and ledgered, with
  the silence's id). Firing an alert that is already open updates it and queues nothing, until the
  repeat interval (``CHARTER_ALERT_REPEAT_INTERVAL_S``) has passed since the last notice: then a
  ``repeat`` notice goes out.
- **resolve**: an open alert is closed, ledgered (``alert.resolved``) and a ``resolved`` notice is
  queued where a ``firing`` one had gone out.
- Rules with ``for:`` open the alert as ``pending`` first (:func:`observe`); it fires once the
  condition has held that long, and is dropped unseen if it stops holding before.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import orjson
from sqlalchemy import Connection, delete, select, update
from sqlalchemy.exc import IntegrityError

from charter import ledger
from charter.monitor.alerts.model import Alert
from charter.monitor.alerts.service import alerts_of
from charter.monitor.alerts.silences import active_silences, matches
from charter.monitor.alerts.tables import alert_outbox, alerts
from charter.store.schema import new_id, utcnow
from charter.store.types import iso

if TYPE_CHECKING:
    from charter.runtime import Runtime

__all__ = ["Routing", "alert_json", "fingerprint", "fire", "fire_in", "list_alerts", "observe", "resolve", "resolve_in"]

log = logging.getLogger(__name__)
_ACTOR = "alerts"


class Routing:
    """Where notices go (sink names by severity) and how often a firing alert repeats."""

    def __init__(self, sinks: Mapping[str, Sequence[str]], repeat_s: float) -> None:
        self.sinks = sinks
        self.repeat_s = repeat_s

    @classmethod
    def of(cls, rt: Runtime) -> Routing:
        service = alerts_of(rt)
        return cls({s: service.routed(s) for s in ("info", "warning", "critical")}, service.repeat_s)


def fingerprint(alert: Alert) -> str:
    key = [alert.tenant_id, alert.name, alert.use_case, sorted(alert.labels.items())]
    return hashlib.sha256(orjson.dumps(key)).hexdigest()


def alert_json(row: Any) -> dict[str, Any]:
    fields = ("id", "tenant_id", "name", "use_case", "labels", "severity", "summary", "value", "status")
    return {
        **{k: row[k] for k in fields},
        **{k: iso(row[k]) for k in ("started_at", "fired_at", "last_notified_at", "resolved_at")},
        "notifications": row["notifications"],
    }


def _open(conn: Connection, key: str) -> dict[str, Any] | None:
    row = conn.execute(select(alerts).where(alerts.c.open_key == key)).first()
    return None if row is None else dict(row._mapping)


def _insert(conn: Connection, row: Mapping[str, Any]) -> bool:
    """Insert a new open alert; False when another replica's open alert holds the key (PostgreSQL: two
    replicas may both see none; SQLite's writer lock serialises them)."""
    if conn.dialect.name != "postgresql":
        conn.execute(alerts.insert().values(**row))
        return True
    try:
        with conn.begin_nested():
            conn.execute(alerts.insert().values(**row))
    except IntegrityError:
        return False
    return True


def _silence(conn: Connection, row: Mapping[str, Any], now: dt.datetime) -> str | None:
    for silence in active_silences(conn, row["tenant_id"], now):
        if matches(silence["matchers"], row):
            return str(silence["id"])
    return None


def _queue(conn: Connection, row: Mapping[str, Any], kind: str, sinks: Sequence[str], now: dt.datetime) -> int:
    notice = {"version": 1, "kind": kind, "alert": alert_json(row)}
    for sink in sinks:
        conn.execute(
            alert_outbox.insert().values(
                id=new_id("ntc"),
                tenant_id=row["tenant_id"],
                alert_id=row["id"],
                sink=sink,
                kind=kind,
                payload={**notice, "id": f"{row['id']}:{kind}:{row['notifications'] + 1}", "sink": sink},
                status="pending",
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
        )
    return len(sinks)


def _notify(conn: Connection, row: dict[str, Any], kind: str, routing: Routing, now: dt.datetime) -> int:
    sent = _queue(conn, row, kind, routing.sinks.get(row["severity"], ()), now)
    row.update(last_notified_at=now, notifications=row["notifications"] + 1)
    conn.execute(
        update(alerts).where(alerts.c.id == row["id"]).values(last_notified_at=now, notifications=row["notifications"])
    )
    return sent


def _ledgered(
    conn: Connection, row: dict[str, Any], now: dt.datetime, action: str, fields: tuple[str, ...], **extra: Any
) -> str | None:
    """Ledger ``action`` on the alert ``row``: its ``fields``, ``extra`` and the silence that matches it
    now (``silenced_by``), whose id it returns."""
    silenced = _silence(conn, row, now)
    event = {**{k: row[k] for k in fields}, **extra, "silenced_by": silenced}
    ledger.append(conn, tenant_id=row["tenant_id"], actor=_ACTOR, action=action, subject=row["id"], event=event)
    return silenced


def _fired(conn: Connection, row: dict[str, Any], routing: Routing, now: dt.datetime) -> str:
    fields = ("name", "use_case", "labels", "severity", "summary", "value")
    silenced = _ledgered(conn, row, now, "alert.fired", fields)
    if silenced is None:
        _notify(conn, row, "firing", routing, now)
        return "fired"
    return "silenced"


def fire_in(conn: Connection, alert: Alert, routing: Routing, now: dt.datetime, *, for_s: float = 0) -> str:
    """Fire (or keep firing) ``alert`` in the caller's transaction. Returns what happened: ``fired``,
    ``silenced`` (fired, not delivered), ``pending`` (a ``for:`` rule waiting), ``repeated`` or ``open``."""
    key = fingerprint(alert)
    values = {"severity": alert.severity, "summary": alert.summary, "value": alert.value, "updated_at": now}
    row = _open(conn, key)
    if row is None:
        status = "pending" if for_s > 0 else "firing"
        row = {
            "id": new_id("alr"),
            "tenant_id": alert.tenant_id,
            "fingerprint": key,
            "open_key": key,
            "name": alert.name,
            "use_case": alert.use_case,
            "labels": dict(alert.labels),
            "status": status,
            "notifications": 0,
            "started_at": now,
            "fired_at": now if status == "firing" else None,
            "last_notified_at": None,
            "resolved_at": None,
            **values,
        }
        if not _insert(conn, row):
            return "open"  # another replica opened it at the same moment: it notifies
        return "pending" if status == "pending" else _fired(conn, row, routing, now)
    conn.execute(update(alerts).where(alerts.c.id == row["id"]).values(**values))
    row.update(values)
    if row["status"] == "pending":
        if (now - row["started_at"]).total_seconds() < for_s:
            return "pending"
        conn.execute(update(alerts).where(alerts.c.id == row["id"]).values(status="firing", fired_at=now))
        row.update(status="firing", fired_at=now)
        return _fired(conn, row, routing, now)
    last = row["last_notified_at"]
    if last is not None and (now - last).total_seconds() < routing.repeat_s:
        return "open"
    if _silence(conn, row, now) is not None:
        return "open"
    _notify(conn, row, "firing" if last is None else "repeat", routing, now)  # first notice after a silence
    return "repeated"


def resolve_in(conn: Connection, alert: Alert, routing: Routing, now: dt.datetime) -> str:
    """Resolve ``alert`` in the caller's transaction: ``resolved``, ``dropped`` (it was only pending)
    or ``none`` (it was not open)."""
    row = _open(conn, fingerprint(alert))
    if row is None:
        return "none"
    if row["status"] == "pending":
        conn.execute(delete(alerts).where(alerts.c.id == row["id"]))
        return "dropped"
    values: dict[str, Any] = {"status": "resolved", "open_key": None, "resolved_at": now, "updated_at": now}
    if alert.value is not None:
        values["value"] = alert.value
    conn.execute(update(alerts).where(alerts.c.id == row["id"]).values(**values))
    row.update(values)
    fields = ("name", "use_case", "labels", "severity", "value")
    silenced = _ledgered(conn, row, now, "alert.resolved", fields, fired_at=iso(row["fired_at"]))
    if row["last_notified_at"] is not None and silenced is None:
        _queue(conn, row, "resolved", routing.sinks.get(row["severity"], ()), now)
    return "resolved"


async def fire(rt: Runtime, alert: Alert) -> None:
    """Fire ``alert``: one open alert per (tenant, name, use case, labels); ledgered; delivered by sinks."""
    routing = Routing.of(rt)
    now = utcnow()
    outcome = await rt.writer.awrite(lambda conn: fire_in(conn, alert, routing, now))
    log.log(logging.WARNING if outcome == "fired" else logging.INFO, "alert %s %s: %s", alert.name, outcome,
            alert.summary)
    if outcome in ("fired", "repeated"):
        alerts_of(rt).wake()


async def observe(rt: Runtime, alert: Alert, *, for_s: float) -> str:
    """Fire ``alert`` from a rule with ``for:`` (pending until the condition has held ``for_s``)."""
    routing = Routing.of(rt)
    now = utcnow()
    outcome = await rt.writer.awrite(lambda conn: fire_in(conn, alert, routing, now, for_s=for_s))
    if outcome in ("fired", "repeated"):
        alerts_of(rt).wake()
    return outcome


async def resolve(rt: Runtime, alert: Alert) -> None:
    """Resolve ``alert``: a resolve notice when it was firing."""
    routing = Routing.of(rt)
    now = utcnow()
    outcome = await rt.writer.awrite(lambda conn: resolve_in(conn, alert, routing, now))
    if outcome == "resolved":
        log.info("alert %s resolved", alert.name)
        alerts_of(rt).wake()


def list_alerts(
    conn: Connection, tenant_id: str | None, *, status: str | None = None, limit: int = 200
) -> list[dict[str, Any]]:
    """Alerts, newest first: one tenant's (``tenant_id``) or every tenant's (None, platform admins);
    ``status`` pending | firing | resolved | open (pending and firing)."""
    query = select(alerts)
    if tenant_id is not None:
        query = query.where(alerts.c.tenant_id == tenant_id)
    if status == "open":
        query = query.where(alerts.c.open_key.is_not(None))
    elif status is not None:
        query = query.where(alerts.c.status == status)
    rows = conn.execute(query.order_by(alerts.c.started_at.desc(), alerts.c.id.desc()).limit(limit)).all()
    return [alert_json(r._mapping) for r in rows]
