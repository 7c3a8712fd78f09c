"""The on-call roster's time rules (pure): the four slots in Stockholm wall-clock time, the
weekend boundary, midnight, DST, and which entry wins when entries overlap."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from samband.kit.time import STOCKHOLM
from samband.oncall import rules


def local(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=STOCKHOLM)


# 2026-03-02 is a Monday
MON = (2026, 3, 2)


class TestSlotAt:
    def test_a_weekday_is_day_evening_then_night(self) -> None:
        assert rules.slot_at(local(*MON, 6, 59)).slot == rules.WEEKEND  # Monday before 07
        assert rules.slot_at(local(*MON, 7, 0)).slot == rules.WEEKDAY_DAY
        assert rules.slot_at(local(*MON, 15, 59)).slot == rules.WEEKDAY_DAY
        assert rules.slot_at(local(*MON, 16, 0)).slot == rules.WEEKDAY_EVENING
        assert rules.slot_at(local(*MON, 21, 0)).slot == rules.NIGHT

    def test_after_midnight_the_night_belongs_to_the_day_it_began(self) -> None:
        night = rules.slot_at(local(2026, 3, 3, 0, 30))  # Tuesday 00:30
        assert night.slot == rules.NIGHT
        assert night.day == date(2026, 3, 2)
        assert night.start == local(*MON, 21).astimezone(UTC)
        assert night.end == local(2026, 3, 3, 7).astimezone(UTC)

    def test_the_weekend_runs_from_friday_16_to_monday_07(self) -> None:
        assert rules.slot_at(local(2026, 3, 6, 15, 59)).slot == rules.WEEKDAY_DAY
        weekend = rules.slot_at(local(2026, 3, 6, 16, 0))
        assert weekend.slot == rules.WEEKEND
        assert weekend.day == date(2026, 3, 6)  # it belongs to the Friday
        assert weekend.end == local(2026, 3, 9, 7).astimezone(UTC)
        assert rules.slot_at(local(2026, 3, 8, 23, 0)) == weekend
        assert rules.slot_at(local(2026, 3, 9, 6, 59)) == weekend
        assert rules.slot_at(local(2026, 3, 9, 7, 0)).slot == rules.WEEKDAY_DAY
        # Friday morning is still Thursday's night, not the weekend
        assert rules.slot_at(local(2026, 3, 6, 6, 0)).slot == rules.NIGHT

    def test_dst_changes_fall_in_the_weekend_which_is_an_hour_shorter_or_longer(self) -> None:
        normal = rules.slot_at(local(2026, 3, 7, 12))
        spring = rules.slot_at(local(2026, 3, 28, 12))  # clocks forward Sunday 29 March
        autumn = rules.slot_at(local(2026, 10, 24, 12))  # clocks back Sunday 25 October
        assert normal.end - normal.start == timedelta(hours=63)
        assert spring.end - spring.start == timedelta(hours=62)
        assert autumn.end - autumn.start == timedelta(hours=64)
        # the wall clock stays: Monday 07:00 local on both sides of the change
        assert spring.end.astimezone(STOCKHOLM).hour == 7
        assert autumn.end.astimezone(STOCKHOLM).hour == 7
        # the day after a change, the slots are still 07–16 local
        day = rules.slot_at(local(2026, 3, 30, 8))
        assert day.start.astimezone(STOCKHOLM).hour == 7
        assert day.start == datetime(2026, 3, 30, 5, tzinfo=UTC)  # summer time: UTC+2

    def test_a_naive_moment_is_refused(self) -> None:
        import pytest

        with pytest.raises(ValueError, match="time zone"):
            rules.slot_at(datetime(2026, 3, 2, 12))  # noqa: DTZ001

    def test_a_week_is_cut_into_slots_without_holes_or_overlaps(self) -> None:
        start = local(*MON, 7).astimezone(UTC)
        spans = rules.instances(start, start + timedelta(days=7))
        assert [s.slot for s in spans[:3]] == [
            rules.WEEKDAY_DAY,
            rules.WEEKDAY_EVENING,
            rules.NIGHT,
        ]
        assert all(a.end == b.start for a, b in zip(spans, spans[1:], strict=False))
        assert spans[-1].end == start + timedelta(days=7)
        counts = {slot: sum(1 for s in spans if s.slot == slot) for slot in rules.SLOTS}
        assert counts == {
            rules.WEEKDAY_DAY: 5,
            rules.WEEKDAY_EVENING: 4,
            rules.NIGHT: 4,
            rules.WEEKEND: 1,
        }

    def test_next_of_each_gives_the_current_band_and_the_next_of_the_others(self) -> None:
        bands = rules.next_of_each(local(*MON, 17).astimezone(UTC))  # Monday evening
        assert [b.slot for b in bands] == list(rules.SLOTS)
        assert bands[0].day == date(2026, 3, 3)  # the next weekday day: Tuesday
        assert bands[1].day == date(*MON)  # the evening now
        assert bands[3].day == date(2026, 3, 6)  # the coming weekend


@given(st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31)))  # noqa: DTZ001
def test_every_moment_falls_inside_its_slot(naive: datetime) -> None:
    at = naive.replace(tzinfo=UTC)
    instance = rules.slot_at(at)
    assert instance.start <= at < instance.end
    assert rules.slot_at(instance.start) == instance
    assert instance.start.astimezone(STOCKHOLM).date() == instance.day


@dataclass
class E:
    slot: str
    starts_on: date
    ends_on: date | None
    created_at: datetime = field(default_factory=lambda: datetime(2026, 1, 1, tzinfo=UTC))
    id: uuid.UUID = field(default_factory=uuid.uuid4)


class TestWinner:
    night = rules.slot_at(local(*MON, 22))

    def test_a_dated_entry_wins_over_the_weekly_pattern(self) -> None:
        pattern = E(rules.NIGHT, date(2026, 1, 1), None)
        week = E(rules.NIGHT, date(*MON), date(2026, 3, 8))
        assert rules.winner([pattern, week], self.night) is week

    def test_the_shortest_span_wins_then_the_newest(self) -> None:
        week = E(rules.NIGHT, date(*MON), date(2026, 3, 8))
        tonight = E(rules.NIGHT, date(*MON), date(*MON))
        later = E(rules.NIGHT, date(*MON), date(*MON), datetime(2026, 2, 1, tzinfo=UTC))
        assert rules.winner([week, tonight], self.night) is tonight
        assert rules.winner([tonight, later, week], self.night) is later

    def test_an_entry_of_another_slot_or_outside_its_dates_does_not_apply(self) -> None:
        assert rules.winner([E(rules.WEEKDAY_DAY, date(2026, 1, 1), None)], self.night) is None
        assert rules.winner([E(rules.NIGHT, date(2026, 3, 3), None)], self.night) is None
        assert (
            rules.winner([E(rules.NIGHT, date(2026, 1, 1), date(2026, 3, 1))], self.night) is None
        )
        # the night began Monday: an entry ending Monday still covers it after midnight
        ending = E(rules.NIGHT, date(2026, 2, 23), date(*MON))
        assert rules.winner([ending], rules.slot_at(local(2026, 3, 3, 3))) is ending
