from __future__ import annotations

import pytest

from samband.planning.check import check
from samband.planning.plan import Plan, Route, Stop, Unassigned
from samband.planning.problem import Problem, parse_problem
from samband.planning.solver import PyVRPSolver
from tests.planning.helpers import make_problem, make_staff, make_visit


def _routed(plan: Plan) -> dict[str, str]:
    return {stop.visit: r.staff for r in plan.routes for stop in r.stops}


class TestPyVRPSolver:
    def test_small_day_is_planned_and_passes_the_check(self) -> None:
        visits = [
            make_visit(
                f"v{i}",
                lat=59.84 + 0.01 * (i % 5),
                lon=17.60 + 0.02 * (i % 4),
                window=("08:00", "11:00") if i % 2 else ("11:00", "15:00"),
                skills=["nurse"],
            )
            for i in range(12)
        ]
        problem = parse_problem(
            make_problem([make_staff("s1", ["nurse"]), make_staff("s2", ["nurse", "iv"])], visits)
        )
        plan = PyVRPSolver().solve(problem, seconds=1.0, seed=1)
        assert check(problem, plan) == []
        assert len(_routed(plan)) == 12
        assert plan.unassigned == ()
        assert plan.travel_minutes > 0

    def test_skills_are_respected_and_unknown_skills_reported(self) -> None:
        problem = parse_problem(
            make_problem(
                [make_staff("plain", ["nurse"]), make_staff("ivnurse", ["nurse", "iv"])],
                [
                    make_visit("iv1", skills=["iv"], window=("08:00", "09:00")),
                    make_visit("iv2", skills=["iv"], window=("08:00", "09:00"), lat=59.80),
                    make_visit("n1", skills=["nurse"]),
                    make_visit("d1", skills=["dialysis"]),
                ],
            )
        )
        plan = PyVRPSolver().solve(problem, seconds=1.0)
        assert check(problem, plan) == []
        routed = _routed(plan)
        assert routed["iv1"] == "ivnurse"
        assert routed.get("iv2") in (None, "ivnurse")
        reasons = {u.visit: u.reason for u in plan.unassigned}
        assert "dialysis" in reasons["d1"]
        assert "no staff member has the skill" in reasons["d1"]

    def test_window_outside_every_shift_is_reported(self) -> None:
        problem = parse_problem(
            make_problem(
                [make_staff("s1", [], shift=("08:00", "12:00"))],
                [make_visit("late", window=("18:00", "19:00"))],
            )
        )
        plan = PyVRPSolver().solve(problem, seconds=0.5)
        assert plan.routes == ()
        assert "outside every shift" in plan.unassigned[0].reason

    def test_priority_one_kept_before_priority_three_when_time_is_short(self) -> None:
        # one nurse, one hour; two 40-minute visits in the same window: only one fits
        far = {"lat": 59.95, "lon": 17.9}  # the priority-1 visit also costs more travel
        problem = parse_problem(
            make_problem(
                [make_staff("s1", [], shift=("08:00", "10:00"))],
                [
                    make_visit("low", priority=3, duration=40, window=("08:30", "08:40")),
                    make_visit(
                        "high",
                        priority=1,
                        duration=40,
                        window=("08:30", "08:40"),
                        lat=far["lat"],
                        lon=far["lon"],
                    ),
                ],
            )
        )
        plan = PyVRPSolver().solve(problem, seconds=1.0)
        assert check(problem, plan) == []
        assert _routed(plan) == {"high": "s1"}
        assert [u.visit for u in plan.unassigned] == ["low"]
        assert "could not fit" in plan.unassigned[0].reason

    def test_preferred_staff_is_chosen_when_it_costs_nothing(self) -> None:
        problem = parse_problem(
            make_problem(
                [make_staff("a", []), make_staff("b", [])],
                [make_visit("v1", preferred_staff=["b"])],
            )
        )
        plan = PyVRPSolver().solve(problem, seconds=0.5)
        assert _routed(plan) == {"v1": "b"}


class TestCheck:
    @pytest.fixture
    def problem(self) -> Problem:
        return parse_problem(
            make_problem(
                [make_staff("s1", ["nurse"], shift=("08:00", "12:00"))],
                [make_visit("v1", skills=["iv"], window=("09:00", "10:00")), make_visit("v2")],
            )
        )

    def test_catches_broken_rules(self, problem: Problem) -> None:
        plan = Plan(
            routes=(
                Route(
                    "s1",
                    (
                        Stop("v1", 8 * 3600, 8 * 3600, 8 * 3600 + 60),
                        Stop("v1", 9 * 3600, 9 * 3600, 9 * 3600 + 1800),
                    ),
                ),
            ),
            unassigned=(),
            travel_minutes=0,
        )
        errors = " | ".join(check(problem, plan))
        assert "lacks skill(s) iv" in errors
        assert "outside its window" in errors
        assert "appears twice" in errors
        assert "cannot be there before" in errors
        assert "'v2' is neither in a route nor unassigned" in errors
        assert "travel_minutes" in errors

    def test_all_unassigned_is_valid(self, problem: Problem) -> None:
        plan = Plan((), (Unassigned("v1", "x"), Unassigned("v2", "y")), 0)
        assert check(problem, plan) == []
