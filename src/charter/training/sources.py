"""Where training examples come from (DP-7): reviewers' decisions and appeal corrections.

- A review item (a held answer or an appeal) decided **approved**: the question and the approved
  answer (SFT).
- Decided **edited**: the question and the reviewer's final answer (SFT), and the pair final answer
  (chosen) against the answer as first proposed, the edited-away one (rejected) (DPO).
- An **appeal** the reviewer decided **rejected** (the answer was withdrawn) whose feedback carries a
  consented correction (:func:`charter.oversight.feedback.training_corrections`): the question and
  the correction (SFT), and the correction (chosen) against the withdrawn answer (rejected) (DPO).
- A held answer rejected with nothing to put in its place, and a correction nobody reviewed, give
  nothing.

A review's record counts only with consent: the feedback's own ``consent`` for corrections; for a
reviewed answer, under the charter's ``training_consent: required`` the request's
``x-charter-training-consent: true`` or feedback on the interaction with ``consent: true``, under
``implied`` anything but the request's explicit ``false``. Content deleted under retention or erased
is skipped (its tombstone cannot be opened).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from charter.domain import Charter
from charter.oversight.feedback import training_corrections
from charter.oversight.items import answer_binding, request_binding
from charter.oversight.sealing import is_expired, open_json
from charter.oversight.tables import feedback, review_decisions, review_items, review_versions
from charter.runtime import Runtime
from charter.store.schema import interactions

__all__ = ["Candidate", "Scope", "collect"]

_TURNS = ("system", "user", "assistant")
_CHUNK = 5000


@dataclass(frozen=True, slots=True)
class Scope:
    """The use case a dataset is built for, under its current charter, and who asks."""

    tenant_id: str
    use_case: str
    use_case_id: str
    charter: Charter
    charter_version: int
    actor: str


@dataclass(frozen=True, slots=True)
class Candidate:
    """One reviewed answer before scrubbing: the question's turns, the chosen answer and, for a
    pair, the rejected one; with its lineage."""

    source: str  # review-approved | review-edited | appeal-correction
    interaction_id: str
    review_id: str
    decision_id: str
    feedback_id: str | None
    subject_id: str | None
    messages: tuple[tuple[str, str], ...]
    chosen: str
    rejected: str | None


def _final_decision(conn: Connection, review_id: str) -> str | None:
    found = conn.execute(
        select(review_decisions.c.id)
        .where(review_decisions.c.review_id == review_id, review_decisions.c.final.is_(True))
        .order_by(review_decisions.c.decided_at.desc())
        .limit(1)
    ).scalar()
    return None if found is None else str(found)


def _answers(rt: Runtime, conn: Connection, row: Any) -> dict[int, str]:
    versions = conn.execute(
        select(review_versions.c.version, review_versions.c.sealed).where(
            review_versions.c.review_id == row.id, review_versions.c.version.in_([1, row.current_version])
        )
    ).all()
    if any(is_expired(v.sealed) for v in versions):
        return {}
    return {v.version: str(open_json(rt, v.sealed, answer_binding(row.id, v.version))["text"]) for v in versions}


def _question(rt: Runtime, row: Any) -> tuple[tuple[str, str], ...]:
    request = open_json(rt, row.sealed_request, request_binding(row.id))
    return tuple(
        (str(m["role"]), str(m["content"]))
        for m in request.get("messages") or []
        if isinstance(m, dict) and m.get("role") in _TURNS and isinstance(m.get("content"), str)
    )


def _consented(conn: Connection, scope: Scope, interaction_ids: list[str]) -> set[str]:
    """The interactions among ``interaction_ids`` whose record allows training use."""
    said: dict[str, bool | None] = {}
    by_feedback: set[str] = set()
    for i in range(0, len(interaction_ids), _CHUNK):  # a driver takes at most 65,535 parameters
        chunk = interaction_ids[i : i + _CHUNK]
        said.update((row.id, row.training_consent) for row in conn.execute(
            select(interactions.c.id, interactions.c.training_consent).where(
                interactions.c.tenant_id == scope.tenant_id, interactions.c.id.in_(chunk)
            )
        ))
        by_feedback.update(conn.execute(
            select(feedback.c.interaction_id).where(
                feedback.c.tenant_id == scope.tenant_id, feedback.c.interaction_id.in_(chunk),
                feedback.c.consent.is_(True),
            )
        ).scalars())
    if scope.charter.training_consent == "implied":
        return {i for i in interaction_ids if said.get(i) is not False}
    return {i for i in interaction_ids if said.get(i) is True or i in by_feedback}


def _reviewed(rt: Runtime, conn: Connection, scope: Scope, skipped: Counter[str]) -> list[Candidate]:
    rows = conn.execute(
        select(review_items)
        .where(
            review_items.c.tenant_id == scope.tenant_id,
            review_items.c.use_case_id == scope.use_case_id,
            review_items.c.status.in_(("approved", "edited")),
        )
        .order_by(review_items.c.id)
    ).all()
    consented = _consented(conn, scope, sorted({r.interaction_id for r in rows}))
    out = []
    for row in rows:
        if row.interaction_id not in consented:
            skipped["no_consent"] += 1
            continue
        decision_id = _final_decision(conn, row.id)
        answers = {} if is_expired(row.sealed_request) else _answers(rt, conn, row)
        if decision_id is None or row.current_version not in answers:
            skipped["content_gone"] += 1
            continue
        edited = row.status == "edited" and row.current_version > 1
        out.append(Candidate(
            source="review-edited" if edited else "review-approved",
            interaction_id=row.interaction_id, review_id=row.id, decision_id=decision_id,
            feedback_id=row.feedback_id, subject_id=row.subject_id, messages=_question(rt, row),
            chosen=answers[row.current_version], rejected=answers.get(1) if edited else None,
        ))
    return out


def _corrected(rt: Runtime, conn: Connection, scope: Scope, skipped: Counter[str]) -> list[Candidate]:
    records = training_corrections(
        rt, conn, scope.tenant_id, scope.use_case, actor=scope.actor, purpose="training dataset"
    )
    out = []
    for record in records:
        row = conn.execute(
            select(review_items).join(feedback, feedback.c.review_id == review_items.c.id).where(
                feedback.c.id == record["feedback_id"], review_items.c.kind == "appeal"
            )
        ).first()
        if row is None or row.status != "rejected":
            skipped["correction_not_upheld"] += 1  # no appeal, still pending, or the answer stood
            continue
        decision_id = _final_decision(conn, row.id)
        answers = {} if is_expired(row.sealed_request) else _answers(rt, conn, row)
        if decision_id is None or 1 not in answers:
            skipped["content_gone"] += 1
            continue
        out.append(Candidate(
            source="appeal-correction", interaction_id=row.interaction_id, review_id=row.id,
            decision_id=decision_id, feedback_id=record["feedback_id"], subject_id=row.subject_id,
            messages=_question(rt, row), chosen=str(record["correction"]), rejected=answers[1],
        ))
    return out


def collect(rt: Runtime, conn: Connection, scope: Scope) -> tuple[list[Candidate], Counter[str]]:
    """Every candidate of ``scope``'s use case, and how many records were left out and why."""
    skipped: Counter[str] = Counter()
    found = _reviewed(rt, conn, scope, skipped) + _corrected(rt, conn, scope, skipped)
    return found, skipped
