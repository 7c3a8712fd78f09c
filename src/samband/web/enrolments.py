"""Inskriven i hemsjukvården: the patient's enrolment in the municipality's home health care,
the fixed physician (patientansvarig läkare) and the fixed care contact (fast vårdkontakt),
with the history of their changes (decision 0018).

One page, ``/patients/{id}/enrolment``, with a form for each thing that can be done: enrol
(staff of a municipal home health care), end the enrolment (its responsible organisation),
set the fixed physician and the fixed care contact (``patient:assign``). The same service as
the API (``enrolments.service``); a refusal by role or by who leads is the 403 page.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from samband.enrolments import service as enrolments
from samband.enrolments.schemas import AssignmentWrite, EndReason, EnrolmentCreate, EnrolmentEnd
from samband.episodes import service as episodes
from samband.organisations import service as organisations
from samband.patients import service as patients
from samband.security.context import Context
from samband.security.roles import OrganisationKind, Permission
from samband.web.base import FormErrors, WebContext, attempt, parse_form, render
from samband.web.flow import FormData, blank, error_status, remap

router = APIRouter(include_in_schema=False)

NOTICES = {
    "enrolled": "enrolment.notice.enrolled",
    "ended": "enrolment.notice.ended",
    "fixed_physician": "enrolment.notice.fixed_physician",
    "fixed_care_contact": "enrolment.notice.fixed_care_contact",
}
# Each form's fields are named apart (one page holds the four forms): page name → API name.
ENROL_FIELDS = {
    "enrol_unit_id": "unit_id",
    "enrol_care_contact_id": "care_contact_id",
    "enrol_fixed_physician_id": "fixed_physician_id",
    "enrol_consent": "shared_records_consent",
    "enrol_reason": "reason",
}
END_FIELDS = {"end_reason": "reason", "end_note": "note"}
PHYSICIAN_FIELDS = {"physician_user_id": "user_id", "physician_reason": "reason"}
CONTACT_FIELDS = {"contact_user_id": "user_id", "contact_reason": "reason"}


def _path(patient_id: uuid.UUID) -> str:
    return f"/patients/{patient_id}/enrolment"


def _back(patient_id: uuid.UUID, notice: str) -> RedirectResponse:
    return RedirectResponse(f"{_path(patient_id)}?notice={notice}", status_code=303)


def _to_page(fields: dict[str, str]) -> Callable[[str], str]:
    """An API field's error → the page's field it belongs to ('' for the form)."""
    back = {api: page for page, api in fields.items()}
    return lambda name: back.get(name.split(".")[0], "")


def can_enrol(ctx: Context) -> bool:
    actor = ctx.actor
    return (
        actor.can(Permission.EPISODE_CREATE)
        and actor.organisation_kind == OrganisationKind.MUNICIPAL_HOME_HEALTH_CARE.value
    )


def _page(
    request: Request,
    ctx: Context,
    patient_id: uuid.UUID,
    *,
    errors: dict[str, FormErrors] | None = None,
    values: dict[str, Any] | None = None,
) -> HTMLResponse:
    ctx.actor.require_record()  # the enrolment is the record: not for social services
    actor = ctx.actor
    patient = patients.get(ctx, patient_id)
    enrolment = enrolments.find(ctx, patient_id)
    shown = enrolments.view(ctx, enrolment) if enrolment else None
    physician, contact = enrolments.fixed_staff(ctx, patient)
    history = enrolments.assignments(ctx, patient_id)
    enrol = enrolment is None and can_enrol(ctx)
    can_end = (
        enrolment is not None
        and actor.can(Permission.EPISODE_TRANSITION)
        and episodes.leads(ctx, enrolment)
    )
    can_assign = actor.can(Permission.PATIENT_ASSIGN)
    units = (
        [u for u in organisations.units(ctx) if u.organisation_id == actor.organisation_id]
        if enrol
        else []
    )
    errors = errors or {}
    notice = NOTICES.get(request.query_params.get("notice") or "")
    return render(
        request,
        "enrolment.html",
        ctx,
        status_code=max((error_status(e) for e in errors.values() if e), default=200),
        patient=patient,
        enrolment=enrolment,
        shown=shown,
        physician=physician,
        contact=contact,
        history=history,
        can_enrol=enrol,
        can_end=can_end,
        can_assign=can_assign,
        units=units,
        physicians=enrolments.physician_choices(ctx, patient) if can_assign or enrol else [],
        contacts=enrolments.care_contact_choices(ctx, patient) if can_assign or enrol else [],
        end_reasons=[r.value for r in EndReason],
        errors=errors,
        values={
            "enrol_unit_id": str(actor.unit_id or ""),
            "physician_user_id": str(patient.fixed_physician_id or ""),
            "contact_user_id": str(patient.fixed_care_contact_id or ""),
            **(values or {}),
        },
        notice=notice,
    )


@router.get("/patients/{patient_id}/enrolment", response_class=HTMLResponse)
def enrolment_page(request: Request, ctx: WebContext, patient_id: uuid.UUID) -> HTMLResponse:
    return _page(request, ctx, patient_id)


@router.post("/patients/{patient_id}/enrolment", response_model=None)
def enrol(request: Request, ctx: WebContext, patient_id: uuid.UUID, form: FormData) -> Response:
    body: dict[str, Any] = {
        api: blank(form.get(page)) for page, api in ENROL_FIELDS.items() if blank(form.get(page))
    }
    body["shared_records_consent"] = True if form.get("enrol_consent") == "on" else None
    data, errors = parse_form(EnrolmentCreate, body)
    if data is not None:
        valid = data
        done, errors = attempt(ctx, lambda: enrolments.enrol(ctx, patient_id, valid))
        if done is not None:
            return _back(patient_id, "enrolled")
    return _page(
        request,
        ctx,
        patient_id,
        errors={"enrol": remap(errors, _to_page(ENROL_FIELDS))},
        values=form,
    )


@router.post("/patients/{patient_id}/enrolment/end", response_model=None)
def end(request: Request, ctx: WebContext, patient_id: uuid.UUID, form: FormData) -> Response:
    body = {api: blank(form.get(page)) for page, api in END_FIELDS.items() if blank(form.get(page))}
    data, errors = parse_form(EnrolmentEnd, body)
    if data is not None:
        valid = data
        done, errors = attempt(ctx, lambda: enrolments.end_current(ctx, patient_id, valid))
        if done is not None:
            return _back(patient_id, "ended")
    return _page(
        request, ctx, patient_id, errors={"end": remap(errors, _to_page(END_FIELDS))}, values=form
    )


def _assign(
    request: Request,
    ctx: Context,
    patient_id: uuid.UUID,
    form: dict[str, str],
    *,
    fields: dict[str, str],
    which: str,
    action: Callable[[Context, uuid.UUID, AssignmentWrite], object],
) -> Response:
    body = {api: blank(form.get(page)) for page, api in fields.items()}
    data, errors = parse_form(AssignmentWrite, body)
    if data is not None:
        valid = data
        done, errors = attempt(ctx, lambda: action(ctx, patient_id, valid))
        if done is not None:
            return _back(patient_id, which)
    return _page(
        request, ctx, patient_id, errors={which: remap(errors, _to_page(fields))}, values=form
    )


@router.post("/patients/{patient_id}/fixed-physician", response_model=None)
def fixed_physician(
    request: Request, ctx: WebContext, patient_id: uuid.UUID, form: FormData
) -> Response:
    return _assign(
        request,
        ctx,
        patient_id,
        form,
        fields=PHYSICIAN_FIELDS,
        which="fixed_physician",
        action=enrolments.set_fixed_physician,
    )


@router.post("/patients/{patient_id}/fixed-care-contact", response_model=None)
def fixed_care_contact(
    request: Request, ctx: WebContext, patient_id: uuid.UUID, form: FormData
) -> Response:
    return _assign(
        request,
        ctx,
        patient_id,
        form,
        fields=CONTACT_FIELDS,
        which="fixed_care_contact",
        action=enrolments.set_fixed_care_contact,
    )
