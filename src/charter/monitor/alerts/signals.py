"""The signals alert rules read, each computed from the store over the rule's window for one use
case (or, for a platform-scope rule, over every tenant's traffic):

=========================  =====================================================================
``requests``               interactions recorded
``error_rate``             share with status ``error`` (Charter or every upstream failed)
``refusal_rate``           share with status ``refused`` (guards, limits, budgets, kill switches)
``provider_failure_rate``  share that failed upstream (``upstream_*`` codes)
``latency_p50_ms``         median latency; ``latency_p95_ms`` its 95th percentile
``ttft_p95_ms``            95th percentile of time to first token (streams)
``guard_hit_rate``         share a guard flagged (any action); with ``guard:`` that guard's only
``negative_feedback_rate`` share of rated feedback that is ``unhelpful``
``rejection_rate``         share of final review decisions that rejected the answer
``review_queue_depth``     review items pending now (not windowed)
``review_oldest_age_s``    age of the oldest pending review item, in seconds (not windowed)
``cost``                   spend in the window
``budget_share``           share of the charter's budget spent this period (not windowed)
=========================  =====================================================================

Rates count only with at least ``min_events`` events in the window."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select

from charter.domain.charter import AlertRule, Charter
from charter.monitor.budgets import budget_share
from charter.monitor.cost import percentile
from charter.oversight.suspend import GUARD_STAGES, HIT_OUTCOMES, rates
from charter.oversight.tables import review_items
from charter.store.schema import interactions

__all__ = ["Measure", "Scope", "measure"]

#: Most interactions read for one window (the newest ones).
WINDOW_ROWS = 20_000


@dataclass(frozen=True)
class Scope:
    """What a rule is evaluated over: one use case, or (use_case_id None) the whole platform."""

    tenant_id: str
    use_case_id: str | None = None
    use_case: str | None = None
    charter: Charter | None = None


@dataclass(frozen=True)
class Measure:
    value: float | None  # None: nothing to measure (no budget, no events)
    events: int


def _hit(verdicts: Any, guard: str | None) -> bool:
    for v in verdicts or ():
        if not isinstance(v, dict) or v.get("stage") not in GUARD_STAGES or v.get("outcome") not in HIT_OUTCOMES:
            continue
        if guard is None or (v.get("detail") or {}).get("guard") == guard:
            return True
    return False


def _interactions(conn: Connection, scope: Scope, since: dt.datetime) -> list[Any]:
    query = select(
        interactions.c.status,
        interactions.c.error_code,
        interactions.c.latency_ms,
        interactions.c.ttft_ms,
        interactions.c.cost,
        interactions.c.verdicts,
    ).where(interactions.c.created_at >= since)
    if scope.use_case_id is not None:
        query = query.where(interactions.c.use_case_id == scope.use_case_id)
    return list(conn.execute(query.order_by(interactions.c.created_at.desc()).limit(WINDOW_ROWS)).all())


def _share(rows: list[Any], test: Any) -> Measure:
    return Measure(sum(1 for r in rows if test(r)) / len(rows) if rows else None, len(rows))


def _from_interactions(metric: str, rows: list[Any], rule: AlertRule) -> Measure:
    n = len(rows)
    if metric == "requests":
        return Measure(float(n), n)
    if metric == "cost":
        return Measure(float(sum(r.cost for r in rows)), n)
    if metric == "error_rate":
        return _share(rows, lambda r: r.status == "error")
    if metric == "refusal_rate":
        return _share(rows, lambda r: r.status == "refused")
    if metric == "provider_failure_rate":
        return _share(rows, lambda r: r.status == "error" and str(r.error_code or "").startswith("upstream"))
    if metric == "guard_hit_rate":
        return _share(rows, lambda r: _hit(r.verdicts, rule.guard))
    if metric in ("latency_p50_ms", "latency_p95_ms"):
        return Measure(percentile([r.latency_ms for r in rows], 50 if metric == "latency_p50_ms" else 95), n)
    ttft = [r.ttft_ms for r in rows if r.ttft_ms is not None]
    return Measure(percentile(ttft, 95), len(ttft))  # ttft_p95_ms


def _review(conn: Connection, metric: str, scope: Scope, now: dt.datetime) -> Measure:
    query = select(func.count(), func.min(review_items.c.created_at)).where(review_items.c.status == "pending")
    if scope.use_case_id is not None:
        query = query.where(review_items.c.use_case_id == scope.use_case_id)
    count, oldest = conn.execute(query).one()
    if metric == "review_queue_depth":
        return Measure(float(count), int(count))
    return Measure(0.0 if oldest is None else (now - oldest).total_seconds(), int(count))


def measure(conn: Connection, scope: Scope, rule: AlertRule, now: dt.datetime) -> Measure:
    """The value of ``rule.metric`` for ``scope`` over the rule's window ending ``now``."""
    metric = rule.metric or ""
    since = now - dt.timedelta(seconds=rule.window_s)
    if metric in ("review_queue_depth", "review_oldest_age_s"):
        return _review(conn, metric, scope, now)
    if metric == "budget_share":
        budget = scope.charter.budget if scope.charter is not None else None
        if budget is None or scope.use_case_id is None:
            return Measure(None, 0)
        return Measure(budget_share(conn, scope.use_case_id, budget, now), 1)
    if metric in ("negative_feedback_rate", "rejection_rate"):
        if scope.use_case_id is None:
            return Measure(None, 0)
        rate = rates(conn, scope.use_case_id, since)[metric]
        return Measure(rate.value if rate.events else None, rate.events)
    return _from_interactions(metric, _interactions(conn, scope, since), rule)
