from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samband.simulation.erlang import erlang_b
from samband.simulation.model import simulate
from samband.simulation.scenario import parse_scenario
from tests.simulation.helpers import loss_system, with_visits


class TestLossSystem:
    """Exponential stays and no visits: M/M/c/c, whose share turned away is Erlang-B."""

    def test_turned_away_share_agrees_with_erlang_b(self) -> None:
        # c = 10 places, a = 8 a day × 1 day = 8 erlangs: B(10, 8) = 0.1217
        scenario = parse_scenario(
            loss_system(places=10, arrivals_per_day=8, mean_days=1, horizon_days=1000,
                        warmup_days=10, replications=10, seed=2024)
        )  # fmt: skip
        result = simulate(scenario)
        turned = result.metrics()["turned_away_share"]
        assert result.erlang_b == pytest.approx(0.12166, abs=1e-5)
        assert turned.low is not None
        assert turned.high is not None
        assert turned.low <= result.erlang_b <= turned.high
        # and the interval is narrow enough to mean something: 9 places would give 0.172
        assert turned.high - turned.low < 0.015
        assert erlang_b(9, 8.0) > turned.high

    def test_occupancy_is_the_carried_load(self) -> None:
        # carried load a · (1 − B) = 8 · 0.8783 = 7.03 of 10 places
        scenario = parse_scenario(loss_system(horizon_days=1000, replications=10, seed=11))
        occupancy = simulate(scenario).metrics()["occupancy"]
        assert occupancy.contains(8 * (1 - erlang_b(10, 8.0)) / 10)

    def test_lognormal_stays_agree_too(self) -> None:
        # Erlang-B is insensitive to the distribution of stays (M/G/c/c)
        raw = loss_system(places=6, arrivals_per_day=2, horizon_days=1500, replications=8, seed=5)
        raw["pathways"][0]["length_of_stay"] = {
            "distribution": "lognormal",
            "median_days": 2,
            "sigma": 0.8,
        }
        scenario = parse_scenario(raw)
        result = simulate(scenario)
        assert result.offered_load == pytest.approx(2 * 2 * 1.377128, rel=1e-5)
        assert result.metrics()["turned_away_share"].contains(result.erlang_b)


class TestInvariants:
    def test_arrivals_are_admitted_or_turned_away(self) -> None:
        raw = loss_system(places=3, arrivals_per_day=2, mean_days=3, replications=4)
        raw["pathways"].append(
            {
                "name": "copd",
                "arrivals_per_day": 1,
                "length_of_stay": {"distribution": "empirical", "values_days": [1, 5]},
            }
        )
        result = simulate(parse_scenario(raw))
        for r in result.replications:
            assert set(r.arrivals) == {"any", "copd"}
            assert r.total_turned_away > 0
            assert r.admitted > 0
            assert r.admitted + r.total_turned_away == r.total_arrivals
            for name in r.arrivals:
                assert 0 <= r.turned_away[name] <= r.arrivals[name]
        metrics = result.metrics()
        assert metrics["admitted"].mean + metrics["turned_away"].mean == pytest.approx(
            metrics["arrivals"].mean
        )

    @settings(max_examples=25, deadline=None)
    @given(
        places=st.integers(1, 6),
        rate=st.floats(0.2, 6),
        mean=st.floats(0.2, 6),
        seed=st.integers(0, 2**32),
    )
    def test_occupancy_never_above_one(
        self, places: int, rate: float, mean: float, seed: int
    ) -> None:
        scenario = parse_scenario(
            loss_system(places=places, arrivals_per_day=rate, mean_days=mean, horizon_days=40,
                        warmup_days=5, replications=2, seed=seed)
        )  # fmt: skip
        for r in simulate(scenario).replications:
            assert r.max_occupied <= places
            assert 0 <= r.occupancy <= 1 + 1e-12
            assert r.patient_days <= places * r.days + 1e-9

    @settings(max_examples=25, deadline=None)
    @given(
        places=st.integers(1, 8),
        more=st.integers(1, 4),
        rate=st.floats(0.5, 6),
        mean=st.floats(0.3, 5),
        seed=st.integers(0, 2**32),
    )
    def test_more_places_never_turn_away_more(
        self, places: int, more: int, rate: float, mean: float, seed: int
    ) -> None:
        # same seed: the same patients arrive with the same stays (common random numbers)
        scenario = parse_scenario(
            loss_system(places=places, arrivals_per_day=rate, mean_days=mean, horizon_days=60,
                        warmup_days=5, replications=2, seed=seed)
        )  # fmt: skip
        fewer = simulate(scenario)
        larger = simulate(dataclasses.replace(scenario, places=places + more))
        for a, b in zip(fewer.replications, larger.replications, strict=True):
            assert a.arrivals == b.arrivals  # the very same patients
            assert b.total_turned_away <= a.total_turned_away

    def test_the_same_seed_gives_the_same_result(self) -> None:
        scenario = parse_scenario(with_visits())
        assert simulate(scenario) == simulate(scenario)
        other = simulate(scenario, seed=99)
        assert other.replications != simulate(scenario).replications
        reps = simulate(scenario).replications
        assert len({r.total_arrivals for r in reps}) > 1  # independent replications

    def test_replication_i_does_not_depend_on_how_many_are_run(self) -> None:
        scenario = parse_scenario(with_visits(replications=2))
        two = simulate(scenario)
        five = simulate(scenario, replications=5)
        assert len(five.replications) == 5
        assert five.replications[:2] == two.replications


class TestVisitsAndStaff:
    def test_visits_a_day_worked_by_hand(self) -> None:
        # No one is turned away (1000 places). A stay of s days beginning at a uniformly
        # distributed time of day touches floor(u + s) + 1 calendar days: s + 1 on average.
        # So 5 patients a day × (2.5 + 1) days × 2 visits = 35 visits a day.
        raw = with_visits(
            places=1000,
            arrivals_per_day=5,
            stay={"distribution": "empirical", "values_days": [2.5]},
            horizon_days=400,
            replications=8,
        )
        visits = simulate(parse_scenario(raw)).metrics()["visits_per_day"]
        assert visits.contains(35.0)
        assert visits.mean == pytest.approx(35.0, rel=0.03)

    def test_work_is_visits_times_duration_plus_travel(self) -> None:
        raw = with_visits(visit_minutes=[30, 20], travel_minutes=12)
        result = simulate(parse_scenario(raw))
        for r in result.replications:
            (nurse,) = r.roles
            # each visit day: 30 + 20 minutes at the patient and 2 × 12 minutes of travel
            assert nurse.work_minutes == pytest.approx(nurse.visits / 2 * (50 + 24))
            assert nurse.available_minutes == r.days * 2 * 420
            assert nurse.staff_days == r.days * 2
            assert nurse.utilisation == pytest.approx(nurse.work_minutes / (r.days * 840))

    def test_overtime_is_work_beyond_the_days_minutes(self) -> None:
        # one nurse with 1 minute a day: every day is over, so the overtime is exactly the
        # work minus the minutes; the staff member on duty carries all of it
        raw = with_visits(nurses=1, minutes=1, arrivals_per_day=6)
        for r in simulate(parse_scenario(raw)).replications:
            (nurse,) = r.roles
            assert r.days_with_overtime == r.days
            assert nurse.overtime_minutes == pytest.approx(nurse.work_minutes - r.days * 1)
            assert nurse.overtime_minutes_per_staff_day == pytest.approx(
                nurse.overtime_minutes / r.days
            )

    def test_no_overtime_with_ample_staff(self) -> None:
        raw = with_visits(nurses=50)
        result = simulate(parse_scenario(raw))
        metrics = result.metrics()
        assert metrics["overtime_minutes_per_day"].mean == 0
        assert metrics["days_with_overtime_share"].mean == 0
        assert 0 < metrics["utilisation.nurse"].mean < 0.1

    def test_overtime_is_at_least_the_average_excess(self) -> None:
        # Σ max(0, work − available) ≥ max(0, Σ work − Σ available)
        raw = with_visits(nurses=1, minutes=400, arrivals_per_day=4)
        for r in simulate(parse_scenario(raw)).replications:
            (nurse,) = r.roles
            assert nurse.overtime_minutes >= nurse.work_minutes - nurse.available_minutes - 1e-6
            assert nurse.overtime_minutes <= nurse.work_minutes

    def test_a_weekday_without_staff_is_all_overtime(self) -> None:
        raw = with_visits(nurses=10, arrivals_per_day=4, horizon_days=70)
        raw["warmup_days"] = 21  # whole weeks: day 21 is a Monday
        raw["shifts"][0]["days"] = ["mon", "tue", "wed", "thu", "fri", "sat"]
        r = simulate(parse_scenario(raw)).replications[0]
        (nurse,) = r.roles
        assert r.days_with_overtime == 10  # the ten Sundays (ample staff otherwise)
        assert nurse.available_minutes == 60 * 10 * 420
        assert nurse.staff_days == 60 * 10

    def test_to_dict(self) -> None:
        result = simulate(parse_scenario(with_visits(replications=2)))
        out = result.to_dict()
        assert out["replications"] == 2
        assert out["travel_minutes_per_visit"] == 10
        assert set(out["metrics"]) >= {
            "occupancy",
            "turned_away_share",
            "utilisation",
            "utilisation.nurse",
            "overtime_minutes_per_day",
            "overtime_minutes_per_staff_day.nurse",
        }
        assert out["erlang_b"]["places"] == 20
        assert len(out["per_replication"]) == 2
