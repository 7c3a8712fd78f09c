"""The pure dose expansion (medadmin/doses.py): the visit schedule's times and windows, the
24:00 dose, patient-given doses, as-needed schedules, overdue and the time given."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from samband.medadmin import doses
from samband.medadmin.doses import Order
from samband.visits import schedule
from tests.medadmin.helpers import local

START = date(2026, 3, 3)
DAY2 = date(2026, 3, 4)


def times(order: Order, day: date = DAY2) -> list[str]:
    return [
        f"{d.due_at.astimezone(schedule.LOCAL):%H:%M}" for d in doses.planned(order, day, START)
    ]


class TestPlanned:
    def test_three_times_a_day_is_the_visits_08_14_20(self) -> None:
        planned = doses.planned(Order("iv", "3 times a day", "registered_nurse"), DAY2, START)
        assert [f"{d.due_at.astimezone(schedule.LOCAL):%H:%M}" for d in planned] == [
            "08:00",
            "14:00",
            "20:00",
        ]
        first = planned[0]
        assert first.window_start == local(2026, 3, 4, 7, 30)
        assert first.window_end == local(2026, 3, 4, 8, 30) + doses.SIGN_GRACE
        assert all(d.by_staff for d in planned)

    def test_the_24_dose_is_next_midnight_and_not_on_day_one(self) -> None:
        order = Order("iv", "08:00 16:00 24:00", "registered_nurse")
        assert times(order, START) == ["08:00", "16:00"]
        assert times(order, DAY2) == ["00:00", "08:00", "16:00"]

    def test_the_windows_are_the_visit_windows(self) -> None:
        order = Order("iv", "08:00 16:00 24:00", "registered_nurse")
        visit_windows = schedule.windows("daily 00:00 08:00 16:00", DAY2, START)
        planned = doses.planned(order, DAY2, START)
        assert [d.window_start for d in planned] == [
            schedule.local_to_utc(DAY2, lo) for lo, _ in visit_windows
        ]

    def test_given_by_the_patient_is_shown_not_staff(self) -> None:
        planned = doses.planned(Order("oral", "08:00 20:00", "patient"), DAY2, START)
        assert len(planned) == 2
        assert not any(d.by_staff for d in planned)

    def test_as_needed_and_unknown_schedules_give_no_doses(self) -> None:
        for text in ("as needed", "vid behov", "v.b.", "vb", "when it hurts"):
            assert doses.planned(Order("sc", text, "registered_nurse"), DAY2, START) == []
        assert doses.is_as_needed("Vid behov")
        assert not doses.is_as_needed("3 times a day")

    def test_a_stopped_or_ended_course_gives_none(self) -> None:
        assert (
            doses.planned(
                Order("iv", "3 times a day", "registered_nurse", active=False), DAY2, START
            )
            == []
        )
        ended = Order("iv", "3 times a day", "registered_nurse", start_date=START, days=1)
        assert doses.planned(ended, DAY2, START) == []

    @given(
        count=st.integers(min_value=1, max_value=12),
        offset=st.integers(min_value=0, max_value=30),
    )
    def test_every_dose_lies_in_its_window_which_is_on_its_day(
        self, count: int, offset: int
    ) -> None:
        day = START + timedelta(days=offset)
        for order in (
            Order("iv", f"{count} times a day", "registered_nurse"),
            Order("iv", f"every {count} hours", "registered_nurse"),
        ):
            planned = doses.planned(order, day, START)
            for d in planned:
                assert d.window_start <= d.due_at <= d.window_end
                assert d.window_start.astimezone(schedule.LOCAL).date() == day
            dues = [d.due_at for d in planned]
            assert dues == sorted(set(dues))


class TestRules:
    def test_overdue_only_for_unsigned_staff_doses_after_the_window(self) -> None:
        end = local(2026, 3, 4, 9)
        later = end + timedelta(minutes=1)
        assert doses.overdue(end, later, signed=False, by_staff=True)
        assert not doses.overdue(end, end, signed=False, by_staff=True)
        assert not doses.overdue(end, later, signed=True, by_staff=True)
        assert not doses.overdue(end, later, signed=False, by_staff=False)

    def test_the_time_given(self) -> None:
        now = local(2026, 3, 4, 8, 5)
        window = local(2026, 3, 4, 7, 30)
        assert doses.time_given_problem(now, now, window) is None
        assert doses.time_given_problem(now + timedelta(minutes=10), now, window) == (
            "medadmin.given_in_future"
        )
        assert doses.time_given_problem(window - timedelta(minutes=61), now, window) == (
            "medadmin.given_before_window"
        )
        assert doses.time_given_problem(now - timedelta(hours=25), now, None) == (
            "medadmin.given_too_long_ago"
        )

    def test_followup_minutes_by_route(self) -> None:
        assert doses.followup_minutes("sc") == 30
        assert doses.followup_minutes("oral") == 60

    def test_the_state_of_a_dose(self) -> None:
        assert doses.state(cancelled=True, outcome="given", by_staff=True, overdue_now=False) == (
            "cancelled"
        )
        assert doses.state(cancelled=False, outcome=None, by_staff=False, overdue_now=True) == (
            "by_patient"
        )
        assert (
            doses.state(cancelled=False, outcome=None, by_staff=True, overdue_now=True) == "overdue"
        )
