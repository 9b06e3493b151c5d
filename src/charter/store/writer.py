"""The single writer: every write to the store goes through one thread that commits in groups.

A write is a function ``fn(conn) -> T`` run inside a transaction. The writer takes what is queued
(up to ``max_batch``), runs it all in one transaction and commits once: one fsync for many
requests (group commit). If the batch fails, each write is retried in a transaction of its own,
so one bad write cannot sink its neighbours; a write that PostgreSQL aborts as a deadlock victim or
a serialization failure (another replica's transaction took the same rows in the other order: a
review claim against the ledger's sequence row, found by benchmarks/soak.py) is run again, up to
``_CONFLICT_ATTEMPTS`` times, before it is ``503 store_unavailable``. Callers wait until their
write is durable.

The same interface serves PostgreSQL, where it also keeps the number of open write transactions
per replica at one.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine

from charter.errors import CharterError, Unavailable
from charter.store.engine import unstorable_input

__all__ = ["Writer"]

T = TypeVar("T")
log = logging.getLogger(__name__)

_STOP = object()
#: SQLSTATEs of a transaction PostgreSQL aborted for conflicting with another: run it again.
_CONFLICTS = frozenset({"40P01", "40001"})  # deadlock_detected, serialization_failure
_CONFLICT_ATTEMPTS = 4


def _conflict(exc: BaseException) -> bool:
    return getattr(getattr(exc, "orig", None), "sqlstate", None) in _CONFLICTS


@contextlib.contextmanager
def _as_writer(conn: Connection) -> Iterator[None]:
    """Mark the connection so SQLite opens ``BEGIN IMMEDIATE`` (the flag lives on the pooled DBAPI
    connection, so it is taken off again afterwards)."""
    conn.info["writer"] = True
    try:
        yield
    finally:
        conn.info.pop("writer", None)


class Writer:
    def __init__(self, engine: Engine, *, max_batch: int = 256, max_wait_ms: float = 0.0) -> None:
        self.engine = engine
        self.max_batch = max_batch
        self.max_wait = max_wait_ms / 1000.0
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.batches = 0
        self.writes = 0
        self.conflicts = 0  # writes run again after PostgreSQL aborted them as a deadlock or serialization failure

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="charter-writer", daemon=True)
                self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None and thread.is_alive():
            self._queue.put(_STOP)
            thread.join(timeout)

    # -- submitting ------------------------------------------------------------------------
    def submit_future(self, fn: Callable[[Connection], T]) -> concurrent.futures.Future[T]:
        if self._thread is None:
            self.start()
        fut: concurrent.futures.Future[T] = concurrent.futures.Future()
        self._queue.put((fn, fut))
        return fut

    def write(self, fn: Callable[[Connection], T], timeout: float | None = 60.0) -> T:
        """Run ``fn`` in the writer and wait until it is committed (sync callers: CLI, API threads)."""
        return self.submit_future(fn).result(timeout)

    async def awrite(self, fn: Callable[[Connection], T]) -> T:
        """Run ``fn`` in the writer and wait, without blocking the event loop, until it is committed."""
        return await asyncio.wrap_future(self.submit_future(fn))

    # -- the thread --------------------------------------------------------------------------
    def _take_batch(self, first: Any) -> tuple[list[tuple[Callable[[Connection], Any], Any]], bool]:
        batch = [first]
        stop = False
        deadline = time.monotonic() + self.max_wait
        while len(batch) < self.max_batch:
            try:
                timeout = deadline - time.monotonic()
                item = self._queue.get(timeout=timeout) if timeout > 0 else self._queue.get_nowait()
            except queue.Empty:
                break
            if item is _STOP:
                stop = True
                break
            batch.append(item)
        return batch, stop

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is _STOP:
                return
            batch, stop = self._take_batch(first)
            self._commit(batch)
            if stop:
                return

    def _commit(self, batch: list[tuple[Callable[[Connection], Any], Any]]) -> None:
        live = [(fn, fut) for fn, fut in batch if fut.set_running_or_notify_cancel()]
        if not live:
            return
        try:
            with self.engine.connect() as conn, _as_writer(conn), conn.begin():
                results = [fn(conn) for fn, _ in live]
            self.batches += 1
            self.writes += len(live)
            for (_, fut), result in zip(live, results, strict=True):
                fut.set_result(result)
            return
        except Exception:
            if len(live) == 1:
                self._commit_one(*live[0])
                return
        for fn, fut in live:
            self._commit_one(fn, fut)

    def _commit_one(self, fn: Callable[[Connection], Any], fut: Any) -> None:
        try:
            for attempt in range(1, _CONFLICT_ATTEMPTS + 1):
                try:
                    with self.engine.connect() as conn, _as_writer(conn), conn.begin():
                        result = fn(conn)
                    break
                except Exception as exc:
                    if attempt == _CONFLICT_ATTEMPTS or not _conflict(exc):
                        raise
                    self.conflicts += 1
                    time.sleep(0.005 * attempt)  # let the other transaction commit first
            self.batches += 1
            self.writes += 1
            fut.set_result(result)
        except CharterError as exc:
            fut.set_exception(exc)
        except Exception as exc:  # the store could not do its job: fail closed, say so
            refusal = unstorable_input(exc)  # ...unless the input itself cannot be stored (NUL, huge int)
            if refusal is not None:
                refusal.__cause__ = exc
                fut.set_exception(refusal)
                return
            log.exception("store write failed")
            unavailable = Unavailable(
                f"the store could not record this request ({type(exc).__name__}); nothing was released",
                code="store_unavailable",
            )
            unavailable.__cause__ = exc
            fut.set_exception(unavailable)
