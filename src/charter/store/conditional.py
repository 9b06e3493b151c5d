"""A conditional update (compare-and-set): a row is written only while it still holds what its writer
read, so of two writers that read the same row and both change it, one wins and the other learns it
lost (and reports a conflict, skips the row, or reads it again)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Table, update

__all__ = ["compare_and_set"]


def compare_and_set(
    conn: Connection, table: Table, row_id: str, expected: Mapping[str, Any], values: Mapping[str, Any]
) -> bool:
    """Write ``values`` to the row ``row_id`` of ``table`` if its columns still equal ``expected``
    (``None``: still empty); whether it was written."""
    where = [table.c.id == row_id, *(table.c[name] == value for name, value in expected.items())]
    return conn.execute(update(table).where(*where).values(**values)).rowcount == 1
