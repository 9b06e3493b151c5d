"""Evaluation runs fanned out over a Ray cluster (``charter eval run --ray``, ``CHARTER_RAY_ADDRESS``).

:class:`RayFanout` is a :class:`~charter.evals.experiments.Fanout`: :func:`~charter.evals.experiments.execute`
hands it each run's pending items and stores what it yields, exactly as it stores the items it
answers itself. The work is split into batches; each of ``workers`` Ray actors (one CPU each) opens
its own :class:`~charter.runtime.Runtime` from this process's settings (without migrating), builds the
target from a :class:`~charter.evals.targets.TargetSpec` and the run's evaluators from their specs, and
answers and scores a batch with :func:`~charter.evals.experiments.answer_item`, the function the
single-process path uses: the same items give the same answers and the same scores, and only the
order in which results are stored differs. Storing stays here, through this process's writer, one
item at a time, so an interrupted run resumes as before.

Ray is optional (``pip install 'charter[ray]'``). The cluster's nodes need Charter installed and must
reach what the workers open: the store named by the settings (a cluster of several machines needs
PostgreSQL; SQLite only works for a Ray instance on this machine), the target, and the secrets file.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from typing import Any

from charter.cluster import LOCAL, ray_module
from charter.errors import Unavailable
from charter.evals.base import Case, Evaluator
from charter.evals.experiments import ItemResult, RunWork, answer_item, build_evaluators
from charter.evals.targets import Target, TargetSpec, build_target
from charter.files import restrict_umask
from charter.runtime import Runtime
from charter.settings import Settings

__all__ = ["LOCAL", "RayFanout"]

#: Batches kept in flight per worker: one being answered, one waiting, so no worker idles between batches.
_IN_FLIGHT = 2


class _EvalWorker:
    """One Ray actor: its own runtime, target and evaluators; answers and scores batches of items."""

    def __init__(self, settings: Settings, target: TargetSpec) -> None:
        restrict_umask()
        self._rt = Runtime.open(settings, migrate=False)
        self._target: Target = build_target(self._rt, target)
        self._evaluators: dict[str, dict[str, Evaluator]] = {}

    async def run(self, work: RunWork, cases: list[Case], concurrency: int) -> list[ItemResult]:
        evaluators = self._evaluators.get(work.run_id)
        if evaluators is None:
            evaluators = build_evaluators(self._rt, list(work.evaluators), self._target, tenant_id=work.tenant_id)
            self._evaluators[work.run_id] = evaluators
        sem = asyncio.Semaphore(max(1, concurrency))

        async def one(case: Case) -> ItemResult:
            async with sem:
                return await answer_item(self._target, evaluators, work, case)

        return list(await asyncio.gather(*(one(case) for case in cases)))

    def ready(self) -> bool:
        return True

    async def close(self) -> None:
        await self._target.aclose()
        self._rt.close()


class RayFanout:
    """Answers and scores items on ``workers`` Ray actors (default: one per CPU of the cluster).

    ``address``: a Ray address (``auto``, ``host:6379``, ``ray://head:10001``) or :data:`LOCAL`. When
    Ray is already initialised in this process (a test's ``ray.init(num_cpus=2)``) that instance is
    used and left running; otherwise :meth:`start` connects (or starts one) and :meth:`close` shuts
    it down. ``batch_size`` items go to an actor at a time, ``concurrency`` of them answered at once."""

    def __init__(
        self, settings: Settings, target: TargetSpec, *, address: str | None = None, workers: int | None = None,
        batch_size: int = 32, concurrency: int = 4,
    ) -> None:
        self.settings = settings
        self.target = target
        self.address = address or settings.ray_address or LOCAL
        self.workers = workers or settings.ray_workers
        self.batch_size = max(1, batch_size)
        self.concurrency = max(1, concurrency)
        self._actors: list[Any] = []
        self._owns_ray = False

    def start(self) -> int:
        """Connect to (or start) Ray and create the actors, waiting until each has opened its runtime;
        returns how many. Idempotent."""
        if self._actors:
            return len(self._actors)
        ray = ray_module()
        try:
            if not ray.is_initialized():
                # Ray's own "local" starts a new instance even when one already runs on this machine
                ray.init(address=self.address, include_dashboard=False, log_to_driver=False, configure_logging=False)
                self._owns_ray = True
            count = self.workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
            worker = ray.remote(num_cpus=1)(_EvalWorker)
            self._actors = [worker.remote(self.settings, self.target) for _ in range(count)]
            # a worker that cannot open its runtime (store, secrets, plugins) fails the start here
            ray.get([actor.ready.remote() for actor in self._actors])
        except Unavailable:
            raise
        except Exception as exc:  # Ray raises ConnectionError, RuntimeError, ValueError on a bad address
            self.close()
            raise Unavailable(f"Ray cluster {self.address!r} unavailable: {exc}", code="ray_unavailable") from None
        return len(self._actors)

    async def results(self, work: RunWork, cases: Sequence[Case]) -> AsyncIterator[ItemResult]:
        """Yield every item's result as its batch comes back (batches in any order)."""
        if not cases:
            return
        self.start()
        batches = [list(cases[i : i + self.batch_size]) for i in range(0, len(cases), self.batch_size)]
        batches.reverse()  # pop() hands them out in item order
        running: dict[asyncio.Future[Any], Any] = {}

        def submit(actor: Any) -> None:
            if batches:
                ref = actor.run.remote(work, batches.pop(), self.concurrency)
                running[asyncio.wrap_future(ref.future())] = actor

        for actor in self._actors:
            for _ in range(_IN_FLIGHT):
                submit(actor)
        try:
            while running:
                finished, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
                for future in finished:
                    actor = running.pop(future)
                    try:
                        batch: list[ItemResult] = future.result()
                    except Exception as exc:  # a worker died or raised: fail the run, as one process would
                        cause = getattr(exc, "cause", None) or exc  # RayTaskError carries the worker's exception
                        raise Unavailable(
                            f"an evaluation worker on Ray failed: {type(cause).__name__}: {str(cause)[:500]}",
                            code="ray_unavailable",
                        ) from None
                    submit(actor)
                    for result in batch:
                        yield result
        finally:
            for future in running:
                future.cancel()

    def close(self) -> None:
        """Stop the actors (and Ray, when :meth:`start` started it)."""
        if not self._actors and not self._owns_ray:
            return
        ray = ray_module()
        actors, self._actors = self._actors, []
        if actors and ray.is_initialized():
            with contextlib.suppress(Exception):  # best effort: the actors are killed next either way
                ray.get([actor.close.remote() for actor in actors], timeout=30)
            for actor in actors:
                ray.kill(actor)
        if self._owns_ray:
            self._owns_ray = False
            ray.shutdown()
