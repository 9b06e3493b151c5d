"""Atomic claims on queue rows (review items, expert samples).

A claim is one conditional ``UPDATE ... WHERE status = 'pending' AND (claimed_by IS NULL OR the
claim lapsed)``; the row count says who won. On PostgreSQL the second transaction waits on the row
lock and then re-checks the condition, so two reviewers (on two replicas) never hold one item."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, Table, and_, func, or_, select, update

__all__ = ["claimable", "pending_count", "release_claim", "try_claim"]


def pending_count(conn: Connection, table: Table, tenant_id: str, use_case_id: str) -> int:
    """How many rows of ``table`` (review items, expert samples) of one use case wait for a person now."""
    return int(conn.execute(
        select(func.count()).where(
            table.c.tenant_id == tenant_id, table.c.use_case_id == use_case_id, table.c.status == "pending"
        )
    ).scalar_one())


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
