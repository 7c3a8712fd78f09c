"""The pure rules of lag (2017:612) (samband.coordination.deadlines): the notice due 24 elapsed
hours after admission, the SIP invitation 3 Stockholm calendar days after discharge, the days
past ready for discharge, and the order of the steps."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from samband.coordination import deadlines as rules
from samband.coordination.deadlines import StayFacts
from samband.kit.time import STOCKHOLM


def local(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=STOCKHOLM).astimezone(UTC)


ADMITTED = local(2025, 3, 10, 14, 0)


class TestNotice:
    def test_due_exactly_24_hours_after_admission(self) -> None:
        assert rules.notice_due(ADMITTED) == ADMITTED + timedelta(hours=24)

    def test_at_exactly_24_hours_it_is_not_overdue_a_second_later_it_is(self) -> None:
        facts = StayFacts(admitted_at=ADMITTED)
        due = ADMITTED + timedelta(hours=24)
        assert not rules.deadlines(facts, due).notice_overdue
        assert rules.deadlines(facts, due + timedelta(seconds=1)).notice_overdue

    def test_sent_at_exactly_24_hours_is_in_time(self) -> None:
        due = ADMITTED + timedelta(hours=24)
        sent = rules.deadlines(
            StayFacts(admitted_at=ADMITTED, notice_sent_at=due), due + timedelta(days=5)
        )
        assert not sent.notice_overdue
        assert not sent.notice_late
        late = rules.deadlines(
            StayFacts(admitted_at=ADMITTED, notice_sent_at=due + timedelta(minutes=1)),
            due + timedelta(days=5),
        )
        assert late.notice_late
        assert not late.notice_overdue

    def test_summer_time_starts_24_elapsed_hours_not_the_same_clock_time(self) -> None:
        # the night of 29-30 March 2025 has 23 hours in Stockholm: 12:00 CET + 24 h is
        # 13:00 CEST the next day
        admitted = local(2025, 3, 29, 12, 0)
        due = rules.notice_due(admitted).astimezone(STOCKHOLM)
        assert (due.date(), due.hour, due.minute) == (date(2025, 3, 30), 13, 0)

    def test_summer_time_ends_24_elapsed_hours(self) -> None:
        # the night of 25-26 October 2025 has 25 hours: 12:00 CEST + 24 h is 11:00 CET
        admitted = local(2025, 10, 25, 12, 0)
        due = rules.notice_due(admitted).astimezone(STOCKHOLM)
        assert (due.date(), due.hour) == (date(2025, 10, 26), 11)


class TestSip:
    def test_due_three_calendar_days_after_discharge_at_the_same_time(self) -> None:
        discharged = local(2025, 3, 12, 10, 30)
        assert rules.sip_due(discharged) == local(2025, 3, 15, 10, 30)

    def test_over_the_start_of_summer_time_71_hours(self) -> None:
        discharged = local(2025, 3, 28, 9, 0)
        due = rules.sip_due(discharged)
        assert due == local(2025, 3, 31, 9, 0)
        assert due - discharged == timedelta(hours=71)

    def test_over_the_end_of_summer_time_73_hours(self) -> None:
        discharged = local(2025, 10, 24, 9, 0)
        assert rules.sip_due(discharged) - discharged == timedelta(hours=73)

    def test_overdue_only_when_needed_and_not_invited(self) -> None:
        discharged = local(2025, 3, 12, 10, 0)
        after = local(2025, 3, 15, 10, 1)
        at_due = local(2025, 3, 15, 10, 0)
        needed = StayFacts(admitted_at=ADMITTED, discharged_at=discharged, sip_needed=True)
        assert rules.deadlines(needed, after).sip_overdue
        assert not rules.deadlines(needed, at_due).sip_overdue
        not_needed = StayFacts(admitted_at=ADMITTED, discharged_at=discharged, sip_needed=False)
        result = rules.deadlines(not_needed, after)
        assert not result.sip_overdue
        assert result.sip_due_at is None
        invited = StayFacts(
            admitted_at=ADMITTED,
            discharged_at=discharged,
            sip_needed=True,
            sip_invited_at=local(2025, 3, 13, 9, 0),
        )
        assert not rules.deadlines(invited, after).sip_overdue
        assert not rules.deadlines(invited, after).sip_late

    def test_open_while_an_invitation_is_due(self) -> None:
        discharged = local(2025, 3, 12, 10, 0)
        assert rules.is_open(StayFacts(admitted_at=ADMITTED))
        assert rules.is_open(
            StayFacts(admitted_at=ADMITTED, discharged_at=discharged, sip_needed=True)
        )
        assert not rules.is_open(
            StayFacts(admitted_at=ADMITTED, discharged_at=discharged, sip_needed=False)
        )


class TestDaysPastReady:
    def test_whole_days_to_the_discharge_date(self) -> None:
        # ready on the 10th, discharged late on the 12th: 2 days, whatever the hour
        assert (
            rules.days_past_ready(date(2025, 3, 10), local(2025, 3, 12, 23, 30), date(2025, 4, 1))
            == 2
        )

    def test_today_while_in_hospital(self) -> None:
        assert rules.days_past_ready(date(2025, 3, 10), None, date(2025, 3, 13)) == 3
        assert rules.days_past_ready(date(2025, 3, 10), None, date(2025, 3, 10)) == 0

    def test_the_discharge_date_is_the_stockholm_date(self) -> None:
        # 00:30 Stockholm on the 12th is 23:30 UTC on the 11th
        at = local(2025, 3, 12, 0, 30)
        assert at.date() == date(2025, 3, 11)
        assert rules.days_past_ready(date(2025, 3, 10), at, date(2025, 4, 1)) == 2

    def test_none_without_a_ready_date(self) -> None:
        assert rules.days_past_ready(None, None, date(2025, 3, 10)) is None

    @given(
        ready=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
        today=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    )
    def test_never_negative_and_the_difference_when_after(self, ready: date, today: date) -> None:
        days = rules.days_past_ready(ready, None, today)
        assert days is not None
        assert days >= 0
        assert days == max(0, (today - ready).days)


class TestOrder:
    def codes(self, found: list[object]) -> list[str]:
        return [p.code for p in found]  # type: ignore[attr-defined]

    def test_admission_in_the_future_and_expected_before_admission(self) -> None:
        now = ADMITTED
        assert not rules.admission_problems(
            admitted_at=now + timedelta(minutes=4), expected_discharge_on=None, now=now
        )
        found = rules.admission_problems(
            admitted_at=now + timedelta(hours=1),
            expected_discharge_on=date(2025, 3, 1),
            now=now,
        )
        assert self.codes(found) == [
            "coordination.admitted_in_future",
            "coordination.expected_before_admission",
        ]
        assert found[0].field == "admitted_at"

    def test_ready_not_before_admission_nor_after_today(self) -> None:
        facts = StayFacts(admitted_at=ADMITTED)
        assert not rules.ready_problems(facts, ready_on=date(2025, 3, 10), today=date(2025, 3, 11))
        assert self.codes(
            rules.ready_problems(facts, ready_on=date(2025, 3, 9), today=date(2025, 3, 11))
        ) == ["coordination.ready_before_admission"]
        assert self.codes(
            rules.ready_problems(facts, ready_on=date(2025, 3, 12), today=date(2025, 3, 11))
        ) == ["coordination.ready_in_future"]

    def test_discharge_not_before_admission_nor_ready(self) -> None:
        facts = StayFacts(admitted_at=ADMITTED, ready_on=date(2025, 3, 12))
        now = local(2025, 3, 20, 8)
        assert self.codes(
            rules.discharge_problems(facts, at=ADMITTED - timedelta(hours=1), now=now)
        ) == ["coordination.discharge_before_admission", "coordination.discharge_before_ready"]
        assert self.codes(
            rules.discharge_problems(facts, at=now + timedelta(hours=2), now=now)
        ) == ["coordination.discharge_in_future"]
        assert not rules.discharge_problems(facts, at=local(2025, 3, 12, 9), now=now)

    def test_a_closed_stay_and_a_second_notice_are_conflicts(self) -> None:
        closed = StayFacts(admitted_at=ADMITTED, discharged_at=local(2025, 3, 12, 9))
        for found in (
            rules.ready_problems(closed, ready_on=date(2025, 3, 11), today=date(2025, 3, 20)),
            rules.discharge_problems(closed, at=local(2025, 3, 13, 9), now=local(2025, 3, 20, 9)),
        ):
            assert self.codes(found) == ["coordination.stay_closed"]
            assert found[0].code in rules.CONFLICTS
        sent = StayFacts(admitted_at=ADMITTED, notice_sent_at=ADMITTED)
        assert self.codes(rules.notice_problems(sent)) == ["coordination.notice_already_sent"]

    def test_sip_only_after_a_discharge_that_needs_one_and_once(self) -> None:
        discharged = local(2025, 3, 12, 9)
        assert self.codes(rules.sip_problems(StayFacts(admitted_at=ADMITTED), meeting_at=None)) == [
            "coordination.sip_before_discharge"
        ]
        no = StayFacts(admitted_at=ADMITTED, discharged_at=discharged, sip_needed=False)
        assert self.codes(rules.sip_problems(no, meeting_at=None)) == ["coordination.no_sip_needed"]
        yes = StayFacts(admitted_at=ADMITTED, discharged_at=discharged, sip_needed=True)
        assert not rules.sip_problems(yes, meeting_at=discharged + timedelta(days=2))
        assert self.codes(rules.sip_problems(yes, meeting_at=discharged - timedelta(days=1))) == [
            "coordination.sip_meeting_before_discharge"
        ]
        done = StayFacts(
            admitted_at=ADMITTED,
            discharged_at=discharged,
            sip_needed=True,
            sip_invited_at=discharged,
        )
        assert self.codes(rules.sip_problems(done, meeting_at=None)) == [
            "coordination.sip_already_invited"
        ]
