"""The checkpointer: extends the Merkle tree in sequence order and signs tree heads (Ed25519).

A head is signed every ``ledger_checkpoint_every`` new entries or every
``ledger_checkpoint_interval_s`` seconds, whichever comes first. Before it signs, the checkpointer
re-derives each new leaf from the entry's fields and refuses to sign an entry that does not match
its stored hashes (fail closed: `charter audit verify` then names it).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, func, select

from charter.errors import Unavailable
from charter.ledger.entries import event_hash, format_ts, leaf_data, leaf_hash_of
from charter.ledger.keys import KeyRing, load_keyring
from charter.ledger.merkle import Frontier
from charter.ledger.note import checkpoint_body
from charter.ledger.tables import GLOBAL_TENANT, ledger_checkpoints, ledger_entries, ledger_state
from charter.runtime import Runtime

__all__ = ["Checkpoint", "Checkpointer", "checkpoint_now", "start_checkpointer", "stop_checkpointer"]

log = logging.getLogger(__name__)
_PART = "ledger.checkpointer"


@dataclass(frozen=True)
class Checkpoint:
    """A signed tree head: the Merkle root of the ledger's first ``tree_size`` entries at ``ts``, and
    the signature of key ``key_id`` over them (:func:`charter.ledger.note.checkpoint_body`)."""

    tree_size: int
    root: bytes
    ts: str
    key_id: str
    signature: bytes

    def to_json(self) -> dict[str, Any]:
        return {
            "tree_size": self.tree_size,
            "root_hash": self.root.hex(),
            "timestamp": self.ts,
            "key_id": self.key_id,
            "signature": self.signature.hex(),
        }


def latest_frontier(conn: Connection) -> tuple[Frontier, bytes | None]:
    row = conn.execute(
        select(ledger_checkpoints.c.tree_size, ledger_checkpoints.c.frontier, ledger_checkpoints.c.root_hash)
        .order_by(ledger_checkpoints.c.tree_size.desc())
        .limit(1)
    ).first()
    if row is None:
        return Frontier(), None
    frontier = Frontier.from_bytes(int(row.tree_size), bytes(row.frontier))
    if frontier.root() != bytes(row.root_hash):
        raise Unavailable(
            f"the stored frontier of checkpoint {row.tree_size} does not match its root: run `charter audit verify`",
            code="ledger_unavailable",
        )
    return frontier, bytes(row.root_hash)


def _new_leaves(conn: Connection, base: int, limit: int) -> list[bytes]:
    e = ledger_entries.c
    rows = conn.execute(
        select(e.seq, e.ts, e.tenant_id, e.actor, e.action, e.subject, e.event, e.event_hash, e.leaf_hash)
        .where(e.seq >= base)
        .order_by(e.seq)
        .limit(limit)
    ).all()
    leaves: list[bytes] = []
    for seq, ts, tenant, actor, action, subject, event, ev_hash, stored in rows:
        if seq != base + len(leaves):
            break  # not committed yet (or missing): sign the gapless prefix only
        if event is not None and event_hash(event.encode()) != ev_hash:
            raise Unavailable(
                f"ledger entry {seq} does not match its event hash; refusing to sign it",
                code="ledger_unavailable",
            )
        leaf = leaf_hash_of(leaf_data(seq, ts, tenant, actor, action, subject, ev_hash))
        if leaf != bytes(stored):
            raise Unavailable(
                f"ledger entry {seq} does not match its leaf hash; refusing to sign it",
                code="ledger_unavailable",
            )
        leaves.append(leaf)
    return leaves


def _sign_one(engine: Engine, keyring: KeyRing, limit: int) -> tuple[Checkpoint, bytes, Frontier] | None:
    with engine.connect() as conn:
        frontier, _ = latest_frontier(conn)
        base = frontier.size
        leaves = _new_leaves(conn, base, limit)
    if not leaves:
        return None
    for leaf in leaves:
        frontier.append(leaf)
    root, ts = frontier.root(), format_ts(dt.datetime.now(dt.UTC))
    signature = keyring.signer.sign(checkpoint_body(frontier.size, root, ts))
    head = Checkpoint(frontier.size, root, ts, keyring.current_id, signature)
    return head, b"".join(leaves), frontier


def _store(head: Checkpoint, leaves: bytes, frontier: Frontier, base: int) -> Any:
    def write(conn: Connection) -> Checkpoint | None:
        # The counter row lock serialises checkpointers of every replica (SQLite's writer already is).
        conn.execute(select(ledger_state.c.next_seq).where(ledger_state.c.id == 1).with_for_update())
        last = conn.execute(select(func.max(ledger_checkpoints.c.tree_size))).scalar_one_or_none() or 0
        if last != base:
            return None  # another checkpointer got there first; ours is dropped
        conn.execute(
            ledger_checkpoints.insert().values(
                tree_size=head.tree_size,
                tenant_id=GLOBAL_TENANT,
                root_hash=head.root,
                ts=head.ts,
                key_id=head.key_id,
                signature=head.signature,
                leaves=leaves,
                frontier=frontier.to_bytes(),
            )
        )
        return head

    return write


def checkpoint_now(rt: Runtime, *, keyring: KeyRing | None = None) -> list[Checkpoint]:
    """Sign heads over every committed entry not yet covered (one head per ``ledger_checkpoint_every``
    entries). Returns the heads this call stored."""
    keyring = keyring or load_keyring(rt.settings)
    limit = rt.settings.ledger_checkpoint_every
    stored: list[Checkpoint] = []
    while True:
        signed = _sign_one(rt.engine, keyring, limit)
        if signed is None:
            return stored
        head, leaves, frontier = signed
        result = rt.writer.write(_store(head, leaves, frontier, head.tree_size - len(leaves) // 32))
        if result is None:
            continue  # raced another replica: start again from its head
        stored.append(result)


def pending_entries(engine: Engine) -> int:
    with engine.connect() as conn:
        next_seq = conn.execute(select(ledger_state.c.next_seq).where(ledger_state.c.id == 1)).scalar_one()
        signed = conn.execute(select(func.max(ledger_checkpoints.c.tree_size))).scalar_one_or_none() or 0
    return int(next_seq) - int(signed)


class Checkpointer:
    """Signs heads in the background: ``await run(rt)`` until :meth:`stop`."""

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        self.every = rt.settings.ledger_checkpoint_every
        self.interval = rt.settings.ledger_checkpoint_interval_s
        self.poll = min(0.5, self.interval / 4)
        self._stopping = asyncio.Event()
        self.task: asyncio.Task[None] | None = None
        self.heads = 0

    async def run(self, rt: Runtime | None = None) -> None:
        rt = rt or self.rt
        last, failing = time.monotonic(), ""
        while not self._stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.poll)
            try:
                pending = await asyncio.to_thread(pending_entries, rt.engine)
                due = pending >= self.every or (pending > 0 and time.monotonic() - last >= self.interval)
                if due:
                    self.heads += len(await asyncio.to_thread(checkpoint_now, rt))
                    last, failing = time.monotonic(), ""
            except Exception as exc:  # keep trying; verify reports the unsigned tail meanwhile
                if str(exc) != failing:  # log each new failure once, not every poll
                    failing = str(exc)
                    log.exception("ledger checkpoint failed")

    def stop(self) -> None:
        self._stopping.set()

    def close(self) -> None:
        self.stop()


async def start_checkpointer(rt: Runtime) -> Checkpointer:
    """Start the background checkpointer for this runtime (idempotent)."""
    existing = rt.parts.get(_PART)
    if isinstance(existing, Checkpointer):
        return existing
    checkpointer = Checkpointer(rt)
    checkpointer.task = asyncio.create_task(checkpointer.run(rt), name="charter-ledger-checkpointer")
    rt.parts[_PART] = checkpointer
    return checkpointer


async def stop_checkpointer(rt: Runtime) -> None:
    """Stop the background checkpointer and sign what is left."""
    checkpointer = rt.parts.pop(_PART, None)
    if not isinstance(checkpointer, Checkpointer):
        return
    checkpointer.stop()
    if checkpointer.task is not None:
        await checkpointer.task
    try:
        await asyncio.to_thread(checkpoint_now, rt)
    except Unavailable as exc:
        log.warning("final ledger checkpoint skipped: %s", exc.message)
    except Exception:  # shutting down: the next start signs the tail
        log.exception("final ledger checkpoint failed")
