"""Sample orders from a care plan: which days an activity with ``samples`` orders them.
Pure: no database, no web.

Day 1 is the day the patient went home (as for the visits, ``visits/schedule.py``).

| schedule | sample orders |
| --- | --- |
| ``day N[,M…]`` | on day N (and M…) |
| ``once`` | on day 1 |
| ``daily`` (with or without times) | every day from day 1 to ``DAILY_DAYS`` |

Other schedules ("3 times a day", "every 8 hours", "weekdays", "as needed") order no samples:
the care plan refuses them on an activity with samples.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

DAILY_DAYS = 14  # "daily" orders samples for the first two weeks (a new plan version: more)
MAX_DAY = 90
_DAYS = re.compile(r"^day (\d+(?:,\d+)*)$")
_DAILY = re.compile(r"^daily(?: \d{2}:\d{2})*$")


@dataclass(frozen=True)
class Planned:
    activity_key: str
    day: int
    tests: tuple[str, ...]


def order_days(schedule: str) -> list[int] | None:
    """The episode days a schedule orders samples on; None: not a schedule for samples."""
    schedule = " ".join(schedule.split())
    if schedule == "once":
        return [1]
    if _DAILY.match(schedule):
        return list(range(1, DAILY_DAYS + 1))
    found = _DAYS.match(schedule)
    if found:
        days = sorted({int(d) for d in found.group(1).split(",")})
        if days and 1 <= days[0] and days[-1] <= MAX_DAY:
            return days
    return None


def planned(activities: Sequence[Mapping[str, Any]]) -> list[Planned]:
    """The sample orders a plan's activities make (activities without samples make none;
    a schedule that orders none is left out: the plan's validation refuses it)."""
    from samband.labresults import loinc

    out: list[Planned] = []
    for activity in activities:
        samples = activity.get("samples") or []
        if not samples:
            continue
        days = order_days(str(activity.get("schedule", "")))
        if days is None:
            continue
        try:
            tests = tuple(loinc.expand(samples))
        except loinc.UnknownTest:
            continue
        out += [Planned(str(activity["key"]), day, tests) for day in days]
    return out


def due_date(start: date, day: int) -> date:
    return start + timedelta(days=day - 1)


def day_of(start: date, due: date) -> int:
    return (due - start).days + 1
