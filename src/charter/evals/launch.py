"""Starting an experiment in the server's event loop: ``POST /api/v1/evals/runs`` and the console's
evaluation form both call :func:`launch_run` with a :class:`RunRequest`; the caller checked the role.

A run interrupted by a restart is finished with :func:`resume_run`.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection

from charter.domain import Principal
from charter.errors import InvalidRequest
from charter.evals import experiments, suites
from charter.evals.targets import ProviderTarget
from charter.policy.current import get_charter
from charter.runtime import Runtime

__all__ = ["RunRequest", "launch_run", "resume_run"]

log = logging.getLogger(__name__)


class RunRequest(BaseModel):
    """What to evaluate: a use case (its suite gives the dataset and evaluators), or a dataset,
    evaluators and models."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    use_case: str | None = Field(default=None, max_length=64)
    dataset: str | None = Field(default=None, max_length=80)
    evaluators: list[str | dict[str, Any]] = Field(default_factory=list, max_length=50)
    prompts: list[str] = Field(default_factory=list, max_length=20)
    models: list[str] = Field(default_factory=list, max_length=20)
    seed: int = 0
    concurrency: int = Field(default=4, ge=1, le=64)


def _plan(conn: Connection, tenant_id: str, body: RunRequest) -> tuple[experiments.ExperimentPlan, str | None]:
    if body.use_case:
        for given, field in ((body.dataset, "dataset"), (body.evaluators, "evaluators")):
            if given:  # the approved suite decides these; a caller's own would be silently dropped
                raise InvalidRequest(
                    f"with use_case the use case's approved evaluation suite gives the dataset and evaluators: "
                    f"leave `{field}` out, or leave use_case out to name them yourself",
                    code="invalid_value", param=field,
                )
        suite = suites.get_suite(conn, tenant_id, body.use_case)
        charter = get_charter(conn, tenant_id, body.use_case)[2]
        default: list[str | None] = [f"{charter.prompt}:{charter.prompt_label}"] if charter.prompt else [None]
        prompts: list[str | None] = [*body.prompts] or default
        return experiments.ExperimentPlan(
            dataset=f"{suite.dataset}@{suite.dataset_version}",
            models=tuple(body.models or charter.models[:1]),
            evaluators=suite.evaluators,
            prompts=tuple(prompts),
            use_case=body.use_case,
            params=suite.params,
            seed=body.seed,
        ), suite.use_case_id
    if not body.dataset or not body.evaluators or not body.models:
        raise InvalidRequest("without use_case give dataset, evaluators and models", code="missing_field")
    return experiments.ExperimentPlan(
        dataset=body.dataset,
        models=tuple(body.models),
        evaluators=suites.evaluator_specs(body.evaluators),
        prompts=tuple(body.prompts) or (None,),
        seed=body.seed,
    ), None


async def launch_run(rt: Runtime, p: Principal, body: RunRequest) -> dict[str, Any]:
    """Plan, check, record and start an experiment; its id is in the answer (``experiment_id``)."""
    plan, uc_id = await asyncio.to_thread(rt.read, lambda conn: _plan(conn, p.tenant_id, body))
    # refuse bad specs now
    experiments.build_evaluators(rt, plan.evaluators, ProviderTarget(rt, p.tenant_id), tenant_id=p.tenant_id)
    started: dict[str, Any] = await rt.writer.awrite(
        lambda c: experiments.start_experiment(
            c, p.tenant_id, plan, actor=p.key_id, target="providers", use_case_id=uc_id
        )
    )
    resume_run(rt, p.tenant_id, started["experiment_id"], body.concurrency, p.key_id)
    return started


def resume_run(rt: Runtime, tenant_id: str, experiment_id: str, concurrency: int, actor: str) -> None:
    """Run (or finish) an experiment's runs in a background task of the running event loop."""
    tasks: set[asyncio.Task[Any]] = rt.parts.setdefault("eval_tasks", set())
    target = ProviderTarget(rt, tenant_id)
    task = asyncio.get_running_loop().create_task(
        experiments.execute(rt, tenant_id, experiment_id, target, concurrency=concurrency, actor=actor)
    )
    tasks.add(task)
    task.add_done_callback(tasks.discard)
    task.add_done_callback(_report_failure)


def _report_failure(task: asyncio.Task[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("evaluation experiment failed; resume it with POST .../resume", exc_info=task.exception())
