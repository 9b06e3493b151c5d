"""Review teams, queue assignments, reviewers' progress, the scoring queue and expert scores over
HTTP. Thin: every route checks the role and calls :mod:`charter.oversight.assignment` or
:mod:`charter.oversight.scoring` (docs/oversight.md).

Admins manage teams and assignments; reviewers and admins read them, their progress and the scores.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from pydantic import Field
from sqlalchemy import Connection

from charter.api.deps import Admin, Overseer, RequestTime, Reviewer, RuntimeDep
from charter.api.params import JsonBody, StatusFilter, UseCaseFilter
from charter.oversight import assignment, scoring
from charter.store.schema import utcnow

__all__ = ["router"]

router = APIRouter(tags=["oversight"])


class TeamIn(JsonBody):
    name: str = Field(min_length=1, max_length=64)
    description: str = Field(default="", max_length=2000)
    members: list[str] = Field(default_factory=list, max_length=200)


class MemberIn(JsonBody):
    member: str = Field(min_length=1, max_length=64)


class AssignmentIn(JsonBody):
    use_case: str | None = Field(default=None, max_length=64, description="A use case's whole queue ...")
    review_id: str | None = Field(default=None, max_length=40, description="... or one review item.")
    reviewer: str | None = Field(default=None, max_length=64, description="A reviewer's key id or person id ...")
    team: str | None = Field(default=None, max_length=64, description="... or a team's name.")


# -- teams ----------------------------------------------------------------------------------
@router.get("/api/v1/review-teams")
def list_teams(p: Reviewer, rt: RuntimeDep) -> list[dict[str, Any]]:
    return rt.read(lambda conn: assignment.list_teams(conn, p.tenant_id))


@router.post("/api/v1/review-teams", status_code=201)
def create_team(body: TeamIn, p: Admin, rt: RuntimeDep, now: RequestTime) -> dict[str, Any]:
    return rt.writer.write(lambda c: assignment.create_team(
        c, p.tenant_id, body.name, description=body.description, members=body.members, actor=p.key_id, now=now))


@router.post("/api/v1/review-teams/{name}/members")
def add_member(name: str, body: MemberIn, p: Admin, rt: RuntimeDep, now: RequestTime) -> dict[str, Any]:
    return rt.writer.write(lambda c: assignment.add_member(c, p.tenant_id, name, body.member, actor=p.key_id, now=now))


@router.delete("/api/v1/review-teams/{name}/members/{member}")
def remove_member(name: str, member: str, p: Admin, rt: RuntimeDep) -> dict[str, Any]:
    return rt.writer.write(lambda c: assignment.remove_member(c, p.tenant_id, name, member, actor=p.key_id))


@router.delete("/api/v1/review-teams/{name}")
def delete_team(name: str, p: Admin, rt: RuntimeDep) -> dict[str, Any]:
    return rt.writer.write(lambda c: assignment.delete_team(c, p.tenant_id, name, actor=p.key_id))


# -- assignments ----------------------------------------------------------------------------
@router.get("/api/v1/review-assignments")
def list_assignments(p: Reviewer, rt: RuntimeDep) -> list[dict[str, Any]]:
    return rt.read(lambda conn: assignment.list_assignments(conn, p.tenant_id))


@router.post("/api/v1/review-assignments", status_code=201)
def assign(body: AssignmentIn, p: Admin, rt: RuntimeDep, now: RequestTime) -> dict[str, Any]:
    return rt.writer.write(lambda c: assignment.assign(c, p.tenant_id, **body.model_dump(), actor=p.key_id, now=now))


@router.delete("/api/v1/review-assignments/{assignment_id}")
def unassign(assignment_id: str, p: Admin, rt: RuntimeDep) -> dict[str, Any]:
    return rt.writer.write(lambda c: assignment.unassign(c, p.tenant_id, assignment_id, actor=p.key_id))


@router.get("/api/v1/review-progress")
def progress(p: Reviewer, rt: RuntimeDep) -> list[dict[str, Any]]:
    """Per reviewer: decided today (UTC), decided after the SLA, samples scored, open and overdue items."""
    return rt.read(lambda conn: assignment.progress(conn, p, utcnow()))


# -- the scoring queue and the scores -------------------------------------------------------
@router.get("/api/v1/samples")
def list_samples(
    p: Reviewer, rt: RuntimeDep, status: StatusFilter = "pending", limit: int = Query(200, ge=1, le=1000)
) -> list[dict[str, Any]]:
    return rt.read(lambda conn: scoring.list_samples(conn, p, status=status or None, limit=limit))


@router.post("/api/v1/samples/{sample_id}/claim")
def claim_sample(sample_id: str, p: Reviewer, rt: RuntimeDep, now: RequestTime) -> dict[str, Any]:
    return rt.writer.write(lambda c: scoring.claim_sample(c, p, sample_id, now=now))


@router.post("/api/v1/samples/{sample_id}/release")
def release_sample(sample_id: str, p: Reviewer, rt: RuntimeDep) -> dict[str, Any]:
    return rt.writer.write(lambda c: scoring.let_go_sample(c, p, sample_id))


@router.get("/api/v1/expert-scores")
def expert_scores(
    p: Overseer,
    rt: RuntimeDep,
    scorer: str | None = Query(None, max_length=64),
    use_case: UseCaseFilter = None,
    limit: int = Query(500, ge=1, le=5000),
) -> dict[str, Any]:
    """The scores (labels and notes per sentence, no answer content), newest first, and per scorer."""

    def read(conn: Connection) -> dict[str, Any]:
        rows = scoring.score_rows(conn, p, scorer=scorer, use_case=use_case, limit=limit)
        return {"scorers": scoring.scorers(rows), "scores": rows}

    return rt.read(read)
