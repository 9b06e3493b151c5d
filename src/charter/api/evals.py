"""The evaluation API under ``/api/v1/evals``: datasets, suites, runs, comparisons, gates, reports.

Runs started here execute in the server's event loop (202 + the experiment id); poll
``GET /api/v1/evals/runs?experiment=...``. A run interrupted by a restart is finished with
``POST /api/v1/evals/experiments/{id}/resume``.
"""

from __future__ import annotations

import asyncio
from typing import Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse
from pydantic import Field

from charter.api.deps import Builder, RuntimeDep, Staff
from charter.api.params import JsonBody
from charter.errors import NotFound
from charter.evals import approvals, compare, datasets, experiments, gate, report, suites
from charter.evals.breakdown import breakdown
from charter.evals.launch import RunRequest, launch_run, resume_run

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/evals", tags=["evaluations"])


class DatasetIn(JsonBody):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]{0,62}$")
    format: Literal["jsonl", "csv"] = "jsonl"
    content: str = Field(min_length=1, max_length=20_000_000)
    description: str = Field(default="", max_length=2000)
    source: str = Field(default="api", max_length=200)


class SuiteIn(JsonBody):
    dataset: str = Field(min_length=1, max_length=80)
    evaluators: list[str | dict[str, Any]] = Field(min_length=1, max_length=50)
    thresholds: dict[str, dict[str, float]] = Field(default_factory=dict)
    params: dict[str, Any] = Field(default_factory=dict)


class GateIn(JsonBody):
    use_case: str = Field(max_length=64)
    prompt: str | None = Field(default=None, max_length=80, description="Candidate prompt version: name@N.")
    model: str | None = Field(default=None, max_length=64, description="Candidate model alias.")
    label: str = Field(default="production", max_length=64)
    run_id: str | None = Field(default=None, max_length=40)


class ModelChangeRequestIn(JsonBody):
    """The caller asks for the change: its key is the requester (there is no ``requested_by``)."""

    use_case: str = Field(max_length=64)
    to_alias: str = Field(min_length=1, max_length=64)
    reason: str = Field(default="", max_length=2000)


class ModelApprovalIn(JsonBody):
    """The caller approves a request: its key is the approver and must not be the requester's."""

    request_id: str = Field(min_length=1, max_length=40)
    run_id: str | None = Field(default=None, max_length=40)


# -- datasets and suites ----------------------------------------------------------------------
@router.get("/datasets")
def list_datasets(p: Staff, rt: RuntimeDep) -> list[dict[str, Any]]:
    return rt.read(lambda conn: datasets.list_datasets(conn, p.tenant_id))


@router.post("/datasets", status_code=201)
def import_dataset(body: DatasetIn, p: Builder, rt: RuntimeDep) -> dict[str, Any]:
    result: dict[str, Any] = rt.writer.write(
        lambda c: datasets.import_dataset(
            c,
            p.tenant_id,
            body.name,
            body.content,
            fmt=body.format,
            actor=p.key_id,
            source=body.source,
            description=body.description,
        )
    )
    return result


@router.post("/suites/{use_case}/approve")
def approve_suite(use_case: str, p: Builder, rt: RuntimeDep) -> dict[str, Any]:
    """Approve the suite's current state (the caller must not have set it nor created its dataset
    version): a suite that is a requester's own work gates their change only after this."""
    decision = rt.writer.write(lambda c: approvals.approve_suite(c, p.tenant_id, use_case, approver=p.key_id))
    if not decision.passed:
        raise decision.error()
    return decision.as_dict()


@router.get("/suites/{use_case}")
def show_suite(use_case: str, p: Staff, rt: RuntimeDep) -> dict[str, Any]:
    return rt.read(lambda conn: suites.get_suite(conn, p.tenant_id, use_case).as_dict())


@router.put("/suites/{use_case}")
def set_suite(use_case: str, body: SuiteIn, p: Builder, rt: RuntimeDep) -> dict[str, Any]:
    known = rt.extensions.names("evaluators")
    spec = suites.SuiteSpec(use_case=use_case, **body.model_dump())
    result: dict[str, Any] = rt.writer.write(
        lambda c: suites.set_suite(c, p.tenant_id, spec, actor=p.key_id, known=known)
    )
    return result


# -- runs -------------------------------------------------------------------------------------
@router.post("/runs", status_code=202)
async def start_run(body: RunRequest, p: Builder, rt: RuntimeDep) -> dict[str, Any]:
    """Start an experiment over the registered models; it runs in the background."""
    return await launch_run(rt, p, body)


@router.post("/experiments/{experiment_id}/resume", status_code=202)
async def resume(
    experiment_id: str, p: Builder, rt: RuntimeDep, concurrency: int = Query(default=4, ge=1, le=64)
) -> dict[str, Any]:
    def runs() -> list[dict[str, Any]]:
        return rt.read(lambda conn: experiments.list_runs(conn, p.tenant_id, experiment=experiment_id))

    if not await asyncio.to_thread(runs):
        raise NotFound(f"experiment {experiment_id!r} not found")
    resume_run(rt, p.tenant_id, experiment_id, concurrency, p.key_id)
    return {"experiment_id": experiment_id, "resumed": True}


@router.get("/runs")
def list_runs(
    p: Staff,
    rt: RuntimeDep,
    experiment: str | None = Query(default=None, max_length=40),
    limit: int = Query(default=50, ge=1, le=500),
) -> list[dict[str, Any]]:
    return rt.read(lambda conn: experiments.list_runs(conn, p.tenant_id, limit=limit, experiment=experiment))


@router.get("/runs/{run_id}")
def show_run(run_id: str, p: Staff, rt: RuntimeDep, items: bool = Query(default=False)) -> dict[str, Any]:
    with rt.engine.connect() as conn:
        data = experiments.run_dict(experiments.load_run(conn, p.tenant_id, run_id))
        if items:
            data["results"] = [
                {"item": c.idx, "input": c.input, "output": a.text, "refused": a.refused, "error": a.error, "scores": s}
                for c, a, s in experiments.run_scored(conn, p.tenant_id, run_id)
            ]
    return data


@router.get("/runs/{run_id}/breakdown")
def run_breakdown(
    run_id: str, p: Staff, rt: RuntimeDep, by: str = Query(default="tag", max_length=64)
) -> dict[str, Any]:
    """Every metric per tag or per item metadata value (``by=group``, ``by=language``), with the widest gap."""
    return rt.read(lambda conn: breakdown(conn, p.tenant_id, run_id, by=by))


@router.get("/compare")
def compare_runs(
    p: Staff, rt: RuntimeDep, a: str = Query(max_length=40), b: str = Query(max_length=40), seed: int = Query(default=0)
) -> dict[str, Any]:
    return rt.read(lambda conn: compare.compare_runs(conn, p.tenant_id, a, b, seed=seed))


@router.get("/report", response_class=HTMLResponse)
def html_report(p: Staff, rt: RuntimeDep, ids: list[str] = Query(min_length=1, max_length=20)) -> HTMLResponse:
    return rt.read(lambda conn: HTMLResponse(report.render_report(conn, p.tenant_id, ids)))


# -- the gate ---------------------------------------------------------------------------------
@router.post("/gate")
def check_gate(body: GateIn, p: Staff, rt: RuntimeDep) -> dict[str, Any]:
    """Would this candidate pass? Read only: nothing moves, nothing is recorded."""
    return rt.read(lambda conn: gate.check_candidate(conn, p.tenant_id, gate.Candidate(**body.model_dump())).as_dict())


@router.post("/approvals/model/requests", status_code=201)
def request_model_change(body: ModelChangeRequestIn, p: Builder, rt: RuntimeDep) -> dict[str, Any]:
    """Ask for a model change (MD-3); the caller's key is the requester. Another key approves it."""
    result: dict[str, Any] = rt.writer.write(
        lambda c: approvals.request_model_change(
            c, p.tenant_id, body.use_case, to_alias=body.to_alias, actor=p.key_id, reason=body.reason
        )
    )
    return result


@router.get("/approvals/model/requests")
def list_model_change_requests(
    p: Staff, rt: RuntimeDep, limit: int = Query(default=50, ge=1, le=500)
) -> list[dict[str, Any]]:
    return rt.read(lambda conn: approvals.list_model_change_requests(conn, p.tenant_id, limit=limit))


@router.post("/approvals/model")
def approve_model_change(body: ModelApprovalIn, p: Builder, rt: RuntimeDep) -> dict[str, Any]:
    """Record the caller's approval of a model change request; 409 ``same_principal`` when the caller
    asked for it, ``suite_changed_by_requester`` or ``gate_failed`` when the gate refuses (recorded too)."""
    decision = rt.writer.write(
        lambda c: approvals.approve_model_change(c, p.tenant_id, body.request_id, approver=p.key_id, run_id=body.run_id)
    )
    if not decision.passed:
        raise decision.error()
    return decision.as_dict()
