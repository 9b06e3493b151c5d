"""Key rotation for oversight's sealed content. The raw tier's rotation
(:func:`charter.interactions.rotation.rotate_raw_tier`) must call :func:`rewrap_oversight` after it
adds the new key-encryption key and before it retires the old ones; otherwise sealed questions,
answers and corrections here could no longer be opened."""

from __future__ import annotations

import base64
from typing import Any

from sqlalchemy import Connection, Table, select, update

from charter.identity.tables import citizen_turns
from charter.interactions.crypto import KeyRing
from charter.oversight.tables import expert_samples, feedback, review_items, review_versions

__all__ = ["SEALED_COLUMNS", "rewrap_oversight"]

#: (table, sealed JSON column) pairs; each table's key is ``id``.
SEALED_COLUMNS: tuple[tuple[Table, str], ...] = (
    (review_items, "sealed_request"),
    (review_versions, "sealed"),
    (expert_samples, "sealed"),
    (feedback, "sealed_correction"),
    (citizen_turns, "sealed"),  # the console's citizen chat (charter.console.conversations)
)


def _rewrapped(ring: KeyRing, sealed: dict[str, Any], version: int) -> dict[str, Any] | None:
    if int(sealed["kek_version"]) == version:
        return None
    dek = ring.unwrap(base64.b64decode(sealed["wrapped_dek"]), int(sealed["kek_version"]))
    wrapped = base64.b64encode(ring.wrap(dek, version)).decode()
    return {**sealed, "kek_version": version, "wrapped_dek": wrapped}


def _page(
    conn: Connection, table: Table, column: str, ring: KeyRing, version: int, after: str, batch: int
) -> tuple[int, str | None]:
    col = table.c[column]
    rows = conn.execute(
        select(table.c.id, col).where(table.c.id > after, col.is_not(None)).order_by(table.c.id).limit(batch)
    ).all()
    changed = 0
    for row in rows:
        new = _rewrapped(ring, row[1], version) if row[1] else None
        if new is not None:
            conn.execute(update(table).where(table.c.id == row.id).values({column: new}))
            changed += 1
    return changed, (rows[-1].id if len(rows) == batch else None)


def rewrap_oversight(rt: Any, ring: KeyRing, version: int, *, batch: int = 500) -> int:
    """Re-wrap every sealed data key under KEK ``version`` (in batches through the writer)."""
    total = 0
    for table, column in SEALED_COLUMNS:
        after: str | None = ""
        while after is not None:
            cursor = after
            changed, after = rt.writer.write(
                lambda c, t=table, k=column, a=cursor: _page(c, t, k, ring, version, a, batch)
            )
            total += changed
    return total
