"""Physician requests (läkarkontakt) as pages (issue 13, decision 0018).

- ``/physician-requests``: the physician's inbox (requests to them first, then to their
  organisation's physicians; overdue ones in red at the top) and the nurse's sent requests
  with their answers.
- ``/physician-requests/{id}``: the request: SBAR, the vital signs attached, who has it,
  the history; the answer form for physicians (advice, medication change, home visit, video,
  admission, forward), withdrawing for the one who asked.
- ``/patients/{id}/ask-physician`` (also from a visit on /my-visits, with ``visit_id``): the
  ask form, made for a phone: *Kontakta läkare* on the patient page, one tap on the urgency,
  *Skicka*. The SBAR is prefilled from the latest vital signs, so nothing must be typed.
- ``overview_data``: the command centre's list of overdue requests.

No handler here is ``async def``: they do database work.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from samband.kit.time import STOCKHOLM, as_utc, utcnow
from samband.models import ObservationSet
from samband.pathways.definition import pathway_name
from samband.physicianrequests import routing, service
from samband.physicianrequests.schemas import (
    AnswerKind,
    Box,
    PhysicianRequestAnswer,
    PhysicianRequestCancel,
    PhysicianRequestCreate,
    Status,
    Urgency,
)
from samband.security.context import Context
from samband.security.roles import Permission
from samband.web.base import FormErrors, WebContext, attempt, language, parse_form, render
from samband.web.flow import FormData, blank, error_status
from samband.web.i18n import LANGUAGES, translate

router = APIRouter(include_in_schema=False)

PATH = "/physician-requests"
NOTICES = {"sent", "answered", "forwarded", "cancelled"}
URGENCIES = [u.value for u in Urgency]
ANSWER_KINDS = [k.value for k in AnswerKind]


def _notice(request: Request) -> str | None:
    notice = request.query_params.get("notice")
    return f"physician_request.notice.{notice}" if notice in NOTICES else None


def personnummer(digits: str) -> str:
    return f"{digits[:8]}-{digits[8:]}" if len(digits) == 12 else digits


def _common(ctx: Context) -> dict[str, Any]:
    return {
        "aware": as_utc,
        "personnummer": personnummer,
        "can_ask": ctx.actor.can(Permission.PHYSICIAN_REQUEST_SEND),
        "can_answer": ctx.actor.can(Permission.PHYSICIAN_REQUEST_ANSWER),
        "me": ctx.actor.user_id,
        "written_in": _written_in,
    }


def _written_in(r: Any, event: str) -> str:
    """` lang="sv"` for a text written in a known language (the pages say which, so that a
    reader's tools and the crawl treat it as that language), else nothing."""
    found = routing.written_in(r.history or [], event)
    return f' lang="{found}"' if found in LANGUAGES else ""


# -- the lists -----------------------------------------------------------------------------------


@router.get(PATH, response_class=HTMLResponse)
def list_page(request: Request, ctx: WebContext) -> HTMLResponse:
    if not (
        ctx.actor.can(Permission.PHYSICIAN_REQUEST_SEND)
        or ctx.actor.can(Permission.PHYSICIAN_REQUEST_ANSWER)
    ):
        ctx.actor.require(Permission.PHYSICIAN_REQUEST_SEND)
    inbox: list[service.RequestView] = []
    if ctx.actor.can(Permission.PHYSICIAN_REQUEST_ANSWER):
        inbox, _ = service.search(ctx, box=Box.INBOX, limit=200)
    sent, _ = service.search(ctx, box=Box.SENT, limit=200)
    return render(
        request,
        "physician_request_list.html",
        ctx,
        inbox=inbox,
        sent=sent,
        notice=_notice(request),
        **_common(ctx),
    )


# -- one request ---------------------------------------------------------------------------------


def _request_page(
    request: Request,
    ctx: Context,
    request_id: uuid.UUID,
    errors: FormErrors | None = None,
    values: dict[str, Any] | None = None,
) -> HTMLResponse:
    found = service.get(ctx, request_id)
    r = found.request
    errors = errors or FormErrors()
    is_open = r.status == Status.OPEN.value
    physicians = []
    slots: list[Any] = []
    if is_open and ctx.actor.can(Permission.PHYSICIAN_REQUEST_ANSWER):
        physicians = [p for p in service.physicians(ctx) if p.id != ctx.actor.user_id]
        slots = _slots(ctx)
    today = utcnow().astimezone(STOCKHOLM).date()
    return render(
        request,
        "physician_request_page.html",
        ctx,
        status_code=error_status(errors) if errors else 200,
        v=found,
        r=r,
        is_open=is_open,
        may_answer=is_open and ctx.actor.can(Permission.PHYSICIAN_REQUEST_ANSWER),
        may_cancel=is_open and r.asked_by_id == ctx.actor.user_id,
        physicians=physicians,
        slots=slots,
        tomorrow=(today + timedelta(days=1)).isoformat(),
        kinds=ANSWER_KINDS,
        vitals=r.vitals or {},
        errors=errors,
        values=values or {},
        notice=_notice(request),
        **_common(ctx),
    )


def _slots(ctx: Context) -> list[Any]:
    """The caller's organisation's physician visit slots, to book a home visit in (none
    when the physician visits' domain offers none)."""
    try:
        from samband.physicianvisits.service import list_slots
    except ImportError:  # pragma: no cover - the physician visits' domain is not there
        return []
    try:
        return list(list_slots(ctx))
    except Exception:  # noqa: BLE001 - a refusal there leaves the form without slots
        return []


@router.get(PATH + "/{request_id}", response_class=HTMLResponse)
def request_page(request: Request, ctx: WebContext, request_id: uuid.UUID) -> HTMLResponse:
    return _request_page(request, ctx, request_id)


@router.post(PATH + "/{request_id}/answer", response_model=None)
def answer(request: Request, ctx: WebContext, request_id: uuid.UUID, form: FormData) -> Response:
    kind = form.get("kind") or ""
    is_visit = kind == AnswerKind.HOME_VISIT.value
    data, errors = parse_form(
        PhysicianRequestAnswer,
        {
            "kind": kind,
            "text": blank(form.get("text")),
            "forward_to_user_id": blank(form.get("forward_to_user_id"))
            if kind == AnswerKind.FORWARDED.value
            else None,
            "slot_id": blank(form.get("slot_id")) if is_visit else None,
            "date": blank(form.get("date")) if is_visit and blank(form.get("slot_id")) else None,
        },
    )
    if data is not None:
        lang = language(request)
        done, errors = attempt(ctx, lambda: service.answer(ctx, request_id, data, language=lang))
        if done is not None:
            notice = "forwarded" if data.kind == AnswerKind.FORWARDED else "answered"
            return RedirectResponse(f"{PATH}/{request_id}?notice={notice}", status_code=303)
    return _request_page(request, ctx, request_id, errors, form)


@router.post(PATH + "/{request_id}/cancel", response_model=None)
def cancel(request: Request, ctx: WebContext, request_id: uuid.UUID, form: FormData) -> Response:
    data, errors = parse_form(PhysicianRequestCancel, {"reason": blank(form.get("reason"))})
    if data is not None:
        done, errors = attempt(ctx, lambda: service.cancel(ctx, request_id, data))
        if done is not None:
            return RedirectResponse(f"{PATH}/{request_id}?notice=cancelled", status_code=303)
    return _request_page(request, ctx, request_id, errors, form)


# -- asking --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Prefill:
    situation: str
    background: str
    assessment: str
    recommendation: str


def _vital_parts(found: ObservationSet, lang: str) -> list[str]:
    parts = []
    for key, value in (
        ("respiratory_rate", found.respiratory_rate),
        ("spo2", found.spo2),
        ("pulse", found.pulse),
        ("temperature", found.temperature),
    ):
        if value is not None:
            parts.append(translate(f"physician_request.prefill.{key}", lang, value=value))
    if found.systolic_bp is not None:
        parts.append(
            translate(
                "physician_request.prefill.blood_pressure",
                lang,
                systolic=found.systolic_bp,
                diastolic=found.diastolic_bp if found.diastolic_bp is not None else "–",
            )
        )
    if found.on_oxygen:
        parts.append(
            translate("physician_request.prefill.oxygen", lang, flow=found.oxygen_flow or "–")
        )
    if found.consciousness:
        parts.append(translate(f"acvpu.{found.consciousness}", lang))
    return parts


def prefill(form: service.AskForm, lang: str) -> Prefill:
    """The SBAR texts the form starts with, from the latest vital signs, the care the patient
    is in and the visit asked from, in the page's language."""
    found = form.observation
    situation: list[str] = []
    if form.visit is not None:
        situation.append(
            translate(
                "physician_request.prefill.at_visit",
                lang,
                time=as_utc(form.visit.window_start).astimezone(STOCKHOLM).strftime("%H:%M"),
            )
        )
    if found is not None:
        measured = as_utc(found.measured_at).astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M")
        parts = _vital_parts(found, lang)
        if found.news2_total is not None:
            parts.insert(
                0,
                translate(
                    "physician_request.prefill.news2",
                    lang,
                    score=found.news2_total,
                    risk=translate(f"risk.{found.news2_risk}", lang) if found.news2_risk else "–",
                ),
            )
        situation.append(
            translate(
                "physician_request.prefill.vitals", lang, values=", ".join(parts), at=measured
            )
        )
        if found.symptoms:
            situation.append(found.symptoms)
    else:
        situation.append(translate("physician_request.prefill.no_vitals", lang))
    background = []
    for episode in form.episodes:
        since = as_utc(episode.started_at or episode.created_at).astimezone(STOCKHOLM).date()
        if episode.kind == "home_health_care":
            background.append(
                translate("physician_request.prefill.enrolled", lang, since=since.isoformat())
            )
        else:
            background.append(
                translate(
                    "physician_request.prefill.hospital_at_home",
                    lang,
                    pathway=pathway_name(episode.pathway, lang),
                    since=since.isoformat(),
                )
            )
    if form.fixed_physician is not None:
        background.append(
            translate(
                "physician_request.prefill.fixed_physician",
                lang,
                name=form.fixed_physician.full_name,
            )
        )
    risk = found.news2_risk if found is not None else None
    assessment = (
        translate(f"physician_request.prefill.assessment.{risk}", lang, score=found.news2_total)
        if found is not None and risk in ("low", "low-medium", "medium", "high")
        else ""
    )
    return Prefill(
        situation=" ".join(situation),
        background=" ".join(background),
        assessment=assessment,
        recommendation=translate("physician_request.prefill.recommendation", lang),
    )


def _ask_page(
    request: Request,
    ctx: Context,
    patient_id: uuid.UUID,
    visit_id: uuid.UUID | None,
    errors: FormErrors | None = None,
    values: dict[str, Any] | None = None,
) -> HTMLResponse:
    form = service.ask_form(ctx, patient_id, visit_id=visit_id)
    lang = language(request)
    if values is None:
        texts = prefill(form, lang)
        values = {
            "situation": texts.situation,
            "background": texts.background,
            "assessment": texts.assessment,
            "recommendation": texts.recommendation,
        }
    errors = errors or FormErrors()
    return render(
        request,
        "physician_request_ask.html",
        ctx,
        status_code=error_status(errors) if errors else 200,
        f=form,
        patient=form.patient,
        visit_id=visit_id if form.visit is not None else None,
        urgencies=URGENCIES,
        errors=errors,
        values=values,
        **_common(ctx),
    )


def _visit_id(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


@router.get("/patients/{patient_id}/ask-physician", response_class=HTMLResponse)
def ask_page(request: Request, ctx: WebContext, patient_id: uuid.UUID) -> HTMLResponse:
    return _ask_page(request, ctx, patient_id, _visit_id(request.query_params.get("visit_id")))


@router.post("/patients/{patient_id}/ask-physician", response_model=None)
def ask(request: Request, ctx: WebContext, patient_id: uuid.UUID, form: FormData) -> Response:
    visit_id = _visit_id(form.get("visit_id"))
    data, errors = parse_form(
        PhysicianRequestCreate,
        {
            "patient_id": str(patient_id),
            "urgency": form.get("urgency") or "",
            "situation": blank(form.get("situation")),
            "background": blank(form.get("background")),
            "assessment": blank(form.get("assessment")),
            "recommendation": blank(form.get("recommendation")),
            "visit_id": str(visit_id) if visit_id else None,
        },
    )
    if data is not None:
        lang = language(request)
        done, errors = attempt(ctx, lambda: service.ask(ctx, data, language=lang))
        if done is not None:
            return RedirectResponse(f"{PATH}/{done.id}?notice=sent", status_code=303)
    return _ask_page(request, ctx, patient_id, visit_id, errors, form)


# -- the overview --------------------------------------------------------------------------------


@dataclass(frozen=True)
class OverviewData:
    requests: list[service.RequestView]
    personnummer: Any = personnummer
    aware: Any = as_utc
    written_in: Any = _written_in


def overview_data(ctx: Context) -> OverviewData | None:
    """Overdue physician requests to or from the caller's organisation, for the command
    centre (None: the role reads no patient data)."""
    if not ctx.actor.can(Permission.PATIENT_READ) or ctx.actor.is_social_services:
        return None
    return OverviewData(requests=service.overdue_overview(ctx))
