"""Turning a planning problem into a plan: the ``Solver`` protocol and its PyVRP implementation.

**What the planner optimises, in this order** (decision 0021). Each level outweighs
everything below it *by construction*: its weight is computed from the problem so that one
unit of it is worth more than the largest possible total of all lower levels together.

1. **Priority-1 visits (medication doses, urgent visits) served.** No plan that leaves a
   priority-1 visit out beats one that serves it, whatever else either plan does.
2. **Visits served** (fewest left out); among the other visits, a higher priority is worth
   one continuity step per priority level (a sample before a check-up), never a visit more.
3. **Announced visits kept** (a re-plan of a published day): a visit already announced to
   the patient stays with its staff member and within ``KEEP_MINUTES`` of its time.
4. **Continuity:** visits made by one of their preferred staff (the patient's regular staff
   of the last 14 days and the named care contact; the fixed physician for a physician's
   visit; see ``visits.problem.preferred_staff``).
5. **Travel** (seconds).

The bound that makes this exact: no plan travels more than the staff's total working time
(``travel_bound``). One broken preference costs ``travel_bound + 1``; one kept
announcement is worth more than every preference and every priority step together; one
visit more than every announcement; one priority-1 visit more than every other visit. The
weights stay far inside 64-bit integers for days of several hundred visits
(``Weights.check``); ``tests/planning/test_objective.py`` proves the order by enumerating
small days.

How the problem maps onto PyVRP (``docs/planning-format.md``):

- **Staff → vehicle types,** one per staff member, with its own start and end depot, the
  shift as time window, ``max_minutes`` as shift duration and its own routing profile.
- **Skills → forbidden edges.** In a staff member's profile, every edge into and out of a
  visit they may not make costs ``Weights.forbidden`` (more than any prize), so a route
  with it is always worse than leaving the visit out; times are untouched.
- **Visits → optional clients with prizes** from the weights above.
- **Preferred staff → distance** ``Weights.continuity`` on edges into the visit in the
  profiles of staff who are not preferred.
- **Announced visits → a pair of alternatives** (a mutually exclusive client group): *kept*
  (only its announced staff member, its window narrowed to the announced time ±
  ``KEEP_MINUTES``, prize + ``Weights.keep``) or *moved* (anyone, its own window).
- **The search:** PyVRP's iterated local search, with a granular neighbourhood computed
  from travel and time windows alone (PyVRP's default subtracts prizes from proximity,
  which with these weights would make every visit's neighbours the priority-1 visits),
  and time-warp penalties scaled to the weights so that a late arrival is never a
  bargain.

Visits that cannot be served by anyone (a skill nobody has, a window that no suitable
shift can reach) are decided before the solver runs and given a specific reason.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pyvrp
from pyvrp import (
    IteratedLocalSearch,
    IteratedLocalSearchParams,
    PenaltyManager,
    PenaltyParams,
    RandomNumberGenerator,
    Solution,
)
from pyvrp.search import (
    OPERATORS,
    LocalSearch,
    NeighbourhoodParams,
    PerturbationManager,
    PerturbationParams,
    compute_neighbours,
)
from pyvrp.stop import MaxRuntime

from samband.planning.check import check
from samband.planning.plan import Plan, Route, Stop, Unassigned, moved, skill_term
from samband.planning.problem import (
    KEEP_MINUTES,
    MAX_PRIORITY,
    Problem,
    Staff,
    Visit,
    format_clock,
)
from samband.planning.travel import GreatCircleTravel, TravelModel

INT64_MAX = int(np.iinfo(np.int64).max)

# The reasons a visit is left out are catalogue codes (visits.po) with parameters.
REASON_COULD_NOT_FIT = "planning.could_not_fit"
REASON_UNKNOWN_SKILL = "planning.skill_nobody_has"
REASON_SKILLS_APART = "planning.skills_not_together"
REASON_OUTSIDE_SHIFTS = "planning.outside_shifts"

NEIGHBOURS = 40  # nearest visits by travel and windows (PyVRP's granular neighbourhood)
SHARED_STAFF_NEIGHBOURS = 15  # + nearest visits preferring the same staff (continuity)
APART = 10**7  # proximity added between two visits no staff member could make both of
# Stage A (priority-1 visits alone): prize, continuity and first lateness cost per second,
# in seconds of travel; measured on bench/hah_days.py (decision 0021)
STAGE_A_SHARE = 0.5
DOSE_PRIZE_A = 360_000
CONTINUITY_A = 3_600
PENALTY_A = 1_000.0


class Solver(Protocol):
    def solve(self, problem: Problem, seconds: float, seed: int = 0) -> Plan: ...


class PlanningError(RuntimeError):
    """The solver produced a plan that breaks a hard constraint (a bug, never bad input)."""


@dataclass(frozen=True)
class Weights:
    """The objective's weights for one problem, in seconds of travel (see the module text)."""

    travel_bound: int  # no plan travels more than this
    continuity: int  # a visit made by someone who is not preferred
    priority_step: int  # one priority level among visits of priority 2..5
    keep: int  # an announced visit kept with its staff member and time
    visit: int  # a visit served
    dose: int  # a priority-1 visit served (instead of ``visit``)
    forbidden: int  # an edge into or out of a visit the staff member may not make

    def prize(self, v: Visit) -> int:
        if v.priority == 1:
            return self.dose
        return self.visit + (MAX_PRIORITY - v.priority) * self.priority_step

    def check(self, clients: int) -> None:
        """The order holds and no objective of ``clients`` clients can overflow 64 bits: the
        prizes of all of them plus, in the worst solution the search may look at, two
        forbidden edges each (about 500 visits on a re-plan where every visit was
        announced, more on a first plan; a larger day is refused with this error)."""
        if not (
            self.travel_bound < self.continuity
            and self.continuity <= self.priority_step
            and self.priority_step < self.keep <= self.visit < self.dose < self.forbidden
        ):
            raise PlanningError(f"objective weights out of order: {self}")
        if 4 * (clients + 1) * self.forbidden >= INT64_MAX:
            raise PlanningError("the day is too large for the objective's integer weights")


def weights(problem: Problem, visits: list[Visit]) -> Weights:
    """The weights that make the order of what matters exact for this problem's visits."""
    travel_bound = 1
    for s in problem.staff:
        span = s.shift_end - s.shift_start
        if s.max_minutes is not None:
            span = min(span, s.max_minutes * 60)
        travel_bound += max(span, 0)
    continuity = travel_bound + 1
    step = continuity
    n_pref = sum(1 for v in visits if v.preferred_staff)
    n_other = sum(1 for v in visits if v.priority != 1)
    n_announced = sum(1 for v in visits if v.announced is not None)
    # one kept announcement > every preference + every priority step + all travel
    below_keep = n_pref * continuity + n_other * (MAX_PRIORITY - 2) * step + travel_bound
    keep = below_keep + 1
    # one visit > every announcement kept + everything below
    visit = n_announced * keep + below_keep + 1
    # one priority-1 visit > every other visit (with its priority bonus) + everything below
    dose = n_other * (visit + (MAX_PRIORITY - 2) * step) + n_announced * keep + below_keep + 1
    # a route through a forbidden edge must lose more than the best prize (+ keep) gains
    forbidden = dose + keep + 1
    w = Weights(travel_bound, continuity, step, keep, visit, dose, forbidden)
    w.check(len(visits) + n_announced)
    return w


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


def _earliest(
    s: Staff, route: list[Visit], travel: TravelModel, windows: list[tuple[int, int]] | None = None
) -> Route | None:
    """Each visit as early as its window allows (leaving just in time for the first);
    ``windows`` narrows them (an announced visit kept at its time).

    Earliest start times are never later than those of any feasible schedule of the same
    order, so windows and the shift end still hold; only waiting may grow, so ``None`` is
    returned when that would break ``max_minutes`` (the caller then keeps PyVRP's times).
    """
    stops: list[Stop] = []
    here, clock = s.start, s.shift_start
    leave = s.shift_start
    for i, v in enumerate(route):
        t = travel.seconds(here, v.location)
        start = max(clock + t, v.window_start if windows is None else windows[i][0])
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


def _keep_window(v: Visit) -> tuple[int, int] | None:
    """The window of an announced visit kept at its announced time (None: cannot be kept)."""
    if v.announced is None:
        return None
    lo = max(v.window_start, v.announced.start - KEEP_MINUTES * 60)
    hi = min(v.window_end, v.announced.start + KEEP_MINUTES * 60)
    return (lo, hi) if lo <= hi else None


@dataclass(frozen=True)
class _Client:
    visit: Visit
    allowed: frozenset[int]  # staff indices
    window: tuple[int, int]
    prize: int
    group: int | None


def plan_key(problem: Problem, plan: Plan) -> tuple[int, int, int, int, int]:
    """A plan's place in the order of what matters (smaller is better): priority-1 visits
    left out, visits left out, announced visits moved, visits by someone not preferred plus
    the priority steps of the other visits left out (5 − priority each), travel minutes."""
    priority = {v.id: v.priority for v in problem.visits}
    left = [u.visit for u in plan.unassigned]
    made_by = {stop.visit: r.staff for r in plan.routes for stop in r.stops}
    broken = sum(
        1
        for v in problem.visits
        if v.id in made_by and v.preferred_staff and made_by[v.id] not in v.preferred_staff
    )
    steps = sum(MAX_PRIORITY - priority[i] for i in left if priority[i] != 1)
    return (
        sum(1 for i in left if priority[i] == 1),
        len(left),
        len(moved(problem, plan)),
        broken + steps,
        plan.travel_minutes,
    )


def _solve_one(travel: TravelModel | None, problem: Problem, seconds: float, seed: int) -> Plan:
    return PyVRPSolver(travel).solve(problem, seconds, seed)


class PyVRPSolver:
    """The planner's solver: PyVRP's iterated local search on the model described above.

    ``workers`` > 1 runs that many independent searches (seeds ``seed``, ``seed + 1``, …) at
    once in forked processes, one core each, for the same time, and returns the best plan
    by ``plan_key``: the search's result varies from seed to seed by more than it gains from
    a few more seconds, so a second core is best spent on a second search. Only a process
    with no other thread forks (the command line); elsewhere (a server, the job worker,
    the tests) it searches once, on one core."""

    def __init__(self, travel: TravelModel | None = None, workers: int = 1) -> None:
        self.travel = travel
        self.workers = max(1, workers)

    def solve(self, problem: Problem, seconds: float, seed: int = 0) -> Plan:
        if (
            self.workers == 1
            or threading.active_count() > 1
            or "fork" not in multiprocessing.get_all_start_methods()
        ):
            return self._solve(problem, seconds, seed)
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=self.workers, mp_context=context) as pool:
            futures = [
                pool.submit(_solve_one, self.travel, problem, seconds, seed + i)
                for i in range(self.workers)
            ]
            plans = [f.result() for f in futures]
        return min(plans, key=lambda p: plan_key(problem, p))

    def _solve(self, problem: Problem, seconds: float, seed: int) -> Plan:
        started = time.perf_counter()
        travel = self.travel if self.travel is not None else GreatCircleTravel(problem.travel)
        candidates, unassigned = triage(problem, travel)
        visits = [v for v in problem.visits if v.id in candidates]
        if not visits:
            return Plan(routes=(), unassigned=tuple(unassigned), travel_minutes=0)
        staff = problem.staff
        index = {s.id: k for k, s in enumerate(staff)}
        w = weights(problem, visits)

        clients: list[_Client] = []
        groups: list[list[int]] = []
        for v in visits:
            able = frozenset(candidates[v.id])
            keep = _keep_window(v)
            kept_by = index.get(v.announced.staff) if v.announced is not None else None
            if keep is not None and kept_by is not None and kept_by in able:
                group = len(groups)
                groups.append([len(clients), len(clients) + 1])
                clients.append(_Client(v, frozenset({kept_by}), keep, w.prize(v) + w.keep, group))
                clients.append(_Client(v, able, (v.window_start, v.window_end), w.prize(v), group))
            else:
                window = (v.window_start, v.window_end)
                clients.append(_Client(v, able, window, w.prize(v), None))

        n_depots = 2 * len(staff)
        points = [p for s in staff for p in (s.start, s.end)] + [c.visit.location for c in clients]
        n = len(points)
        base = np.zeros((n, n), dtype=np.int64)
        cache: dict[tuple[Any, Any], int] = {}
        for i, a in enumerate(points):
            for j, b in enumerate(points):
                if i != j and a != b:
                    key = (a, b)
                    if key not in cache:
                        cache[key] = travel.seconds(a, b)
                    base[i, j] = cache[key]

        durations: list[Any] = [base]

        def profiles(continuity: int) -> list[Any]:
            """One distance matrix per staff member: every edge into or out of a visit they
            may not make forbidden, ``continuity`` added on edges into a visit that prefers
            someone else."""
            out: list[Any] = []
            for k, s in enumerate(staff):
                distance = base.copy()
                for j, c in enumerate(clients):
                    col = n_depots + j
                    if k not in c.allowed:
                        distance[:, col] = w.forbidden
                        distance[col, :] = w.forbidden
                        distance[col, col] = 0
                    elif c.visit.preferred_staff and s.id not in c.visit.preferred_staff:
                        distance[:, col] += continuity
                        distance[col, col] = 0
                out.append(distance)
            return out

        def make_data(
            prizes: list[int], distance_matrices: list[Any], chosen: list[int]
        ) -> pyvrp.ProblemData:
            """The PyVRP data of the clients ``chosen`` (indices into ``clients``)."""
            new = {j: i for i, j in enumerate(chosen)}
            kept = [g for g in groups if all(j in new for j in g)]
            group_of = {j: i for i, g in enumerate(kept) for j in g}
            return pyvrp.ProblemData(
                locations=[pyvrp.Location(p.lon, p.lat) for p in points],
                clients=[
                    pyvrp.Client(
                        location=n_depots + j,
                        service_duration=clients[j].visit.duration,
                        tw_early=clients[j].window[0],
                        tw_late=clients[j].window[1],
                        prize=prizes[j],
                        required=False,
                        group=group_of.get(j),
                        name=clients[j].visit.id,
                    )
                    for j in chosen
                ],
                depots=[
                    pyvrp.Depot(location=i, name=f"{staff[i // 2].id}:{'se'[i % 2]}")
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
                            s.max_minutes * 60 if s.max_minutes is not None else INT64_MAX
                        ),
                        profile=k if len(distance_matrices) > 1 else 0,
                        name=s.id,
                    )
                    for k, s in enumerate(staff)
                ],
                distance_matrices=distance_matrices,
                duration_matrices=durations * len(distance_matrices),
                groups=[pyvrp.ClientGroup([new[j] for j in g], required=False) for g in kept],
            )

        # The neighbourhood from travel and windows alone (PyVRP's proximity subtracts
        # prizes, which here would make every visit's neighbours the priority-1 visits), and
        # two visits no staff member could both make are never neighbours.
        near = base.copy()
        for i, ci in enumerate(clients):
            for j, cj in enumerate(clients):
                if i != j and not (ci.allowed & cj.allowed):
                    near[n_depots + i, n_depots + j] = APART
        no_prizes = [0] * len(clients)

        def neighbourhood(chosen: list[int]) -> dict[Any, list[Any]]:
            only: list[Any] = [near]
            proxy = make_data(no_prizes, only, chosen)
            found = compute_neighbours(proxy, NeighbourhoodParams(num_neighbours=NEIGHBOURS))
            return _with_shared_staff(found, [clients[j] for j in chosen], near, n_depots, chosen)

        everyone = list(range(len(clients)))
        data = make_data([c.prize for c in clients], profiles(w.continuity), everyone)
        # Stage A: the priority-1 visits alone (they are the first thing that matters, and
        # without the rest of the day the search packs them far better), with a prize worth
        # 100 hours and continuity an hour: a heuristic start, judged by stage B.
        doses = [j for j, c in enumerate(clients) if c.visit.priority == 1]
        warm = None
        if doses and len(doses) < len(clients):
            prizes_a = [DOSE_PRIZE_A] * len(clients)
            data_a = make_data(prizes_a, profiles(CONTINUITY_A), doses)
            budget = max(0.0, started + seconds * STAGE_A_SHARE - time.perf_counter())
            first = _search(data_a, neighbourhood(doses), budget, seed, PENALTY_A)
            warm = Solution(
                data,
                [
                    pyvrp.Route(
                        data,
                        [doses[a.idx] for a in r.schedule() if a.is_client()],
                        r.vehicle_type(),
                    )
                    for r in first.routes()
                ],
            )
        # Stage B: the whole day on the objective above, from stage A's routes. Its best plan
        # only ever improves on the start, so stage A's priority-1 visits stay served.
        budget = max(0.0, started + seconds - time.perf_counter())
        penalty = max(1.0, float(w.visit))
        best = _search(data, neighbourhood(everyone), budget, seed, penalty, float(w.dose), warm)

        routes: list[Route] = []
        served: set[str] = set()
        travel_seconds = 0
        for route in best.routes():
            if not route.is_feasible():
                continue  # its visits are reported as could-not-fit below
            k = route.vehicle_type()
            who = staff[k]
            order = [clients[a.idx] for a in route.schedule() if a.is_client()]
            # never on a forbidden edge (the weights make that a loss; this keeps it so)
            kept_order = [c for c in order if k in c.allowed]
            order_visits = [c.visit for c in kept_order]
            if not order_visits:
                continue
            planned = _earliest(who, order_visits, travel, [c.window for c in kept_order])
            if planned is None:
                if len(order_visits) != len(order):
                    continue
                stops = [
                    Stop(
                        clients[a.idx].visit.id,
                        a.start_time - a.wait_duration,
                        a.start_time,
                        a.end_time,
                    )
                    for a in route.schedule()
                    if a.is_client()
                ]
                planned = Route(who.id, tuple(stops), route.start_time(), route.end_time())
            served.update(v.id for v in order_visits)
            here = who.start
            for v in order_visits:
                travel_seconds += travel.seconds(here, v.location)
                here = v.location
            travel_seconds += travel.seconds(here, who.end)
            routes.append(planned)
        order_of = {s.id: k for k, s in enumerate(staff)}
        routes.sort(key=lambda r: order_of[r.staff])
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


def _with_shared_staff(
    neighbours: dict[Any, list[Any]],
    clients: list[_Client],
    near: Any,
    n_depots: int,
    chosen: list[int],
) -> dict[Any, list[Any]]:
    """Add to each visit's neighbours the nearest ``SHARED_STAFF_NEIGHBOURS`` visits that
    prefer one of the same staff members: moving a visit onto its preferred staff member's
    route needs a neighbour on that route, which may be nowhere near by travel alone.
    ``clients[i]`` is the client ``i`` of the data, at column ``n_depots + chosen[i]``."""
    by_staff: dict[str, list[int]] = {}
    for i, c in enumerate(clients):
        for sid in c.visit.preferred_staff:
            by_staff.setdefault(sid, []).append(i)
    out: dict[Any, list[Any]] = {}
    for i, c in enumerate(clients):
        key = pyvrp.Activity(pyvrp.ActivityType.CLIENT, i)
        current = list(neighbours.get(key, []))
        have = {a.idx for a in current if a.is_client()}
        pool = {o for sid in c.visit.preferred_staff for o in by_staff.get(sid, []) if o != i}
        row = n_depots + chosen[i]
        ranked = sorted(pool - have, key=lambda o: int(near[row, n_depots + chosen[o]]))
        current.extend(
            pyvrp.Activity(pyvrp.ActivityType.CLIENT, o) for o in ranked[:SHARED_STAFF_NEIGHBOURS]
        )
        out[key] = current
    return out


def _search(
    data: pyvrp.ProblemData,
    neighbours: dict[Any, list[Any]],
    seconds: float,
    seed: int,
    penalty: float,
    max_penalty: float | None = None,
    initial: Solution | None = None,
) -> Solution:
    """PyVRP's iterated local search (as ``pyvrp.solve``, with our neighbourhood and
    penalties): ``penalty`` is the first cost of a second of lateness; the penalty manager
    then keeps about two thirds of the candidates on time, between 0.1 and ``max_penalty``
    (100 × ``penalty`` unless given)."""
    rng = RandomNumberGenerator(seed=seed)
    ls = LocalSearch(data, rng, neighbours, PerturbationManager(PerturbationParams()))
    for op in OPERATORS:
        if op.supports(data):
            ls.add_operator(op(data))
    top = max_penalty if max_penalty is not None else 100 * penalty
    pm = PenaltyManager(([], penalty, penalty), PenaltyParams(min_penalty=0.1, max_penalty=top))
    start = initial if initial is not None else Solution.make_random(data, rng)
    start = ls(start, pm.max_cost_evaluator(), exhaustive=True)
    algo = IteratedLocalSearch(data, pm, ls, start, IteratedLocalSearchParams())
    return algo.run(MaxRuntime(seconds), collect_stats=False, display=False).best
