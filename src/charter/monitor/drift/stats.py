"""The two-sample tests the drift detectors use, and the correction that keeps false alarms in check
across all of a run's tests. scipy for the classical tests; the kernel two-sample test (MMD with a
permutation p-value) in numpy, since scipy has none.

Every function returns a :class:`Test`: the statistic, its p-value, and a summary value of each
sample (median, rate) for people reading the finding.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

__all__ = ["Test", "categorical", "continuous", "correct", "embedding_mmd", "proportion"]

_MIN_EXPECTED = 5.0


@dataclass(frozen=True, slots=True)
class Test:
    test: str  # ks | chi2 | fisher | mmd_permutation
    statistic: float
    p_value: float
    baseline_value: float | None
    recent_value: float | None


def continuous(baseline: Sequence[float], recent: Sequence[float]) -> Test:
    """Two-sample Kolmogorov-Smirnov: any change in the distribution (location, spread, shape).
    Summary values: the medians."""
    a, b = np.asarray(baseline, dtype=float), np.asarray(recent, dtype=float)
    result = stats.ks_2samp(a, b, method="asymp")
    return Test("ks", float(result.statistic), float(result.pvalue), float(np.median(a)), float(np.median(b)))


def proportion(hits_baseline: int, n_baseline: int, hits_recent: int, n_recent: int) -> Test:
    """Two proportions: chi-square on the 2x2 table (Yates-corrected), Fisher's exact test when an
    expected count is under 5. Statistic: the difference of the rates (recent - baseline)."""
    table = np.array([[hits_baseline, n_baseline - hits_baseline], [hits_recent, n_recent - hits_recent]])
    rate_b, rate_r = hits_baseline / n_baseline, hits_recent / n_recent
    total_hits = hits_baseline + hits_recent
    if total_hits in (0, n_baseline + n_recent):
        return Test("chi2", 0.0, 1.0, rate_b, rate_r)  # the same rate (0 or 1) in both windows
    expected = stats.contingency.expected_freq(table)
    if float(expected.min()) < _MIN_EXPECTED:
        p = float(stats.fisher_exact(table).pvalue)
        return Test("fisher", rate_r - rate_b, p, rate_b, rate_r)
    p = float(stats.chi2_contingency(table, correction=True).pvalue)
    return Test("chi2", rate_r - rate_b, p, rate_b, rate_r)


def categorical(baseline: dict[str, int], recent: dict[str, int]) -> Test:
    """Chi-square test of homogeneity over the labels of both windows; labels too rare for the test
    (expected count under 5) are pooled into one. Statistic: chi-square; summary values: the share
    of the most frequent baseline label in each window."""
    labels = sorted(set(baseline) | set(recent))
    table = np.array([[baseline.get(k, 0) for k in labels], [recent.get(k, 0) for k in labels]], dtype=float)
    n_b, n_r = table[0].sum(), table[1].sum()
    top = max(labels, key=lambda k: (baseline.get(k, 0), k))
    shares = (float(baseline.get(top, 0) / n_b), float(recent.get(top, 0) / n_r))
    column_totals = table.sum(axis=0)
    rare = column_totals * min(n_b, n_r) / (n_b + n_r) < _MIN_EXPECTED
    if rare.any():
        pooled = table[:, rare].sum(axis=1, keepdims=True)
        table = np.hstack([table[:, ~rare], pooled]) if pooled.sum() > 0 else table[:, ~rare]
    table = table[:, table.sum(axis=0) > 0]
    if table.shape[1] < 2:
        return Test("chi2", 0.0, 1.0, shares[0], shares[1])
    result = stats.chi2_contingency(table, correction=False)
    return Test("chi2", float(result.statistic), float(result.pvalue), shares[0], shares[1])


def embedding_mmd(
    baseline: npt.NDArray[np.float32], recent: npt.NDArray[np.float32], *, permutations: int = 200, seed: int = 0
) -> Test:
    """Kernel two-sample test: the squared maximum mean discrepancy with a Gaussian kernel (bandwidth:
    the median pairwise distance of the pooled sample), its p-value from ``permutations`` random
    relabellings of the pooled sample. Sensitive to any change of the distribution, not only of its
    mean. The smallest p-value it can give is ``1 / (permutations + 1)``: the caller asks for enough
    permutations to pass the corrected cutoff. Summary values: the mean cosine similarity of each
    window's vectors to the baseline centroid."""
    x, y = np.asarray(baseline, dtype=np.float64), np.asarray(recent, dtype=np.float64)
    pooled = np.vstack([x, y])
    sq = np.sum(pooled * pooled, axis=1)
    d2 = np.maximum(sq[:, None] + sq[None, :] - 2.0 * pooled @ pooled.T, 0.0)
    positive = d2[np.triu_indices_from(d2, k=1)]
    bandwidth = float(np.median(positive[positive > 0])) if (positive > 0).any() else 1.0
    kernel = np.exp(-d2 / bandwidth)
    n, m = len(x), len(y)
    rng = np.random.default_rng(seed)
    base = np.concatenate([np.full(n, 1.0 / n), np.full(m, -1.0 / m)])
    observed = float(base @ kernel @ base)
    exceed, done = 0, 0
    while done < permutations:  # in blocks, so memory stays small however many permutations
        block = min(1000, permutations - done)
        signs = np.stack([rng.permutation(base) for _ in range(block)])
        exceed += int(np.sum(np.einsum("ij,ij->i", signs @ kernel, signs) >= observed))
        done += block
    p_value = float((exceed + 1) / (permutations + 1))
    centroid = x.mean(axis=0)
    centroid /= np.linalg.norm(centroid) or 1.0
    return Test("mmd_permutation", observed, p_value, float((x @ centroid).mean()), float((y @ centroid).mean()))


def correct(p_values: Sequence[float], alpha: float, method: str) -> float:
    """The p-value at or below which a test of this run counts as drift, so that false alarms stay
    controlled across all ``len(p_values)`` tests: Benjamini-Hochberg (``bh``: the expected share of
    false alarms among the drifts found is at most ``alpha``) or Bonferroni (the chance of any false
    alarm in the run is at most ``alpha``). With no test passing BH, its cutoff is ``alpha / m``."""
    m = len(p_values)
    if m == 0:
        return alpha
    if method == "bonferroni":
        return alpha / m
    ordered = np.sort(np.asarray(p_values, dtype=float))
    critical = alpha * np.arange(1, m + 1) / m
    passing = np.nonzero(ordered <= critical)[0]
    return float(critical[passing[-1]]) if passing.size else alpha / m
