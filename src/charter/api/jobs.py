"""Scheduled jobs over HTTP, and this replica's scheduler. Thin: :mod:`charter.jobs` holds the logic.

``GET /api/v1/jobs`` (admin, auditor): every job with its lease and last run, and the latest runs.
Jobs work across tenants, so their outcomes and errors are shown to platform principals only.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI, Query

from charter.api.deps import Auditor, RuntimeDep
from charter.jobs.service import list_jobs, start_scheduler, stop_scheduler
from charter.runtime import Runtime

__all__ = ["router", "setup"]

router = APIRouter(tags=["jobs"])


@router.get("/api/v1/jobs")
def jobs(
    p: Auditor,
    rt: RuntimeDep,
    job: str | None = Query(default=None, max_length=64, description="Only this job and its runs."),
    limit: int = Query(50, ge=1, le=1000, description="Runs to list, newest first."),
) -> dict[str, Any]:
    return list_jobs(rt, job=job, limit=limit, outcomes=p.platform)


def setup(app: FastAPI) -> None:
    """Run this replica's scheduler (``CHARTER_SCHEDULER``) for as long as the app runs."""

    async def start(rt: Runtime) -> None:
        await start_scheduler(rt)

    app.state.on_start.append(start)
    app.state.on_stop.append(stop_scheduler)
