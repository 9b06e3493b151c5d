"""The tests a canary's comparison uses, one-sided (is the candidate *worse*?), in plain Python:

* rates (errors, guard hits, review rejections, negative feedback): Fisher's exact test while any
  cell of the 2x2 table is under 5, else the two-proportion z-test with a pooled variance;
* values (latency, grounding scores): the Mann-Whitney U test, normal approximation with the tie
  correction (scipy.stats.mannwhitneyu's ``method="asymptotic"`` with continuity correction).

Checked against scipy in tests/unit/training/test_stats.py.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["fisher_greater", "mann_whitney_greater", "rate_greater", "two_proportion_greater"]


def _norm_sf(z: float) -> float:
    return 0.5 * math.erfc(z / math.sqrt(2.0))


def two_proportion_greater(x1: int, n1: int, x2: int, n2: int) -> float:
    """P-value that the first rate (x1/n1) is greater than the second (pooled z-test)."""
    if n1 == 0 or n2 == 0:
        return 1.0
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2))
    if se == 0.0:
        return 1.0
    return _norm_sf((x1 / n1 - x2 / n2) / se)


def _log_comb(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def fisher_greater(x1: int, n1: int, x2: int, n2: int) -> float:
    """Fisher's exact test, one-sided: P(X >= x1) for X hypergeometric with the table's margins."""
    if n1 == 0 or n2 == 0:
        return 1.0
    hits = x1 + x2
    total = n1 + n2
    low, high = max(0, hits - n2), min(hits, n1)
    denominator = _log_comb(total, hits)
    p = sum(math.exp(_log_comb(n1, k) + _log_comb(n2, hits - k) - denominator) for k in range(max(x1, low), high + 1))
    return min(1.0, p)


def rate_greater(x1: int, n1: int, x2: int, n2: int) -> tuple[float, str]:
    """The p-value that rate 1 exceeds rate 2, and which test gave it."""
    cells = (x1, n1 - x1, x2, n2 - x2)
    if min(cells) < 5:
        return fisher_greater(x1, n1, x2, n2), "fisher"
    return two_proportion_greater(x1, n1, x2, n2), "z"


def mann_whitney_greater(a: Sequence[float], b: Sequence[float]) -> float:
    """P-value that values in ``a`` tend to be greater than in ``b`` (asymptotic, tie-corrected,
    continuity-corrected)."""
    n1, n2 = len(a), len(b)
    if n1 == 0 or n2 == 0:
        return 1.0
    pooled = sorted([(v, 0) for v in a] + [(v, 1) for v in b])
    ranks = [0.0] * len(pooled)
    ties = 0.0
    i = 0
    while i < len(pooled):
        j = i
        while j + 1 < len(pooled) and pooled[j + 1][0] == pooled[i][0]:
            j += 1
        rank = (i + j) / 2.0 + 1.0
        for k in range(i, j + 1):
            ranks[k] = rank
        t = j - i + 1
        ties += t**3 - t
        i = j + 1
    r1 = sum(r for r, (_, group) in zip(ranks, pooled, strict=True) if group == 0)
    u1 = r1 - n1 * (n1 + 1) / 2.0
    n = n1 + n2
    sigma2 = n1 * n2 / 12.0 * ((n + 1) - ties / (n * (n - 1))) if n > 1 else 0.0
    if sigma2 <= 0:
        return 1.0
    z = (u1 - n1 * n2 / 2.0 - 0.5) / math.sqrt(sigma2)
    return _norm_sf(z)
