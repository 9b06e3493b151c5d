"""The scheduler (issue 13 item 4): with two replicas on one store, each interval of a job runs exactly
once; a job that overruns keeps its lease; a holder that stops renewing (frozen or crashed) loses the
job to the other replica once its lease expires; a replica that shuts down hands its job over at once.
Both engines: PostgreSQL (two runtimes, two pools, one database) and SQLite (two runtimes on one file).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest

from charter.errors import InvalidRequest
from charter.jobs.base import Job
from charter.jobs.leases import list_runs, next_due
from charter.jobs.scheduler import Scheduler, effective_jobs
from charter.runtime import Runtime
from charter.settings import Settings


@pytest.fixture
def replicas(settings: Settings) -> Iterator[tuple[Runtime, Runtime]]:
    fast = settings.model_copy(update={"scheduler_poll_s": 0.02, "job_lease_s": 1.0})
    a = Runtime.open(fast)
    b = Runtime.open(fast, migrate=False)
    try:
        yield a, b
    finally:
        b.close()
        a.close()


def _runs(rt: Runtime, job: str) -> list[dict[str, Any]]:
    with rt.engine.connect() as conn:
        return sorted(list_runs(conn, job=job, limit=1000), key=lambda r: r["started_at"])


async def _until(check: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


def _ts(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


async def _both(a: Scheduler, b: Scheduler, body: Callable[[], Awaitable[None]]) -> None:
    await a.start()
    await b.start()
    try:
        await body()
    finally:
        await a.stop()
        await b.stop()


async def test_two_replicas_run_each_interval_of_a_job_exactly_once(replicas):
    rt_a, rt_b = replicas
    interval, calls = 0.25, []

    async def count(rt: Runtime) -> dict[str, Any]:
        calls.append("a" if rt is rt_a else "b")
        await asyncio.sleep(0.01)
        return {"call": len(calls)}

    job = Job("test.count", interval, count)
    a, b = Scheduler(rt_a, [job], replica="replica-a"), Scheduler(rt_b, [job], replica="replica-b")
    await _both(a, b, lambda: _until(lambda: len(calls) >= 8))
    runs = _runs(rt_a, "test.count")
    assert len(runs) == len(calls) >= 8
    if runs[-1]["status"] == "failed":  # the stop may catch the last run in flight
        assert runs.pop()["error"].startswith("stopped: replica")
    assert {r["status"] for r in runs} == {"ok"}
    assert [r["outcome"]["call"] for r in runs] == list(range(1, len(runs) + 1))
    starts = [_ts(r["started_at"]) for r in runs]
    gaps = [(later - earlier).total_seconds() for earlier, later in itertools.pairwise(starts)]
    assert min(gaps) >= interval, gaps  # never twice in one interval, on either replica
    assert max(gaps) < interval + 1.5, gaps  # and never skipped one for long
    assert {r["replica"] for r in runs} <= {"replica-a", "replica-b"}


async def test_an_overrunning_job_keeps_its_lease(replicas):
    rt_a, rt_b = replicas
    runs_by: list[str] = []

    async def slow(rt: Runtime) -> dict[str, Any]:
        runs_by.append("a" if rt is rt_a else "b")
        if len(runs_by) == 1:
            await asyncio.sleep(2.2)  # over two lease lengths (1 s): renewals keep it
        return {}

    job = Job("test.slow", 0.2, slow)
    a, b = Scheduler(rt_a, [job], replica="replica-a"), Scheduler(rt_b, [job], replica="replica-b")

    async def body() -> None:
        await a.start()
        await _until(lambda: len(runs_by) == 1)
        await b.start()
        await _until(lambda: len(runs_by) >= 2)

    try:
        await body()
    finally:
        await a.stop()
        await b.stop()
    first, second = _runs(rt_a, "test.slow")[:2]
    assert (first["replica"], first["status"], first["error"]) == ("replica-a", "ok", None)
    assert (_ts(first["finished_at"]) - _ts(first["started_at"])).total_seconds() >= 2.2
    assert _ts(second["started_at"]) >= _ts(first["finished_at"])  # nobody ran it while it overran


async def test_a_frozen_holder_loses_its_job_to_the_other_replica_when_its_lease_expires(replicas):
    rt_a, rt_b = replicas
    runs_by: list[str] = []
    forever = asyncio.Event()

    async def job_fn(rt: Runtime) -> dict[str, Any]:
        runs_by.append("a" if rt is rt_a else "b")
        if rt is rt_a:
            await forever.wait()  # replica a hangs in the job...
        return {"by": runs_by[-1]}

    async def frozen(name: str, run_id: str) -> bool:
        await forever.wait()  # ...and stops renewing its lease, as a frozen or killed process would
        return True

    job = Job("test.takeover", 0.2, job_fn)
    a, b = Scheduler(rt_a, [job], replica="replica-a"), Scheduler(rt_b, [job], replica="replica-b")
    a._renew = frozen  # type: ignore[method-assign]
    await a.start()
    try:
        await _until(lambda: runs_by == ["a"])
        taken = time.monotonic()
        await b.start()
        await _until(lambda: "b" in runs_by)
        waited = time.monotonic() - taken
        # the job returned; its outcome is written just after (wait for that write, not for a timing)
        await _until(lambda: len(runs := _runs(rt_a, "test.takeover")) >= 2 and runs[1]["status"] != "running")
        abandoned, taken_over = _runs(rt_a, "test.takeover")[:2]
        assert abandoned["replica"] == "replica-a" and abandoned["status"] == "failed"
        assert "abandoned: replica replica-a stopped renewing its lease" in abandoned["error"]
        assert (taken_over["replica"], taken_over["outcome"]) == ("replica-b", {"by": "b"})
        assert 0.3 < waited < 5.0  # after the 1 s lease ran out, not before
    finally:
        await b.stop()
        await a.stop()


async def test_a_replica_that_shuts_down_mid_run_hands_the_job_over_at_once(replicas):
    rt_a, rt_b = replicas
    runs_by: list[str] = []

    async def job_fn(rt: Runtime) -> dict[str, Any]:
        runs_by.append("a" if rt is rt_a else "b")
        if rt is rt_a:
            await asyncio.sleep(60)
        return {}

    job = Job("test.handover", 3600, job_fn)
    a, b = Scheduler(rt_a, [job], replica="replica-a"), Scheduler(rt_b, [job], replica="replica-b")
    a.lease_s = b.lease_s = 30.0  # the handover must not wait for an expiry
    await a.start()
    await _until(lambda: runs_by == ["a"])
    await b.start()
    try:
        await a.stop()
        stopped = time.monotonic()
        await _until(lambda: runs_by == ["a", "b"], timeout=5)
        assert time.monotonic() - stopped < 3
    finally:
        await b.stop()
    first, second = _runs(rt_a, "test.handover")
    assert (first["status"], first["error"]) == ("failed", "stopped: replica replica-a shut down")
    assert (second["replica"], second["status"]) == ("replica-b", "ok")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_job_listing_errors_is_recorded_failed_with_its_outcome(runtime):
    async def partial(rt: Runtime) -> dict[str, Any]:
        return {"done": 2, "errors": ["agency/permits: no evaluation suite"]}

    result = await Scheduler(runtime, [Job("test.partial", 60, partial)]).run_now("test.partial")
    assert result is not None
    assert (result.status, result.outcome, result.error) == (
        "failed", {"done": 2, "errors": ["agency/permits: no evaluation suite"]}, "agency/permits: no evaluation suite")


def test_job_interval_overrides_apply_and_unknown_names_are_refused(tmp_path):
    jobs = [Job("a.job", 60, None), Job("b.job", 30, None)]  # type: ignore[arg-type]
    s = Settings(data_dir=tmp_path, job_intervals={"b.job": 5})
    assert [(j.name, j.interval_s) for j in effective_jobs(s, jobs)] == [("a.job", 60), ("b.job", 5.0)]
    with pytest.raises(InvalidRequest) as refused:
        effective_jobs(Settings(data_dir=tmp_path, job_intervals={"c.job": 5}), jobs)
    assert refused.value.param == "job_intervals" and "c.job" in refused.value.message


def test_an_overrun_skips_to_the_next_slot_of_the_cadence():
    t0 = dt.datetime(2026, 12, 5, 12, 0, tzinfo=dt.UTC)
    at = lambda s: t0 + dt.timedelta(seconds=s)  # noqa: E731
    assert next_due(t0, at(3), 60) == at(60)
    assert next_due(t0, at(130), 60) == at(180)
