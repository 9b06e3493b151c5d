"""The store side of the scheduler: lease rows and run rows, each change one small writer function.

A replica takes a job with one conditional UPDATE on its ``job_leases`` row: the job is due and the
lease is free, expired or already this replica's. PostgreSQL re-checks the WHERE clause after
waiting on the row lock and SQLite runs writes one at a time, so of two replicas racing for the same
row exactly one sees ``rowcount == 1``. The holder renews ``lease_until`` while the job runs; a holder
that crashes stops renewing, its lease expires, and the next replica to claim the (still due) job
marks the abandoned run failed and runs it again.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Engine, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from charter.jobs.tables import job_leases, job_runs
from charter.store.records import pick
from charter.store.types import iso

__all__ = [
    "Lease",
    "claim",
    "ensure_leases",
    "finish",
    "json_outcome",
    "list_runs",
    "next_due",
    "read_leases",
    "recent_statuses",
    "renew",
]

_ERROR_CHARS = 4000


class Lease:
    """One ``job_leases`` row as read (no behaviour beyond :meth:`claimable`)."""

    __slots__ = ("due_at", "holder", "lease_until", "name", "run_id")

    def __init__(self, row: Any) -> None:
        self.name: str = row.name
        self.holder: str | None = row.holder
        self.run_id: str | None = row.run_id
        self.lease_until: dt.datetime | None = row.lease_until
        self.due_at: dt.datetime = row.due_at

    def claimable(self, replica: str, now: dt.datetime) -> bool:
        free = self.holder is None or self.holder == replica or self.lease_until is None or self.lease_until <= now
        return free and self.due_at <= now

    def as_dict(self) -> dict[str, Any]:
        return {
            "due_at": iso(self.due_at),
            "holder": self.holder,
            "run_id": self.run_id,
            "lease_until": iso(self.lease_until),
        }


def ensure_leases(conn: Connection, names: Iterable[str], now: dt.datetime) -> None:
    """Create the lease row of each job that has none (due at once); concurrent creators are fine."""
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    for name in names:
        conn.execute(
            insert(job_leases)
            .values(name=name, holder=None, run_id=None, lease_until=None, due_at=now, updated_at=now)
            .on_conflict_do_nothing(index_elements=["name"])
        )


def read_leases(engine: Engine) -> dict[str, Lease]:
    with engine.connect() as conn:
        return {row.name: Lease(row) for row in conn.execute(select(job_leases))}


def claim(
    conn: Connection, name: str, *, replica: str, run_id: str, now: dt.datetime, lease_s: float, force: bool = False
) -> bool:
    """Take the job's lease and open its run row; ``False`` when another replica holds it or it is not
    due (``force``: due or not, as long as the lease is free). A run left ``running`` by a holder
    whose lease expired is closed as failed."""
    previous = conn.execute(select(job_leases).where(job_leases.c.name == name)).first()
    free = or_(job_leases.c.holder.is_(None), job_leases.c.holder == replica, job_leases.c.lease_until <= now)
    conditions = [job_leases.c.name == name, free]
    if not force:
        conditions.append(job_leases.c.due_at <= now)
    taken = conn.execute(
        update(job_leases)
        .where(*conditions)
        .values(holder=replica, run_id=run_id, lease_until=now + dt.timedelta(seconds=lease_s), updated_at=now)
    )
    if taken.rowcount != 1:
        return False
    if previous is not None and previous.run_id is not None and previous.holder not in (None, replica):
        conn.execute(
            update(job_runs)
            .where(job_runs.c.id == previous.run_id, job_runs.c.status == "running")
            .values(
                status="failed",
                finished_at=now,
                error=f"abandoned: replica {previous.holder} stopped renewing its lease "
                f"(expired {iso(previous.lease_until)}); {replica} took the job over",
            )
        )
    conn.execute(job_runs.insert().values(id=run_id, job=name, replica=replica, status="running", started_at=now))
    return True


def renew(conn: Connection, name: str, *, replica: str, run_id: str, now: dt.datetime, lease_s: float) -> bool:
    """Extend a held lease; ``False`` when this replica lost it (another took the job over)."""
    done = conn.execute(
        update(job_leases)
        .where(job_leases.c.name == name, job_leases.c.holder == replica, job_leases.c.run_id == run_id)
        .values(lease_until=now + dt.timedelta(seconds=lease_s), updated_at=now)
    )
    return done.rowcount == 1


def next_due(started: dt.datetime, finished: dt.datetime, interval_s: float) -> dt.datetime:
    """The next slot of the job's cadence after ``finished``: an overrunning job skips the slots it
    overran rather than running back to back."""
    elapsed = max(0.0, (finished - started).total_seconds())
    slots = math.floor(elapsed / interval_s) + 1
    return started + dt.timedelta(seconds=slots * interval_s)


def json_outcome(outcome: Any) -> Any:
    """The outcome as plain JSON (anything else becomes its string)."""
    return json.loads(json.dumps(outcome, default=str))


def finish(
    conn: Connection,
    name: str,
    *,
    replica: str,
    run_id: str,
    now: dt.datetime,
    status: str,
    outcome: dict[str, Any] | None,
    error: str | None,
    due_at: dt.datetime | None,
) -> bool:
    """Close the run row and give the lease back (``due_at`` None: leave the due time, so another
    replica picks the job up at once). ``False`` when the lease had already been lost."""
    conn.execute(
        update(job_runs)
        .where(job_runs.c.id == run_id)
        .values(status=status, finished_at=now, outcome=outcome, error=None if error is None else error[:_ERROR_CHARS])
    )
    values: dict[str, Any] = {"holder": None, "run_id": None, "lease_until": None, "updated_at": now}
    if due_at is not None:
        values["due_at"] = due_at
    released = conn.execute(
        update(job_leases)
        .where(job_leases.c.name == name, job_leases.c.holder == replica, job_leases.c.run_id == run_id)
        .values(**values)
    )
    return released.rowcount == 1


def _run_dict(row: Any) -> dict[str, Any]:
    return {
        **pick(row, "id", "job", "replica", "status"),
        "started_at": iso(row.started_at),
        "finished_at": iso(row.finished_at),
        **pick(row, "outcome", "error"),
    }


def list_runs(conn: Connection, *, job: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
    """Runs, newest first."""
    query = select(job_runs)
    if job is not None:
        query = query.where(job_runs.c.job == job)
    rows = conn.execute(query.order_by(job_runs.c.started_at.desc(), job_runs.c.id.desc()).limit(limit))
    return [_run_dict(r) for r in rows]


def recent_statuses(conn: Connection, job: str, limit: int) -> list[str]:
    """Statuses of the job's latest finished runs, newest first."""
    rows = conn.execute(
        select(job_runs.c.status)
        .where(job_runs.c.job == job, job_runs.c.status != "running")
        .order_by(job_runs.c.started_at.desc(), job_runs.c.id.desc())
        .limit(limit)
    )
    return [str(r[0]) for r in rows]
