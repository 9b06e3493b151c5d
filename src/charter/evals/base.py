"""What an evaluator sees and returns.

An evaluator scores one answer to one dataset item (``score``) and then the whole run
(``aggregate``, by default the mean of each per-item metric). Corpus metrics (BLEU, chrF) and
measures over groups of items (counterfactual bias pairs, latency percentiles) override
``aggregate``. Plugins register factories through the ``register_evaluators`` hook::

    @hookimpl
    def register_evaluators(register):
        register("my-metric", MyEvaluator)   # MyEvaluator(**options) -> Evaluator
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, runtime_checkable

__all__ = ["Answer", "BaseEvaluator", "Case", "Evaluator", "Scored", "mean"]


@dataclass(frozen=True, slots=True)
class Case:
    """One dataset item."""

    id: str
    idx: int
    input: str | list[dict[str, str]]
    references: tuple[str, ...] = ()
    context: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    variables: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def question(self) -> str:
        if isinstance(self.input, str):
            return self.input
        return next((m["content"] for m in reversed(self.input) if m.get("role") == "user"), "")


@dataclass(frozen=True, slots=True)
class Answer:
    """What the target produced for one item (``refused``: the gateway or a guard refused it)."""

    text: str
    refused: bool = False
    error: str | None = None
    latency_ms: float = 0.0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0


@dataclass(frozen=True, slots=True)
class Scored:
    case: Case
    answer: Answer
    scores: dict[str, float]


@runtime_checkable
class Evaluator(Protocol):
    name: str
    #: Same dataset, prompt and model versions and seed give the same scores.
    deterministic: bool
    #: Metrics where a smaller value is better (latency, cost, leak rates, disparity).
    lower_is_better: frozenset[str]

    async def score(self, case: Case, answer: Answer) -> dict[str, float]: ...

    def aggregate(self, rows: Sequence[Scored]) -> dict[str, float]: ...


def mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values) if values else float("nan")


class BaseEvaluator:
    """Defaults: deterministic, higher is better, aggregate = per-metric mean over the items scored."""

    name: ClassVar[str] = "base"
    deterministic: bool = True
    lower_is_better: frozenset[str] = frozenset()

    async def score(self, case: Case, answer: Answer) -> dict[str, float]:
        raise NotImplementedError

    def metrics_of(self, rows: Sequence[Scored]) -> set[str]:
        names: set[str] = set()
        for row in rows:
            names |= set(row.scores)
        return names

    def aggregate(self, rows: Sequence[Scored]) -> dict[str, float]:
        out: dict[str, float] = {}
        for metric in sorted(self.metrics_of(rows)):
            values = [r.scores[metric] for r in rows if metric in r.scores]
            out[metric] = mean(values)
        return out
