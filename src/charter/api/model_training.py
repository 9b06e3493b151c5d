"""``/api/v1/training/jobs`` (fine-tuning jobs: queue, list, show) and ``/api/v1/models/{alias}/canary``
(canaries: start, list, evaluate, stop), admin and developer as the model registry's API
(docs/learning.md). Thin: every route calls :mod:`charter.training.jobs` or :mod:`charter.training.canary`,
as ``charter train run|jobs|job`` and ``charter models canary ...`` do."""

from __future__ import annotations

import functools
from typing import Any

from fastapi import APIRouter
from pydantic import Field, field_validator

from charter.api.deps import Builder, RuntimeDep
from charter.api.params import JsonBody
from charter.errors import NotFound
from charter.monitor.alerts import fire
from charter.providers.embedded import EMBEDDED_MODELS
from charter.training import canary
from charter.training.jobs import TrainingRequest, get_training_job, list_training_jobs, submit_training

__all__ = ["router"]

# One flat router: the edge (charter.api.edge) reads each route's roles from ``router.routes``, and
# FastAPI keeps an included router's routes behind an ``_IncludedRouter`` it cannot see into.
router = APIRouter(prefix="/api/v1")


class JobIn(JsonBody):
    dataset_id: str = Field(min_length=1, max_length=40)
    alias: str = Field(min_length=1, max_length=64)
    base: str = Field(default="smollm2", max_length=64, description="An embedded model (a file path: CLI only).")
    options: dict[str, Any] = Field(default_factory=dict)

    @field_validator("base")
    @classmethod
    def _embedded(cls, value: str) -> str:
        if value not in EMBEDDED_MODELS:
            raise ValueError(f"base must be an embedded model ({', '.join(EMBEDDED_MODELS)})")
        return value


class CanaryIn(JsonBody):
    version: int = Field(ge=1, le=2_147_483_647)
    share: float = 0.1
    min_samples: int = Field(default=100, le=100_000_000)
    alpha: float = 0.05


class StopIn(JsonBody):
    reason: str = Field(default="", max_length=500)


@router.post("/training/jobs", status_code=201, tags=["training"])
def queue_job(body: JobIn, p: Builder, rt: RuntimeDep) -> dict[str, Any]:
    """Queue a fine-tuning job (``charter train run``); the scheduler's ``training.run`` job runs it."""
    request = TrainingRequest(alias=body.alias, dataset_id=body.dataset_id, base=body.base, options=body.options)
    row: dict[str, Any] = rt.writer.write(lambda c: submit_training(rt, c, p.tenant_id, request, actor=p.key_id))
    return row


@router.get("/training/jobs", tags=["training"])
def list_jobs(p: Builder, rt: RuntimeDep) -> list[dict[str, Any]]:
    """Fine-tuning jobs, newest first, with progress and cost."""
    return rt.read(lambda conn: list_training_jobs(conn, p.tenant_id))


@router.get("/training/jobs/{job_id}", tags=["training"])
def show_job(job_id: str, p: Builder, rt: RuntimeDep) -> dict[str, Any]:
    return rt.read(lambda conn: get_training_job(conn, p.tenant_id, job_id))


@router.post("/models/{alias}/canary", status_code=201, tags=["models"])
def start(alias: str, body: CanaryIn, p: Builder, rt: RuntimeDep) -> dict[str, Any]:
    """Gate the candidate (not the caller's own registration) and give it a share of the traffic
    (``409 gate_failed``, ``same_principal``, ``canary_running``; the decisions are recorded)."""
    begin = canary.CanaryStart(alias=alias, version=body.version, share=body.share, min_samples=body.min_samples,
                               alpha=body.alpha)
    row, decisions = rt.writer.write(lambda c: canary.start_canary(c, p.tenant_id, begin, actor=p.key_id))
    for decision in decisions:
        if not decision.passed:
            raise decision.error()
    assert row is not None
    rt.policy_changed()
    return {**row, "gate": [d.as_dict() for d in decisions]}


@router.get("/models/{alias}/canaries", tags=["models"])
def list_(alias: str, p: Builder, rt: RuntimeDep) -> list[dict[str, Any]]:
    """The alias's canaries, newest first, with their last comparison."""
    return rt.read(lambda conn: canary.list_canaries(conn, p.tenant_id, alias))


@router.post("/models/{alias}/canary/evaluate", tags=["models"])
async def evaluate(alias: str, p: Builder, rt: RuntimeDep) -> dict[str, Any]:
    """Compare the canary with the serving version now (what the ``models.canary`` job does); a
    withdrawal fires its alert."""
    found = [r for r in await rt.writer.awrite(lambda c: canary.list_canaries(c, p.tenant_id, alias))
             if r["state"] in ("running", "promotable")]
    if not found:
        raise NotFound(f"{alias} has no running canary", code="not_found")
    row, comparison = await rt.writer.awrite(
        functools.partial(canary.evaluate_canary, canary_id=found[0]["id"], actor=p.key_id))
    if row["state"] == "withdrawn" and comparison.verdict == "regression":
        await fire(rt, canary.withdrawal_alert(row, p.tenant_id))
        rt.policy_changed()
    return dict(row)


@router.post("/models/{alias}/canary/stop", tags=["models"])
def stop(alias: str, p: Builder, rt: RuntimeDep, body: StopIn | None = None) -> dict[str, Any]:
    """End the canary by hand: the version goes back to candidate and takes no traffic (ledgered)."""
    reason = "" if body is None else body.reason
    row: dict[str, Any] = rt.writer.write(
        lambda c: canary.stop_canary(c, p.tenant_id, alias, actor=p.key_id, reason=reason))
    rt.policy_changed()
    return row

