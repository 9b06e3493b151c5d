"""The grounding check: how well is each sentence of an answer supported by the retrieved chunks?

A sentence is supported by a chunk sentence when the claim-carrying terms of the answer sentence
(content words, stemmed; numbers and names count double) appear *in one sentence* of the evidence
(or two adjacent ones, at a discount); each name or number the evidence lacks costs extra.
Requiring co-occurrence in one sentence is what separates a right answer from a hallucinated one
built from the same words: "Hot Rod was founded in 1987" uses only words of the passage, but no
passage sentence says it. A sentence with no
claim-carrying terms ("Yes.") asserts nothing the evidence could contradict and scores 1.

The answer's score is the length-weighted mean of its sentences' support. That is the ``lexical``
method of the guard named ``grounding`` (output direction). Its default method, ``features``, scores
claims (sentences and list items, charter.knowledge.claims) with a model trained on support features
(charter.knowledge.support), with no dependency beyond the core. The guard flags answers
whose score is below the charter's threshold; its findings are the weakly supported claims, typed by
the ME-5 taxonomy.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from charter.domain import Finding
from charter.errors import Unavailable
from charter.guards.base import Direction, GuardContext, GuardResult
from charter.knowledge.support import SupportModel, answer_features, load_model
from charter.knowledge.text import STOPWORDS, content_terms, sentence_spans, stem, terms

__all__ = ["METHODS", "GroundingGuard", "SentenceSupport", "grounding_score", "lexical_overlap"]

GUARD_VERSION = "2"
#: The checks a charter can choose (``guards.grounding.options.method``), best first.
METHODS = ("features", "lexical")
#: The trained models (benchmarks/grounding.py --train), pinned by SHA-256.
MODEL_FILES: dict[str, tuple[str, str]] = {
    "features": ("grounding_lexical_features.json", "09cab6af21d9357e930e78bde6f01ee8628554ee6b6d3d1cd362cb24a6bc9970"),
}
_ADJACENT_DISCOUNT = 0.7
#: Each name or number of the sentence missing from the evidence multiplies its support by this.
_MISSING_NAME_FACTOR = 0.6
_MARKER = re.compile(r"\[\d{1,3}\]")
_NEGATIONS = frozenset({"not", "no", "never", "neither", "nor", "none", "cannot"})


@dataclass(frozen=True, slots=True)
class SentenceSupport:
    start: int
    end: int
    support: float  # 0..1
    chunk: int | None  # index of the best supporting chunk
    unsupported: tuple[str, ...]  # claim terms found in no supporting sentence


def _weights(sentence: str) -> dict[str, float]:
    """Claim terms with weights: numbers and capitalised words (names) count double."""
    weights: dict[str, float] = {}
    for raw in sentence.replace("-", " ").split():
        word = raw.strip(".,;:!?\"'()[]{}")
        for term in content_terms(word):
            heavy = word[:1].isupper() or term.isdigit()
            weights[term] = max(weights.get(term, 0.0), 2.0 if heavy else 1.0)
    return weights


def _evidence_units(chunks: Sequence[str]) -> list[tuple[int, set[str], float]]:
    """Single sentences (weight 1) and adjacent pairs (discounted) of every chunk, as term sets."""
    units: list[tuple[int, set[str], float]] = []
    for index, chunk in enumerate(chunks):
        sentences = [{stem(t) for t in terms(chunk[s:e])} for s, e in sentence_spans(chunk)]
        for i, current in enumerate(sentences):
            units.append((index, current, 1.0))
            if i + 1 < len(sentences):
                units.append((index, current | sentences[i + 1], _ADJACENT_DISCOUNT))
    return units


def _support(sentence: str, units: list[tuple[int, set[str], float]]) -> SentenceSupport:
    weights = _weights(sentence)
    if not weights:
        return SentenceSupport(0, 0, 1.0, None, ())
    total = sum(weights.values())
    best, best_chunk, best_missing = 0.0, None, tuple(weights)
    for chunk_index, unit, discount in units:
        covered = sum(w for term, w in weights.items() if term in unit)
        missing_names = sum(1 for term, w in weights.items() if w > 1 and term not in unit)
        score = discount * covered / total * _MISSING_NAME_FACTOR**missing_names
        if score > best:
            best, best_chunk = score, chunk_index
            best_missing = tuple(t for t in weights if t not in unit)
    return SentenceSupport(0, 0, best, best_chunk, best_missing)


def grounding_score(answer: str, chunks: Sequence[str]) -> tuple[float, list[SentenceSupport]]:
    """Score ``answer`` against ``chunks``: (overall 0..1, support of each sentence).

    With no chunks every claim is unsupported (score 0 unless the answer makes no claim)."""
    answer = _MARKER.sub(lambda m: " " * len(m.group()), answer)  # citation markers are no claims
    units = _evidence_units(chunks)
    per_sentence: list[SentenceSupport] = []
    weighted, total = 0.0, 0.0
    for start, end in sentence_spans(answer) or [(0, len(answer))]:
        found = _support(answer[start:end], units)
        per_sentence.append(SentenceSupport(start, end, found.support, found.chunk, found.unsupported))
        size = float(max(1, len(content_terms(answer[start:end]))))
        weighted += size * found.support
        total += size
    return (weighted / total if total else 1.0), per_sentence


def lexical_overlap(answer: str, knowledge: str) -> float:
    """The published floor: share of the answer's content words found anywhere in the knowledge
    (no stemming, no sentence structure). An answer with no content words scores 0."""
    words = [t for t in terms(answer) if t not in STOPWORDS]
    if not words:
        return 0.0
    known = set(terms(knowledge))
    return sum(w in known for w in words) / len(words)


def _finding_type(sentence: str, support: SentenceSupport) -> str:
    """ME-5 taxonomy, as far as text overlap can tell: a negation in a well-covered sentence is a
    likely contradiction; a sentence with unsupported names or numbers a fabrication."""
    words = set(terms(sentence))
    if support.support >= 0.6 and words & _NEGATIONS:
        return "contradiction"
    if any(
        t.isdigit() or t in {stem(w.lower()) for w in sentence.split() if w[:1].isupper()} for t in support.unsupported
    ):
        return "fabrication"
    return "other" if support.support > 0 else "fabrication"


class GroundingGuard:
    """Output guard: flags answers whose grounding score is below the threshold.

    The evidence is ``GuardContext.options["chunks"]`` when the caller passes it, else
    ``GuardContext.authorised_texts`` (the retrieved context). ``GuardResult.score`` is the risk,
    ``1 - grounding``; each finding is a claim (a sentence or a list item) whose support is below
    the threshold.

    The charter picks the check with the option ``method`` (:data:`METHODS`, default ``features``).
    An unknown method is refused when the charter is applied (``check_options``) and fails closed on
    a request (``guard_unavailable``), as does a model file that does not match its pinned SHA-256."""

    name = "grounding"
    version = GUARD_VERSION
    directions: tuple[Direction, ...] = ("output",)
    default_method = "features"

    def __init__(self) -> None:
        self._models: dict[str, SupportModel] = {}
        self._lock = threading.Lock()

    def check_options(self, options: dict[str, Any]) -> None:
        method = options.get("method", self.default_method)
        if method not in METHODS:
            raise ValueError(f"method must be one of {', '.join(METHODS)} (got {method!r})")

    def _model(self, method: str) -> SupportModel:
        with self._lock:
            model = self._models.get(method)
            if model is None:
                filename, sha256 = MODEL_FILES[method]
                model = self._models[method] = load_model(filename, sha256)
            return model

    def _supports(self, method: str, text: str, evidence: list[str]) -> tuple[float, list[tuple[SentenceSupport, str]]]:
        """(answer score, each claim's support with its text) by ``method``."""
        if method == "lexical":
            score, sentences = grounding_score(text, evidence)
            return score, [(s, text[s.start : s.end]) for s in sentences]
        score, per_claim = self._model(method).score(answer_features(text, evidence))
        return score, [(SentenceSupport(c.claim.start, c.claim.end, p, c.chunk, c.missing), c.claim.text)
                       for c, p in per_claim]

    def scan(self, text: str, context: GuardContext) -> GuardResult:
        chunks = context.options.get("chunks")
        if isinstance(chunks, list):
            evidence = [str(c) for c in chunks]  # a RAG exchange: no chunks at all means no support
        elif context.authorised_texts:
            evidence = list(context.authorised_texts)
        else:
            return GuardResult(findings=[], verdict="pass", score=0.0)  # nothing was retrieved: not RAG
        method = str(context.options.get("method") or self.default_method)
        if method not in METHODS:
            raise Unavailable(f"unknown grounding method {method!r} (known: {', '.join(METHODS)})",
                              code="guard_unavailable")
        score, supports = self._supports(method, text, evidence)
        floor = 1.0 - context.threshold  # threshold is on risk; support below this is a finding
        findings = [
            Finding(
                guard=self.name,
                type=_finding_type(claim, s),
                start=s.start,
                end=s.end,
                score=1.0 - s.support,
                guard_version=self.version,
            )
            for s, claim in supports
            if s.support < floor
        ]
        risk = 1.0 - score
        return GuardResult(findings=findings, verdict="flag" if risk >= context.threshold else "pass", score=risk)
