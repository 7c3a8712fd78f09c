"""The deadlines of lag (2017:612) om samverkan vid utskrivning från sluten hälso- och sjukvård,
and the order a hospital stay's steps come in. Pure: no database, no web.

- The admission notice (*inskrivningsmeddelande*) to the municipality and primary care is due
  **24 hours** after admission: 24 elapsed hours, whatever the clock does in between (a night
  when summer time starts or ends included).
- The invitation to a SIP meeting (*samordnad individuell plan*), when one is needed, is due
  **3 days** after discharge: three calendar days in Europe/Stockholm, at the same time of
  day (72 or 71 or 73 hours around a change of summer time).
- The days past *utskrivningsklar* (the municipality's payment responsibility): whole days
  from the ready-for-discharge date to the discharge date (or today, while the patient is
  still in hospital), both Stockholm dates; never negative.

A deadline is passed when the moment is strictly after it: a notice sent at exactly 24 hours
is in time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from samband.kit.errors import Problem, problem
from samband.kit.time import STOCKHOLM, as_utc

NOTICE_WITHIN = timedelta(hours=24)
SIP_WITHIN_DAYS = 3
# how far in the future a time may be given (two clocks never agree to the second)
CLOCK_SKEW = timedelta(minutes=5)

IN_HOSPITAL = "in_hospital"
DISCHARGED = "discharged"


@dataclass(frozen=True)
class StayFacts:
    """What the rules look at: a hospital stay's times (aware datetimes; dates are
    Stockholm dates)."""

    admitted_at: datetime
    notice_sent_at: datetime | None = None
    ready_on: date | None = None
    discharged_at: datetime | None = None
    sip_needed: bool | None = None
    sip_invited_at: datetime | None = None


@dataclass(frozen=True)
class Deadlines:
    notice_due_at: datetime
    notice_overdue: bool  # not sent, and the deadline has passed
    notice_late: bool  # sent, after the deadline
    sip_due_at: datetime | None  # None: no SIP needed (or not discharged yet)
    sip_overdue: bool  # needed, not invited, and the deadline has passed
    sip_late: bool  # invited after the deadline
    days_past_ready: int | None  # None: no ready-for-discharge date

    @property
    def overdue(self) -> bool:
        return self.notice_overdue or self.sip_overdue


def local_date(moment: datetime) -> date:
    """The date in Stockholm of a moment."""
    return as_utc(moment).astimezone(STOCKHOLM).date()


def notice_due(admitted_at: datetime) -> datetime:
    """24 elapsed hours after admission (UTC)."""
    return as_utc(admitted_at) + NOTICE_WITHIN


def sip_due(discharged_at: datetime) -> datetime:
    """Three Stockholm calendar days after discharge, at the same time of day (UTC)."""
    local = as_utc(discharged_at).astimezone(STOCKHOLM)
    wall = local.replace(tzinfo=None) + timedelta(days=SIP_WITHIN_DAYS)
    return wall.replace(tzinfo=STOCKHOLM).astimezone(UTC)


def days_past_ready(
    ready_on: date | None, discharged_at: datetime | None, today: date
) -> int | None:
    """Whole days from the ready date to the discharge date (today while still in hospital);
    never negative. None without a ready date."""
    if ready_on is None:
        return None
    end = local_date(discharged_at) if discharged_at is not None else today
    return max(0, (end - ready_on).days)


def deadlines(facts: StayFacts, now: datetime) -> Deadlines:
    now = as_utc(now)
    due = notice_due(facts.admitted_at)
    sent = as_utc(facts.notice_sent_at) if facts.notice_sent_at else None
    sip_at: datetime | None = None
    sip_overdue = sip_late = False
    if facts.sip_needed and facts.discharged_at is not None:
        sip_at = sip_due(facts.discharged_at)
        invited = as_utc(facts.sip_invited_at) if facts.sip_invited_at else None
        sip_overdue = invited is None and now > sip_at
        sip_late = invited is not None and invited > sip_at
    return Deadlines(
        notice_due_at=due,
        notice_overdue=sent is None and now > due,
        notice_late=sent is not None and sent > due,
        sip_due_at=sip_at,
        sip_overdue=sip_overdue,
        sip_late=sip_late,
        days_past_ready=days_past_ready(facts.ready_on, facts.discharged_at, local_date(now)),
    )


def status(facts: StayFacts) -> str:
    return DISCHARGED if facts.discharged_at is not None else IN_HOSPITAL


def is_open(facts: StayFacts) -> bool:
    """Something is still to be done: the patient is in hospital, or a SIP invitation is
    still to be sent."""
    if facts.discharged_at is None:
        return True
    return bool(facts.sip_needed) and facts.sip_invited_at is None


# -- the order of the steps --------------------------------------------------------------------
# Each check returns every problem found (empty: allowed). The codes in CONFLICTS are about
# the stay's state (409); the others about the values given (422).

CONFLICTS = frozenset(
    {
        "coordination.already_open",
        "coordination.stay_closed",
        "coordination.notice_already_sent",
        "coordination.sip_before_discharge",
        "coordination.no_sip_needed",
        "coordination.sip_already_invited",
    }
)


def admission_problems(
    *, admitted_at: datetime, expected_discharge_on: date | None, now: datetime
) -> list[Problem]:
    found: list[Problem] = []
    if as_utc(admitted_at) > as_utc(now) + CLOCK_SKEW:
        found.append(problem("coordination.admitted_in_future", field="admitted_at"))
    if expected_discharge_on is not None and expected_discharge_on < local_date(admitted_at):
        found.append(
            problem(
                "coordination.expected_before_admission",
                field="expected_discharge_on",
                date=expected_discharge_on,
                admitted=local_date(admitted_at),
            )
        )
    return found


def notice_problems(facts: StayFacts) -> list[Problem]:
    if facts.notice_sent_at is not None:
        return [problem("coordination.notice_already_sent", at=as_utc(facts.notice_sent_at))]
    return []


def ready_problems(facts: StayFacts, *, ready_on: date, today: date) -> list[Problem]:
    if facts.discharged_at is not None:
        return [problem("coordination.stay_closed", at=as_utc(facts.discharged_at))]
    found: list[Problem] = []
    admitted = local_date(facts.admitted_at)
    if ready_on < admitted:
        found.append(
            problem(
                "coordination.ready_before_admission",
                field="date",
                date=ready_on,
                admitted=admitted,
            )
        )
    if ready_on > today:
        found.append(
            problem("coordination.ready_in_future", field="date", date=ready_on, today=today)
        )
    return found


def discharge_problems(facts: StayFacts, *, at: datetime, now: datetime) -> list[Problem]:
    if facts.discharged_at is not None:
        return [problem("coordination.stay_closed", at=as_utc(facts.discharged_at))]
    found: list[Problem] = []
    if as_utc(at) < as_utc(facts.admitted_at):
        found.append(
            problem(
                "coordination.discharge_before_admission",
                field="at",
                at=as_utc(at),
                admitted=as_utc(facts.admitted_at),
            )
        )
    if as_utc(at) > as_utc(now) + CLOCK_SKEW:
        found.append(problem("coordination.discharge_in_future", field="at"))
    if facts.ready_on is not None and local_date(at) < facts.ready_on:
        found.append(
            problem(
                "coordination.discharge_before_ready",
                field="at",
                date=local_date(at),
                ready=facts.ready_on,
            )
        )
    return found


def sip_problems(facts: StayFacts, *, meeting_at: datetime | None) -> list[Problem]:
    if facts.discharged_at is None:
        return [problem("coordination.sip_before_discharge")]
    if not facts.sip_needed:
        return [problem("coordination.no_sip_needed")]
    if facts.sip_invited_at is not None:
        return [problem("coordination.sip_already_invited", at=as_utc(facts.sip_invited_at))]
    if meeting_at is not None and as_utc(meeting_at) < as_utc(facts.discharged_at):
        return [
            problem(
                "coordination.sip_meeting_before_discharge",
                field="meeting_at",
                at=as_utc(meeting_at),
                discharged=as_utc(facts.discharged_at),
            )
        ]
    return []
