"""Comparing two runs over the same dataset: per-metric deltas with paired bootstrap confidence
intervals, and the items that regressed.

For each metric both runs scored per item, the delta is ``B - A`` over the items both runs hold;
its confidence interval is the percentile interval of the mean paired delta over ``resamples``
bootstrap resamples of the items (seeded: the same inputs give the same interval). Corpus metrics
(BLEU, chrF) show the corpus delta; their interval is that of the per-item sentence scores.
A metric *regressed* when its whole interval lies on the worse side of zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from sqlalchemy import Connection

from charter.errors import InvalidRequest
from charter.evals.experiments import load_run, run_scored

__all__ = ["bootstrap_ci", "compare_runs", "lower_is_better"]

#: Metrics where smaller is better (built-ins); other metrics are taken as higher-is-better.
_LOWER = frozenset(
    {
        "latency_ms",
        "latency_ms_p50",
        "latency_ms_p95",
        "cost",
        "cost_total",
        "tokens",
        "pii_leak",
        "refusal_rate",
        "refusal_disparity",
        "length_disparity",
    }
)


def lower_is_better(metric: str, extra: frozenset[str] = frozenset()) -> bool:
    return metric in _LOWER or metric in extra


def bootstrap_ci(
    deltas: np.ndarray[Any, Any], *, resamples: int = 2000, confidence: float = 0.95, seed: int = 0
) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean of ``deltas``."""
    if deltas.size == 0:
        return float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, deltas.size, size=(resamples, deltas.size))
    means = deltas[picks].mean(axis=1)
    tail = (1.0 - confidence) / 2.0 * 100.0
    low, high = np.percentile(means, [tail, 100.0 - tail])
    return float(low), float(high)


def _flat(scores: Mapping[str, Mapping[str, float]]) -> dict[str, float]:
    out: dict[str, float] = {}
    for values in scores.values():
        out.update(values)
    return out


def _regressed_items(
    metric: str, pairs: list[tuple[Any, float, float]], worse_sign: float, limit: int
) -> list[dict[str, Any]]:
    worse = [(case, a, b) for case, a, b in pairs if (b - a) * worse_sign > 1e-12]
    worse.sort(key=lambda t: (t[2] - t[1]) * worse_sign, reverse=True)
    return [
        {"item": case.idx, "item_id": case.id, "input": case.question[:200], "a": a, "b": b, "delta": b - a}
        for case, a, b in worse[:limit]
    ]


def compare_runs(
    conn: Connection,
    tenant_id: str,
    run_a: str,
    run_b: str,
    *,
    resamples: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
    top: int = 10,
) -> dict[str, Any]:
    """Run B against run A (the baseline)."""
    a, b = load_run(conn, tenant_id, run_a), load_run(conn, tenant_id, run_b)
    if a.dataset_id != b.dataset_id:
        raise InvalidRequest(
            "the two runs used different datasets (or versions): compare runs over the same one",
            code="invalid_value",
        )
    scored_a = {case.id: (case, _flat(s)) for case, _, s in run_scored(conn, tenant_id, run_a)}
    scored_b = {case.id: (case, _flat(s)) for case, _, s in run_scored(conn, tenant_id, run_b)}
    common = sorted(set(scored_a) & set(scored_b), key=lambda i: scored_a[i][0].idx)
    agg_a, agg_b = a.aggregates or {}, b.aggregates or {}
    metrics: dict[str, Any] = {}
    for metric in sorted(set(agg_a) | set(agg_b)):
        pairs = [
            (scored_a[i][0], scored_a[i][1][metric], scored_b[i][1][metric])
            for i in common
            if metric in scored_a[i][1] and metric in scored_b[i][1]
        ]
        deltas = np.array([pb - pa for _, pa, pb in pairs], dtype=float)
        low, high = bootstrap_ci(deltas, resamples=resamples, confidence=confidence, seed=seed)
        worse_sign = -1.0 if not lower_is_better(metric) else 1.0
        regressed = bool(pairs) and (high < 0 if worse_sign < 0 else low > 0)
        va, vb = agg_a.get(metric), agg_b.get(metric)
        metrics[metric] = {
            "a": va,
            "b": vb,
            "delta": None if va is None or vb is None else vb - va,
            "paired_items": len(pairs),
            "mean_item_delta": float(deltas.mean()) if deltas.size else None,
            "ci_low": None if not pairs else low,
            "ci_high": None if not pairs else high,
            "lower_is_better": lower_is_better(metric),
            "regressed": regressed,
            "regressed_items": _regressed_items(metric, pairs, worse_sign, top),
        }
    return {
        "a": run_a,
        "b": run_b,
        "dataset_id": a.dataset_id,
        "items_compared": len(common),
        "confidence": confidence,
        "resamples": resamples,
        "seed": seed,
        "metrics": metrics,
    }
