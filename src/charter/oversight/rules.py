"""The review rule of a charter, applied to one exchange: release, hold for a person, or release
and sample for expert scoring (HO-1, HO-2, ME-3). Pure: no store, no clock."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Literal

from charter.domain import Exchange

__all__ = ["OversightDecision", "decide", "grounding_score", "in_sample"]


@dataclass(frozen=True, slots=True)
class OversightDecision:
    action: Literal["release", "hold"]
    reasons: tuple[str, ...] = ()
    sampled: bool = False


def grounding_score(ex: Exchange) -> float | None:
    """The guards stage's grounding score of the answer (None: nothing scored it)."""
    return None if ex.grounding is None else ex.grounding.score


def in_sample(request_id: str, rate: float) -> bool:
    """A stable draw: the same request always lands on the same side, and ``rate`` of all
    requests land in the sample."""
    if rate <= 0.0:
        return False
    draw = int.from_bytes(hashlib.sha256(request_id.encode()).digest()[:8], "big") / 2**64
    return draw < rate


def _flagged_guards(ex: Exchange) -> list[str]:
    names: list[str] = []
    for verdict in ex.verdicts:
        if verdict.outcome != "review":
            continue
        guards = {f.guard for f in verdict.findings} or {str(verdict.detail.get("guard", verdict.stage))}
        names.extend(sorted(guards))
    return names


def decide(ex: Exchange) -> OversightDecision:
    rule = ex.charter.review
    reasons: list[str] = []
    if rule.always:
        reasons.append("always")
    if ex.charter.is_high_impact:
        reasons.append("high-impact")  # HO-2: outputs of high-impact use cases need a person
    if rule.on_guard_flag:
        reasons.extend(f"guard:{name}" for name in _flagged_guards(ex))
    score = grounding_score(ex)
    if rule.grounding_below is not None and score is not None and score < rule.grounding_below:
        reasons.append(f"grounding:{score:.2f}<{rule.grounding_below:.2f}")
    if reasons:
        return OversightDecision("hold", tuple(dict.fromkeys(reasons)))
    return OversightDecision("release", (), in_sample(ex.request_id, rule.sample_rate))
