"""Means with Student-t confidence intervals over independent replications.

No SciPy: the t distribution's two-sided probability ``A(t | ν) = P(|T| < t)`` has a closed
form for whole ν (Abramowitz & Stegun 26.7.3 and 26.7.4, a finite sum in θ = atan(t/√ν)),
and the quantile is found by bisection on it. Exact to the bisection's tolerance for every ν.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass


def t_two_sided(t: float, df: int) -> float:
    """P(|T| < t) for Student's t with ``df`` degrees of freedom (t >= 0)."""
    if df < 1:
        raise ValueError(f"degrees of freedom must be at least 1, got {df}")
    theta = math.atan(t / math.sqrt(df))
    s, c = math.sin(theta), math.cos(theta)
    if df % 2 == 0:  # A&S 26.7.3: sin θ · (1 + ½cos²θ + (1·3)/(2·4)cos⁴θ + …), ν/2 terms
        term, total = 1.0, 1.0
        for k in range(1, df // 2):
            term *= (2 * k - 1) / (2 * k) * c * c
            total += term
        return s * total
    if df == 1:  # A&S 26.7.4 with an empty sum
        return 2 * theta / math.pi
    # A&S 26.7.4: (2/π)(θ + sin θ (cos θ + (2/3)cos³θ + … + (2·4…(ν−3))/(1·3…(ν−2)) cos^{ν−2}θ))
    term, total = c, c
    for k in range(1, (df - 1) // 2):
        term *= (2 * k) / (2 * k + 1) * c * c
        total += term
    return 2 / math.pi * (theta + s * total)


def t_quantile(probability: float, df: int) -> float:
    """The ``probability`` quantile of Student's t (0.5 < probability < 1), e.g. 0.975."""
    if not 0.5 < probability < 1:
        raise ValueError(f"probability must lie in (0.5, 1), got {probability}")
    target = 2 * probability - 1  # P(|T| < t)
    low, high = 0.0, 1.0
    while t_two_sided(high, df) < target:
        high *= 2
    for _ in range(200):
        mid = (low + high) / 2
        if t_two_sided(mid, df) < target:
            low = mid
        else:
            high = mid
        if high - low < 1e-12 * max(1.0, high):
            break
    return (low + high) / 2


@dataclass(frozen=True)
class Estimate:
    """A mean over replications and its 95 % confidence interval (None for one replication)."""

    mean: float
    low: float | None
    high: float | None
    n: int

    @property
    def half_width(self) -> float | None:
        return None if self.low is None or self.high is None else (self.high - self.low) / 2

    def contains(self, value: float) -> bool:
        return self.low is not None and self.high is not None and self.low <= value <= self.high

    def to_dict(self) -> dict[str, float | int | None]:
        return {"mean": self.mean, "ci_low": self.low, "ci_high": self.high, "n": self.n}


def estimate(values: Sequence[float], level: float = 0.95) -> Estimate:
    """Mean ± t_{(1+level)/2, n−1} · s / √n over independent replications."""
    if not values:
        raise ValueError("no values to estimate from")
    mean = statistics.fmean(values)
    n = len(values)
    if n < 2:
        return Estimate(mean, None, None, n)
    half = t_quantile((1 + level) / 2, n - 1) * statistics.stdev(values) / math.sqrt(n)
    return Estimate(mean, mean - half, mean + half, n)
