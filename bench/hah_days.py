"""Hospital-at-home days: a generator of realistic planning problems, and a benchmark of the
planner (``PyVRPSolver``) against an OR-Tools routing baseline at equal time.

Not a test. The generator writes a planning problem in the format of
``docs/planning-format.md``, deterministic for a seed: a day of Falun (Dalarna) and its
surroundings — most patients within 5 km of the centre, some in villages 10–30 km away
(Grycksbo, Bjursås, Sundborn, Svärdsjö, Enviken, Vika, Aspeboda, Toftbyn; coordinates
approximate) — staff of the hospital's home care unit (nurses, physicians) and the
municipality's home health care (assistant nurses), with skills (``iv_therapy``,
``picc_care``, ``wound_care``, ``sampling``) and a role (``nurse``, ``physician``,
``assistant_nurse``), day shifts 07–16 and evening shifts 14–22, starting and ending at
the hospital or at home; patients with 1–3 visits (IV antibiotics 3×/day or 2×/day at
staggered hours ±30 min, samples in the morning, wound care, physician visits, check-ups,
urgent ad-hoc visits), their regular staff as preferred staff (continuity) and priorities.

The benchmark solves each day with the planner and the OR-Tools baselines (the planner's
own lexicographic objective, and the travel-weighted model it had before decision 0021)
for the same wall-clock time, each on one core, on the same travel model; checks every
plan independently (``samband.planning.check``; must be 0 errors) and reports per day and
time the visits left out (priority 1), continuity (of the visits that have preferred staff,
the share made by one of them), travel minutes, and the planner's win/tie/loss against each
baseline; then the totals per family, and the planner at 30 s against itself at 10 s.
The figures in docs/benchmarks.md come from (about 25 minutes on 2 cores):

    .venv/bin/python bench/hah_days.py run --seconds 10,30 --jobs 2 --out /tmp/hah.md
    .venv/bin/python bench/hah_days.py generate --visits 100 --seed 1 > day.json

Needs the ``bench`` extra (``pip install -e '.[bench]'``) for OR-Tools.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from samband.planning.check import check
from samband.planning.plan import Plan, Route, Stop, Unassigned
from samband.planning.problem import Point, Problem, Staff, Visit, parse_problem
from samband.planning.solver import (
    REASON_COULD_NOT_FIT,
    PlanningError,
    PyVRPSolver,
    plan_key,
    triage,
    weights,
)
from samband.planning.travel import GreatCircleTravel, TravelModel

# -- the town ---------------------------------------------------------------------------------

CENTRE = (60.607, 15.636)  # Falun
HOSPITAL = (60.6150, 15.6560)  # Falu lasarett (approximate)
VILLAGES = {  # approximate centres, 10–30 km from Falun
    "Grycksbo": (60.690, 15.485),
    "Bjursås": (60.737, 15.445),
    "Sundborn": (60.654, 15.780),
    "Svärdsjö": (60.742, 15.907),
    "Enviken": (60.808, 15.770),
    "Vika": (60.545, 15.730),
    "Aspeboda": (60.575, 15.480),
    "Toftbyn": (60.555, 15.800),
}
KM_PER_DEG_LAT = 111.2
DATE = "2026-11-24"

# staff per size of day when not given
DEFAULT_STAFF = {20: 5, 100: 15, 300: 40}


def _offset(rng: random.Random, centre: tuple[float, float], radius_km: float) -> dict[str, float]:
    """A point uniformly spread over a disc around ``centre``."""
    r = radius_km * math.sqrt(rng.random())
    angle = rng.uniform(0, 2 * math.pi)
    lat = centre[0] + r * math.sin(angle) / KM_PER_DEG_LAT
    lon = centre[1] + r * math.cos(angle) / (KM_PER_DEG_LAT * math.cos(math.radians(centre[0])))
    return {"lat": round(lat, 5), "lon": round(lon, 5)}


def _home(rng: random.Random, rural_share: float) -> dict[str, float]:
    if rng.random() < rural_share:
        return _offset(rng, VILLAGES[rng.choice(sorted(VILLAGES))], 1.5)
    return _offset(rng, CENTRE, 5.0)


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _window(centre_min: int, half_width: int) -> list[str]:
    return [_clock(centre_min - half_width), _clock(centre_min + half_width)]


# -- staff ------------------------------------------------------------------------------------

DAY, EVENING = ("07:00", "16:00"), ("14:00", "22:00")


def _make_staff(rng: random.Random, n: int) -> list[dict[str, Any]]:
    base = {"lat": HOSPITAL[0], "lon": HOSPITAL[1]}
    staff: list[dict[str, Any]] = []
    n_physicians = max(1, round(n * 0.1))
    n_assistants = max(1, round(n * 0.2))
    n_nurses = n - n_physicians - n_assistants
    n_evening = max(1, round(n_nurses * 0.35))  # evening nurses (IV in the evening)
    for i in range(n):
        if i < n_nurses:
            role, org = "nurse", "Region Dalarna, sjukhusvård i hemmet"
            skills = ["nurse", "sampling", "wound_care"]
            # every evening nurse and most day nurses give IV; half of those handle PICC lines
            if i < n_evening or rng.random() < 0.85:
                skills.append("iv_therapy")
                if i < 2 or rng.random() < 0.5:
                    skills.append("picc_care")
            shift = EVENING if i < n_evening else DAY
        elif i < n_nurses + n_physicians:
            role, org = "physician", "Region Dalarna, sjukhusvård i hemmet"
            skills, shift = ["physician", "sampling", "iv_therapy"], DAY
        else:
            role, org = "assistant_nurse", "Falu kommun, hemsjukvård"
            skills = ["assistant_nurse", "sampling"]
            if rng.random() < 0.6:
                skills.append("wound_care")
            shift = EVENING if rng.random() < 0.3 else DAY
        start = _home(rng, 0.3) if rng.random() < 0.25 else base
        member: dict[str, Any] = {
            "id": f"s{i + 1:02d}",
            "role": role,
            "organisation": org,
            "skills": skills,
            "start": start,
            "end": start,
            "shift": list(shift),
        }
        if shift == DAY and rng.random() < 0.3:
            member["max_minutes"] = 480  # 8 h of work in a 9 h shift
        staff.append(member)
    return staff


# -- patients and visits ----------------------------------------------------------------------


def _program(rng: random.Random) -> list[dict[str, Any]]:
    """One patient's visits of the day (1–3), without ids, patient or location."""
    kind = rng.choices(
        ["iv3", "iv2", "iv1_sample", "wound", "monitoring", "physician", "urgent"],
        weights=[22, 14, 14, 18, 16, 10, 6],
    )[0]
    picc = rng.random() < 0.4
    iv_skills = ["nurse", "iv_therapy"] + (["picc_care"] if picc else [])
    iv_min = 45 if picc else 30
    sample = {
        "window": ["07:30", "10:00"],
        "duration_min": 15,
        "skills": ["sampling"],
        "priority": 2,
        "kind": "sample",
    }
    first = rng.choice([7 * 60 + 30, 8 * 60, 8 * 60 + 30])  # staggered first doses
    if kind == "iv3":  # 3×/day inside the shifts: first dose, +6 h, +12 h, ± 30 min
        return [
            {
                "window": _window(first + h * 60, 30),
                "duration_min": iv_min,
                "skills": iv_skills,
                "priority": 1,
                "kind": "iv",
            }
            for h in (0, 6, 12)
        ]
    if kind == "iv2":  # q12h: first dose and +12 h, ± 30 min
        return [
            {
                "window": _window(first + h * 60, 30),
                "duration_min": iv_min,
                "skills": iv_skills,
                "priority": 1,
                "kind": "iv",
            }
            for h in (0, 12)
        ]
    if kind == "iv1_sample":
        return [
            sample,
            {
                "window": _window(rng.choice([11, 12, 13]) * 60, 30),
                "duration_min": iv_min,
                "skills": iv_skills,
                "priority": 1,
                "kind": "iv",
            },
        ]
    if kind == "wound":
        visits = [
            {
                "window": ["09:00", "15:00"],
                "duration_min": rng.choice([30, 45]),
                "skills": ["wound_care"],
                "priority": 3,
                "kind": "wound",
            }
        ]
        if rng.random() < 0.4:
            visits.append(
                {
                    "window": ["17:00", "21:00"],
                    "duration_min": 20,
                    "skills": [],
                    "priority": 4,
                    "kind": "check",
                }
            )
        return visits
    if kind == "monitoring":
        return [
            sample,
            {
                "window": ["10:00", "16:00"],
                "duration_min": 20,
                "skills": ["nurse"],
                "priority": 3,
                "kind": "check",
            },
        ]
    if kind == "physician":
        return [
            sample,
            {
                "window": ["10:00", "15:00"],
                "duration_min": 30,
                "skills": ["physician"],
                "priority": 2,
                "kind": "physician",
            },
        ]
    start = rng.randrange(9 * 60, 18 * 60, 15)  # urgent, ad hoc from the command centre
    return [
        {
            "window": [_clock(start), _clock(start + 60)],
            "duration_min": 30,
            "skills": ["nurse"],
            "priority": 1,
            "kind": "urgent",
        }
    ]


def _can_make(member: dict[str, Any], visit: dict[str, Any]) -> bool:
    if not set(visit["skills"]) <= set(member["skills"]):
        return False
    return member["shift"][0] <= visit["window"][1] and visit["window"][0] < member["shift"][1]


def generate(n_visits: int, seed: int = 1, n_staff: int | None = None) -> dict[str, Any]:
    """A hospital-at-home day of ``n_visits`` visits, as a JSON-ready planning problem."""
    rng = random.Random(seed)
    if n_staff is None:
        n_staff = DEFAULT_STAFF.get(n_visits, max(5, min(40, round(n_visits / 7.5))))
    staff = _make_staff(rng, n_staff)
    visits: list[dict[str, Any]] = []
    patient = 0
    while len(visits) < n_visits:
        patient += 1
        pid = f"p{patient:03d}"
        location = _home(rng, 0.25)
        program = _program(rng)[: n_visits - len(visits)]
        regular: list[dict[str, Any]] = []
        if rng.random() < 0.6:  # a patient with regular staff: one per shift, if any fits
            for shift in (DAY, EVENING):
                able = [
                    m
                    for m in staff
                    if tuple(m["shift"]) == shift and any(_can_make(m, v) for v in program)
                ]
                if able:
                    regular.append(rng.choice(able))
        for spec in program:
            visit = {
                "id": f"v{len(visits) + 1:03d}",
                "patient": pid,
                "kind": spec["kind"],
                "location": location,
                "window": spec["window"],
                "duration_min": spec["duration_min"],
                "skills": spec["skills"],
                "priority": spec["priority"],
            }
            preferred = [m["id"] for m in regular if _can_make(m, spec)]
            if preferred:
                visit["preferred_staff"] = preferred
            visits.append(visit)
    return {
        "date": DATE,
        "region": "Falun, Dalarna (generated by bench/hah_days.py, seed "
        f"{seed}; coordinates approximate)",
        "travel": {"speed_kmh": 40, "road_factor": 1.3},
        "staff": staff,
        "visits": visits,
    }


# -- the OR-Tools baseline --------------------------------------------------------------------


def _min_span_route(s: Staff, order: list[Visit], travel: TravelModel) -> Route:
    """Times for a feasible visit order: finish as early as possible, then leave as late as
    that finish allows (so waiting, and the working time, are as short as they can be)."""
    legs = []
    here = s.start
    for v in order:
        legs.append(travel.seconds(here, v.location))
        here = v.location
    earliest = []
    clock = s.shift_start
    for v, t in zip(order, legs, strict=True):
        start = max(clock + t, v.window_start)
        earliest.append(start)
        clock = start + v.duration
    latest = earliest[:]
    for i in range(len(order) - 2, -1, -1):
        latest[i] = min(order[i].window_end, latest[i + 1] - legs[i + 1] - order[i].duration)
    stops: list[Stop] = []
    end = 0
    for i, (v, t) in enumerate(zip(order, legs, strict=True)):
        arrival = latest[0] if i == 0 else end + t
        start = max(arrival, v.window_start)
        stops.append(Stop(v.id, arrival, start, start + v.duration))
        end = start + v.duration
    back = end + travel.seconds(order[-1].location, s.end)
    return Route(s.id, tuple(stops), latest[0] - legs[0], back)


TRAVEL_PRIZE_BASE = 3_600  # the travel-weighted model: a visit is worth 1 h × 10^(5 − priority)
TRAVEL_PREFERENCE = 900  # and a visit by someone not preferred costs 15 minutes


def solve_ortools(
    problem: Problem,
    seconds: float,
    travel: TravelModel,
    *,
    lexicographic: bool = True,
    first: str = "PARALLEL_CHEAPEST_INSERTION",
) -> Plan:
    """The baseline: OR-Tools routing (same travel times, skills as allowed vehicles,
    windows, shifts, ``max_minutes`` as span bounds; parallel cheapest insertion, then guided
    local search). ``lexicographic``: the planner's own objective (its prizes as disjunction
    penalties, its continuity weight as per-vehicle arc costs); otherwise the travel-weighted
    model the planner used before decision 0021 (a visit worth 1 h × 10^(5 − priority), a
    broken preference 15 minutes), which trades continuity for travel."""
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    candidates, unassigned = triage(problem, travel)
    visits = [v for v in problem.visits if v.id in candidates]
    staff = problem.staff
    if not visits:
        return Plan((), tuple(unassigned), 0)
    w = weights(problem, visits)
    if lexicographic:
        pref_cost, prize_of = w.continuity, w.prize
    else:
        pref_cost = TRAVEL_PREFERENCE

        def prize_of(v: Visit) -> int:
            return TRAVEL_PRIZE_BASE * 10 ** (5 - v.priority)

    n_depots = 2 * len(staff)
    points: list[Point] = [p for s in staff for p in (s.start, s.end)]
    points += [v.location for v in visits]
    service = [0] * n_depots + [v.duration for v in visits]
    n = len(points)
    base = [
        [travel.seconds(a, b) if i != j else 0 for j, b in enumerate(points)]
        for i, a in enumerate(points)
    ]

    manager = pywrapcp.RoutingIndexManager(
        n, len(staff), [2 * k for k in range(len(staff))], [2 * k + 1 for k in range(len(staff))]
    )
    routing = pywrapcp.RoutingModel(manager)
    # matrices are indexed by node; RegisterTransitMatrix maps indices to nodes itself
    time_idx = routing.RegisterTransitMatrix(
        [[base[i][j] + service[i] for j in range(n)] for i in range(n)]
    )
    for k, s in enumerate(staff):
        cost = [row[:] for row in base]
        for j, v in enumerate(visits):
            if v.preferred_staff and s.id not in v.preferred_staff:
                col = n_depots + j
                for i in range(n):
                    if i != col:
                        cost[i][col] += pref_cost
        routing.SetArcCostEvaluatorOfVehicle(routing.RegisterTransitMatrix(cost), k)
    day = 24 * 3600
    routing.AddDimension(time_idx, day, day, False, "time")
    time_dim = routing.GetDimensionOrDie("time")
    for j, v in enumerate(visits):
        index = manager.NodeToIndex(n_depots + j)
        time_dim.CumulVar(index).SetRange(v.window_start, v.window_end)
        # skills: only these vehicles (-1: the visit is left out)
        routing.VehicleVar(index).SetValues([-1, *candidates[v.id]])
        routing.AddDisjunction([index], prize_of(v))
    for k, s in enumerate(staff):
        time_dim.CumulVar(routing.Start(k)).SetRange(s.shift_start, s.shift_end)
        time_dim.CumulVar(routing.End(k)).SetRange(s.shift_start, s.shift_end)
        if s.max_minutes is not None:
            time_dim.SetSpanUpperBoundForVehicle(s.max_minutes * 60, k)

    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = getattr(routing_enums_pb2.FirstSolutionStrategy, first)
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.time_limit.FromMilliseconds(int(seconds * 1000))
    solution = routing.SolveWithParameters(params)

    routes: list[Route] = []
    served: set[str] = set()
    if solution is not None:
        for k, s in enumerate(staff):
            order: list[Visit] = []
            index = routing.Start(k)
            while not routing.IsEnd(index):
                node = manager.IndexToNode(index)
                if node >= n_depots:
                    order.append(visits[node - n_depots])
                index = solution.Value(routing.NextVar(index))
            if order:
                routes.append(_min_span_route(s, order, travel))
                served.update(v.id for v in order)
    unassigned.extend(Unassigned(v.id, REASON_COULD_NOT_FIT) for v in visits if v.id not in served)
    position = {v.id: i for i, v in enumerate(problem.visits)}
    unassigned.sort(key=lambda u: position[u.visit])
    travel_seconds = 0
    for r in routes:
        s = problem.staff_member(r.staff)
        here = s.start
        for stop in r.stops:
            loc = problem.visit(stop.visit).location
            travel_seconds += travel.seconds(here, loc)
            here = loc
        travel_seconds += travel.seconds(here, s.end)
    return Plan(tuple(routes), tuple(unassigned), travel_seconds // 60)


# -- the benchmark ----------------------------------------------------------------------------

PLANNER = "planner"
BASELINES = {
    "ortools": "OR-Tools, the planner's objective",
    "ortools-travel": "OR-Tools, travel-weighted (the old model)",
}


@dataclass
class Result:
    size: int
    seed: int
    seconds: float  # the time given
    solver: str
    visits: int
    staff: int
    travel_minutes: int | None
    unassigned: int | None
    unassigned_p1: int | None
    broken: int | None  # visits made by someone not preferred (of those with preferences)
    continuity: float | None  # % of visits with preferred staff made by one of them
    elapsed: float  # wall-clock seconds used
    errors: int


def continuity(problem: Problem, plan: Plan) -> float | None:
    staff_ids = {s.id for s in problem.staff}
    made_by = {stop.visit: r.staff for r in plan.routes for stop in r.stops}
    wanted = [v for v in problem.visits if set(v.preferred_staff) & staff_ids]
    if not wanted:
        return None
    kept = sum(1 for v in wanted if made_by.get(v.id) in v.preferred_staff)
    return 100.0 * kept / len(wanted)


FIRST_SOLUTIONS = ("PARALLEL_CHEAPEST_INSERTION", "LOCAL_CHEAPEST_INSERTION", "SAVINGS")


def _ortools_one(args: tuple[Problem, float, bool, str]) -> Plan:
    problem, seconds, lexicographic, first = args
    travel = GreatCircleTravel(problem.travel)
    return solve_ortools(problem, seconds, travel, lexicographic=lexicographic, first=first)


def _ortools_portfolio(
    problem: Problem, seconds: float, travel: TravelModel, lexicographic: bool, cores: int
) -> Plan:
    """OR-Tools on ``cores`` cores: that many first-solution strategies at once (each then
    guided local search), the best plan kept by the planner's own order (``plan_key``)."""
    from concurrent.futures import ProcessPoolExecutor

    tasks = [(problem, seconds, lexicographic, first) for first in FIRST_SOLUTIONS[:cores]]
    with ProcessPoolExecutor(max_workers=cores) as pool:
        plans = list(pool.map(_ortools_one, tasks))
    return min(plans, key=lambda p: plan_key(problem, p))


def measure(size: int, seed: int, seconds: float, solver: str, cores: int = 1) -> Result:
    """Generate the day, solve it with ``solver`` for ``seconds`` on ``cores`` cores and
    check the plan."""
    problem = parse_problem(generate(size, seed))
    travel = GreatCircleTravel(problem.travel)
    started = time.perf_counter()
    plan: Plan | None
    try:
        if solver == PLANNER:
            plan = PyVRPSolver(travel, workers=cores).solve(problem, seconds, seed)
        elif cores == 1:
            plan = solve_ortools(problem, seconds, travel, lexicographic=solver == "ortools")
        else:
            plan = _ortools_portfolio(problem, seconds, travel, solver == "ortools", cores)
    except PlanningError as exc:  # the planner refuses to return a plan that fails the check
        print(f"{size}/{seed} {solver}: {exc}", file=sys.stderr)
        plan = None
    elapsed = time.perf_counter() - started
    n_visits, n_staff = len(problem.visits), len(problem.staff)
    if plan is None:
        return Result(
            size, seed, seconds, solver, n_visits, n_staff, None, None, None, None, None, elapsed, 1
        )
    priority = {v.id: v.priority for v in problem.visits}
    made_by = {stop.visit: r.staff for r in plan.routes for stop in r.stops}
    broken = sum(
        1
        for v in problem.visits
        if v.id in made_by and v.preferred_staff and made_by[v.id] not in v.preferred_staff
    )
    return Result(
        size,
        seed,
        seconds,
        solver,
        n_visits,
        n_staff,
        plan.travel_minutes,
        len(plan.unassigned),
        sum(1 for u in plan.unassigned if priority[u.visit] == 1),
        broken,
        continuity(problem, plan),
        elapsed,
        len(check(problem, plan, travel)),
    )


def rank(r: Result) -> tuple[float, ...]:
    """The issue's order: fewer priority-1 visits left out, fewer left out, fewer visits by
    someone not preferred, less travel (a plan that fails the check is worst)."""
    if r.errors or None in (r.unassigned_p1, r.unassigned, r.broken, r.travel_minutes):
        return (math.inf,)
    return (
        float(r.unassigned_p1 or 0),
        float(r.unassigned or 0),
        float(r.broken or 0),
        float(r.travel_minutes or 0),
    )


def verdict(ours: Result, theirs: Result) -> str:
    a, b = rank(ours), rank(theirs)
    return "win" if a < b else "tie" if a == b else "loss"


def _cell(r: Result) -> str:
    if r.errors:
        return f"check errors: {r.errors}"
    cont = "–" if r.continuity is None else f"{r.continuity:.0f} %"
    return f"{r.unassigned} ({r.unassigned_p1}) · {cont} · {r.travel_minutes}"


def table(results: list[Result]) -> str:
    """Markdown: per day and time, each solver's plan and the planner's verdict against each
    baseline; then wins/ties/losses per family; then the planner at 30 s against 10 s."""
    solvers = [PLANNER] + [b for b in BASELINES if any(r.solver == b for r in results)]
    index = {(r.size, r.seed, r.seconds, r.solver): r for r in results}
    times = sorted({r.seconds for r in results})
    days = sorted({(r.size, r.seed) for r in results})
    lines = [
        "Each cell: visits left out (priority 1) · continuity · travel minutes. Verdict: the "
        "planner against the baseline in the order fewer priority-1 visits left out, fewer "
        "left out, fewer visits by someone not preferred, less travel. Every plan re-checked "
        "by `samband.planning.check` (0 errors unless shown).",
        "",
        "| visits | seed | staff | s | "
        + " | ".join(s for s in solvers)
        + " | "
        + " | ".join(f"vs {b}" for b in solvers[1:])
        + " |",
        "| ---: | ---: | ---: | ---: | "
        + " | ".join("---" for _ in solvers)
        + " | "
        + " | ".join("---" for _ in solvers[1:])
        + " |",
    ]
    for size, seed in days:
        for sec in times:
            row = [index.get((size, seed, sec, s)) for s in solvers]
            mine = row[0]
            if mine is None:
                continue
            cells = [_cell(r) if r else "–" for r in row]
            verdicts = [verdict(mine, r) if r else "–" for r in row[1:]]
            lines.append(
                f"| {size} | {seed} | {mine.staff} | {sec:g} | "
                + " | ".join(cells)
                + " | "
                + " | ".join(verdicts)
                + " |"
            )
    lines += [
        "",
        "| family | s | baseline | wins | ties | losses | planner continuity % "
        "| baseline continuity % |",
        "| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size in sorted({d[0] for d in days}):
        for sec in times:
            for b in solvers[1:]:
                pairs = [
                    (index[(size, seed, sec, PLANNER)], index[(size, seed, sec, b)])
                    for s2, seed in days
                    if s2 == size
                    and (size, seed, sec, PLANNER) in index
                    and (size, seed, sec, b) in index
                ]
                if not pairs:
                    continue
                count = {
                    k: sum(1 for m, t in pairs if verdict(m, t) == k)
                    for k in ("win", "tie", "loss")
                }

                def mean(values: list[float | None]) -> str:
                    ok = [v for v in values if v is not None]
                    return f"{sum(ok) / len(ok):.1f}" if ok else "–"

                lines.append(
                    f"| {size} | {sec:g} | {b} | {count['win']} | {count['tie']} "
                    f"| {count['loss']} | {mean([m.continuity for m, _ in pairs])} "
                    f"| {mean([t.continuity for _, t in pairs])} |"
                )
    if len(times) > 1:
        lo, hi = times[0], times[-1]
        better = same = worse = 0
        for size, seed in days:
            a, b2 = index.get((size, seed, lo, PLANNER)), index.get((size, seed, hi, PLANNER))
            if a and b2:
                if rank(b2) < rank(a):
                    better += 1
                elif rank(b2) == rank(a):
                    same += 1
                else:
                    worse += 1
        lines += [
            "",
            f"The planner at {hi:g} s against itself at {lo:g} s: better on {better} days, the "
            f"same on {same}, worse on {worse}.",
        ]
    return "\n".join(lines) + "\n"


def _run(task: tuple[int, int, float, str, int]) -> Result:
    result = measure(*task)
    print(f"{task}: {rank(result)} {result.elapsed:.1f} s", file=sys.stderr, flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="print one generated day as problem JSON")
    gen.add_argument("--visits", type=int, default=100)
    gen.add_argument("--staff", type=int)
    gen.add_argument("--seed", type=int, default=1)
    run = sub.add_parser("run", help="benchmark the planner against OR-Tools")
    run.add_argument("--sizes", default="20,100,300", help="visits per day, comma-separated")
    run.add_argument("--seconds", default="10,30", help="time per solve, comma-separated")
    run.add_argument("--seeds", default="1,2,3,4,5", help="generator seeds (days)")
    run.add_argument(
        "--baselines", default="ortools,ortools-travel", help=f"of {', '.join(BASELINES)}"
    )
    run.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="solves at once, each on one core (2 on a 2-core machine: every solver, the "
        "planner and the baselines alike, still has one core for its whole time)",
    )
    run.add_argument(
        "--cores",
        type=int,
        default=1,
        help="cores per solve: the planner runs that many searches at once and keeps the "
        "best (PyVRPSolver(workers=N)), each OR-Tools baseline that many first-solution "
        "strategies at once and keeps the best; solves then run one at a time",
    )
    run.add_argument("--write", type=Path, help="also write each generated day here as JSON")
    run.add_argument("--out", type=Path, help="also write the markdown table here")
    args = parser.parse_args()

    if args.command == "generate":
        print(
            json.dumps(generate(args.visits, args.seed, args.staff), ensure_ascii=False, indent=1)
        )
        return
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    times = [float(s) for s in args.seconds.split(",") if s.strip()]
    baselines = [b for b in args.baselines.split(",") if b.strip()]
    for b in baselines:
        if b not in BASELINES:
            parser.error(f"unknown baseline {b!r} (known: {', '.join(BASELINES)})")
    if args.write:
        args.write.mkdir(parents=True, exist_ok=True)
        for size in sizes:
            for seed in seeds:
                (args.write / f"falun-{size}-seed{seed}.json").write_text(
                    json.dumps(generate(size, seed), ensure_ascii=False, indent=1),
                    encoding="utf-8",
                )
    tasks = [
        (size, seed, sec, solver, args.cores)
        for sec in times
        for size in sizes
        for seed in seeds
        for solver in [PLANNER, *baselines]
    ]
    if args.jobs > 1 and args.cores == 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            results = list(pool.map(_run, tasks))
    else:
        results = [_run(t) for t in tasks]
    md = table(results)
    print(md)
    if args.out:
        args.out.write_text(md, encoding="utf-8")


if __name__ == "__main__":
    main()
