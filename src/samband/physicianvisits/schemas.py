"""Physician visits over HTTP: slots, bookings and planned reviews (decision 0019).

Times are local wall-clock texts ("HH:MM"); the service checks them (``rules.slot_problems``)
and answers every problem at once, each with its field."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from samband.kit.schemas import ReadModel, Text
from samband.visits.schemas import Location

ClockText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=10)]


class SlotWrite(BaseModel):
    """A recurring bookable time for physician home visits, for one physician of your
    organisation or (``physician_id`` left out) the whole centre."""

    model_config = ConfigDict(extra="forbid")

    physician_id: uuid.UUID | None = Field(
        default=None,
        description="an active physician of your organisation; none: any physician of the "
        "centre (the day plan chooses)",
    )
    weekdays: list[int] = Field(
        max_length=20, description="ISO weekdays: 1 Monday .. 7 Sunday, at least one"
    )
    start_time: ClockText = Field(description='"HH:MM": the first time a visit may start')
    end_time: ClockText = Field(description='"HH:MM": the last time a visit may start')
    book_by: ClockText = Field(
        description='"HH:MM": bookable until then the same day (not after start_time)'
    )
    capacity: int = Field(default=1, description="visits a day, at least 1")
    visit_minutes: int = Field(default=30, description="how long a visit is (5–240)")
    valid_from: date
    valid_to: date | None = Field(default=None, description="none: until further notice")
    start_location: Location | None = Field(
        default=None,
        description="where the physician sets out from (the centre): the place of the shift a "
        "booking makes when the physician has none that day; default: their latest shift's",
    )


class SlotRead(ReadModel):
    id: uuid.UUID
    organisation_id: uuid.UUID
    organisation_name: str
    physician_id: uuid.UUID | None
    physician_name: str | None
    weekdays: list[int]
    start_time: str
    end_time: str
    book_by: str
    capacity: int
    visit_minutes: int
    valid_from: date
    valid_to: date | None
    start_location: Location | None
    active: bool
    created_at: datetime
    updated_at: datetime | None


class AvailableRead(BaseModel):
    """A slot on one date: its free places and whether it may still be booked."""

    slot: SlotRead
    date: date
    booked: int
    free: int
    open: bool = Field(description="booking is open: before book_by on that date")
    book_by_at: datetime = Field(description="the deadline as a moment (UTC)")
    bookable: bool = Field(description="open and with a free place")


class BookingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    date: date
    patient_id: uuid.UUID
    reason: Text | None = None
    request_id: uuid.UUID | None = Field(
        default=None, description="the physician request this booking answers, if any"
    )


class BookingRead(ReadModel):
    id: uuid.UUID
    slot_id: uuid.UUID
    date: date
    patient_id: uuid.UUID
    visit_id: uuid.UUID
    request_id: uuid.UUID | None
    reason: str | None
    booked_by_id: uuid.UUID
    created_at: datetime
    cancelled_at: datetime | None
    cancelled_by_id: uuid.UUID | None
    window_local: tuple[str, str] = Field(description="the visit's window in local time, HH:MM")
    physician_id: uuid.UUID | None = Field(description="the physician asked for, if any")
    visit_status: str


class ReviewKind(StrEnum):
    REGULAR_VISIT = "regular_visit"  # planned regular physician home visit
    MEDICATION_REVIEW = "medication_review"  # läkemedelsgenomgång


class ReviewCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: ReviewKind
    interval_days: int = Field(ge=1, le=730, description="days between two visits")
    first_date: date = Field(description="the first visit's date (today or later)")
    physician_id: uuid.UUID | None = Field(
        default=None,
        description="an active physician; none: the patient's fixed physician at the time",
    )
    duration_min: int = Field(default=45, ge=5, le=240)
    note: Text | None = None


class ReviewUpdate(BaseModel):
    """Change a planned review (only the fields given)."""

    model_config = ConfigDict(extra="forbid")

    interval_days: int | None = Field(default=None, ge=1, le=730)
    next_due: date | None = None
    physician_id: uuid.UUID | None = None
    duration_min: int | None = Field(default=None, ge=5, le=240)
    note: Text | None = None


class ReviewRead(ReadModel):
    id: uuid.UUID
    patient_id: uuid.UUID
    kind: str
    interval_days: int
    next_due: date
    physician_id: uuid.UUID | None
    organisation_id: uuid.UUID
    duration_min: int
    note: str | None
    active: bool
    made: list[dict[str, str]] = Field(description='the visits made: [{"date", "visit"}]')
    created_at: datetime
    updated_at: datetime | None
