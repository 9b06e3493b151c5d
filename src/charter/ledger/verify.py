"""``charter audit verify``: re-derive every leaf, rebuild the tree, check every signed head.

One streaming pass in sequence order. For each entry: the event hashes to its ``event_hash``, the
fields hash to its leaf, the leaf equals the one the covering signed head authenticated, and a
covered interaction still projects to the event. The tree rebuilt from the re-derived leaves must
reach every signed root (so consecutive heads are consistent: both roots come from one leaf
sequence), and the sequence must be gapless up to the counter and to the last head.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Engine, and_, select

from charter.ledger.coverage import INTERACTION_ACTION, interaction_event
from charter.ledger.entries import event_hash, leaf_data, leaf_hash_of
from charter.ledger.merkle import Frontier
from charter.ledger.note import checkpoint_body, signature_ok
from charter.ledger.purge import PURGE_ACTION, PurgeRecord
from charter.ledger.tables import ledger_checkpoints, ledger_entries, ledger_state
from charter.store.schema import interactions

__all__ = ["Problem", "VerifyReport", "verify_ledger"]

_BATCH = 10_000
_INTERACTION_COLUMNS = tuple(c.name for c in interactions.columns)


@dataclass(frozen=True, order=True)
class Problem:
    seq: int  # the entry (or tree size, for a checkpoint) the problem is about
    kind: str
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "kind": self.kind, "message": self.message}


@dataclass
class VerifyReport:
    entries: int = 0
    checkpoints: int = 0
    signed_size: int = 0
    purged: int = 0
    interactions: int = 0
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_problem(self) -> Problem | None:
        return min(self.problems) if self.problems else None

    def to_json(self) -> dict[str, Any]:
        first = self.first_problem
        return {
            "ok": self.ok,
            "entries": self.entries,
            "checkpoints": self.checkpoints,
            "signed_size": self.signed_size,
            "unsigned_tail": max(0, self.entries - self.signed_size),
            "purged_payloads": self.purged,
            "interactions_checked": self.interactions,
            "seconds": round(self.seconds, 3),
            "entries_per_second": round(self.entries / self.seconds) if self.seconds else None,
            "first_problem": first.to_json() if first else None,
            "problems": [p.to_json() for p in sorted(self.problems)],
        }


@dataclass
class _Heads:
    """Signed heads, checked, and the leaf hashes they authenticate."""

    roots: dict[int, bytes]
    authentic: bytes  # leaf hashes 0 .. authentic_size, authenticated by a signed root
    count: int = 0

    @property
    def authentic_size(self) -> int:
        return len(self.authentic) // 32


def _check_heads(engine: Engine, keys: Mapping[str, Ed25519PublicKey], report: VerifyReport) -> _Heads:
    c = ledger_checkpoints.c
    with engine.connect() as conn:
        rows = conn.execute(
            select(c.tree_size, c.root_hash, c.ts, c.key_id, c.signature, c.leaves).order_by(c.tree_size)
        ).all()
    frontier, blob, authentic, roots = Frontier(), bytearray(), b"", {}
    for size, root, ts, kid, signature, leaves in rows:
        size, root, leaves = int(size), bytes(root), bytes(leaves)
        key = keys.get(kid)
        if key is None or not signature_ok(key, checkpoint_body(size, root, ts), bytes(signature)):
            why = "an unknown key" if key is None else "a signature that does not verify"
            report.problems.append(
                Problem(size, "forged_checkpoint", f"checkpoint at tree size {size} has {why}")
            )
            continue
        roots[size] = root
        if len(leaves) != (size - frontier.size) * 32:
            report.problems.append(
                Problem(size, "checkpoint_leaves", f"checkpoint {size}: stored leaves are cut")
            )
            continue
        blob += leaves
        for i in range(0, len(leaves), 32):
            frontier.append(leaves[i : i + 32])
        if frontier.root() == root:
            authentic = bytes(blob)
    report.checkpoints = len(rows)
    report.signed_size = max(roots, default=0)
    return _Heads(roots=roots, authentic=authentic)


def _stream(engine: Engine) -> Any:
    e, i = ledger_entries.c, interactions
    query = (
        select(e.seq, e.ts, e.tenant_id, e.actor, e.action, e.subject, e.event, e.event_hash, e.leaf_hash, i)
        .select_from(
            ledger_entries.outerjoin(interactions, and_(e.action == INTERACTION_ACTION, i.c.id == e.subject))
        )
        .order_by(e.seq)
    )
    with engine.connect() as conn:
        result = conn.execution_options(yield_per=_BATCH).execute(query)
        for part in result.partitions():
            yield from part


def _interaction_problem(seq: int, subject: str, event: str, row: Any) -> Problem | None:
    if row[9] is None:
        return Problem(seq, "interaction_missing", f"entry {seq}: covered interaction {subject} is missing")
    stored = orjson.loads(event)
    current = interaction_event(dict(zip(_INTERACTION_COLUMNS, row[9:], strict=True)))
    if stored == current:
        return None
    changed = sorted(k for k in set(stored) | set(current) if stored.get(k) != current.get(k))
    return Problem(
        seq,
        "interaction_changed",
        f"entry {seq}: covered interaction {subject} was changed ({', '.join(changed)})",
    )


def verify_ledger(
    engine: Engine, keys: Mapping[str, Ed25519PublicKey], *, max_problems: int = 50
) -> VerifyReport:
    """Check the whole ledger; the report names every problem found (the first by sequence)."""
    started = time.perf_counter()
    report = VerifyReport()
    heads = _check_heads(engine, keys, report)
    frontier, expected = Frontier(), 0
    purged: list[tuple[int, str, str]] = []
    purges: list[PurgeRecord] = []
    authentic, authentic_size, roots = heads.authentic, heads.authentic_size, heads.roots
    problems = report.problems
    for row in _stream(engine):
        seq, ts, tenant, actor, action, subject, event, ev_hash, stored = row[:9]
        if seq != expected:
            problems.append(Problem(expected, "missing_entry", f"entries {expected}..{seq - 1} are missing"))
            expected = seq
        if event is None:
            purged.append((seq, tenant, ts))
        elif event_hash(event.encode()) != ev_hash:
            problems.append(Problem(seq, "event_changed", f"entry {seq}: the event does not match its hash"))
        leaf = leaf_hash_of(leaf_data(seq, ts, tenant, actor, action, subject, ev_hash))
        if leaf != stored:
            problems.append(
                Problem(seq, "entry_changed", f"entry {seq}: its fields do not match its leaf hash")
            )
        elif seq < authentic_size and leaf != authentic[seq * 32 : seq * 32 + 32]:
            problems.append(
                Problem(
                    seq,
                    "entry_rewritten",
                    f"entry {seq} differs from the entry the signed "
                    "head authenticated (fields and hashes rewritten)",
                )
            )
        if action == INTERACTION_ACTION and event is not None:
            report.interactions += 1
            found = _interaction_problem(seq, subject, event, row)
            if found:
                problems.append(found)
        elif action == PURGE_ACTION and event is not None:
            purges.append(PurgeRecord.from_event(seq, orjson.loads(event)))
        frontier.append(leaf)
        expected += 1
        root = roots.get(expected)
        if root is not None and frontier.root() != root:
            problems.append(
                Problem(
                    expected - 1,
                    "root_mismatch",
                    f"the tree of size {expected} does not match its signed head",
                )
            )
        if len(problems) >= max_problems:
            break
    report.entries = expected
    _check_tail(engine, report, expected)
    report.purged = _check_purges(report, purged, purges, roots)
    report.seconds = time.perf_counter() - started
    return report


def _check_tail(engine: Engine, report: VerifyReport, count: int) -> None:
    with engine.connect() as conn:
        next_seq = int(
            conn.execute(select(ledger_state.c.next_seq).where(ledger_state.c.id == 1)).scalar_one()
        )
    if report.signed_size > count:
        report.problems.append(
            Problem(
                count,
                "truncated",
                f"entries {count}..{report.signed_size - 1} are "
                "signed by a checkpoint but missing (tail truncated)",
            )
        )
    elif next_seq > count:
        report.problems.append(
            Problem(
                count,
                "truncated",
                f"entries {count}..{next_seq - 1} were numbered but are missing (tail truncated)",
            )
        )
    if next_seq < count:
        report.problems.append(
            Problem(
                next_seq,
                "forged_entry",
                f"entries {next_seq}..{count - 1} were never "
                "numbered by the ledger (inserted behind its back)",
            )
        )


def _check_purges(
    report: VerifyReport,
    purged: list[tuple[int, str, str]],
    purges: list[PurgeRecord],
    roots: Mapping[int, bytes],
) -> int:
    for record in purges:
        problem = record.check_roots(roots)
        if problem:
            report.problems.append(Problem(record.seq, "purge_mismatch", problem))
    for seq, tenant, ts in purged:
        if not any(record.covers(seq, tenant, ts) for record in purges):
            report.problems.append(
                Problem(
                    seq, "payload_deleted", f"entry {seq}: its event was removed without a signed purge entry"
                )
            )
    return len(purged)
