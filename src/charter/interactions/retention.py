"""Retention, enforced (DP-5): a use case's ``retention_days`` deletes the *content* it holds.

What expires, for a use case whose charter says ``retention_days: N``, N days after it was recorded:

- the raw tier of each interaction (``interaction_raw``: the encrypted question, context and
  answer): the row, with its wrapped data key, is deleted, so the ciphertext is gone and no copy
  of the key remains (crypto-shredding);
- the sealed content of each decided review item (the question, redacted context and vault, and
  every version of the answer), of each expert sample, and each feedback correction: the sealed
  envelope is replaced by a tombstone ``{"expired_at": ...}``. Reading it afterwards is
  ``410 content_expired``.

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
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from sqlalchemy import Connection, Text, and_, cast, delete, select, update

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


def _expire_batch(conn: Connection, scope: _Scope, cutoff: dt.datetime, now: dt.datetime, batch: int) -> dict[str, int]:
    """Expire up to ``batch`` records of each kind older than ``cutoff``; one ledger entry when any."""
    tombstone = {EXPIRED_KEY: now.isoformat()}
    pending = select(review_items.c.id).where(
        review_items.c.interaction_id == interactions.c.id, review_items.c.status == "pending"
    )
    old = and_(
        interactions.c.use_case_id == scope.use_case_id, interactions.c.created_at < cutoff, ~pending.exists()
    )
    raw_ids = list(
        conn.execute(
            select(interaction_raw.c.interaction_id)
            .join(interactions, interactions.c.id == interaction_raw.c.interaction_id)
            .where(old)
            .limit(batch)
        ).scalars()
    )
    if raw_ids:
        conn.execute(delete(interaction_raw).where(interaction_raw.c.interaction_id.in_(raw_ids)))
    counts = {"raw": len(raw_ids)}
    counts.update(_expire_reviews(conn, scope, cutoff, tombstone, batch))
    samples = list(
        conn.execute(
            select(expert_samples.c.id).where(
                expert_samples.c.use_case_id == scope.use_case_id,
                expert_samples.c.created_at < cutoff,
                expert_samples.c.status != "expired",
            ).limit(batch)
        ).scalars()
    )
    if samples:
        conn.execute(
            update(expert_samples)
            .where(expert_samples.c.id.in_(samples))
            .values(sealed=tombstone, status="expired", claimed_by=None, claimed_at=None, claim_expires_at=None)
        )
    counts["expert_samples"] = len(samples)
    corrections = list(
        conn.execute(
            select(feedback.c.id).where(
                feedback.c.use_case_id == scope.use_case_id,
                feedback.c.created_at < cutoff,
                feedback.c.sealed_correction.is_not(None),
                _live(feedback.c.sealed_correction),
            ).limit(batch)
        ).scalars()
    )
    # a correction's tombstone keeps "there was one" (training exports skip it) without its text
    if corrections:
        conn.execute(update(feedback).where(feedback.c.id.in_(corrections)).values(sealed_correction=tombstone))
    counts["corrections"] = len(corrections)
    if any(counts.values()):
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
                "expired": counts,
            },
        )
    return counts


def _expire_reviews(
    conn: Connection, scope: _Scope, cutoff: dt.datetime, tombstone: dict[str, str], batch: int
) -> dict[str, int]:
    # decided items only: one still pending holds an answer nobody has released or refused yet
    items = list(
        conn.execute(
            select(review_items.c.id).where(
                review_items.c.use_case_id == scope.use_case_id,
                review_items.c.created_at < cutoff,
                review_items.c.status != "pending",
                _live(review_items.c.sealed_request),
            ).limit(batch)
        ).scalars()
    )
    if not items:
        return {"reviews": 0, "review_versions": 0}
    conn.execute(update(review_items).where(review_items.c.id.in_(items)).values(sealed_request=tombstone))
    versions = conn.execute(
        update(review_versions).where(review_versions.c.review_id.in_(items)).values(sealed=tombstone)
    ).rowcount
    return {"reviews": len(items), "review_versions": int(versions or 0)}


def expire_content(rt: Runtime, *, now: dt.datetime | None = None, batch: int = DEFAULT_BATCH) -> ExpiryReport:
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
        total: dict[str, int] = {}
        while True:
            counts = rt.writer.write(partial(_expire_batch, scope=scope, cutoff=cutoff, now=now, batch=batch))
            for kind, count in counts.items():
                total[kind] = total.get(kind, 0) + count
            if max(counts.values()) < batch:
                break
        report.use_cases[f"{scope.tenant_id}/{scope.use_case}"] = {
            "use_case": scope.use_case,
            "tenant_id": scope.tenant_id,
            "retention_days": scope.retention_days,
            "before": cutoff.isoformat(),
            "expired": total,
        }
    return report
