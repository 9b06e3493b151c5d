"""Evaluations: versioned datasets, evaluators (plugin hook), resumable experiments over prompt x
model variants, run comparison with bootstrap intervals, and the promotion gate (PC-2, MD-3)."""

from charter.evals.base import Answer, BaseEvaluator, Case, Evaluator, Scored
from charter.evals.gate import GateDecision, GateFailed, gate_model_change, gate_prompt
from charter.evals.targets import CallableTarget, OpenAICompatibleTarget, ProviderTarget, Target, TargetError

__all__ = [
    "Answer",
    "BaseEvaluator",
    "CallableTarget",
    "Case",
    "Evaluator",
    "GateDecision",
    "GateFailed",
    "OpenAICompatibleTarget",
    "ProviderTarget",
    "Scored",
    "Target",
    "TargetError",
    "gate_model_change",
    "gate_prompt",
]
