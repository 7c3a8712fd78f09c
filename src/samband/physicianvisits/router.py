"""HTTP for physician visits: slots, bookings and planned reviews (decision 0019). Parse,
call the service, shape the answer."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from fastapi import APIRouter, status

from samband.deps import ContextDep
from samband.physicianvisits import service
from samband.physicianvisits.schemas import (
    AvailableRead,
    BookingCreate,
    BookingRead,
    ReviewCreate,
    ReviewRead,
    ReviewUpdate,
    SlotRead,
    SlotWrite,
)

router = APIRouter(prefix="/api/v1", tags=["physician visits"])

_READ: dict[int | str, dict[str, Any]] = {
    403: {"description": "your role neither books (physician_visit:book) nor offers slots"},
    404: {"description": "no such organisation or slot"},
}
_MANAGE: dict[int | str, dict[str, Any]] = {
    403: {"description": "your role may not offer slots (physician_slot:manage)"},
    404: {"description": "no such slot of your organisation"},
    422: {"description": "every problem with the times, weekdays, capacity or physician"},
}
_BOOK: dict[int | str, dict[str, Any]] = {
    403: {"description": "your role may not book (physician_visit:book)"},
    404: {"description": "no such slot or patient, or no care relationship with the patient"},
    409: {
        "description": "booking closed or the date past, the slot full or inactive, the "
        "patient already booked, no open care at home, or no consent to shared records"
    },
    422: {"description": "a date the slot is not offered on"},
}
_REVIEW: dict[int | str, dict[str, Any]] = {
    403: {"description": "your role may not plan physician visits (physician_visit:book)"},
    404: {"description": "no such patient or review, or no care relationship"},
    409: {"description": "the physician's organisation may not see the patient's record"},
    422: {"description": "not a physician, no fixed physician, a first date in the past"},
}


def _slot(view: service.SlotView) -> SlotRead:
    slot = view.slot
    return SlotRead(
        id=slot.id,
        organisation_id=slot.organisation_id,
        organisation_name=view.organisation_name,
        physician_id=slot.physician_id,
        physician_name=view.physician_name,
        weekdays=list(slot.weekdays),
        start_time=slot.start_time,
        end_time=slot.end_time,
        book_by=slot.book_by,
        capacity=slot.capacity,
        visit_minutes=slot.visit_minutes,
        valid_from=slot.valid_from,
        valid_to=slot.valid_to,
        start_location=view.start_location,
        active=slot.active,
        created_at=slot.created_at,
        updated_at=slot.updated_at,
    )


def _booking(view: service.BookingView) -> BookingRead:
    booking = view.booking
    return BookingRead(
        id=booking.id,
        slot_id=booking.slot_id,
        date=booking.date,
        patient_id=booking.patient_id,
        visit_id=booking.visit_id,
        request_id=booking.request_id,
        reason=booking.reason,
        booked_by_id=booking.booked_by_id,
        created_at=booking.created_at,
        cancelled_at=booking.cancelled_at,
        cancelled_by_id=booking.cancelled_by_id,
        window_local=view.window_local,
        physician_id=view.visit.requested_user_id,
        visit_status=view.visit.status,
    )


def _review(view: service.ReviewView) -> ReviewRead:
    return ReviewRead.model_validate(view.review)


# -- slots --------------------------------------------------------------------------------------


@router.post(
    "/physician-slots",
    response_model=SlotRead,
    status_code=status.HTTP_201_CREATED,
    responses=_MANAGE,
)
def create_slot(ctx: ContextDep, data: SlotWrite) -> SlotRead:
    """Offer a recurring time for physician home visits (your organisation's)."""
    return _slot(service.create_slot(ctx, data))


@router.get("/physician-slots", response_model=list[SlotRead], responses=_READ)
def list_slots(
    ctx: ContextDep, organisation_id: uuid.UUID | None = None, include_inactive: bool = False
) -> list[SlotRead]:
    """An organisation's slots (default: yours); inactive ones only of your own."""
    views = service.list_slots(ctx, organisation_id, include_inactive=include_inactive)
    return [_slot(v) for v in views]


@router.get("/physician-slots/available", response_model=list[AvailableRead], responses=_READ)
def available_slots(
    ctx: ContextDep, date: date, organisation_id: uuid.UUID | None = None
) -> list[AvailableRead]:
    """The organisation's slots on the date (default: yours): free places, and whether
    booking is still open (before book_by on that date, local time)."""
    return [
        AvailableRead(
            slot=_slot(a.view),
            date=a.date,
            booked=a.booked,
            free=a.free,
            open=a.open,
            book_by_at=a.book_by_at,
            bookable=a.bookable,
        )
        for a in service.available(ctx, date, organisation_id)
    ]


@router.get("/physician-slots/{slot_id}", response_model=SlotRead, responses=_READ)
def get_slot(ctx: ContextDep, slot_id: uuid.UUID) -> SlotRead:
    return _slot(service.get_slot(ctx, slot_id))


@router.put("/physician-slots/{slot_id}", response_model=SlotRead, responses=_MANAGE)
def update_slot(ctx: ContextDep, slot_id: uuid.UUID, data: SlotWrite) -> SlotRead:
    """Replace a slot's times, physician and validity (bookings made keep their visits)."""
    return _slot(service.update_slot(ctx, slot_id, data))


@router.delete("/physician-slots/{slot_id}", response_model=SlotRead, responses=_MANAGE)
def deactivate_slot(ctx: ContextDep, slot_id: uuid.UUID) -> SlotRead:
    """Stop offering the slot (kept, inactive; bookings made stand)."""
    return _slot(service.deactivate_slot(ctx, slot_id))


# -- bookings -----------------------------------------------------------------------------------


@router.post(
    "/physician-slots/{slot_id}/bookings",
    response_model=BookingRead,
    status_code=status.HTTP_201_CREATED,
    responses=_BOOK,
)
def book(ctx: ContextDep, slot_id: uuid.UUID, data: BookingCreate) -> BookingRead:
    """Book a physician home visit: a visit in the day plan of the slot's organisation."""
    return _booking(service.book_from(ctx, slot_id, data))


@router.get("/slot-bookings", response_model=list[BookingRead], responses=_MANAGE)
def day_bookings(ctx: ContextDep, date: date) -> list[BookingRead]:
    """The date's bookings of your organisation's slots (physician_slot:manage)."""
    return [_booking(v) for v in service.day_bookings(ctx, date)]


@router.post("/slot-bookings/{booking_id}/cancel", response_model=BookingRead, responses=_BOOK)
def cancel_booking(ctx: ContextDep, booking_id: uuid.UUID) -> BookingRead:
    """Cancel the booking and its visit (not one under way or done)."""
    return _booking(service.cancel_booking(ctx, booking_id))


@router.get(
    "/patients/{patient_id}/slot-bookings", response_model=list[BookingRead], responses=_READ
)
def patient_bookings(
    ctx: ContextDep, patient_id: uuid.UUID, since: date | None = None
) -> list[BookingRead]:
    """The patient's physician visit bookings from ``since`` (default today) on."""
    return [_booking(v) for v in service.patient_bookings(ctx, patient_id, since=since)]


# -- planned reviews ----------------------------------------------------------------------------


@router.post(
    "/patients/{patient_id}/physician-reviews",
    response_model=ReviewRead,
    status_code=status.HTTP_201_CREATED,
    responses=_REVIEW,
)
def create_review(ctx: ContextDep, patient_id: uuid.UUID, data: ReviewCreate) -> ReviewRead:
    """Plan regular physician visits or medication reviews every ``interval_days``."""
    return _review(service.create_review(ctx, patient_id, data))


@router.get(
    "/patients/{patient_id}/physician-reviews", response_model=list[ReviewRead], responses=_REVIEW
)
def list_reviews(ctx: ContextDep, patient_id: uuid.UUID) -> list[ReviewRead]:
    return [_review(v) for v in service.list_reviews(ctx, patient_id)]


@router.put("/physician-reviews/{review_id}", response_model=ReviewRead, responses=_REVIEW)
def update_review(ctx: ContextDep, review_id: uuid.UUID, data: ReviewUpdate) -> ReviewRead:
    return _review(service.update_review(ctx, review_id, data))


@router.delete("/physician-reviews/{review_id}", response_model=ReviewRead, responses=_REVIEW)
def deactivate_review(ctx: ContextDep, review_id: uuid.UUID) -> ReviewRead:
    """End the planned review (its future visits not under way are cancelled)."""
    return _review(service.deactivate_review(ctx, review_id))
