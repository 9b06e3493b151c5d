"""A recorded change: a row inserted into a tenant's table together with the ledger entry that
records it, in the caller's write transaction (both commit or neither does)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Table

from charter import ledger

__all__ = ["insert_recorded"]


def insert_recorded(
    conn: Connection, table: Table, row: Mapping[str, Any], *, actor: str, action: str, subject: str,
    event: Mapping[str, Any],
) -> int:
    """Insert ``row`` into ``table``, then append the ledger entry ``action`` on ``subject`` with
    ``event`` in the row's tenant (``row["tenant_id"]``); return the entry's sequence number."""
    conn.execute(table.insert().values(**row))
    return ledger.append(conn, tenant_id=row["tenant_id"], actor=actor, action=action, subject=subject, event=event)
