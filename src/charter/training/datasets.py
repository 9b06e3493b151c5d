"""Training datasets (DP-7): immutable, content-hashed versions of a use case's SFT or DPO data.

:func:`build_dataset` collects the reviewed answers and upheld appeal corrections that may be used
(:mod:`charter.training.sources`), scrubs every text with the PII guard (personal data becomes
``<TYPE>``; no guard registered: refused, ``503 guard_unavailable``), writes each example in TRL's
conversational format and hashes the canonical JSON Lines (keys sorted, UTF-8, one example a line,
ordered by interaction, review and source). The same records give the same hash; a build whose hash
equals the latest version's returns that version instead of adding one. The version, its examples
with their lineage and a ``training.dataset_built`` ledger entry are written in one transaction.

SFT lines: ``{"messages": [{"role", "content"}, ..., {"role": "assistant", "content"}]}``.
DPO lines: ``{"prompt": [turns], "chosen": [{"role": "assistant", ...}], "rejected": [...]}``.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from typing import Any, Literal

import orjson
from sqlalchemy import Connection, select

from charter import ledger
from charter.errors import InvalidRequest, NotFound, PermissionDenied, Unavailable
from charter.evals.harvest import Redact, redactor
from charter.policy.current import get_charter
from charter.runtime import Runtime
from charter.store.records import with_use_case
from charter.store.schema import new_id, use_cases, utcnow
from charter.store.types import iso
from charter.training.sources import Candidate, Scope, collect
from charter.training.tables import training_datasets, training_examples

__all__ = ["KINDS", "BuildRequest", "build_dataset", "canonical_line", "export_dataset", "get_dataset",
           "list_datasets"]

Kind = Literal["sft", "dpo"]
KINDS: tuple[str, ...] = ("sft", "dpo")


@dataclass(frozen=True, slots=True)
class BuildRequest:
    """Build ``use_case``'s ``kind`` dataset, asked by ``actor``."""

    use_case: str
    kind: str = "sft"
    actor: str = "system"


def canonical_line(record: dict[str, Any]) -> bytes:
    """One example as its canonical JSON line (sorted keys, UTF-8, newline-terminated)."""
    return orjson.dumps(record, option=orjson.OPT_SORT_KEYS) + b"\n"


def _scope(conn: Connection, tenant_id: str, request: BuildRequest) -> Scope:
    if request.kind not in KINDS:
        raise InvalidRequest(f"kind must be one of {', '.join(KINDS)}", code="invalid_value", param="kind")
    use_case_id, charter_version, charter = get_charter(conn, tenant_id, request.use_case)
    if not charter.may_train:
        raise PermissionDenied(
            f"use case {request.use_case!r} does not allow training use of its records: set `may_train: true` "
            "in its charter (and collect consent, docs/learning.md)",
            code="training_not_allowed",
        )
    return Scope(tenant_id, request.use_case, use_case_id, charter, charter_version, request.actor)


def _scrubber(rt: Runtime) -> Redact:
    if "pii" not in rt.extensions.names("guards"):
        raise Unavailable("the pii guard is not registered: training data cannot be scrubbed, so none is built",
                          code="guard_unavailable")
    return redactor(rt)


def _record(kind: str, found: Candidate, scrub: Redact) -> dict[str, Any] | None:
    turns = [{"role": role, "content": scrub(text)} for role, text in found.messages]
    chosen = [{"role": "assistant", "content": scrub(found.chosen)}]
    if kind == "sft":
        return {"messages": [*turns, *chosen]}
    if found.rejected is None:
        return None
    rejected = [{"role": "assistant", "content": scrub(found.rejected)}]
    return None if rejected == chosen else {"prompt": turns, "chosen": chosen, "rejected": rejected}


def _latest(conn: Connection, use_case_id: str, kind: str) -> Any:
    return conn.execute(
        select(training_datasets)
        .where(training_datasets.c.use_case_id == use_case_id, training_datasets.c.kind == kind)
        .order_by(training_datasets.c.version.desc())
        .limit(1)
    ).first()


def build_dataset(rt: Runtime, conn: Connection, tenant_id: str, request: BuildRequest) -> dict[str, Any]:
    """Build (in a write transaction) a new version of the use case's dataset; see the module docs."""
    scope = _scope(conn, tenant_id, request)
    scrub = _scrubber(rt)
    found, skipped = collect(rt, conn, scope)
    examples = []
    for candidate in sorted(found, key=lambda c: (c.interaction_id, c.review_id, c.source)):
        record = _record(request.kind, candidate, scrub)
        if record is not None:
            examples.append((candidate, record, canonical_line(record)))
    if not examples:
        raise NotFound(
            f"use case {request.use_case!r} has no reviewed answers that may be used for a {request.kind} dataset "
            f"(left out: {dict(skipped) or 'none'})",
            code="no_training_examples",
        )
    digest = hashlib.sha256(b"".join(line for _, _, line in examples)).hexdigest()
    latest = _latest(conn, scope.use_case_id, request.kind)
    if latest is not None and latest.sha256 == digest and latest.tainted_at is None:
        return {**_summary(latest, request.use_case), "created": False}
    now = utcnow()
    counts = Counter(c.source for c, _, _ in examples)
    dataset_id = new_id("tds")
    row: dict[str, Any] = {
        "id": dataset_id, "tenant_id": tenant_id, "use_case_id": scope.use_case_id, "kind": request.kind,
        "version": 1 if latest is None else latest.version + 1, "sha256": digest, "examples": len(examples),
        "summary": {"sources": dict(sorted(counts.items())), "left_out": dict(sorted(skipped.items()))},
        "charter_version": scope.charter_version, "created_by": request.actor, "created_at": now, "tainted_at": None,
        "erased_examples": 0,
    }
    conn.execute(training_datasets.insert().values(**row))
    conn.execute(training_examples.insert(), [
        {"id": new_id("tex"), "tenant_id": tenant_id, "dataset_id": row["id"], "position": i, "source": c.source,
         "interaction_id": c.interaction_id, "review_id": c.review_id, "decision_id": c.decision_id,
         "feedback_id": c.feedback_id, "subject_id": c.subject_id, "sha256": hashlib.sha256(line).hexdigest(),
         "record": record, "created_at": now}
        for i, (c, record, line) in enumerate(examples)
    ])
    ledger.append(conn, tenant_id=tenant_id, actor=request.actor, action="training.dataset_built",
                  subject=dataset_id, event={
                      "use_case": request.use_case, "kind": request.kind, "version": row["version"],
                      "sha256": digest, "examples": len(examples),
                      "interactions": sorted({c.interaction_id for c, _, _ in examples}),
                      "decisions": sorted({c.decision_id for c, _, _ in examples}),
                  })
    return {**_summary(_Row(row), request.use_case), "created": True}


class _Row:
    """Attribute access over a dict (the row just inserted)."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)


def _summary(row: Any, use_case: str) -> dict[str, Any]:
    return {
        "id": row.id, "use_case": use_case, "kind": row.kind, "version": row.version, "sha256": row.sha256,
        "examples": row.examples, "summary": row.summary, "charter_version": row.charter_version,
        "created_by": row.created_by, "created_at": iso(row.created_at),
        "tainted_at": None if row.tainted_at is None else iso(row.tainted_at),
        "erased_examples": row.erased_examples,
    }


def list_datasets(conn: Connection, tenant_id: str, use_case: str | None = None) -> list[dict[str, Any]]:
    """The tenant's dataset versions, newest first (optionally of one use case)."""
    query = with_use_case(training_datasets).where(training_datasets.c.tenant_id == tenant_id)
    if use_case is not None:
        query = query.where(use_cases.c.name == use_case)
    rows = conn.execute(query.order_by(training_datasets.c.created_at.desc(), training_datasets.c.version.desc()))
    return [_summary(r, r.use_case) for r in rows]


def _dataset(conn: Connection, tenant_id: str, dataset_id: str) -> Any:
    row = conn.execute(
        with_use_case(training_datasets)
        .where(training_datasets.c.tenant_id == tenant_id, training_datasets.c.id == dataset_id)
    ).first()
    if row is None:
        raise NotFound(f"training dataset {dataset_id!r} not found in this tenant (`charter train dataset list`)",
                       param="dataset")
    return row


def _examples(conn: Connection, dataset_id: str) -> list[Any]:
    return list(conn.execute(
        select(training_examples).where(training_examples.c.dataset_id == dataset_id)
        .order_by(training_examples.c.position)
    ))


def get_dataset(conn: Connection, tenant_id: str, dataset_id: str) -> dict[str, Any]:
    """One version with every example's lineage (no text)."""
    row = _dataset(conn, tenant_id, dataset_id)
    lineage = [
        {"position": e.position, "source": e.source, "interaction_id": e.interaction_id, "review_id": e.review_id,
         "decision_id": e.decision_id, "feedback_id": e.feedback_id, "sha256": e.sha256}
        for e in _examples(conn, dataset_id)
    ]
    return {**_summary(row, row.use_case), "lineage": lineage}


def export_dataset(conn: Connection, tenant_id: str, dataset_id: str, *, actor: str) -> tuple[bytes, dict[str, Any]]:
    """The version's JSON Lines and its summary (in a write transaction: the export is ledgered). A
    tainted version exports what the erasure left; ``sha256_now`` is the hash of those lines."""
    row = _dataset(conn, tenant_id, dataset_id)
    body = b"".join(canonical_line(e.record) for e in _examples(conn, dataset_id))
    now_digest = hashlib.sha256(body).hexdigest()
    ledger.append(conn, tenant_id=tenant_id, actor=actor, action="training.dataset_exported", subject=dataset_id,
                  event={"sha256": row.sha256, "sha256_now": now_digest})
    return body, {**_summary(row, row.use_case), "sha256_now": now_digest}

