"""The jobs capability's face for the server and the CLI: start and stop this replica's scheduler
over the built-in jobs, list jobs and runs, run one job now."""

from __future__ import annotations

from typing import Any

from charter.errors import NotFound
from charter.jobs.base import Job
from charter.jobs.catalog import builtin_jobs
from charter.jobs.scheduler import PART, RunResult, Scheduler, effective_jobs, scheduler_of
from charter.jobs.status import jobs_report
from charter.runtime import Runtime
from charter.store.schema import utcnow

__all__ = ["jobs_of", "list_jobs", "run_job", "start_scheduler", "stop_scheduler"]


def jobs_of(rt: Runtime) -> list[Job]:
    """The built-in jobs with this deployment's interval overrides."""
    return effective_jobs(rt.settings, builtin_jobs(rt.settings))


async def start_scheduler(rt: Runtime) -> Scheduler | None:
    """Start this replica's scheduler (app lifespan); none with ``CHARTER_SCHEDULER=off``. Idempotent."""
    if rt.settings.scheduler == "off":
        return None
    existing = scheduler_of(rt)
    if existing is not None:
        return existing
    scheduler = Scheduler(rt, jobs_of(rt))
    rt.parts[PART] = scheduler
    await scheduler.start()
    return scheduler


async def stop_scheduler(rt: Runtime) -> None:
    scheduler = scheduler_of(rt)
    if scheduler is not None:
        rt.parts.pop(PART, None)
        await scheduler.stop()


def list_jobs(rt: Runtime, *, job: str | None = None, limit: int = 50, outcomes: bool = True) -> dict[str, Any]:
    """Every job with its lease and last run, and the latest runs. Outcomes and errors name other
    tenants' use cases and knowledge bases: ``outcomes=False`` leaves them out (tenant principals)."""
    jobs = jobs_of(rt)
    if job is not None and job not in {j.name for j in jobs}:
        raise NotFound(f"no job {job!r}; jobs: {', '.join(j.name for j in jobs)}", code="not_found")
    with rt.engine.connect() as conn:
        report = jobs_report(conn, jobs, now=utcnow(), job=job, limit=limit)
    if not outcomes:
        runs = [r for j in report["jobs"] if (r := j["last_run"]) is not None] + report["runs"]
        for run in runs:
            run["outcome"] = run["error"] = None
    return report


async def run_job(rt: Runtime, name: str) -> RunResult | None:
    """Run one job now in this process, through its lease (``None``: another replica is running it)."""
    scheduler = scheduler_of(rt) or Scheduler(rt, jobs_of(rt))
    return await scheduler.run_now(name)
