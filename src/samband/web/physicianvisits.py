"""Läkarbesök: physician visit slots, bookings and planned reviews as pages (decision 0019).

- ``/physician-slots``: the centre's slots for its physicians and coordinators
  (``physician_slot:manage``): the list, a form to add one, a page to change one, and the
  bookings of a chosen day (each may be cancelled);
- ``/patients/{id}/physician-visits`` (*Boka läkarbesök*, linked from the patient page): the
  slots of a chosen centre on a chosen date with their free places, a button to book one,
  the patient's bookings (each may be cancelled), and the planned regular visits and
  medication reviews with a form to add one.

The same service as the API (``physicianvisits.service``): the same checks and access log.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from samband.kit.errors import Problem, not_visible, problem
from samband.kit.time import local_today
from samband.models import Organisation, Patient
from samband.patients import service as patients
from samband.physicianvisits import service
from samband.physicianvisits.schemas import ReviewCreate, ReviewKind, SlotWrite
from samband.security.context import Context
from samband.security.roles import Permission
from samband.web.base import FormErrors, WebContext, attempt, parse_form, render
from samband.web.flow import FormData, blank

router = APIRouter(include_in_schema=False)

WEEKDAYS = list(range(1, 8))
SLOT_FIELDS = (
    "physician_id",
    "start_time",
    "end_time",
    "book_by",
    "capacity",
    "visit_minutes",
    "valid_from",
    "valid_to",
    "start_lat",
    "start_lon",
)
REVIEW_FIELDS = ("kind", "interval_days", "first_date", "physician_id", "duration_min", "note")
NOTICES = {
    "slot_added": "physicianvisit.notice.slot_added",
    "slot_saved": "physicianvisit.notice.slot_saved",
    "slot_ended": "physicianvisit.notice.slot_ended",
    "booked": "physicianvisit.notice.booked",
    "cancelled": "physicianvisit.notice.cancelled",
    "review_added": "physicianvisit.notice.review_added",
    "review_ended": "physicianvisit.notice.review_ended",
}


def _notice(request: Request) -> str | None:
    return NOTICES.get(request.query_params.get("notice", ""))


def _day(value: str | None, default: date) -> date:
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        return default


def _uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


# -- the centre's slots -------------------------------------------------------------------------


def _slot_values(view: service.SlotView | None) -> dict[str, Any]:
    """A slot's form values (a new slot: weekdays, 11–12, bookable until 08:30)."""
    if view is None:
        return {
            "physician_id": "",
            "weekdays": [1, 2, 3, 4, 5],
            "start_time": "11:00",
            "end_time": "12:00",
            "book_by": "08:30",
            "capacity": "1",
            "visit_minutes": "30",
            "valid_from": local_today().isoformat(),
            "valid_to": "",
            "start_lat": "",
            "start_lon": "",
        }
    slot = view.slot
    return {
        "physician_id": str(slot.physician_id or ""),
        "weekdays": list(slot.weekdays),
        "start_time": slot.start_time,
        "end_time": slot.end_time,
        "book_by": slot.book_by,
        "capacity": str(slot.capacity),
        "visit_minutes": str(slot.visit_minutes),
        "valid_from": slot.valid_from.isoformat(),
        "valid_to": slot.valid_to.isoformat() if slot.valid_to else "",
        "start_lat": "" if slot.start_lat is None else str(slot.start_lat),
        "start_lon": "" if slot.start_lon is None else str(slot.start_lon),
    }


def _form_slot(form: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The posted form: its values (to show again) and the API's body."""
    values: dict[str, Any] = {k: form.get(k, "") for k in SLOT_FIELDS}
    values["weekdays"] = [d for d in WEEKDAYS if form.get(f"weekday_{d}") == "on"]
    lat, lon = blank(form.get("start_lat")), blank(form.get("start_lon"))
    data: dict[str, Any] = {
        "physician_id": blank(form.get("physician_id")),
        "weekdays": values["weekdays"],
        "start_time": form.get("start_time", ""),
        "end_time": form.get("end_time", ""),
        "book_by": form.get("book_by", ""),
        "capacity": blank(form.get("capacity")) or "1",
        "visit_minutes": blank(form.get("visit_minutes")) or "30",
        "valid_from": blank(form.get("valid_from")),
        "valid_to": blank(form.get("valid_to")),
        "start_location": {"lat": lat, "lon": lon} if lat or lon else None,
    }
    return values, data


def _renamed(errors: FormErrors) -> FormErrors:
    """Every problem next to its field, as the form names it (``weekdays[0]`` →
    ``weekdays``): the service answers all of a slot's problems at once."""
    names = {"start_location": "start_lat", "start_location.lat": "start_lat"}
    names["start_location.lon"] = "start_lon"
    found: list[tuple[str, Any]] = list(errors.fields.items())
    found += [(p.field, p) for p in errors.reasons if isinstance(p, Problem) and p.field]
    fields: dict[str, Any] = {}
    for key, value in found:
        name = key.split("[")[0]
        fields.setdefault(names.get(name, name), value)
    return FormErrors(fields, reasons=errors.reasons)


def _general(errors: FormErrors) -> FormErrors:
    """A refused booking: its problem at the top of the section (the form has no fields)."""
    if errors.general:
        return errors
    first = next(iter(errors.fields.values()))
    return FormErrors({"": first}, reasons=errors.reasons)


def _slots_page(
    request: Request,
    ctx: Context,
    day: date,
    *,
    errors: FormErrors | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    ctx.actor.require(Permission.PHYSICIAN_SLOT_MANAGE)
    return render(
        request,
        "physician_visits_slots.html",
        ctx,
        status_code=status_code,
        slots=service.list_slots(ctx, include_inactive=True),
        bookings=service.day_bookings(ctx, day),
        day=day,
        previous_day=day - timedelta(days=1),
        next_day=day + timedelta(days=1),
        physicians=service.physicians(ctx),
        weekdays=WEEKDAYS,
        errors=errors or FormErrors(),
        values=values or _slot_values(None),
        notice=_notice(request),
    )


@router.get("/physician-slots", response_class=HTMLResponse)
def slots_page(request: Request, ctx: WebContext, date: str | None = None) -> HTMLResponse:
    return _slots_page(request, ctx, _day(date, local_today()))


@router.post("/physician-slots", response_model=None)
def add_slot(request: Request, ctx: WebContext, form: FormData) -> Response:
    ctx.actor.require(Permission.PHYSICIAN_SLOT_MANAGE)
    values, data = _form_slot(form)
    parsed, errors = parse_form(SlotWrite, data)
    if parsed is not None:
        _made, errors = attempt(ctx, lambda: service.create_slot(ctx, parsed))
    if errors:
        shown = _renamed(errors)
        shown.fields.setdefault("", problem("physicianvisit.form_invalid"))
        return _slots_page(
            request, ctx, local_today(), errors=shown, values=values, status_code=422
        )
    return RedirectResponse("/physician-slots?notice=slot_added", 303)


def _edit_page(
    request: Request,
    ctx: Context,
    view: service.SlotView,
    *,
    errors: FormErrors | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "physician_visits_slot_edit.html",
        ctx,
        status_code=status_code,
        view=view,
        physicians=service.physicians(ctx),
        weekdays=WEEKDAYS,
        errors=errors or FormErrors(),
        values=values or _slot_values(view),
    )


@router.get("/physician-slots/{slot_id}/edit", response_class=HTMLResponse)
def edit_slot_page(request: Request, ctx: WebContext, slot_id: uuid.UUID) -> HTMLResponse:
    ctx.actor.require(Permission.PHYSICIAN_SLOT_MANAGE)
    view = service.get_slot(ctx, slot_id)
    if view.slot.organisation_id != ctx.actor.organisation_id:
        raise not_visible(f"physician slot {slot_id}")
    return _edit_page(request, ctx, view)


@router.post("/physician-slots/{slot_id}", response_model=None)
def save_slot(request: Request, ctx: WebContext, slot_id: uuid.UUID, form: FormData) -> Response:
    ctx.actor.require(Permission.PHYSICIAN_SLOT_MANAGE)
    values, data = _form_slot(form)
    parsed, errors = parse_form(SlotWrite, data)
    if parsed is not None:
        _saved, errors = attempt(
            ctx, lambda: service.update_slot(ctx, slot_id, parsed), raise_not_found=True
        )
    if errors:
        shown = _renamed(errors)
        shown.fields.setdefault("", problem("physicianvisit.form_invalid"))
        view = service.get_slot(ctx, slot_id)
        return _edit_page(request, ctx, view, errors=shown, values=values, status_code=422)
    return RedirectResponse("/physician-slots?notice=slot_saved", 303)


@router.post("/physician-slots/{slot_id}/deactivate", response_model=None)
def end_slot(request: Request, ctx: WebContext, slot_id: uuid.UUID, form: FormData) -> Response:
    service.deactivate_slot(ctx, slot_id)
    return RedirectResponse("/physician-slots?notice=slot_ended", 303)


@router.post("/slot-bookings/{booking_id}/cancel", response_model=None)
def cancel_booking(
    request: Request, ctx: WebContext, booking_id: uuid.UUID, form: FormData
) -> Response:
    """Cancel a booking from the slots page or the patient's page (back where it came from)."""
    cancelled = service.cancel_booking(ctx, booking_id)
    day = cancelled.booking.date.isoformat()
    if form.get("back") == "patient":
        path = f"/patients/{cancelled.booking.patient_id}/physician-visits?date={day}"
    else:
        path = f"/physician-slots?date={day}"
    return RedirectResponse(f"{path}&notice=cancelled", 303)


# -- the patient's physician visits -------------------------------------------------------------


def _patient_page(
    request: Request,
    ctx: Context,
    patient_id: uuid.UUID,
    *,
    organisation_id: uuid.UUID | None = None,
    day: date | None = None,
    errors: FormErrors | None = None,
    review_errors: FormErrors | None = None,
    review_values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    patient = patients.get(ctx, patient_id)
    bookings = service.patient_bookings(ctx, patient_id)
    reviews = service.list_reviews(ctx, patient_id)
    # the slots to book from: for those who book (others read the bookings and reviews)
    can_book = ctx.actor.can(Permission.PHYSICIAN_VISIT_BOOK)
    centres = service.offering(ctx) if can_book else []
    chosen = _centre(ctx, patient, centres, organisation_id)
    day = day or local_today() + timedelta(days=1)
    slots = service.available(ctx, day, chosen) if chosen else []
    return render(
        request,
        "physician_visits_patient.html",
        ctx,
        status_code=status_code,
        patient=patient,
        bookings=bookings,
        slot_names={b.slot.id: b.slot for b in bookings},
        reviews=reviews,
        centres=centres,
        centre=chosen,
        day=day,
        slots=slots,
        can_book=can_book,
        review_kinds=[k.value for k in ReviewKind],
        errors=errors or FormErrors(),
        review_errors=review_errors or FormErrors(),
        review_values=review_values
        or {"kind": "medication_review", "interval_days": "180", "duration_min": "45"},
        notice=_notice(request),
    )


def _centre(
    ctx: Context, patient: Patient, centres: list[Organisation], wanted: uuid.UUID | None
) -> uuid.UUID | None:
    """The centre whose slots are shown: the one asked for, else the patient's fixed
    physician's, else the patient's listed primary care centre, else the first that offers."""
    ids = [c.id for c in centres]
    if wanted in ids:
        return wanted
    fixed = service.fixed_physician_organisation(ctx, patient)
    for candidate in (fixed, patient.listed_primary_care_id):
        if candidate is not None and candidate in ids:
            return candidate
    return ids[0] if ids else None


@router.get("/patients/{patient_id}/physician-visits", response_class=HTMLResponse)
def patient_page(
    request: Request,
    ctx: WebContext,
    patient_id: uuid.UUID,
    organisation_id: str | None = None,
    date: str | None = None,
) -> HTMLResponse:
    tomorrow = local_today() + timedelta(days=1)
    return _patient_page(
        request, ctx, patient_id, organisation_id=_uuid(organisation_id), day=_day(date, tomorrow)
    )


@router.post("/patients/{patient_id}/physician-visits", response_model=None)
def book_visit(
    request: Request, ctx: WebContext, patient_id: uuid.UUID, form: FormData
) -> Response:
    ctx.actor.require(Permission.PHYSICIAN_VISIT_BOOK)
    slot_id = _uuid(form.get("slot_id"))
    day = _day(form.get("date"), local_today())
    organisation = _uuid(form.get("organisation_id"))
    if slot_id is None:
        errors = FormErrors({"": problem("physicianvisit.choose_slot")})
    else:
        _made, errors = attempt(
            ctx,
            lambda: service.book(
                ctx,
                slot_id=slot_id,
                date=day,
                patient_id=patient_id,
                reason=blank(form.get("reason")),
            ),
            raise_not_found=True,
        )
    if errors:
        return _patient_page(
            request,
            ctx,
            patient_id,
            organisation_id=organisation,
            day=day,
            errors=_general(errors),
            status_code=409,
        )
    query = f"date={day.isoformat()}&notice=booked"
    if organisation is not None:
        query += f"&organisation_id={organisation}"
    return RedirectResponse(f"/patients/{patient_id}/physician-visits?{query}", 303)


@router.post("/patients/{patient_id}/physician-reviews", response_model=None)
def add_review(
    request: Request, ctx: WebContext, patient_id: uuid.UUID, form: FormData
) -> Response:
    ctx.actor.require(Permission.PHYSICIAN_VISIT_BOOK)
    values = {k: form.get(k, "") for k in REVIEW_FIELDS}
    data = {k: blank(v) for k, v in values.items()}
    data = {k: v for k, v in data.items() if v is not None}
    parsed, errors = parse_form(ReviewCreate, data)
    if parsed is not None:
        _made, errors = attempt(
            ctx, lambda: service.create_review(ctx, patient_id, parsed), raise_not_found=True
        )
    if errors:
        errors.fields.setdefault("", problem("physicianvisit.form_invalid"))
        return _patient_page(
            request,
            ctx,
            patient_id,
            review_errors=errors,
            review_values=values,
            status_code=422,
        )
    return RedirectResponse(f"/patients/{patient_id}/physician-visits?notice=review_added", 303)


@router.post("/physician-reviews/{review_id}/deactivate", response_model=None)
def end_review(request: Request, ctx: WebContext, review_id: uuid.UUID, form: FormData) -> Response:
    ended = service.deactivate_review(ctx, review_id)
    patient_id = ended.review.patient_id
    return RedirectResponse(f"/patients/{patient_id}/physician-visits?notice=review_ended", 303)
