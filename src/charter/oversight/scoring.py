"""Expert scoring (ME-3): a share of released answers goes to a scoring queue, where an expert
scores each sentence's accuracy and the citations; the charter weighs the two. Scores feed
evaluation datasets and drift."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, func, select, update

from charter import ledger
from charter.domain import Principal
from charter.errors import Conflict, InvalidRequest, PermissionDenied
from charter.oversight.assignment import load_board, sample_rank
from charter.oversight.claims import claimable, in_period, pending_count, release_claim, try_claim
from charter.oversight.sealing import open_json, seal_json
from charter.oversight.tables import expert_samples, expert_scores
from charter.policy.current import body_in_force
from charter.store.records import found_in, pick, with_use_case
from charter.store.schema import interactions, new_id, use_cases
from charter.store.types import iso

__all__ = [
    "LABELS",
    "LABEL_SCORES",
    "NewSample",
    "claim_next_sample",
    "claim_sample",
    "insert_sample",
    "label_counts",
    "let_go_sample",
    "list_samples",
    "score_rows",
    "score_sample",
    "score_summary",
    "scorers",
    "scores_dataset",
    "seal_sample",
    "show_sample",
    "split_sentences",
]

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")

#: What an expert may say of a sentence, and the accuracy each counts as.
LABEL_SCORES: dict[str, float] = {"correct": 1.0, "unsupported": 0.5, "wrong": 0.0, "harmful": 0.0}
LABELS = tuple(LABEL_SCORES)


def label_counts(labels: list[str] | None) -> dict[str, int]:
    """How many sentences got each label (``{}`` for scores given as numbers)."""
    return {label: (labels or []).count(label) for label in LABELS} if labels else {}


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()]


@dataclass(slots=True)
class NewSample:
    id: str
    tenant_id: str
    use_case_id: str
    question: str
    answer: str
    citations: list[Any]
    sealed: dict[str, Any] = field(default_factory=dict)


def _binding(sample_id: str) -> str:
    return f"{sample_id}:sample"


def seal_sample(rt: Any, sample: NewSample) -> NewSample:
    sample.sealed = seal_json(
        rt,
        {"question": sample.question, "answer": sample.answer, "citations": sample.citations},
        _binding(sample.id),
    )
    return sample


def insert_sample(conn: Connection, sample: NewSample, interaction_id: str, now: dt.datetime) -> dict[str, Any]:
    conn.execute(
        expert_samples.insert().values(
            **pick(sample, "id", "tenant_id", "use_case_id", "sealed"), interaction_id=interaction_id, status="pending",
            sentences=len(split_sentences(sample.answer)), citations=len(sample.citations), created_at=now,
        )
    )
    return {"id": sample.id, "interaction_id": interaction_id}


def _own_request(scorer: Principal) -> Any:
    mine = select(interactions.c.id).where(interactions.c.key_id == scorer.key_id)
    return expert_samples.c.interaction_id.not_in(mine)


def claim_next_sample(conn: Connection, scorer: Principal, now: dt.datetime, *, minutes: int = 30) -> str | None:
    """Claim the oldest pending sample the scorer may score (not from their own request)."""
    query = (
        select(expert_samples.c.id, expert_samples.c.use_case_id, expert_samples.c.claimed_by)
        .where(
            expert_samples.c.tenant_id == scorer.tenant_id,
            claimable(expert_samples, now, scorer.key_id),
            _own_request(scorer),
        )
        .order_by(expert_samples.c.created_at)
        .limit(100)
    )
    if scorer.use_case is not None:
        query = query.join(use_cases, use_cases.c.id == expert_samples.c.use_case_id).where(
            use_cases.c.name == scorer.use_case
        )
    board = load_board(conn, scorer.tenant_id)
    ranked = []
    for row in conn.execute(query).all():
        rank = 0 if row.claimed_by == scorer.key_id else sample_rank(board, scorer.key_id, row.use_case_id)
        if rank is not None:
            ranked.append((rank, row.id))
    for _, sample_id in sorted(ranked, key=lambda pair: pair[0]):
        if try_claim(conn, expert_samples, sample_id, scorer, now=now, minutes=minutes):
            return str(sample_id)
    return None


def _row(conn: Connection, tenant_id: str, sample_id: str) -> Any:
    return found_in(conn, expert_samples, tenant_id,
                    f"sample {sample_id!r} not found; list the queue with `charter review samples`", id=sample_id)


def claim_sample(conn: Connection, scorer: Principal, sample_id: str, now: dt.datetime, *,
                 minutes: int = 30) -> dict[str, Any]:
    """Claim one sample by its id (:class:`Conflict` when scored or held by someone else)."""
    row = _row(conn, scorer.tenant_id, sample_id)
    _check_scorer(conn, row, scorer)
    if not try_claim(conn, expert_samples, sample_id, scorer, now=now, minutes=minutes):
        raise Conflict(f"sample {sample_id} is scored or claimed by another reviewer", code="conflict")
    return {"id": sample_id, "claimed_by": scorer.key_id, "claim_expires_at": iso(now + dt.timedelta(minutes=minutes))}


def let_go_sample(conn: Connection, scorer: Principal, sample_id: str) -> dict[str, Any]:
    if not release_claim(conn, expert_samples, sample_id, scorer):
        raise Conflict(f"you do not hold a claim on sample {sample_id}", code="conflict")
    return {"id": sample_id, "claimed_by": None}


def _check_scorer(conn: Connection, row: Any, scorer: Principal) -> None:
    requester = conn.execute(select(interactions.c.key_id).where(interactions.c.id == row.interaction_id)).scalar()
    if requester == scorer.key_id:
        raise PermissionDenied("nobody scores an answer to their own request", code="out_of_scope")
    if scorer.use_case is not None:
        name = conn.execute(select(use_cases.c.name).where(use_cases.c.id == row.use_case_id)).scalar()
        if name != scorer.use_case:
            raise PermissionDenied(f"this key reviews only use case {scorer.use_case!r}", code="out_of_scope")


def list_samples(conn: Connection, scorer: Principal, *, status: str | None = "pending",
                 limit: int = 200) -> list[dict[str, Any]]:
    """The scoring queue, oldest first (no content): id, use case, sentences, citations, claim."""
    query = (
        with_use_case(expert_samples)
        .where(expert_samples.c.tenant_id == scorer.tenant_id)
        .order_by(expert_samples.c.created_at, expert_samples.c.id)
        .limit(limit)
    )
    if status:
        query = query.where(expert_samples.c.status == status)
    if scorer.use_case is not None:
        query = query.where(use_cases.c.name == scorer.use_case)
    return [
        {"id": r.id, "use_case": r.use_case, "use_case_id": r.use_case_id, "status": r.status,
         "interaction_id": r.interaction_id, "sentences": r.sentences, "citations": r.citations,
         "claimed_by": r.claimed_by, "created_at": iso(r.created_at), "scored_at": iso(r.scored_at)}
        for r in conn.execute(query).all()
    ]


def score_rows(conn: Connection, viewer: Principal, *, scorer: str | None = None, use_case: str | None = None,
               limit: int = 500) -> list[dict[str, Any]]:
    """Scores, newest first, with their labels and notes (no answer content), optionally one scorer's."""
    query = (
        select(expert_scores, expert_samples.c.interaction_id, use_cases.c.name.label("use_case"))
        .join(expert_samples, expert_samples.c.id == expert_scores.c.sample_id)
        .join(use_cases, use_cases.c.id == expert_scores.c.use_case_id)
        .where(expert_scores.c.tenant_id == viewer.tenant_id)
        .order_by(expert_scores.c.created_at.desc(), expert_scores.c.id.desc())
        .limit(limit)
    )
    if scorer:
        query = query.where(expert_scores.c.scorer == scorer)
    scope = viewer.use_case or use_case
    if scope:
        query = query.where(use_cases.c.name == scope)
    return [
        {"id": r.id, "sample_id": r.sample_id, "interaction_id": r.interaction_id, "use_case": r.use_case,
         "scorer": r.scorer, "sentence_scores": r.sentence_scores, "sentence_labels": r.sentence_labels,
         "sentence_notes": r.sentence_notes, "labels": label_counts(r.sentence_labels),
         "accuracy": r.accuracy, "citation_score": r.citation_score, "total": r.total, "comment": r.comment,
         "scored_at": iso(r.created_at)}
        for r in conn.execute(query).all()
    ]


def scorers(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per scorer: samples scored, mean total and accuracy, and sentences by label."""
    by: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by.setdefault(r["scorer"], []).append(r)
    out = []
    for scorer, mine in sorted(by.items()):
        labels = {label: sum(r["labels"].get(label, 0) for r in mine) for label in LABELS}
        out.append({"scorer": scorer, "scored": len(mine),
                    "mean_total": round(sum(r["total"] for r in mine) / len(mine), 4),
                    "mean_accuracy": round(sum(r["accuracy"] for r in mine) / len(mine), 4),
                    "labels": labels})
    return out


def show_sample(rt: Any, conn: Connection, tenant_id: str, sample_id: str) -> dict[str, Any]:
    row = _row(conn, tenant_id, sample_id)
    content = open_json(rt, row.sealed, _binding(row.id))
    scored = conn.execute(
        select(expert_scores).where(expert_scores.c.sample_id == row.id).order_by(expert_scores.c.created_at)
    ).all()
    return {
        "id": row.id,
        "status": row.status,
        "use_case": conn.execute(select(use_cases.c.name).where(use_cases.c.id == row.use_case_id)).scalar(),
        "scores": [
            {"id": r.id, "scorer": r.scorer, "sentence_scores": r.sentence_scores,
             "sentence_labels": r.sentence_labels, "sentence_notes": r.sentence_notes, "accuracy": r.accuracy,
             "citation_score": r.citation_score, "total": r.total, "comment": r.comment,
             "scored_at": iso(r.created_at)}
            for r in scored
        ],
        "interaction_id": row.interaction_id,
        "question": content["question"],
        "answer": content["answer"],
        "sentences": split_sentences(content["answer"]),
        "citations": content["citations"],
        "claimed_by": row.claimed_by,
        "created_at": iso(row.created_at),
    }


def _weights(conn: Connection, use_case_id: str) -> tuple[float, float]:
    body = conn.execute(body_in_force(use_cases.c.id == use_case_id)).scalar_one()
    review = body.get("review", {})
    return float(review.get("accuracy_weight", 0.7)), float(review.get("citation_weight", 0.3))


def _check_scores(row: Any, sentence_scores: list[float], citation_score: float | None) -> None:
    if len(sentence_scores) != row.sentences:
        raise InvalidRequest(
            f"give one score per sentence: the answer has {row.sentences}",
            code="invalid_value",
            param="sentence_scores",
        )
    if any(not 0.0 <= s <= 1.0 for s in sentence_scores) or (
        citation_score is not None and not 0.0 <= citation_score <= 1.0
    ):
        raise InvalidRequest("scores are between 0 and 1", code="invalid_value", param="sentence_scores")


def weighted_total(accuracy: float, citation_score: float | None, wa: float, wc: float) -> float:
    """The charter-weighted expert score; the accuracy alone when there is no citation score."""
    if citation_score is None or wa + wc == 0:
        return accuracy
    return (wa * accuracy + wc * citation_score) / (wa + wc)


def _claimed_sample(conn: Connection, scorer: Principal, sample_id: str) -> Any:
    row = _row(conn, scorer.tenant_id, sample_id)
    if row.status != "pending":
        raise Conflict(f"sample {sample_id} is already scored", code="conflict")
    if row.claimed_by != scorer.key_id:
        raise Conflict("claim the sample first (`charter review sample-next`)", code="conflict")
    _check_scorer(conn, row, scorer)
    return row


def _from_labels(
    row: Any, sentence_scores: list[float] | None, labels: list[str] | None, notes: list[str] | None
) -> list[float]:
    """The sentence scores: as given, or from the labels (:data:`LABEL_SCORES`); one note per sentence."""
    if labels is not None and sentence_scores is not None:
        raise InvalidRequest("give sentence_scores or sentence_labels, not both", code="invalid_value",
                             param="sentence_labels")
    if labels is None and sentence_scores is None:
        raise InvalidRequest("give sentence_labels (or sentence_scores), one per sentence", code="missing_field",
                             param="sentence_labels")
    if notes is not None and len(notes) != row.sentences:
        raise InvalidRequest(f"give one note per sentence (empty for none): the answer has {row.sentences}",
                             code="invalid_value", param="sentence_notes")
    if labels is None:
        assert sentence_scores is not None
        return sentence_scores
    if len(labels) != row.sentences:
        raise InvalidRequest(f"give one label per sentence: the answer has {row.sentences}",
                             code="invalid_value", param="sentence_labels")
    unknown = sorted({label for label in labels if label not in LABEL_SCORES})
    if unknown:
        raise InvalidRequest(f"a sentence is labelled {', '.join(LABELS)}; not {unknown[0]!r}",
                             code="invalid_value", param="sentence_labels")
    return [LABEL_SCORES[label] for label in labels]


def score_sample(
    conn: Connection,
    scorer: Principal,
    sample_id: str,
    *,
    sentence_scores: list[float] | None = None,
    sentence_labels: list[str] | None = None,
    sentence_notes: list[str] | None = None,
    citation_score: float | None,
    comment: str,
    now: dt.datetime,
) -> dict[str, Any]:
    """Score a claimed sample: a label (or a number 0..1) per sentence, an optional note per sentence,
    an optional citation score and comment. Recorded in the ledger (``sample.scored``)."""
    row = _claimed_sample(conn, scorer, sample_id)
    sentence_scores = _from_labels(row, sentence_scores, sentence_labels, sentence_notes)
    _check_scores(row, sentence_scores, citation_score)
    accuracy = sum(sentence_scores) / len(sentence_scores) if sentence_scores else 0.0
    wa, wc = _weights(conn, row.use_case_id)
    total = weighted_total(accuracy, citation_score, wa, wc)
    score_id = new_id("scr")
    notes = [n.strip() for n in sentence_notes] if sentence_notes is not None else None
    conn.execute(
        expert_scores.insert().values(
            id=score_id, tenant_id=scorer.tenant_id, sample_id=sample_id, use_case_id=row.use_case_id,
            scorer=scorer.key_id, sentence_scores=sentence_scores, accuracy=accuracy, citation_score=citation_score,
            total=total, weights={"accuracy": wa, "citation": wc}, comment=comment, created_at=now,
            sentence_labels=sentence_labels, sentence_notes=notes,
        )
    )
    conn.execute(
        update(expert_samples)
        .where(expert_samples.c.id == sample_id)
        .values(status="scored", scored_at=now, claimed_by=None, claim_expires_at=None)
    )
    result = {
        "id": score_id,
        "sample_id": sample_id,
        "accuracy": round(accuracy, 4),
        "citation_score": citation_score,
        "total": round(total, 4),
        "scorer": scorer.key_id,
        "labels": label_counts(sentence_labels),
    }
    ledger.append(
        conn, tenant_id=scorer.tenant_id, actor=scorer.key_id, action="sample.scored", subject=sample_id, event=result
    )
    return result


def scores_dataset(conn: Connection, tenant_id: str, use_case_id: str) -> list[dict[str, Any]]:
    """Scores with their interaction ids (no answer content): the human labels for evaluation datasets,
    with each sentence's label and the expert's notes and comment (their own words)."""
    rows = conn.execute(
        select(expert_scores, expert_samples.c.interaction_id)
        .join(expert_samples, expert_samples.c.id == expert_scores.c.sample_id)
        .where(
            expert_scores.c.tenant_id == tenant_id,
            expert_scores.c.use_case_id == use_case_id,
        )
        .order_by(expert_scores.c.created_at)
    ).all()
    return [
        {
            **pick(r, "sample_id", "interaction_id", "scorer", "sentence_scores", "accuracy", "citation_score", "total",
                   "weights", "sentence_labels", "sentence_notes", "comment"),
            "scored_at": iso(r.created_at),
        }
        for r in rows
    ]


def score_summary(conn: Connection, tenant_id: str, use_case_id: str, since: dt.datetime) -> dict[str, Any]:
    """Mean expert scores over a period (drift: compare one period's summary with the last)."""
    row = conn.execute(
        select(
            func.count(),
            func.avg(expert_scores.c.total),
            func.avg(expert_scores.c.accuracy),
            func.avg(expert_scores.c.citation_score),
        ).where(in_period(expert_scores, tenant_id, use_case_id, since))
    ).one()
    pending = pending_count(conn, expert_samples, tenant_id, use_case_id)
    return {
        "scored": int(row[0]),
        "pending": int(pending),
        "mean_total": _round(row[1]),
        "mean_accuracy": _round(row[2]),
        "mean_citation_score": _round(row[3]),
    }


def _round(value: Any) -> float | None:
    return None if value is None else round(float(value), 4)
