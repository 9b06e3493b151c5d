"""``/api/v1/workflows``: apply workflows, run them (one input or a batch), read runs, approve,
reject, sign off batches, resume (docs/workflows.md). Thin: every route calls :mod:`charter.workflows`.

Roles: admin and developer apply and run; reviewer and admin decide (never on a run their own key
started); admin, developer, reviewer and auditor list; a run's content (its steps' inputs and
outputs) only reviewers and auditors, each read ledgered."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import Field

from charter import workflows
from charter.api.deps import Builder, Reviewer, RuntimeDep, Staff, require_roles
from charter.api.params import JsonBody, StatusFilter
from charter.domain import Principal
from charter.principals.roles import CONTENT_READERS, RESUMERS

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/workflows", tags=["workflows"])

ContentReader = Annotated[Principal, Depends(require_roles(*CONTENT_READERS))]
Resumer = Annotated[Principal, Depends(require_roles(*RESUMERS))]


class ApplyIn(JsonBody):
    source: str = Field(min_length=1, max_length=200_000, description="The workflow YAML.")


class RunIn(JsonBody):
    input: dict[str, Any] = Field(default_factory=dict)
    version: int | None = Field(default=None, ge=1)


class BatchIn(JsonBody):
    items: list[dict[str, Any]] = Field(min_length=1, max_length=10_000)
    version: int | None = Field(default=None, ge=1)


class DecisionIn(JsonBody):
    comment: str = Field(default="", max_length=4000)


class ResumeIn(JsonBody):
    settle: Literal["retry", "skip"] | None = None
    output: Any = None


@router.post("", status_code=201)
def apply(body: ApplyIn, p: Builder, rt: RuntimeDep) -> dict[str, Any]:
    """Store the YAML as the workflow's next version (``changed: false`` when it is the latest already)."""
    return workflows.apply(rt, body.source, actor=p.key_id, tenant=p.tenant)


@router.get("")
def list_(p: Staff, rt: RuntimeDep) -> list[dict[str, Any]]:
    return rt.read(lambda conn: workflows.list_workflows(conn, p.tenant_id))


@router.get("/runs")
def runs(
    p: Staff,
    rt: RuntimeDep,
    workflow: str | None = Query(default=None, max_length=64),
    status: StatusFilter = None,
    batch: str | None = Query(default=None, max_length=40),
    limit: int = Query(default=100, ge=1, le=1000),
) -> list[dict[str, Any]]:
    with rt.engine.connect() as conn:
        return workflows.list_runs(conn, p.tenant_id, workflow=workflow, status=status, batch_id=batch, limit=limit)


@router.get("/runs/{run_id}")
def show(run_id: str, p: ContentReader, rt: RuntimeDep) -> dict[str, Any]:
    """The run with every step's inputs, output, actor and timing (the read is ledgered)."""
    found: dict[str, Any] = rt.writer.write(lambda c: workflows.show_run(rt, c, p, run_id))
    return found


@router.post("/{name}/runs", status_code=201)
async def run(name: str, body: RunIn, p: Builder, rt: RuntimeDep) -> dict[str, Any]:
    """Start a run and take it as far as it goes (until it waits for a person, finishes or fails)."""
    return await workflows.run_workflow(rt, p, name, body.input, version=body.version)


@router.post("/{name}/batches", status_code=201)
async def batch(name: str, body: BatchIn, p: Builder, rt: RuntimeDep) -> dict[str, Any]:
    """One run per item in a new batch; runs at a ``mode: batch`` approval wait for the sign-off."""
    return await workflows.run_batch(rt, p, name, body.items, version=body.version)


@router.post("/runs/{run_id}/approve")
async def approve(run_id: str, body: DecisionIn, p: Reviewer, rt: RuntimeDep) -> dict[str, Any]:
    return await workflows.decide(rt, p, run_id, approve=True, comment=body.comment)


@router.post("/runs/{run_id}/reject")
async def reject(run_id: str, body: DecisionIn, p: Reviewer, rt: RuntimeDep) -> dict[str, Any]:
    return await workflows.decide(rt, p, run_id, approve=False, comment=body.comment)


@router.post("/batches/{batch_id}/sign-off")
async def sign_off(batch_id: str, body: DecisionIn, p: Reviewer, rt: RuntimeDep) -> dict[str, Any]:
    """Approve every run of the batch waiting for its sign-off, in one ledgered decision (HO-3)."""
    return await workflows.sign_off(rt, p, batch_id, comment=body.comment)


@router.post("/runs/{run_id}/resume")
async def resume(run_id: str, body: ResumeIn, p: Resumer, rt: RuntimeDep) -> dict[str, Any]:
    """Go on with a run (after a restart, or once a held answer was reviewed); ``settle`` for a step cut
    off while running that is not idempotent (a reviewer or admin)."""
    return await workflows.resume(rt, p, run_id, settle=body.settle, output=body.output)
