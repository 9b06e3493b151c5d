"""Grounding against reference context: the share of the answer's content words found in it.

The lexical-overlap baseline measured on HaluEval QA (AUROC 0.930 separating right from
hallucinated answers; ../shared/data/README.md). Items without context are not scored.
"""

from __future__ import annotations

from charter.evals.base import Answer, BaseEvaluator, Case
from charter.evals.metrics.overlap import UnicodeTokenizer

__all__ = ["Grounding", "content_words"]

_STOP = frozenset(
    {
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "there",
        "their",
        "they",
        "them",
        "he",
        "she",
        "his",
        "her",
        "we",
        "you",
        "your",
        "i",
        "me",
        "my",
        "our",
        "not",
        "no",
        "yes",
        "do",
        "does",
        "did",
        "have",
        "has",
        "had",
        "will",
        "would",
        "can",
        "could",
        "should",
        "may",
        "might",
        "must",
        "shall",
        "than",
        "then",
        "so",
        "such",
        "which",
        "who",
        "whom",
        "what",
        "when",
        "where",
        "why",
        "how",
        "all",
        "any",
        "each",
        "some",
        "more",
        "most",
        "other",
        "into",
        "about",
        "over",
        "under",
        "also",
        "just",
        "only",
        "very",
    }
)


def content_words(text: str) -> list[str]:
    return [t for t in UnicodeTokenizer().tokenize(text) if t not in _STOP and (len(t) > 2 or not t.isascii())]


class Grounding(BaseEvaluator):
    name = "grounding"

    async def score(self, case: Case, answer: Answer) -> dict[str, float]:
        if not case.context:
            return {}
        words = content_words(answer.text)
        if not words:
            return {"grounding": 0.0}
        known = set(content_words("\n".join(case.context)))
        return {"grounding": sum(1 for w in words if w in known) / len(words)}
