"""Reads one window of a use case for the detectors: its observed interactions (the newest
``max_events``), their feedback and expert scores, and the sampled input embeddings."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from sqlalchemy import Connection, select

from charter.monitor.drift.detectors import Event, Window
from charter.monitor.drift.tables import drift_embeddings, drift_observations
from charter.oversight.suspend import GUARD_STAGES, HIT_OUTCOMES
from charter.oversight.tables import expert_samples, expert_scores, feedback
from charter.store.schema import interactions

__all__ = ["load_window"]

_GROUNDING = "grounding"


def _guards_hit(verdicts: Any) -> frozenset[str]:
    return frozenset(
        str((v.get("detail") or {}).get("guard", v.get("stage")))
        for v in verdicts or ()
        if isinstance(v, dict) and v.get("stage") in GUARD_STAGES and v.get("outcome") in HIT_OUTCOMES
    )


def _grounding(verdicts: Any) -> float | None:
    for v in verdicts or ():
        detail = v.get("detail") if isinstance(v, dict) else None
        if not isinstance(detail, dict) or detail.get("guard") != _GROUNDING:
            continue
        score = detail.get("score")
        if isinstance(score, int | float):
            return round(1.0 - float(score), 4)
    return None


def _in_window(use_case_id: str, start: dt.datetime, end: dt.datetime) -> Any:
    return (
        (interactions.c.use_case_id == use_case_id)
        & (interactions.c.created_at >= start)
        & (interactions.c.created_at < end)
    )


def _feedback(conn: Connection, where: Any) -> tuple[set[str], set[str]]:
    rows = conn.execute(
        select(feedback.c.interaction_id, feedback.c.rating, feedback.c.appeal)
        .join(interactions, interactions.c.id == feedback.c.interaction_id)
        .where(where)
    ).all()
    return {r.interaction_id for r in rows if r.rating == "unhelpful"}, {r.interaction_id for r in rows if r.appeal}


def _expert(conn: Connection, where: Any) -> dict[str, float]:
    rows = conn.execute(
        select(expert_samples.c.interaction_id, expert_scores.c.total, expert_scores.c.created_at)
        .join(expert_samples, expert_samples.c.id == expert_scores.c.sample_id)
        .join(interactions, interactions.c.id == expert_samples.c.interaction_id)
        .where(where)
        .order_by(expert_scores.c.created_at)
    ).all()
    return {r.interaction_id: float(r.total) for r in rows}  # the latest score of each answer


def _embeddings(
    conn: Connection, tenant_id: str, use_case_id: str, start: dt.datetime, end: dt.datetime, limit: int
) -> np.ndarray[Any, np.dtype[np.float32]] | None:
    rows = conn.execute(
        select(drift_embeddings.c.dims, drift_embeddings.c.vector)
        .where(
            drift_embeddings.c.tenant_id == tenant_id,
            drift_embeddings.c.use_case_id == use_case_id,
            drift_embeddings.c.created_at >= start,
            drift_embeddings.c.created_at < end,
        )
        .order_by(drift_embeddings.c.created_at.desc())
        .limit(limit)
    ).all()
    if not rows:
        return None
    dims = rows[0].dims  # the newest embedder's; older vectors of another size are left out
    vectors = [np.frombuffer(r.vector, dtype="<f2") for r in rows if r.dims == dims]
    return np.vstack(vectors).astype(np.float32)


def load_window(
    conn: Connection,
    tenant_id: str,
    use_case_id: str,
    window: tuple[dt.datetime, dt.datetime],
    *,
    max_events: int,
    embeddings: bool,
) -> Window:
    start, end = window
    where = _in_window(use_case_id, start, end) & (interactions.c.tenant_id == tenant_id)
    rows = conn.execute(
        select(
            interactions.c.id,
            interactions.c.status,
            interactions.c.input_chars,
            interactions.c.output_chars,
            interactions.c.verdicts,
            drift_observations.c.language,
            drift_observations.c.segments,
            drift_observations.c.declined,
        )
        .join(drift_observations, drift_observations.c.interaction_id == interactions.c.id)
        .where(where)
        .order_by(interactions.c.created_at.desc())
        .limit(max_events)
    ).all()
    negative, appealed = _feedback(conn, where)
    expert = _expert(conn, where)
    events = [
        Event(
            input_chars=r.input_chars,
            output_chars=r.output_chars if r.status == "ok" else None,
            refused=r.status == "refused" or bool(r.declined),
            guards_hit=_guards_hit(r.verdicts),
            grounding=_grounding(r.verdicts),
            language=r.language,
            segments=r.segments or {},
            negative=r.id in negative,
            appealed=r.id in appealed,
            expert=expert.get(r.id),
        )
        for r in rows
    ]
    vectors = _embeddings(conn, tenant_id, use_case_id, start, end, max_events) if embeddings else None
    return Window(events, vectors)
