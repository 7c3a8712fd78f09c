"""Small planning problems as JSON-ready dicts (typed factory helpers, no fixtures)."""

from __future__ import annotations

from typing import Any

BASE = {"lat": 59.8586, "lon": 17.6389}  # Uppsala


def make_staff(
    staff_id: str, skills: list[str], *, shift: tuple[str, str] = ("07:00", "16:00"), **extra: Any
) -> dict[str, Any]:
    return {"id": staff_id, "skills": skills, "start": BASE, "shift": list(shift), **extra}


def make_visit(
    visit_id: str,
    *,
    skills: list[str] | None = None,
    window: tuple[str, str] = ("08:00", "12:00"),
    duration: int = 30,
    lat: float = 59.87,
    lon: float = 17.65,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "id": visit_id,
        "patient": f"p-{visit_id}",
        "location": {"lat": lat, "lon": lon},
        "window": list(window),
        "duration_min": duration,
        "skills": skills or [],
        **extra,
    }


def make_problem(staff: list[dict[str, Any]], visits: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "date": "2026-11-24",
        "travel": {"speed_kmh": 40, "road_factor": 1.3},
        "staff": staff,
        "visits": visits,
    }
