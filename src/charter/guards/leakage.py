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

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from charter.domain import Finding
from charter.guards.base import Direction, GuardContext, GuardResult
from charter.guards.normalize import Normalized, hidden_payloads, normalize

__all__ = ["FULL_RUN", "SHINGLE", "PromptLeakGuard", "make_guard"]

SHINGLE = 5  # words per n-gram
FULL_RUN = 24  # a verbatim run this long (in words) scores 1.0
#: A word: letters and digits with the combining marks written inside them. ``\w`` alone is not a word in the
#: scripts whose vowel signs and viramas are marks (Devanagari, Bengali, Tamil, Thai, Khmer, Myanmar, Tibetan, Hebrew
#: and Arabic points): "மகாத்மா காந்தி" read as "ம", "க", "த", ... made an agency's name repeated in an answer a
#: run of twenty "words" of its short system prompt (issue 12: 8 ordinary answers withheld on spent blind splits).
_MARKS = ("\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7\u0610-\u061a"
          "\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed\u0900-\u0963\u0966-\u0dff"
          "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\u0eb1\u0eb4-\u0ebc\u0ec8-\u0ecd\u0f18\u0f19\u0f35\u0f37\u0f39"
          "\u0f71-\u0f84\u0f86\u0f87\u0f8d-\u0fbc\u102b-\u103e\u1056-\u1059\u105e-\u1060\u1062-\u1064"
          "\u1067-\u106d\u1071-\u1074\u1082-\u108d\u108f\u109a-\u109d\u17b4-\u17d3\u17dd\u1ab0-\u1aff"
          "\u1dc0-\u1dff\u20d0-\u20ff\u3099\u309a\ufe20-\ufe2f")
_WORD = re.compile(f"[\\w{_MARKS}]+")


def _words(norm: Normalized) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in _WORD.finditer(norm.text)]


def _shingles(words: list[str], n: int) -> list[tuple[str, ...]]:
    return [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]


@functools.lru_cache(maxsize=256)
def _prompt_shingles(prompt: str) -> tuple[int, int, frozenset[tuple[str, ...]]]:
    """(words, n-gram size, n-grams) of a system prompt: the operator's text, the same on every call
    of a use case, so it is cut once per process (the caller's texts are never kept)."""
    words = [w for w, _, _ in _words(normalize(prompt))]
    n = min(SHINGLE, len(words))
    return len(words), n, frozenset(_shingles(words, n)) if n else frozenset()


def _grams(text: str, n: int) -> Iterator[tuple[str, ...]]:
    """The n-grams of ``text`` as :func:`_read` cuts them, without their positions (the quick test
    that the answer shares none with the prompt, as nearly every answer does)."""
    words = _WORD.findall(normalize(text).text)
    return zip(*(words[i:] for i in range(n)), strict=False)  # the shifted copies are shorter


@dataclass(slots=True)
class _Read:
    norm: Normalized
    words: list[tuple[str, int, int]]
    grams: list[tuple[str, ...]]


def _read(text: str, n: int) -> _Read:
    norm = normalize(text)
    words = _words(norm)
    return _Read(norm, words, _shingles([w for w, _, _ in words], n))


class PromptLeakGuard:
    """Stateless; the system prompt comes with each call's context."""

    name = "prompt_leak"
    version = "charter-prompt-leak/1.1"
    directions: tuple[Direction, ...] = ("output",)
    reads_context: tuple[str, ...] = ("system_prompt", "authorised_texts")  # the verdict cache's key

    def scan(self, text: str, context: GuardContext) -> GuardResult:
        prompt_len, n, prompt_grams = _prompt_shingles(context.system_prompt)
        findings = self._canary(text, context)
        best = max((f.score for f in findings), default=0.0)
        if prompt_len < 3:
            return GuardResult(findings, "flag" if findings else "pass", best)
        payloads = hidden_payloads(text)
        if all(prompt_grams.isdisjoint(_grams(t, n)) for t in (text, *(p.text for p in payloads))):
            return GuardResult(findings, "flag" if findings else "pass", best)  # nothing of the prompt
        answer = _read(text, n)
        hidden = [(p, _read(p.text, n)) for p in payloads]
        secret = set(prompt_grams)
        for authorised in context.authorised_texts:
            secret -= set(_shingles([w for w, _, _ in _words(normalize(authorised))], n))
        if secret:
            score, spans = self._compare(answer, secret, n, prompt_len)
            for payload, read in hidden:
                inner, _ = self._compare(read, secret, n, prompt_len)
                if inner > score:
                    score, spans = inner, [(payload.start, payload.end)]
            best = max(best, score)
            if score >= context.threshold:
                findings += [Finding(self.name, "system_prompt", lo, hi, round(score, 4), self.version)
                             for lo, hi in spans]
        return GuardResult(findings, "flag" if findings else "pass", best)

    def _compare(self, read: _Read, secret: set[tuple[str, ...]], n: int,
                 prompt_len: int) -> tuple[float, list[tuple[int, int]]]:
        """Score and matched spans (in the text ``read`` was made from) of the prompt's n-grams in it."""
        norm, words, grams = read.norm, read.words, read.grams
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
