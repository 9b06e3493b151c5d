"""``charter audit verify``: re-derive every leaf, rebuild the tree, check every signed head.

All reads happen in one snapshot (a read transaction; REPEATABLE READ on PostgreSQL), so a verify
running beside a busy server sees one consistent ledger. The steps:

1. Every signed head: its Ed25519 signature under a trusted key, and the leaf hashes it stores
   rebuild its root. The leaves of the longest such prefix are *authenticated*.
2. One streaming pass over the entries in sequence order (raw DBAPI rows, no ORM objects): the
   sequence is gapless; the event hashes to its ``event_hash``; the fields hash to the stored leaf;
   the re-derived leaves equal the authenticated ones (one comparison of two byte strings; the first
   differing entry is named). Heads whose stored leaves did not authenticate are checked against
   the tree rebuilt from the re-derived leaves instead. Consecutive heads are therefore consistent:
   both roots come from one leaf sequence.
3. Each covered interaction still projects to its entry's event; the counter and the last head
   agree with the number of entries (truncation, entries inserted behind the ledger's back); every
   removed payload is covered by a signed purge entry.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import JSON, Connection, Engine, Text, cast, select

from charter.ledger.coverage import INTERACTION_ACTION, interaction_event, legacy_interaction_event, pseudonymise
from charter.ledger.entries import format_ts
from charter.ledger.merkle import Frontier
from charter.ledger.note import checkpoint_body, signature_ok
from charter.ledger.purge import PURGE_ACTION, PurgeRecord
from charter.ledger.tables import ledger_checkpoints, ledger_state
from charter.store.schema import interactions
from charter.store.types import UTCDateTime

__all__ = ["Problem", "VerifyReport", "verify_ledger"]

_BATCH = 5_000
_ZERO = bytes(32)
# The event comes back as UTF-8 bytes, ready to hash (no decode and re-encode per entry).
_STREAM_SQL = (
    "SELECT seq, ts, tenant_id, actor, action, subject, event_hash, {event}, leaf_hash FROM ledger_entries ORDER BY seq"
)
_EVENT_BYTES = {"sqlite": "CAST(event AS BLOB)", "postgresql": "convert_to(event, 'UTF8')"}


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
    roots: dict[int, bytes]  # validly signed heads
    authentic: bytes  # leaf hashes 0 .. n, authenticated by a signed root


@dataclass
class _Pass:
    """What the streaming pass collects."""

    leaves: bytearray = field(default_factory=bytearray)  # re-derived leaf of seq i at i*32
    covered: list[tuple[int, str, Any]] = field(default_factory=list)  # interaction entries
    purged: list[tuple[int, str, str]] = field(default_factory=list)  # (seq, tenant, ts)
    purges: list[PurgeRecord] = field(default_factory=list)


def _check_heads(conn: Connection, keys: Mapping[str, Ed25519PublicKey], report: VerifyReport) -> _Heads:
    c = ledger_checkpoints.c
    rows = conn.execute(
        select(c.tree_size, c.root_hash, c.ts, c.key_id, c.signature, c.leaves).order_by(c.tree_size)
    ).all()
    frontier, blob, authentic, roots = Frontier(), bytearray(), 0, {}
    for size, root, ts, kid, signature, leaves in rows:
        size, root, leaves = int(size), bytes(root), bytes(leaves)
        key = keys.get(kid)
        if key is None or not signature_ok(key, checkpoint_body(size, root, ts), bytes(signature)):
            why = "an unknown key" if key is None else "a signature that does not verify"
            report.problems.append(Problem(size, "forged_checkpoint", f"checkpoint at tree size {size} has {why}"))
            continue
        roots[size] = root
        if len(leaves) != (size - frontier.size) * 32:
            continue  # not authenticated; checked against the re-derived tree below
        blob += leaves
        frontier.extend(leaves)
        if frontier.root() == root:
            authentic = len(blob)
    report.checkpoints = len(rows)
    report.signed_size = max(roots, default=0)
    return _Heads(roots=roots, authentic=bytes(blob[:authentic]))


def _rows(conn: Connection) -> Iterator[list[Any]]:
    """Entries in sequence order as raw DBAPI tuples, in batches (server-side cursor on PostgreSQL)."""
    raw: Any = conn.connection.dbapi_connection
    cursor = raw.cursor(name="charter_verify") if conn.dialect.name == "postgresql" else raw.cursor()
    try:
        cursor.execute(_STREAM_SQL.format(event=_EVENT_BYTES.get(conn.dialect.name, "event")))
        while batch := cursor.fetchmany(_BATCH):
            yield batch
    finally:
        cursor.close()


def _stream(conn: Connection, report: VerifyReport, out: _Pass, limit: int) -> int:
    sha256, dumps, problems, leaves = hashlib.sha256, orjson.dumps, report.problems, out.leaves
    expected = 0
    for batch in _rows(conn):
        for row in batch:
            seq, ts, tenant, _, action, subject, ev_hash, event, stored = row
            if seq != expected:
                problems.append(Problem(expected, "missing_entry", f"entries {expected}..{seq - 1} are missing"))
                leaves += _ZERO * (seq - expected)
                expected = seq
            if event is None:
                out.purged.append((seq, tenant, ts))
            elif sha256(event if type(event) is bytes else event.encode()).hexdigest() != ev_hash:
                problems.append(Problem(seq, "event_changed", f"entry {seq}: the event does not match its hash"))
            leaf = sha256(b"\x00" + dumps(row[:7])).digest()  # the leaf data: the first seven columns
            if leaf != stored:
                problems.append(Problem(seq, "entry_changed", f"entry {seq}: its fields do not match its leaf hash"))
            if action == INTERACTION_ACTION:
                if event is not None:
                    out.covered.append((seq, subject, event))
            elif action == PURGE_ACTION and event is not None:
                out.purges.append(PurgeRecord.from_event(seq, orjson.loads(event)))
            leaves += leaf
            expected += 1
        if len(problems) >= limit:
            break
    return expected


def _check_leaves(report: VerifyReport, heads: _Heads, leaves: bytes) -> None:
    authentic = heads.authentic
    n = min(len(authentic), len(leaves))
    if leaves[:n] != authentic[:n]:
        first = next(i for i in range(0, n, 32) if leaves[i : i + 32] != authentic[i : i + 32]) // 32
        if not any(p.seq == first for p in report.problems):
            report.problems.append(
                Problem(
                    first,
                    "entry_rewritten",
                    f"entry {first} differs from the entry the signed head authenticated (fields and hashes rewritten)",
                )
            )
    unchecked = sorted(size for size in heads.roots if size * 32 > len(authentic))
    if not unchecked:
        return
    frontier = Frontier()
    for size in unchecked:  # heads whose stored leaves did not authenticate: use the re-derived tree
        while frontier.size < min(size, len(leaves) // 32):
            frontier.append(leaves[frontier.size * 32 : frontier.size * 32 + 32])
        if frontier.size == size and frontier.root() != heads.roots[size]:
            report.problems.append(
                Problem(size - 1, "root_mismatch", f"the tree of size {size} does not match its signed head")
            )


_JSON_COLUMNS = frozenset(str(c.name) for c in interactions.columns if isinstance(c.type, JSON))
_TIME_COLUMNS = frozenset(str(c.name) for c in interactions.columns if isinstance(c.type, UTCDateTime))
_NAMES = tuple(str(c.name) for c in interactions.columns)
# JSON columns are read as text (CAST) and parsed with orjson (several times faster than the driver's json)
_COLUMNS = [cast(c, Text).label(str(c.name)) if str(c.name) in _JSON_COLUMNS else c for c in interactions.columns]


def _current(row: Any) -> dict[str, Any]:
    """The projection of a stored interaction row, as :func:`interaction_event` makes it."""
    current = dict(zip(_NAMES, row, strict=True))
    for name in _JSON_COLUMNS:
        text = current[name]
        current[name] = orjson.loads(text) if isinstance(text, str | bytes) else text
    for name in _TIME_COLUMNS:
        if current[name] is not None:
            current[name] = format_ts(current[name])
    return current


def _added_later(stored: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    """``current`` without the columns added after ``stored`` was written, where the row still holds
    their null (a value set there later is kept, so it shows as a change)."""
    return {k: v for k, v in current.items() if k in stored or v is not None}


def _check_interactions(conn: Connection, report: VerifyReport, covered: list[tuple[int, str, Any]]) -> None:
    for start in range(0, len(covered), 500):
        chunk = covered[start : start + 500]
        rows = conn.execute(select(*_COLUMNS).where(interactions.c.id.in_([s for _, s, _ in chunk]))).all()
        found = {r[0]: r for r in rows}
        for seq, subject, event in chunk:
            row = found.get(subject)
            if row is None:
                report.problems.append(
                    Problem(seq, "interaction_missing", f"entry {seq}: covered interaction {subject} is missing")
                )
                continue
            stored, raw = orjson.loads(event), _current(row)
            legacy = "request_id" in stored  # written before the client's ids were pseudonymised
            current = _added_later(stored, raw if legacy else pseudonymise(raw))
            if stored != current:  # the exact projection, for an exact answer
                current = _added_later(stored, legacy_interaction_event(raw) if legacy else interaction_event(raw))
            if stored != current:
                changed = sorted(k for k in set(stored) | set(current) if stored.get(k) != current.get(k))
                report.problems.append(
                    Problem(
                        seq,
                        "interaction_changed",
                        f"entry {seq}: covered interaction {subject} was changed ({', '.join(changed)})",
                    )
                )
    report.interactions = len(covered)


def _check_tail(report: VerifyReport, count: int, next_seq: int) -> None:
    if report.signed_size > count:
        report.problems.append(
            Problem(
                count,
                "truncated",
                f"entries {count}..{report.signed_size - 1} are signed by a checkpoint but missing (tail truncated)",
            )
        )
    elif next_seq > count:
        report.problems.append(
            Problem(
                count, "truncated", f"entries {count}..{next_seq - 1} were numbered but are missing (tail truncated)"
            )
        )
    if next_seq < count:
        report.problems.append(
            Problem(
                next_seq,
                "forged_entry",
                f"entries {next_seq}..{count - 1} were never numbered by the ledger (inserted behind its back)",
            )
        )


def _check_purges(report: VerifyReport, out: _Pass, roots: Mapping[int, bytes]) -> None:
    for record in out.purges:
        problem = record.check_roots(roots)
        if problem:
            report.problems.append(Problem(record.seq, "purge_mismatch", problem))
    for seq, tenant, ts in out.purged:
        if not any(record.covers(seq, tenant, ts) for record in out.purges):
            report.problems.append(
                Problem(seq, "payload_deleted", f"entry {seq}: its event was removed without a signed purge entry")
            )
    report.purged = len(out.purged)


def verify_ledger(engine: Engine, keys: Mapping[str, Ed25519PublicKey], *, max_problems: int = 50) -> VerifyReport:
    """Check the whole ledger; the report names every problem found (the first by sequence)."""
    started = time.perf_counter()
    report, out = VerifyReport(), _Pass()
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            heads = _check_heads(conn, keys, report)
            next_seq = int(conn.execute(select(ledger_state.c.next_seq).where(ledger_state.c.id == 1)).scalar_one())
            report.entries = _stream(conn, report, out, max_problems)
            _check_leaves(report, heads, bytes(out.leaves))
            _check_interactions(conn, report, out.covered)
    _check_tail(report, report.entries, next_seq)
    _check_purges(report, out, heads.roots)
    report.seconds = time.perf_counter() - started
    return report
