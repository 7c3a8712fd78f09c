"""A medication's schedule → the doses to sign, and what is overdue. Pure: no SQLAlchemy,
no FastAPI.

The times and windows are the visit schedule's (``visits.schedule``), so a dose's window is
the window of the visit that gives it: ``08:00 16:00 24:00`` → 08:00 and 16:00 ±30 min and
the 24:00 dose at 00:00–00:30 of the next date (none on day 1: given in hospital);
``3 times a day`` → 08:00, 14:00, 20:00 ±30 min. A dose must be **signed** by the end of
its visit window plus ``SIGN_GRACE`` (the visit itself takes time); not signed by then it is
overdue. A dose with no time of its own (``daily``, ``day 3``) is due at the start of the
daytime window and may be signed until its end (plus the grace).

The time a dose was given: not in the future (``CLOCK_SKEW`` of a phone's clock allowed),
and not before its window opens less ``EARLY_MARGIN``.

As-needed doses (*vid behov*: ``as needed``, ``vid behov``, ``v.b.``) have no times; each
one given is recorded with its indication, and its effect is followed up ``FOLLOWUP``
minutes later (30 for injections and infusions, 60 otherwise; the nurse may set another).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from samband.visits import schedule

SIGN_GRACE = timedelta(minutes=30)
EARLY_MARGIN = timedelta(minutes=60)
CLOCK_SKEW = timedelta(minutes=2)
AS_NEEDED_OLDEST = timedelta(hours=24)  # an as-needed dose recorded afterwards, at most
FOLLOWUP_MINUTES = {"iv": 30, "sc": 30, "im": 30}
FOLLOWUP_DEFAULT = 60
HORIZON_DAYS = 2  # today and tomorrow
STAFF_NOT = schedule.NOT_STAFF  # patient | next_of_kin give it themselves

_AS_NEEDED = re.compile(r"^(as needed|vid behov|v\.?\s?b\.?|prn)$", re.IGNORECASE)
_TIMES_A_DAY = re.compile(r"^(\d+) times a day$")
_EVERY = re.compile(r"^every (\d+) hours$")


@dataclass(frozen=True)
class Order:
    """What the expansion reads of a medication."""

    route: str
    schedule: str
    given_by: str
    active: bool = True
    start_date: date | None = None
    days: int | None = None


@dataclass(frozen=True)
class PlannedDose:
    local_date: date
    due_at: datetime  # UTC
    window_start: datetime  # UTC
    window_end: datetime  # UTC: signed by then, else overdue
    by_staff: bool


def is_as_needed(text: str) -> bool:
    return bool(_AS_NEEDED.match(" ".join(text.strip().split())))


def understood(text: str) -> bool:
    """Whether the schedule gives doses at times (or is as needed)."""
    return is_as_needed(text) or schedule.medication_schedule(text) is not None


def followup_minutes(route: str) -> int:
    return FOLLOWUP_MINUTES.get(route, FOLLOWUP_DEFAULT)


def _times(followed: str, day: date, start: date) -> list[int]:
    """The dose times (minutes after local midnight) a schedule names on a day; [] for a
    schedule with a window but no time of its own."""
    text = followed.strip()
    if text.startswith(("daily ", "weekdays ")):
        return sorted({_minutes(part) for part in text.split()[1:]})
    if m := _TIMES_A_DAY.match(text):
        count = int(m.group(1))
        if count < 2:
            return []
        lo, hi = schedule.SPREAD
        step = (hi - lo) / (count - 1)
        return [round(lo + i * step) for i in range(count)]
    if m := _EVERY.match(text):
        hours = int(m.group(1))
        n = schedule.episode_day(day, start)
        day_start, day_end = (n - 1) * schedule.DAY, n * schedule.DAY
        k = max(0, -(-(day_start - schedule.FIRST_DOSE) // (hours * 60)))
        found = []
        while (t := schedule.FIRST_DOSE + k * hours * 60) < day_end:
            found.append(t - day_start)
            k += 1
        return found
    return []


def _minutes(clock: str) -> int:
    hours, minutes = (int(x) for x in clock.split(":"))
    return hours * 60 + minutes


def planned(order: Order, day: date, start: date) -> list[PlannedDose]:
    """The doses of ``order`` on ``day`` (local) of an episode whose day 1 is ``start``."""
    if not order.active or is_as_needed(order.schedule):
        return []
    by_staff = order.given_by not in STAFF_NOT
    # the visit schedule follows staff-given doses only; a dose the patient takes is
    # expanded the same way, as if staff gave it, and marked not signed by staff
    dose = schedule.Dose(
        route=order.route,
        schedule=order.schedule,
        given_by="registered_nurse",
        active=True,
        start_date=order.start_date,
        days=order.days,
    )
    if schedule.medication_schedule(order.schedule) is None:
        return []
    followed = schedule.dose_schedule("", order.route, [dose], day, start)
    if not followed:
        return []
    try:
        windows = schedule.windows(followed, day, start)
    except (schedule.ScheduleError, ValueError):
        return []
    times = _times(followed, day, start)
    result = []
    for lo, hi in windows:
        due = next((t for t in times if lo <= t <= hi), lo)
        start_at, end_at = schedule.local_to_utc(day, lo), schedule.local_to_utc(day, hi)
        if end_at < start_at:  # a window inside the hour skipped when the clocks go forward
            continue
        # the night the clocks change, a wall-clock time may not exist: kept in its window
        due_at = min(max(schedule.local_to_utc(day, due), start_at), end_at)
        result.append(
            PlannedDose(
                local_date=day,
                due_at=due_at,
                window_start=start_at,
                window_end=end_at + SIGN_GRACE,
                by_staff=by_staff,
            )
        )
    return result


def horizon(today: date, days: int = HORIZON_DAYS) -> list[date]:
    return [today + timedelta(days=i) for i in range(days)]


def planned_for(order: Order, days: Iterable[date], start: date) -> list[PlannedDose]:
    return [d for day in days for d in planned(order, day, start)]


def overdue(window_end: datetime, now: datetime, *, signed: bool, by_staff: bool) -> bool:
    """A staff dose not signed by the end of its window."""
    return by_staff and not signed and now > window_end


def time_given_problem(
    given_at: datetime, now: datetime, window_start: datetime | None
) -> str | None:
    """Why a time given cannot be right (a problem code), or None. ``window_start`` None: an
    as-needed dose (not older than ``AS_NEEDED_OLDEST``)."""
    if given_at > now + CLOCK_SKEW:
        return "medadmin.given_in_future"
    if window_start is None:
        if given_at < now - AS_NEEDED_OLDEST:
            return "medadmin.given_too_long_ago"
        return None
    if given_at < window_start - EARLY_MARGIN:
        return "medadmin.given_before_window"
    return None


def state(*, cancelled: bool, outcome: str | None, by_staff: bool, overdue_now: bool) -> str:
    """A dose's state on the signing list: cancelled | given | not_given | partly_given |
    by_patient | overdue | due."""
    if cancelled:
        return "cancelled"
    if outcome is not None:
        return outcome
    if not by_staff:
        return "by_patient"
    return "overdue" if overdue_now else "due"
