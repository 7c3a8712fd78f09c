"""The Erlang-B (Erlang loss) formula.

With Poisson arrivals at rate λ, stays of mean E[S] and ``c`` places and no queue (a patient
who finds every place taken is turned away), the share turned away is

    B(c, a) = (a^c / c!) / Σ_{k=0..c} a^k / k!,   a = λ · E[S] (the offered load).

It holds for any distribution of stays with that mean (the loss system M/G/c/c is
insensitive to it). Computed with the stable recursion B(0, a) = 1,
B(k, a) = a · B(k−1, a) / (k + a · B(k−1, a)), which never forms a^c or c!.
"""

from __future__ import annotations

import math


def erlang_b(servers: int, offered_load: float) -> float:
    """The blocking probability of ``servers`` places under ``offered_load`` erlangs."""
    if isinstance(servers, bool) or not isinstance(servers, int) or servers < 0:
        raise ValueError(f"servers must be a whole number >= 0, got {servers!r}")
    if not math.isfinite(offered_load) or offered_load < 0:
        raise ValueError(f"offered load must be a finite number >= 0, got {offered_load!r}")
    b = 1.0
    for k in range(1, servers + 1):
        b = offered_load * b / (k + offered_load * b)
    return b


def offered_load(arrivals_per_day: float, mean_stay_days: float) -> float:
    """a = λ · E[S], in erlangs (places that would be busy if no one were turned away)."""
    return arrivals_per_day * mean_stay_days
