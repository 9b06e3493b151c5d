"""Atomic claims on queue rows (review items, expert samples).

A claim is one conditional ``UPDATE ... WHERE status = 'pending' AND (claimed_by IS NULL OR the
claim lapsed)``; the row count says who won. On PostgreSQL the second transaction waits on the row
lock and then re-checks the condition, so two reviewers (on two replicas) never hold one item.

The oversight metrics count these rows (and the interactions, feedback and scores beside them) per
use case and period: :func:`pending_count`, :func:`in_period`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, Connection, Table, and_, func, or_, select, update

from charter.domain import Principal

__all__ = ["claimable", "in_period", "pending_count", "release_claim", "try_claim"]


def in_period(table: Table, tenant_id: str, use_case_id: str, since: dt.datetime) -> ColumnElement[bool]:
    """The rows of ``table`` of one use case created at ``since`` or later."""
    return and_(table.c.tenant_id == tenant_id, table.c.use_case_id == use_case_id, table.c.created_at >= since)


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
    row_id: str,
    claimant: Principal,
    *,
    now: dt.datetime,
    minutes: int,
    extra: Any = None,
) -> bool:
    """Claim the row ``row_id`` of the claimant's tenant for ``minutes``: whether the claim was won."""
    condition = and_(
        table.c.id == row_id, table.c.tenant_id == claimant.tenant_id, claimable(table, now, claimant.key_id)
    )
    if extra is not None:
        condition = and_(condition, extra)
    result = conn.execute(
        update(table)
        .where(condition)
        .values(claimed_by=claimant.key_id, claimed_at=now, claim_expires_at=now + dt.timedelta(minutes=minutes))
    )
    return result.rowcount == 1


def release_claim(conn: Connection, table: Table, row_id: str, claimant: Principal) -> bool:
    """Let go of the claimant's claim on the row ``row_id``: whether they held it."""
    result = conn.execute(
        update(table)
        .where(table.c.id == row_id, table.c.tenant_id == claimant.tenant_id, table.c.claimed_by == claimant.key_id)
        .values(claimed_by=None, claimed_at=None, claim_expires_at=None)
    )
    return result.rowcount == 1
