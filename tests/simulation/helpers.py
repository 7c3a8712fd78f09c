"""Small scenarios for the simulation tests, as the dictionaries a YAML file decodes to."""

from __future__ import annotations

from pathlib import Path
from typing import Any

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def loss_system(
    *,
    places: int = 10,
    arrivals_per_day: float = 8.0,
    mean_days: float = 1.0,
    horizon_days: int = 200,
    warmup_days: int = 10,
    replications: int = 5,
    seed: int = 1,
) -> dict[str, Any]:
    return {
        "name": "loss",
        "places": places,
        "horizon_days": horizon_days,
        "warmup_days": warmup_days,
        "replications": replications,
        "seed": seed,
        "pathways": [
            {
                "name": "any",
                "arrivals_per_day": arrivals_per_day,
                "length_of_stay": {"distribution": "exponential", "mean_days": mean_days},
            }
        ],
    }


def with_visits(
    *,
    places: int = 20,
    arrivals_per_day: float = 3.0,
    stay: dict[str, Any] | None = None,
    visits_per_day: int = 2,
    visit_minutes: Any = 30,
    nurses: int = 2,
    minutes: float = 420,
    travel_minutes: float = 10,
    horizon_days: int = 100,
    replications: int = 3,
) -> dict[str, Any]:
    return {
        "name": "visits",
        "places": places,
        "horizon_days": horizon_days,
        "warmup_days": 20,
        "replications": replications,
        "seed": 3,
        "pathways": [
            {
                "name": "opat",
                "arrivals_per_day": arrivals_per_day,
                "length_of_stay": stay or {"distribution": "exponential", "mean_days": 4},
                "visits_per_day": visits_per_day,
                "visit_minutes": visit_minutes,
                "role": "nurse",
            }
        ],
        "shifts": [
            {
                "name": "day",
                "role": "nurse",
                "count": nurses,
                "start": "07:00",
                "end": "16:00",
                "minutes": minutes,
            }
        ],
        "travel": {"minutes_per_visit": travel_minutes},
    }
