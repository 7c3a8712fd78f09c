"""The OSRM table adapter against a local stand-in server (127.0.0.1 only, a free port)."""

from __future__ import annotations

import json
import math
import urllib.parse
from pathlib import Path

import pytest
from typer.testing import CliRunner

from samband.cli import app
from samband.planning.check import check
from samband.planning.osrm import NO_ROUTE_SECONDS, OSRMError, OSRMTravel, problem_points
from samband.planning.plan import plan_from_dict
from samband.planning.problem import Point, parse_problem
from samband.planning.solver import PyVRPSolver
from samband.planning.travel import GreatCircleTravel
from tests.planning.helpers import make_problem, make_staff, make_visit
from tests.planning.osrm_standin import closed_port_url, known_seconds, stand_in

NOWHERE = Point(0.0, 0.0)  # the stand-in has no route to or from here


def expected(a: Point, b: Point) -> int:
    """``known_seconds`` rounded up to a whole minute, as the adapter must give it."""
    exact = known_seconds((round(a.lon, 6), round(a.lat, 6)), (round(b.lon, 6), round(b.lat, 6)))
    assert exact is not None
    return math.ceil(exact / 60) * 60


POINTS = [
    Point(59.8586, 17.6389),
    Point(59.87, 17.65),
    Point(59.84, 17.70),
    Point(59.90, 17.60),
    Point(59.81, 17.55),
]


class TestOSRMTravel:
    def test_reads_the_durations_rounded_up_to_whole_minutes(self) -> None:
        with stand_in() as (url, state):
            travel = OSRMTravel(url)
            travel.prepare(POINTS)
            assert travel.requests == 1
            path = urllib.parse.urlsplit(state.paths[0]).path
            assert path.startswith("/table/v1/driving/17.638900,59.858600;17.650000,59.870000")
            for a in POINTS:
                for b in POINTS:
                    assert travel.seconds(a, b) == (0 if a == b else expected(a, b))
            # north costs more than south: rows are sources, columns destinations
            assert travel.seconds(POINTS[2], POINTS[3]) > travel.seconds(POINTS[3], POINTS[2])
            assert travel.seconds(POINTS[0], POINTS[1]) % 60 == 0
            assert travel.metres(POINTS[0], POINTS[1]) == pytest.approx(
                known_seconds((17.6389, 59.8586), (17.65, 59.87)) * 12.5  # type: ignore[operator]
            )
            assert travel.requests == 1  # lookups after prepare cost no request

    def test_a_large_set_is_fetched_in_blocks_with_the_same_times(self) -> None:
        with stand_in() as (url, state):
            whole = OSRMTravel(url)
            whole.prepare(POINTS)
            blocks = OSRMTravel(url, max_table_size=2)
            blocks.prepare(POINTS)
            assert blocks.requests == 9  # 3 × 3 blocks of at most 2 × 2
            assert any("sources=" in p and "destinations=" in p for p in state.paths)
            for a in POINTS:
                for b in POINTS:
                    assert blocks.seconds(a, b) == whole.seconds(a, b)

    def test_a_pair_that_was_not_prepared_is_fetched_on_demand(self) -> None:
        with stand_in() as (url, _):
            travel = OSRMTravel(url)
            assert travel.seconds(POINTS[0], POINTS[4]) == expected(POINTS[0], POINTS[4])
            assert travel.requests == 1

    def test_no_route_is_a_very_long_time_not_a_failure(self) -> None:
        with stand_in() as (url, _):
            travel = OSRMTravel(url)
            assert travel.seconds(POINTS[0], NOWHERE) == NO_ROUTE_SECONDS
            assert travel.metres(POINTS[0], NOWHERE) is None

    def test_an_error_answer_is_a_clear_error(self) -> None:
        with stand_in("error-400") as (url, _):
            with pytest.raises(OSRMError, match=r"answered HTTP 400: InvalidQuery: Query string"):
                OSRMTravel(url).prepare(POINTS)
        with stand_in("error-200") as (url, _):
            with pytest.raises(OSRMError, match=r"answered an error: NoTable: No table found"):
                OSRMTravel(url).prepare(POINTS)
        with stand_in("not-json") as (url, _):
            with pytest.raises(OSRMError, match="not JSON"):
                OSRMTravel(url).prepare(POINTS)

    def test_an_unreachable_server_is_a_clear_error(self) -> None:
        url = closed_port_url()
        with pytest.raises(OSRMError, match=rf"routing server {url} cannot be reached"):
            OSRMTravel(url, timeout=2).prepare(POINTS)

    def test_a_slow_server_times_out(self) -> None:
        with stand_in("slow") as (url, _):
            with pytest.raises(OSRMError, match=r"did not answer within 0.2 s"):
                OSRMTravel(url, timeout=0.2).prepare(POINTS)

    def test_a_url_that_is_not_http_is_refused(self) -> None:
        with pytest.raises(OSRMError, match="expected http:// or https://"):
            OSRMTravel("file:///etc/passwd")


def _problem() -> dict[str, object]:
    return make_problem(
        [make_staff("s1", ["nurse", "iv"]), make_staff("s2", ["nurse"], shift=("08:00", "16:00"))],
        [
            make_visit("v1", skills=["iv"], window=("08:00", "09:00"), lat=59.87, lon=17.65),
            make_visit("v2", skills=["nurse"], window=("09:00", "12:00"), lat=59.84, lon=17.70),
            make_visit("v3", window=("10:00", "14:00"), lat=59.90, lon=17.60),
            make_visit("v4", skills=["iv"], window=("13:00", "15:00"), lat=59.81, lon=17.55),
            make_visit("v5", window=("08:00", "16:00"), duration=20, lat=59.86, lon=17.66),
        ],
    )


class TestPlanningWithOSRM:
    def test_a_plan_uses_the_servers_times_and_passes_the_check(self) -> None:
        problem = parse_problem(_problem())
        with stand_in() as (url, _):
            travel = OSRMTravel(url).prepare_problem(problem)
            requests = travel.requests
            plan = PyVRPSolver(travel).solve(problem, 0.5)
            assert travel.requests == requests == 1  # one table for the whole problem
        assert plan.unassigned == ()
        assert check(problem, plan, travel) == []
        # the times in the plan are the server's, not the great circle's
        assert check(problem, plan, GreatCircleTravel(problem.travel)) != []
        total = 0
        for route in plan.routes:
            who = problem.staff_member(route.staff)
            here = who.start
            previous_end = None
            for stop in route.stops:
                v = problem.visit(stop.visit)
                t = travel.seconds(here, v.location)
                total += t
                if previous_end is not None:
                    assert stop.arrival == previous_end + t
                else:
                    assert route.leave == stop.arrival - t
                here, previous_end = v.location, stop.end
            total += travel.seconds(here, who.end)
        assert plan.travel_minutes * 60 == total

    def test_problem_points_lists_each_place_once(self) -> None:
        problem = parse_problem(_problem())
        points = problem_points(problem)
        assert len(points) == len(set(points)) == 6  # one base, five visit locations


class TestPlanSolveWithOSRM:
    def test_cli_plans_with_the_server(self, tmp_path: Path) -> None:
        path = tmp_path / "problem.json"
        path.write_text(json.dumps(_problem()))
        with stand_in() as (url, state):
            result = CliRunner().invoke(
                app, ["plan", "solve", str(path), "--seconds", "0.5", "--osrm-url", url]
            )
            assert result.exit_code == 0, result.output
            assert state.paths  # the server was asked
            travel = OSRMTravel(url)
            problem = parse_problem(_problem())
            assert check(problem, plan_from_dict(json.loads(result.stdout)), travel) == []

    def test_cli_unreachable_server_is_an_error_not_a_traceback(self, tmp_path: Path) -> None:
        path = tmp_path / "problem.json"
        path.write_text(json.dumps(_problem()))
        url = closed_port_url()
        result = CliRunner().invoke(app, ["plan", "solve", str(path), "--osrm-url", url])
        assert result.exit_code == 1
        assert f"error: routing server {url} cannot be reached" in result.stderr
        assert "Traceback" not in result.output

    def test_cli_error_answer_is_an_error_not_a_traceback(self, tmp_path: Path) -> None:
        path = tmp_path / "problem.json"
        path.write_text(json.dumps(_problem()))
        with stand_in("error-200") as (url, _):
            result = CliRunner().invoke(app, ["plan", "solve", str(path), "--osrm-url", url])
        assert result.exit_code == 1
        assert "NoTable" in result.stderr
        assert "Traceback" not in result.output

    def test_cli_takes_the_url_from_the_setting(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from samband.config import get_settings

        path = tmp_path / "problem.json"
        path.write_text(json.dumps(_problem()))
        url = closed_port_url()
        monkeypatch.setenv("SAMBAND_OSRM_URL", url)
        get_settings.cache_clear()
        try:
            result = CliRunner().invoke(app, ["plan", "solve", str(path)])
        finally:
            get_settings.cache_clear()
        assert result.exit_code == 1
        assert f"routing server {url} cannot be reached" in result.stderr
