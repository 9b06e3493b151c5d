"""Evaluators that call a model: LLM-as-judge with a rubric, and embedding similarity.

Both get their model through the experiment: the runner passes ``target`` (any registered model,
reached the same way as the models under test) or ``embedder`` (a registered embedder).
"""

from __future__ import annotations

import asyncio
import inspect
import math
import re
from collections.abc import Sequence
from typing import Any

from charter.domain import ChatMessage, GenerationParams
from charter.evals.base import Answer, BaseEvaluator, Case

__all__ = ["EmbeddingSimilarity", "LlmJudge", "cosine"]

DEFAULT_RUBRIC = (
    "Score how well the answer responds to the question: correct, complete, supported by the reference "
    "when one is given, and clear. 1 = wrong or unhelpful, 5 = fully correct and helpful."
)

_SCORE = re.compile(r"SCORE\s*[:=]\s*(\d+(?:\.\d+)?)", re.IGNORECASE)


class LlmJudge(BaseEvaluator):
    """Asks a model to grade each answer on a 1..``scale`` rubric; the metric is scaled to 0..1."""

    name = "judge"
    deterministic = False

    def __init__(
        self,
        target: Any = None,
        model: str = "",
        rubric: str = DEFAULT_RUBRIC,
        scale: int = 5,
        metric: str = "judge",
    ) -> None:
        if target is None:
            raise ValueError("the judge needs a model: give `model: <alias>` in the evaluator options")
        self.target = target
        self.model = model
        self.rubric = rubric
        self.scale = scale
        self.metric = metric

    def _messages(self, case: Case, answer: Answer) -> list[ChatMessage]:
        parts = [f"Rubric: {self.rubric}", f"Question: {case.question}"]
        if case.references:
            parts.append(f"Reference answer: {case.references[0]}")
        parts.append(f"Answer to grade: {answer.text}")
        parts.append(f"Reply with one line: SCORE: <1-{self.scale}> then a short reason.")
        system = "You are an impartial grader. Grade only against the rubric."
        return [ChatMessage("system", system), ChatMessage("user", "\n\n".join(parts))]

    async def score(self, case: Case, answer: Answer) -> dict[str, float]:
        params = GenerationParams(temperature=0.0, max_tokens=64, seed=0)
        verdict = await self.target.generate(self.model, self._messages(case, answer), params)
        match = _SCORE.search(verdict.text)
        if match is None:
            return {}
        value = min(max(float(match.group(1)), 1.0), float(self.scale))
        return {self.metric: (value - 1.0) / (self.scale - 1.0)}


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    dot = math.fsum(x * y for x, y in zip(a, b, strict=True))
    na, nb = math.sqrt(math.fsum(x * x for x in a)), math.sqrt(math.fsum(y * y for y in b))
    return dot / (na * nb) if na and nb else 0.0


class EmbeddingSimilarity(BaseEvaluator):
    """Cosine similarity between the answer's and the best reference's embeddings."""

    name = "embedding"

    def __init__(self, embedder: Any = None, embedder_options: dict[str, Any] | None = None) -> None:
        if embedder is None:
            raise ValueError("embedding similarity needs an embedder: configure one (knowledge capability)")
        self.embedder = embedder

    async def _embed(self, texts: list[str]) -> list[list[float]]:
        if inspect.iscoroutinefunction(self.embedder.embed):
            result = await self.embedder.embed(texts)
        else:  # a local model computes: keep the event loop free
            result = await asyncio.to_thread(self.embedder.embed, texts)
        return [list(map(float, v)) for v in result]

    async def score(self, case: Case, answer: Answer) -> dict[str, float]:
        if not case.references:
            return {}
        vectors = await self._embed([answer.text, *case.references])
        return {"embedding_similarity": max(cosine(vectors[0], v) for v in vectors[1:])}
