"""Schedule expansion: a care-plan activity and a date → that day's home visits."""

from __future__ import annotations

from datetime import UTC, date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samband.pathways.definition import Activity
from samband.visits.schedule import (
    DAY,
    LOCAL,
    ScheduleError,
    expand,
    utc_to_minutes,
    windows,
)

START = date(2026, 11, 23)  # a Monday: day 1


def activity(schedule: str, **fields: object) -> Activity:
    return Activity.model_validate(
        {
            "key": "iv",
            "what": "Give IV antibiotics",
            "organisation_kind": "municipal_home_health_care",
            "role": "registered_nurse",
            "schedule": schedule,
            "duration_min": 30,
            "skills": ["iv_therapy"],
            **fields,
        }
    )


def hhmm(pairs: list[tuple[int, int]]) -> list[tuple[str, str]]:
    return [(f"{a // 60:02d}:{a % 60:02d}", f"{b // 60:02d}:{b % 60:02d}") for a, b in pairs]


class TestWindows:
    @pytest.mark.parametrize(
        ("schedule", "day", "expected"),
        [
            ("daily 08:00", 1, [("07:30", "08:30")]),
            ("daily 08:00 18:00", 4, [("07:30", "08:30"), ("17:30", "18:30")]),
            ("daily 08:00 08:40", 1, [("07:30", "08:19"), ("08:21", "09:10")]),
            ("daily", 2, [("08:00", "16:00")]),
            ("3 times a day", 1, [("07:30", "08:30"), ("13:30", "14:30"), ("19:30", "20:30")]),
            ("2 times a day", 1, [("07:30", "08:30"), ("19:30", "20:30")]),
            ("1 times a day", 1, [("08:00", "16:00")]),
            ("every 8 hours", 1, [("07:30", "08:30"), ("15:30", "16:30")]),
            ("every 8 hours", 2, [("00:00", "00:30"), ("07:30", "08:30"), ("15:30", "16:30")]),
            ("every 12 hours", 3, [("07:30", "08:30"), ("19:30", "20:30")]),
            ("every 48 hours", 2, []),
            ("every 48 hours", 3, [("07:30", "08:30")]),
            ("day 3", 3, [("08:00", "16:00")]),
            ("day 3", 2, []),
            ("day 1,5", 5, [("08:00", "16:00")]),
            ("weekdays", 1, [("08:00", "16:00")]),  # Monday
            ("weekdays 10:00", 6, []),  # Saturday
            ("weekdays 10:00", 5, [("09:30", "10:30")]),  # Friday
            ("once", 1, [("08:00", "16:00")]),
            ("once", 2, []),
            ("as needed", 1, []),
            ("daily 08:00", 0, []),  # before the patient went home
        ],
    )
    def test_schedule_on_a_day(
        self, schedule: str, day: int, expected: list[tuple[str, str]]
    ) -> None:
        on = START + timedelta(days=day - 1)

        assert hhmm(windows(schedule, on, START)) == expected

    def test_an_unknown_schedule_is_an_error_naming_it(self) -> None:
        with pytest.raises(ScheduleError, match="fortnightly"):
            windows("fortnightly", START, START)


class TestExpand:
    def test_visits_carry_the_activity_and_utc_windows(self) -> None:
        visits = expand(activity("3 times a day"), START, START)

        assert [v.occurrence for v in visits] == [0, 1, 2]
        first = visits[0]
        assert first.activity_key == "iv"
        assert first.skills == ("iv_therapy",)
        assert first.role == "registered_nurse"
        assert first.duration_min == 30
        assert first.window_start.tzinfo == UTC
        # 07:30 in Stockholm in November (UTC+1) is 06:30 UTC
        assert (first.window_start.hour, first.window_start.minute) == (6, 30)

    def test_a_fixed_time_stays_at_local_wall_clock_over_dst(self) -> None:
        summer = date(2027, 7, 1)

        visit = expand(activity("daily 08:00"), summer, START)[0]

        assert visit.window_start.astimezone(LOCAL).strftime("%H:%M") == "07:30"

    @pytest.mark.parametrize(
        "fields",
        [{"setting": "digital"}, {"role": "patient"}, {"role": "next_of_kin"}],
    )
    def test_digital_and_self_care_activities_are_no_visits(self, fields: dict[str, str]) -> None:
        assert expand(activity("daily 08:00", **fields), START, START) == []


SCHEDULES = st.one_of(
    st.lists(st.integers(0, 23 * 60 + 59), min_size=1, max_size=6).map(
        lambda ts: "daily " + " ".join(f"{t // 60:02d}:{t % 60:02d}" for t in ts)
    ),
    st.integers(1, 12).map(lambda n: f"{n} times a day"),
    st.integers(1, 72).map(lambda n: f"every {n} hours"),
    st.lists(st.integers(1, 30), min_size=1, max_size=4).map(
        lambda ds: "day " + ",".join(str(d) for d in ds)
    ),
    st.sampled_from(["daily", "once", "as needed", "weekdays", "weekdays 10:00 15:00"]),
)


class TestProperties:
    @given(schedule=SCHEDULES, offset=st.integers(-3, 60), duration=st.integers(1, 480))
    def test_windows_are_ordered_disjoint_and_inside_the_day(
        self, schedule: str, offset: int, duration: int
    ) -> None:
        day = START + timedelta(days=offset)

        visits = expand(activity(schedule, duration_min=duration), day, START)

        previous_end = -1
        for i, visit in enumerate(visits):
            lo = utc_to_minutes(day, visit.window_start, round_up=True)
            hi = utc_to_minutes(day, visit.window_end, round_up=False)
            assert 0 <= lo <= hi <= DAY
            assert lo > previous_end
            assert visit.occurrence == i
            assert visit.duration_min == duration
            previous_end = hi
        if offset < 0:
            assert visits == []

    @given(n=st.integers(1, 12), offset=st.integers(0, 60))
    def test_n_times_a_day_gives_n_visits_every_day(self, n: int, offset: int) -> None:
        day = START + timedelta(days=offset)

        assert len(expand(activity(f"{n} times a day"), day, START)) == n
