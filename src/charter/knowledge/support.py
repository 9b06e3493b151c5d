"""Support features of an answer's claims against the evidence, and the trained model that reads them.

The lexical check (``grounding.grounding_score``) asks whether a claim's words occur together in one
evidence sentence. That rewards copying and punishes paraphrase, and it cannot tell "directed" from
"starred". The ``features`` method reads more of the relation between claim and evidence, per claim:

========================  ==================================================================
feature                   what it measures
========================  ==================================================================
``lex``                   the lexical check's support of the claim (one sentence or two)
``recall``                share of the claim's content terms found anywhere in the evidence
``heavy_recall``          share of its names and numbers found anywhere in the evidence
``novel_bigrams``         share of its content-term pairs that never occur together in the
                          evidence (adjacent, or one word apart): new relations between known words
``number_missing``        1 when a number of the claim is nowhere in the evidence
``negation_flip``         1 when the claim and its best evidence sentence disagree on negation
``emb``                   cosine of the claim with its most similar evidence unit (MiniLM)
``emb_lex``               the lexical support of the claim by that most similar unit
========================  ==================================================================

A logistic model trained on HaluEval QA only (benchmarks/grounding.py --train) maps a claim's
features to a probability that the claim is grounded; the answer's score is the size-weighted mean of
its claims' probabilities, and each weak claim is a finding of its own (one invented list item shows
even when the rest of the answer is well supported). The ``emb`` features need an embedder; the
model that ships (``grounding_lexical_features.json``) uses the text features only. Answer-level
aggregates (``mean_*``, ``worst_*`` of :meth:`AnswerFeatures.vector`) are kept for experiments; on
QA answers, one sentence each, the two are the same and a model cannot learn to weigh them.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from itertools import pairwise
from typing import Any, Protocol

import numpy as np

from charter.knowledge.claims import Claim, Unit, claims, evidence_units
from charter.knowledge.text import STOPWORDS, sentence_spans, stem, terms

__all__ = [
    "AnswerFeatures",
    "ClaimSupport",
    "Embedder",
    "SupportModel",
    "answer_features",
    "load_model",
]

_ADJACENT_DISCOUNT = 0.7
_MISSING_NAME_FACTOR = 0.6
_NEGATIONS = frozenset({"not", "no", "never", "neither", "nor", "none", "cannot", "nothing", "nobody", "without"})
BASE = ("lex", "recall", "heavy_recall", "novel_bigrams", "number_missing", "negation_flip")
EMBEDDED = ("emb", "emb_lex")
#: Features where the weakest claim is the one with the *highest* value.
_WORST_IS_MAX = frozenset({"novel_bigrams", "number_missing", "negation_flip"})


class Embedder(Protocol):
    def embed(self, texts: list[str]) -> Any: ...


@dataclass(frozen=True, slots=True)
class ClaimSupport:
    claim: Claim
    values: dict[str, float]
    chunk: int | None  # the chunk of the best supporting unit
    missing: tuple[str, ...]  # claim terms not found in that unit
    weight: float


@dataclass(frozen=True, slots=True)
class AnswerFeatures:
    claims: list[ClaimSupport]  # only claims that assert something (content terms)
    every: list[Claim]  # every claim of the answer, with nothing to check or not

    def vector(self, names: Sequence[str]) -> list[float]:
        """The answer-level vector: ``mean_<f>`` and ``worst_<f>`` for each base feature ``f``."""
        return _aggregate(self.claims, names)

    def claim_vector(self, support: ClaimSupport, names: Sequence[str]) -> list[float]:
        return _aggregate([support], names)


def _aggregate(items: Sequence[ClaimSupport], names: Sequence[str]) -> list[float]:
    total = sum(s.weight for s in items) or 1.0
    out: list[float] = []
    for name in names:
        kind, feature = name.split("_", 1)
        values = [s.values[feature] for s in items]
        if kind == "mean":
            out.append(sum(v * s.weight for v, s in zip(values, items, strict=True)) / total)
        else:
            out.append(max(values) if feature in _WORST_IS_MAX else min(values))
    return out


def _claim_weights(text: str) -> dict[str, float]:
    """Content terms with weights: names (capitalised words) and numbers count double."""
    weights: dict[str, float] = {}
    for raw in text.replace("-", " ").split():
        word = raw.strip(".,;:!?\"'()[]{}")
        for term in terms(word):
            if term in STOPWORDS:
                continue
            heavy = word[:1].isupper() or term.isdigit()
            key = stem(term)
            weights[key] = max(weights.get(key, 0.0), 2.0 if heavy else 1.0)
    return weights


def _pairs(sequence: Sequence[str]) -> set[tuple[str, str]]:
    out = set()
    for i, a in enumerate(sequence):
        for b in sequence[i + 1 : i + 3]:  # adjacent, or one word apart
            out.add((a, b))
            out.add((b, a))
    return out


def _content(text: str) -> list[str]:
    return [stem(t) for t in terms(text) if t not in STOPWORDS]


def _lexical(weights: dict[str, float], unit: Unit) -> float:
    total = sum(weights.values())
    covered = sum(w for t, w in weights.items() if t in unit.terms)
    missing_names = sum(1 for t, w in weights.items() if w > 1 and t not in unit.terms)
    discount = _ADJACENT_DISCOUNT if unit.adjacent else 1.0
    return discount * covered / total * _MISSING_NAME_FACTOR**missing_names


def answer_features(answer: str, chunks: Sequence[str], embedder: Embedder | None = None) -> AnswerFeatures:
    """Features of each claim of ``answer`` that asserts something, against ``chunks``."""
    every = claims(answer)
    units = evidence_units(chunks)
    known: set[str] = set()
    pairs: set[tuple[str, str]] = set()
    for chunk in chunks:
        for sentence in (chunk[s:e] for s, e in sentence_spans(chunk)):
            words = _content(sentence)
            known.update(words)
            pairs |= _pairs(words)
    # a list's lead-in ("You will need:") introduces claims rather than making one
    asserting = [(c, _claim_weights(c.text)) for c in every if not c.text.rstrip().endswith(":")]
    asserting = [(c, w) for c, w in asserting if w]
    sims: np.ndarray | None = None
    if embedder is not None and asserting and units:
        vectors = np.asarray(embedder.embed([c.text for c, _ in asserting] + [u.text for u in units]))
        sims = vectors[: len(asserting)] @ vectors[len(asserting) :].T
    out: list[ClaimSupport] = []
    for i, (claim, weights) in enumerate(asserting):
        scored = [(_lexical(weights, u), j) for j, u in enumerate(units)]
        lex, best = max(scored, default=(0.0, -1))
        heavy = [t for t, w in weights.items() if w > 1]
        words = _content(claim.text)
        claim_pairs = {(a, b) for a, b in pairwise(words) if a != b}
        claim_negated = bool(set(terms(claim.text)) & _NEGATIONS)
        unit_negated = best >= 0 and bool(set(terms(units[best].text)) & _NEGATIONS)
        values = {
            "lex": lex,
            "recall": sum(1 for t in weights if t in known) / len(weights),
            "heavy_recall": (sum(1 for t in heavy if t in known) / len(heavy)) if heavy else 1.0,
            "novel_bigrams": (sum(1 for p in claim_pairs if p not in pairs) / len(claim_pairs)) if claim_pairs else 0.0,
            "number_missing": float(any(t.isdigit() and t not in known for t in weights)),
            "negation_flip": float(best >= 0 and claim_negated != unit_negated),
        }
        if sims is not None:
            nearest = int(np.argmax(sims[i]))
            values["emb"] = float(sims[i, nearest])
            values["emb_lex"] = _lexical(weights, units[nearest])
        source = units[best].chunk if best >= 0 and lex > 0 else None
        missing = tuple(t for t in weights if best < 0 or t not in units[best].terms)
        out.append(ClaimSupport(claim, values, source, missing, float(len(weights))))
    return AnswerFeatures(out, every)


class SupportModel:
    """A logistic model over answer features: P(grounded). Loaded from a JSON file whose SHA-256 is
    pinned by the code that loads it."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.names: list[str] = list(spec["features"])
        self.mean = np.asarray(spec["mean"], dtype=np.float64)
        self.scale = np.asarray(spec["scale"], dtype=np.float64)
        self.coef = np.asarray(spec["coef"], dtype=np.float64)
        self.intercept = float(spec["intercept"])
        self.version: str = str(spec["version"])
        self.needs_embedder = any(n.endswith(EMBEDDED) for n in self.names)

    def probability(self, vector: Sequence[float]) -> float:
        z = float(((np.asarray(vector) - self.mean) / self.scale) @ self.coef) + self.intercept
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))

    def score(self, features: AnswerFeatures) -> tuple[float, list[tuple[ClaimSupport, float]]]:
        """(answer score, each asserting claim with its own score): the answer's score is the
        size-weighted mean of its claims' scores; an answer that asserts nothing scores 1."""
        if not features.claims:
            return 1.0, []
        per_claim = [(c, self.probability(features.claim_vector(c, self.names))) for c in features.claims]
        total = sum(c.weight for c, _ in per_claim)
        return sum(c.weight * p for c, p in per_claim) / total, per_claim


def load_model(name: str, sha256: str) -> SupportModel:
    """Load ``charter/knowledge/data/<name>`` and check its SHA-256 (fail closed on a mismatch)."""
    blob = resources.files("charter.knowledge").joinpath("data", name).read_bytes()
    digest = hashlib.sha256(blob).hexdigest()
    if digest != sha256:
        raise RuntimeError(f"grounding model {name}: sha256 {digest}, expected {sha256}")
    return SupportModel(json.loads(blob))
