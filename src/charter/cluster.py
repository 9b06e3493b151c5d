"""Batch work fanned out over a Ray cluster: one function over many items, results in item order.

:func:`fan_out` is the one call batch jobs use (knowledge-base ingestion of many files, training
jobs): with an ``address`` (``CHARTER_RAY_ADDRESS``, ``--ray``) the items go in batches to Ray actors,
each of which runs ``setup()`` once (open a runtime, load a model) and then ``func(context, item)``
for each item of its batches; without one they run here, in order, through the same two calls, so
the single-process path and the cluster give the same results for a function that depends only on
its context and its item. Evaluation runs have their own fan-out (:mod:`charter.evals.fanout`): they
store results as they come back and resume.

``func`` and ``setup`` travel to the workers by reference when they are module-level functions (the
nodes need Charter installed) and by value otherwise (closures, :func:`functools.partial`); items and
results are pickled. An item whose function raises fails the whole call (``503 ray_unavailable``
naming the worker's error): a job that wants per-item failures returns them as values.

Ray is optional (``pip install 'charter[ray]'``): without it, a call with an address raises
``ray_unavailable``; a call without one never imports Ray. Do not import ``usearch`` in a process
before Ray has started there: the two C++ runtimes collide and ``ray.init`` aborts the process.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from charter.errors import Unavailable
from charter.files import restrict_umask

__all__ = ["LOCAL", "fan_out", "ray_module", "ray_session"]

#: ``CHARTER_RAY_ADDRESS=local`` (or ``--ray`` with no address): start a Ray instance on this machine.
LOCAL = "local"

C = TypeVar("C")
T = TypeVar("T")
R = TypeVar("R")


def ray_module() -> Any:
    """The ``ray`` module; ``503 ray_unavailable`` when it is not installed."""
    try:
        return importlib.import_module("ray")
    except ImportError:
        raise Unavailable(
            "Ray is not installed: pip install 'charter[ray]' (or run without --ray / CHARTER_RAY_ADDRESS)",
            code="ray_unavailable",
        ) from None


@contextlib.contextmanager
def ray_session(address: str) -> Iterator[Any]:
    """The ``ray`` module, connected: to the Ray already initialised in this process (left running), or to
    ``address`` (:data:`LOCAL`: a new instance on this machine), shut down on the way out."""
    ray = ray_module()
    owned = False
    if not ray.is_initialized():
        try:
            # Ray's own "local" starts a new instance even when one already runs on this machine
            ray.init(address=address, include_dashboard=False, log_to_driver=False, configure_logging=False)
        except Exception as exc:  # ConnectionError, RuntimeError, ValueError on a bad address
            raise Unavailable(f"Ray cluster {address!r} unavailable: {exc}", code="ray_unavailable") from None
        owned = True
    try:
        yield ray
    finally:
        if owned:
            ray.shutdown()


class _Worker:
    """One Ray actor: ``setup()`` once, then ``func(context, item)`` over the batches it is given."""

    def __init__(self, setup: Callable[[], Any] | None) -> None:
        restrict_umask()
        self._context = setup() if setup is not None else None

    def run(self, func: Callable[[Any, Any], Any], batch: list[Any]) -> list[Any]:
        return [func(self._context, item) for item in batch]

    def ready(self) -> bool:
        return True

    def close(self) -> None:
        close = getattr(self._context, "close", None)
        if callable(close):
            close()


def _local(func: Callable[[C, T], R], items: Sequence[T], setup: Callable[[], C] | None) -> list[R]:
    context: Any = setup() if setup is not None else None
    try:
        return [func(context, item) for item in items]
    finally:
        close = getattr(context, "close", None)
        if callable(close):
            close()


def fan_out(
    func: Callable[[C, T], R],
    items: Sequence[T],
    *,
    setup: Callable[[], C] | None = None,
    address: str | None = None,
    workers: int | None = None,
    batch_size: int = 4,
) -> list[R]:
    """``[func(context, item) for item in items]``, where ``context = setup()`` (``None`` without one) in
    each worker; over Ray on ``workers`` actors (default: one per CPU of the cluster) when ``address``
    is given, here otherwise. A context with a ``close()`` is closed at the end."""
    if not address:
        return _local(func, items, setup)
    if not items:
        return []
    with ray_session(address) as ray:
        count = workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        count = max(1, min(count, len(items)))
        actor = ray.remote(num_cpus=1)(_Worker)
        actors = []
        try:
            try:
                actors = [actor.remote(setup) for _ in range(count)]
                ray.get([a.ready.remote() for a in actors])  # a setup that fails, fails here
                size = max(1, batch_size)
                batches = [list(items[i : i + size]) for i in range(0, len(items), size)]
                refs = [actors[i % count].run.remote(func, batch) for i, batch in enumerate(batches)]
                done = ray.get(refs)
            except Exception as exc:  # a worker died or raised (RayTaskError carries the worker's exception)
                cause = getattr(exc, "cause", None) or exc
                raise Unavailable(
                    f"a batch worker on Ray failed: {type(cause).__name__}: {str(cause)[:500]}",
                    code="ray_unavailable",
                ) from None
            return [result for batch in done for result in batch]
        finally:
            with contextlib.suppress(Exception):  # best effort: the actors are killed next either way
                ray.get([a.close.remote() for a in actors], timeout=30)
            for a in actors:
                ray.kill(a)
