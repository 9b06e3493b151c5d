"""The scheduler: runs each :class:`~charter.jobs.base.Job` once per interval across all replicas.

Every replica with ``CHARTER_SCHEDULER=on`` runs one :class:`Scheduler` (started from the app's
lifespan). Each poll it reads the ``job_leases`` rows (one cheap read) and, for a job that is due and
whose lease is free or expired, tries to take the lease with one conditional UPDATE
(:mod:`charter.jobs.leases`): exactly one replica wins. The winner runs the job in a task of its
own, renews the lease every third of ``CHARTER_JOB_LEASE_S`` while it runs, records the run
(status, outcome, error) and moves the job's due time to the next slot of its interval. A replica
that loses its lease mid-run (it stalled past the expiry and another replica took over) cancels its
copy. Jobs do their blocking store work through the runtime's writer or a thread. A job whose
outcome lists ``errors`` finished only part of its work: the run is recorded ``failed`` with it.

A small asyncio loop rather than APScheduler: the decision of who runs what and when lives in the
store lease either way (APScheduler 3 does not coordinate schedulers sharing a job store), so all a
library would add is the timer.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import logging
import os
import secrets
import socket
import time
from collections.abc import Sequence
from typing import Any

from charter.errors import InvalidRequest
from charter.jobs import leases
from charter.jobs.base import Job
from charter.runtime import Runtime
from charter.settings import Settings
from charter.store.schema import new_id, utcnow

__all__ = ["PART", "RunResult", "Scheduler", "effective_jobs", "replica_id", "scheduler_of"]

log = logging.getLogger(__name__)

#: Where a runtime keeps its scheduler (``rt.parts``).
PART = "jobs.scheduler"


def replica_id() -> str:
    """This process among the replicas: host, pid and a random suffix (a restarted pid is another)."""
    return f"{socket.gethostname()[:80]}:{os.getpid()}:{secrets.token_hex(4)}"


def effective_jobs(settings: Settings, jobs: Sequence[Job]) -> list[Job]:
    """The jobs with ``CHARTER_JOB_INTERVALS`` applied; an override naming no job is refused."""
    names = [job.name for job in jobs]
    if len(set(names)) != len(names):
        raise InvalidRequest(f"two jobs share a name: {sorted(names)}", code="invalid_value")
    unknown = sorted(set(settings.job_intervals) - set(names))
    if unknown:
        raise InvalidRequest(
            f"CHARTER_JOB_INTERVALS names no job: {', '.join(unknown)} (jobs: {', '.join(sorted(names))})",
            code="invalid_value",
            param="job_intervals",
        )
    bad = sorted(name for name, seconds in settings.job_intervals.items() if not seconds > 0)
    if bad:
        raise InvalidRequest(f"job intervals must be positive: {', '.join(bad)}", code="invalid_value")
    return [
        dataclasses.replace(job, interval_s=float(settings.job_intervals[job.name]))
        if job.name in settings.job_intervals
        else job
        for job in jobs
    ]


@dataclasses.dataclass(frozen=True)
class RunResult:
    job: str
    run_id: str
    status: str  # ok | failed
    outcome: dict[str, Any] | None
    error: str | None


class Scheduler:
    """Runs ``jobs`` for ``rt`` (see the module docstring). ``start()``/``stop()`` from the lifespan;
    :meth:`tick` and :meth:`run_now` are the single steps (tests and ``charter jobs run``)."""

    def __init__(self, rt: Runtime, jobs: Sequence[Job], *, replica: str | None = None) -> None:
        self.rt = rt
        self.jobs = {job.name: job for job in effective_jobs(rt.settings, jobs)}
        self.replica = replica or replica_id()
        self.poll_s = rt.settings.scheduler_poll_s
        self.lease_s = rt.settings.job_lease_s
        self.running: dict[str, asyncio.Task[RunResult | None]] = {}
        self.task: asyncio.Task[None] | None = None
        self.last_tick: float | None = None  # monotonic time of the last good poll
        self.last_error: str | None = None
        self._started = time.monotonic()
        self._stopping = asyncio.Event()
        #: Run records being written: a stop waits for them, so no run is left saying "running".
        self._finishing: set[asyncio.Future[Any]] = set()

    # -- lifecycle -------------------------------------------------------------------------
    async def start(self) -> None:
        await self.rt.writer.awrite(lambda conn: leases.ensure_leases(conn, self.jobs, utcnow()))
        if self.task is None:
            self._started = time.monotonic()
            self.task = asyncio.create_task(self._loop(), name="charter-scheduler")

    async def stop(self) -> None:
        """Stop polling, cancel runs in progress and give their leases back still due, so another
        replica runs them at once."""
        self._stopping.set()
        if self.task is not None:
            await self.task
            self.task = None
        for task in list(self.running.values()):
            task.cancel()
        await asyncio.gather(*self.running.values(), return_exceptions=True)
        # a run cancelled while its record was being written: the write goes on; wait for it
        await asyncio.gather(*self._finishing, return_exceptions=True)

    def healthy(self) -> tuple[bool, str]:
        """Whether the loop is alive and polled recently (for ``/readyz``)."""
        if self.task is None or self.task.done():
            return False, "the scheduler loop is not running"
        age = time.monotonic() - (self.last_tick if self.last_tick is not None else self._started)
        limit = max(30.0, 10 * self.poll_s)
        if self.last_tick is None and age <= limit:
            return True, "starting"
        if age > limit:
            return False, f"no successful poll for {age:.0f} s ({self.last_error or 'stalled'})"
        return True, f"polled {age:.1f} s ago"

    async def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                await self.tick()
                self.last_tick, self.last_error = time.monotonic(), None
            except Exception as exc:  # the store may be down: keep polling, say it once
                if str(exc) != self.last_error:
                    log.exception("scheduler poll failed")
                self.last_error = str(exc)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.poll_s)

    # -- one step ----------------------------------------------------------------------------
    async def tick(self) -> list[str]:
        """Take and start every due job whose lease is free; returns the names this replica started."""
        now = utcnow()
        rows = await asyncio.to_thread(leases.read_leases, self.rt.engine)
        missing = [name for name in self.jobs if name not in rows]
        if missing:
            await self.rt.writer.awrite(lambda conn: leases.ensure_leases(conn, missing, now))
            return []
        started = []
        for name, job in self.jobs.items():
            if name in self.running or self._stopping.is_set() or not rows[name].claimable(self.replica, now):
                continue
            run_id = await self._claim(name)
            if run_id is not None:
                self.running[name] = asyncio.create_task(self._run(job, run_id), name=f"charter-job-{name}")
                started.append(name)
        return started

    async def run_now(self, name: str) -> RunResult | None:
        """Run one job here and now if its lease is free (due or not); ``None`` when another holds it."""
        job = self.jobs.get(name)
        if job is None:
            raise InvalidRequest(f"no job {name!r}; jobs: {', '.join(sorted(self.jobs))}", code="invalid_value")
        if name in self.running:
            return None
        await self.rt.writer.awrite(lambda conn: leases.ensure_leases(conn, [name], utcnow()))
        run_id = await self._claim(name, force=True)
        if run_id is None or name in self.running:
            return None
        task = self.running[name] = asyncio.create_task(self._run(job, run_id), name=f"charter-job-{name}")
        return await task

    async def _claim(self, name: str, *, force: bool = False) -> str | None:
        run_id = new_id("jrun")
        taken = await self.rt.writer.awrite(
            lambda conn: leases.claim(
                conn, name, replica=self.replica, run_id=run_id, now=utcnow(), lease_s=self.lease_s, force=force
            )
        )
        return run_id if taken else None

    async def _renew(self, name: str, run_id: str) -> bool:
        try:
            return await self.rt.writer.awrite(
                lambda conn: leases.renew(
                    conn, name, replica=self.replica, run_id=run_id, now=utcnow(), lease_s=self.lease_s
                )
            )
        except Exception:  # the store is down: keep the job running; the next renewal tries again
            log.exception("renewing the lease of job %s failed", name)
            return True

    async def _run(self, job: Job, run_id: str) -> RunResult | None:
        started = utcnow()
        work = asyncio.create_task(_call(job, self.rt), name=f"charter-job-{job.name}-work")
        result: RunResult | None = None
        due: dt.datetime | None = None
        try:
            lost = not await self._hold(job.name, run_id, work)
            result = self._result(job.name, run_id, work, lost=lost)
            due = leases.next_due(started, utcnow(), job.interval_s)
        except asyncio.CancelledError:  # stopping: record it and hand the job back still due
            work.cancel()
            await asyncio.gather(work, return_exceptions=True)
            result = RunResult(job.name, run_id, "failed", None, f"stopped: replica {self.replica} shut down")
        finally:
            self.running.pop(job.name, None)
            if result is not None:
                await self._finish(result, due)
        return result

    async def _hold(self, name: str, run_id: str, work: asyncio.Task[dict[str, Any]]) -> bool:
        """Wait for ``work``, renewing the lease; ``False`` (and ``work`` cancelled) if the lease was lost."""
        while True:
            done, _ = await asyncio.wait({work}, timeout=self.lease_s / 3)
            if done:
                return True
            if not await self._renew(name, run_id):
                log.error("job %s: replica %s lost its lease mid-run; cancelling its copy", name, self.replica)
                work.cancel()
                await asyncio.gather(work, return_exceptions=True)
                return False

    def _result(self, name: str, run_id: str, work: asyncio.Task[dict[str, Any]], *, lost: bool) -> RunResult:
        if lost:
            return RunResult(name, run_id, "failed", None, "lease lost mid-run: another replica took the job over")
        exc = work.exception()
        if exc is not None:
            log.error("job %s failed", name, exc_info=exc)
            return RunResult(name, run_id, "failed", None, f"{type(exc).__name__}: {exc}")
        outcome = leases.json_outcome(work.result())
        errors = outcome.get("errors") if isinstance(outcome, dict) else None
        if errors:  # finished, but some of its work could not be done: failed, with what it did
            return RunResult(name, run_id, "failed", outcome, "; ".join(str(e) for e in errors))
        return RunResult(name, run_id, "ok", outcome, None)

    async def _finish(self, result: RunResult, due: dt.datetime | None) -> None:
        write = asyncio.ensure_future(
            self.rt.writer.awrite(
                lambda conn: leases.finish(
                    conn,
                    result.job,
                    replica=self.replica,
                    run_id=result.run_id,
                    now=utcnow(),
                    status=result.status,
                    outcome=result.outcome,
                    error=result.error,
                    due_at=due,
                )
            )
        )
        self._finishing.add(write)
        write.add_done_callback(self._finishing.discard)
        try:
            await asyncio.shield(write)
        except Exception:  # the lease expires by itself; another replica records the run as abandoned
            log.exception("recording the run of job %s failed", result.job)


async def _call(job: Job, rt: Runtime) -> dict[str, Any]:
    return await job.run(rt)


def scheduler_of(rt: Runtime) -> Scheduler | None:
    """This runtime's scheduler, when one runs here."""
    part = rt.parts.get(PART)
    return part if isinstance(part, Scheduler) else None
