"""The detectors: each compares one measure of the baseline window with the recent window, overall
and within each segment (a language, a charter-named ``metadata`` value).

=====================  ======================================================  ====================
detector               measure per interaction                                 test
=====================  ======================================================  ====================
input_length           characters the caller sent                              Kolmogorov-Smirnov
output_length          characters of a released answer (status ok)             Kolmogorov-Smirnov
language_mix           detected language of the input                          chi-square
refusal_rate           refused by Charter, or the answer declines to answer    two proportions
guard_hit_rate         any input/output guard blocked, redacted, warned,       two proportions
                       held (and per guard: segment ``guard=<name>``)
grounding_score        1 - the grounding guard's ungrounded score              Kolmogorov-Smirnov
negative_feedback_rate the interaction got an ``unhelpful`` rating             two proportions
appeal_rate            the interaction was appealed                            two proportions
expert_score           an expert's total score of the sampled answer           Kolmogorov-Smirnov
embedding_shift        the sampled input embeddings (overall only)             MMD, permutation
=====================  ======================================================  ====================
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from charter.domain.charter import DRIFT_DETECTORS, DriftMonitor
from charter.monitor.drift import stats
from charter.monitor.drift.stats import Test

__all__ = ["Event", "Outcome", "Skipped", "Window", "detect"]

_MAX_SEGMENT_VALUES = 10
_MAX_PERMUTATIONS = 20_000


@dataclass(frozen=True, slots=True)
class Event:
    """One interaction of a window, as the detectors see it."""

    input_chars: int
    output_chars: int | None  # None unless an answer was released
    refused: bool
    guards_hit: frozenset[str]
    grounding: float | None
    language: str
    segments: Mapping[str, str]
    negative: bool = False
    appealed: bool = False
    expert: float | None = None


@dataclass
class Window:
    events: list[Event] = field(default_factory=list)
    embeddings: npt.NDArray[np.float32] | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    detector: str
    segment: str
    test: Test
    n_baseline: int
    n_recent: int


@dataclass(frozen=True, slots=True)
class Skipped:
    detector: str
    segment: str
    reason: str

    def as_json(self) -> dict[str, str]:
        return {"detector": self.detector, "segment": self.segment, "reason": self.reason}


_VALUES: dict[str, Callable[[Event], float | None]] = {
    "input_length": lambda e: float(e.input_chars),
    "output_length": lambda e: None if e.output_chars is None else float(e.output_chars),
    "grounding_score": lambda e: e.grounding,
    "expert_score": lambda e: e.expert,
}
_RATES: dict[str, Callable[[Event], bool]] = {
    "refusal_rate": lambda e: e.refused,
    "guard_hit_rate": lambda e: bool(e.guards_hit),
    "negative_feedback_rate": lambda e: e.negative,
    "appeal_rate": lambda e: e.appealed,
}


class _Collector:
    def __init__(self, min_events: int) -> None:
        self.min_events = min_events
        self.outcomes: list[Outcome] = []
        self.skipped: list[Skipped] = []

    def enough(self, detector: str, segment: str, n_b: int, n_r: int) -> bool:
        if n_b >= self.min_events and n_r >= self.min_events:
            return True
        reason = f"{n_b} baseline and {n_r} recent events; needs {self.min_events}"
        self.skipped.append(Skipped(detector, segment, reason))
        return False


def _one(c: _Collector, detector: str, segment: str, base: list[Event], recent: list[Event]) -> None:
    if detector in _VALUES:
        value = _VALUES[detector]
        xs = [v for e in base if (v := value(e)) is not None]
        ys = [v for e in recent if (v := value(e)) is not None]
        if c.enough(detector, segment, len(xs), len(ys)):
            c.outcomes.append(Outcome(detector, segment, stats.continuous(xs, ys), len(xs), len(ys)))
    elif detector in _RATES:
        hit = _RATES[detector]
        if c.enough(detector, segment, len(base), len(recent)):
            test = stats.proportion(sum(map(hit, base)), len(base), sum(map(hit, recent)), len(recent))
            c.outcomes.append(Outcome(detector, segment, test, len(base), len(recent)))
    elif (
        detector == "language_mix"
        and not segment.startswith("language=")
        and c.enough(detector, segment, len(base), len(recent))
    ):
        test = stats.categorical(Counter(e.language for e in base), Counter(e.language for e in recent))
        c.outcomes.append(Outcome(detector, segment, test, len(base), len(recent)))


def _segment_of(event: Event, name: str) -> str:
    return event.language if name == "language" else event.segments.get(name, "(none)")


_Slice = tuple[str, list[Event], list[Event]]


def _slices(monitor: DriftMonitor, base: list[Event], recent: list[Event]) -> list[_Slice]:
    """``(segment, baseline events, recent events)`` for each segment value common enough in the recent
    window (the 10 most frequent per segment)."""
    slices: list[_Slice] = []
    for name in monitor.segments:
        counts = Counter(_segment_of(e, name) for e in recent)
        for value, _ in counts.most_common(_MAX_SEGMENT_VALUES):
            slices.append(
                (
                    f"{name}={value}",
                    [e for e in base if _segment_of(e, name) == value],
                    [e for e in recent if _segment_of(e, name) == value],
                )
            )
    return slices


def _guards(c: _Collector, base: list[Event], recent: list[Event]) -> None:
    names = sorted({g for e in (*base, *recent) for g in e.guards_hit})
    for name in names:
        if c.enough("guard_hit_rate", f"guard={name}", len(base), len(recent)):
            hb = sum(1 for e in base if name in e.guards_hit)
            hr = sum(1 for e in recent if name in e.guards_hit)
            test = stats.proportion(hb, len(base), hr, len(recent))
            c.outcomes.append(Outcome("guard_hit_rate", f"guard={name}", test, len(base), len(recent)))


def _embeddings(c: _Collector, baseline: Window, recent: Window, cap: int, alpha: float) -> None:
    x, y = baseline.embeddings, recent.embeddings
    n_b, n_r = (0 if x is None else len(x)), (0 if y is None else len(y))
    if not c.enough("embedding_shift", "all", n_b, n_r) or x is None or y is None:
        return
    if x.shape[1] != y.shape[1]:
        c.skipped.append(Skipped("embedding_shift", "all", "the embedder changed between the windows"))
        return
    rng = np.random.default_rng(0)
    xs = x[rng.choice(n_b, cap, replace=False)] if n_b > cap else x
    ys = y[rng.choice(n_r, cap, replace=False)] if n_r > cap else y
    # enough permutations that a clear shift can pass the corrected cutoff (about alpha / tests)
    permutations = min(_MAX_PERMUTATIONS, max(200, math.ceil(2 * (len(c.outcomes) + 1) / alpha)))
    test = stats.embedding_mmd(xs, ys, permutations=permutations)
    c.outcomes.append(Outcome("embedding_shift", "all", test, n_b, n_r))


def detect(
    monitor: DriftMonitor, baseline: Window, recent: Window, *, embedding_cap: int = 300
) -> tuple[list[Outcome], list[Skipped]]:
    """Every test the monitor asks for (uncorrected p-values), and what was skipped and why."""
    chosen = list(monitor.detectors or DRIFT_DETECTORS)
    c = _Collector(monitor.min_events)
    for detector in chosen:
        if detector != "embedding_shift":
            _one(c, detector, "all", baseline.events, recent.events)
    if "guard_hit_rate" in chosen:
        _guards(c, baseline.events, recent.events)
    for segment, base, rec in _slices(monitor, baseline.events, recent.events):
        for detector in chosen:
            if detector != "embedding_shift":
                _one(c, detector, segment, base, rec)
    if "embedding_shift" in chosen and monitor.embeddings is not None:
        _embeddings(c, baseline, recent, embedding_cap, monitor.alpha)
    return c.outcomes, c.skipped

