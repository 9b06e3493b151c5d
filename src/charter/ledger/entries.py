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
from sqlalchemy import Connection

from charter.errors import InvalidRequest, Unavailable
from charter.ledger.canonical import canonical_json
from charter.ledger.tables import GLOBAL_TENANT

__all__ = ["append", "append_span", "event_hash", "format_ts", "leaf_data", "leaf_hash_of"]

_LEAF_PREFIX = b"\x00"


def format_ts(when: dt.datetime) -> str:
    """Fixed-width ISO-8601 UTC with microseconds. Timestamps read from the store are aware
    (:class:`charter.store.types.UTCDateTime`); a naive one is a bug and is refused, not guessed."""
    if when.tzinfo is None:
        raise ValueError(f"naive datetime {when!r}: the ledger takes aware UTC timestamps")
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(canonical: bytes) -> str:
    return hashlib.sha256(canonical).hexdigest()


def leaf_data(seq: int, ts: str, tenant_id: str, actor: str, action: str, subject: str, ev_hash: str) -> bytes:
    return orjson.dumps([seq, ts, tenant_id, actor, action, subject, ev_hash])


def leaf_hash_of(data: bytes) -> bytes:
    return hashlib.sha256(_LEAF_PREFIX + data).digest()


# The two statements of an append run on the DBAPI cursor of the caller's connection (inside its
# transaction): on the request path SQLAlchemy's per-statement work would cost more than the rest.
_TAKE_SQL = "UPDATE ledger_state SET next_seq = next_seq + 1 WHERE id = 1 RETURNING next_seq"
_INSERT_SQL = (
    "INSERT INTO ledger_entries (seq, tenant_id, ts, actor, action, subject, event, event_hash, leaf_hash) "
    "VALUES ({p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p})"
)
_PLACEHOLDER = {"sqlite": "?", "postgresql": "%s"}


def _cursor(conn: Connection) -> Any:
    return conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]


def _take_seq(cursor: Any) -> int:
    """Take the next sequence number. The UPDATE locks the counter row until the transaction ends,
    so concurrent writers (replicas on PostgreSQL) queue here: numbers are unique and gapless, and
    committed entries always form a prefix of the sequence."""
    cursor.execute(_TAKE_SQL)
    taken = cursor.fetchone()
    if taken is None:
        raise Unavailable("the ledger counter is missing: run `charter init`", code="ledger_unavailable")
    return int(taken[0]) - 1


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
    if not conn.in_transaction():
        conn.begin()  # what SQLAlchemy's autobegin would do for conn.execute; the caller commits
    insert = _INSERT_SQL.format(p=_PLACEHOLDER.get(conn.dialect.name, "%s"))
    cursor = _cursor(conn)
    try:
        seq = _take_seq(cursor)
        ts = format_ts(when or dt.datetime.now(dt.UTC))
        leaf = leaf_hash_of(leaf_data(seq, ts, tenant_id, actor, action, subject, ev_hash))
        cursor.execute(insert, (seq, tenant_id, ts, actor, action, subject, canonical.decode("utf-8"), ev_hash, leaf))
    finally:
        cursor.close()
    return seq


def append_span(
    conn: Connection, *, tenant_id: str | None, actor: str, action: str, first: int, last: int, event: Mapping[str, Any]
) -> int:
    """Append an entry about the ledger's own entries ``first..last`` (an export, a purge): the
    tenant's where it was limited to one (``tenant_id``), else the whole ledger's (``GLOBAL_TENANT``)."""
    return append(
        conn, tenant_id=tenant_id or GLOBAL_TENANT, actor=actor, action=action, subject=f"{first}..{last}", event=event
    )
