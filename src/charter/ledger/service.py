"""What the faces (CLI, API) call: verify, prove, export, purge, list — over one runtime."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Connection, select

from charter.errors import NotFound
from charter.ledger.bundle import build_bundle
from charter.ledger.checkpoint import checkpoint_now
from charter.ledger.entries import append_span
from charter.ledger.keys import load_public_keys
from charter.ledger.merkle import verify_consistency, verify_inclusion
from charter.ledger.note import key_id, load_public_pem, public_pem
from charter.ledger.proofs import TreeNodes, consistency, inclusion
from charter.ledger.purge import purge_payloads
from charter.ledger.tables import ledger_entries
from charter.ledger.verify import VerifyReport, verify_ledger
from charter.runtime import Runtime
from charter.store.records import pick

__all__ = [
    "EXPORT_ACTION",
    "export_bundle",
    "get_entry",
    "list_entries",
    "prove_consistency",
    "prove_inclusion",
    "public_keys",
    "purge",
    "tree_nodes",
    "trusted_keys",
    "verify",
]

EXPORT_ACTION = "ledger.exported"


def tree_nodes(rt: Runtime) -> TreeNodes:
    nodes = rt.parts.get("ledger.nodes")
    if not isinstance(nodes, TreeNodes):
        nodes = rt.parts["ledger.nodes"] = TreeNodes(rt.engine)
    return nodes


def prove_inclusion(rt: Runtime, seq: int, tree_size: int | None = None) -> dict[str, Any]:
    """An inclusion proof against a signed head, checked here before it is handed out."""
    result = inclusion(tree_nodes(rt), seq, tree_size)
    result["verified"] = verify_inclusion(
        bytes.fromhex(result["leaf_hash"]),
        seq,
        result["tree_size"],
        [bytes.fromhex(h) for h in result["proof"]],
        bytes.fromhex(result["head"]["root_hash"]),
    )
    return result


def prove_consistency(rt: Runtime, first: int, second: int | None = None) -> dict[str, Any]:
    """A consistency proof between two signed heads, checked here before it is handed out."""
    result = consistency(tree_nodes(rt), first, second)
    a, b = result["first"], result["second"]
    result["verified"] = verify_consistency(
        a["tree_size"],
        b["tree_size"],
        bytes.fromhex(a["root_hash"]),
        bytes.fromhex(b["root_hash"]),
        [bytes.fromhex(h) for h in result["proof"]],
    )
    return result


def trusted_keys(rt: Runtime, pinned: list[Path] | None = None) -> dict[str, Ed25519PublicKey]:
    """The keys verify trusts: the named PEM files, else the key directory's public keys."""
    if pinned:
        keys = [load_public_pem(p.read_bytes()) for p in pinned]
        return {key_id(k): k for k in keys}
    directory = rt.settings.effective_ledger_key_dir
    return load_public_keys(directory) if directory.exists() else {}


def public_keys(rt: Runtime) -> dict[str, str]:
    return {kid: public_pem(k) for kid, k in sorted(trusted_keys(rt).items())}


def verify(rt: Runtime, pinned: list[Path] | None = None) -> VerifyReport:
    return verify_ledger(rt.engine, trusted_keys(rt, pinned))


def export_bundle(
    rt: Runtime,
    *,
    actor: str,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    tenant_id: str | None = None,
) -> dict[str, Any]:
    """Build an offline-verifiable bundle; the export itself is recorded in the ledger (AT-4)."""
    bundle = build_bundle(tree_nodes(rt), public_keys(rt), since=since, until=until, tenant_id=tenant_id)
    event = {
        "range": bundle["range"],
        "tree_size": bundle["head"]["tree_size"] if bundle["head"] else 0,
        "entries": len(bundle["entries"]),
    }

    def record(conn: Connection) -> int:
        span = bundle["range"]
        return append_span(conn, tenant_id=tenant_id, actor=actor, action=EXPORT_ACTION, first=span["from_seq"],
                           last=span["to_seq"], event=event)

    bundle["export_seq"] = rt.writer.write(record)
    return bundle


def purge(rt: Runtime, *, older_than_days: int, actor: str, tenant_id: str | None = None) -> dict[str, Any]:
    """Sign what is pending, purge due payloads with a purge entry, and sign that entry at once."""
    checkpoint_now(rt)
    record: dict[str, Any] = rt.writer.write(
        lambda conn: purge_payloads(conn, older_than_days=older_than_days, actor=actor, tenant_id=tenant_id)
    )
    if record.get("purged"):
        checkpoint_now(rt)
    return record


def _entry_json(row: Any) -> dict[str, Any]:
    return {
        **pick(row, "seq", "ts", "tenant_id", "actor", "action", "subject", "event", "event_hash"),
        "leaf_hash": bytes(row.leaf_hash).hex(),
    }


def list_entries(
    rt: Runtime,
    *,
    tenant_id: str | None,
    after_seq: int | None = None,
    limit: int = 50,
    action: str | None = None,
    subject: str | None = None,
) -> list[dict[str, Any]]:
    """Entries newest first (or from ``after_seq`` on, oldest first); ``tenant_id=None``: every tenant."""
    e = ledger_entries.c
    query = select(ledger_entries)
    if tenant_id is not None:
        query = query.where(e.tenant_id == tenant_id)
    if action is not None:
        query = query.where(e.action == action)
    if subject is not None:
        query = query.where(e.subject == subject)
    newest_first = after_seq is None
    query = query.order_by(e.seq.desc()) if newest_first else query.where(e.seq > after_seq).order_by(e.seq)
    with rt.engine.connect() as conn:
        return [_entry_json(r) for r in conn.execute(query.limit(limit))]


def get_entry(rt: Runtime, seq: int, *, tenant_id: str | None) -> dict[str, Any]:
    query = select(ledger_entries).where(ledger_entries.c.seq == seq)
    if tenant_id is not None:
        query = query.where(ledger_entries.c.tenant_id == tenant_id)
    with rt.engine.connect() as conn:
        row = conn.execute(query).first()
    if row is None:
        raise NotFound(f"no ledger entry {seq} in this tenant", code="not_found")
    return _entry_json(row)
