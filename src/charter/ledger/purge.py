"""Retention: purge old payloads by a signed purge entry; legal hold blocks it (AT-3).

A purge removes the *event payload* of entries older than the retention period (the skeleton of
every entry stays: sequence, time, tenant, actor, action, subject and both hashes, so the tree and
every signed head still verify). It covers the prefix ``0 .. to`` of the log up to a signed head,
and records in its own entry (``ledger.purged``, signed by the next head) that range, the roots of
the perfect subtrees covering it (the head's compact range), the cutoff time and the tenants on
legal hold, whose payloads it kept. ``audit verify`` accepts a missing payload only when a purge
entry covers it, and checks the recorded subtree roots against the signed head.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, func, select, update

from charter.errors import Conflict, InvalidRequest, NotFound
from charter.ledger.entries import append, append_span, format_ts
from charter.ledger.merkle import Frontier
from charter.ledger.tables import ledger_checkpoints, ledger_entries
from charter.store.schema import tenants

__all__ = ["MIN_RETENTION_DAYS", "PURGE_ACTION", "PurgeRecord", "purge_payloads", "set_legal_hold"]

PURGE_ACTION = "ledger.purged"
#: AT-3: audit records stay at least 180 days (EU deployers: six months).
MIN_RETENTION_DAYS = 180


@dataclass(frozen=True)
class PurgeRecord:
    seq: int
    to: int
    frontier: tuple[bytes, ...]
    before: str
    tenant: str | None
    held: frozenset[str]

    @classmethod
    def from_event(cls, seq: int, event: Mapping[str, Any]) -> PurgeRecord:
        return cls(
            seq=seq,
            to=int(event["to"]),
            frontier=tuple(bytes.fromhex(h) for h in event["subtree_roots"]),
            before=str(event["before"]),
            tenant=event.get("tenant"),
            held=frozenset(event["held_tenants"]),
        )

    def covers(self, seq: int, tenant: str, ts: str) -> bool:
        return (
            seq < self.to
            and ts < self.before
            and tenant not in self.held
            and (self.tenant is None or self.tenant == tenant)
        )

    def check_roots(self, signed_roots: Mapping[int, bytes]) -> str | None:
        try:
            root = Frontier(self.to, self.frontier).root()
        except ValueError:
            return f"purge entry {self.seq}: its subtree roots do not describe 0..{self.to}"
        if signed_roots.get(self.to) != root:
            return f"purge entry {self.seq}: its subtree roots do not match the signed head of size {self.to}"
        return None


def _held_tenants(conn: Connection) -> set[str]:
    return set(conn.execute(select(tenants.c.id).where(tenants.c.legal_hold.is_(True))).scalars())


def _purge_bound(conn: Connection, cutoff: str) -> tuple[int, bytes] | None:
    """The largest signed head that ends at or before the last entry older than the cutoff."""
    last_old = conn.execute(select(func.max(ledger_entries.c.seq)).where(ledger_entries.c.ts < cutoff)).scalar()
    if last_old is None:
        return None
    row = conn.execute(
        select(ledger_checkpoints.c.tree_size, ledger_checkpoints.c.frontier)
        .where(ledger_checkpoints.c.tree_size <= int(last_old) + 1)
        .order_by(ledger_checkpoints.c.tree_size.desc())
        .limit(1)
    ).first()
    return None if row is None else (int(row.tree_size), bytes(row.frontier))


def purge_payloads(
    conn: Connection,
    *,
    older_than_days: int,
    actor: str,
    tenant_id: str | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Purge payloads older than ``older_than_days`` (inside the caller's write transaction).

    Returns the purge record; ``purged`` is 0 (and nothing is appended) when nothing is due.
    """
    if older_than_days < MIN_RETENTION_DAYS:
        raise InvalidRequest(
            f"audit records are kept at least {MIN_RETENTION_DAYS} days (AT-3); pass --older-than-days "
            f">= {MIN_RETENTION_DAYS}",
            code="invalid_value",
            param="older_than_days",
        )
    held = _held_tenants(conn)
    if tenant_id is not None:
        if conn.execute(select(tenants.c.id).where(tenants.c.id == tenant_id)).first() is None:
            raise NotFound(f"tenant {tenant_id!r} does not exist", code="not_found")
        if tenant_id in held:
            raise Conflict("this tenant is under legal hold: lift the hold before purging", code="legal_hold")
    cutoff = format_ts((now or dt.datetime.now(dt.UTC)) - dt.timedelta(days=older_than_days))
    bound = _purge_bound(conn, cutoff)
    record: dict[str, Any] = {
        "before": cutoff,
        "held_tenants": sorted(held),
        "tenant": tenant_id,
        "older_than_days": older_than_days,
        "purged": 0,
    }
    if bound is None:
        return record
    to, frontier = bound
    e = ledger_entries.c
    where = and_(e.seq < to, e.ts < cutoff, e.event.is_not(None), e.action != PURGE_ACTION)
    if held:
        where = and_(where, e.tenant_id.not_in(sorted(held)))
    if tenant_id is not None:
        where = and_(where, e.tenant_id == tenant_id)
    purged = conn.execute(update(ledger_entries).where(where).values(event=None)).rowcount
    record.update(to=to, purged=purged, subtree_roots=[frontier[i : i + 32].hex() for i in range(0, len(frontier), 32)])
    if purged:
        record["seq"] = append_span(
            conn, tenant_id=tenant_id, actor=actor, action=PURGE_ACTION, first=0, last=to, event=record
        )
    return record


def set_legal_hold(conn: Connection, *, tenant_id: str, on: bool, actor: str, reason: str = "") -> dict[str, Any]:
    """Place or lift a tenant's legal hold (recorded in the ledger with before/after, AT-7)."""
    before = conn.execute(select(tenants.c.legal_hold).where(tenants.c.id == tenant_id)).scalar_one_or_none()
    if before is None:
        raise NotFound(f"tenant {tenant_id!r} does not exist", code="not_found")
    conn.execute(update(tenants).where(tenants.c.id == tenant_id).values(legal_hold=on))
    event = {"before": bool(before), "after": on, "reason": reason}
    seq = append(
        conn,
        tenant_id=tenant_id,
        actor=actor,
        action="legal_hold.on" if on else "legal_hold.off",
        subject=tenant_id,
        event=event,
    )
    return {"tenant_id": tenant_id, "legal_hold": on, "seq": seq}
