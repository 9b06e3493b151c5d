"""Latency and cost of producing the answers."""

from __future__ import annotations

import math
from collections.abc import Sequence

from charter.evals.base import Answer, BaseEvaluator, Case, Scored, mean

__all__ = ["Cost", "Latency", "percentile"]


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (numpy's default), ``q`` in [0, 100]."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


class Latency(BaseEvaluator):
    name = "latency"
    deterministic = False  # wall-clock time
    lower_is_better = frozenset({"latency_ms", "latency_ms_p50", "latency_ms_p95"})

    async def score(self, case: Case, answer: Answer) -> dict[str, float]:
        return {"latency_ms": answer.latency_ms}

    def aggregate(self, rows: Sequence[Scored]) -> dict[str, float]:
        values = [r.scores["latency_ms"] for r in rows if "latency_ms" in r.scores]
        return {
            "latency_ms": mean(values),
            "latency_ms_p50": percentile(values, 50),
            "latency_ms_p95": percentile(values, 95),
        }


class Cost(BaseEvaluator):
    name = "cost"
    lower_is_better = frozenset({"cost", "cost_total", "tokens"})

    async def score(self, case: Case, answer: Answer) -> dict[str, float]:
        return {"cost": answer.cost, "tokens": float(answer.prompt_tokens + answer.completion_tokens)}

    def aggregate(self, rows: Sequence[Scored]) -> dict[str, float]:
        costs = [r.scores["cost"] for r in rows if "cost" in r.scores]
        tokens = [r.scores["tokens"] for r in rows if "tokens" in r.scores]
        return {"cost": mean(costs), "cost_total": math.fsum(costs), "tokens": mean(tokens)}
