"""Human oversight over HTTP. Thin: every route checks the role and calls :mod:`charter.oversight`.

Requesters: ``GET /v1/reviews/{id}`` (202 while waiting, 200 once decided) and ``POST /v1/feedback``.
Reviewers: ``/api/v1/reviews`` (queue, claim, approve, edit, reject) and ``/api/v1/samples``
(expert scoring). Admins: incidents, suspensions, corrections export, oversight metrics.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, BackgroundTasks, Depends, Query
from pydantic import Field
from sqlalchemy import Connection

from charter import oversight
from charter.api.deps import (
    Admin,
    AppUser,
    Auditor,
    Caller,
    Overseer,
    RecordReader,
    RequestTime,
    Reviewer,
    RuntimeDep,
    Staff,
)
from charter.api.params import JsonBody, StatusFilter, UseCaseFilter
from charter.api.responses import JSONResponse
from charter.oversight.incidents import link_interactions
from charter.oversight.notify import decide_and_notify
from charter.policy.service import get_use_case
from charter.store.schema import utcnow

__all__ = ["router"]

router = APIRouter(tags=["oversight"])


class FeedbackIn(JsonBody):
    interaction_id: str = Field(min_length=1, max_length=40)
    rating: Literal["helpful", "unhelpful"] | None = None
    reasons: list[str] = Field(default_factory=list, max_length=10)
    correction: str | None = Field(default=None, max_length=10_000)
    comment: str | None = Field(default=None, max_length=10_000)
    appeal: bool = False
    consent: bool = Field(
        default=False, description="The person agrees the correction may be used for training."
    )


class CommentIn(JsonBody):
    comment: str = Field(default="", max_length=10_000)


class EditIn(JsonBody):
    text: str = Field(min_length=1, max_length=100_000)
    comment: str = Field(default="", max_length=10_000)
    from_scratch: bool = Field(
        default=False, description="Written by the reviewer, not edited from the AI's."
    )


class RejectIn(JsonBody):
    reason: str = Field(min_length=1, max_length=10_000)


class ScoreIn(JsonBody):
    sentence_scores: list[float] | None = Field(default=None, max_length=1000)
    sentence_labels: list[Literal["correct", "unsupported", "wrong", "harmful"]] | None = Field(
        default=None, max_length=1000, description="One per sentence, instead of sentence_scores."
    )
    sentence_notes: list[str] | None = Field(
        default=None, max_length=1000, description="One per sentence ('' for none)."
    )
    citation_score: float | None = Field(default=None, ge=0.0, le=1.0)
    comment: str = Field(default="", max_length=10_000)


class IncidentIn(JsonBody):
    title: str = Field(min_length=1, max_length=200)
    severity: Literal["low", "medium", "high", "critical"] = "medium"
    kind: Literal["incident", "near-miss"] = "incident"
    near_miss_type: str | None = Field(default=None, max_length=32)
    use_case: str | None = Field(default=None, max_length=64)
    description: str = Field(default="", max_length=20_000)
    impact: str = Field(default="", max_length=20_000)
    affected: str = Field(default="", max_length=20_000)
    interaction_ids: list[str] = Field(default_factory=list, max_length=1000)


class IncidentPatch(JsonBody):
    title: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=20_000)
    severity: Literal["low", "medium", "high", "critical"] | None = None
    status: Literal["open", "investigating", "mitigated"] | None = None
    impact: str | None = Field(default=None, max_length=20_000)
    affected: str | None = Field(default=None, max_length=20_000)
    actions_taken: str | None = Field(default=None, max_length=20_000)
    root_cause: str | None = Field(default=None, max_length=20_000)
    disclosed_to: str | None = Field(default=None, max_length=20_000)
    near_miss_type: str | None = Field(default=None, max_length=32)
    interaction_ids: list[str] = Field(default_factory=list, max_length=1000)


class CloseIn(JsonBody):
    after_action: str = Field(min_length=1, max_length=50_000)
    root_cause: str | None = Field(default=None, max_length=20_000)


class ResumeIn(JsonBody):
    reason: str = Field(min_length=1, max_length=2000)


class ExportIn(JsonBody):
    purpose: Literal["training", "evaluation"] = "training"


# -- requesters ----------------------------------------------------------------------------
@router.get("/v1/reviews/{review_id}")
def review_status(review_id: str, p: Caller, rt: RuntimeDep) -> JSONResponse:
    """The answer once a person decided; 202 with a notice while it waits (only for the requesting key)."""
    status, body = rt.read(lambda conn: oversight.requester_view(rt, conn, p, review_id))
    return JSONResponse(body, status_code=status)


@router.post("/v1/feedback", status_code=201)
def submit_feedback(body: FeedbackIn, p: AppUser, rt: RuntimeDep, now: RequestTime) -> dict[str, Any]:
    """Rate an answer, correct it, or appeal (an appeal opens a review item)."""
    return rt.writer.write(
        lambda c: oversight.submit_feedback(rt, c, p, oversight.Feedback(**body.model_dump()), now=now)
    )


# -- reviewers -----------------------------------------------------------------------------
@router.get("/api/v1/reviews")
def list_reviews(
    p: Reviewer, rt: RuntimeDep, status: StatusFilter = "pending", limit: int = Query(100, ge=1, le=1000)
) -> list[dict[str, Any]]:
    return rt.read(lambda conn: oversight.list_items(conn, p, status=status or None, limit=limit, now=utcnow()))


@router.post("/api/v1/reviews/next")
def next_review(p: Reviewer, rt: RuntimeDep, now: RequestTime) -> dict[str, Any]:
    """Claim the oldest item you may review and show it; ``{"item": null}`` when the queue is empty."""

    def take(conn: Connection) -> dict[str, Any] | None:
        review_id = oversight.claim_next(conn, p, now)
        return None if review_id is None else oversight.show_item(rt, conn, p, review_id)

    return {"item": rt.writer.write(take)}


@router.get("/api/v1/reviews/{review_id}")
def show_review(review_id: str, p: Reviewer, rt: RuntimeDep) -> dict[str, Any]:
    return rt.writer.write(lambda c: oversight.show_item(rt, c, p, review_id))


@router.post("/api/v1/reviews/{review_id}/claim")
def claim_review(review_id: str, p: Reviewer, rt: RuntimeDep, now: RequestTime) -> dict[str, Any]:
    return rt.writer.write(lambda c: oversight.claim(c, p, review_id, now))


@router.post("/api/v1/reviews/{review_id}/release")
def release_review(review_id: str, p: Reviewer, rt: RuntimeDep) -> dict[str, Any]:
    """Let go of a claim without deciding."""
    return rt.writer.write(lambda c: oversight.let_go(c, p, review_id))


Decision = Callable[[Connection, dt.datetime], dict[str, Any]]


def _decider(tasks: BackgroundTasks, rt: RuntimeDep) -> Callable[[Decision], dict[str, Any]]:
    """Decide in the writer, then post the use case's webhook in the background (the console does the same)."""
    return lambda decision: decide_and_notify(tasks.add_task, rt, decision)


#: A route's way to record a reviewer's decision: ``decide(lambda c, now: ...)``.
Decider = Annotated[Callable[[Decision], dict[str, Any]], Depends(_decider)]


@router.post("/api/v1/reviews/{review_id}/approve")
def approve_review(review_id: str, body: CommentIn, p: Reviewer, decide: Decider) -> dict[str, Any]:
    return decide(lambda c, now: oversight.approve(c, p, review_id, comment=body.comment, now=now))


@router.post("/api/v1/reviews/{review_id}/edit")
def edit_review(review_id: str, body: EditIn, p: Reviewer, rt: RuntimeDep, decide: Decider) -> dict[str, Any]:
    return decide(
        lambda c, now: oversight.edit(
            rt, c, p, review_id, text=body.text, comment=body.comment, from_scratch=body.from_scratch, now=now
        )
    )


@router.post("/api/v1/reviews/{review_id}/reject")
def reject_review(review_id: str, body: RejectIn, p: Reviewer, decide: Decider) -> dict[str, Any]:
    return decide(lambda c, now: oversight.reject(c, p, review_id, reason=body.reason, now=now))


# -- expert scoring ------------------------------------------------------------------------
@router.post("/api/v1/samples/next")
def next_sample(p: Reviewer, rt: RuntimeDep, now: RequestTime) -> dict[str, Any]:
    def take(conn: Connection) -> dict[str, Any] | None:
        sample_id = oversight.claim_next_sample(conn, p, now)
        return None if sample_id is None else oversight.show_sample(rt, conn, p.tenant_id, sample_id)

    return {"item": rt.writer.write(take)}


@router.get("/api/v1/samples/{sample_id}")
def show_sample(sample_id: str, p: Reviewer, rt: RuntimeDep) -> dict[str, Any]:
    return rt.read(lambda conn: oversight.show_sample(rt, conn, p.tenant_id, sample_id))


@router.post("/api/v1/samples/{sample_id}/score")
def score_sample(sample_id: str, body: ScoreIn, p: Reviewer, rt: RuntimeDep, now: RequestTime) -> dict[str, Any]:
    return rt.writer.write(lambda c: oversight.score_sample(c, p, sample_id, **body.model_dump(), now=now))


# -- incidents -----------------------------------------------------------------------------
@router.get("/api/v1/incidents")
def list_incidents(
    p: Overseer, rt: RuntimeDep, status: StatusFilter = None, use_case: UseCaseFilter = None
) -> list[dict[str, Any]]:
    return rt.read(lambda conn: oversight.list_incidents(conn, p.tenant_id, status=status, use_case=use_case))


@router.post("/api/v1/incidents", status_code=201)
def open_incident(body: IncidentIn, p: Reviewer, rt: RuntimeDep, now: RequestTime) -> dict[str, Any]:
    return rt.writer.write(
        lambda c: oversight.open_incident(
            c, p.tenant_id, oversight.IncidentReport(**body.model_dump()), actor=p.key_id, now=now
        )
    )


@router.get("/api/v1/incidents/{incident_id}")
def show_incident(incident_id: str, p: Overseer, rt: RuntimeDep) -> dict[str, Any]:
    return rt.read(lambda conn: oversight.get_incident(conn, p.tenant_id, incident_id))


@router.patch("/api/v1/incidents/{incident_id}")
def update_incident(
    incident_id: str, body: IncidentPatch, p: Admin, rt: RuntimeDep, now: RequestTime
) -> dict[str, Any]:
    changes = body.model_dump(exclude_none=True, exclude={"interaction_ids"})

    def change(conn: Connection) -> dict[str, Any]:
        link_interactions(conn, p.tenant_id, incident_id, body.interaction_ids, actor=p.key_id)
        if not changes:
            return oversight.get_incident(conn, p.tenant_id, incident_id)
        return oversight.update_incident(conn, p.tenant_id, incident_id, changes, actor=p.key_id, now=now)

    return rt.writer.write(change)


@router.post("/api/v1/incidents/{incident_id}/close")
def close_incident(incident_id: str, body: CloseIn, p: Admin, rt: RuntimeDep, now: RequestTime) -> dict[str, Any]:
    return rt.writer.write(
        lambda c: oversight.close_incident(c, p.tenant_id, incident_id, **body.model_dump(), actor=p.key_id, now=now)
    )


# -- use cases: metrics, suspensions, data -------------------------------------------------
@router.get("/api/v1/usecases/{name}/oversight")
def oversight_metrics(name: str, p: Staff, rt: RuntimeDep, days: int = Query(30, ge=1, le=3650)) -> dict[str, Any]:
    """Override, edit, rejection and appeal rates, time to decision p50/p95, queue depth, expert scores."""
    since = utcnow() - dt.timedelta(days=days)
    with rt.engine.connect() as conn:
        use_case_id = get_use_case(conn, p.tenant_id, name)["id"]
        return {"use_case": name, **oversight.oversight_metrics(conn, p.tenant_id, use_case_id, since)}


@router.get("/api/v1/suspensions")
def list_suspensions(p: Auditor, rt: RuntimeDep) -> list[dict[str, Any]]:
    return rt.read(lambda conn: oversight.list_suspensions(conn, p.tenant_id))


@router.post("/api/v1/usecases/{name}/resume")
def resume_use_case(name: str, body: ResumeIn, p: Admin, rt: RuntimeDep, now: RequestTime) -> dict[str, Any]:
    """Switch a (suspended) use case back on; recorded with the admin and the reason."""
    result = rt.writer.write(
        lambda c: oversight.resume(c, p.tenant_id, name, actor=p.key_id, reason=body.reason, now=now)
    )
    rt.policy_changed()
    return result


@router.get("/api/v1/usecases/{name}/expert-scores")
def expert_scores(name: str, p: RecordReader, rt: RuntimeDep) -> list[dict[str, Any]]:
    with rt.engine.connect() as conn:
        use_case_id = get_use_case(conn, p.tenant_id, name)["id"]
        return oversight.scores_dataset(conn, p.tenant_id, use_case_id)


@router.post("/api/v1/usecases/{name}/corrections/export")
def export_corrections(name: str, body: ExportIn, p: Admin, rt: RuntimeDep) -> list[dict[str, Any]]:
    """Corrections usable for training or evaluation (charter may_train and the person's consent)."""
    return rt.writer.write(
        lambda c: oversight.training_corrections(
            rt, c, p.tenant_id, name, actor=p.key_id, purpose=body.purpose
        )
    )
