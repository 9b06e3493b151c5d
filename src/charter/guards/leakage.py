"""The ``prompt_leak`` guard: does the answer reproduce the charter's system prompt?

The system prompt (``GuardContext.system_prompt``) and the answer are normalised (homoglyphs,
invisible characters, case) and cut into word n-grams (:data:`SHINGLE` words). Two measures, the
larger is the score:

* **run**: the longest stretch of consecutive prompt n-grams found in the answer, against
  :data:`FULL_RUN` words (a verbatim run of 24 words scores 1.0; about a dozen words scores 0.5);
* **coverage**: the share of the prompt's n-grams present anywhere in the answer.

N-grams that also occur in the caller's own input or the retrieved context
(``GuardContext.authorised_texts``) are not counted: quoting a document that the compose stage put
into the prompt is not a leak. Text the answer hides in base64, hex or similar is decoded and
checked too. A charter may plant a canary (``options.canary``: a string only the system prompt
contains); the canary in an answer scores 1.0. Paraphrases and translations of the prompt are not
caught: that needs a semantic check.
"""

from __future__ import annotations

import re
from typing import Any

from charter.domain import Finding
from charter.guards.base import Direction, GuardContext, GuardResult
from charter.guards.normalize import Normalized, hidden_payloads, normalize

__all__ = ["FULL_RUN", "SHINGLE", "PromptLeakGuard", "make_guard"]

SHINGLE = 5  # words per n-gram
FULL_RUN = 24  # a verbatim run this long (in words) scores 1.0
_WORD = re.compile(r"\w+")


def _words(norm: Normalized) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in _WORD.finditer(norm.text)]


def _shingles(words: list[str], n: int) -> list[tuple[str, ...]]:
    return [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]


class PromptLeakGuard:
    """Stateless; the system prompt comes with each call's context."""

    name = "prompt_leak"
    version = "charter-prompt-leak/1.0"
    directions: tuple[Direction, ...] = ("output",)

    def scan(self, text: str, context: GuardContext) -> GuardResult:
        prompt_words = [w for w, _, _ in _words(normalize(context.system_prompt))]
        findings = self._canary(text, context)
        best = max((f.score for f in findings), default=0.0)
        if len(prompt_words) >= 3:
            n = min(SHINGLE, len(prompt_words))
            secret = set(_shingles(prompt_words, n))
            for authorised in context.authorised_texts:
                secret -= set(_shingles([w for w, _, _ in _words(normalize(authorised))], n))
            if secret:
                score, spans = self._compare(text, secret, n, len(prompt_words))
                for payload in hidden_payloads(text):
                    inner, _ = self._compare(payload.text, secret, n, len(prompt_words))
                    if inner > score:
                        score, spans = inner, [(payload.start, payload.end)]
                best = max(best, score)
                if score >= context.threshold:
                    findings += [Finding(self.name, "system_prompt", lo, hi, round(score, 4), self.version)
                                 for lo, hi in spans]
        return GuardResult(findings, "flag" if findings else "pass", best)

    def _compare(self, text: str, secret: set[tuple[str, ...]], n: int,
                 prompt_len: int) -> tuple[float, list[tuple[int, int]]]:
        """Score and matched spans (in ``text``) of the prompt's n-grams found in ``text``."""
        norm = normalize(text)
        words = _words(norm)
        grams = _shingles([w for w, _, _ in words], n)
        hit = [g in secret for g in grams]
        spans: list[tuple[int, int]] = []
        longest = run = 0
        for i, is_hit in enumerate(hit):
            run = run + 1 if is_hit else 0
            longest = max(longest, run)
            if is_hit:
                lo, hi = norm.span(words[i][1], words[i + n - 1][2])
                if spans and lo <= spans[-1][1]:
                    spans[-1] = (spans[-1][0], max(hi, spans[-1][1]))
                else:
                    spans.append((lo, hi))
        if not spans:
            return 0.0, []
        run_words = longest + n - 1
        run_score = min(1.0, run_words / min(FULL_RUN, prompt_len))
        coverage = len(secret.intersection(grams)) / len(secret)
        return max(run_score, coverage), spans

    def _canary(self, text: str, context: GuardContext) -> list[Finding]:
        canary = context.options.get("canary")
        if not isinstance(canary, str) or len(canary) < 6:
            return []
        findings = []
        start = text.find(canary)
        while start != -1:
            findings.append(Finding(self.name, "canary", start, start + len(canary), 1.0, self.version))
            start = text.find(canary, start + 1)
        return findings


def make_guard(settings: Any = None) -> PromptLeakGuard:
    """Zero-argument factory for the guard registry (``settings`` is accepted and unused)."""
    del settings
    return PromptLeakGuard()
