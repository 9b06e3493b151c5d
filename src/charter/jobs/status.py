"""What ``charter jobs list`` and ``GET /api/v1/jobs`` show: each job with its lease and last run,
and the run history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, select

from charter.jobs.base import Job
from charter.jobs.leases import Lease, list_runs, recent_statuses
from charter.jobs.tables import job_leases

__all__ = ["consecutive_failures", "jobs_report"]


def consecutive_failures(conn: Connection, job: str, limit: int) -> int:
    """How many of the job's latest finished runs failed in a row (looking at ``limit`` at most)."""
    count = 0
    for status in recent_statuses(conn, job, limit):
        if status != "failed":
            break
        count += 1
    return count


def _job_dict(conn: Connection, job: Job, lease: Lease | None, now: dt.datetime) -> dict[str, Any]:
    last = list_runs(conn, job=job.name, limit=1)
    held = lease is not None and lease.holder is not None and lease.lease_until is not None and lease.lease_until > now
    return {
        "name": job.name,
        "description": job.description,
        "interval_s": job.interval_s,
        "due_at": None if lease is None else lease.as_dict()["due_at"],
        "running": held,
        "holder": lease.holder if held and lease is not None else None,
        "lease_until": lease.as_dict()["lease_until"] if held and lease is not None else None,
        "last_run": last[0] if last else None,
        "consecutive_failures": consecutive_failures(conn, job.name, 20),
    }


def jobs_report(
    conn: Connection, jobs: Sequence[Job], *, now: dt.datetime, job: str | None = None, limit: int = 50
) -> dict[str, Any]:
    """``{"jobs": [...], "runs": [...]}``: every known job (or ``job``) and its latest runs, newest first."""
    rows = {row.name: Lease(row) for row in conn.execute(select(job_leases))}
    chosen = [j for j in jobs if job is None or j.name == job]
    return {
        "jobs": [_job_dict(conn, j, rows.get(j.name), now) for j in chosen],
        "runs": list_runs(conn, job=job, limit=limit),
    }
