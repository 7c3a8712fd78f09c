"""The rules of physician visit slots and planned reviews (pure: no SQLAlchemy, no FastAPI;
decision 0019).

A **slot** is a recurring time a physician (or a whole centre) offers for home visits: on
some ISO weekdays (1 Monday .. 7 Sunday), visits starting between ``start`` and ``end``
(local wall-clock time, e.g. 11:00–12:00), bookable until ``book_by`` the same day (e.g.
08:30), at most ``capacity`` visits a day, from ``valid_from`` to ``valid_to`` (inclusive;
none: until further notice).

- A slot **runs on** a date when the date's weekday is one of its weekdays and the date lies
  in its validity.
- **Booking is open** until ``book_by`` on that date (local time, inclusive); a past date is
  closed.
- A booked visit's **window** is the slot's start–end on that date: the visit starts inside
  it.
- The **shift** a booking makes for a physician who has none that day covers the window with
  ``TRAVEL_MARGIN`` minutes before it (to get there) and the last visit and the same margin
  after it (to get back).
- A **planned review** (a regular visit or a medication review, *läkemedelsgenomgång*) is
  due on a date when its next due date is on or before it; making its visit moves the next
  due date to ``interval_days`` after the visit's date. It is made at most once a date.

Times are wall-clock arithmetic on the naive time, as ``visits/schedule.py`` does, so 11:00
stays 11:00 across a DST change.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from samband.kit.errors import Problem, problem
from samband.kit.time import STOCKHOLM

CLOCK = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")
WEEKDAYS = range(1, 8)  # ISO: 1 Monday .. 7 Sunday
DAY = 24 * 60
TRAVEL_MARGIN = 30  # minutes before a slot and after its last visit, for a shift a booking makes
VISIT_MINUTES = (5, 240)  # how long a booked visit may be
REVIEW_WINDOW = (8 * 60, 16 * 60)  # a planned review's visit: some time during the day
REVIEW_KINDS = ("regular_visit", "medication_review")
# what a visit made here says (the catalogue translates these English texts; a visit's
# ``what`` is shown with the ``activity`` filter, as the care plan's activities are)
WHAT_BOOKED = "Physician home visit (booked)"
WHAT_REVIEW = {
    "regular_visit": "Regular physician visit",
    "medication_review": "Medication review",
}


@dataclass(frozen=True)
class SlotTimes:
    """A slot's times as minutes after local midnight."""

    start: int
    end: int
    book_by: int


def clock_minutes(text: str) -> int | None:
    """ "HH:MM" (00:00–23:59) → minutes after midnight; None when it is not such a time."""
    found = CLOCK.match(text.strip()) if isinstance(text, str) else None
    if found is None:
        return None
    return int(found.group(1)) * 60 + int(found.group(2))


def clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def slot_problems(
    *,
    weekdays: Sequence[int],
    start_time: str,
    end_time: str,
    book_by: str,
    capacity: int,
    visit_minutes: int,
    valid_from: date,
    valid_to: date | None,
) -> list[Problem]:
    """Everything wrong with a slot, each with its field and what is allowed (empty: fine)."""
    found: list[Problem] = []
    if not weekdays:
        found.append(problem("physicianvisit.weekdays_missing", field="weekdays"))
    for i, day in enumerate(weekdays):
        if day not in WEEKDAYS:
            found.append(
                problem("physicianvisit.weekday_invalid", field=f"weekdays[{i}]", value=day)
            )
    if len(set(weekdays)) != len(weekdays):
        found.append(problem("physicianvisit.weekday_repeated", field="weekdays"))
    times: dict[str, int | None] = {}
    for name, text in (("start_time", start_time), ("end_time", end_time), ("book_by", book_by)):
        times[name] = clock_minutes(text)
        if times[name] is None:
            found.append(problem("physicianvisit.clock_invalid", field=name, value=text))
    start, end, by = times["start_time"], times["end_time"], times["book_by"]
    if start is not None and end is not None and end <= start:
        found.append(
            problem(
                "physicianvisit.end_not_after_start",
                field="end_time",
                start=start_time,
                end=end_time,
            )
        )
    if start is not None and by is not None and by > start:
        found.append(
            problem(
                "physicianvisit.book_by_after_start",
                field="book_by",
                book_by=book_by,
                start=start_time,
            )
        )
    if capacity < 1:
        found.append(problem("physicianvisit.capacity_too_small", field="capacity", value=capacity))
    low, high = VISIT_MINUTES
    if not low <= visit_minutes <= high:
        found.append(
            problem(
                "physicianvisit.visit_minutes_invalid",
                field="visit_minutes",
                value=visit_minutes,
                low=low,
                high=high,
            )
        )
    if valid_to is not None and valid_to < valid_from:
        found.append(
            problem(
                "physicianvisit.valid_to_before_from",
                field="valid_to",
                valid_from=valid_from,
                valid_to=valid_to,
            )
        )
    return found


def times_of(start_time: str, end_time: str, book_by: str) -> SlotTimes:
    """A stored (validated) slot's times in minutes."""
    values = [clock_minutes(t) for t in (start_time, end_time, book_by)]
    if any(v is None for v in values):
        raise ValueError(f"not a valid slot: {start_time}–{end_time}, book by {book_by}")
    start, end, by = (v or 0 for v in values)
    return SlotTimes(start, end, by)


def runs_on(weekdays: Iterable[int], valid_from: date, valid_to: date | None, day: date) -> bool:
    """Whether the slot is offered on ``day``."""
    return on_weekday(weekdays, day) and within(valid_from, valid_to, day)


def on_weekday(weekdays: Iterable[int], day: date) -> bool:
    return day.isoweekday() in set(weekdays)


def within(valid_from: date, valid_to: date | None, day: date) -> bool:
    return valid_from <= day and (valid_to is None or day <= valid_to)


def local_moment(day: date, minutes: int) -> datetime:
    """``minutes`` after local midnight of ``day`` (wall clock) → an aware UTC datetime."""
    naive = datetime.combine(day, time(0)) + timedelta(minutes=minutes)
    return naive.replace(tzinfo=STOCKHOLM).astimezone(UTC)


def deadline(day: date, book_by: int) -> datetime:
    """The last moment a visit on ``day`` may be booked (UTC)."""
    return local_moment(day, book_by)


def booking_open(day: date, book_by: int, now: datetime) -> bool:
    """Open until ``book_by`` on the date itself (inclusive); a past date is closed."""
    if day < now.astimezone(STOCKHOLM).date():
        return False
    return now <= deadline(day, book_by)


def window(day: date, times: SlotTimes) -> tuple[datetime, datetime]:
    """The booked visit starts inside this window (UTC)."""
    return local_moment(day, times.start), local_moment(day, times.end)


def shift_span(times: SlotTimes, visit_minutes: int) -> tuple[int, int]:
    """(start, end) in minutes of the shift a booking makes for a physician with none that
    day: from ``TRAVEL_MARGIN`` before the window to the last visit's end plus the margin."""
    return (
        max(0, times.start - TRAVEL_MARGIN),
        min(DAY, times.end + visit_minutes + TRAVEL_MARGIN),
    )


def free_places(capacity: int, booked: int) -> int:
    return max(0, capacity - booked)


def review_due(next_due: date, day: date, made_on: Iterable[date]) -> bool:
    """A planned review makes a visit on ``day``: due then or earlier, none made that day."""
    return next_due <= day and day not in set(made_on)


def next_due_after(day: date, interval_days: int) -> date:
    """The next visit is due ``interval_days`` after the one just made."""
    return day + timedelta(days=interval_days)
