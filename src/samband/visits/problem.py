"""The day's planning problem, built from the visits and shifts of a date (pure: no
SQLAlchemy, no FastAPI; plain rows in, plain data out).

``build_problem`` turns the date's visits and shifts into the JSON planning problem of
``samband.planning`` (docs/planning-format.md):

- **open** visits (planned, assigned) become the problem's visits, with the staff each one
  prefers (continuity: the patient's regular staff, or on a replan of a draft the current
  staff member);
- on a replan of a **published** plan, each open visit of its routes is **announced**: the
  staff member and the start the patient was told (the visit's assigned staff member and
  planned start, in local "HH:MM"); the planner keeps it there when it can;
- **fixed** visits (started, done) keep their staff member and time: they become fixed stops,
  and their staff member continues from the last of them (from that patient's home, with the
  time already worked taken from ``max_minutes``);
- a visit whose patient has no coordinates, or whose window is not on the date, is left out
  with that reason (a ``planning.*`` code);
- on today's date nobody is planned before now; a staff member with no time left is not in
  the problem.

The ``dayplans`` service reads the rows from the database, calls this, and hands the problem
to the solver.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from samband.planning.plan import Unassigned
from samband.visits.schedule import DAY, LOCAL, clock, utc_to_minutes

OPEN = frozenset({"planned", "assigned"})  # (re)planned by the solver
FIXED = frozenset({"started", "done"})  # kept with their staff and time
TRAVEL = {"speed_kmh": 40, "road_factor": 1.3}

NO_COORDINATES = "planning.no_coordinates"
WINDOW_NOT_ON_DATE = "planning.window_not_on_date"


@dataclass(frozen=True)
class VisitRow:
    """One visit of the date, with its patient's home."""

    id: str
    patient: str
    lat: float | None
    lon: float | None
    window_start: datetime  # UTC
    window_end: datetime
    duration_min: int
    skills: Sequence[str]
    role: str
    priority: int
    status: str
    assigned: str | None = None  # the staff member's id
    started_at: datetime | None = None
    ended_at: datetime | None = None
    planned_start: datetime | None = None


@dataclass(frozen=True)
class ShiftRow:
    """One staff member's shift on the date."""

    staff: str  # the staff member's id
    skills: Sequence[str]
    role: str
    start: datetime  # UTC
    end: datetime
    start_lat: float
    start_lon: float
    end_lat: float
    end_lon: float
    max_minutes: int | None = None


PHYSICIAN = "physician"


def preferred_staff(
    role: str,
    regulars: Sequence[str],
    *,
    fixed_physician: str | None = None,
    care_contact: str | None = None,
    requested: str | None = None,
) -> list[str]:
    """The staff a visit prefers (continuity, never a requirement; decision 0018): a
    physician's visit, the patient's fixed physician (patientansvarig läkare) alone when there
    is one, else the regulars; any other visit, the patient's fixed care contact (fast
    vårdkontakt) first, then the regulars. ``regulars``: those who made most of the patient's
    visits lately. A preferred person who cannot make the visit (another role) is simply not
    chosen by the solver. ``requested``: the person the visit asks for by name (a booked
    slot's physician, a planned review's; decision 0019), alone, before all of these."""
    if requested:
        return [requested]
    if role == PHYSICIAN:
        return [fixed_physician] if fixed_physician else list(regulars)
    first = [care_contact] if care_contact else []
    return first + [r for r in regulars if r not in first]


@dataclass(frozen=True)
class Built:
    """The problem (JSON), the fixed stops ({"staff", "visit", "start", "end"} in minutes of
    the day) and the visits left out before the solver runs."""

    problem: dict[str, Any]
    fixed: list[dict[str, Any]] = field(default_factory=list)
    left_out: list[Unassigned] = field(default_factory=list)


def fixed_times(visit: VisitRow, day: date) -> tuple[int, int]:
    """(start, end) in minutes of the day of a started or done visit: as it really went when
    that was on this date, else as it was planned."""
    started = visit.started_at
    if started is not None and started.astimezone(LOCAL).date() == day:
        start = utc_to_minutes(day, started, round_up=False)
    elif visit.planned_start is not None:
        start = utc_to_minutes(day, visit.planned_start, round_up=False)
    else:
        start = utc_to_minutes(day, visit.window_start, round_up=False)
    end = min(DAY, start + visit.duration_min)
    ended = visit.ended_at
    if ended is not None and ended.astimezone(LOCAL).date() == day:
        end = max(start, utc_to_minutes(day, ended, round_up=True))
    return start, end


def announcement(visit: VisitRow, day: date) -> dict[str, str] | None:
    """What the patient was told of a visit of a published plan: its staff member and its
    planned start in local "HH:MM" (None: it has neither, so nothing was told)."""
    if visit.assigned is None or visit.planned_start is None:
        return None
    start = utc_to_minutes(day, visit.planned_start, round_up=False)
    return {"staff": visit.assigned, "start": clock(start)}


def build_problem(
    day: date,
    visits: Sequence[VisitRow],
    shifts: Sequence[ShiftRow],
    *,
    preferred: Mapping[str, Sequence[str]] | None = None,
    announced: Collection[str] = (),
    now: datetime | None = None,
) -> Built:
    """The planning problem of ``day``. ``preferred``: staff ids per visit id; ``announced``:
    the ids of the visits of a published plan (each open one with its staff member and
    planned start is announced there); ``now``: the present moment when ``day`` is today
    (nobody is planned before it), else None."""
    preferred = preferred or {}
    on_shift = {s.staff: s for s in shifts}
    by_id = {v.id: v for v in visits}

    # fixed visits of staff on shift, per staff member: (visit id, start, end)
    fixed: dict[str, list[tuple[str, int, int]]] = {}
    open_visits: list[VisitRow] = []
    for visit in visits:
        if visit.status in FIXED:
            if visit.assigned in on_shift:
                fixed.setdefault(visit.assigned, []).append((visit.id, *fixed_times(visit, day)))
        elif visit.status in OPEN:
            open_visits.append(visit)

    left_out: list[Unassigned] = []
    problem_visits: list[dict[str, Any]] = []
    for visit in open_visits:
        if visit.lat is None or visit.lon is None:
            left_out.append(Unassigned(visit.id, NO_COORDINATES))
            continue
        lo = utc_to_minutes(day, visit.window_start, round_up=True)
        hi = utc_to_minutes(day, visit.window_end, round_up=False)
        if hi < lo:
            left_out.append(Unassigned(visit.id, WINDOW_NOT_ON_DATE))
            continue
        item: dict[str, Any] = {
            "id": visit.id,
            "patient": visit.patient,
            "location": {"lat": visit.lat, "lon": visit.lon},
            "window": [clock(lo), clock(hi)],
            "duration_min": visit.duration_min,
            "skills": sorted({*visit.skills, visit.role}),
            "priority": visit.priority,
        }
        if visit.id in preferred:
            item["preferred_staff"] = list(preferred[visit.id])
        told = announcement(visit, day) if visit.id in announced else None
        if told is not None:
            item["announced"] = told
        problem_visits.append(item)

    now_min = utc_to_minutes(day, now, round_up=True) if now is not None else None
    problem_staff: list[dict[str, Any]] = []
    fixed_stops: list[dict[str, Any]] = []
    for shift in shifts:
        lo = utc_to_minutes(day, shift.start, round_up=True)
        hi = utc_to_minutes(day, shift.end, round_up=False)
        start = {"lat": shift.start_lat, "lon": shift.start_lon}
        max_minutes = shift.max_minutes
        done_here = sorted(fixed.get(shift.staff, []), key=lambda f: (f[2], f[1]))
        for visit_id, f_start, f_end in done_here:
            fixed_stops.append(
                {"staff": shift.staff, "visit": visit_id, "start": f_start, "end": f_end}
            )
        if done_here:
            last_id, _, last_end = done_here[-1]
            last = by_id[last_id]
            if last.lat is not None and last.lon is not None:
                start = {"lat": last.lat, "lon": last.lon}
            if max_minutes is not None:
                max_minutes -= max(0, last_end - lo)
            lo = max(lo, last_end)
        if now_min is not None:
            lo = max(lo, now_min)
        if hi <= lo or (max_minutes is not None and max_minutes < 1):
            continue  # no time left today
        problem_staff.append(
            {
                "id": shift.staff,
                "skills": sorted({*shift.skills, shift.role}),
                "start": start,
                "end": {"lat": shift.end_lat, "lon": shift.end_lon},
                "shift": [clock(lo), clock(hi)],
                **({"max_minutes": max_minutes} if max_minutes is not None else {}),
            }
        )

    problem: dict[str, Any] = {
        "date": day.isoformat(),
        "travel": dict(TRAVEL),
        "staff": problem_staff,
        "visits": problem_visits,
    }
    return Built(problem, fixed_stops, left_out)
