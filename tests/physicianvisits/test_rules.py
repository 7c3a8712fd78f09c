"""The slot and review rules (pure): times, weekdays, the booking deadline in Stockholm time
(DST too), the window, the shift a booking makes, and when a review is due."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from samband.kit.time import STOCKHOLM
from samband.physicianvisits import rules

MONDAY = date(2026, 3, 2)


def codes(**changes: object) -> list[str]:
    fields: dict[str, object] = {
        "weekdays": [1, 2, 3, 4, 5],
        "start_time": "11:00",
        "end_time": "12:00",
        "book_by": "08:30",
        "capacity": 1,
        "visit_minutes": 30,
        "valid_from": MONDAY,
        "valid_to": None,
    }
    fields.update(changes)
    return [p.code for p in rules.slot_problems(**fields)]  # type: ignore[arg-type]


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=STOCKHOLM)


class TestSlotProblems:
    def test_a_good_slot_has_none(self) -> None:
        assert codes() == []

    def test_times_must_be_hh_mm(self) -> None:
        for bad in ("11", "11.00", "24:00", "7:00", "11:60", "elva", ""):
            assert codes(start_time=bad) == ["physicianvisit.clock_invalid"], bad
        assert rules.clock_minutes("00:00") == 0
        assert rules.clock_minutes("23:59") == 23 * 60 + 59

    def test_the_end_comes_after_the_start(self) -> None:
        assert codes(end_time="11:00") == ["physicianvisit.end_not_after_start"]
        assert codes(end_time="10:00") == ["physicianvisit.end_not_after_start"]

    def test_booking_closes_at_the_start_at_the_latest(self) -> None:
        assert codes(book_by="11:00") == []
        assert codes(book_by="11:01") == ["physicianvisit.book_by_after_start"]

    def test_weekdays_are_1_to_7_each_once(self) -> None:
        assert codes(weekdays=[]) == ["physicianvisit.weekdays_missing"]
        assert codes(weekdays=[0, 8]) == ["physicianvisit.weekday_invalid"] * 2
        assert codes(weekdays=[1, 1]) == ["physicianvisit.weekday_repeated"]
        assert codes(weekdays=[7]) == []

    def test_capacity_length_and_validity(self) -> None:
        assert codes(capacity=0) == ["physicianvisit.capacity_too_small"]
        assert codes(visit_minutes=4) == ["physicianvisit.visit_minutes_invalid"]
        assert codes(visit_minutes=241) == ["physicianvisit.visit_minutes_invalid"]
        before = MONDAY - timedelta(days=1)
        assert codes(valid_to=before) == ["physicianvisit.valid_to_before_from"]

    def test_every_problem_is_named_with_its_field(self) -> None:
        found = rules.slot_problems(
            weekdays=[9],
            start_time="x",
            end_time="12:00",
            book_by="13:00",
            capacity=0,
            visit_minutes=30,
            valid_from=MONDAY,
            valid_to=None,
        )
        assert [p.field for p in found] == ["weekdays[0]", "start_time", "capacity"]


class TestRunsOn:
    def test_weekdays_and_validity(self) -> None:
        weekdays = [1, 2, 3, 4, 5]
        assert rules.runs_on(weekdays, MONDAY, None, MONDAY)
        assert not rules.runs_on(weekdays, MONDAY, None, MONDAY + timedelta(days=5))  # Saturday
        assert not rules.runs_on(weekdays, MONDAY, None, MONDAY - timedelta(days=7))
        last = MONDAY + timedelta(days=7)
        assert rules.runs_on(weekdays, MONDAY, last, last)
        assert not rules.runs_on(weekdays, MONDAY, last, last + timedelta(days=1))


class TestBookingOpen:
    times = rules.times_of("11:00", "12:00", "08:30")

    def test_open_until_book_by_on_the_day_itself(self) -> None:
        assert rules.booking_open(MONDAY, self.times.book_by, local(MONDAY, 8, 30))
        assert not rules.booking_open(MONDAY, self.times.book_by, local(MONDAY, 8, 31))
        # the evening before: open
        assert rules.booking_open(MONDAY, self.times.book_by, local(MONDAY - timedelta(1), 22))

    def test_a_past_date_is_closed(self) -> None:
        assert not rules.booking_open(MONDAY, 23 * 60, local(MONDAY + timedelta(1), 0, 5))

    def test_the_deadline_is_stockholm_time_in_summer_and_winter(self) -> None:
        winter, summer = date(2026, 1, 12), date(2026, 7, 13)
        assert rules.deadline(winter, 8 * 60 + 30) == datetime(2026, 1, 12, 7, 30, tzinfo=UTC)
        assert rules.deadline(summer, 8 * 60 + 30) == datetime(2026, 7, 13, 6, 30, tzinfo=UTC)

    def test_the_window_keeps_its_wall_clock_across_the_dst_change(self) -> None:
        sunday = date(2026, 3, 29)  # clocks go forward at 02:00
        lo, hi = rules.window(sunday, self.times)
        assert (lo.astimezone(STOCKHOLM).hour, hi.astimezone(STOCKHOLM).hour) == (11, 12)
        assert hi - lo == timedelta(hours=1)


class TestShiftSpan:
    def test_the_margin_before_and_the_last_visit_and_margin_after(self) -> None:
        times = rules.times_of("11:00", "12:00", "08:30")
        assert rules.shift_span(times, 30) == (10 * 60 + 30, 13 * 60)

    def test_it_stays_inside_the_day(self) -> None:
        times = rules.times_of("00:10", "23:50", "00:00")
        assert rules.shift_span(times, 60) == (0, 24 * 60)

    @given(
        start=st.integers(0, 22 * 60),
        length=st.integers(1, 120),
        minutes=st.integers(5, 240),
    )
    def test_the_shift_covers_the_window_and_the_last_visit(
        self, start: int, length: int, minutes: int
    ) -> None:
        end = min(start + length, 24 * 60 - 1)
        times = rules.SlotTimes(start, end, start)
        lo, hi = rules.shift_span(times, minutes)
        assert 0 <= lo <= start
        assert hi >= min(24 * 60, end + minutes)
        assert hi <= 24 * 60


class TestReviews:
    def test_due_on_or_after_next_due_once_a_date(self) -> None:
        assert rules.review_due(MONDAY, MONDAY, [])
        assert rules.review_due(MONDAY, MONDAY + timedelta(days=3), [])
        assert not rules.review_due(MONDAY, MONDAY - timedelta(days=1), [])
        assert not rules.review_due(MONDAY, MONDAY, [MONDAY])

    @given(st.integers(1, 730), st.integers(0, 400))
    def test_the_next_is_due_an_interval_after_the_visit(self, interval: int, late: int) -> None:
        day = MONDAY + timedelta(days=late)
        following = rules.next_due_after(day, interval)
        assert (following - day).days == interval
        assert not rules.review_due(following, day, [])

    def test_free_places(self) -> None:
        assert rules.free_places(2, 0) == 2
        assert rules.free_places(2, 3) == 0
