"""Per-segment results of a run (ME-4): every per-item metric disaggregated by tag, by language or by
any item metadata attribute (``group``, ``gender``, ...), with the widest gap between segments."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Connection

from charter.evals.base import Case, mean
from charter.evals.experiments import run_scored

__all__ = ["breakdown", "segments_of"]


def segments_of(case: Case, by: str) -> list[str]:
    """The segments an item belongs to: its tags (``by="tag"``) or the value of ``meta[by]``."""
    if by == "tag":
        return list(case.tags) or ["(untagged)"]
    value = case.meta.get(by)
    return [str(value)] if value not in (None, "") else ["(none)"]


def breakdown(conn: Connection, tenant_id: str, run_id: str, *, by: str = "tag") -> dict[str, Any]:
    """``{segment: {"items": n, metric: mean}}`` plus, per metric, the largest gap between segments."""
    values: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    counts: dict[str, int] = defaultdict(int)
    for case, answer, scores in run_scored(conn, tenant_id, run_id):
        flat = {m: v for per in scores.values() for m, v in per.items()}
        flat["refused"] = float(answer.refused)
        for segment in segments_of(case, by):
            counts[segment] += 1
            for metric, value in flat.items():
                values[segment][metric].append(float(value))
    segments = {s: {"items": counts[s], **{m: mean(v) for m, v in sorted(values[s].items())}} for s in sorted(values)}
    metrics = sorted({m for per in values.values() for m in per})
    gaps = {}
    for metric in metrics:
        present = [seg[metric] for seg in segments.values() if metric in seg]
        if len(present) > 1:
            gaps[metric] = max(present) - min(present)
    return {"run_id": run_id, "by": by, "segments": segments, "gaps": gaps}
