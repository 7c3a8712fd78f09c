"""Turning a planning problem into a plan: the ``Solver`` protocol and its PyVRP implementation.

How the problem maps onto PyVRP (decision recorded in ``docs/planning-format.md``):

- **Staff → vehicle types.** One vehicle type per staff member (``num_available=1``) with
  its own start and end depot, the shift as the vehicle's time window, ``max_minutes`` as
  the shift duration, and its own *routing profile*.
- **Skills → unreachable edges.** PyVRP has no skills. Each staff member's profile has
  prohibitive distance and duration (``UNREACHABLE``) on every edge into and out of a
  visit that staff member may not make, so the solver never puts it on that route.
- **Visits → optional clients with prizes.** Every visit is optional; its prize is
  ``PRIZE_BASE × 10^(MAX_PRIORITY − priority)`` (1 hour of travel and up), above any
  travel it could cost, so a visit is left out only when it cannot be fitted, and a
  priority-3 visit goes before a priority-1 visit. Nothing is silently dropped: every
  visit left out is reported with a reason.
- **Preferred staff → a soft penalty.** On the profile of a staff member who is *not* in a
  visit's ``preferred_staff``, edges into the visit cost ``PREFERENCE_PENALTY`` extra
  distance (not duration): continuity is preferred, never required.
- **Units.** Durations and distances are seconds of travel (multiples of 60, see
  ``travel``); the objective is total travel seconds + penalties − prizes collected.

Visits that cannot be served by anyone (a skill nobody has, a window that no suitable
shift can reach) are decided before the solver runs and given a specific reason.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
import pyvrp
from pyvrp.stop import MaxRuntime

from samband.planning.check import check
from samband.planning.plan import Plan, Route, Stop, Unassigned, skill_term
from samband.planning.problem import MAX_PRIORITY, Problem, Staff, Visit, format_clock
from samband.planning.travel import GreatCircleTravel, TravelModel

UNREACHABLE = 1 << 40  # seconds; far above any day, yet safe from int64 overflow in sums
# Seconds of travel (1 hour) a lowest-priority visit is worth. Larger prizes make PyVRP
# prefer routes that break time windows over leaving a visit out (its penalty for lateness
# is capped), and those routes are then thrown away. On the generated hospital-at-home days
# (bench/hah_days.py, seed 1): 100 visits at 5 s left 14 out with 10^6, 1 with 14 400 or
# 3 600; 300 visits at 10 s left 58 out with 14 400 and 24 with 3 600.
PRIZE_BASE = 3_600
PREFERENCE_PENALTY = 900  # 15 minutes of travel, for a staff member who is not preferred

# The reasons a visit is left out are catalogue codes (visits.po) with parameters.
REASON_COULD_NOT_FIT = "planning.could_not_fit"
REASON_UNKNOWN_SKILL = "planning.skill_nobody_has"
REASON_SKILLS_APART = "planning.skills_not_together"
REASON_OUTSIDE_SHIFTS = "planning.outside_shifts"


class Solver(Protocol):
    def solve(self, problem: Problem, seconds: float, seed: int = 0) -> Plan: ...


class PlanningError(RuntimeError):
    """The solver produced a plan that breaks a hard constraint (a bug, never bad input)."""


def prize(visit: Visit) -> int:
    return PRIZE_BASE * 10 ** (MAX_PRIORITY - visit.priority)


def _window(v: Visit) -> str:
    return f"{format_clock(v.window_start)}-{format_clock(v.window_end)}"


def _fits_alone(s: Staff, v: Visit, travel: TravelModel) -> bool:
    """Could this staff member make this visit if it were the only one of the day?"""
    there = travel.seconds(s.start, v.location)
    back = travel.seconds(v.location, s.end)
    start = max(s.shift_start + there, v.window_start)
    if start > v.window_end:
        return False
    if start + v.duration + back > s.shift_end:
        return False
    return s.max_minutes is None or there + v.duration + back <= s.max_minutes * 60


def triage(problem: Problem, travel: TravelModel) -> tuple[dict[str, list[int]], list[Unassigned]]:
    """Which staff (indices) may make each visit, and the visits nobody can ever make."""
    all_skills = set().union(*(s.skills for s in problem.staff)) if problem.staff else set()
    candidates: dict[str, list[int]] = {}
    unassigned: list[Unassigned] = []
    for v in problem.visits:
        unknown = sorted(v.skills - all_skills)
        if unknown:
            skills = [skill_term(s) for s in unknown]
            unassigned.append(Unassigned(v.id, REASON_UNKNOWN_SKILL, {"skills": skills}))
            continue
        skilled = [i for i, s in enumerate(problem.staff) if v.skills <= s.skills]
        if not skilled:
            skills = [skill_term(s) for s in sorted(v.skills)]
            unassigned.append(Unassigned(v.id, REASON_SKILLS_APART, {"skills": skills}))
            continue
        able = [i for i in skilled if _fits_alone(problem.staff[i], v, travel)]
        if not able:
            params = {"window": _window(v), "minutes": v.duration_min}
            unassigned.append(Unassigned(v.id, REASON_OUTSIDE_SHIFTS, params))
            continue
        candidates[v.id] = able
    return candidates, unassigned


def _earliest(s: Staff, route: list[Visit], travel: TravelModel) -> Route | None:
    """Each visit as early as its window allows (leaving just in time for the first).

    Earliest start times are never later than those of any feasible schedule of the same
    order, so windows and the shift end still hold; only waiting may grow, so ``None`` is
    returned when that would break ``max_minutes`` (the caller then keeps PyVRP's times).
    """
    stops: list[Stop] = []
    here, clock = s.start, s.shift_start
    leave = s.shift_start
    for v in route:
        t = travel.seconds(here, v.location)
        start = max(clock + t, v.window_start)
        if not stops:
            leave = start - t
            arrival = start
        else:
            arrival = clock + t
        stops.append(Stop(v.id, arrival, start, start + v.duration))
        here, clock = v.location, start + v.duration
    back = clock + travel.seconds(here, s.end)
    if s.max_minutes is not None and back - leave > s.max_minutes * 60:
        return None
    return Route(s.id, tuple(stops), leave, back)


class PyVRPSolver:
    """The planner's solver: PyVRP's hybrid genetic search on the model described above."""

    def __init__(self, travel: TravelModel | None = None) -> None:
        self.travel = travel

    def solve(self, problem: Problem, seconds: float, seed: int = 0) -> Plan:
        travel = self.travel if self.travel is not None else GreatCircleTravel(problem.travel)
        candidates, unassigned = triage(problem, travel)
        visits = [v for v in problem.visits if v.id in candidates]
        if not visits:
            plan = Plan(routes=(), unassigned=tuple(unassigned), travel_minutes=0)
            return plan

        staff = problem.staff
        n_depots = 2 * len(staff)
        points = [p for s in staff for p in (s.start, s.end)] + [v.location for v in visits]
        n = len(points)
        base = np.zeros((n, n), dtype=np.int64)
        for i, a in enumerate(points):
            for j, b in enumerate(points):
                if i != j:
                    base[i, j] = travel.seconds(a, b)

        # typed Any: PyVRP's stubs spell the matrix type in a way numpy's types never match
        distances: list[Any] = []
        durations: list[Any] = []
        for k, s in enumerate(staff):
            duration = base.copy()
            distance = base.copy()
            for j, v in enumerate(visits):
                col = n_depots + j
                if k not in candidates[v.id]:
                    duration[:, col] = UNREACHABLE
                    duration[col, :] = UNREACHABLE
                    duration[col, col] = 0
                    distance[:, col] = UNREACHABLE
                    distance[col, :] = UNREACHABLE
                    distance[col, col] = 0
                elif v.preferred_staff and s.id not in v.preferred_staff:
                    distance[:, col] += PREFERENCE_PENALTY
                    distance[col, col] = 0
            distances.append(distance)
            durations.append(duration)

        data = pyvrp.ProblemData(
            locations=[pyvrp.Location(p.lon, p.lat) for p in points],
            clients=[
                pyvrp.Client(
                    location=n_depots + j,
                    service_duration=v.duration,
                    tw_early=v.window_start,
                    tw_late=v.window_end,
                    prize=prize(v),
                    required=False,
                    name=v.id,
                )
                for j, v in enumerate(visits)
            ],
            depots=[
                pyvrp.Depot(
                    location=i, name=f"{staff[i // 2].id}:{'start' if i % 2 == 0 else 'end'}"
                )
                for i in range(n_depots)
            ],
            vehicle_types=[
                pyvrp.VehicleType(
                    num_available=1,
                    start_depot=2 * k,
                    end_depot=2 * k + 1,
                    tw_early=s.shift_start,
                    tw_late=s.shift_end,
                    shift_duration=(
                        s.max_minutes * 60 if s.max_minutes is not None else np.iinfo(np.int64).max
                    ),
                    profile=k,
                    name=s.id,
                )
                for k, s in enumerate(staff)
            ],
            distance_matrices=distances,
            duration_matrices=durations,
        )
        result = pyvrp.solve(
            data, MaxRuntime(seconds), seed=seed, collect_stats=False, display=False
        )
        best = result.best

        routes: list[Route] = []
        served: set[str] = set()
        travel_seconds = 0
        for route in best.routes():
            if not route.is_feasible():
                continue  # its visits are reported as could-not-fit below
            who = staff[route.vehicle_type()]
            order_visits = [visits[a.idx] for a in route.schedule() if a.is_client()]
            planned = _earliest(who, order_visits, travel)
            if planned is None:  # PyVRP's own schedule (it starts as late as it can)
                stops = [
                    Stop(visits[a.idx].id, a.start_time - a.wait_duration, a.start_time, a.end_time)
                    for a in route.schedule()
                    if a.is_client()
                ]
                planned = Route(who.id, tuple(stops), route.start_time(), route.end_time())
            served.update(v.id for v in order_visits)
            travel_seconds += route.travel_duration()
            routes.append(planned)
        order = {s.id: k for k, s in enumerate(staff)}
        routes.sort(key=lambda r: order[r.staff])
        unassigned.extend(
            Unassigned(v.id, REASON_COULD_NOT_FIT) for v in visits if v.id not in served
        )
        position = {v.id: i for i, v in enumerate(problem.visits)}
        unassigned.sort(key=lambda u: position[u.visit])
        plan = Plan(
            routes=tuple(routes),
            unassigned=tuple(unassigned),
            travel_minutes=travel_seconds // 60,
        )
        errors = check(problem, plan, travel)
        if errors:
            raise PlanningError("the solver's plan breaks hard constraints: " + "; ".join(errors))
        return plan
