"""``visits.problem.build_problem``: the day's planning problem from plain rows (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from samband.planning.problem import parse_problem
from samband.visits.problem import ShiftRow, VisitRow, build_problem

DAY = date(2030, 3, 6)  # Stockholm is UTC+1


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2030, 3, 6, hour - 1, minute, tzinfo=UTC)


def visit(visit_id: str, **fields: Any) -> VisitRow:
    values: dict[str, Any] = {
        "id": visit_id,
        "patient": f"p-{visit_id}",
        "lat": 60.6,
        "lon": 15.6,
        "window_start": at(8),
        "window_end": at(10),
        "duration_min": 30,
        "skills": ["iv_therapy"],
        "role": "registered_nurse",
        "priority": 3,
        "status": "planned",
    }
    return VisitRow(**{**values, **fields})


def shift(staff: str, **fields: Any) -> ShiftRow:
    values: dict[str, Any] = {
        "staff": staff,
        "skills": ["iv_therapy"],
        "role": "registered_nurse",
        "start": at(7),
        "end": at(16),
        "start_lat": 60.61,
        "start_lon": 15.63,
        "end_lat": 60.61,
        "end_lon": 15.63,
    }
    return ShiftRow(**{**values, **fields})


class TestBuildProblem:
    def test_open_visits_and_shifts_become_a_valid_problem(self) -> None:
        built = build_problem(DAY, [visit("v1")], [shift("s1")], preferred={"v1": ["s1"]})

        parsed = parse_problem(built.problem)
        assert [v.id for v in parsed.visits] == ["v1"]
        assert built.problem["visits"][0]["window"] == ["08:00", "10:00"]
        assert built.problem["visits"][0]["skills"] == ["iv_therapy", "registered_nurse"]
        assert built.problem["visits"][0]["preferred_staff"] == ["s1"]
        assert built.problem["staff"][0]["shift"] == ["07:00", "16:00"]
        assert built.fixed == []
        assert built.left_out == []

    def test_a_home_without_coordinates_is_left_out_with_its_code(self) -> None:
        built = build_problem(DAY, [visit("v1", lat=None)], [shift("s1")])

        assert built.problem["visits"] == []
        assert [(u.visit, u.code) for u in built.left_out] == [("v1", "planning.no_coordinates")]
        assert "no coordinates" in built.left_out[0].reason

    def test_a_window_on_another_date_is_left_out(self) -> None:
        late = visit("v1", window_start=datetime(2030, 3, 7, 8, tzinfo=UTC))

        built = build_problem(DAY, [late], [shift("s1")])

        assert [u.code for u in built.left_out] == ["planning.window_not_on_date"]

    def test_a_done_visit_is_fixed_and_its_staff_member_continues_from_there(self) -> None:
        done = visit(
            "v0",
            status="done",
            assigned="s1",
            started_at=at(9),
            ended_at=at(9, 40),
            lat=60.5,
            lon=15.5,
        )

        built = build_problem(DAY, [done, visit("v1")], [shift("s1", max_minutes=480)])

        assert built.fixed == [{"staff": "s1", "visit": "v0", "start": 540, "end": 580}]
        staff = built.problem["staff"][0]
        assert staff["shift"] == ["09:40", "16:00"]
        assert staff["start"] == {"lat": 60.5, "lon": 15.5}
        assert staff["max_minutes"] == 480 - (580 - 420)
        assert [v["id"] for v in built.problem["visits"]] == ["v1"]

    def test_a_started_visit_of_someone_not_on_shift_is_not_fixed(self) -> None:
        started = visit("v0", status="started", assigned="s9", started_at=at(9))

        built = build_problem(DAY, [started], [shift("s1")])

        assert built.fixed == []
        assert built.problem["visits"] == []

    def test_nobody_is_planned_before_now_and_a_shift_with_no_time_left_is_dropped(self) -> None:
        built = build_problem(
            DAY, [visit("v1")], [shift("s1"), shift("s2", end=at(11))], now=at(12)
        )

        assert [s["id"] for s in built.problem["staff"]] == ["s1"]
        assert built.problem["staff"][0]["shift"] == ["12:00", "16:00"]

    def test_a_published_visit_is_announced_with_its_staff_and_local_start(self) -> None:
        rows = [
            visit("v1", status="assigned", assigned="s2", planned_start=at(8, 40)),
            visit("v2", status="assigned", assigned="s1", planned_start=at(9)),
            visit("v3"),  # left out of the published plan: nobody told the patient a time
        ]

        built = build_problem(
            DAY, rows, [shift("s1"), shift("s2")], preferred={"v1": ["s1"]}, announced={"v1", "v3"}
        )

        by_id = {v["id"]: v for v in built.problem["visits"]}
        assert by_id["v1"]["announced"] == {"staff": "s2", "start": "08:40"}
        assert by_id["v1"]["preferred_staff"] == ["s1"]  # continuity stays as it is
        assert "announced" not in by_id["v2"]  # not in the published plan's routes
        assert "announced" not in by_id["v3"]
        parsed = parse_problem(built.problem)
        announced = parsed.visit("v1").announced
        assert announced is not None
        assert (announced.staff, announced.start) == ("s2", (8 * 60 + 40) * 60)

    @given(
        hours=st.lists(st.integers(min_value=0, max_value=22), min_size=0, max_size=8),
        coordinates=st.lists(st.booleans(), min_size=8, max_size=8),
    )
    def test_every_open_visit_is_either_in_the_problem_or_left_out(
        self, hours: list[int], coordinates: list[bool]
    ) -> None:
        rows = [
            visit(
                f"v{i}",
                window_start=datetime(2030, 3, 6, h, tzinfo=UTC),
                window_end=datetime(2030, 3, 6, h + 1, tzinfo=UTC),
                lat=60.6 if coordinates[i] else None,
            )
            for i, h in enumerate(hours)
        ]

        built = build_problem(DAY, rows, [shift("s1")])

        planned = {v["id"] for v in built.problem["visits"]}
        left = {u.visit for u in built.left_out}
        assert planned | left == {r.id for r in rows}
        assert not planned & left
        parse_problem(built.problem)
