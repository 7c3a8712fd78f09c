"""The order of what matters, proven on small days whose best plan is known by enumeration.

The planner's objective is lexicographic (decision 0021): priority-1 visits left out, then
visits left out, then announced visits moved, then visits made by someone not preferred,
then travel. ``enumerate_best`` tries every assignment of visits to staff members (or to
nobody) and every order of each route, keeps the feasible plans and returns the smallest
key; the solver must reach exactly that key. The days are built so that the levels pull
against each other: serving a dose costs two other visits, serving one more visit costs
continuity, continuity costs travel, keeping an announced time costs continuity.
"""

from __future__ import annotations

import itertools
import random
from typing import Any

import pytest

from samband.planning.check import check
from samband.planning.plan import Plan, moved
from samband.planning.problem import MAX_PRIORITY, Problem, Staff, Visit, parse_problem
from samband.planning.solver import INT64_MAX, PlanningError, PyVRPSolver, weights
from samband.planning.travel import GreatCircleTravel
from tests.planning.helpers import BASE, make_problem, make_staff, make_visit

Key = tuple[int, int, int, int, int]


def _route_ok(
    problem: Problem, s: Staff, order: tuple[Visit, ...], keep: frozenset[str] = frozenset()
) -> int | None:
    """Travel seconds of the route if some schedule of this order is feasible, else None
    (earliest start times: feasible iff any schedule is; no ``max_minutes`` here). The
    visits in ``keep`` must start within 15 minutes of their announced time."""
    travel = GreatCircleTravel(problem.travel)
    here, clock, total = s.start, s.shift_start, 0
    for v in order:
        if not v.skills <= s.skills:
            return None
        lo, hi = v.window_start, v.window_end
        if v.id in keep:
            assert v.announced is not None
            lo = max(lo, v.announced.start - 15 * 60)
            hi = min(hi, v.announced.start + 15 * 60)
        t = travel.seconds(here, v.location)
        total += t
        start = max(clock + t, lo)
        if start > hi:
            return None
        here, clock = v.location, start + v.duration
    back = travel.seconds(here, s.end)
    if clock + back > s.shift_end:
        return None
    return total + back if order else 0


def _key_of(problem: Problem, assigned: dict[str, str], travel: int, moved_n: int) -> Key:
    """(priority-1 left out, left out, announced moved, continuity and priority, travel
    minutes). The fourth level is the visits made by someone not preferred plus, for each
    other visit left out, its priority steps above the lowest (5 − priority): the planner
    weighs a priority step like a preference, and both below every level above."""
    left = [v for v in problem.visits if v.id not in assigned]
    broken = sum(
        1
        for v in problem.visits
        if v.id in assigned and v.preferred_staff and assigned[v.id] not in v.preferred_staff
    )
    steps = sum(MAX_PRIORITY - v.priority for v in left if v.priority != 1)
    return (sum(1 for v in left if v.priority == 1), len(left), moved_n, broken + steps, travel)


def enumerate_best(problem: Problem) -> Key:
    """The smallest key over every feasible plan: every assignment to staff or to nobody,
    every order of each route, every choice of which announced visits keep their time."""
    staff = problem.staff
    best: Key | None = None
    options = [None, *range(len(staff))]
    for choice in itertools.product(options, repeat=len(problem.visits)):
        per: list[list[Visit]] = [[] for _ in staff]
        for v, k in zip(problem.visits, choice, strict=True):
            if k is not None:
                per[k].append(v)
        total = 0
        assigned: dict[str, str] = {}
        moved_n = 0
        feasible = True
        for k, vs in enumerate(per):
            keepable = [v.id for v in vs if v.announced and v.announced.staff == staff[k].id]
            best_route: tuple[int, int] | None = None  # (moved, travel)
            for order in itertools.permutations(vs):
                for r in range(len(keepable), -1, -1):
                    for keep in itertools.combinations(keepable, r):
                        t = _route_ok(problem, staff[k], order, frozenset(keep))
                        if t is None:
                            continue
                        m = sum(1 for v in vs if v.announced) - len(keep)
                        if best_route is None or (m, t) < best_route:
                            best_route = (m, t)
            if best_route is None:
                feasible = False
                break
            moved_n += best_route[0]
            total += best_route[1]
            assigned.update({v.id: staff[k].id for v in vs})
        if not feasible:
            continue
        moved_n += sum(
            1 for v in problem.visits if v.announced is not None and v.id not in assigned
        )
        key = _key_of(problem, assigned, total // 60, moved_n)
        if best is None or key < best:
            best = key
    assert best is not None
    return best


def solved_key(problem: Problem, seconds: float = 1.0) -> tuple[Key, Plan]:
    plan = PyVRPSolver().solve(problem, seconds, seed=1)
    assert check(problem, plan) == []
    assigned = {stop.visit: r.staff for r in plan.routes for stop in r.stops}
    return _key_of(problem, assigned, plan.travel_minutes, len(moved(problem, plan))), plan


def near(dlat: float, dlon: float = 0.0) -> dict[str, float]:
    return {"lat": BASE["lat"] + dlat, "lon": BASE["lon"] + dlon}


class TestOrderOnKnownDays:
    def test_a_dose_beats_two_other_visits(self) -> None:
        """One nurse, a morning: the dose 08:00–08:30 (60 min) or the two check-ups that
        overlap it. Two visits served would be more, but a dose is never given up."""
        raw = make_problem(
            [make_staff("n1", ["iv"], shift=("07:30", "10:00"))],
            [
                make_visit(
                    "dose", skills=["iv"], window=("08:00", "08:10"), duration=60, priority=1
                ),
                make_visit("c1", window=("07:50", "08:10"), duration=30, priority=2),
                make_visit("c2", window=("08:40", "09:00"), duration=30, priority=2),
            ],
        )
        problem = parse_problem(raw)
        key, plan = solved_key(problem)
        assert key == enumerate_best(problem)
        assert key[0] == 0
        assert "dose" not in {u.visit for u in plan.unassigned}

    def test_more_visits_beat_continuity(self) -> None:
        """The preferred nurse can make one of the two visits; the other nurse both. Both
        served, by the one who is not preferred, is the better plan."""
        raw = make_problem(
            [
                make_staff("pref", [], shift=("08:00", "09:10")),
                make_staff("other", [], shift=("08:00", "12:00")),
            ],
            [
                make_visit("a", window=("08:10", "08:20"), duration=40, preferred_staff=["pref"]),
                make_visit("b", window=("08:20", "08:30"), duration=40, preferred_staff=["pref"]),
            ],
        )
        problem = parse_problem(raw)
        key, _ = solved_key(problem)
        assert key == enumerate_best(problem)
        assert key[1] == 0

    def test_continuity_beats_travel(self) -> None:
        """The preferred nurse starts 25 km away; the other next door. The preferred one
        still goes: a visit by the regular nurse outweighs any amount of driving."""
        far = {"lat": BASE["lat"] + 0.22, "lon": BASE["lon"]}
        raw = make_problem(
            [
                make_staff("pref", [], start=far, end=far),
                make_staff("other", []),
            ],
            [make_visit("a", window=("09:00", "11:00"), preferred_staff=["pref"])],
        )
        problem = parse_problem(raw)
        key, plan = solved_key(problem)
        assert key == enumerate_best(problem)
        assert plan.routes[0].staff == "pref"

    def test_an_announced_visit_stays_before_continuity(self) -> None:
        """Re-planning: the visit was announced for n2 at 09:00; its regular nurse n1 is
        free, but the announcement is kept."""
        raw = make_problem(
            [make_staff("n1", []), make_staff("n2", [])],
            [
                make_visit(
                    "a",
                    window=("08:00", "12:00"),
                    preferred_staff=["n1"],
                    announced={"staff": "n2", "start": "09:00"},
                ),
            ],
        )
        problem = parse_problem(raw)
        key, plan = solved_key(problem)
        assert key == enumerate_best(problem)
        assert moved(problem, plan) == []
        route = plan.routes[0]
        assert route.staff == "n2"
        assert abs(route.stops[0].start - 9 * 3600) <= 15 * 60

    def test_an_announced_visit_moves_when_a_dose_needs_the_time(self) -> None:
        """The announced 08:30 visit would block a new dose; it moves (and is counted)."""
        raw = make_problem(
            [make_staff("n1", ["iv"], shift=("08:00", "11:00"))],
            [
                make_visit(
                    "old",
                    window=("08:00", "10:30"),
                    duration=30,
                    announced={"staff": "n1", "start": "08:30"},
                ),
                make_visit(
                    "dose", skills=["iv"], window=("08:20", "08:30"), duration=45, priority=1
                ),
            ],
        )
        problem = parse_problem(raw)
        key, plan = solved_key(problem)
        assert key == enumerate_best(problem)
        assert key[:2] == (0, 0)
        assert moved(problem, plan) == ["old"]


def random_day(rng: random.Random) -> dict[str, Any]:
    staff = [
        make_staff(
            f"s{k}",
            rng.sample(["iv", "wound"], rng.randint(0, 2)),
            shift=rng.choice([("07:00", "10:00"), ("08:00", "11:00"), ("07:30", "12:00")]),
            start=near(rng.uniform(-0.05, 0.05), rng.uniform(-0.08, 0.08)),
        )
        for k in range(2)
    ]
    visits = []
    for i in range(5):
        start = rng.randrange(7 * 60 + 30, 10 * 60 + 30, 10)
        width = rng.choice([10, 30, 60])
        visit = make_visit(
            f"v{i}",
            skills=rng.choice([[], [], ["iv"], ["wound"]]),
            window=(
                f"{start // 60:02d}:{start % 60:02d}",
                f"{(start + width) // 60:02d}:{(start + width) % 60:02d}",
            ),
            duration=rng.choice([20, 30, 45, 60]),
            lat=BASE["lat"] + rng.uniform(-0.06, 0.06),
            lon=BASE["lon"] + rng.uniform(-0.1, 0.1),
            priority=rng.randint(1, MAX_PRIORITY),
        )
        if rng.random() < 0.5:
            visit["preferred_staff"] = [rng.choice(["s0", "s1"])]
        visits.append(visit)
    return make_problem(staff, visits)


@pytest.mark.parametrize("seed", range(8))
def test_random_small_days_reach_the_enumerated_best(seed: int) -> None:
    """Random tight mornings (2 staff, 5 visits, skills, priorities 1–5, preferences):
    the solver's plan has the enumerated best key, level by level."""
    problem = parse_problem(random_day(random.Random(seed)))
    key, _ = solved_key(problem)
    assert key == enumerate_best(problem)


def test_weights_keep_the_order_by_construction() -> None:
    """Each level's unit outweighs the largest possible total of every level below it, and
    the largest objective stays inside 64-bit integers on a 300-visit day."""
    rng = random.Random(3)
    staff = [make_staff(f"s{k}", ["iv"], shift=("07:00", "22:00")) for k in range(40)]
    visits = []
    for i in range(300):
        v = make_visit(
            f"v{i}",
            skills=["iv"],
            priority=rng.randint(1, 5),
            preferred_staff=["s1"],
            announced={"staff": "s2", "start": "09:00"},
        )
        visits.append(v)
    problem = parse_problem(make_problem(staff, visits))
    w = weights(problem, list(problem.visits))
    n = len(problem.visits)
    n_other = sum(1 for v in problem.visits if v.priority != 1)
    # travel can never exceed the staff's working time
    assert w.travel_bound >= sum(s.shift_end - s.shift_start for s in problem.staff)
    assert w.continuity > w.travel_bound
    below_keep = n * w.continuity + n_other * 3 * w.priority_step + w.travel_bound
    assert w.keep > below_keep
    assert w.visit > n * w.keep + below_keep
    assert w.dose > n_other * (w.visit + 3 * w.priority_step) + n * w.keep + below_keep
    assert w.forbidden > w.dose + w.keep
    assert n * (w.dose + w.keep) + 2 * n * w.forbidden < INT64_MAX


def test_a_day_too_large_for_exact_weights_is_refused_with_a_reason() -> None:
    """700 visits, every one announced, 150 staff: the exact weights would overflow 64-bit
    integers inside PyVRP, so the planner refuses the day instead of mis-ordering it."""
    staff = [make_staff(f"s{k}", [], shift=("07:00", "16:00")) for k in range(150)]
    visits = [
        make_visit(
            f"v{i}",
            priority=1 + i % 5,
            preferred_staff=["s1"],
            announced={"staff": "s2", "start": "09:00"},
        )
        for i in range(700)
    ]
    problem = parse_problem(make_problem(staff, visits))
    with pytest.raises(PlanningError, match="too large"):
        weights(problem, list(problem.visits))
