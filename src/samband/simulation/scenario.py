"""A capacity scenario: places at home, pathways, staff and travel, read from YAML.

``load_scenario`` parses the format documented in ``docs/simulation.md`` into frozen
dataclasses, or raises ``ScenarioError`` with a message naming the field at fault (e.g.
``pathways[0] 'acute'.length_of_stay.median_days: must be greater than 0, got -1``).
Unknown fields are refused, so a misspelt one is not silently ignored.

Travel per visit is either given (``minutes_per_visit``) or derived from the planner's travel
model (``samband.planning.travel.GreatCircleTravel``: great circle × road factor at a speed,
rounded up to whole minutes as the planner plans): the mean leg between two points drawn
uniformly at random in a disc (``mean_leg_minutes``).
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any

import numpy as np

from samband.planning.problem import Point, ProblemError, TravelSettings, parse_clock
from samband.planning.travel import EARTH_RADIUS_KM, GreatCircleTravel, TravelModel
from samband.simulation.fields import Fields

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # day 0 of a run is a Monday
DISTRIBUTIONS = ("exponential", "lognormal", "empirical")
Z_QUARTILE = NormalDist().inv_cdf(0.75)  # 0.6745: a quartile is median · exp(±Z·sigma)
MAX_DAYS = 36_500
MAX_REPLICATIONS = 10_000
DEFAULT_REPLICATIONS = 10
DEFAULT_TRAVEL_SAMPLES = 20_000
WARMUP_STAYS = 10  # default warm-up: ten times the longest mean stay


class ScenarioError(ValueError):
    """A scenario that cannot be used; the message names the field and what is allowed."""


_fields = Fields(ScenarioError)


@dataclass(frozen=True)
class LengthOfStay:
    """The length of a stay at home, in days (continuous).

    ``exponential`` (``mean_days``), ``lognormal`` (``median_days`` and ``sigma``, the
    standard deviation of the log; given directly or from the interquartile range) or
    ``empirical`` (``values_days``, drawn uniformly with replacement).
    """

    distribution: str
    mean_days: float
    median_days: float | None = None
    sigma: float | None = None
    values_days: tuple[float, ...] = ()

    def sample(self, rng: np.random.Generator) -> float:
        """One stay; every call uses the generator the same way (common random numbers)."""
        if self.distribution == "exponential":
            return float(rng.exponential(self.mean_days))
        if self.distribution == "lognormal":
            if self.median_days is None or self.sigma is None:
                raise ScenarioError("a lognormal stay needs median_days and sigma")
            return float(rng.lognormal(math.log(self.median_days), self.sigma))
        return self.values_days[int(rng.integers(len(self.values_days)))]


@dataclass(frozen=True)
class Pathway:
    name: str
    arrivals_per_day: float  # Poisson
    length_of_stay: LengthOfStay
    visit_minutes: tuple[float, ...] = ()  # one entry per visit and day at home
    role: str | None = None  # who makes the visits

    @property
    def visits_per_day(self) -> int:
        return len(self.visit_minutes)

    @property
    def offered_load(self) -> float:
        """Patients who would be at home on average if no one were turned away."""
        return self.arrivals_per_day * self.length_of_stay.mean_days


@dataclass(frozen=True)
class Shift:
    name: str
    role: str
    count: int  # staff on the shift
    start: str  # "HH:MM"
    end: str  # "HH:MM"; before ``start`` means the shift ends the next day
    minutes: float  # minutes per person available for visits and travel
    weekdays: frozenset[int] = frozenset(range(7))  # 0 = Monday

    def works_on(self, day: int) -> bool:
        return day % 7 in self.weekdays


@dataclass(frozen=True)
class Area:
    """Patients spread uniformly over a disc; travel by the planner's great-circle model."""

    centre: Point
    radius_km: float
    travel: TravelSettings = field(default_factory=TravelSettings)
    samples: int = DEFAULT_TRAVEL_SAMPLES
    seed: int = 0


@dataclass(frozen=True)
class Travel:
    minutes_per_visit: float  # one leg per visit
    area: Area | None = None  # what it was derived from, if it was


@dataclass(frozen=True)
class Scenario:
    name: str
    places: int
    horizon_days: int  # measured days, after the warm-up
    warmup_days: int  # simulated first and discarded (the service starts empty)
    replications: int
    seed: int
    pathways: tuple[Pathway, ...]
    shifts: tuple[Shift, ...] = ()
    travel: Travel | None = None

    @property
    def offered_load(self) -> float:
        return sum(p.offered_load for p in self.pathways)

    @property
    def roles(self) -> tuple[str, ...]:
        """Every role that makes visits or works a shift, sorted."""
        names = {s.role for s in self.shifts} | {p.role for p in self.pathways if p.role}
        return tuple(sorted(names))

    @property
    def has_visits(self) -> bool:
        return any(p.visits_per_day for p in self.pathways)

    def available_minutes(self, role: str, day: int) -> float:
        """Staff minutes of ``role`` on ``day`` (a shift counts on the day it starts)."""
        return sum(s.count * s.minutes for s in self.shifts if s.role == role and s.works_on(day))


# -- travel -----------------------------------------------------------------------------------


def random_point_in_disc(centre: Point, radius_km: float, rng: random.Random) -> Point:
    """A point uniformly distributed over the disc (radius √u · R, angle uniform)."""
    r = radius_km * math.sqrt(rng.random())
    angle = 2 * math.pi * rng.random()
    km_per_degree = math.pi * EARTH_RADIUS_KM / 180.0
    lat = centre.lat + r * math.sin(angle) / km_per_degree
    lon = centre.lon + r * math.cos(angle) / (km_per_degree * math.cos(math.radians(centre.lat)))
    return Point(lat, lon)


def mean_leg_minutes(
    model: TravelModel, centre: Point, radius_km: float, samples: int, seed: int = 0
) -> float:
    """The mean travel time between two random points in the disc, by ``model``.

    For straight lines at 1 km a minute this tends to 128 R / (45 π) ≈ 0.905 R minutes.
    """
    rng = random.Random(seed)  # noqa: S311 - a simulation, not security
    total = 0
    for _ in range(samples):
        a = random_point_in_disc(centre, radius_km, rng)
        b = random_point_in_disc(centre, radius_km, rng)
        total += model.seconds(a, b)
    return total / samples / 60.0


# -- parsing ----------------------------------------------------------------------------------

_TOP = (
    "name",
    "description",
    "places",
    "horizon_days",
    "warmup_days",
    "replications",
    "seed",
    "pathways",
    "shifts",
    "travel",
)
_PATHWAY = (
    "name",
    "arrivals_per_day",
    "length_of_stay",
    "visits_per_day",
    "visit_minutes",
    "role",
)
_LOS = ("distribution", "mean_days", "median_days", "sigma", "iqr_days", "quartiles_days")
_LOS_EMPIRICAL = ("distribution", "values_days")
_SHIFT = ("name", "role", "count", "start", "end", "minutes", "days")
_TRAVEL = ("minutes_per_visit", "area", "speed_kmh", "road_factor", "samples", "seed")
_AREA = ("centre", "radius_km")


def load_scenario(text: str | bytes) -> Scenario:
    """Parse the YAML text of a scenario."""
    return parse_scenario(_fields.load_yaml(text, "scenario"))


def _length_of_stay(value: object, where: str) -> LengthOfStay:
    obj = _fields.mapping(value, where)
    kind = _fields.required(obj, "distribution", where)
    if kind not in DISTRIBUTIONS:
        raise ScenarioError(
            f"{where}.distribution: {kind!r} is not one of {', '.join(DISTRIBUTIONS)}"
        )
    if kind == "exponential":
        _fields.mapping(obj, where, ("distribution", "mean_days"))
        mean = _fields.number(
            _fields.required(obj, "mean_days", where), f"{where}.mean_days", above=0
        )
        return LengthOfStay("exponential", mean_days=mean)
    if kind == "empirical":
        _fields.mapping(obj, where, _LOS_EMPIRICAL)
        raw = _fields.items(_fields.required(obj, "values_days", where), f"{where}.values_days")
        values = tuple(
            _fields.number(v, f"{where}.values_days[{i}]", above=0) for i, v in enumerate(raw)
        )
        return LengthOfStay("empirical", mean_days=sum(values) / len(values), values_days=values)

    _fields.mapping(obj, where, _LOS)
    if obj.get("mean_days") is not None:
        raise ScenarioError(
            f"{where}.mean_days: a lognormal stay is given by median_days and one of sigma, "
            "iqr_days or quartiles_days"
        )
    median = _fields.number(
        _fields.required(obj, "median_days", where), f"{where}.median_days", above=0
    )
    spreads = [k for k in ("sigma", "iqr_days", "quartiles_days") if obj.get(k) is not None]
    if len(spreads) != 1:
        raise ScenarioError(
            f"{where}: give exactly one of sigma, iqr_days or quartiles_days for a lognormal "
            f"stay (got {', '.join(spreads) or 'none'})"
        )
    if spreads[0] == "sigma":
        sigma = _fields.number(obj["sigma"], f"{where}.sigma", above=0, maximum=5)
    elif spreads[0] == "iqr_days":
        # Q3 - Q1 = median · (e^{zσ} - e^{-zσ}) = 2 · median · sinh(zσ)
        iqr = _fields.number(obj["iqr_days"], f"{where}.iqr_days", above=0)
        sigma = math.asinh(iqr / (2 * median)) / Z_QUARTILE
    else:
        q1, q3 = _fields.span(obj["quartiles_days"], f"{where}.quartiles_days", above=0)
        if not q1 < median < q3:
            raise ScenarioError(
                f"{where}.quartiles_days: [{q1:g}, {q3:g}] must lie either side of the median "
                f"{median:g}"
            )
        sigma = math.log(q3 / q1) / (2 * Z_QUARTILE)
    mean = median * math.exp(sigma * sigma / 2)
    return LengthOfStay("lognormal", mean_days=mean, median_days=median, sigma=sigma)


def _pathway(raw: object, index: int) -> Pathway:
    where = f"pathways[{index}]"
    obj = _fields.mapping(raw, where)
    if isinstance(obj.get("name"), str):
        where = f"{where} {obj['name']!r}"
    _fields.mapping(obj, where, _PATHWAY)
    name = _fields.text(_fields.required(obj, "name", where), f"{where}.name")
    rate = _fields.number(
        _fields.required(obj, "arrivals_per_day", where),
        f"{where}.arrivals_per_day",
        above=0,
        maximum=100_000,
    )
    los = _length_of_stay(_fields.required(obj, "length_of_stay", where), f"{where}.length_of_stay")

    raw_minutes = obj.get("visit_minutes")
    count: int | None = None
    if obj.get("visits_per_day") is not None:
        count = _fields.integer(obj["visits_per_day"], f"{where}.visits_per_day", 0, 48)
    minutes: tuple[float, ...]
    if isinstance(raw_minutes, list):
        minutes = tuple(
            _fields.number(m, f"{where}.visit_minutes[{i}]", above=0, maximum=24 * 60)
            for i, m in enumerate(_fields.items(raw_minutes, f"{where}.visit_minutes"))
        )
        if count is not None and count != len(minutes):
            raise ScenarioError(
                f"{where}.visit_minutes: {len(minutes)} durations for visits_per_day {count}; "
                "give one duration per visit, or one number for all"
            )
    elif raw_minutes is not None:
        one = _fields.number(raw_minutes, f"{where}.visit_minutes", above=0, maximum=24 * 60)
        if count is None:
            raise ScenarioError(f"{where}: visit_minutes is given but visits_per_day is not")
        minutes = (one,) * count
    else:
        if count:
            raise ScenarioError(
                f"{where}: missing field 'visit_minutes' (the duration of each of the "
                f"{count} visits a day, in minutes)"
            )
        minutes = ()

    role = None
    if minutes:
        role = _fields.text(_fields.required(obj, "role", where), f"{where}.role")
    elif obj.get("role") is not None:
        role = _fields.text(obj["role"], f"{where}.role")
    return Pathway(name, rate, los, minutes, role)


def _clock_minutes(value: object, where: str) -> int:
    try:
        return parse_clock(value, where) // 60
    except ProblemError as exc:
        raise ScenarioError(str(exc)) from None


def _shift(raw: object, index: int) -> Shift:
    where = f"shifts[{index}]"
    obj = _fields.mapping(raw, where)
    if isinstance(obj.get("name"), str):
        where = f"{where} {obj['name']!r}"
    _fields.mapping(obj, where, _SHIFT)
    name = _fields.text(_fields.required(obj, "name", where), f"{where}.name")
    role = _fields.text(_fields.required(obj, "role", where), f"{where}.role")
    count = _fields.integer(_fields.required(obj, "count", where), f"{where}.count", 0, 10_000)
    start_text = _fields.required(obj, "start", where)
    end_text = _fields.required(obj, "end", where)
    start = _clock_minutes(start_text, f"{where}.start")
    end = _clock_minutes(end_text, f"{where}.end")
    if start == end:
        raise ScenarioError(f"{where}: starts and ends at the same time ({start_text})")
    length = end - start if end > start else end + 24 * 60 - start
    minutes = float(length)
    if obj.get("minutes") is not None:
        minutes = _fields.number(obj["minutes"], f"{where}.minutes", minimum=0, maximum=length)
    weekdays = frozenset(range(7))
    if obj.get("days") is not None:
        days = _fields.items(obj["days"], f"{where}.days")
        chosen = set()
        for i, day in enumerate(days):
            if not isinstance(day, str) or day.strip().lower()[:3] not in WEEKDAYS:
                raise ScenarioError(
                    f"{where}.days[{i}]: {day!r} is not a weekday ({', '.join(WEEKDAYS)})"
                )
            chosen.add(WEEKDAYS.index(day.strip().lower()[:3]))
        weekdays = frozenset(chosen)
    return Shift(name, role, count, str(start_text), str(end_text), minutes, weekdays)


def _travel(raw: object) -> Travel:
    where = "travel"
    obj = _fields.mapping(raw, where, _TRAVEL)
    given = obj.get("minutes_per_visit") is not None
    if given == (obj.get("area") is not None):
        raise ScenarioError(
            "travel: give either minutes_per_visit (the mean travel minutes a visit adds) or "
            "an area (centre and radius_km) to derive it with the planner's travel model"
        )
    if given:
        extra = [k for k in obj if k != "minutes_per_visit"]
        if extra:
            raise ScenarioError(f"travel.{extra[0]}: only used with an area")
        minutes = _fields.number(
            obj["minutes_per_visit"], "travel.minutes_per_visit", minimum=0, maximum=24 * 60
        )
        return Travel(minutes)

    area_obj = _fields.mapping(obj["area"], "travel.area", _AREA)
    centre_obj = _fields.mapping(
        _fields.required(area_obj, "centre", "travel.area"), "travel.area.centre", ("lat", "lon")
    )
    lat = _fields.number(
        _fields.required(centre_obj, "lat", "travel.area.centre"),
        "travel.area.centre.lat",
        minimum=-89,
        maximum=89,
    )
    lon = _fields.number(
        _fields.required(centre_obj, "lon", "travel.area.centre"),
        "travel.area.centre.lon",
        minimum=-180,
        maximum=180,
    )
    radius = _fields.number(
        _fields.required(area_obj, "radius_km", "travel.area"),
        "travel.area.radius_km",
        above=0,
        maximum=500,
    )
    defaults = TravelSettings()
    speed = _fields.number(
        obj.get("speed_kmh", defaults.speed_kmh), "travel.speed_kmh", above=0, maximum=200
    )
    road_factor = _fields.number(
        obj.get("road_factor", defaults.road_factor), "travel.road_factor", minimum=1, maximum=5
    )
    samples = DEFAULT_TRAVEL_SAMPLES
    if obj.get("samples") is not None:
        samples = _fields.integer(obj["samples"], "travel.samples", 100, 1_000_000)
    seed = _fields.integer(obj["seed"], "travel.seed", 0) if obj.get("seed") is not None else 0
    settings = TravelSettings(speed_kmh=speed, road_factor=road_factor)
    area = Area(Point(lat, lon), radius, settings, samples, seed)
    minutes = mean_leg_minutes(GreatCircleTravel(settings), area.centre, radius, samples, seed)
    return Travel(minutes, area)


def parse_scenario(raw: object) -> Scenario:
    """Validate a decoded YAML scenario; raise ``ScenarioError`` naming the fault."""
    obj: Mapping[str, Any] = _fields.mapping(raw, "scenario", _TOP)
    name = _fields.text(obj["name"], "name") if obj.get("name") is not None else "scenario"
    places = _fields.integer(_fields.required(obj, "places", "scenario"), "places", 1, 100_000)
    horizon = _fields.integer(
        _fields.required(obj, "horizon_days", "scenario"), "horizon_days", 1, MAX_DAYS
    )
    replications = DEFAULT_REPLICATIONS
    if obj.get("replications") is not None:
        replications = _fields.integer(obj["replications"], "replications", 1, MAX_REPLICATIONS)
    seed = _fields.integer(obj["seed"], "seed", 0) if obj.get("seed") is not None else 0

    pathways = tuple(
        _pathway(p, i)
        for i, p in enumerate(
            _fields.items(_fields.required(obj, "pathways", "scenario"), "pathways")
        )
    )
    _unique("pathway", [p.name for p in pathways])
    shifts: tuple[Shift, ...] = ()
    if obj.get("shifts") is not None:
        shifts = tuple(
            _shift(s, i) for i, s in enumerate(_fields.items(obj["shifts"], "shifts", empty=True))
        )
        _unique("shift", [s.name for s in shifts])

    for index, pathway in enumerate(pathways):
        if (
            pathway.role
            and pathway.visits_per_day
            and not any(s.role == pathway.role and s.count > 0 and s.minutes > 0 for s in shifts)
        ):
            roles = sorted({s.role for s in shifts})
            raise ScenarioError(
                f"pathways[{index}] {pathway.name!r}.role: no shift has staff with role "
                f"{pathway.role!r} (shift roles: {', '.join(roles) or 'none'})"
            )

    travel = None
    if obj.get("travel") is not None:
        travel = _travel(obj["travel"])
    elif any(p.visits_per_day for p in pathways):
        raise ScenarioError(
            "scenario: missing field 'travel' (the pathways have visits): give "
            "travel.minutes_per_visit, or travel.area to derive it with the planner's model"
        )

    longest = max(p.length_of_stay.mean_days for p in pathways)
    warmup = min(MAX_DAYS, math.ceil(WARMUP_STAYS * longest))
    if obj.get("warmup_days") is not None:
        warmup = _fields.integer(obj["warmup_days"], "warmup_days", 0, MAX_DAYS)
    return Scenario(
        name=name,
        places=places,
        horizon_days=horizon,
        warmup_days=warmup,
        replications=replications,
        seed=seed,
        pathways=pathways,
        shifts=shifts,
        travel=travel,
    )


def _unique(kind: str, names: list[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ScenarioError(f"{kind} name {name!r} is used more than once")
        seen.add(name)
