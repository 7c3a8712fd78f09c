"""Deviations (avvikelser) as pages (issue 14, docs/deviations.md).

- ``/deviations``: the list for the caller's organisation — concerning us (to handle) and
  reported by us — with filters (status, category, consequence, Lex Maria).
- ``/deviations/{id}``: the deviation, its answer and measures, the Lex Maria flag and the
  decision, the history; the forms to investigate, answer (with up to three measures),
  close, flag, decide, and link it to a pilot's barrier log.
- ``/patients/{id}/deviations/new``: the report form, made for a phone (from the patient
  page's card *Avvikelser*: ``patient_section``).
- ``/deviations/summary`` (+ ``.csv``): counts per pathway, organisation and category.
- ``/admin/users/{id}/patient-safety-role``: an administrator sets the chief physician / MAS.

The same services as the API. No handler here is ``async def``: they do database work.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from samband.deviations import service
from samband.deviations import summary as summaries
from samband.deviations.schemas import (
    Box,
    Category,
    Consequence,
    DeviationAnswer,
    DeviationClose,
    DeviationCreate,
    DeviationInvestigate,
    LexMariaDecision,
    LexMariaDecisionKind,
    LexMariaFlag,
    PatientSafetyRole,
    PilotClassification,
    PilotLink,
    Status,
)
from samband.kit.errors import InvalidInput, problem
from samband.kit.time import STOCKHOLM, as_utc, utcnow
from samband.models import Episode, Patient
from samband.pathways.definition import pathway_name, registry
from samband.security.context import Context
from samband.security.roles import Permission
from samband.web.base import FormErrors, WebContext, attempt, language, parse_form, render
from samband.web.flow import FormData, blank, error_status
from samband.web.i18n import LANGUAGES
from samband.web.sections import Section

router = APIRouter(include_in_schema=False)

PATH = "/deviations"
NOTICES = {"reported", "investigating", "answered", "closed", "flagged", "decided", "linked"}
MEASURE_ROWS = 3
CATEGORIES = [c.value for c in Category]
CONSEQUENCES = [c.value for c in Consequence]
STATUSES = [s.value for s in Status]
CLASSIFICATIONS = [c.value for c in PilotClassification]


def _notice(request: Request) -> str | None:
    notice = request.query_params.get("notice")
    return f"deviation.notice.{notice}" if notice in NOTICES else None


def personnummer(digits: str) -> str:
    return f"{digits[:8]}-{digits[8:]}" if len(digits) == 12 else digits


def _written_in(d: Any, event: str) -> str:
    """` lang="sv"` for texts written in a known language, else nothing."""
    found = service.written_in(d, event)
    return f' lang="{found}"' if found in LANGUAGES else ""


def _common() -> dict[str, Any]:
    return {"aware": as_utc, "personnummer": personnummer, "written_in": _written_in}


def _choice(value: str | None, allowed: list[str]) -> str | None:
    return value if value in allowed else None


# -- the list ------------------------------------------------------------------------------------


@router.get(PATH, response_class=HTMLResponse)
def list_page(request: Request, ctx: WebContext) -> HTMLResponse:
    q = request.query_params
    box = _choice(q.get("box"), [b.value for b in Box])
    status = _choice(q.get("status"), STATUSES)
    category = _choice(q.get("category"), CATEGORIES)
    consequence = _choice(q.get("consequence"), CONSEQUENCES)
    lex_maria = True if q.get("lex_maria") == "yes" else None
    rows, total = service.search(
        ctx,
        box=Box(box) if box else None,
        status=status,
        category=category,
        consequence=consequence,
        lex_maria=lex_maria,
        limit=200,
    )
    return render(
        request,
        "deviation_list.html",
        ctx,
        rows=rows,
        total=total,
        chosen={
            "box": box or "",
            "status": status or "",
            "category": category or "",
            "consequence": consequence or "",
            "lex_maria": "yes" if lex_maria else "",
        },
        statuses=STATUSES,
        categories=CATEGORIES,
        consequences=CONSEQUENCES,
        me=ctx.actor.organisation_id,
        notice=_notice(request),
        **_common(),
    )


# -- the summary ---------------------------------------------------------------------------------


def _date(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(problem("deviation.bad_date", field=name, value=value)) from None


def _summary_filters(request: Request) -> tuple[dict[str, Any], FormErrors]:
    q = request.query_params
    errors = FormErrors()
    found: dict[str, Any] = {}
    for name in ("period_from", "period_to"):
        try:
            found[name] = _date(blank(q.get(name)), name)
        except InvalidInput as exc:
            errors.fields[name] = exc.problem or exc.message
            found[name] = None
    found["pathway"] = _choice(q.get("pathway"), list(registry()))
    found["category"] = _choice(q.get("category"), CATEGORIES)
    organisation = q.get("organisation_id")
    try:
        found["organisation_id"] = uuid.UUID(organisation) if organisation else None
    except ValueError:
        found["organisation_id"] = None
    return found, errors


@router.get(PATH + "/summary", response_class=HTMLResponse)
def summary_page(request: Request, ctx: WebContext) -> HTMLResponse:
    lang = language(request)
    filters, errors = _summary_filters(request)
    found = None
    if not errors:
        found, errors = attempt(ctx, lambda: service.summarise(ctx, lang=lang, **filters))
    query = "&".join(f"{k}={v}" for k, v in request.query_params.items() if k in filters and v)
    return render(
        request,
        "deviation_summary.html",
        ctx,
        status_code=error_status(errors) if errors else 200,
        s=found,
        errors=errors,
        chosen={k: ("" if v is None else str(v)) for k, v in filters.items()},
        pathways=[(key, pathway_name(key, lang)) for key in registry()],
        organisations=service.organisations_for_filter(ctx),
        categories=CATEGORIES,
        statuses=summaries.STATUSES,
        consequences=summaries.CONSEQUENCES,
        csv_url=PATH + "/summary.csv" + (f"?{query}" if query else ""),
    )


@router.get(PATH + "/summary.csv", response_model=None)
def summary_csv(request: Request, ctx: WebContext) -> Response:
    filters, errors = _summary_filters(request)
    if errors:
        field, found = next(iter(errors.fields.items()))
        raise InvalidInput(found if not isinstance(found, str) else problem(found), field=field)
    report = service.summarise(ctx, lang=language(request), **filters)
    return Response(
        summaries.to_csv(report),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="samband-deviations.csv"'},
    )


# -- one deviation -------------------------------------------------------------------------------


def _pilots(ctx: Context) -> list[Any]:
    """The caller's organisation's pilots, to link a deviation to (none without
    ``pilot:write``)."""
    if not ctx.actor.can(Permission.PILOT_WRITE):
        return []
    from samband.pilots import service as pilots

    return list(pilots.list_pilots(ctx))


def _deviation_page(
    request: Request,
    ctx: Context,
    deviation_id: uuid.UUID,
    errors: FormErrors | None = None,
    values: dict[str, Any] | None = None,
    failed: str | None = None,
) -> HTMLResponse:
    v = service.get(ctx, deviation_id)
    d = v.deviation
    errors = errors or FormErrors()
    concerned = ctx.actor.organisation_id == d.concerned_organisation_id
    handler = concerned and ctx.actor.can(Permission.DEVIATION_HANDLE)
    return render(
        request,
        "deviation_page.html",
        ctx,
        status_code=error_status(errors) if errors else 200,
        v=v,
        d=d,
        may_investigate=handler and d.status == Status.REPORTED.value,
        may_answer=handler and d.status == Status.INVESTIGATING.value,
        may_close=handler and d.status == Status.ANSWERED.value,
        may_flag=not d.lex_maria and ctx.actor.can(Permission.DEVIATION_REPORT),
        may_decide=handler and d.lex_maria and d.lex_maria_decision is None,
        pilots=_pilots(ctx) if d.pilot_log_entry_id is None else [],
        classifications=CLASSIFICATIONS,
        measure_rows=range(1, MEASURE_ROWS + 1),
        decisions=[k.value for k in LexMariaDecisionKind],
        errors=errors,
        values=values or {},
        failed=failed,
        notice=_notice(request),
        **_common(),
    )


@router.get(PATH + "/{deviation_id}", response_class=HTMLResponse)
def deviation_page(request: Request, ctx: WebContext, deviation_id: uuid.UUID) -> HTMLResponse:
    return _deviation_page(request, ctx, deviation_id)


def _attempt(ctx: Context, action: Any) -> tuple[Any, FormErrors]:
    """``attempt``, with a refused step (field ``status``, which no form has) shown as the
    form's general error."""
    done, errors = attempt(ctx, action)
    if "status" in errors.fields:
        errors.fields[""] = errors.fields.pop("status")
    return done, errors


def _done(deviation_id: uuid.UUID, notice: str) -> RedirectResponse:
    return RedirectResponse(f"{PATH}/{deviation_id}?notice={notice}", status_code=303)


@router.post(PATH + "/{deviation_id}/investigate", response_model=None)
def investigate(
    request: Request, ctx: WebContext, deviation_id: uuid.UUID, form: FormData
) -> Response:
    lang = language(request)
    data, errors = parse_form(DeviationInvestigate, {"note": blank(form.get("note"))})
    if data is not None:
        done, errors = _attempt(
            ctx, lambda: service.investigate(ctx, deviation_id, data, language=lang)
        )
        if done is not None:
            return _done(deviation_id, "investigating")
    return _deviation_page(request, ctx, deviation_id, errors, form, "investigate")


def _measures(form: dict[str, str]) -> list[dict[str, Any]]:
    """The filled rows of the measures (a row left empty is no measure)."""
    found = []
    for n in range(1, MEASURE_ROWS + 1):
        row = {
            "what": blank(form.get(f"what_{n}")),
            "responsible": blank(form.get(f"responsible_{n}")),
            "due_on": blank(form.get(f"due_on_{n}")),
        }
        if any(row.values()):
            found.append(row)
    return found


def _measure_field(loc: str) -> str:
    """``measures.0.what`` → ``what_1`` (the form's field)."""
    parts = loc.split(".")
    if len(parts) == 3 and parts[0] == "measures" and parts[1].isdigit():
        return f"{parts[2]}_{int(parts[1]) + 1}"
    return loc


@router.post(PATH + "/{deviation_id}/answer", response_model=None)
def answer(request: Request, ctx: WebContext, deviation_id: uuid.UUID, form: FormData) -> Response:
    lang = language(request)
    measures = _measures(form)
    data, errors = parse_form(
        DeviationAnswer, {"answer": blank(form.get("answer")), "measures": measures}
    )
    if errors:
        errors.fields = {_measure_field(k): v for k, v in errors.fields.items()}
    if data is not None:
        done, errors = _attempt(ctx, lambda: service.answer(ctx, deviation_id, data, language=lang))
        if done is not None:
            return _done(deviation_id, "answered")
    return _deviation_page(request, ctx, deviation_id, errors, form, "answer")


@router.post(PATH + "/{deviation_id}/close", response_model=None)
def close(request: Request, ctx: WebContext, deviation_id: uuid.UUID, form: FormData) -> Response:
    lang = language(request)
    data, errors = parse_form(DeviationClose, {"closing_note": blank(form.get("closing_note"))})
    if data is not None:
        done, errors = _attempt(ctx, lambda: service.close(ctx, deviation_id, data, language=lang))
        if done is not None:
            return _done(deviation_id, "closed")
    return _deviation_page(request, ctx, deviation_id, errors, form, "close")


@router.post(PATH + "/{deviation_id}/lex-maria", response_model=None)
def flag(request: Request, ctx: WebContext, deviation_id: uuid.UUID, form: FormData) -> Response:
    lang = language(request)
    data, errors = parse_form(LexMariaFlag, {"reason": blank(form.get("reason"))})
    if data is not None:
        done, errors = _attempt(
            ctx, lambda: service.flag_lex_maria(ctx, deviation_id, data, language=lang)
        )
        if done is not None:
            return _done(deviation_id, "flagged")
    return _deviation_page(request, ctx, deviation_id, errors, form, "flag")


@router.post(PATH + "/{deviation_id}/lex-maria/decision", response_model=None)
def decide(request: Request, ctx: WebContext, deviation_id: uuid.UUID, form: FormData) -> Response:
    lang = language(request)
    decision = form.get("decision") or ""
    data, errors = parse_form(
        LexMariaDecision,
        {
            "decision": decision,
            "reported_on": blank(form.get("reported_on"))
            if decision == LexMariaDecisionKind.REPORTED.value
            else None,
            "reason": blank(form.get("decision_reason")),
        },
    )
    if errors and "reason" in errors.fields:
        errors.fields["decision_reason"] = errors.fields.pop("reason")
    if data is not None:
        done, errors = _attempt(
            ctx, lambda: service.decide_lex_maria(ctx, deviation_id, data, language=lang)
        )
        if done is not None:
            return _done(deviation_id, "decided")
    return _deviation_page(request, ctx, deviation_id, errors, form, "decide")


@router.post(PATH + "/{deviation_id}/pilot-link", response_model=None)
def link_pilot(
    request: Request, ctx: WebContext, deviation_id: uuid.UUID, form: FormData
) -> Response:
    data, errors = parse_form(
        PilotLink,
        {
            "pilot_id": blank(form.get("pilot_id")),
            "classification": form.get("classification") or "",
            "description": blank(form.get("pilot_description")),
        },
    )
    if errors and "description" in errors.fields:
        errors.fields["pilot_description"] = errors.fields.pop("description")
    if data is not None:
        done, errors = _attempt(ctx, lambda: service.link_pilot(ctx, deviation_id, data))
        if done is not None:
            return _done(deviation_id, "linked")
    return _deviation_page(request, ctx, deviation_id, errors, form, "link")


# -- reporting -----------------------------------------------------------------------------------


def _now_local() -> str:
    return utcnow().astimezone(STOCKHOLM).strftime("%Y-%m-%dT%H:%M")


def _report_page(
    request: Request,
    ctx: Context,
    patient_id: uuid.UUID,
    errors: FormErrors | None = None,
    values: dict[str, Any] | None = None,
) -> HTMLResponse:
    form = service.report_form(ctx, patient_id)
    lang = language(request)
    if values is None:
        open_episode = next((e for e in form.episodes if e.ended_at is None), None)
        values = {
            "occurred_at": _now_local(),
            "episode_id": str(open_episode.id) if open_episode else "",
            "concerned_organisation_id": str(form.own_organisation_id),
            "consequence": "",
        }
    errors = errors or FormErrors()
    return render(
        request,
        "deviation_report.html",
        ctx,
        status_code=error_status(errors) if errors else 200,
        f=form,
        episodes=[(e.id, _episode_label(e, lang)) for e in form.episodes],
        categories=CATEGORIES,
        consequences=CONSEQUENCES,
        errors=errors,
        values=values,
        **_common(),
    )


def _episode_label(episode: Episode, lang: str) -> str:
    since = as_utc(episode.started_at or episode.created_at).astimezone(STOCKHOLM).date()
    return f"{pathway_name(episode.pathway, lang)} · {since.isoformat()}"


def _local_time(value: str | None) -> str | None:
    """A ``datetime-local`` value (Stockholm time) as an ISO time with its offset; anything
    else is passed on for the schema to refuse."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return value
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=STOCKHOLM)
    return parsed.isoformat()


@router.get("/patients/{patient_id}/deviations/new", response_class=HTMLResponse)
def report_page(request: Request, ctx: WebContext, patient_id: uuid.UUID) -> HTMLResponse:
    return _report_page(request, ctx, patient_id)


@router.post("/patients/{patient_id}/deviations", response_model=None)
def report(request: Request, ctx: WebContext, patient_id: uuid.UUID, form: FormData) -> Response:
    lang = language(request)
    lex_maria = form.get("lex_maria") == "on"
    data, errors = parse_form(
        DeviationCreate,
        {
            "patient_id": str(patient_id),
            "episode_id": blank(form.get("episode_id")),
            "category": form.get("category") or "",
            "occurred_at": _local_time(blank(form.get("occurred_at"))),
            "description": blank(form.get("description")),
            "consequence": form.get("consequence") or "",
            "immediate_action": blank(form.get("immediate_action")),
            "concerned_organisation_id": blank(form.get("concerned_organisation_id")),
            "lex_maria": lex_maria,
            "lex_maria_reason": blank(form.get("lex_maria_reason")) if lex_maria else None,
        },
    )
    if data is not None:
        done, errors = attempt(ctx, lambda: service.report(ctx, data, language=lang))
        if done is not None:
            return _done(done.id, "reported")
    return _report_page(request, ctx, patient_id, errors, form)


# -- the administrator sets the responsible role -------------------------------------------------


@router.post("/admin/users/{user_id}/patient-safety-role", response_model=None)
def set_patient_safety_role(
    request: Request, ctx: WebContext, user_id: uuid.UUID, form: FormData
) -> Response:
    raw = form.get("patient_safety_role") or ""
    choices = [r.value for r in PatientSafetyRole]
    if raw and raw not in choices:
        raise InvalidInput(
            problem(
                "deviation.safety_role_unknown",
                field="patient_safety_role",
                role=raw,
                allowed=", ".join(choices),
            )
        )
    role = PatientSafetyRole(raw) if raw else None
    service.set_patient_safety_role(ctx, user_id, role)
    return RedirectResponse(f"/admin/users/{user_id}?notice=updated", status_code=303)


# -- the patient page's card ---------------------------------------------------------------------


def patient_section(
    ctx: Context, patient: Patient, episode: Episode | None, lang: str
) -> Section | None:
    """The patient's deviations the caller's organisation reported or is concerned by, and
    the link to report one (None: the role reports no deviation)."""
    if not ctx.actor.can(Permission.DEVIATION_REPORT):
        return None
    rows = service.of_patient(ctx, patient.id)
    return Section(
        "_deviation_patient.html",
        {"rows": rows, "patient_id": patient.id, "aware": as_utc},
    )
