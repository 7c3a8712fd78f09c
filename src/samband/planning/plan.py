"""The plan: each staff member's route for the day, and the visits left out and why.

Times are seconds after midnight inside the planner and local wall-clock "HH:MM" in JSON
(``Plan.to_dict``). Every time in a plan is a whole minute (see ``travel``), so the JSON
loses nothing. ``plan_from_dict`` reads the JSON form back, e.g. to check a plan.

A visit left out carries its reason as a **problem**: a catalogue code (``planning.*``) and
its parameters, so a page shows it in the reader's language; the JSON keeps the code, the
parameters (``kit/stored.py``: a translated term as ``{"msg": key}``) and, for people
and programs reading the JSON, the English ``reason``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from samband.kit.errors import Problem
from samband.kit.i18n import Msg, has, msg
from samband.kit.stored import dump_params, load_params
from samband.planning.problem import KEEP_MINUTES, ProblemError, format_clock, parse_clock
from samband.planning.problem import Problem as PlanningProblem


@dataclass(frozen=True)
class Stop:
    visit: str
    arrival: int  # seconds after midnight
    start: int
    end: int


@dataclass(frozen=True)
class Route:
    staff: str
    stops: tuple[Stop, ...]
    leave: int | None = None  # leaves the start location (seconds after midnight)
    back: int | None = None  # reaches the end location


@dataclass(frozen=True)
class Unassigned:
    """A visit left out of the plan, and why: a catalogue code (``planning.*``) and its
    parameters."""

    visit: str
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def problem(self) -> Problem:
        return Problem(self.code, dict(self.params))

    @property
    def reason(self) -> str:
        """The reason in English (the API's and the command line's language)."""
        return self.problem.text("en")

    def to_dict(self) -> dict[str, Any]:
        return {
            "visit": self.visit,
            "code": self.code,
            "params": dump_params(self.params),
            "reason": self.reason,
        }


def skill_term(name: str) -> Msg | str:
    """A skill or a role as a term the catalogue translates (``skill.iv_therapy``,
    ``role.registered_nurse``); a name the catalogue does not know stays as written."""
    for key in (f"skill.{name}", f"role.{name}"):
        if has(key, "en"):
            return msg(key)
    return name


LEGACY = "planning.left_out"  # a reason stored as an English sentence (before codes)


def unassigned_from_dict(raw: Mapping[str, Any]) -> Unassigned:
    """One stored left-out visit (a reason stored before codes: ``LEGACY`` with its text)."""
    if raw.get("code"):
        return Unassigned(str(raw["visit"]), str(raw["code"]), load_params(raw.get("params")))
    return Unassigned(str(raw["visit"]), LEGACY, {"reason": str(raw.get("reason") or "")})


@dataclass(frozen=True)
class Plan:
    routes: tuple[Route, ...]
    unassigned: tuple[Unassigned, ...]
    travel_minutes: int

    def to_dict(self) -> dict[str, Any]:
        routes: list[dict[str, Any]] = []
        for r in self.routes:
            route: dict[str, Any] = {
                "staff": r.staff,
                "stops": [
                    {
                        "visit": s.visit,
                        "arrival": format_clock(s.arrival),
                        "start": format_clock(s.start),
                        "end": format_clock(s.end),
                    }
                    for s in r.stops
                ],
            }
            if r.leave is not None:
                route["leave"] = format_clock(r.leave)
            if r.back is not None:
                route["back"] = format_clock(r.back)
            routes.append(route)
        return {
            "routes": routes,
            "unassigned": [u.to_dict() for u in self.unassigned],
            "travel_minutes": self.travel_minutes,
        }


def plan_from_dict(raw: Mapping[str, Any]) -> Plan:
    """Read a plan in its JSON form; raise ``ProblemError`` if it is malformed."""
    try:
        routes = tuple(
            Route(
                staff=str(r["staff"]),
                stops=tuple(
                    Stop(
                        visit=str(s["visit"]),
                        arrival=parse_clock(s["arrival"], "arrival"),
                        start=parse_clock(s["start"], "start"),
                        end=parse_clock(s["end"], "end"),
                    )
                    for s in r["stops"]
                ),
                leave=parse_clock(r["leave"], "leave") if r.get("leave") else None,
                back=parse_clock(r["back"], "back") if r.get("back") else None,
            )
            for r in raw["routes"]
        )
        unassigned = tuple(unassigned_from_dict(u) for u in raw["unassigned"])
        travel = int(raw["travel_minutes"])
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise ProblemError(f"the plan is malformed: {exc!r}") from None
    return Plan(routes=routes, unassigned=unassigned, travel_minutes=travel)


def moved(problem: PlanningProblem, plan: Plan) -> list[str]:
    """The announced visits (a re-plan of a published day) that this plan moves: to another
    staff member, more than ``KEEP_MINUTES`` from the announced time, or out of the plan."""
    where = {stop.visit: (r.staff, stop.start) for r in plan.routes for stop in r.stops}
    out: list[str] = []
    for v in problem.visits:
        if v.announced is None:
            continue
        got = where.get(v.id)
        if (
            got is None
            or got[0] != v.announced.staff
            or abs(got[1] - v.announced.start) > KEEP_MINUTES * 60
        ):
            out.append(v.id)
    return out
