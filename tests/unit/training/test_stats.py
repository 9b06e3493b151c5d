"""The canary's one-sided tests agree with scipy's (Fisher's exact, Mann-Whitney U asymptotic with
continuity and tie correction) and with the textbook pooled two-proportion z-test."""

from __future__ import annotations

import math
import random

import pytest
from scipy import stats as scipy_stats

from charter.training.stats import fisher_greater, mann_whitney_greater, rate_greater, two_proportion_greater


@pytest.mark.parametrize(("x1", "n1", "x2", "n2"), [(9, 20, 2, 20), (0, 30, 0, 30), (3, 10, 7, 12), (50, 50, 0, 50)])
def test_fisher_matches_scipy(x1: int, n1: int, x2: int, n2: int) -> None:
    expected = scipy_stats.fisher_exact([[x1, n1 - x1], [x2, n2 - x2]], alternative="greater").pvalue
    assert fisher_greater(x1, n1, x2, n2) == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_two_proportion_z_is_the_pooled_test() -> None:
    x1, n1, x2, n2 = 30, 200, 15, 200
    pooled = (x1 + x2) / (n1 + n2)
    z = (x1 / n1 - x2 / n2) / math.sqrt(pooled * (1 - pooled) * (2 / 200))
    assert two_proportion_greater(x1, n1, x2, n2) == pytest.approx(scipy_stats.norm.sf(z), rel=1e-9)
    assert rate_greater(x1, n1, x2, n2)[1] == "z" and rate_greater(1, 20, 0, 20)[1] == "fisher"
    assert two_proportion_greater(0, 0, 1, 10) == 1.0


def test_mann_whitney_matches_scipy_with_ties() -> None:
    rng = random.Random(7)
    a = [round(rng.gauss(105, 20)) for _ in range(80)]
    b = [round(rng.gauss(100, 20)) for _ in range(90)]
    expected = scipy_stats.mannwhitneyu(a, b, alternative="greater", method="asymptotic", use_continuity=True).pvalue
    assert mann_whitney_greater(a, b) == pytest.approx(expected, rel=1e-9)
    assert mann_whitney_greater([], b) == 1.0 and mann_whitney_greater([1.0] * 5, [1.0] * 5) == 1.0
