"""The on-call roster over HTTP: entries written by coordinators and administrators, who covers
a moment, and the gaps."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from samband.kit.schemas import Name, Phone, ReadModel
from samband.oncall import rules

Email = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, max_length=200, pattern=r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$"
    ),
]


class OnCallRole(StrEnum):
    PHYSICIAN = rules.PHYSICIAN  # jourhavande läkare
    REGISTERED_NURSE = rules.NURSE  # sjuksköterska i beredskap


class Slot(StrEnum):
    WEEKDAY_DAY = rules.WEEKDAY_DAY  # Monday–Friday 07–16
    WEEKDAY_EVENING = rules.WEEKDAY_EVENING  # Monday–Thursday 16–21
    NIGHT = rules.NIGHT  # Monday–Thursday 21 → 07
    WEEKEND = rules.WEEKEND  # Friday 16 → Monday 07


class EntryWrite(BaseModel):
    """Who covers one slot in one role, from a date to a date (inclusive: a slot belongs to
    the date it begins on). Without ``ends_on``: the weekly pattern, until further notice; a
    dated entry wins over it. ``user_id``: a physician or nurse of the organisation (their
    directory phone and e-mail unless given here); or ``name`` (and ``phone``) of an
    external person."""

    model_config = ConfigDict(extra="forbid")

    role: OnCallRole
    slot: Slot
    starts_on: date
    ends_on: date | None = None
    user_id: uuid.UUID | None = None
    name: Name | None = None
    phone: Phone | None = None
    email: Email | None = None


class EntryCreate(EntryWrite):
    """An entry of a roster: the organisation's (``unit_id`` left out) or one unit's. The
    organisation is the caller's own unless named (then it must be)."""

    organisation_id: uuid.UUID | None = None
    unit_id: uuid.UUID | None = None


class EntriesCreate(BaseModel):
    """Entries written together: all of them, or none (e.g. a week of all four slots)."""

    model_config = ConfigDict(extra="forbid")

    entries: list[EntryCreate] = Field(min_length=1, max_length=200)


class EntryRead(ReadModel):
    id: uuid.UUID
    organisation_id: uuid.UUID
    unit_id: uuid.UUID | None
    role: str
    slot: str
    starts_on: date
    ends_on: date | None
    user_id: uuid.UUID | None
    name: str  # the user's name, or the external person's
    phone: str | None  # as resolved: the entry's, else the user's
    email: str | None
    created_at: datetime
    updated_at: datetime | None


class CoverRead(BaseModel):
    role: str
    user_id: uuid.UUID | None
    name: str
    phone: str | None
    email: str | None
    organisation_id: uuid.UUID
    unit_id: uuid.UUID | None  # None: the organisation's roster
    slot: str
    until: datetime


class UncoveredRead(BaseModel):
    """A role with nobody on call at that moment: call this number instead (the unit's or
    the organisation's), there is no named person."""

    role: str
    phone: str | None


class OnCallRead(BaseModel):
    at: datetime
    organisation_id: uuid.UUID
    unit_id: uuid.UUID | None
    slot: str
    covers: list[CoverRead]
    uncovered: list[UncoveredRead]


class GapRead(BaseModel):
    role: str
    organisation_id: uuid.UUID
    unit_id: uuid.UUID | None
    start: datetime
    end: datetime
