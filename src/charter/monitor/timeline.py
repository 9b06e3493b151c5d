"""A use case over time (MD-4, ME-2, HO-1): traffic, latency, cost, guard hits, review load and
outcomes, feedback and drift runs, in equal time buckets over a period. What the console's
monitoring page draws (charter.console.monitoring); the figures are the record's, read from the
store, so every replica shows the same.

Per bucket ``[start, end)``:

* ``requests`` (recorded interactions) and ``by_status`` (ok, held, refused, error);
* ``latency_p50_ms`` / ``latency_p95_ms`` (nearest rank) over answered exchanges (ok, held);
* ``cost`` (the sum of ``interactions.cost``, :mod:`charter.monitor.cost`);
* ``guard_hits``: interactions where an input or output guard blocked, redacted, warned or asked
  for review (the rule drift and auto-suspension count by);
* ``reviews_opened`` (held answers and appeals received), ``reviews_decided`` by outcome
  (approved, edited, rejected: decided in the bucket) and ``reviews_pending`` now (one figure);
* ``helpful`` / ``unhelpful`` ratings and ``appeals`` of feedback received;
* ``drift_runs`` and ``drift_findings`` (tests that drifted) of the drift runs in the bucket.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select

from charter.monitor.cost import percentile
from charter.monitor.drift.tables import drift_runs
from charter.oversight.tables import feedback, review_items
from charter.store.schema import interactions

__all__ = ["GUARD_STAGES", "HIT_OUTCOMES", "MAX_BUCKETS", "Period", "use_case_timeline"]

#: The stages whose verdicts count as guard hits, and the outcomes that are hits (as in
#: charter.monitor.drift.load and charter.oversight.suspend).
GUARD_STAGES = ("screen_input", "screen_output")
HIT_OUTCOMES = ("block", "redact", "warn", "review")
MAX_BUCKETS = 400
_ANSWERED = ("ok", "held")
_STATUSES = ("ok", "held", "refused", "error")
_DECIDED = ("approved", "edited", "rejected")


@dataclass(frozen=True, slots=True)
class Period:
    """``buckets`` equal spans from ``since`` (inclusive) to ``until`` (exclusive)."""

    since: dt.datetime
    until: dt.datetime
    buckets: int

    @classmethod
    def last(cls, days: int, *, now: dt.datetime, buckets: int | None = None) -> Period:
        """The last ``days`` days up to the end of ``now``'s bucket: one bucket a day, or ``buckets`` of
        them; buckets start on whole multiples of their width since the epoch (midnight UTC for a day,
        the hour for an hour), so the last one holds ``now``."""
        count = max(1, min(MAX_BUCKETS, buckets or days))
        width = dt.timedelta(days=days) / count
        epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
        until = epoch + width * (int((now - epoch) / width) + 1)
        return cls(until - width * count, until, count)

    @property
    def width(self) -> dt.timedelta:
        return (self.until - self.since) / self.buckets

    def index(self, when: dt.datetime) -> int | None:
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        if not self.since <= when < self.until:
            return None
        return min(self.buckets - 1, int((when - self.since) / self.width))


def _hit(verdicts: Any) -> bool:
    return any(
        isinstance(v, dict) and v.get("stage") in GUARD_STAGES and v.get("outcome") in HIT_OUTCOMES
        for v in verdicts or ()
    )


def _empty(period: Period, i: int) -> dict[str, Any]:
    start = period.since + period.width * i
    return {
        "start": start.isoformat(),
        "end": (start + period.width).isoformat(),
        "requests": 0,
        "by_status": dict.fromkeys(_STATUSES, 0),
        "latency_p50_ms": None,
        "latency_p95_ms": None,
        "cost": 0.0,
        "guard_hits": 0,
        "reviews_opened": 0,
        "reviews_decided": dict.fromkeys(_DECIDED, 0),
        "helpful": 0,
        "unhelpful": 0,
        "appeals": 0,
        "drift_runs": 0,
        "drift_findings": 0,
    }


def use_case_timeline(conn: Connection, tenant_id: str, use_case_id: str, period: Period) -> dict[str, Any]:
    """The use case's figures per bucket of ``period``, with totals (see the module's docstring)."""
    buckets = [_empty(period, i) for i in range(period.buckets)]
    latencies: list[list[float]] = [[] for _ in buckets]
    window = (interactions.c.created_at >= period.since, interactions.c.created_at < period.until)
    rows = conn.execute(
        select(interactions.c.created_at, interactions.c.status, interactions.c.latency_ms, interactions.c.cost,
               interactions.c.verdicts)
        .where(interactions.c.tenant_id == tenant_id, interactions.c.use_case_id == use_case_id, *window)
    )
    for r in rows:
        i = period.index(r.created_at)
        if i is None:
            continue
        b = buckets[i]
        b["requests"] += 1
        b["by_status"][r.status] = b["by_status"].get(r.status, 0) + 1
        b["cost"] += r.cost or 0.0
        b["guard_hits"] += _hit(r.verdicts)
        if r.status in _ANSWERED:
            latencies[i].append(float(r.latency_ms))
    for b, values in zip(buckets, latencies, strict=True):
        b["latency_p50_ms"] = percentile(values, 50)
        b["latency_p95_ms"] = percentile(values, 95)
        b["cost"] = round(b["cost"], 6)
    _reviews(conn, tenant_id, use_case_id, period, buckets)
    _feedback(conn, tenant_id, use_case_id, period, buckets)
    _drift(conn, tenant_id, use_case_id, period, buckets)
    pending = conn.execute(
        select(func.count()).select_from(review_items).where(
            review_items.c.tenant_id == tenant_id, review_items.c.use_case_id == use_case_id,
            review_items.c.status == "pending")
    ).scalar_one()
    return {
        "since": period.since.isoformat(),
        "until": period.until.isoformat(),
        "bucket_seconds": period.width.total_seconds(),
        "buckets": buckets,
        "totals": _totals(buckets, latencies),
        "reviews_pending": int(pending),
    }


def _reviews(
    conn: Connection, tenant_id: str, use_case_id: str, period: Period, buckets: list[dict[str, Any]]
) -> None:
    mine = (review_items.c.tenant_id == tenant_id, review_items.c.use_case_id == use_case_id)
    for (created,) in conn.execute(select(review_items.c.created_at).where(
            *mine, review_items.c.created_at >= period.since, review_items.c.created_at < period.until)):
        i = period.index(created)
        if i is not None:
            buckets[i]["reviews_opened"] += 1
    for decided, status in conn.execute(select(review_items.c.decided_at, review_items.c.status).where(
            *mine, review_items.c.status.in_(_DECIDED), review_items.c.decided_at >= period.since,
            review_items.c.decided_at < period.until)):
        i = period.index(decided)
        if i is not None:
            buckets[i]["reviews_decided"][status] += 1


def _feedback(
    conn: Connection, tenant_id: str, use_case_id: str, period: Period, buckets: list[dict[str, Any]]
) -> None:
    for created, rating, appeal in conn.execute(
        select(feedback.c.created_at, feedback.c.rating, feedback.c.appeal).where(
            feedback.c.tenant_id == tenant_id, feedback.c.use_case_id == use_case_id,
            feedback.c.created_at >= period.since, feedback.c.created_at < period.until)
    ):
        i = period.index(created)
        if i is None:
            continue
        if rating in ("helpful", "unhelpful"):
            buckets[i][rating] += 1
        buckets[i]["appeals"] += bool(appeal)


def _drift(
    conn: Connection, tenant_id: str, use_case_id: str, period: Period, buckets: list[dict[str, Any]]
) -> None:
    for created, drifted in conn.execute(
        select(drift_runs.c.created_at, drift_runs.c.drifted).where(
            drift_runs.c.tenant_id == tenant_id, drift_runs.c.use_case_id == use_case_id,
            drift_runs.c.created_at >= period.since, drift_runs.c.created_at < period.until)
    ):
        i = period.index(created)
        if i is not None:
            buckets[i]["drift_runs"] += 1
            buckets[i]["drift_findings"] += int(drifted)


def _totals(buckets: list[dict[str, Any]], latencies: list[list[float]]) -> dict[str, Any]:
    every = [v for values in latencies for v in values]
    decided = {k: sum(b["reviews_decided"][k] for b in buckets) for k in _DECIDED}
    statuses = {k: sum(b["by_status"].get(k, 0) for b in buckets) for k in _STATUSES}
    return {
        "requests": sum(b["requests"] for b in buckets),
        "by_status": statuses,
        "latency_p50_ms": percentile(every, 50),
        "latency_p95_ms": percentile(every, 95),
        "cost": round(sum(b["cost"] for b in buckets), 6),
        "guard_hits": sum(b["guard_hits"] for b in buckets),
        "reviews_opened": sum(b["reviews_opened"] for b in buckets),
        "reviews_decided": decided,
        "helpful": sum(b["helpful"] for b in buckets),
        "unhelpful": sum(b["unhelpful"] for b in buckets),
        "appeals": sum(b["appeals"] for b in buckets),
        "drift_runs": sum(b["drift_runs"] for b in buckets),
        "drift_findings": sum(b["drift_findings"] for b in buckets),
    }
