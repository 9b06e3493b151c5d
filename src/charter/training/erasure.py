"""Erasure and retention reach training data: the examples of erased interactions (``charter
subjects erase``) and of expired review items (``retention_days``) are deleted, and every dataset
version that held one is marked tainted (``tainted_at``, ``erased_examples``); its ``sha256`` stays
the hash as built, an export says ``sha256_now`` (DP-5, docs/learning.md)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, select, update

from charter.training.tables import training_datasets, training_examples

__all__ = ["erase_examples", "expire_examples"]

_CHUNK = 5000


def _delete(conn: Connection, column: Any, values: Sequence[str], now: dt.datetime, *where: Any) -> int:
    ids = list(values)
    erased: Counter[str] = Counter()
    for i in range(0, len(ids), _CHUNK):
        chosen = (*where, column.in_(ids[i : i + _CHUNK]))
        erased.update(conn.execute(select(training_examples.c.dataset_id).where(*chosen)).scalars())
        conn.execute(training_examples.delete().where(*chosen))
    for dataset_id, count in erased.items():
        conn.execute(
            update(training_datasets).where(training_datasets.c.id == dataset_id)
            .values(tainted_at=now, erased_examples=training_datasets.c.erased_examples + count)
        )
    return sum(erased.values())


def erase_examples(conn: Connection, tenant_id: str, interaction_ids: Sequence[str], now: dt.datetime) -> int:
    """Delete the examples of ``interaction_ids`` (in the caller's transaction); the number deleted."""
    tenant = training_examples.c.tenant_id == tenant_id
    return _delete(conn, training_examples.c.interaction_id, interaction_ids, now, tenant)


def expire_examples(conn: Connection, review_ids: Sequence[str], now: dt.datetime) -> int:
    """Delete the examples built from ``review_ids``, whose content retention just expired."""
    return _delete(conn, training_examples.c.review_id, review_ids, now)
