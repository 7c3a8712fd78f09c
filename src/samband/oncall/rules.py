"""The on-call roster's time rules (pure: no SQLAlchemy, no FastAPI; decision 0014).

A week is cut into four kinds of slot, in Europe/Stockholm wall-clock time:

- ``weekday_day``      Monday–Friday 07:00–16:00
- ``weekday_evening``  Monday–Thursday 16:00–21:00
- ``night``            Monday–Thursday 21:00 → the next morning 07:00
- ``weekend``          Friday 16:00 → Monday 07:00 (Friday evening, the nights of Friday,
                       Saturday and Sunday, and the weekend days: one person on call)

Every moment of the week falls in exactly one slot instance. An instance *belongs to the
date it begins on* (a night beginning Monday 21:00 is Monday's; the weekend is Friday's),
so an entry valid Monday to Sunday covers exactly one week. The boundaries are at 07, 16
and 21 o'clock, never in the hour a DST change skips or repeats (02–03), and the changes
themselves fall on a Sunday, inside the weekend: that weekend lasts 62 hours in March and
64 in October instead of 63.

Overlapping entries for the same slot: the most specific wins, i.e. the one with the
shortest date span (an entry without an end date is the standing weekly pattern, the least
specific of all); between equally long spans, the one made last.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol, TypeVar

from samband.kit.time import STOCKHOLM

WEEKDAY_DAY = "weekday_day"
WEEKDAY_EVENING = "weekday_evening"
NIGHT = "night"
WEEKEND = "weekend"
SLOTS = (WEEKDAY_DAY, WEEKDAY_EVENING, NIGHT, WEEKEND)

PHYSICIAN = "physician"
NURSE = "registered_nurse"
ROLES = (PHYSICIAN, NURSE)

DAY_START = 7 * 60
DAY_END = 16 * 60
EVENING_END = 21 * 60
FRIDAY = 4

# (first, last) local clock of each slot, for texts: "07–16"
SLOT_HOURS = {
    WEEKDAY_DAY: ("07", "16"),
    WEEKDAY_EVENING: ("16", "21"),
    NIGHT: ("21", "07"),
    WEEKEND: ("16", "07"),
}


def local_moment(day: date, minutes: int) -> datetime:
    """``minutes`` after local midnight of ``day`` (wall clock) → an aware UTC datetime."""
    naive = datetime.combine(day, time(0)) + timedelta(minutes=minutes)
    return naive.replace(tzinfo=STOCKHOLM).astimezone(UTC)


@dataclass(frozen=True)
class SlotInstance:
    """One occurrence of a slot: e.g. the night beginning Monday 2026-03-02 21:00."""

    slot: str
    day: date  # the local date it begins on
    start: datetime  # UTC
    end: datetime  # UTC


def _instance(slot: str, day: date) -> SlotInstance:
    if slot == WEEKDAY_DAY:
        return SlotInstance(slot, day, local_moment(day, DAY_START), local_moment(day, DAY_END))
    if slot == WEEKDAY_EVENING:
        return SlotInstance(slot, day, local_moment(day, DAY_END), local_moment(day, EVENING_END))
    if slot == NIGHT:
        nxt = day + timedelta(days=1)
        return SlotInstance(slot, day, local_moment(day, EVENING_END), local_moment(nxt, DAY_START))
    monday = day + timedelta(days=3)
    return SlotInstance(slot, day, local_moment(day, DAY_END), local_moment(monday, DAY_START))


def slot_at(at: datetime) -> SlotInstance:
    """The slot instance a moment falls in (``at`` must be aware)."""
    if at.tzinfo is None:
        raise ValueError("an on-call moment must carry its time zone")
    local = at.astimezone(STOCKHOLM)
    day, weekday = local.date(), local.weekday()
    minutes = local.hour * 60 + local.minute
    if (
        (weekday == FRIDAY and minutes >= DAY_END)
        or weekday > FRIDAY
        or (weekday == 0 and minutes < DAY_START)
    ):
        back = (weekday - FRIDAY) % 7  # Friday 0, Saturday 1, Sunday 2, Monday 3
        return _instance(WEEKEND, day - timedelta(days=back))
    if minutes < DAY_START:  # Tuesday–Friday morning: the night that began yesterday
        return _instance(NIGHT, day - timedelta(days=1))
    if minutes < DAY_END:
        return _instance(WEEKDAY_DAY, day)
    if minutes < EVENING_END:
        return _instance(WEEKDAY_EVENING, day)
    return _instance(NIGHT, day)


def instances(start: datetime, end: datetime) -> list[SlotInstance]:
    """Every slot instance overlapping [start, end), in order."""
    found: list[SlotInstance] = []
    moment = start
    while moment < end:
        instance = slot_at(moment)
        found.append(instance)
        moment = instance.end
    return found


def next_of_each(at: datetime) -> list[SlotInstance]:
    """The current instance of each slot, or else its next one, in the order of SLOTS."""
    seen: dict[str, SlotInstance] = {}
    moment = at
    while len(seen) < len(SLOTS):
        instance = slot_at(moment)
        seen.setdefault(instance.slot, instance)
        moment = instance.end
    return [seen[slot] for slot in SLOTS]


class Dated(Protocol):
    """What the rules need of a roster entry."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def slot(self) -> str: ...
    @property
    def starts_on(self) -> date: ...
    @property
    def ends_on(self) -> date | None: ...
    @property
    def created_at(self) -> datetime: ...


E = TypeVar("E", bound=Dated)


def applies(entry: Dated, instance: SlotInstance) -> bool:
    return (
        entry.slot == instance.slot
        and entry.starts_on <= instance.day
        and (entry.ends_on is None or instance.day <= entry.ends_on)
    )


def span_days(entry: Dated) -> int:
    """How many days an entry spans; the weekly pattern (no end date) spans for ever."""
    return (entry.ends_on - entry.starts_on).days if entry.ends_on is not None else 10**9


def winner(entries: Iterable[E], instance: SlotInstance) -> E | None:
    """The entry covering the instance: the shortest date span, then the one made last."""
    candidates = [e for e in entries if applies(e, instance)]
    if not candidates:
        return None
    shortest = min(span_days(e) for e in candidates)
    tied = [e for e in candidates if span_days(e) == shortest]
    return max(tied, key=lambda e: (e.created_at, str(e.id)))


@dataclass(frozen=True)
class Span:
    start: datetime
    end: datetime


def merge(spans: Sequence[SlotInstance]) -> list[Span]:
    """Adjacent instances as one span (for gaps: "nobody from Mon 21:00 to Wed 07:00")."""
    merged: list[Span] = []
    for instance in spans:
        if merged and merged[-1].end == instance.start:
            merged[-1] = Span(merged[-1].start, instance.end)
        else:
            merged.append(Span(instance.start, instance.end))
    return merged


# -- words (Swedish / English), for the pages, the patient's copy and the tablet -------------

SLOT_TEXT: dict[str, tuple[str, str]] = {
    WEEKDAY_DAY: ("Vardagar kl. 07–16", "Weekdays 07–16"),
    WEEKDAY_EVENING: ("Måndag–torsdag kl. 16–21", "Monday–Thursday 16–21"),
    NIGHT: ("Nätter måndag–torsdag kl. 21–07", "Nights Monday–Thursday 21–07"),
    WEEKEND: ("Helg, fredag kl. 16 – måndag kl. 07", "Weekend, Friday 16 – Monday 07"),
}
ROLE_TEXT: dict[str, tuple[str, str]] = {
    PHYSICIAN: ("Jourhavande läkare", "Physician on call"),
    NURSE: ("Sjuksköterska i beredskap", "Nurse on call"),
}


def slot_text(slot: str, lang: str = "sv") -> str:
    sv, en = SLOT_TEXT.get(slot, (slot, slot))
    return en if lang == "en" else sv


def role_text(role: str, lang: str = "sv") -> str:
    sv, en = ROLE_TEXT.get(role, (role, role))
    return en if lang == "en" else sv
