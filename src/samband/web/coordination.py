"""*Samordning vid utskrivning* (lag 2017:612) and *Morgonlistan*.

- ``/coordination``: the hospital stays that concern the user's organisation (open, overdue
  or all), each with its deadlines (the admission notice within 24 hours, the SIP invitation
  within 3 days of discharge, overdue ones in red), the days past ready for discharge, and
  the buttons the user's side may press: send the admission notice, set ready for discharge
  (a physician of the hospital), discharge, record the SIP invitation (primary care or the
  municipality).
- ``/morning-list``: a physician's patients admitted, discharged, home with hospital care or
  back, starting or ending home health care in the last 24 hours.
- ``overview_data``: the command centre's card (``_overview_coordination.html``).

The same services as the API (``coordination.service``): the same rules and access log.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from samband.coordination import service
from samband.coordination.schemas import Discharge, ReadyForDischarge, SipInvitation, StayStatus
from samband.kit.time import STOCKHOLM, local_today
from samband.models import Patient
from samband.security.context import Context
from samband.security.roles import Permission
from samband.web.base import FormErrors, WebContext, attempt, parse_form, render
from samband.web.flow import FormData, blank, error_status

router = APIRouter(include_in_schema=False)

PATH = "/coordination"
MORNING_PATH = "/morning-list"
SHOWN = 200  # stays on one page
NOTICES = {
    "notice": "coordination.done.notice",
    "ready": "coordination.done.ready",
    "discharge": "coordination.done.discharge",
    "sip": "coordination.done.sip",
}


def personnummer(patient: Patient) -> str:
    digits = patient.personnummer
    return f"{digits[:8]}-{digits[8:]}" if len(digits) == 12 else digits


def overview_data(ctx: Context) -> dict[str, Any] | None:
    """The command centre's "Samordning vid utskrivning" card: its stays (None: not for this
    user)."""
    views = service.overview_section(ctx)
    if views is None:
        return None
    return {"stays": views, "personnummer": personnummer}


def _status(value: str | None) -> StayStatus:
    try:
        return StayStatus(value or StayStatus.OPEN.value)
    except ValueError:
        return StayStatus.OPEN


def _page(
    request: Request,
    ctx: Context,
    *,
    status: StayStatus,
    errors: FormErrors | None = None,
    failed: uuid.UUID | None = None,
    values: dict[str, str] | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    views, total = service.search(ctx, status=status, limit=SHOWN)
    return render(
        request,
        "coordination.html",
        ctx,
        status_code=status_code,
        stays=views,
        total=total,
        status=status.value,
        statuses=[s.value for s in StayStatus],
        actions={v.stay.id: service.actions(ctx, v) for v in views},
        recipients=service.names(ctx, views),
        personnummer=personnummer,
        today=local_today().isoformat(),
        errors=errors or FormErrors(),
        failed=failed,
        values=values or {},
        notice=notice,
    )


@router.get(PATH, response_class=HTMLResponse)
def coordination_page(request: Request, ctx: WebContext, status: str | None = None) -> Response:
    notice = NOTICES.get(request.query_params.get("notice", ""))
    return _page(request, ctx, status=_status(status), notice=notice)


def _moment(text: str | None) -> str | None:
    """A form's local date and time (datetime-local: no zone) as Stockholm time."""
    value = blank(text)
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return value  # the schema says what is wrong
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=STOCKHOLM)
    return parsed.isoformat()


def _act(
    request: Request,
    ctx: Context,
    stay_id: uuid.UUID,
    form: dict[str, str],
    name: str,
    errors: FormErrors,
    action: Callable[[], object] | None,
) -> Response:
    """Run one of the page's buttons: back to the list with a notice, or the page again with
    the refusal next to the stay (a 404 stays the answer: not the user's to see)."""
    ctx.actor.require(Permission.HOSPITAL_STAY_WRITE)
    status = _status(form.get("status"))
    if action is not None and not errors:
        done, errors = attempt(ctx, action, raise_not_found=True)
        if done is not None:
            return RedirectResponse(
                f"{PATH}?status={status.value}&notice={name}#stay-{stay_id}", status_code=303
            )
    values = {k: v for k, v in form.items() if k != "csrf_token"}
    return _page(
        request,
        ctx,
        status=status,
        errors=errors,
        failed=stay_id,
        values=values,
        status_code=error_status(errors),
    )


@router.post(PATH + "/{stay_id}/notice", response_model=None)
def send_notice(request: Request, ctx: WebContext, stay_id: uuid.UUID, form: FormData) -> Response:
    return _act(
        request,
        ctx,
        stay_id,
        form,
        "notice",
        FormErrors(),
        lambda: service.send_notice(ctx, stay_id),
    )


@router.post(PATH + "/{stay_id}/ready", response_model=None)
def set_ready(request: Request, ctx: WebContext, stay_id: uuid.UUID, form: FormData) -> Response:
    data, errors = parse_form(ReadyForDischarge, {"date": blank(form.get("date"))})
    action = (lambda: service.set_ready(ctx, stay_id, data)) if data is not None else None
    return _act(request, ctx, stay_id, form, "ready", errors, action)


@router.post(PATH + "/{stay_id}/discharge", response_model=None)
def discharge(request: Request, ctx: WebContext, stay_id: uuid.UUID, form: FormData) -> Response:
    data, errors = parse_form(
        Discharge, {"at": _moment(form.get("at")), "sip_needed": form.get("sip_needed") == "on"}
    )
    action = (lambda: service.discharge(ctx, stay_id, data)) if data is not None else None
    return _act(request, ctx, stay_id, form, "discharge", errors, action)


@router.post(PATH + "/{stay_id}/sip", response_model=None)
def invite_sip(request: Request, ctx: WebContext, stay_id: uuid.UUID, form: FormData) -> Response:
    data, errors = parse_form(SipInvitation, {"meeting_at": _moment(form.get("meeting_at"))})
    action = (lambda: service.invite_sip(ctx, stay_id, data)) if data is not None else None
    return _act(request, ctx, stay_id, form, "sip", errors, action)


@router.get(MORNING_PATH, response_class=HTMLResponse)
def morning_list_page(request: Request, ctx: WebContext) -> HTMLResponse:
    found = service.morning_list(ctx)
    return render(request, "morning_list.html", ctx, found=found, personnummer=personnummer)
