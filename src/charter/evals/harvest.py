"""Datasets built from production: answered interactions and reviewers' corrections.

Production text lives only in the encrypted raw tier, so harvesting is governed like any other use
of it: the use case's charter must say ``may_train: true`` (DP-7: production records enter an
export only when the use case allows it; corrections also need each requester's consent), every
question and answer is redacted before it is stored in a dataset (the charter's PII guard when one
is registered, Charter's own patterns otherwise: personal data becomes ``<TYPE>``), and one ledger
entry lists every interaction read, in the same transaction that creates the dataset version.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import Connection, select

from charter import ledger
from charter.errors import NotFound, PermissionDenied
from charter.evals.datasets import create_dataset
from charter.evals.metrics.safety import pii_spans
from charter.guards.base import GuardContext
from charter.interactions.crypto import open_sealed
from charter.oversight.feedback import training_corrections
from charter.policy.current import get_charter
from charter.runtime import Runtime
from charter.store.schema import interaction_raw, interactions

__all__ = ["HarvestRequest", "from_corrections", "from_interactions", "redactor"]

Redact = Callable[[str], str]


def _replace(text: str, spans: list[tuple[int, int, str]]) -> str:
    out, pos = [], 0
    for start, end, kind in sorted(spans):
        if start < pos:
            continue
        out += [text[pos:start], f"<{kind.upper()}>"]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def redactor(rt: Runtime) -> Redact:
    """The registered ``pii`` guard's findings (if any) plus Charter's patterns, as ``<TYPE>``."""
    guard: Any = None
    if "pii" in rt.extensions.names("guards"):
        guard = rt.extensions.get("guards", "pii")(rt.settings)

    def redact(text: str) -> str:
        spans = pii_spans(text)
        if guard is not None:
            found = guard.scan(text, GuardContext(direction="input"))
            spans += [(f.start, f.end, f.type) for f in found.findings]
        return _replace(text, spans)

    return redact


@dataclass(frozen=True, slots=True)
class HarvestRequest:
    """A dataset ``name`` to build from ``use_case``'s production records, asked by ``actor``;
    ``limit`` and ``with_answers`` apply to answered interactions."""

    use_case: str
    name: str
    actor: str
    limit: int = 200
    with_answers: bool = True


def _allowed(conn: Connection, tenant_id: str, use_case: str) -> tuple[str, Any]:
    use_case_id, _, charter = get_charter(conn, tenant_id, use_case)
    if not charter.may_train:
        raise PermissionDenied(
            f"use case {use_case!r} does not allow production records in datasets (charter: may_train: false)",
            code="out_of_scope",
        )
    return use_case_id, charter


def _raw(rt: Runtime, conn: Connection, tenant_id: str, interaction_id: str) -> dict[str, Any] | None:
    row = conn.execute(
        select(interaction_raw).where(
            interaction_raw.c.tenant_id == tenant_id, interaction_raw.c.interaction_id == interaction_id
        )
    ).first()
    if row is None:
        return None
    data: dict[str, Any] = orjson.loads(open_sealed(rt, row._mapping, interaction_id.encode()))
    return data


def _question(raw: dict[str, Any]) -> str:
    return next((m["content"] for m in reversed(raw.get("messages") or []) if m.get("role") == "user"), "")


@dataclass
class _Harvest:
    """What one harvest collected: dataset items from ``source`` records of ``use_case``, and the
    interactions they came from."""

    source: str  # "interactions" or "corrections"
    use_case: str
    items: list[dict[str, Any]] = field(default_factory=list)
    used: list[str] = field(default_factory=list)

    def add(self, interaction_id: str, question: str, refs: list[str], tag: str, meta: dict[str, Any]) -> None:
        self.used.append(interaction_id)
        self.items.append(
            {"input": question, "refs": refs, "context": [], "tags": [tag], "variables": {}, "meta": meta}
        )


def _store(conn: Connection, tenant_id: str, name: str, harvest: _Harvest, *, actor: str) -> dict[str, Any]:
    """Create the dataset version and, in the same transaction, ledger every interaction read."""
    ledger.append(
        conn,
        tenant_id=tenant_id,
        actor=actor,
        action="eval.dataset_harvested",
        subject=f"dataset:{name}",
        event={"source": harvest.source, "use_case": harvest.use_case, "interactions": harvest.used},
    )
    source = f"{harvest.source}:{harvest.use_case}"
    return create_dataset(conn, tenant_id, name, harvest.items, actor=actor, source=source)


def from_interactions(rt: Runtime, conn: Connection, tenant_id: str, request: HarvestRequest) -> dict[str, Any]:
    """A dataset of the ``limit`` most recent answered questions (with ``with_answers``, the answers as
    references: a regression baseline)."""
    use_case, name, actor = request.use_case, request.name, request.actor
    use_case_id, _ = _allowed(conn, tenant_id, use_case)
    rows = (
        conn.execute(
            select(interactions.c.id)
            .where(
                interactions.c.tenant_id == tenant_id,
                interactions.c.use_case_id == use_case_id,
                interactions.c.status == "ok",
                interactions.c.has_raw.is_(True),
            )
            .order_by(interactions.c.created_at.desc())
            .limit(request.limit)
        )
        .scalars()
        .all()
    )
    redact = redactor(rt)
    harvest = _Harvest("interactions", use_case)
    for interaction_id in rows:
        raw = _raw(rt, conn, tenant_id, interaction_id)
        if raw is None or not _question(raw):
            continue
        refs = [redact(raw.get("output") or "")] if request.with_answers and raw.get("output") else []
        meta = {"interaction_id": interaction_id}
        harvest.add(interaction_id, redact(_question(raw)), refs, "production", meta)
    if not harvest.items:
        raise NotFound(f"use case {use_case!r} has no answered interactions with a raw record to harvest")
    return _store(conn, tenant_id, name, harvest, actor=actor)


def from_corrections(rt: Runtime, conn: Connection, tenant_id: str, request: HarvestRequest) -> dict[str, Any]:
    """A dataset of questions whose answers people corrected, the corrections as references
    (consented records only; the export is recorded by the oversight capability)."""
    use_case, name, actor = request.use_case, request.name, request.actor
    _allowed(conn, tenant_id, use_case)
    redact = redactor(rt)
    harvest = _Harvest("corrections", use_case)
    for record in training_corrections(rt, conn, tenant_id, use_case, actor=actor, purpose=f"eval dataset {name}"):
        raw = _raw(rt, conn, tenant_id, record["interaction_id"])
        if raw is None or not _question(raw):
            continue
        meta = {"interaction_id": record["interaction_id"], "feedback_id": record["feedback_id"]}
        refs = [redact(record["correction"])]
        harvest.add(record["interaction_id"], redact(_question(raw)), refs, "correction", meta)
    if not harvest.items:
        raise NotFound(f"use case {use_case!r} has no consented corrections to harvest")
    return _store(conn, tenant_id, name, harvest, actor=actor)
