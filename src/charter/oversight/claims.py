"""Atomic claims on queue rows (review items, expert samples).

A claim is one conditional ``UPDATE ... WHERE status = 'pending' AND (claimed_by IS NULL OR the
claim lapsed)``; the row count says who won. On PostgreSQL the second transaction waits on the row
lock and then re-checks the condition, so two reviewers (on two replicas) never hold one item."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, Table, and_, or_, update

__all__ = ["claimable", "release_claim", "try_claim"]


def claimable(table: Table, now: dt.datetime, claimant: str) -> Any:
    return and_(
        table.c.status == "pending",
        or_(table.c.claimed_by.is_(None), table.c.claim_expires_at < now, table.c.claimed_by == claimant),
    )


def try_claim(
    conn: Connection,
    table: Table,
    *,
    row_id: str,
    tenant_id: str,
    claimant: str,
    now: dt.datetime,
    minutes: int,
    extra: Any = None,
) -> bool:
    condition = and_(table.c.id == row_id, table.c.tenant_id == tenant_id, claimable(table, now, claimant))
    if extra is not None:
        condition = and_(condition, extra)
    result = conn.execute(
        update(table)
        .where(condition)
        .values(claimed_by=claimant, claimed_at=now, claim_expires_at=now + dt.timedelta(minutes=minutes))
    )
    return result.rowcount == 1


def release_claim(conn: Connection, table: Table, *, row_id: str, tenant_id: str, claimant: str) -> bool:
    result = conn.execute(
        update(table)
        .where(table.c.id == row_id, table.c.tenant_id == tenant_id, table.c.claimed_by == claimant)
        .values(claimed_by=None, claimed_at=None, claim_expires_at=None)
    )
    return result.rowcount == 1
