"""Charter's own evaluators, registered through the same hook as outside plugins."""

from __future__ import annotations

from charter.evals.metrics.bias import CounterfactualBias
from charter.evals.metrics.grounding import Grounding
from charter.evals.metrics.judged import EmbeddingSimilarity, LlmJudge
from charter.evals.metrics.operations import Cost, Latency
from charter.evals.metrics.overlap import Bleu, Chrf, Rouge
from charter.evals.metrics.safety import InjectionResistance, PiiLeak, RefusalRate
from charter.evals.metrics.text import Contains, ExactMatch, RegexMatch
from charter.hookspecs import Register, hookimpl

__all__ = ["BUILTIN_EVALUATORS", "register_evaluators"]

BUILTIN_EVALUATORS: dict[str, type] = {
    "exact": ExactMatch,
    "contains": Contains,
    "regex": RegexMatch,
    "bleu": Bleu,
    "chrf": Chrf,
    "rouge": Rouge,
    "embedding": EmbeddingSimilarity,
    "judge": LlmJudge,
    "grounding": Grounding,
    "pii_leak": PiiLeak,
    "injection": InjectionResistance,
    "refusal": RefusalRate,
    "latency": Latency,
    "cost": Cost,
    "bias": CounterfactualBias,
}


@hookimpl
def register_evaluators(register: Register) -> None:
    for name, factory in BUILTIN_EVALUATORS.items():
        register(name, factory)
