from __future__ import annotations

import json
from typing import Any

import pytest

from samband.planning.problem import (
    Point,
    ProblemError,
    TravelSettings,
    format_clock,
    load_problem,
    parse_clock,
    parse_problem,
)
from samband.planning.travel import GreatCircleTravel, great_circle_km
from tests.planning.helpers import make_problem, make_staff, make_visit


def _error(raw: Any) -> str:
    with pytest.raises(ProblemError) as info:
        parse_problem(raw)
    return str(info.value)


class TestParseProblem:
    def test_a_valid_problem_is_read(self) -> None:
        raw = make_problem(
            [make_staff("s1", ["nurse", "iv"], max_minutes=300)],
            [make_visit("v1", skills=["iv"], preferred_staff=["s1"], priority=1)],
        )
        problem = parse_problem(raw)
        assert problem.staff[0].shift_start == 7 * 3600
        assert problem.staff[0].end == problem.staff[0].start  # end defaults to start
        assert problem.visits[0].window_end == 12 * 3600
        assert problem.visits[0].priority == 1
        assert problem.visits[0].preferred_staff == ("s1",)

    def test_malformed_json(self) -> None:
        with pytest.raises(ProblemError, match="not valid JSON.*line 1"):
            load_problem("{not json")

    def test_window_ending_before_it_starts_names_the_visit(self) -> None:
        raw = make_problem([make_staff("s1", [])], [make_visit("v7", window=("10:00", "09:00"))])
        message = _error(raw)
        assert "visit 'v7'.window" in message
        assert "before it starts" in message

    def test_shift_ending_before_it_starts(self) -> None:
        raw = make_problem([make_staff("s1", [], shift=("16:00", "07:00"))], [])
        assert "staff 's1'.shift" in _error(raw)

    def test_staff_without_shift(self) -> None:
        staff = make_staff("s1", [])
        del staff["shift"]
        assert "staff 's1': missing field 'shift'" in _error(make_problem([staff], []))

    @pytest.mark.parametrize("field", ["patient", "location", "window", "duration_min"])
    def test_missing_visit_field(self, field: str) -> None:
        visit = make_visit("v1")
        del visit[field]
        assert f"visit 'v1': missing field '{field}'" in _error(make_problem([], [visit]))

    def test_duplicate_ids(self) -> None:
        raw = make_problem([make_staff("s1", [])], [make_visit("v1"), make_visit("v1")])
        assert "visit id 'v1' is used more than once" in _error(raw)
        raw = make_problem([make_staff("s1", []), make_staff("s1", [])], [])
        assert "staff id 's1' is used more than once" in _error(raw)

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("8:00", "HH:MM"),
            ("25:00", "not a time of day"),
            ("12:60", "not a time of day"),
            (800, "HH:MM"),
        ],
    )
    def test_bad_times(self, value: object, expected: str) -> None:
        raw = make_problem([], [make_visit("v1")])
        raw["visits"][0]["window"] = [value, "12:00"]
        message = _error(raw)
        assert "visit 'v1'.window[0]" in message
        assert expected in message

    def test_bad_priority_and_date(self) -> None:
        assert "priority" in _error(make_problem([], [make_visit("v1", priority=0)]))
        raw = make_problem([], [])
        raw["date"] = "24/11/2026"
        assert "problem.date" in _error(raw)

    def test_not_an_object(self) -> None:
        assert "expected an object" in _error([1, 2])

    def test_unknown_skill_is_not_an_error(self) -> None:
        # reported by the solver as unassigned with the reason instead
        raw = make_problem([make_staff("s1", ["nurse"])], [make_visit("v1", skills=["dialysis"])])
        assert parse_problem(raw).visits[0].skills == frozenset({"dialysis"})

    def test_round_trip_from_json_text(self) -> None:
        raw = make_problem([make_staff("s1", ["nurse"])], [make_visit("v1")])
        assert load_problem(json.dumps(raw)).visits[0].id == "v1"


class TestClock:
    def test_parse_and_format(self) -> None:
        assert parse_clock("07:30", "t") == 27000
        assert format_clock(27000) == "07:30"
        assert parse_clock("24:00", "t") == 86400


class TestTravel:
    def test_great_circle_one_degree_of_latitude(self) -> None:
        km = great_circle_km(Point(59.0, 17.0), Point(60.0, 17.0))
        assert km == pytest.approx(111.2, abs=0.2)

    def test_time_is_distance_times_road_factor_over_speed_rounded_up_to_minutes(self) -> None:
        model = GreatCircleTravel(TravelSettings(speed_kmh=40, road_factor=1.3))
        a, b = Point(59.0, 17.0), Point(60.0, 17.0)
        exact = great_circle_km(a, b) * 1.3 / 40 * 3600
        seconds = model.seconds(a, b)
        assert seconds % 60 == 0
        assert exact <= seconds < exact + 60
        assert model.seconds(a, a) == 0
        assert model.seconds(b, a) == seconds
