"""Deterministic string checks: exact match, containment, regular expressions."""

from __future__ import annotations

import re
import unicodedata

from charter.evals.base import Answer, BaseEvaluator, Case

__all__ = ["Contains", "ExactMatch", "RegexMatch", "normalize"]


def normalize(text: str, *, casefold: bool = True) -> str:
    """NFKC, collapsed whitespace, optionally case-folded: what "the same answer" means here."""
    text = " ".join(unicodedata.normalize("NFKC", text).split())
    return text.casefold() if casefold else text


class ExactMatch(BaseEvaluator):
    """1 when the answer equals a reference (after :func:`normalize`), else 0."""

    name = "exact"

    def __init__(self, casefold: bool = True) -> None:
        self.casefold = casefold

    async def score(self, case: Case, answer: Answer) -> dict[str, float]:
        if not case.references:
            return {}
        got = normalize(answer.text, casefold=self.casefold)
        return {"exact_match": float(any(got == normalize(r, casefold=self.casefold) for r in case.references))}


class Contains(BaseEvaluator):
    """1 when the answer contains every string in ``values`` (option, or the item's ``meta.contains``),
    or, without either, any reference."""

    name = "contains"

    def __init__(self, values: list[str] | None = None, casefold: bool = True) -> None:
        self.values = values
        self.casefold = casefold

    async def score(self, case: Case, answer: Answer) -> dict[str, float]:
        got = normalize(answer.text, casefold=self.casefold)
        wanted = self.values or case.meta.get("contains")
        if wanted:
            needles = [wanted] if isinstance(wanted, str) else list(wanted)
            return {"contains": float(all(normalize(n, casefold=self.casefold) in got for n in needles))}
        if not case.references:
            return {}
        return {"contains": float(any(normalize(r, casefold=self.casefold) in got for r in case.references))}


class RegexMatch(BaseEvaluator):
    """1 when ``pattern`` (option, or the item's ``meta.pattern``) matches somewhere in the answer."""

    name = "regex"

    def __init__(self, pattern: str | None = None, ignore_case: bool = False) -> None:
        self.flags = re.IGNORECASE if ignore_case else 0
        self.pattern = re.compile(pattern, self.flags) if pattern else None

    async def score(self, case: Case, answer: Answer) -> dict[str, float]:
        pattern = self.pattern
        if pattern is None:
            item_pattern = case.meta.get("pattern")
            if not item_pattern:
                return {}
            pattern = re.compile(str(item_pattern), self.flags)
        return {"regex_match": float(pattern.search(answer.text) is not None)}
