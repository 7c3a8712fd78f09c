"""The planning problem: who works when and where, and which visits must be made.

``parse_problem`` turns the JSON format documented in ``docs/planning-format.md`` into
frozen dataclasses, or raises ``ProblemError`` with a message that names the item and the
field at fault. Times are held as seconds after midnight of the problem's date (local
wall-clock time); a problem describes one day, so nothing crosses midnight.

Fields not described here are ignored (e.g. "organisation"), and so is a preferred staff id
that is not in the problem. A visit that can never be served (a window outside every shift,
skills that no single staff member holds together) is *not* an error: the solver reports it
as unassigned with the reason. A skill that *nobody* in the problem holds is a mistake in
the problem (a typo, a missing staff member): ``require_known_skills`` refuses it, and
``samband plan solve`` calls it unless told ``--allow-unknown-skills``. The day plans made
from the database do not: there a skill nobody on shift has is a fact of the day.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

MIN_PRIORITY = 1
MAX_PRIORITY = 5
DEFAULT_PRIORITY = 3
# An announced visit is kept when it stays with its staff member and starts within this many
# minutes of the announced time (a re-plan of a published day; see ``Visit.announced``).
KEEP_MINUTES = 15


class ProblemError(ValueError):
    """A planning problem that cannot be read; the message says what to fix."""


@dataclass(frozen=True)
class Point:
    lat: float
    lon: float


@dataclass(frozen=True)
class TravelSettings:
    speed_kmh: float = 40.0
    road_factor: float = 1.3


@dataclass(frozen=True)
class Staff:
    id: str
    skills: frozenset[str]
    start: Point
    end: Point
    shift_start: int  # seconds after midnight
    shift_end: int
    max_minutes: int | None = None


@dataclass(frozen=True)
class Announced:
    """What the patient was told of a visit of a published plan: who comes, and when."""

    staff: str
    start: int  # seconds after midnight


@dataclass(frozen=True)
class Visit:
    id: str
    patient: str
    location: Point
    window_start: int  # seconds after midnight: service starts inside [start, end]
    window_end: int
    duration_min: int
    skills: frozenset[str]
    preferred_staff: tuple[str, ...] = ()
    priority: int = DEFAULT_PRIORITY
    announced: Announced | None = None

    @property
    def duration(self) -> int:
        """Service duration in seconds."""
        return self.duration_min * 60


@dataclass(frozen=True)
class Problem:
    date: date
    travel: TravelSettings
    staff: tuple[Staff, ...]
    visits: tuple[Visit, ...]

    def staff_member(self, staff_id: str) -> Staff:
        for s in self.staff:
            if s.id == staff_id:
                return s
        raise KeyError(staff_id)

    def visit(self, visit_id: str) -> Visit:
        for v in self.visits:
            if v.id == visit_id:
                return v
        raise KeyError(visit_id)


# -- times ------------------------------------------------------------------------------------


def parse_clock(value: object, where: str) -> int:
    """'HH:MM' (00:00..24:00) → seconds after midnight."""
    if not isinstance(value, str):
        raise ProblemError(f'{where}: expected a time as "HH:MM", got {value!r}')
    parts = value.split(":")
    if len(parts) != 2 or not all(p.isdigit() and len(p) == 2 for p in parts):
        raise ProblemError(f'{where}: expected a time as "HH:MM", got {value!r}')
    hours, minutes = int(parts[0]), int(parts[1])
    if minutes > 59 or hours > 24 or (hours == 24 and minutes != 0):
        raise ProblemError(f"{where}: {value!r} is not a time of day (00:00 to 24:00)")
    return hours * 3600 + minutes * 60


def format_clock(seconds: int) -> str:
    """Seconds after midnight → 'HH:MM' (whole minutes; seconds are dropped)."""
    minutes = seconds // 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


# -- parsing ----------------------------------------------------------------------------------


def load_problem(text: str | bytes) -> Problem:
    """Parse the JSON text of a planning problem."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProblemError(
            f"the problem is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    except UnicodeDecodeError:
        raise ProblemError("the problem is not UTF-8 text") from None
    return parse_problem(raw)


def _obj(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ProblemError(f"{where}: expected an object, got {type(value).__name__}")
    return value


def _req(obj: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in obj or obj[key] is None:
        raise ProblemError(f"{where}: missing field {key!r}")
    return obj[key]


def _number(value: object, where: str, *, positive: bool = True) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ProblemError(f"{where}: expected a number, got {value!r}")
    if positive and value <= 0:
        raise ProblemError(f"{where}: must be greater than 0, got {value!r}")
    return float(value)


def _int(value: object, where: str, lo: int, hi: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProblemError(f"{where}: expected a whole number, got {value!r}")
    if value < lo or (hi is not None and value > hi):
        allowed = f"{lo}..{hi}" if hi is not None else f">= {lo}"
        raise ProblemError(f"{where}: {value} is out of range ({allowed})")
    return value


def _id(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ProblemError(f"{where}: expected a non-empty text id, got {value!r}")
    return value


def _point(value: object, where: str) -> Point:
    obj = _obj(value, where)
    lat = _number(_req(obj, "lat", where), f"{where}.lat", positive=False)
    lon = _number(_req(obj, "lon", where), f"{where}.lon", positive=False)
    if not -90 <= lat <= 90:
        raise ProblemError(f"{where}.lat: {lat} is not a latitude (-90..90)")
    if not -180 <= lon <= 180:
        raise ProblemError(f"{where}.lon: {lon} is not a longitude (-180..180)")
    return Point(lat, lon)


def _interval(value: object, where: str) -> tuple[int, int]:
    if not isinstance(value, Sequence) or isinstance(value, str) or len(value) != 2:
        raise ProblemError(f'{where}: expected ["HH:MM", "HH:MM"], got {value!r}')
    start = parse_clock(value[0], f"{where}[0]")
    end = parse_clock(value[1], f"{where}[1]")
    if end < start:
        raise ProblemError(f"{where}: ends ({value[1]}) before it starts ({value[0]})")
    return start, end


def _skills(value: object, where: str) -> frozenset[str]:
    if value is None:
        return frozenset()
    if not isinstance(value, Sequence) or isinstance(value, str):
        raise ProblemError(f"{where}: expected a list of skills, got {value!r}")
    skills = set()
    for i, skill in enumerate(value):
        if not isinstance(skill, str) or not skill.strip():
            raise ProblemError(f"{where}[{i}]: expected a skill name, got {skill!r}")
        skills.add(skill.strip())
    return frozenset(skills)


def _list(obj: Mapping[str, Any], key: str, where: str) -> Sequence[Any]:
    value = _req(obj, key, where)
    if not isinstance(value, list):
        raise ProblemError(f"{where}.{key}: expected a list, got {type(value).__name__}")
    return value


def _staff(raw: object, index: int) -> Staff:
    where = f"staff[{index}]"
    obj = _obj(raw, where)
    if isinstance(obj.get("id"), str):
        where = f"staff {obj['id']!r}"
    staff_id = _id(_req(obj, "id", where), f"{where}.id")
    start = _point(_req(obj, "start", where), f"{where}.start")
    end = _point(obj["end"], f"{where}.end") if obj.get("end") is not None else start
    if "shift" not in obj or obj["shift"] is None:
        raise ProblemError(f'{where}: missing field \'shift\' (e.g. ["07:00", "16:00"])')
    shift_start, shift_end = _interval(obj["shift"], f"{where}.shift")
    if shift_end == shift_start:
        raise ProblemError(f"{where}.shift: starts and ends at the same time")
    max_minutes = None
    if obj.get("max_minutes") is not None:
        max_minutes = _int(obj["max_minutes"], f"{where}.max_minutes", 1, 24 * 60)
    return Staff(
        id=staff_id,
        skills=_skills(obj.get("skills"), f"{where}.skills"),
        start=start,
        end=end,
        shift_start=shift_start,
        shift_end=shift_end,
        max_minutes=max_minutes,
    )


def _visit(raw: object, index: int) -> Visit:
    where = f"visits[{index}]"
    obj = _obj(raw, where)
    if isinstance(obj.get("id"), str):
        where = f"visit {obj['id']!r}"
    visit_id = _id(_req(obj, "id", where), f"{where}.id")
    window_start, window_end = _interval(_req(obj, "window", where), f"{where}.window")
    preferred: tuple[str, ...] = ()
    if obj.get("preferred_staff") is not None:
        raw_pref = obj["preferred_staff"]
        if not isinstance(raw_pref, list):
            raise ProblemError(f"{where}.preferred_staff: expected a list of staff ids")
        preferred = tuple(_id(p, f"{where}.preferred_staff[{i}]") for i, p in enumerate(raw_pref))
    priority = DEFAULT_PRIORITY
    if obj.get("priority") is not None:
        priority = _int(obj["priority"], f"{where}.priority", MIN_PRIORITY, MAX_PRIORITY)
    announced = None
    if obj.get("announced") is not None:
        raw_ann = _obj(obj["announced"], f"{where}.announced")
        announced = Announced(
            staff=_id(_req(raw_ann, "staff", f"{where}.announced"), f"{where}.announced.staff"),
            start=parse_clock(
                _req(raw_ann, "start", f"{where}.announced"), f"{where}.announced.start"
            ),
        )
    return Visit(
        id=visit_id,
        patient=_id(_req(obj, "patient", where), f"{where}.patient"),
        location=_point(_req(obj, "location", where), f"{where}.location"),
        window_start=window_start,
        window_end=window_end,
        duration_min=_int(_req(obj, "duration_min", where), f"{where}.duration_min", 0, 24 * 60),
        skills=_skills(obj.get("skills"), f"{where}.skills"),
        preferred_staff=preferred,
        priority=priority,
        announced=announced,
    )


def parse_problem(raw: object) -> Problem:
    """Validate a decoded JSON planning problem; raise ``ProblemError`` naming the fault."""
    obj = _obj(raw, "problem")
    raw_date = _req(obj, "date", "problem")
    try:
        day = date.fromisoformat(raw_date) if isinstance(raw_date, str) else None
    except ValueError:
        day = None
    if day is None:
        raise ProblemError(f'problem.date: expected a date as "YYYY-MM-DD", got {raw_date!r}')

    travel = TravelSettings()
    if obj.get("travel") is not None:
        t = _obj(obj["travel"], "problem.travel")
        travel = TravelSettings(
            speed_kmh=_number(t.get("speed_kmh", travel.speed_kmh), "travel.speed_kmh"),
            road_factor=_number(t.get("road_factor", travel.road_factor), "travel.road_factor"),
        )
        if travel.road_factor < 1:
            raise ProblemError(
                f"travel.road_factor: {travel.road_factor} is below 1 "
                "(roads are never shorter than the great circle)"
            )

    staff = tuple(_staff(s, i) for i, s in enumerate(_list(obj, "staff", "problem")))
    visits = tuple(_visit(v, i) for i, v in enumerate(_list(obj, "visits", "problem")))

    for kind, ids in (("staff", [s.id for s in staff]), ("visit", [v.id for v in visits])):
        seen: set[str] = set()
        for item_id in ids:
            if item_id in seen:
                raise ProblemError(f"{kind} id {item_id!r} is used more than once")
            seen.add(item_id)
    return Problem(date=day, travel=travel, staff=staff, visits=visits)


def require_known_skills(problem: Problem) -> None:
    """Refuse a problem with a visit needing a skill that no staff member holds."""
    held = set().union(*(s.skills for s in problem.staff))
    for v in problem.visits:
        unknown = sorted(v.skills - held)
        if unknown:
            names = ", ".join(repr(k) for k in unknown)
            raise ProblemError(
                f"visit {v.id!r}: unknown skill {names}: no staff member has it "
                f"(staff skills: {', '.join(sorted(held)) or 'none'}). Fix the spelling or add "
                "a staff member with it; --allow-unknown-skills reports such visits as "
                "unassigned instead"
            )
