from __future__ import annotations

import copy
import math
from typing import Any

import pytest

from samband.planning.problem import Point, TravelSettings
from samband.planning.travel import GreatCircleTravel, great_circle_km
from samband.simulation.scenario import (
    Z_QUARTILE,
    ScenarioError,
    load_scenario,
    mean_leg_minutes,
    parse_scenario,
    random_point_in_disc,
)
from tests.simulation.helpers import EXAMPLES, loss_system, with_visits


def _error(raw: Any) -> str:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(raw)
    return str(info.value)


def _stay(raw: dict[str, Any], **stay: Any) -> dict[str, Any]:
    raw = copy.deepcopy(raw)
    raw["pathways"][0]["length_of_stay"] = stay
    return raw


class TestParse:
    def test_the_examples_are_read(self) -> None:
        skane = load_scenario((EXAMPLES / "skane-14-places.yaml").read_text(encoding="utf-8"))
        assert skane.places == 14
        los = skane.pathways[0].length_of_stay
        assert los.distribution == "lognormal"
        assert los.median_days == 4
        assert los.mean_days == pytest.approx(4 * math.exp(0.7**2 / 2))
        assert skane.pathways[0].visit_minutes == (45, 35)
        assert skane.travel is not None
        assert skane.travel.area is not None
        loss = load_scenario((EXAMPLES / "loss-system.yaml").read_text(encoding="utf-8"))
        assert loss.offered_load == pytest.approx(8.0)
        assert not loss.has_visits
        assert loss.travel is None
        assert loss.shifts == ()

    def test_defaults(self) -> None:
        raw = loss_system(mean_days=4.2)
        for key in ("warmup_days", "replications", "seed", "name"):
            del raw[key]
        scenario = parse_scenario(raw)
        assert scenario.replications == 10
        assert scenario.seed == 0
        assert scenario.name == "scenario"
        assert scenario.warmup_days == 42  # ten times the longest mean stay, rounded up

    def test_lognormal_from_the_interquartile_range(self) -> None:
        scenario = parse_scenario(
            _stay(loss_system(), distribution="lognormal", median_days=4, iqr_days=3)
        )
        los = scenario.pathways[0].length_of_stay
        assert los.sigma is not None
        q1 = 4 * math.exp(-Z_QUARTILE * los.sigma)
        q3 = 4 * math.exp(Z_QUARTILE * los.sigma)
        assert q3 - q1 == pytest.approx(3)

    def test_lognormal_from_quartiles(self) -> None:
        # ln(8/2) = 2 · 0.6745 · σ  →  σ = 1.0277
        scenario = parse_scenario(
            _stay(loss_system(), distribution="lognormal", median_days=4, quartiles_days=[2, 8])
        )
        assert scenario.pathways[0].length_of_stay.sigma == pytest.approx(1.0277, abs=1e-4)

    def test_empirical(self) -> None:
        scenario = parse_scenario(
            _stay(loss_system(), distribution="empirical", values_days=[1, 2, 6])
        )
        assert scenario.pathways[0].length_of_stay.mean_days == 3

    def test_one_visit_duration_for_all_visits(self) -> None:
        scenario = parse_scenario(with_visits(visits_per_day=3, visit_minutes=20))
        assert scenario.pathways[0].visit_minutes == (20, 20, 20)

    def test_durations_give_the_number_of_visits(self) -> None:
        raw = with_visits(visit_minutes=[30, 20, 10])
        del raw["pathways"][0]["visits_per_day"]
        assert parse_scenario(raw).pathways[0].visits_per_day == 3

    def test_shift_minutes_and_days(self) -> None:
        raw = with_visits()
        raw["shifts"].append(
            {"name": "night", "role": "nurse", "count": 1, "start": "22:00", "end": "07:00"}
        )
        raw["shifts"].append(
            {
                "name": "weekend",
                "role": "nurse",
                "count": 2,
                "start": "08:00",
                "end": "12:00",
                "days": ["sat", "Sunday"],
            }
        )
        scenario = parse_scenario(raw)
        night, weekend = scenario.shifts[1], scenario.shifts[2]
        assert night.minutes == 9 * 60  # over midnight
        assert weekend.minutes == 240
        assert weekend.weekdays == frozenset({5, 6})
        # day 0 is a Monday: 2 × 420 + 540; day 5 (Saturday) adds 2 × 240
        assert scenario.available_minutes("nurse", 0) == 2 * 420 + 540
        assert scenario.available_minutes("nurse", 5) == 2 * 420 + 540 + 2 * 240
        assert scenario.available_minutes("physician", 0) == 0


class TestErrors:
    @pytest.mark.parametrize(
        ("change", "expected"),
        [
            (lambda r: r.pop("places"), "scenario: missing field 'places'"),
            (lambda r: r.update(places=0), "places: 0 is out of range"),
            (lambda r: r.update(palces=3), "unknown field 'palces'; did you mean 'places'?"),
            (lambda r: r.update(horizon_days=1.5), "horizon_days: expected a whole number"),
            (lambda r: r.update(replications=0), "replications: 0 is out of range"),
            (lambda r: r.update(pathways=[]), "pathways: the list is empty"),
            (
                lambda r: r["pathways"][0].update(arrivals_per_day=-1),
                "pathways[0] 'any'.arrivals_per_day: must be greater than 0",
            ),
            (
                lambda r: r["pathways"][0].pop("length_of_stay"),
                "pathways[0] 'any': missing field 'length_of_stay'",
            ),
            (
                lambda r: r["pathways"].append(copy.deepcopy(r["pathways"][0])),
                "pathway name 'any' is used more than once",
            ),
        ],
    )
    def test_top_and_pathway_fields(self, change: Any, expected: str) -> None:
        raw = loss_system()
        change(raw)
        assert expected in _error(raw)

    @pytest.mark.parametrize(
        ("stay", "expected"),
        [
            ({"distribution": "gamma"}, "distribution: 'gamma' is not one of exponential"),
            ({"distribution": "exponential"}, "missing field 'mean_days'"),
            ({"distribution": "exponential", "mean_days": 0}, "mean_days: must be greater"),
            (
                {"distribution": "exponential", "mean_days": 2, "sigma": 1},
                "unknown field 'sigma'",
            ),
            (
                {"distribution": "lognormal", "median_days": -4, "sigma": 0.5},
                "length_of_stay.median_days: must be greater than 0, got -4",
            ),
            (
                {"distribution": "lognormal", "median_days": 4},
                "give exactly one of sigma, iqr_days or quartiles_days",
            ),
            (
                {"distribution": "lognormal", "median_days": 4, "sigma": 0.5, "iqr_days": 3},
                "(got sigma, iqr_days)",
            ),
            (
                {"distribution": "lognormal", "median_days": 4, "quartiles_days": [5, 8]},
                "must lie either side of the median 4",
            ),
            (
                {"distribution": "lognormal", "mean_days": 4, "sigma": 0.5},
                "given by median_days",
            ),
            ({"distribution": "empirical", "values_days": []}, "values_days: the list is empty"),
            (
                {"distribution": "empirical", "values_days": [1, "two"]},
                "values_days[1]: expected a number, got 'two'",
            ),
        ],
    )
    def test_length_of_stay(self, stay: dict[str, Any], expected: str) -> None:
        message = _error(_stay(loss_system(), **stay))
        assert "pathways[0] 'any'.length_of_stay" in message
        assert expected in message

    def test_visit_durations_must_match_the_count(self) -> None:
        raw = with_visits(visits_per_day=3, visit_minutes=[30, 20])
        assert "2 durations for visits_per_day 3" in _error(raw)

    def test_visits_need_durations_and_a_role(self) -> None:
        raw = with_visits()
        del raw["pathways"][0]["visit_minutes"]
        assert "missing field 'visit_minutes'" in _error(raw)
        raw = with_visits()
        del raw["pathways"][0]["role"]
        assert "pathways[0] 'opat': missing field 'role'" in _error(raw)

    def test_a_role_nobody_staffs(self) -> None:
        raw = with_visits()
        raw["pathways"][0]["role"] = "physician"
        message = _error(raw)
        assert "pathways[0] 'opat'.role: no shift has staff with role 'physician'" in message
        assert "shift roles: nurse" in message

    def test_visits_need_travel(self) -> None:
        raw = with_visits()
        del raw["travel"]
        assert "missing field 'travel'" in _error(raw)

    @pytest.mark.parametrize(
        ("travel", "expected"),
        [
            ({}, "give either minutes_per_visit"),
            (
                {"minutes_per_visit": 5, "area": {"centre": {"lat": 55, "lon": 13}}},
                "give either minutes_per_visit",
            ),
            ({"minutes_per_visit": 5, "speed_kmh": 30}, "travel.speed_kmh: only used with"),
            ({"minutes_per_visit": -1}, "travel.minutes_per_visit: must be at least 0"),
            ({"area": {"centre": {"lat": 55, "lon": 13}}}, "missing field 'radius_km'"),
            (
                {"area": {"centre": {"lat": 95, "lon": 13}, "radius_km": 5}},
                "travel.area.centre.lat: must be at most 89",
            ),
            (
                {"area": {"centre": {"lat": 55, "lon": 13}, "radius_km": 5}, "road_factor": 0.8},
                "travel.road_factor: must be at least 1",
            ),
        ],
    )
    def test_travel(self, travel: dict[str, Any], expected: str) -> None:
        raw = with_visits()
        raw["travel"] = travel
        assert expected in _error(raw)

    @pytest.mark.parametrize(
        ("change", "expected"),
        [
            ({"start": "7:00"}, "shifts[0] 'day'.start: expected a time as \"HH:MM\""),
            ({"end": "25:00"}, "is not a time of day"),
            ({"end": "07:00"}, "starts and ends at the same time"),
            ({"minutes": 600}, "minutes: must be at most 540"),
            ({"count": -1}, "count: -1 is out of range"),
            ({"days": ["mon", "funday"]}, "days[1]: 'funday' is not a weekday"),
            ({"shift": "day"}, "unknown field 'shift'"),
        ],
    )
    def test_shifts(self, change: dict[str, Any], expected: str) -> None:
        raw = with_visits()
        raw["shifts"][0].update(change)
        assert expected in _error(raw)

    def test_yaml_syntax_error_gives_the_line(self) -> None:
        with pytest.raises(ScenarioError, match=r"not valid YAML.*line 2, column 1"):
            load_scenario("places: 3\n\tname: x\n")

    def test_not_a_mapping(self) -> None:
        with pytest.raises(ScenarioError, match="scenario: expected a mapping of fields, got list"):
            load_scenario("- 1\n- 2\n")
        with pytest.raises(ScenarioError, match="got nothing"):
            load_scenario("")

    def test_not_utf8(self) -> None:
        with pytest.raises(ScenarioError, match="not UTF-8"):
            load_scenario(b"places: \xff\n")


class TestTravel:
    CENTRE = Point(55.589, 12.995)

    def test_points_lie_in_the_disc(self) -> None:
        import random

        rng = random.Random(5)
        for _ in range(2000):
            p = random_point_in_disc(self.CENTRE, 8.0, rng)
            assert great_circle_km(self.CENTRE, p) <= 8.0 * 1.001

    def test_mean_leg_by_straight_lines(self) -> None:
        class KmPerMinute:
            """Straight lines at one kilometre a minute (60 km/h, road factor 1)."""

            def seconds(self, a: Point, b: Point) -> int:
                return round(great_circle_km(a, b) * 60)

        # the mean distance between two random points in a disc is 128 R / (45 π)
        expected = 128 * 10 / (45 * math.pi)  # 9.054 km = 9.054 min
        got = mean_leg_minutes(KmPerMinute(), self.CENTRE, 10.0, 20_000, seed=1)
        assert got == pytest.approx(expected, rel=0.01)

    def test_mean_leg_uses_the_planners_model(self) -> None:
        settings = TravelSettings(speed_kmh=40, road_factor=1.3)
        exact = 128 * 8 / (45 * math.pi) * 1.3 / 40 * 60  # 14.13 min before rounding up
        got = mean_leg_minutes(GreatCircleTravel(settings), self.CENTRE, 8.0, 20_000, seed=1)
        # the planner rounds each leg up to a whole minute: on average about half a minute
        assert exact * 0.99 < got < exact * 1.01 + 1

    def test_derived_travel_in_a_scenario(self) -> None:
        raw = with_visits()
        raw["travel"] = {
            "area": {"centre": {"lat": 55.589, "lon": 12.995}, "radius_km": 8},
            "speed_kmh": 40,
            "road_factor": 1.3,
            "samples": 5000,
        }
        travel = parse_scenario(raw).travel
        assert travel is not None
        assert travel.area is not None
        assert 14 < travel.minutes_per_visit < 15.5
        assert travel.area.travel == TravelSettings(speed_kmh=40, road_factor=1.3)
