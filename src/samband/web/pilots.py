"""Pilots (learning follow-up, *expeditioner*, docs/pilots.md) on the pages (issue 14).

- ``/pilots``: the pilots the caller's organisation takes part in; *Ny pilot* for
  ``pilot:write``; a link to other organisations' finished pilots.
- ``/pilots/finished``: other organisations' finished pilots (the period has ended), their
  purpose, assumptions and log in numbers: to learn from, read only.
- ``/pilots/new`` and ``/pilots/{id}/edit``: the pilot's form (name, purpose, scope, period,
  comparison, organisations taking part, assumptions when created, next iteration).
- ``/pilots/{id}``: the report (moved here from web/outcomes.py): the care form's results
  next to the comparison, and what was learnt: assumptions, barriers and enablers by class,
  unintended effects, patient stories, observations. For those who may edit it, the forms
  to add a log entry or an assumption and to mark an assumption confirmed or refuted; for
  another organisation (a finished pilot) the same page read only.

The same services as the API (``pilots.service``); bad input shows the form again with the
problems next to the fields (422) and nothing written; a refusal is the 403 / 404 page.
No handler here is ``async def``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from samband.kit.errors import Problem
from samband.kit.time import local_today
from samband.models import Pilot
from samband.outcomes import service as outcomes
from samband.outcomes.indicators import BY_NAME
from samband.pathways.definition import registry
from samband.pilots import service
from samband.pilots.schemas import (
    AssumptionCreate,
    AssumptionStatus,
    AssumptionUpdate,
    Classification,
    ComparisonKind,
    EntryKind,
    LogEntryCreate,
    Phase,
    PilotCreate,
    PilotUpdate,
    ToldBy,
    Valence,
)
from samband.security.context import Context
from samband.security.roles import Permission
from samband.web.admin import FormLists
from samband.web.base import FormErrors, WebContext, attempt, language, parse_form, render
from samband.web.flow import FormData, blank, error_status, lines
from samband.web.outcomes import Row, definition, indicator_name, shown

router = APIRouter(include_in_schema=False)

PATH = "/pilots"
TYPES = ("early_supported_discharge", "admission_avoidance")
NOTICES = {"created", "saved", "logged", "assumption_added", "assumption_saved"}
# the lists of the pilot's form (read as lists: a checkbox per choice)
LIST_FIELDS = ("organisations", "pathways", "episode_types")


def _notice(request: Request) -> str | None:
    notice = request.query_params.get("notice")
    return f"pilots.notice.{notice}" if notice in NOTICES else None


def _names(ctx: Context) -> dict[str, str]:
    """Organisation code → name (the directory: every organisation may read it)."""
    return dict(outcomes.organisations_to_filter(ctx))


def _organisations(ctx: Context, pilot: Pilot, names: dict[str, str]) -> list[str]:
    codes = service.organisation_codes(ctx, pilot)
    return [
        names.get(codes[o.organisation_id], codes[o.organisation_id]) for o in pilot.organisations
    ]


# -- the lists -----------------------------------------------------------------------------------


@router.get(PATH, response_class=HTMLResponse)
def list_page(request: Request, ctx: WebContext) -> HTMLResponse:
    found = service.list_pilots(ctx)
    names = _names(ctx)
    return render(
        request,
        "pilot_list.html",
        ctx,
        pilots=[(p, _organisations(ctx, p, names), service.is_finished(p)) for p in found],
        may_create=ctx.actor.can(Permission.PILOT_WRITE),
        notice=_notice(request),
    )


@dataclass(frozen=True)
class Finished:
    pilot: Pilot
    organisations: list[str]
    assumptions: dict[str, int]
    log: dict[str, int]


@router.get(PATH + "/finished", response_class=HTMLResponse)
def finished_page(request: Request, ctx: WebContext) -> HTMLResponse:
    """Other organisations' finished pilots: what they tried, what they learnt (read only)."""
    names = _names(ctx)
    rows = []
    for p in service.finished_of_others(ctx):
        assumptions = {s.value: 0 for s in AssumptionStatus}
        for a in p.assumptions:
            assumptions[a.status] = assumptions.get(a.status, 0) + 1
        log = {k.value: 0 for k in EntryKind}
        for e in p.log:
            log[e.kind] = log.get(e.kind, 0) + 1
        rows.append(Finished(p, _organisations(ctx, p, names), assumptions, log))
    return render(request, "pilot_finished.html", ctx, rows=rows)


# -- the pilot's form ----------------------------------------------------------------------------


def _one(form: dict[str, list[str]], name: str) -> str:
    values = form.get(name) or [""]
    return values[-1].strip()


def _codes(text: str) -> list[str]:
    return [c.strip() for c in text.replace("\n", ",").split(",") if c.strip()]


def _body(form: dict[str, list[str]], *, new: bool, lang: str) -> dict[str, Any]:
    """The form as the API takes it: empty fields are "not given", the schema and the
    service say what is missing or wrong. A new pilot's texts are in the page's language."""
    kind = _one(form, "comparison_kind") or None
    body: dict[str, Any] = {
        "name": _one(form, "name") or None,
        "purpose": _one(form, "purpose") or None,
        "organisations": [c for c in form.get("organisations", []) if c.strip()],
        "pathways": [c for c in form.get("pathways", []) if c.strip()],
        "episode_types": [c for c in form.get("episode_types", []) if c.strip()],
        "units": _codes(_one(form, "units")),
        "period_start": _one(form, "period_start") or None,
        "period_end": _one(form, "period_end") or None,
        "comparison_kind": kind,
        "comparison_start": _one(form, "comparison_start") or None,
        "comparison_end": _one(form, "comparison_end") or None,
        "comparison_organisation": _one(form, "comparison_organisation") or None,
    }
    if kind == ComparisonKind.UNIT.value:
        body["comparison_start"] = body["comparison_end"] = None
    elif kind == ComparisonKind.PERIOD.value:
        body["comparison_organisation"] = None
    if new:
        body["assumptions"] = lines(_one(form, "assumptions"))
        body["language"] = lang
    else:
        body["next_iteration"] = blank(_one(form, "next_iteration"))
    return body


def _field_errors(errors: FormErrors) -> FormErrors:
    """Each problem next to its field: a list's on the list (``organisations.2`` →
    ``organisations``), a rule across fields on the field its problem names."""
    out = FormErrors(reasons=errors.reasons)
    for name, message in errors.fields.items():
        if not name and isinstance(message, Problem) and message.field:
            name = message.field
        out.fields.setdefault(name.split(".")[0], message)
    return out


def _form_page(
    request: Request,
    ctx: Context,
    *,
    pilot: Pilot | None,
    values: dict[str, Any],
    errors: FormErrors | None = None,
) -> HTMLResponse:
    lang = language(request)
    names = _names(ctx)
    fixed: list[str] = [ctx.actor.organisation_code]
    if pilot is not None:
        codes = service.organisation_codes(ctx, pilot)
        fixed = list(dict.fromkeys([codes[pilot.organisations[0].organisation_id], *fixed]))
    errors = errors or FormErrors()
    return render(
        request,
        "pilot_form.html",
        ctx,
        status_code=error_status(errors) if errors else 200,
        pilot=pilot,
        values=values,
        errors=errors,
        fixed=[(c, names.get(c, c)) for c in fixed],
        choices=[(c, n) for c, n in names.items() if c not in fixed],
        everyone=list(names.items()),
        pathways=sorted((p.short_name(lang), key) for key, p in registry().items()),
        types=TYPES,
        kinds=[k.value for k in ComparisonKind],
    )


def _values_of(ctx: Context, pilot: Pilot) -> dict[str, Any]:
    codes = service.organisation_codes(ctx, pilot)
    return {
        "name": pilot.name,
        "purpose": pilot.purpose,
        "organisations": [codes[o.organisation_id] for o in pilot.organisations],
        "pathways": list(pilot.pathways),
        "episode_types": list(pilot.episode_types),
        "units": ", ".join(pilot.units),
        "period_start": pilot.period_start.isoformat(),
        "period_end": pilot.period_end.isoformat(),
        "comparison_kind": pilot.comparison_kind,
        "comparison_start": pilot.comparison_start.isoformat() if pilot.comparison_start else "",
        "comparison_end": pilot.comparison_end.isoformat() if pilot.comparison_end else "",
        "comparison_organisation": codes.get(pilot.comparison_organisation_id)
        if pilot.comparison_organisation_id
        else "",
        "next_iteration": pilot.next_iteration or "",
    }


def _shown_values(form: dict[str, list[str]]) -> dict[str, Any]:
    """What was typed, to show again."""
    values: dict[str, Any] = {k: _one(form, k) for k in form if k not in LIST_FIELDS}
    for name in LIST_FIELDS:
        values[name] = [c for c in form.get(name, []) if c.strip()]
    return values


@router.get(PATH + "/new", response_class=HTMLResponse)
def new_page(request: Request, ctx: WebContext) -> HTMLResponse:
    ctx.actor.require(Permission.PILOT_WRITE)
    today = local_today()
    values = {
        "period_start": today.isoformat(),
        "comparison_kind": ComparisonKind.PERIOD.value,
        "organisations": [],
        "pathways": [],
        "episode_types": [],
    }
    return _form_page(request, ctx, pilot=None, values=values)


@router.post(PATH + "/new", response_model=None)
def create(request: Request, ctx: WebContext, form: FormLists) -> Response:
    ctx.actor.require(Permission.PILOT_WRITE)
    data, errors = parse_form(PilotCreate, _body(form, new=True, lang=language(request)))
    if data is not None:
        done, errors = attempt(ctx, lambda: service.create(ctx, data))
        if done is not None:
            return RedirectResponse(f"{PATH}/{done.id}?notice=created", status_code=303)
    return _form_page(
        request, ctx, pilot=None, values=_shown_values(form), errors=_field_errors(errors)
    )


@router.get(PATH + "/{pilot_id}/edit", response_class=HTMLResponse)
def edit_page(request: Request, ctx: WebContext, pilot_id: uuid.UUID) -> HTMLResponse:
    pilot = service.get(ctx, pilot_id, write=True, lock=False)
    return _form_page(request, ctx, pilot=pilot, values=_values_of(ctx, pilot))


@router.post(PATH + "/{pilot_id}/edit", response_model=None)
def edit(request: Request, ctx: WebContext, pilot_id: uuid.UUID, form: FormLists) -> Response:
    pilot = service.get(ctx, pilot_id, write=True, lock=False)
    data, errors = parse_form(PilotUpdate, _body(form, new=False, lang=language(request)))
    if data is not None:
        done, errors = attempt(ctx, lambda: service.update(ctx, pilot_id, data))
        if done is not None:
            return RedirectResponse(f"{PATH}/{pilot_id}?notice=saved", status_code=303)
    return _form_page(
        request, ctx, pilot=pilot, values=_shown_values(form), errors=_field_errors(errors)
    )


# -- the report, the log and the assumptions -----------------------------------------------------


def _pilot_page(
    request: Request,
    ctx: Context,
    pilot_id: uuid.UUID,
    *,
    errors: dict[str, FormErrors] | None = None,
    values: dict[str, dict[str, str]] | None = None,
) -> HTMLResponse:
    lang = language(request)
    r = service.report(ctx, pilot_id)
    rows = [
        Row(
            n,
            indicator_name(n, lang),
            definition(n, lang),
            shown(_value(r.results, n), _unit(n), lang, r.results.costs.currency),
            shown(_value(r.comparison, n), _unit(n), lang, r.comparison.costs.currency),
        )
        for n in service.REPORT_INDICATORS
        if n in BY_NAME
    ]
    errors = errors or {}
    return render(
        request,
        "pilot.html",
        ctx,
        status_code=max((error_status(e) for e in errors.values() if e), default=200),
        r=r,
        pilot=r.pilot,
        rows=rows,
        organisations=_organisations(ctx, r.pilot, _names(ctx)),
        may_edit=service.may_edit(ctx, r.pilot),
        errors=errors,
        empty=FormErrors(),
        log_errors=errors.get("log") or FormErrors(),
        assumption_errors=errors.get("assumption") or FormErrors(),
        values=values or {},
        today=local_today().isoformat(),
        entry_kinds=[k.value for k in EntryKind],
        classes=[c.value for c in Classification],
        phases=[p.value for p in Phase],
        valences=[v.value for v in Valence],
        tellers=[t.value for t in ToldBy],
        statuses=[s.value for s in AssumptionStatus],
        notice=_notice(request),
    )


def _value(report: Any, name: str) -> float | None:
    v = report.value(name)
    return v.value if v else None


def _unit(name: str) -> str:
    return BY_NAME[name].unit if name in BY_NAME else ""


@router.get(PATH + "/{pilot_id}", response_class=HTMLResponse)
def pilot_page(request: Request, ctx: WebContext, pilot_id: uuid.UUID) -> HTMLResponse:
    return _pilot_page(request, ctx, pilot_id)


@router.post(PATH + "/{pilot_id}/log", response_model=None)
def add_log_entry(
    request: Request, ctx: WebContext, pilot_id: uuid.UUID, form: FormData
) -> Response:
    service.get(ctx, pilot_id, write=True, lock=False)  # 403 / 404 before the form's problems
    body = {
        name: blank(form.get(name))
        for name in (
            "kind",
            "classification",
            "description",
            "action_taken",
            "occurred_on",
            "phase",
            "valence",
            "told_by",
        )
    }
    data, errors = parse_form(LogEntryCreate, body)
    errors = _field_errors(errors)
    if data is not None:
        done, errors = attempt(ctx, lambda: service.add_log_entry(ctx, pilot_id, data))
        if done is not None:
            return RedirectResponse(
                f"{PATH}/{pilot_id}?notice=logged#log-{done.kind}", status_code=303
            )
    return _pilot_page(request, ctx, pilot_id, errors={"log": errors}, values={"log": form})


@router.post(PATH + "/{pilot_id}/assumptions", response_model=None)
def add_assumption(
    request: Request, ctx: WebContext, pilot_id: uuid.UUID, form: FormData
) -> Response:
    service.get(ctx, pilot_id, write=True, lock=False)
    data, errors = parse_form(AssumptionCreate, {"text": blank(form.get("text"))})
    errors = _field_errors(errors)
    if data is not None:
        done, errors = attempt(ctx, lambda: service.add_assumption(ctx, pilot_id, data))
        if done is not None:
            return RedirectResponse(
                f"{PATH}/{pilot_id}?notice=assumption_added#assumptions", status_code=303
            )
    return _pilot_page(
        request, ctx, pilot_id, errors={"assumption": errors}, values={"assumption": form}
    )


@router.post(PATH + "/{pilot_id}/assumptions/{assumption_id}", response_model=None)
def update_assumption(
    request: Request,
    ctx: WebContext,
    pilot_id: uuid.UUID,
    assumption_id: uuid.UUID,
    form: FormData,
) -> Response:
    service.get(ctx, pilot_id, write=True, lock=False)
    data, errors = parse_form(
        AssumptionUpdate, {"status": blank(form.get("status")), "note": blank(form.get("note"))}
    )
    errors = _field_errors(errors)
    if data is not None:
        done, errors = attempt(
            ctx,
            lambda: service.update_assumption(ctx, pilot_id, assumption_id, data),
            raise_not_found=True,
        )
        if done is not None:
            return RedirectResponse(
                f"{PATH}/{pilot_id}?notice=assumption_saved#a-{assumption_id}", status_code=303
            )
    key = str(assumption_id)
    return _pilot_page(request, ctx, pilot_id, errors={key: errors}, values={key: form})
