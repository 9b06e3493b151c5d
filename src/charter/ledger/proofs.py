"""Inclusion and consistency proofs served from the store (RFC 9162 §2.1.3 and §2.1.4).

Proofs are computed over the stored leaf hashes against a *signed* head, so a client checks them
with the head's root and the public key alone. Roots of perfect subtrees of 256 leaves and more
never change once complete; a per-process cache keeps them, so after the first proof over a large
tree each further proof reads a few hundred leaf hashes.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, select

from charter.errors import InvalidRequest, NotFound, Unavailable
from charter.ledger.checkpoint import Checkpoint
from charter.ledger.merkle import consistency_proof, inclusion_proof, node_hash, split_point, tree_root
from charter.ledger.tables import ledger_checkpoints, ledger_entries

__all__ = ["TreeNodes", "consistency", "head_at", "heads", "inclusion", "latest_head"]

_BLOCK = 256


class TreeNodes:
    """``node(lo, hi)`` over the stored leaf hashes, with a cache of large perfect subtrees."""

    def __init__(self, engine: Engine, cache: dict[tuple[int, int], bytes] | None = None) -> None:
        self.engine = engine
        self.cache: dict[tuple[int, int], bytes] = {} if cache is None else cache

    def leaves(self, lo: int, hi: int) -> list[bytes]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(ledger_entries.c.leaf_hash)
                .where(ledger_entries.c.seq >= lo, ledger_entries.c.seq < hi)
                .order_by(ledger_entries.c.seq)
            ).scalars()
            out = [bytes(h) for h in rows]
        if len(out) != hi - lo:
            raise Unavailable(
                f"ledger entries {lo}..{hi - 1} are incomplete: run `charter audit verify`",
                code="ledger_unavailable",
            )
        return out

    def _fill(self, lo: int, hi: int) -> bytes:
        """Read a large perfect subtree's leaves once and cache every perfect node of 256+ inside."""
        level = [tree_root(chunk) for chunk in _chunks(self.leaves(lo, hi), _BLOCK)]
        width = _BLOCK
        for i, h in enumerate(level):
            self.cache[(lo + i * width, lo + (i + 1) * width)] = h
        while len(level) > 1:
            level = [node_hash(level[i], level[i + 1]) for i in range(0, len(level), 2)]
            width *= 2
            for i, h in enumerate(level):
                self.cache[(lo + i * width, lo + (i + 1) * width)] = h
        return level[0]

    def node(self, lo: int, hi: int) -> bytes:
        n = hi - lo
        if n <= _BLOCK:
            return tree_root(self.leaves(lo, hi))
        perfect = n & (n - 1) == 0 and lo % n == 0
        if perfect:
            cached = self.cache.get((lo, hi))
            return cached if cached is not None else self._fill(lo, hi)
        k = split_point(n)
        return node_hash(self.node(lo, lo + k), self.node(lo + k, hi))


def _chunks(items: list[bytes], size: int) -> list[list[bytes]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _head(row: Any) -> Checkpoint:
    return Checkpoint(int(row.tree_size), bytes(row.root_hash), row.ts, row.key_id, bytes(row.signature))


_HEAD_COLUMNS = (
    ledger_checkpoints.c.tree_size,
    ledger_checkpoints.c.root_hash,
    ledger_checkpoints.c.ts,
    ledger_checkpoints.c.key_id,
    ledger_checkpoints.c.signature,
)


def latest_head(conn: Connection) -> Checkpoint | None:
    row = conn.execute(select(*_HEAD_COLUMNS).order_by(ledger_checkpoints.c.tree_size.desc()).limit(1)).first()
    return None if row is None else _head(row)


def head_at(conn: Connection, tree_size: int | None) -> Checkpoint:
    """The signed head of this size (the latest when ``None``); 404 when there is none."""
    if tree_size is None:
        head = latest_head(conn)
    else:
        row = conn.execute(select(*_HEAD_COLUMNS).where(ledger_checkpoints.c.tree_size == tree_size)).first()
        head = None if row is None else _head(row)
    if head is None:
        what = (
            "no signed head yet: run `charter audit checkpoint`"
            if tree_size is None
            else (f"no signed head of tree size {tree_size}: list them with `charter audit heads`")
        )
        raise NotFound(what, code="not_found")
    return head


def heads(conn: Connection, *, limit: int = 100, offset: int = 0) -> list[Checkpoint]:
    rows = conn.execute(
        select(*_HEAD_COLUMNS).order_by(ledger_checkpoints.c.tree_size.desc()).limit(limit).offset(offset)
    ).all()
    return [_head(r) for r in rows]


def inclusion(nodes: TreeNodes, seq: int, tree_size: int | None = None) -> dict[str, Any]:
    with nodes.engine.connect() as conn:
        head = head_at(conn, tree_size)
    if not 0 <= seq < head.tree_size:
        raise InvalidRequest(
            f"entry {seq} is not covered by the signed head of size {head.tree_size} (yet): "
            "wait for the next checkpoint or run `charter audit checkpoint`",
            code="invalid_value",
            param="seq",
        )
    proof = inclusion_proof(seq, head.tree_size, nodes.node)
    return {
        "seq": seq,
        "tree_size": head.tree_size,
        "leaf_hash": nodes.leaves(seq, seq + 1)[0].hex(),
        "proof": [h.hex() for h in proof],
        "head": head.to_json(),
    }


def consistency(nodes: TreeNodes, first: int, second: int | None = None) -> dict[str, Any]:
    with nodes.engine.connect() as conn:
        old, new = head_at(conn, first), head_at(conn, second)
    if old.tree_size > new.tree_size:
        raise InvalidRequest("the first head must not be larger than the second", code="invalid_value")
    proof = consistency_proof(old.tree_size, new.tree_size, nodes.node)
    return {
        "first": old.to_json(),
        "second": new.to_json(),
        "proof": [h.hex() for h in proof],
    }
