"""The ledger's tables: entries, signed checkpoints and the sequence counter.

The ledger is one log for the whole deployment (a global sequence, as in Certificate Transparency);
each entry names its tenant. Deployment-wide rows (checkpoints, the counter) carry
``tenant_id = "*"``.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, LargeBinary, String, Table, Text

from charter.store.schema import GLOBAL_TENANT, metadata, platform_table
from charter.store.types import digest, loose_ref

__all__ = ["GLOBAL_TENANT", "ledger_checkpoints", "ledger_entries", "ledger_state"]

#: Sequence numbers: a 64-bit integer on PostgreSQL, SQLite's rowid on SQLite.
_Seq = BigInteger().with_variant(Integer(), "sqlite")

ledger_entries = Table(
    "ledger_entries",
    metadata,
    Column("seq", _Seq, primary_key=True, autoincrement=False),
    loose_ref("tenant_id"),
    # Fixed-width ISO-8601 UTC ("2026-11-28T17:43:12.499471Z"): sorts as it reads.
    Column("ts", String(27), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(64), nullable=False),
    Column("subject", String(200), nullable=False),
    # Canonical JSON (RFC 8785) of the event; NULL once a signed purge entry removed the payload.
    Column("event", Text, nullable=True),
    digest("event_hash"),  # of the canonical event
    Column("leaf_hash", LargeBinary(32), nullable=False),  # RFC 6962 leaf hash
    Index("ix_ledger_entries_tenant_seq", "tenant_id", "seq"),
    Index("ix_ledger_entries_ts", "ts"),
    Index("ix_ledger_entries_action_subject", "action", "subject"),
)

ledger_checkpoints = platform_table(
    "ledger_checkpoints",
    Column("tree_size", _Seq, primary_key=True, autoincrement=False),
    Column("root_hash", LargeBinary(32), nullable=False),
    Column("ts", String(27), nullable=False),
    Column("key_id", String(64), nullable=False),
    Column("signature", LargeBinary(64), nullable=False),
    # Leaf hashes of the entries this head added (previous size .. tree_size), 32 bytes each: the
    # signed root authenticates them, so verify can name the exact entry that changed.
    Column("leaves", LargeBinary, nullable=False),
    # Roots of the perfect subtrees covering 0 .. tree_size (the compact range), 32 bytes each:
    # lets the next checkpoint extend the tree without re-reading every leaf.
    Column("frontier", LargeBinary, nullable=False),
)

ledger_state = platform_table(
    "ledger_state",
    Column("id", Integer, primary_key=True, autoincrement=False),  # 1: the sequence counter
    Column("next_seq", BigInteger, nullable=False),
)
