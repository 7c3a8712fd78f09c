"""The pure alert rules: NEWS2 bands, care-plan limits, scheduled times, escalation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samband.alerts import rules
from samband.alerts.rules import MAX_LEVEL, Kind, Move, Status
from samband.pathways.definition import AlertLimit

STOCKHOLM = ZoneInfo("Europe/Stockholm")


class TestNews2:
    @pytest.mark.parametrize(
        ("risk", "severity"),
        [("high", "high"), ("medium", "medium"), ("low-medium", "medium"), ("low", None)],
    )
    def test_the_bands(self, risk: str, severity: str | None) -> None:
        trigger = rules.news2_trigger(3, risk, {"consciousness": 3}, [])

        assert (trigger.severity if trigger else None) == severity

    def test_the_reason_names_the_scored_parameters_and_what_is_missing(self) -> None:
        trigger = rules.news2_trigger(
            7, "high", {"spo2": 3, "pulse": 0, "respiratory_rate": 3}, ["temperature"]
        )

        assert trigger is not None
        assert trigger.reason == (
            "NEWS2 7 (high): spo2 3, respiratory rate 3; partial, not measured: temperature"
        )


class TestLimits:
    fever = AlertLimit(parameter="temperature", op=">=", value=38.5, severity="high")
    low_spo2 = AlertLimit(parameter="spo2", op="<", value=88, severity="medium")

    def test_a_crossed_limit_is_a_trigger_with_its_severity(self) -> None:
        trigger = rules.limit_trigger(
            {"temperature": 38.5, "spo2": 95}, [self.fever, self.low_spo2]
        )

        assert trigger is not None
        assert (trigger.kind, trigger.severity) == (Kind.LIMIT, "high")
        assert "temperature 38.5 °C ≥ 38.5 °C" in trigger.reason

    def test_the_highest_severity_wins(self) -> None:
        trigger = rules.limit_trigger({"temperature": 39, "spo2": 85}, [self.low_spo2, self.fever])

        assert trigger is not None
        assert trigger.severity == "high"

    def test_nothing_crossed_or_nothing_measured(self) -> None:
        assert rules.limit_trigger({"temperature": 38.4}, [self.fever]) is None
        assert rules.limit_trigger({"pulse": 80}, [self.fever]) is None

    def test_weight_gain_over_the_lowest_earlier_weight(self) -> None:
        assert rules.weight_gain(82.5, [80.0, 81.0]) == 2.5
        assert rules.weight_gain(82.5, []) is None

    def test_weight_gain_needs_its_period(self) -> None:
        with pytest.raises(ValueError, match="within_hours"):
            AlertLimit(parameter="weight_gain", op=">", value=2)


class TestSchedule:
    def test_due_slots_are_local_times_whose_grace_has_passed(self) -> None:
        times, grace = ["08:00", "18:00"], timedelta(minutes=90)
        since = datetime(2030, 3, 4, 6, 0, tzinfo=UTC)  # 07:00 in Stockholm
        now = datetime(2030, 3, 4, 18, 29, tzinfo=UTC)  # 19:29 local: 18:00 + 90 min not yet

        due = rules.due_slots(
            times, grace, STOCKHOLM, since=since, now=now, lookback=timedelta(hours=24)
        )

        assert due == [datetime(2030, 3, 4, 7, 0, tzinfo=UTC)]

    def test_daylight_saving_time(self) -> None:
        # the clocks go forward on 31 March 2030: 08:00 is 07:00 UTC before, 06:00 after
        slots = rules.scheduled_times(
            ["08:00"],
            STOCKHOLM,
            datetime(2030, 3, 30, 0, 0, tzinfo=UTC),
            datetime(2030, 3, 31, 23, 0, tzinfo=UTC),
        )

        assert [s.hour for s in slots] == [7, 6]

    def test_slots_before_the_patient_came_home_are_not_expected(self) -> None:
        since = datetime(2030, 3, 4, 12, 0, tzinfo=UTC)
        now = datetime(2030, 3, 5, 12, 0, tzinfo=UTC)

        due = rules.due_slots(
            ["08:00"],
            timedelta(minutes=60),
            STOCKHOLM,
            since=since,
            now=now,
            lookback=timedelta(hours=48),
        )

        assert due == [datetime(2030, 3, 5, 7, 0, tzinfo=UTC)]

    def test_covered_within_the_grace_time_either_side(self) -> None:
        slot, grace = datetime(2030, 3, 4, 7, 0, tzinfo=UTC), timedelta(minutes=60)

        assert rules.covered(slot, grace, [slot - timedelta(minutes=50)])
        assert rules.covered(slot, grace, [slot + timedelta(minutes=60)])
        assert not rules.covered(slot, grace, [slot + timedelta(minutes=61)])

    def test_previous_slot(self) -> None:
        slot = datetime(2030, 3, 5, 7, 0, tzinfo=UTC)

        assert rules.previous_slot(["08:00", "18:00"], STOCKHOLM, slot) == datetime(
            2030, 3, 4, 17, 0, tzinfo=UTC
        )


class TestLifeCycle:
    def test_the_moves(self) -> None:
        assert rules.allowed_moves(Status.OPEN) == ["acknowledge", "action"]
        assert rules.allowed_moves(Status.ACKNOWLEDGED) == ["action"]
        assert rules.allowed_moves(Status.ACTION_TAKEN) == ["action", "close"]
        assert rules.allowed_moves(Status.CLOSED) == []
        assert Move.CLOSE not in rules.MOVES[Status.OPEN]


class TestEscalation:
    def test_one_level_per_interval_to_the_top(self) -> None:
        start = datetime(2030, 3, 4, 7, 0, tzinfo=UTC)
        interval = timedelta(minutes=15)

        assert rules.catch_up(1, start, start - timedelta(seconds=1), interval) == (1, start)
        assert rules.catch_up(1, start, start, interval) == (2, start + interval)
        assert rules.catch_up(1, start, start + interval, interval) == (3, None)

    @given(
        level=st.integers(min_value=1, max_value=MAX_LEVEL),
        late=st.integers(min_value=0, max_value=10_000),
        minutes=st.integers(min_value=1, max_value=240),
    )
    def test_never_above_the_top_and_never_due_in_the_past(
        self, level: int, late: int, minutes: int
    ) -> None:
        due = datetime(2030, 1, 1, tzinfo=UTC)
        now = due + timedelta(minutes=late)

        reached, next_due = rules.catch_up(level, due, now, timedelta(minutes=minutes))

        assert level <= reached <= MAX_LEVEL
        assert reached > level or level == MAX_LEVEL
        assert (next_due is None) == (reached == MAX_LEVEL)
        assert next_due is None or next_due > now
