"""``charter audit export``: a self-contained bundle an outside auditor verifies offline.

The bundle (one JSON file, format ``charter-ledger-bundle/v1``) holds the entries of a time range,
the latest signed head, every head signed since the range began with consistency proofs between
consecutive ones, the
roots of the aligned perfect subtrees left and right of the range (so the head's root can be
rebuilt from the entries alone) and the public keys. Entries of other tenants inside the range
appear as their leaf hash only. ``charter-verify bundle.json`` checks it without a database.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from sqlalchemy import Connection, func, select

from charter.ledger.entries import format_ts
from charter.ledger.merkle import aligned_pieces, consistency_proof
from charter.ledger.proofs import TreeNodes, heads, latest_head
from charter.ledger.tables import ledger_entries

__all__ = ["BUNDLE_FORMAT", "build_bundle"]

BUNDLE_FORMAT = "charter-ledger-bundle/v1"


def _range(conn: Connection, since: str | None, until: str | None, size: int) -> tuple[int, int]:
    e = ledger_entries.c
    lo = 0
    if since is not None:
        first = conn.execute(select(func.min(e.seq)).where(e.ts >= since, e.seq < size)).scalar()
        lo = size if first is None else int(first)
    hi = size
    if until is not None:
        last = conn.execute(select(func.max(e.seq)).where(e.ts < until, e.seq < size)).scalar()
        hi = 0 if last is None else int(last) + 1
    return lo, max(lo, hi)


def _entries(conn: Connection, lo: int, hi: int, tenant_id: str | None) -> list[dict[str, Any]]:
    e = ledger_entries.c
    rows = conn.execute(
        select(e.seq, e.ts, e.tenant_id, e.actor, e.action, e.subject, e.event, e.event_hash, e.leaf_hash)
        .where(e.seq >= lo, e.seq < hi)
        .order_by(e.seq)
        .execution_options(yield_per=10_000)
    )
    out: list[dict[str, Any]] = []
    for r in rows:
        if tenant_id is not None and r.tenant_id != tenant_id:
            out.append({"seq": r.seq, "leaf_hash": bytes(r.leaf_hash).hex()})
            continue
        out.append(
            {
                "seq": r.seq,
                "ts": r.ts,
                "tenant_id": r.tenant_id,
                "actor": r.actor,
                "action": r.action,
                "subject": r.subject,
                "event": r.event,
                "event_hash": r.event_hash,
                "leaf_hash": bytes(r.leaf_hash).hex(),
            }
        )
    return out


def _to_ts(value: dt.datetime | None) -> str | None:
    return None if value is None else format_ts(value)


def build_bundle(
    nodes: TreeNodes,
    public_keys: dict[str, str],
    *,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    tenant_id: str | None = None,
) -> dict[str, Any]:
    """The bundle for entries recorded in ``[since, until)`` under the latest signed head."""
    since_ts, until_ts = _to_ts(since), _to_ts(until)
    with nodes.engine.connect() as conn:
        head = latest_head(conn)
        every_head = list(reversed(heads(conn, limit=1_000_000)))
        size = head.tree_size if head else 0
        lo, hi = _range(conn, since_ts, until_ts, size)
        entries = _entries(conn, lo, hi, tenant_id)
    # the heads signed since the range began (the first one past its start, and every later one)
    all_heads = [h for h in every_head if h.tree_size > lo] or every_head[-1:]
    pieces = [
        {"lo": a, "hi": b, "hash": nodes.node(a, b).hex()} for a, b in aligned_pieces(0, lo) + aligned_pieces(hi, size)
    ]
    proofs = [
        {
            "first": a.tree_size,
            "second": b.tree_size,
            "proof": [h.hex() for h in consistency_proof(a.tree_size, b.tree_size, nodes.node)],
        }
        for a, b in itertools.pairwise(all_heads)
    ]
    return {
        "format": BUNDLE_FORMAT,
        "created": format_ts(dt.datetime.now(dt.UTC)),
        "range": {"from_seq": lo, "to_seq": hi, "since": since_ts, "until": until_ts, "tenant_id": tenant_id},
        "head": head.to_json() if head else None,
        "heads": [h.to_json() for h in all_heads],
        "consistency": proofs,
        "pieces": pieces,
        "entries": entries,
        "public_keys": public_keys,
    }
