"""Capacity simulation: how long does a year of a 30-place service take to simulate?

Not a test. Builds a 30-place hospital-at-home scenario (two pathways with daily nurse
visits, day and evening shifts, travel derived from the planner's great-circle model over
a 10 km disc), simulates ``--days`` measured days after a 60-day warm-up with
``--replications`` replications, and prints the wall-clock time of each of ``--repeat`` runs
with the figures simulated. Run on one core:

    taskset -c 1 .venv/bin/python bench/simulate.py
    taskset -c 1 .venv/bin/python bench/simulate.py --days 3650 --replications 20
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from typing import Any

import simpy

from samband.simulation.model import simulate
from samband.simulation.scenario import parse_scenario


def scenario(places: int, days: int, replications: int) -> dict[str, Any]:
    return {
        "name": f"benchmark: {places} places",
        "places": places,
        "horizon_days": days,
        "warmup_days": 60,
        "replications": replications,
        "seed": 1,
        "pathways": [
            {
                "name": "acute-internal-medicine",
                "arrivals_per_day": 3.6,
                "length_of_stay": {"distribution": "lognormal", "median_days": 4, "sigma": 0.7},
                "visits_per_day": 2,
                "visit_minutes": [45, 35],
                "role": "nurse",
            },
            {
                "name": "opat",
                "arrivals_per_day": 1.2,
                "length_of_stay": {"distribution": "exponential", "mean_days": 7},
                "visits_per_day": 3,
                "visit_minutes": 30,
                "role": "nurse",
            },
        ],
        "shifts": [
            {
                "name": "day",
                "role": "nurse",
                "count": 7,
                "start": "07:00",
                "end": "16:00",
                "minutes": 400,
            },
            {
                "name": "evening",
                "role": "nurse",
                "count": 3,
                "start": "14:00",
                "end": "22:00",
                "minutes": 360,
            },
        ],  # fmt: skip
        "travel": {
            "area": {"centre": {"lat": 55.589, "lon": 12.995}, "radius_km": 10},
            "speed_kmh": 40,
            "road_factor": 1.3,
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--places", type=int, default=30)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--replications", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    started = time.perf_counter()
    parsed = parse_scenario(scenario(args.places, args.days, args.replications))
    parse_seconds = time.perf_counter() - started

    times = []
    result = None
    for _ in range(args.repeat):
        started = time.perf_counter()
        result = simulate(parsed)
        times.append(time.perf_counter() - started)
    assert result is not None  # noqa: S101

    m = result.metrics()
    patients = m["arrivals"].mean * args.replications
    print(f"Python {platform.python_version()}, SimPy {simpy.__version__}")
    print(
        f"{args.places} places, {args.days} days (+60 warm-up), {args.replications} "
        f"replications; offered load {parsed.offered_load:.1f}; travel "
        f"{parsed.travel.minutes_per_visit if parsed.travel else 0:.1f} min a visit "
        f"(derived in {parse_seconds:.2f} s)"
    )
    visits = m["visits_per_day"].mean * args.days * args.replications
    print(
        f"per run: {patients:.0f} arrivals, {visits:.0f} visits; occupancy "
        f"{100 * m['occupancy'].mean:.1f} %, turned away "
        f"{100 * m['turned_away_share'].mean:.1f} % (Erlang-B {100 * result.erlang_b:.1f} %), "
        f"utilisation {100 * m['utilisation'].mean:.1f} %"
    )
    print(
        f"wall time over {args.repeat} runs: best {min(times):.2f} s, median "
        f"{statistics.median(times):.2f} s, worst {max(times):.2f} s "
        f"({min(times) / (args.replications * args.days / 365) * 1000:.0f} ms a "
        "replication-year at best)"
    )


if __name__ == "__main__":
    main()
