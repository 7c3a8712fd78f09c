"""Medication administration as pages (issue 14; docs/medication-administration.md).

- ``/episodes/{id}/doses``: the day's signing list of an episode (``?date=``): each dose with
  its window and state, big *Given* / *Not given* / *Partly* buttons, the as-needed doses and
  their follow-up, links to the printed list and to reading the paper back in.
- ``/episodes/{id}/doses/print``: the signing list as a PDF with empty boxes to sign on
  paper during downtime; ``/episodes/{id}/doses/paper``: its signatures entered afterwards.
- ``/medication-delegations``: a registered nurse's delegations to assistant nurses.
- Sections on shared pages (``web/sections.py``): each visit on *Mina besök* shows the doses
  due in it with the same buttons (three taps at most: *Not given*, a reason, *Sign*); the
  patient page shows today's signing list.
- ``POST /care-requests/{id}/medication-acknowledgement``: the receiver's button on the care
  request page (``care_request_block`` gives the page what to show).

No handler here is ``async def``: they do database work.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from samband.kit.errors import NotFound, Problem
from samband.kit.time import STOCKHOLM, as_utc, local_today
from samband.medadmin import pdf, service
from samband.medadmin.schemas import (
    AsNeededCreate,
    DelegationCreate,
    DelegationRevoke,
    DoseSign,
    DoseState,
    Effect,
    EnteredInError,
    FollowUp,
    MedicationAcknowledge,
    PaperSign,
    Reason,
)
from samband.medications.schemas import Route
from samband.models import CareRequest, Episode, Patient, Visit
from samband.patients import service as patients
from samband.security.context import Context
from samband.security.roles import Permission
from samband.web.base import FormErrors, WebContext, attempt, language, parse_form, render
from samband.web.flow import FormData, blank, error_status
from samband.web.sections import Section

router = APIRouter(include_in_schema=False)

REASONS = [r.value for r in Reason]
EFFECTS = [e.value for e in Effect]
ROUTES = [r.value for r in Route]
NOTICES = {"signed", "in_error", "as_needed", "followed_up", "paper", "delegated", "revoked"}
STYLE = "/static/medadmin.css"


def _notice(request: Request) -> str | None:
    notice = request.query_params.get("notice")
    return f"medadmin.notice.{notice}" if notice in NOTICES else None


def _back_to(value: str | None, fallback: str) -> str:
    """Where a form returns: a path of this site only."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return fallback


def _with_notice(path: str, notice: str) -> str:
    anchor = ""
    if "#" in path:
        path, anchor = path.split("#", 1)
        anchor = "#" + anchor
    joiner = "&" if "?" in path else "?"
    return f"{path}{joiner}notice={notice}{anchor}"


def _day_path(episode_id: uuid.UUID, day: date | None = None) -> str:
    suffix = f"?date={day.isoformat()}" if day and day != local_today() else ""
    return f"/episodes/{episode_id}/doses{suffix}"


def _parse_day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _local_time(value: str | None, day: date) -> datetime | None:
    """A form's HH:MM on ``day`` (local) as an aware time; None when not given or wrong."""
    if not value:
        return None
    try:
        clock = time.fromisoformat(value)
    except ValueError:
        return None
    return datetime.combine(day, clock, STOCKHOLM)


def _common(ctx: Context) -> dict[str, Any]:
    return {
        "aware": as_utc,
        "reasons": REASONS,
        "effects": EFFECTS,
        "can_sign": ctx.actor.can(Permission.MEDICATION_ADMINISTER),
        "style": STYLE,
    }


def _parse(model: Any, values: dict[str, Any]) -> tuple[Any, FormErrors]:
    """``parse_form``, with a whole-form problem that names its field put on that field (a
    refused model check is a mistake in a field: 422, not 409)."""
    data, errors = parse_form(model, values)
    general = errors.fields.get("")
    if isinstance(general, Problem) and general.field:
        del errors.fields[""]
        errors.fields[general.field] = general
    return data, errors


def _sign_values(form: dict[str, str], day: date) -> tuple[dict[str, Any], FormErrors]:
    """A sign form's fields as a DoseSign body (the time as HH:MM on the dose's day)."""
    errors = FormErrors()
    given = blank(form.get("time"))
    given_at = _local_time(given, day)
    if given and given_at is None:
        errors.fields["time"] = "HH:MM"
    values: dict[str, Any] = {
        "outcome": form.get("outcome") or None,
        "reason": blank(form.get("reason")),
        "amount": blank(form.get("amount")),
        "note": blank(form.get("note")),
    }
    if given_at is not None:
        values["given_at"] = given_at
    return values, errors


# -- the day's signing list ----------------------------------------------------------------------


def _day_page(
    request: Request,
    ctx: Context,
    episode_id: uuid.UUID,
    day: date | None,
    *,
    errors: FormErrors | None = None,
    failed: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    found = service.day_list(ctx, episode_id, day)
    patient = patients.get(ctx, found.episode.patient_id)
    return render(
        request,
        "medadmin_day.html",
        ctx,
        status_code=status_code,
        found=found,
        patient=patient,
        day=found.day,
        today=local_today(),
        previous=found.day - timedelta(days=1),
        following=found.day + timedelta(days=1),
        here=_day_path(found.episode.id, found.day),
        errors=errors or FormErrors(),
        failed=failed,
        notice=_notice(request),
        **_common(ctx),
    )


@router.get("/episodes/{episode_id}/doses", response_class=HTMLResponse)
def day_page(request: Request, ctx: WebContext, episode_id: uuid.UUID) -> HTMLResponse:
    return _day_page(request, ctx, episode_id, _parse_day(request.query_params.get("date")))


@router.get("/episodes/{episode_id}/doses/print", response_model=None)
def print_list(request: Request, ctx: WebContext, episode_id: uuid.UUID) -> Response:
    """The day's signing list as a PDF with empty boxes to sign on paper."""
    found = service.day_list(ctx, episode_id, _parse_day(request.query_params.get("date")))
    patient = patients.get(ctx, found.episode.patient_id)
    ctx.log.record(
        patient_id=patient.id,
        action="print",
        resource_type=service.DOSE,
        resource_id=found.episode.id,
        allowed=True,
    )
    content = pdf.signing_list(found, patient, language(request), printed_by=ctx.actor.full_name)
    name = f"signeringslista-{found.day.isoformat()}.pdf"
    return Response(
        content,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )


@router.post("/doses/{dose_id}/sign", response_model=None)
def sign_dose(request: Request, ctx: WebContext, dose_id: uuid.UUID, form: FormData) -> Response:
    """Given / not given / partly given, from the signing list or a visit on Mina besök."""
    ctx.actor.require(Permission.MEDICATION_ADMINISTER)
    view = service.get_dose(ctx, dose_id)
    fallback = _day_path(view.dose.episode_id, view.dose.local_date) + f"#dose-{dose_id}"
    back = _back_to(form.get("next"), fallback)
    values, errors = _sign_values(form, view.dose.local_date)
    data, parsed = _parse(DoseSign, values) if not errors else (None, errors)
    if data is not None:
        done, parsed = attempt(ctx, lambda: service.sign(ctx, dose_id, data))
        if done is not None:
            return RedirectResponse(_with_notice(back, "signed"), status_code=303)
    return _day_page(
        request,
        ctx,
        view.dose.episode_id,
        view.dose.local_date,
        errors=parsed,
        failed=str(dose_id),
        status_code=error_status(parsed),
    )


@router.post("/dose-administrations/{administration_id}/entered-in-error", response_model=None)
def mark_in_error(
    request: Request, ctx: WebContext, administration_id: uuid.UUID, form: FormData
) -> Response:
    ctx.actor.require(Permission.MEDICATION_ADMINISTER)
    found = service.get_administration(ctx, administration_id)
    day = service.local_day(found.given_at)
    data, errors = parse_form(EnteredInError, {"reason": blank(form.get("reason"))})
    if data is not None:
        done, errors = attempt(ctx, lambda: service.entered_in_error(ctx, administration_id, data))
        if done is not None:
            return RedirectResponse(
                _with_notice(_day_path(found.episode_id, day), "in_error"), status_code=303
            )
    return _day_page(
        request,
        ctx,
        found.episode_id,
        day,
        errors=errors,
        failed=str(administration_id),
        status_code=error_status(errors),
    )


@router.post("/episodes/{episode_id}/as-needed-doses", response_model=None)
def give_as_needed(
    request: Request, ctx: WebContext, episode_id: uuid.UUID, form: FormData
) -> Response:
    ctx.actor.require(Permission.MEDICATION_ADMINISTER)
    today = local_today()
    errors = FormErrors()
    given_at = _local_time(blank(form.get("time")), today)
    if blank(form.get("time")) and given_at is None:
        errors.fields["time"] = "HH:MM"
    values: dict[str, Any] = {
        "medication_id": form.get("medication_id") or None,
        "indication": blank(form.get("indication")),
        "amount": blank(form.get("amount")),
        "note": blank(form.get("note")),
    }
    if given_at is not None:
        values["given_at"] = given_at
    data, parsed = _parse(AsNeededCreate, values) if not errors else (None, errors)
    if data is not None:
        done, parsed = attempt(ctx, lambda: service.give_as_needed(ctx, episode_id, data))
        if done is not None:
            return RedirectResponse(
                _with_notice(_day_path(episode_id), "as_needed") + "#as-needed", status_code=303
            )
    return _day_page(
        request,
        ctx,
        episode_id,
        today,
        errors=parsed,
        failed="as_needed",
        status_code=error_status(parsed),
    )


@router.post("/dose-administrations/{administration_id}/follow-up", response_model=None)
def follow_up(
    request: Request, ctx: WebContext, administration_id: uuid.UUID, form: FormData
) -> Response:
    ctx.actor.require(Permission.MEDICATION_ADMINISTER)
    found = service.get_administration(ctx, administration_id)
    day = service.local_day(found.given_at)
    data, errors = parse_form(
        FollowUp, {"effect": form.get("effect") or None, "note": blank(form.get("note"))}
    )
    if data is not None:
        done, errors = attempt(ctx, lambda: service.follow_up(ctx, administration_id, data))
        if done is not None:
            return RedirectResponse(
                _with_notice(_day_path(found.episode_id, day), "followed_up") + "#as-needed",
                status_code=303,
            )
    return _day_page(
        request,
        ctx,
        found.episode_id,
        day,
        errors=errors,
        failed=str(administration_id),
        status_code=error_status(errors),
    )


# -- paper: the printed list read back in --------------------------------------------------------


def _paper_page(
    request: Request,
    ctx: Context,
    episode_id: uuid.UUID,
    day: date | None,
    *,
    errors: FormErrors | None = None,
    failed: str | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    ctx.actor.require(Permission.MEDICATION_ADMINISTER)
    found = service.day_list(ctx, episode_id, day)
    patient = patients.get(ctx, found.episode.patient_id)
    return render(
        request,
        "medadmin_paper.html",
        ctx,
        status_code=status_code,
        found=found,
        patient=patient,
        day=found.day,
        signers=service.paper_signers(ctx),
        back=_day_path(found.episode.id, found.day),
        errors=errors or FormErrors(),
        failed=failed,
        values=values or {},
        notice=_notice(request),
        **_common(ctx),
    )


@router.get("/episodes/{episode_id}/doses/paper", response_class=HTMLResponse)
def paper_page(request: Request, ctx: WebContext, episode_id: uuid.UUID) -> HTMLResponse:
    return _paper_page(request, ctx, episode_id, _parse_day(request.query_params.get("date")))


@router.post("/doses/{dose_id}/paper-signature", response_model=None)
def paper_signature(
    request: Request, ctx: WebContext, dose_id: uuid.UUID, form: FormData
) -> Response:
    ctx.actor.require(Permission.MEDICATION_ADMINISTER)
    view = service.get_dose(ctx, dose_id)
    values, errors = _sign_values(form, view.dose.local_date)
    values["signed_by_id"] = form.get("signed_by_id") or None
    data, parsed = _parse(PaperSign, values) if not errors else (None, errors)
    if data is not None:
        done, parsed = attempt(ctx, lambda: service.paper_sign(ctx, dose_id, data))
        if done is not None:
            path = f"/episodes/{view.dose.episode_id}/doses/paper"
            if view.dose.local_date != local_today():
                path += f"?date={view.dose.local_date.isoformat()}"
            return RedirectResponse(_with_notice(path, "paper"), status_code=303)
    return _paper_page(
        request,
        ctx,
        view.dose.episode_id,
        view.dose.local_date,
        errors=parsed,
        failed=str(dose_id),
        values=form,
        status_code=error_status(parsed),
    )


# -- delegations ---------------------------------------------------------------------------------


def _delegations_page(
    request: Request,
    ctx: Context,
    *,
    errors: FormErrors | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    found = service.delegations(ctx)
    is_nurse = ctx.actor.role == "registered_nurse"
    names = service.delegation_names(ctx, found)
    return render(
        request,
        "medadmin_delegations.html",
        ctx,
        status_code=status_code,
        delegations=found,
        names=names,
        today=local_today(),
        valid=service.delegation_valid,
        may_delegate=is_nurse,
        assistants=service.assistant_nurses(ctx) if is_nurse else [],
        routes=ROUTES,
        errors=errors or FormErrors(),
        values=values or {},
        notice=_notice(request),
        **_common(ctx),
    )


@router.get("/medication-delegations", response_class=HTMLResponse)
def delegations_page(request: Request, ctx: WebContext) -> HTMLResponse:
    return _delegations_page(request, ctx)


@router.post("/medication-delegations", response_model=None)
def delegate(request: Request, ctx: WebContext, form: FormData) -> Response:
    ctx.actor.require(Permission.MEDICATION_ADMINISTER)
    routes = [r for r in ROUTES if form.get(f"route_{r}")]
    data, errors = _parse(
        DelegationCreate,
        {
            "delegate_id": form.get("delegate_id") or None,
            "routes": routes,
            "valid_until": form.get("valid_until") or None,
            "note": blank(form.get("note")),
        },
    )
    if data is not None:
        done, errors = attempt(ctx, lambda: service.delegate(ctx, data))
        if done is not None:
            return RedirectResponse("/medication-delegations?notice=delegated", status_code=303)
    return _delegations_page(
        request, ctx, errors=errors, values=form, status_code=error_status(errors)
    )


@router.post("/medication-delegations/{delegation_id}/revoke", response_model=None)
def revoke(request: Request, ctx: WebContext, delegation_id: uuid.UUID, form: FormData) -> Response:
    ctx.actor.require(Permission.MEDICATION_ADMINISTER)
    data, errors = parse_form(DelegationRevoke, {"reason": blank(form.get("reason"))})
    if data is not None:
        done, errors = attempt(
            ctx, lambda: service.revoke(ctx, delegation_id, data), raise_not_found=True
        )
        if done is not None:
            return RedirectResponse("/medication-delegations?notice=revoked", status_code=303)
    errors = FormErrors({f"reason_{delegation_id}": next(iter(errors.fields.values()), "")})
    return _delegations_page(request, ctx, errors=errors, status_code=error_status(errors))


# -- the care request's medication list ----------------------------------------------------------


def care_request_block(ctx: Context, request: CareRequest) -> dict[str, Any] | None:
    """What the care request page shows of the medication list's version (None: no list
    was sent). The caller read the request (access checked and logged)."""
    if not request.medication_list_version and not request.medication_snapshot:
        return None
    current = service.list_version(ctx.session, request.episode_id)
    acknowledged = request.medication_acknowledged_version
    return {
        "sent": request.medication_list_version,
        "current": current,
        "acknowledged": acknowledged,
        "newer": current > (acknowledged or 0) and current > 0,
        "changed_since_sent": current > (request.medication_list_version or 0),
        "may_acknowledge": ctx.actor.organisation_id == request.to_organisation_id
        and ctx.actor.can(Permission.CARE_REQUEST_ANSWER)
        and current > (acknowledged or 0),
        "acknowledgements": list(request.medication_acknowledgements or []),
    }


@router.post("/care-requests/{request_id}/medication-acknowledgement", response_model=None)
def acknowledge_list(
    request: Request, ctx: WebContext, request_id: uuid.UUID, form: FormData
) -> Response:
    ctx.actor.require(Permission.CARE_REQUEST_ANSWER)
    version = form.get("version") or ""
    data, errors = parse_form(
        MedicationAcknowledge, {"version": version if version.isdigit() else None}
    )
    if data is not None:
        done, errors = attempt(ctx, lambda: service.acknowledge_list(ctx, request_id, data))
        if done is not None:
            return RedirectResponse(
                f"/care-requests/{request_id}?notice=request_updated", status_code=303
            )
    from samband.web.carerequests import show_request_again

    return show_request_again(request, ctx, request_id, errors)


# -- sections on shared pages (web/sections.py) ---------------------------------------------------


def _overlaps(visit: Visit, view: service.DoseView) -> bool:
    return as_utc(view.dose.window_start) < as_utc(
        visit.window_end
    ) + service.doses.SIGN_GRACE and (as_utc(view.dose.window_end) > as_utc(visit.window_start))


def visit_sections(ctx: Context, visits: Sequence[Visit], lang: str) -> dict[uuid.UUID, Section]:
    """The doses due in each visit: the staff doses of the visit's episode whose window
    meets the visit's window, with the buttons to sign them."""
    if not ctx.actor.can(Permission.MEDICATION_ADMINISTER) or not visits:
        return {}
    views = service.doses_for_visits(
        ctx, sorted({v.episode_id for v in visits}), sorted({v.date for v in visits})
    )
    found: dict[uuid.UUID, Section] = {}
    for visit in visits:
        mine = [
            v
            for v in views
            if v.dose.episode_id == visit.episode_id
            and v.dose.by_staff
            and v.state != DoseState.CANCELLED
            and _overlaps(visit, v)
        ]
        if mine:
            found[visit.id] = Section(
                "_medadmin_visit.html",
                {
                    "views": mine,
                    "visit": visit,
                    "next": f"/my-visits#visit-{visit.id}",
                    **_common(ctx),
                },
            )
    return found


def patient_section(
    ctx: Context, patient: Patient, episode: Episode | None, lang: str
) -> Section | None:
    """Today's signing list of the patient's episode on the patient page."""
    if episode is None or episode.state != "at_home":
        return None
    try:
        found = service.day_list(ctx, episode.id)
    except NotFound:
        return None
    if not found.doses and not found.as_needed and not found.as_needed_medications:
        return None
    return Section("_medadmin_patient.html", {"found": found, **_common(ctx)})
