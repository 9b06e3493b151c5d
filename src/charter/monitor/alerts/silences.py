"""Silences: while one matches an alert, the alert is still recorded and ledgered but no notice is
delivered. Matchers compare the alert's ``name``, ``use_case``, ``severity`` and labels (any other
key) with shell-style patterns (``budget.*``). A silence of the platform tenant covers every tenant."""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, select, update

from charter import ledger
from charter.domain.charter import duration_s
from charter.errors import InvalidRequest, NotFound
from charter.monitor.alerts.tables import alert_silences
from charter.policy.tenants import PLATFORM_TENANT
from charter.store.schema import new_id, tenants
from charter.store.types import iso

__all__ = ["active_silences", "create_silence", "expire_silence", "list_silences", "matches", "parse_matchers"]

_FIELDS = ("name", "use_case", "severity")


def parse_matchers(items: list[str]) -> dict[str, str]:
    """``["name=budget.*", "use_case=helpdesk"]`` → a matcher mapping (400 on a malformed one)."""
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise InvalidRequest(f"matcher {item!r} is not key=value", code="invalid_value", param="matchers")
        out[key.strip()] = value.strip()
    return out


def matches(matchers: Mapping[str, str], alert: Mapping[str, Any]) -> bool:
    labels = alert.get("labels") or {}
    for key, pattern in matchers.items():
        value = alert.get(key) if key in _FIELDS else labels.get(key)
        if value is None or not fnmatch.fnmatchcase(str(value), pattern):
            return False
    return True


def _platform_id(conn: Connection) -> str | None:
    found = conn.execute(select(tenants.c.id).where(tenants.c.name == PLATFORM_TENANT)).scalar_one_or_none()
    return None if found is None else str(found)


def _unended(now: dt.datetime) -> ColumnElement[bool]:
    """A silence neither expired early nor past its end at ``now``."""
    return and_(alert_silences.c.expired_at.is_(None), alert_silences.c.ends_at > now)


def active_silences(conn: Connection, tenant_id: str, now: dt.datetime) -> list[dict[str, Any]]:
    """Silences in force for ``tenant_id`` now (its own and the platform's)."""
    platform = _platform_id(conn)
    owners = [tenant_id] + ([platform] if platform and platform != tenant_id else [])
    rows = conn.execute(
        select(alert_silences).where(
            alert_silences.c.tenant_id.in_(owners),
            alert_silences.c.starts_at <= now,
            _unended(now),
        )
    ).all()
    return [dict(r._mapping) for r in rows]


def _json(row: Any, now: dt.datetime) -> dict[str, Any]:
    active = row["expired_at"] is None and row["starts_at"] <= now < row["ends_at"]
    return {
        "id": row["id"],
        "matchers": row["matchers"],
        "reason": row["reason"],
        "created_by": row["created_by"],
        "starts_at": iso(row["starts_at"]),
        "ends_at": iso(row["ends_at"]),
        "expired_at": iso(row["expired_at"]),
        "active": active,
    }


def create_silence(
    conn: Connection,
    tenant_id: str,
    *,
    matchers: Mapping[str, str],
    duration: str,
    reason: str,
    actor: str,
    now: dt.datetime,
) -> dict[str, Any]:
    """Silence matching alerts for ``duration`` (``2h``); ledgered as ``alert.silenced``."""
    if not matchers:
        raise InvalidRequest("a silence needs at least one matcher (name=...)", code="missing_field", param="matchers")
    if not reason.strip():
        raise InvalidRequest("say why the alerts are silenced", code="missing_field", param="reason")
    try:
        seconds = duration_s(duration)
    except ValueError as exc:
        raise InvalidRequest(f"for: {exc}", code="invalid_value", param="for") from None
    row: dict[str, Any] = {
        "id": new_id("sil"),
        "tenant_id": tenant_id,
        "matchers": dict(matchers),
        "reason": reason.strip(),
        "created_by": actor,
        "starts_at": now,
        "ends_at": now + dt.timedelta(seconds=seconds),
        "created_at": now,
        "expired_at": None,
    }
    conn.execute(alert_silences.insert().values(**row))
    out = _json(row, now)
    ledger.append(conn, tenant_id=tenant_id, actor=actor, action="alert.silenced", subject=row["id"], event=out)
    return out


def expire_silence(
    conn: Connection, tenant_id: str, silence_id: str, *, actor: str, now: dt.datetime
) -> dict[str, Any]:
    """End a silence early (``charter alerts unsilence``); ledgered as ``alert.unsilenced``."""
    done = conn.execute(
        update(alert_silences)
        .where(
            alert_silences.c.id == silence_id,
            alert_silences.c.tenant_id == tenant_id,
            _unended(now),
        )
        .values(expired_at=now)
    )
    if done.rowcount != 1:
        raise NotFound(f"no active silence {silence_id!r}; list them with `charter alerts silences`")
    row = conn.execute(select(alert_silences).where(alert_silences.c.id == silence_id)).one()
    out = _json(row._mapping, now)
    ledger.append(conn, tenant_id=tenant_id, actor=actor, action="alert.unsilenced", subject=silence_id, event=out)
    return out


def list_silences(
    conn: Connection, tenant_id: str, now: dt.datetime, *, include_ended: bool = False
) -> list[dict[str, Any]]:
    query = select(alert_silences).where(alert_silences.c.tenant_id == tenant_id)
    if not include_ended:
        query = query.where(_unended(now))
    rows = conn.execute(query.order_by(alert_silences.c.created_at.desc()).limit(500)).all()
    return [_json(r._mapping, now) for r in rows]
