"""Retention, enforced (DP-5): a use case's ``retention_days`` deletes the *content* it holds.

What expires, for a use case whose charter says ``retention_days: N``, N days after it was recorded:

- the raw tier of each interaction (``interaction_raw``: the encrypted question, context and
  answer): the row, with its wrapped data key, is deleted, so the ciphertext is gone and no copy
  of the key remains (crypto-shredding);
- the sealed content of each decided review item (the question, redacted context and vault, and
  every version of the answer), of each expert sample, and each feedback correction: the sealed
  envelope is replaced by a tombstone ``{"expired_at": ...}``. Reading it afterwards is
  ``410 content_expired``;
- the training examples built from an expired review item (``charter.training``): deleted, and each
  dataset version that held one is marked tainted.

What stays: the interaction's metadata row (hashes, sizes, tokens, cost, latency, guard verdicts,
status: no text) and every ledger entry, so ``charter audit verify`` still passes after a
retention run and still detects a changed or deleted record. Those follow the ledger's own
retention (``charter audit purge``, at least 180 days, AT-3). A review item still waiting for a
person is never expired: its answer has not been released or refused yet.

A tenant under legal hold (``charter audit hold``) expires nothing. Each batch is one write
transaction with one ``retention.expired`` ledger entry naming the use case, the cutoff and the
counts, so the ledger says what was deleted and when; batches keep each transaction short, so the
gateway keeps serving while a large backlog expires.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from sqlalchemy import Connection, Text, and_, cast, delete, or_, select, update

from charter import ledger
from charter.oversight.sealing import EXPIRED_KEY
from charter.oversight.tables import expert_samples, feedback, review_items, review_versions
from charter.policy.current import current_charters
from charter.runtime import Runtime
from charter.store.schema import (
    interaction_raw,
    interactions,
    tenants,
    utcnow,
)
from charter.training.erasure import expire_examples

__all__ = ["ExpiryReport", "expire_content"]

ACTION = "retention.expired"
DEFAULT_BATCH = 2000


def _live(column: Any) -> Any:
    """Sealed content not yet replaced by a tombstone (an envelope's base64 never holds the key name)."""
    return cast(column, Text).not_like(f'%"{EXPIRED_KEY}"%')


@dataclass(frozen=True)
class _Scope:
    tenant_id: str
    use_case_id: str
    use_case: str
    retention_days: int
    held: bool


@dataclass
class ExpiryReport:
    """What one run expired, per use case; ``held`` lists use cases skipped under legal hold."""

    started_at: str
    use_cases: dict[str, dict[str, Any]] = field(default_factory=dict)
    held: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        totals: dict[str, int] = {}
        for entry in self.use_cases.values():
            for kind, count in entry["expired"].items():
                totals[kind] = totals.get(kind, 0) + count
        return {"started_at": self.started_at, "use_cases": self.use_cases, "held": self.held, "totals": totals}


def _scopes(conn: Connection) -> list[_Scope]:
    held = set(conn.execute(select(tenants.c.id).where(tenants.c.legal_hold.is_(True))).scalars())
    return [
        _Scope(c.tenant_id, c.use_case_id, c.name, int(c.body.get("retention_days") or 365), c.tenant_id in held)
        for c in current_charters(conn)
    ]


@dataclass(frozen=True)
class _Kind:
    """One kind of expiring content: the table walked (by ``created_at``, ``id``), which of its rows
    are candidates, and the write that expires a batch of them."""

    name: str
    table: Any
    candidates: Callable[[_Scope], Any]
    expire: Callable[[Connection, list[str], dict[str, str]], int]


def _expire_raw(conn: Connection, ids: list[str], tombstone: dict[str, str]) -> int:
    return int(conn.execute(delete(interaction_raw).where(interaction_raw.c.interaction_id.in_(ids))).rowcount or 0)


def _expire_reviews(conn: Connection, ids: list[str], tombstone: dict[str, str]) -> int:
    done = conn.execute(
        update(review_items)
        .where(review_items.c.id.in_(ids), review_items.c.status != "pending", _live(review_items.c.sealed_request))
        .values(sealed_request=tombstone)
    ).rowcount
    conn.execute(update(review_versions).where(review_versions.c.review_id.in_(ids)).values(sealed=tombstone))
    # training examples built from these reviews (charter.training) go with them; their versions are tainted
    expire_examples(conn, ids, dt.datetime.fromisoformat(tombstone[EXPIRED_KEY]))
    return int(done or 0)


def _expire_samples(conn: Connection, ids: list[str], tombstone: dict[str, str]) -> int:
    return int(conn.execute(
        update(expert_samples)
        .where(expert_samples.c.id.in_(ids), expert_samples.c.status != "expired")
        .values(sealed=tombstone, status="expired", claimed_by=None, claimed_at=None, claim_expires_at=None)
    ).rowcount or 0)


def _expire_corrections(conn: Connection, ids: list[str], tombstone: dict[str, str]) -> int:
    # a correction's tombstone keeps "there was one" (training exports skip it) without its text
    return int(conn.execute(
        update(feedback)
        .where(feedback.c.id.in_(ids), feedback.c.sealed_correction.is_not(None), _live(feedback.c.sealed_correction))
        .values(sealed_correction=tombstone)
    ).rowcount or 0)


_KINDS = (
    _Kind("raw", interactions,
          lambda s: and_(interactions.c.use_case_id == s.use_case_id, interactions.c.has_raw.is_(True)), _expire_raw),
    # decided items only: one still pending holds an answer nobody has released or refused yet
    _Kind("reviews", review_items,
          lambda s: and_(review_items.c.use_case_id == s.use_case_id, review_items.c.status != "pending"),
          _expire_reviews),
    _Kind("expert_samples", expert_samples,
          lambda s: and_(expert_samples.c.use_case_id == s.use_case_id, expert_samples.c.status != "expired"),
          _expire_samples),
    _Kind("corrections", feedback,
          lambda s: and_(feedback.c.use_case_id == s.use_case_id, feedback.c.sealed_correction.is_not(None)),
          _expire_corrections),
)


def _pending_interactions(conn: Connection, scope: _Scope) -> set[str]:
    """Interactions whose answer still waits for a reviewer: their raw tier is kept (a handful)."""
    return set(conn.execute(
        select(review_items.c.interaction_id).where(
            review_items.c.use_case_id == scope.use_case_id, review_items.c.status == "pending"
        )
    ).scalars())


def _next_ids(rt: Runtime, kind: _Kind, scope: _Scope, cutoff: dt.datetime, after: tuple[Any, str] | None,
              batch: int) -> list[tuple[Any, str]]:
    """The next ``batch`` candidates older than ``cutoff`` after ``after``, read outside any write."""
    table = kind.table
    query = select(table.c.created_at, table.c.id).where(kind.candidates(scope), table.c.created_at < cutoff)
    if after is not None:
        query = query.where(
            or_(table.c.created_at > after[0], and_(table.c.created_at == after[0], table.c.id > after[1]))
        )
    with rt.engine.connect() as conn:
        return [(r.created_at, r.id) for r in conn.execute(query.order_by(table.c.created_at, table.c.id).limit(batch))]


def _write_batch(conn: Connection, kind: _Kind, scope: _Scope, ids: list[str], cutoff: dt.datetime,
                 now: dt.datetime) -> int:
    done = kind.expire(conn, ids, {EXPIRED_KEY: now.isoformat()})
    if done:
        ledger.append(
            conn,
            tenant_id=scope.tenant_id,
            actor="system:retention",
            action=ACTION,
            subject=scope.use_case_id,
            event={
                "use_case": scope.use_case,
                "retention_days": scope.retention_days,
                "before": cutoff.isoformat(),
                "expired": {kind.name: done},
            },
        )
    return done


def _expire_scope(rt: Runtime, scope: _Scope, cutoff: dt.datetime, now: dt.datetime, batch: int,
                  pause_s: float) -> dict[str, int]:
    """Walk each kind once, oldest first, by key (never re-reading what is behind): candidates are
    read on a read connection; each write transaction only expires a batch of known ids."""
    with rt.engine.connect() as conn:
        pending = _pending_interactions(conn, scope)
    total: dict[str, int] = {}
    for kind in _KINDS:
        total[kind.name], after = 0, None
        while True:
            rows = _next_ids(rt, kind, scope, cutoff, after, batch)
            if not rows:
                break
            after = rows[-1]
            ids = [i for _, i in rows if kind.name != "raw" or i not in pending]
            if ids:
                total[kind.name] += rt.writer.write(
                    partial(_write_batch, kind=kind, scope=scope, ids=ids, cutoff=cutoff, now=now)
                )
                if pause_s:
                    time.sleep(pause_s)  # let the gateway's writes in between batches
            if len(rows) < batch:
                break
    return total


def expire_content(rt: Runtime, *, now: dt.datetime | None = None, batch: int = DEFAULT_BATCH,
                   pause_s: float = 0.01) -> ExpiryReport:
    """Expire the content every use case's retention period has run out on (see the module docs)."""
    now = now or utcnow()
    report = ExpiryReport(started_at=now.isoformat())
    with rt.engine.connect() as conn:
        scopes = _scopes(conn)
    for scope in scopes:
        if scope.held:
            report.held.append(scope.use_case)
            continue
        cutoff = now - dt.timedelta(days=scope.retention_days)
        total = _expire_scope(rt, scope, cutoff, now, batch, pause_s)
        report.use_cases[f"{scope.tenant_id}/{scope.use_case}"] = {
            "use_case": scope.use_case,
            "tenant_id": scope.tenant_id,
            "retention_days": scope.retention_days,
            "before": cutoff.isoformat(),
            "expired": total,
        }
    return report
