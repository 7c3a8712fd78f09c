"""Follow-up pages (issue 6): the outcomes page (/outcomes, filters, the indicator table,
bar charts, costs per authority, the CSV) and the patient's trygghet questionnaire on the
tablet at discharge (/episodes/{id}/questionnaire). A pilot's report (/pilots/{id}) and the
pilots' forms are in web/pilots.py (issue 14).

The same services as the API: ``outcomes.service.report_for`` (aggregates for
``directory:read``; episode ids only with ``trace`` and only those the caller may see),
``pilots.service`` and ``outcomes.service.record_questionnaire``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from samband.kit.errors import Forbidden, InvalidInput, NotFound, Problem, SambandError, problem
from samband.kit.i18n import number, param_text, source
from samband.kit.text import is_ascii_digits
from samband.kit.time import local_today
from samband.outcomes import questionnaire as trygghet
from samband.outcomes import render as outcome_render
from samband.outcomes import service as outcomes
from samband.outcomes import svg
from samband.outcomes.indicators import BY_NAME, INDICATORS
from samband.outcomes.report import Filters, Report, currency_name
from samband.outcomes.schemas import AnsweredBy, QuestionnaireCreate
from samband.pathways.definition import registry
from samband.pilots import service as pilots
from samband.security.context import Context
from samband.security.roles import Permission
from samband.web.base import FormErrors, WebContext, attempt, language, parse_form, render
from samband.web.flow import FormData
from samband.web.i18n import translate

router = APIRouter(include_in_schema=False)

TYPES = ("early_supported_discharge", "admission_avoidance")
# the physician requests per urgency (docs/indicators.md "Physician support")
URGENCY_INDICATORS = (
    "physician_requests",
    "physician_requests_answered",
    "physician_request_answer_minutes_median",
    "physician_request_answer_minutes_p90",
    "physician_requests_answered_within_limit_share",
    "physician_requests_unanswered",
    "physician_requests_unanswered_overdue",
)
URGENCIES = ("acute", "same_day", "planned")
COST_INDICATORS = (
    "region_savings_sek",
    "region_costs_sek",
    "region_net_sek",
    "municipality_costs_sek",
    "municipality_net_sek",
)


def indicator_name(name: str, lang: str) -> str:
    return BY_NAME[name].text(lang) if name in BY_NAME else name


def definition(name: str, lang: str) -> str:
    """What the indicator counts (docs/indicators.md in short), in ``lang``."""
    return translate(f"indicator.{name}.about", lang)


@dataclass(frozen=True)
class Row:
    name: str
    title: str
    definition: str
    value: str
    compared: str | None = None


def shown(value: float | None, unit: str, lang: str, currency: str = "SEK") -> str:
    """A value for people, in ``lang``: shares in per cent, money in whole kronor, numbers
    with a decimal comma in Swedish; "no data" (never a 0) where the data does not exist."""
    if value is None:
        return translate("outcomes.no_data", lang)
    if unit == "share":
        return f"{number(100 * value, lang, digits=1)} %"
    if unit == "SEK":
        return f"{number(value, lang, digits=0)} {param_text(currency_name(currency), lang)}"
    if unit == "count" or abs(value) >= 1000:
        return number(value, lang, digits=0)
    if unit in ("days", "hours", "minutes", "km"):
        return number(value, lang, digits=1)
    return number(value, lang, digits=2)


def _shown(report: Report, name: str, lang: str, group: str = "all") -> str:
    v = report.value(name, group)
    unit = BY_NAME[name].unit if name in BY_NAME else ""
    return shown(v.value if v else None, unit, lang, report.costs.currency)


def _rows(report: Report, names: tuple[str, ...] | list[str], lang: str) -> list[Row]:
    return [
        Row(n, indicator_name(n, lang), definition(n, lang), _shown(report, n, lang))
        for n in names
        if n in BY_NAME
    ]


def _by_urgency(report: Report, lang: str) -> tuple[list[str], list[tuple[str, str, list[str]]]]:
    """The physician requests' indicators per urgency: (the columns' names, rows of (title,
    definition, one value per column)); no columns when no request was asked."""
    found = [g.partition("=")[2] for g in report.groups if g.startswith("urgency=")]
    columns = [
        translate(f"physicianindicators.urgency.{u}", lang) if u in URGENCIES else u for u in found
    ]
    rows = [
        (
            indicator_name(n, lang),
            definition(n, lang),
            [_shown(report, n, lang, f"urgency={u}") for u in found],
        )
        for n in URGENCY_INDICATORS
    ]
    return columns, rows if found else []


# -- the outcomes page ------------------------------------------------------------------------


def _filters(request: Request, lang: str) -> tuple[date, date, Filters, dict[str, str], FormErrors]:
    """The query's filters. Only what a URL cannot carry is said here (a date that is not a
    date); the rules (the period's order, a known organisation) are the service's."""
    q = request.query_params
    errors = FormErrors()
    today = local_today()
    values = {k: q.get(k, "") for k in ("from", "to", "pathway", "organisation", "type")}
    days: dict[str, date] = {}
    for key, default in (("from", today - timedelta(days=90)), ("to", today)):
        try:
            days[key] = date.fromisoformat(values[key]) if values[key] else default
        except ValueError:
            errors.fields[key] = translate("outcomes.bad_date", lang)
            days[key] = default
    filters = Filters(
        pathways=(values["pathway"],) if values["pathway"] else (),
        types=(values["type"],) if values["type"] else (),
        organisations=(values["organisation"],) if values["organisation"] else (),
    )
    return days["from"], days["to"], filters, values, errors


def _report(
    ctx: Context, first: date, last: date, filters: Filters, errors: FormErrors
) -> Report | None:
    """The service's report, or its problems as the form's errors."""
    report, refused = attempt(ctx, lambda: outcomes.report_for(ctx, first, last, filters=filters))
    errors.fields.update(refused.fields)
    return report


@router.get("/outcomes", response_class=HTMLResponse)
def outcomes_page(request: Request, ctx: WebContext) -> HTMLResponse:
    """The indicators of a period with filters; aggregates only (directory:read)."""
    ctx.actor.require(Permission.DIRECTORY_READ)
    lang = language(request)
    first, last, filters, values, errors = _filters(request, lang)
    report = _report(ctx, first, last, filters, errors)
    sections: list[tuple[str, list[Row]]] = []
    figures: list[Markup] = []
    costs: list[Row] = []
    urgency_columns: list[str] = []
    urgency_rows: list[tuple[str, str, list[str]]] = []
    if report is not None:
        by_section: dict[str, list[str]] = {}
        for i in INDICATORS:
            by_section.setdefault(i.section_text(lang), []).append(i.name)
        sections = [(s, _rows(report, names, lang)) for s, names in by_section.items()]
        figures = [Markup(svg.render(f, lang)) for f in report.figures]  # noqa: S704 - escaped
        costs = _rows(report, COST_INDICATORS, lang)
        urgency_columns, urgency_rows = _by_urgency(report, lang)
    query = request.url.query
    return render(
        request,
        "outcomes.html",
        ctx,
        report=report,
        sections=sections,
        figures=figures,
        costs=costs,
        urgency_columns=urgency_columns,
        urgency_rows=urgency_rows,
        values=values,
        errors=errors,
        first=first,
        last=last,
        pathways=sorted((p.short_name(lang), key) for key, p in registry().items()),
        organisations=outcomes.organisations_to_filter(ctx),
        types=TYPES,
        csv_url="/outcomes.csv" + (f"?{query}" if query else ""),
        trace_allowed=ctx.actor.can(Permission.PATIENT_READ),
        pilots=pilots.list_pilots(ctx),
        status_code=422 if errors else 200,
    )


@router.get("/outcomes.csv", response_model=None)
def outcomes_csv(request: Request, ctx: WebContext) -> Response:
    """The CSV of docs/indicators.md; with ``trace=1`` the episode ids the caller may see."""
    lang = language(request)
    first, last, filters, _, errors = _filters(request, lang)
    if errors:
        field = next(iter(errors.fields))
        raise InvalidInput(problem("outcomes.bad_date", field=field), field=field)
    trace = request.query_params.get("trace") == "1"
    report = outcomes.report_for(ctx, first, last, filters=filters, trace=trace)
    name = f"samband-outcomes-{first}-{last}.csv"
    return Response(
        outcome_render.to_csv(report, trace=trace),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# -- the trygghet questionnaire on the tablet ----------------------------------------------------


def _questions(lang: str) -> list[tuple[str, str, bool]]:
    return [(q.key, source(q.text, lang), q.required) for q in trygghet.QUESTIONS]


@router.get("/episodes/{episode_id}/questionnaire", response_class=HTMLResponse)
def questionnaire_page(request: Request, ctx: WebContext, episode_id: uuid.UUID) -> HTMLResponse:
    outcomes.questionnaire_form(ctx, episode_id)
    lang = language(request)
    return render(
        request,
        "questionnaire.html",
        ctx,
        episode_id=episode_id,
        questions=_questions(lang),
        scale=range(trygghet.SCALE[0], trygghet.SCALE[1] + 1),
        chosen={},
        errors=FormErrors(),
        done=request.query_params.get("done") == "1",
    )


def _answers(form: dict[str, str]) -> dict[str, object]:
    """The form's answers as the API takes them (a tapped number as a number); the schema and
    the service say what is wrong with them."""
    answers: dict[str, object] = {}
    for key, raw in form.items():
        if key in ("comment", "answered_by") or not raw.strip():
            continue
        answers[key] = int(raw) if is_ascii_digits(raw) else raw.strip()
    return answers


@router.post("/episodes/{episode_id}/questionnaire", response_model=None)
def questionnaire_answer(
    request: Request, ctx: WebContext, episode_id: uuid.UUID, form: FormData
) -> Response:
    lang = language(request)
    body = {
        "answers": _answers(form),
        "comment": (form.get("comment") or "").strip()[:2000] or None,
        "answered_by": form.get("answered_by") or AnsweredBy.PATIENT.value,
    }
    data, found = parse_form(QuestionnaireCreate, body)
    # each problem next to its question ("answers.felt_safe"); one the schema gave as text
    # (an answered_by no form offers) is the form's own "choose one"
    errors = FormErrors()
    for name, error in found.fields.items():
        key = name.removeprefix("answers.")
        if key not in trygghet.KEYS:
            key = ""
        shown = error if isinstance(error, Problem) else problem("questionnaire.bad_form")
        errors.fields.setdefault(key, shown)
    refused = 422
    if data is not None:
        try:
            with ctx.session.begin_nested():
                outcomes.record_questionnaire(ctx, episode_id, data)
        except (NotFound, Forbidden):
            raise  # the app's 404 / 403 page: nothing of the answers was written
        except SambandError as exc:
            errors = FormErrors({"": exc.problem or exc.message})
            refused = exc.status_code
        else:
            return RedirectResponse(f"/episodes/{episode_id}/questionnaire?done=1", status_code=303)
    return render(
        request,
        "questionnaire.html",
        ctx,
        episode_id=episode_id,
        questions=_questions(lang),
        scale=range(trygghet.SCALE[0], trygghet.SCALE[1] + 1),
        chosen={k: form.get(k) for k in trygghet.KEYS},
        errors=errors,
        done=False,
        status_code=refused,
    )
