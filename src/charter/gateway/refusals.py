"""Refusals counted, not recorded one by one.

A request refused by the rate limiter (``429 rate_limit_exceeded``, ``token_rate_limit_exceeded``) or
because the shared rate-limit store is down (``503 ratelimit_unavailable``) costs nothing to refuse,
so a flood of them must cost nothing to remember either: such refusals are counted in memory per
(tenant, use case, code), with the keys that sent them, and a background flush
(``CHARTER_REFUSAL_FLUSH_INTERVAL_S``, and at shutdown) writes one ``refusal_counts`` row per
(tenant, use case, code) and flush window, and one ``refusals.aggregated`` ledger entry per tenant
whose event lists those rows. The refused requests carried no model call and no output.

Every other refusal keeps its full record (an interaction row and its ledger entry), because a
person or an audit needs it: a kill switch (evidence that the switch held), a guard block (oversight,
suspension rates, incident review), an input over the charter's limit, a model the charter does not
allow, an upstream failure. See docs/operations.md ("Hardening", "Refusals in aggregate").

A flush that cannot be written (the store down) keeps its counts and tries again at the next one.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from charter import ledger
from charter.ledger.entries import format_ts
from charter.runtime import Runtime
from charter.store.records import with_use_case
from charter.store.schema import new_id, refusal_counts, use_cases, utcnow

__all__ = [
    "AGGREGATED_CODES",
    "REFUSALS_ACTION",
    "RefusalCounter",
    "list_refusals",
    "refusal_counter",
    "start_refusals",
    "stop_refusals",
]

log = logging.getLogger(__name__)

#: Refusal codes counted in aggregate instead of recorded one by one.
AGGREGATED_CODES = frozenset({
    "rate_limit_exceeded", "token_rate_limit_exceeded", "ratelimit_unavailable",
    "end_user_rate_limit_exceeded", "end_user_token_rate_limit_exceeded",
})
#: The ledger action of a flush (one entry per tenant).
REFUSALS_ACTION = "refusals.aggregated"
#: The actor of those entries: the gateway itself.
ACTOR = "gateway"
_PART = "refusals"

_Key = tuple[str, str, str]  # (tenant id, use case id, code)


@dataclass
class _Tally:
    count: int = 0
    keys: dict[str, int] = field(default_factory=dict)

    def add(self, other: _Tally) -> None:
        self.count += other.count
        for key_id, n in other.keys.items():
            self.keys[key_id] = self.keys.get(key_id, 0) + n


class RefusalCounter:
    """In-memory counts of aggregated refusals, flushed to the store (thread-safe)."""

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        self.interval = rt.settings.refusal_flush_interval_s
        self._lock = threading.Lock()
        self._tallies: dict[_Key, _Tally] = {}
        self._since = utcnow()
        self._stopping = asyncio.Event()  # replaced by start_refusals inside the running loop
        self.task: asyncio.Task[None] | None = None
        self.flushes = 0

    def count(self, *, tenant_id: str, use_case_id: str, key_id: str, code: str) -> None:
        with self._lock:
            tally = self._tallies.setdefault((tenant_id, use_case_id, code), _Tally())
            tally.count += 1
            tally.keys[key_id] = tally.keys.get(key_id, 0) + 1

    def pending(self) -> list[dict[str, Any]]:
        """What this process counted since its last flush (not yet in the store)."""
        with self._lock:
            since = self._since
            items = [(k, _Tally(t.count, dict(t.keys))) for k, t in self._tallies.items()]
        return [
            {"tenant_id": tid, "use_case_id": uc, "code": code, "count": t.count, "by_key": t.keys,
             "window_start": since.isoformat()}
            for (tid, uc, code), t in items
        ]

    # -- flushing ----------------------------------------------------------------------------
    def _take(self) -> tuple[dict[_Key, _Tally], dt.datetime, dt.datetime]:
        with self._lock:
            tallies, since = self._tallies, self._since
            self._tallies, self._since = {}, utcnow()
            return tallies, since, self._since

    def _restore(self, tallies: dict[_Key, _Tally], since: dt.datetime) -> None:
        """Put back counts a failed flush could not write: the next window starts where they did."""
        with self._lock:
            for key, tally in tallies.items():
                self._tallies.setdefault(key, _Tally()).add(tally)
            self._since = min(self._since, since)

    def _job(
        self, tallies: dict[_Key, _Tally], since: dt.datetime, until: dt.datetime
    ) -> Callable[[Connection], int]:
        by_tenant: dict[str, list[dict[str, Any]]] = {}
        for (tenant_id, use_case_id, code), tally in sorted(tallies.items()):
            by_tenant.setdefault(tenant_id, []).append(
                {
                    "id": new_id("rfc"),
                    "tenant_id": tenant_id,
                    "use_case_id": use_case_id,
                    "code": code,
                    "count": tally.count,
                    "by_key": dict(sorted(tally.keys.items())),
                    "window_start": since,
                    "window_end": until,
                }
            )

        def write(conn: Connection) -> int:
            for tenant_id, rows in by_tenant.items():
                batch = new_id("rfb")
                conn.execute(refusal_counts.insert(), [{**row, "batch_id": batch} for row in rows])
                ledger.append(
                    conn,
                    tenant_id=tenant_id,
                    actor=ACTOR,
                    action=REFUSALS_ACTION,
                    subject=batch,
                    event={
                        "window_start": format_ts(since),
                        "window_end": format_ts(until),
                        "total": sum(row["count"] for row in rows),
                        "counts": [
                            {"id": r["id"], "use_case_id": r["use_case_id"], "code": r["code"],
                             "count": r["count"], "by_key": r["by_key"]}
                            for r in rows
                        ],
                    },
                )
            return len(by_tenant)

        return write

    @contextlib.contextmanager
    def _flushing(self) -> Iterator[Callable[[Connection], int] | None]:
        """The write of what was counted (``None`` when nothing was), for the caller to run: should
        it fail, the counts are put back for the next flush."""
        tallies, since, until = self._take()
        if not tallies:
            yield None
            return
        try:
            yield self._job(tallies, since, until)
        except Exception:
            self._restore(tallies, since)
            raise
        self.flushes += 1

    def flush(self) -> int:
        """Write what was counted (blocking); returns the ledger entries written."""
        with self._flushing() as job:
            written: int = 0 if job is None else self.rt.writer.write(job)
        return written

    async def aflush(self) -> int:
        """Write what was counted through the writer without blocking the event loop."""
        with self._flushing() as job:
            written: int = 0 if job is None else await self.rt.writer.awrite(job)
        return written

    # -- the background task -----------------------------------------------------------------
    async def run(self) -> None:
        failing = ""
        while not self._stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.interval)
            try:
                await self.aflush()
                failing = ""
            except Exception as exc:  # counts are kept; the next flush tries again
                if str(exc) != failing:
                    failing = str(exc)
                    log.warning("refusal counts not written yet (%s); kept for the next flush", exc)

    def stop(self) -> None:
        self._stopping.set()

    def close(self) -> None:
        """At runtime close: stop the loop and write what is left (the writer still runs)."""
        self.stop()
        try:
            self.flush()
        except Exception:
            log.exception("refusal counts lost at shutdown: the store could not take them")


def list_refusals(
    conn: Connection, tenant_id: str, *, use_case: str | None = None, limit: int = 50
) -> list[dict[str, Any]]:
    """The tenant's flushed refusal counts, newest window first."""
    query = with_use_case(refusal_counts).where(refusal_counts.c.tenant_id == tenant_id)
    if use_case is not None:
        query = query.where(use_cases.c.name == use_case)
    rows = conn.execute(query.order_by(refusal_counts.c.window_end.desc(), refusal_counts.c.id).limit(limit)).all()
    return [
        {
            "id": r.id,
            "use_case": r.use_case,
            "code": r.code,
            "count": r.count,
            "by_key": r.by_key,
            "batch_id": r.batch_id,
            "window_start": format_ts(r.window_start),
            "window_end": format_ts(r.window_end),
        }
        for r in rows
    ]


def refusal_counter(rt: Runtime) -> RefusalCounter:
    return rt.part(_PART, RefusalCounter, lambda: RefusalCounter(rt))


async def start_refusals(rt: Runtime) -> None:
    """Flush counted refusals in the background for as long as the app runs."""
    counter = refusal_counter(rt)
    if counter.task is None or counter.task.done():
        counter._stopping = asyncio.Event()
        counter.task = asyncio.create_task(counter.run(), name="charter-refusal-flush")


async def stop_refusals(rt: Runtime) -> None:
    """Stop the background flush and write what is left."""
    counter = rt.parts.get(_PART)
    if not isinstance(counter, RefusalCounter):
        return
    counter.stop()
    if counter.task is not None:
        await counter.task
        counter.task = None
    try:
        await counter.aflush()
    except Exception:
        log.exception("refusal counts not written at shutdown; they are written when the runtime closes")
