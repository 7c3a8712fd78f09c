"""Schedule expansion: a care-plan activity and a date → the home visits of that day.

Pure: no SQLAlchemy, no FastAPI. Every window is where the visit must *start* (as in the
planning format), computed in local wall-clock time (Europe/Stockholm) and returned in UTC.
Day 1 is the day the patient went home (the episode's start date).

| schedule                 | visits on a day                                              |
| ------------------------ | ------------------------------------------------------------ |
| ``daily HH:MM[ HH:MM…]`` | one per time, ±30 min                                         |
| ``daily``                | one, in the daytime window 08:00–16:00                       |
| ``N times a day``        | N, spread evenly over 08:00–20:00 (3 → 08, 14, 20), ±30 min  |
| ``every N hours``        | from 08:00 on day 1, every N hours (wall clock), ±30 min     |
| ``day N[,M…]``           | one on day N (and M…), in the daytime window                 |
| ``weekdays[ HH:MM…]``    | Monday–Friday: one per time ±30 min, or one in the daytime    |
| ``once``                 | one on day 1, in the daytime window                          |
| ``as needed``            | none (an ad-hoc visit is added when needed)                  |

**Medication times.** An activity with a ``medication_route`` (the OPAT pathway's
``iv_antibiotics``: ``iv``) gives the episode's medication of that route: its visits follow
the active medications of that route given by staff (``dose_schedule``), e.g.
``08:00 16:00 24:00`` → visits at 08:00 and 16:00 ±30 min and at 00:00–00:30, instead of
the activity's own ``3 times a day``. **24:00** is midnight at the *end* of the day it is
written for: its visit is planned at 00:00 of the *next* date (00:00–00:30), once, never
crossing a date (a window 23:30–24:00 would need a shift past 24:00); on day 1 there is no
00:00 visit (that dose was the day before, in hospital), and the course's last 24:00 dose is
the next date's 00:00 visit.

Only activities in the ``home`` setting done by staff become visits: digital contacts and
what the patient or next of kin do themselves do not. Windows are clipped to the day
(00:00–24:00), so a visit belongs to exactly one date. Two windows closer than an hour
narrow to half their distance so they never overlap.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from samband.pathways.definition import Activity

LOCAL = ZoneInfo("Europe/Stockholm")
DAY = 24 * 60
HALF_WIDTH = 30  # minutes either side of a fixed time
DAYTIME = (8 * 60, 16 * 60)  # the window of a visit with no time of its own
SPREAD = (8 * 60, 20 * 60)  # "N times a day" spreads its visits over these hours
FIRST_DOSE = 8 * 60  # "every N hours" starts at 08:00 on day 1
NOT_STAFF = frozenset({"patient", "next_of_kin"})

_DAILY_TIMES = re.compile(r"^daily((?: \d{2}:\d{2})+)$")
_TIMES_A_DAY = re.compile(r"^(\d+) times a day$")
_EVERY = re.compile(r"^every (\d+) hours$")
_DAYS = re.compile(r"^day (\d+(?:,\d+)*)$")
_WEEKDAYS = re.compile(r"^weekdays((?: \d{2}:\d{2})*)$")
_TIME_LIST = re.compile(r"^\d{2}:\d{2}(?:[ ,]+\d{2}:\d{2})*$")


class ScheduleError(ValueError):
    """A schedule this module does not understand (the pathway validator should stop it)."""


@dataclass(frozen=True)
class PlannedVisit:
    """One visit of one activity on one day; (activity_key, occurrence) is unique per day."""

    activity_key: str
    occurrence: int  # 0, 1, … in the order of the day
    what: str
    window_start: datetime  # UTC
    window_end: datetime  # UTC
    duration_min: int
    skills: tuple[str, ...]
    role: str
    organisation_kind: str
    medication_route: str | None = None


@dataclass(frozen=True)
class Dose:
    """A medication of the episode's list, as far as the visit schedule reads it."""

    route: str
    schedule: str  # e.g. "08:00 16:00 24:00" or "3 times a day"
    given_by: str  # patient | next_of_kin | a staff role
    active: bool = True
    start_date: date | None = None
    days: int | None = None


def gives_on(dose: Dose, day: date, start: date) -> bool:
    """Whether the medication is given on ``day`` (its course from its start date, else
    the episode's day 1, for ``days`` days)."""
    first = dose.start_date or start
    if not dose.active or day < first:
        return False
    return dose.days is None or day < first + timedelta(days=dose.days)


def medication_schedule(text: str) -> str | None:
    """A medication's schedule as an activity schedule: a list of times ("08:00 16:00
    24:00") → "daily 08:00 16:00 24:00"; a schedule this module understands as it is; None
    for free text it does not."""
    text = " ".join(text.strip().split())
    if _TIME_LIST.match(text):
        return "daily " + " ".join(re.split(r"[ ,]+", text))
    try:
        windows(text, date(2000, 1, 1), date(2000, 1, 1))
    except (ScheduleError, ValueError):
        return None
    return text


def dose_schedule(
    own: str,
    route: str | None,
    doses: Sequence[Dose],
    day: date,
    start: date,
    *,
    as_written: bool = False,
) -> str | None:
    """The schedule an activity (its ``own`` schedule, its ``medication_route``) follows on
    ``day`` of an episode that started on ``start`` (None: no visits that day).

    An activity without ``medication_route``: its own schedule. One with it: the times of
    the episode's medications of that route given by staff (several: their times together)
    on that day; none given that day although the list has some of that route (the course
    ended, or not begun): None; the list has none of that route, or only schedules this
    module does not understand: the activity's own schedule.

    A dose at 24:00 is given at the end of the day it is written for: its visit is planned
    at 00:00 of the next date (00:00–00:30), so it is planned once and its window never
    crosses a date; a visit starting 23:30–24:00 could never be made in a shift that ends at
    24:00. ``as_written`` (the patient's copy): the times as the prescription says them,
    24:00 on the day it belongs to, as the patient reads it."""
    if not route:
        return own
    ours = [
        (d, converted)
        for d in doses
        if d.route == route
        and d.given_by not in NOT_STAFF
        and (converted := medication_schedule(d.schedule)) is not None
    ]
    if not [d for d in doses if d.route == route and d.given_by not in NOT_STAFF]:
        return own
    if not ours:
        return own
    times: set[str] = set()
    other: str | None = None
    yesterday = day - timedelta(days=1)
    for dose, converted in ours:
        if converted.startswith("daily ") and _TIME_LIST.match(converted[6:]):
            written = converted[6:].split()
            if gives_on(dose, day, start):
                times.update(t for t in written if as_written or t != "24:00")
            if not as_written and "24:00" in written and gives_on(dose, yesterday, start):
                times.add("00:00")  # yesterday's 24:00 dose
        elif other is None and gives_on(dose, day, start):
            other = converted
    if times:
        return "daily " + " ".join(sorted(times))
    return other


def becomes_visits(activity: Activity) -> bool:
    """Whether staff go to the patient's home for this activity."""
    return activity.setting == "home" and activity.role not in NOT_STAFF


def episode_day(day: date, start: date) -> int:
    """Day 1 is the start date."""
    return (day - start).days + 1


def windows(schedule: str, day: date, start: date) -> list[tuple[int, int]]:
    """The start windows (minutes after local midnight, inclusive) of a schedule on a day."""
    n = episode_day(day, start)
    if n < 1:
        return []
    schedule = schedule.strip()
    if schedule in ("as needed",):
        return []
    if schedule == "once":
        return [DAYTIME] if n == 1 else []
    if schedule == "daily":
        return [DAYTIME]
    if m := _DAILY_TIMES.match(schedule):
        return _around(_clock_times(m.group(1)))
    if m := _TIMES_A_DAY.match(schedule):
        count = int(m.group(1))
        if count < 1:
            return []
        if count == 1:
            return [DAYTIME]
        lo, hi = SPREAD
        step = (hi - lo) / (count - 1)
        return _around([round(lo + i * step) for i in range(count)])
    if m := _EVERY.match(schedule):
        hours = int(m.group(1))
        if hours < 1:
            raise ScheduleError(f"schedule {schedule!r}: the interval must be at least 1 hour")
        day_start, day_end = (n - 1) * DAY, n * DAY
        first = FIRST_DOSE
        k = max(0, -(-(day_start - first) // (hours * 60)))  # first dose on or after this day
        times = []
        while (t := first + k * hours * 60) < day_end:
            times.append(t - day_start)
            k += 1
        return _around(times)
    if m := _DAYS.match(schedule):
        days = {int(d) for d in m.group(1).split(",")}
        return [DAYTIME] if n in days else []
    if m := _WEEKDAYS.match(schedule):
        if day.weekday() >= 5:
            return []
        return _around(_clock_times(m.group(1))) if m.group(1) else [DAYTIME]
    raise ScheduleError(
        f"schedule {schedule!r} is not understood; write e.g. 'daily 08:00', '3 times a day', "
        "'every 8 hours', 'day 3', 'weekdays', 'once' or 'as needed'"
    )


IV_SKILL = "iv_therapy"


def medication_route_of(route: str | None, skills: Sequence[str] | None) -> str | None:
    """The route of the medication an activity gives: its own ``medication_route``; an
    activity written before it existed (care plans older than migration 0014) that needs
    the IV skill gives IV medication, so its times come from the IV medication list too."""
    if route:
        return route
    return "iv" if skills and IV_SKILL in skills else None


def expand(
    activity: Activity, day: date, start: date, doses: Sequence[Dose] = ()
) -> list[PlannedVisit]:
    """The visits this activity asks for on ``day`` of an episode that started on ``start``
    (``doses``: the episode's medication list, for an activity that gives a medication)."""
    if not becomes_visits(activity):
        return []
    route = medication_route_of(
        getattr(activity, "medication_route", None), getattr(activity, "skills", ())
    )
    followed = dose_schedule(activity.schedule, route, doses, day, start)
    if followed is None:
        return []
    return [
        PlannedVisit(
            activity_key=activity.key,
            occurrence=i,
            what=activity.what,
            window_start=local_to_utc(day, lo),
            window_end=local_to_utc(day, hi),
            duration_min=activity.duration_min,
            skills=tuple(sorted(set(activity.skills))),
            role=activity.role,
            organisation_kind=activity.organisation_kind,
            medication_route=route,
        )
        for i, (lo, hi) in enumerate(windows(followed, day, start))
    ]


def local_to_utc(day: date, minutes: int) -> datetime:
    """Minutes after local midnight of ``day`` (0..1440, wall clock) → an aware UTC datetime."""
    # wall-clock arithmetic on the naive time, so a DST change keeps "08:00" at 08:00
    naive = datetime.combine(day, time(0)) + timedelta(minutes=minutes)
    return naive.replace(tzinfo=LOCAL).astimezone(UTC)


def utc_to_minutes(day: date, moment: datetime, *, round_up: bool) -> int:
    """An aware datetime → minutes after local midnight of ``day``, clipped to 0..1440."""
    local = moment.astimezone(LOCAL)
    if local.date() < day:
        return 0
    if local.date() > day:
        return DAY
    minutes = local.hour * 60 + local.minute
    if round_up and (local.second or local.microsecond):
        minutes += 1
    return min(minutes, DAY)


def clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _clock_times(text: str) -> list[int]:
    times = []
    for part in text.split():
        hours, minutes = (int(x) for x in part.split(":"))
        if (hours > 23 or minutes > 59) and part != "24:00":
            raise ScheduleError(f"{part!r} is not a time of day (00:00 to 24:00)")
        times.append(hours * 60 + minutes)
    return sorted(set(times))


def _around(times: list[int]) -> list[tuple[int, int]]:
    """±30 min around each time, narrowed so neighbours never overlap, clipped to the day."""
    times = sorted(set(times))
    result = []
    for i, t in enumerate(times):
        before = HALF_WIDTH if i == 0 else min(HALF_WIDTH, (t - times[i - 1] - 1) // 2)
        after = HALF_WIDTH if i == len(times) - 1 else min(HALF_WIDTH, (times[i + 1] - t - 1) // 2)
        result.append((max(0, t - before), min(DAY, t + after)))
    return result
