"""Budgets (the charter's ``budget: {limit, period, alert_at}``): spend per use case and period,
checked at admission (``429 budget_exceeded`` once it reaches the limit) and charged after each
exchange is recorded; crossing ``alert_at`` of the limit fires ``budget.share`` once a period.

With ``CHARTER_REDIS_URL`` the period's spend is a Redis counter every replica increments
(``charter:budget:<use case id>:<period>``, seeded from the store when it is missing); a Redis that
cannot be reached refuses the request (``503 budget_unavailable``), as the rate limiter does. Without
Redis each replica reads the store's sum, cached for ``CHARTER_POLICY_CACHE_TTL_S``, plus what it
charged since (other replicas' spend shows within that time)."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select

from charter.domain.charter import Budget
from charter.errors import BudgetExceeded, Unavailable
from charter.monitor.alerts import Alert, fire
from charter.runtime import Runtime
from charter.store.schema import interactions, utcnow

__all__ = [
    "BudgetMeter",
    "Period",
    "budget_alert",
    "budget_share",
    "close_meter",
    "meter_of",
    "period_of",
    "store_spend",
]

log = logging.getLogger(__name__)
_PART = "budgets"


@dataclass(frozen=True)
class Period:
    key: str  # "2026-12-05" or "2026-12"
    start: dt.datetime
    end: dt.datetime


def period_of(budget: Budget, now: dt.datetime) -> Period:
    """The budget period ``now`` falls in (UTC days and calendar months)."""
    if budget.period == "day":
        start = dt.datetime(now.year, now.month, now.day, tzinfo=dt.UTC)
        return Period(start.strftime("%Y-%m-%d"), start, start + dt.timedelta(days=1))
    start = dt.datetime(now.year, now.month, 1, tzinfo=dt.UTC)
    end = dt.datetime(now.year + (now.month == 12), now.month % 12 + 1, 1, tzinfo=dt.UTC)
    return Period(start.strftime("%Y-%m"), start, end)


def store_spend(conn: Connection, use_case_id: str, period: Period) -> float:
    """What the use case's recorded interactions cost in ``period``."""
    total = conn.execute(
        select(func.coalesce(func.sum(interactions.c.cost), 0.0)).where(
            interactions.c.use_case_id == use_case_id,
            interactions.c.created_at >= period.start,
            interactions.c.created_at < period.end,
        )
    ).scalar_one()
    return float(total or 0.0)


def budget_share(conn: Connection, use_case_id: str, budget: Budget, now: dt.datetime) -> float:
    """Share of the budget spent this period, from the store (the ``budget_share`` alert signal)."""
    return store_spend(conn, use_case_id, period_of(budget, now)) / budget.limit


def _unavailable(exc: Exception) -> Unavailable:
    return Unavailable(f"budget store unreachable ({type(exc).__name__})", code="budget_unavailable")


class BudgetMeter:
    """The period spend of each use case with a budget, shared through Redis when configured."""

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        self._ttl = rt.settings.policy_cache_ttl_s
        self._local: dict[tuple[str, str], tuple[float, float]] = {}  # (use case, period) -> (read at, spend)
        self._redis: Any = None
        if rt.settings.redis_url:
            import redis.asyncio as aioredis

            self._redis = aioredis.from_url(rt.settings.redis_url)

    def _key(self, use_case_id: str, period: Period) -> str:
        return f"charter:budget:{use_case_id}:{period.key}"

    def _ttl_s(self, period: Period) -> int:
        return int((period.end - utcnow()).total_seconds()) + 86_400

    async def _from_store(self, use_case_id: str, period: Period) -> float:
        def read() -> float:
            with self.rt.engine.connect() as conn:
                return store_spend(conn, use_case_id, period)

        return await asyncio.to_thread(read)

    async def spend(self, use_case_id: str, period: Period) -> float:
        """The period's spend so far (fails closed: ``503 budget_unavailable``)."""
        if self._redis is None:
            cached = self._local.get((use_case_id, period.key))
            if cached is not None and time.monotonic() - cached[0] <= self._ttl:
                return cached[1]
            total = await self._from_store(use_case_id, period)
            self._local[(use_case_id, period.key)] = (time.monotonic(), total)
            return total
        key = self._key(use_case_id, period)
        try:
            value = await self._redis.get(key)
            if value is None:
                await self._redis.set(key, await self._from_store(use_case_id, period), nx=True, ex=self._ttl_s(period))
                value = await self._redis.get(key)
        except Exception as exc:
            raise _unavailable(exc) from exc
        return float(value or 0.0)

    async def check(self, use_case_id: str, use_case: str, budget: Budget) -> None:
        """Admission: refuse (``429 budget_exceeded``) once the period's spend reached the limit."""
        period = period_of(budget, utcnow())
        spent = await self.spend(use_case_id, period)
        if spent >= budget.limit:
            retry = max(1, int((period.end - utcnow()).total_seconds()))
            raise BudgetExceeded(
                f"use case {use_case!r} has spent {spent:.2f} of its {budget.period}ly budget of "
                f"{budget.limit:.2f}; it is refused until the {budget.period} ends (in {retry} s) or the "
                "charter's budget is raised",
                headers={"retry-after": str(retry)},
            )

    async def _add(self, use_case_id: str, period: Period, cost: float) -> tuple[float, float]:
        """Add ``cost``; returns the spend before and after."""
        if self._redis is None:
            cached = self._local.get((use_case_id, period.key))
            if cached is not None and time.monotonic() - cached[0] <= self._ttl:
                self._local[(use_case_id, period.key)] = (cached[0], cached[1] + cost)
                return cached[1], cached[1] + cost
            after = await self._from_store(use_case_id, period)  # recorded already: it includes this cost
            self._local[(use_case_id, period.key)] = (time.monotonic(), after)
            return after - cost, after
        key = self._key(use_case_id, period)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incrbyfloat(key, cost)
            pipe.expire(key, self._ttl_s(period))
            after, _ = await pipe.execute()
        after = float(after)
        if abs(after - cost) < 1e-12:  # the key was missing (a new period, or Redis lost it): seed it
            after = await self._from_store(use_case_id, period)
            await self._redis.set(key, after, ex=self._ttl_s(period))
        return after - cost, after

    async def charge(self, tenant_id: str, use_case_id: str, use_case: str, budget: Budget, cost: float) -> None:
        """After the record: add the exchange's cost, and fire ``budget.share`` when this exchange
        crossed ``alert_at`` of the limit. Never raises: the answer is already given; a budget store
        that cannot be reached refuses the next request at admission."""
        if cost <= 0:
            return
        period = period_of(budget, utcnow())
        try:
            before, after = await self._add(use_case_id, period, cost)
            share = budget.alert_at
            if share is not None and before < share * budget.limit <= after:
                await fire(self.rt, budget_alert(tenant_id, use_case, budget, period, after))
        except Exception:
            log.exception("use case %s: could not charge %.6f to its budget", use_case, cost)

    async def aclose(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()


def budget_alert(tenant_id: str, use_case: str, budget: Budget, period: Period, spent: float) -> Alert:
    share = spent / budget.limit
    return Alert(
        tenant_id=tenant_id,
        name="budget.share",
        severity="critical" if share >= 1 else "warning",
        summary=f"use case {use_case} has spent {share:.0%} of its {budget.period}ly budget "
        f"({spent:.2f} of {budget.limit:.2f}, period {period.key})",
        use_case=use_case,
        labels={"period": period.key},
        value=round(share, 6),
    )


def meter_of(rt: Runtime) -> BudgetMeter:
    return rt.part(_PART, BudgetMeter, lambda: BudgetMeter(rt))


async def close_meter(rt: Runtime) -> None:
    """Close this process's meter (its Redis connection) at shutdown."""
    meter = rt.parts.pop(_PART, None)
    if isinstance(meter, BudgetMeter):
        await meter.aclose()
