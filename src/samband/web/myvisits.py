"""*Mina besök idag*: the start page of a nurse or an assistant nurse who makes home visits.

Her own visits of today (those a published day plan gave her, and those she started), the
one under way first, then the next ones in time order; the finished ones (done, missed)
after, folded away. Each visit shows the patient (name and personnummer on one line), the
address with a map link, the phone as a ``tel:`` link, what to do (for a medication visit
the drug and dose from the medication list) and, in reach of a thumb, full-width buttons:
*Påbörja*, *Mät vitalparametrar* (the patient's vital-signs form, back here after saving) and
*Klar*.

The same services as the day plan (``visits.service``: the status moves, their rules and the
access log). A role that makes no visits (``visit:update``) gets the 403 page.

No handler here is ``async def``: they do database work (FastAPI runs a plain ``def`` in its
thread pool).
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict

from samband.kit.time import local_today
from samband.models import Patient
from samband.security.context import Context
from samband.security.roles import Permission
from samband.visits import service
from samband.visits.schemas import StatusMove, VisitStatusChange
from samband.web.base import FormErrors, WebContext, attempt, language, parse_form, render
from samband.web.flow import FormData, error_status
from samband.web.sections import visit_sections

router = APIRouter(include_in_schema=False)

PATH = "/my-visits"
BUTTONS = (StatusMove.STARTED, StatusMove.DONE)  # Påbörja, Klar
NOTICES = {*(f"visit_{m.value}" for m in BUTTONS), "observation_saved"}


class MoveForm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to: StatusMove


@router.get(PATH, response_class=HTMLResponse)
def my_visits_page(request: Request, ctx: WebContext) -> HTMLResponse:
    notice = request.query_params.get("notice")
    return _page(request, ctx, notice=f"myvisits.notice.{notice}" if notice in NOTICES else None)


@router.post(PATH + "/{visit_id}/status", response_model=None)
def move_visit(request: Request, ctx: WebContext, visit_id: uuid.UUID, form: FormData) -> Response:
    """Påbörja or Klar on one of one's own visits (the service checks whose it is)."""
    ctx.actor.require(Permission.VISIT_UPDATE)  # the page's own rule: staff who make visits
    data, errors = parse_form(MoveForm, {"to": form.get("to") or None})
    if data is not None and data.to in BUTTONS:
        change = VisitStatusChange(to=data.to)
        moved, errors = attempt(
            ctx, lambda: service.change_status(ctx, visit_id, change), raise_not_found=True
        )
        if moved is not None:
            return RedirectResponse(
                f"{PATH}?notice=visit_{data.to.value}#visit-{visit_id}", status_code=303
            )
    errors = _refusal(errors)
    return _page(request, ctx, errors=errors, status_code=error_status(errors))


def _refusal(errors: FormErrors) -> FormErrors:
    """The buttons have no field to show an error next to: the reason for the page."""
    message = errors.general or next(iter(errors.fields.values()), None)
    return FormErrors({"": message}, reasons=errors.reasons) if message else errors


def personnummer(patient: Patient) -> str:
    """ÅÅÅÅMMDD-NNNN (kept on one line by the page)."""
    digits = patient.personnummer
    return f"{digits[:8]}-{digits[8:]}" if len(digits) == 12 else digits


def map_link(patient: Patient) -> str | None:
    if patient.latitude is None or patient.longitude is None:
        return None
    lat, lon = patient.latitude, patient.longitude
    return (
        f"https://www.openstreetmap.org/?mlat={lat:.5f}&mlon={lon:.5f}#map=17/{lat:.5f}/{lon:.5f}"
    )


def _page(
    request: Request,
    ctx: Context,
    *,
    errors: FormErrors | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    today = local_today()
    visits = service.my_visits(ctx, today)
    ahead = [v for v in visits if not v.finished]
    finished = [v for v in visits if v.finished]
    return render(
        request,
        "my_visits.html",
        ctx,
        status_code=status_code,
        today=today,
        ahead=ahead,
        finished=finished,
        errors=errors or FormErrors(),
        notice=notice,
        back=PATH,
        personnummer=personnummer,
        map_link=map_link,
        can_record=ctx.actor.can(Permission.OBSERVATION_WRITE),
        # issue 14: the areas' blocks in each visit's card (web/sections.py)
        sections=visit_sections(ctx, [v.visit for v in visits], language(request)),
    )
