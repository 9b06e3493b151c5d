"""Ledger entries: canonical events, RFC 6962 leaf hashes and the append seam.

An entry commits to ``seq, ts, tenant_id, actor, action, subject`` and the SHA-256 of the event's
canonical JSON (RFC 8785). Its *leaf data* is the RFC 8785 JSON array of those seven values
(strings and one integer, so plain ``json.dumps(..., separators=(",", ":"), ensure_ascii=False)``
writes the same bytes); the *leaf hash* is ``SHA-256(0x00 || leaf data)`` as in RFC 6962 §2.1.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from typing import Any

import orjson
from sqlalchemy import Connection, update

from charter.errors import InvalidRequest, Unavailable
from charter.ledger.canonical import canonical_json
from charter.ledger.tables import ledger_entries, ledger_state

__all__ = ["append", "event_hash", "format_ts", "leaf_data", "leaf_hash_of"]

_LEAF_PREFIX = b"\x00"


def format_ts(when: dt.datetime) -> str:
    """Fixed-width ISO-8601 UTC with microseconds; naive datetimes are taken as UTC."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(canonical: bytes) -> str:
    return hashlib.sha256(canonical).hexdigest()


def leaf_data(seq: int, ts: str, tenant_id: str, actor: str, action: str, subject: str, ev_hash: str) -> bytes:
    return orjson.dumps([seq, ts, tenant_id, actor, action, subject, ev_hash])


def leaf_hash_of(data: bytes) -> bytes:
    return hashlib.sha256(_LEAF_PREFIX + data).digest()


_TAKE = (
    update(ledger_state)
    .where(ledger_state.c.id == 1)
    .values(next_seq=ledger_state.c.next_seq + 1)
    .returning(ledger_state.c.next_seq)
)
_INSERT = ledger_entries.insert()


def _take_seq(conn: Connection) -> int:
    """Take the next sequence number. The UPDATE locks the counter row until the transaction ends,
    so concurrent writers (replicas on PostgreSQL) queue here: numbers are unique and gapless, and
    committed entries always form a prefix of the sequence."""
    taken = conn.execute(_TAKE).scalar_one_or_none()
    if taken is None:
        raise Unavailable("the ledger counter is missing: run `charter init`", code="ledger_unavailable")
    return int(taken) - 1


def append(
    conn: Connection,
    *,
    tenant_id: str,
    actor: str,
    action: str,
    subject: str,
    event: Mapping[str, Any],
    when: dt.datetime | None = None,
) -> int:
    """Append one entry inside the caller's write transaction and return its sequence number.

    Call it in the same transaction as the state change it records: both commit or neither does.
    """
    if not action or not tenant_id:
        raise InvalidRequest("a ledger entry needs a tenant and an action", code="missing_field")
    canonical = canonical_json(event)
    ev_hash = event_hash(canonical)
    seq = _take_seq(conn)
    ts = format_ts(when or dt.datetime.now(dt.UTC))
    leaf = leaf_hash_of(leaf_data(seq, ts, tenant_id, actor, action, subject, ev_hash))
    conn.execute(
        _INSERT,
        {
            "seq": seq,
            "tenant_id": tenant_id,
            "ts": ts,
            "actor": actor,
            "action": action,
            "subject": subject,
            "event": canonical.decode("utf-8"),
            "event_hash": ev_hash,
            "leaf_hash": leaf,
        },
    )
    return seq
