"""Follow-up pages (issue 6): the outcomes page (/outcomes, filters, the indicator table,
bar charts, costs per authority, the CSV), a pilot's report (/pilots/{id}) and the patient's
trygghet questionnaire on the tablet at discharge (/episodes/{id}/questionnaire).

The same services as the API: ``outcomes.service.report_for`` (aggregates for
``directory:read``; episode ids only with ``trace`` and only those the caller may see),
``pilots.service`` and ``outcomes.service.record_questionnaire``.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from samband.kit.errors import Forbidden, InvalidInput, NotFound, SambandError
from samband.kit.text import is_ascii_digits
from samband.kit.time import local_today
from samband.outcomes import questionnaire as trygghet
from samband.outcomes import render as outcome_render
from samband.outcomes import service as outcomes
from samband.outcomes import svg
from samband.outcomes.indicators import BY_NAME, INDICATORS
from samband.outcomes.report import Filters, Report
from samband.outcomes.schemas import AnsweredBy, QuestionnaireCreate
from samband.pathways.definition import registry
from samband.pilots import service as pilots
from samband.security.context import Context
from samband.security.roles import Permission
from samband.web.base import FormErrors, WebContext, language, render
from samband.web.flow import FormData
from samband.web.i18n import translate

router = APIRouter(include_in_schema=False)

DOCS = Path(__file__).resolve().parents[3] / "docs" / "indicators.md"
TYPES = ("early_supported_discharge", "admission_avoidance")
# the indicators a pilot's report compares (the care form's results)
PILOT_INDICATORS = (
    "episodes_started",
    "patient_days_at_home",
    "bed_days_freed",
    "length_of_stay_median_days",
    "escalation_rate_during_episode",
    "readmission_rate_within_30_days",
    "ed_visits_during_episode",
    "deaths_unexpected",
    "visits_per_patient_day",
    "patient_felt_safe_share",
    "region_net_sek",
    "municipality_net_sek",
)
COST_INDICATORS = (
    "region_savings_sek",
    "region_costs_sek",
    "region_net_sek",
    "municipality_costs_sek",
    "municipality_net_sek",
)

# Swedish names (the English titles are indicators.py's; the definitions docs/indicators.md's)
NAMES_SV = {
    "episodes_started": "Påbörjade vårdtillfällen (kom hem)",
    "episodes_ended": "Avslutade vårdtillfällen efter hemgång",
    "episodes_ended_discharged": "… avslutade genom utskrivning",
    "episodes_ended_readmitted": "… avslutade genom återinläggning",
    "episodes_ended_deceased": "… avslutade genom dödsfall",
    "episodes_ended_withdrawn": "… avbrutna i hemmet",
    "patient_days_at_home": "Vårddygn i hemmet",
    "bed_days_freed": "Frigjorda vårdplatsdygn på sjukhus",
    "length_of_stay_median_days": "Vårdtid i hemmet, median (dygn)",
    "length_of_stay_p25_days": "Vårdtid i hemmet, 25:e percentil (dygn)",
    "length_of_stay_p75_days": "Vårdtid i hemmet, 75:e percentil (dygn)",
    "escalations_during_episode": "Eskaleringar under vårdtillfället",
    "escalation_rate_during_episode": "Andel med eskalering",
    "readmissions_during_episode": "Återinläggningar under vårdtillfället",
    "readmission_rate_during_episode": "Andel återinlagda under vårdtillfället",
    "readmissions_within_30_days": "Återinläggningar inom 30 dagar",
    "readmission_rate_within_30_days": "Andel återinlagda inom 30 dagar",
    "ed_visits_during_episode": "Akutbesök under vårdtillfället",
    "ed_visits_within_30_days": "Akutbesök inom 30 dagar",
    "deaths_during_episode": "Dödsfall i hemmet",
    "deaths_expected": "Väntade dödsfall",
    "deaths_unexpected": "Oväntade dödsfall",
    "deaths_within_30_days": "Dödsfall inom 30 dagar",
    "candidates": "Kandidater",
    "candidates_eligible": "Lämpliga kandidater",
    "candidates_not_eligible": "Ej lämpliga",
    "eligible_went_home": "Lämpliga som kom hem",
    "eligible_went_home_share": "Andel lämpliga som kom hem",
    "visits_done": "Genomförda hembesök",
    "visits_per_patient_day": "Besök per vårddygn",
    "staff_hours_total": "Personaltid, timmar",
    "staff_hours_travel": "… resa",
    "staff_hours_at_patient": "… hos patienten",
    "staff_hours_waiting": "… väntan",
    "travel_km": "Körsträcka (km)",
    "alerts_raised": "Larm",
    "alerts_acknowledged_share": "Andel kvitterade larm",
    "alert_minutes_to_acknowledge_median": "Minuter till kvittens, median",
    "care_requests_sent": "Skickade vårdbegäranden",
    "care_requests_answered_in_time_share": "Andel vårdbegäranden besvarade i tid",
    "questionnaires_answered": "Besvarade trygghetsenkäter",
    "questionnaire_response_share": "Svarsandel trygghetsenkät",
    "patient_felt_safe_share": "Andel som kände sig trygga (4–5 av 5)",
    "patient_safety_score_mean": "Trygghet, medel (1–5)",
    "patient_experience_score_mean": "Alla frågor, medel (1–5)",
    "region_savings_sek": "Regionen: besparing",
    "region_costs_sek": "Regionen: kostnader",
    "region_net_sek": "Regionen: netto",
    "municipality_costs_sek": "Kommunen: kostnader",
    "municipality_net_sek": "Kommunen: netto",
}


def indicator_name(name: str, lang: str) -> str:
    if lang == "sv" and name in NAMES_SV:
        return NAMES_SV[name]
    return BY_NAME[name].title if name in BY_NAME else name


@cache
def definitions() -> dict[str, str]:
    """The definition column of docs/indicators.md by indicator name (empty without docs)."""
    out: dict[str, str] = {}
    if not DOCS.exists():
        return out
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 2 or not cells[0].startswith("`"):
            continue
        text = re.sub(r"`", "", cells[1])
        for name in re.findall(r"`([a-z0-9_]+)`", cells[0]):
            out.setdefault(name, text)
    return out


def definition(name: str) -> str:
    return definitions().get(name) or (BY_NAME[name].title if name in BY_NAME else name)


@dataclass(frozen=True)
class Row:
    name: str
    title: str
    definition: str
    value: str
    compared: str | None = None


def _shown(report: Report, name: str, group: str = "all") -> str:
    v = report.value(name, group)
    unit = BY_NAME[name].unit if name in BY_NAME else ""
    return outcome_render.shown(v.value if v else None, unit)


def _rows(report: Report, names: tuple[str, ...] | list[str], lang: str) -> list[Row]:
    return [
        Row(n, indicator_name(n, lang), definition(n), _shown(report, n))
        for n in names
        if n in BY_NAME
    ]


# -- the outcomes page ------------------------------------------------------------------------


def _filters(request: Request, lang: str) -> tuple[date, date, Filters, dict[str, str], FormErrors]:
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
    if days["to"] < days["from"]:
        errors.fields["to"] = translate("outcomes.ends_before", lang)
        days["to"] = days["from"]
    if values["type"] and values["type"] not in TYPES:
        errors.fields["type"] = translate("outcomes.bad_type", lang)
        values["type"] = ""
    filters = Filters(
        pathways=(values["pathway"],) if values["pathway"] else (),
        types=(values["type"],) if values["type"] else (),
        organisations=(values["organisation"],) if values["organisation"] else (),
    )
    return days["from"], days["to"], filters, values, errors


def _report(
    ctx: Context, first: date, last: date, filters: Filters, errors: FormErrors
) -> Report | None:
    try:
        return outcomes.report_for(ctx, first, last, filters=filters)
    except InvalidInput as exc:
        errors.fields[exc.field or ""] = exc.message
        return None


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
    if report is not None:
        by_section: dict[str, list[str]] = {}
        for i in INDICATORS:
            by_section.setdefault(i.section, []).append(i.name)
        sections = [(s, _rows(report, names, lang)) for s, names in by_section.items()]
        figures = [Markup(svg.render(f)) for f in report.figures]  # noqa: S704 - escaped by svg
        costs = _rows(report, COST_INDICATORS, lang)
    query = request.url.query
    return render(
        request,
        "outcomes.html",
        ctx,
        report=report,
        sections=sections,
        figures=figures,
        costs=costs,
        values=values,
        errors=errors,
        first=first,
        last=last,
        pathways=sorted(registry()),
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
        raise InvalidInput("; ".join(errors.fields.values()), field=next(iter(errors.fields)))
    trace = request.query_params.get("trace") == "1"
    report = outcomes.report_for(ctx, first, last, filters=filters, trace=trace)
    name = f"samband-outcomes-{first}-{last}.csv"
    return Response(
        outcome_render.to_csv(report, trace=trace),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# -- a pilot's report --------------------------------------------------------------------------


@router.get("/pilots/{pilot_id}", response_class=HTMLResponse)
def pilot_page(request: Request, ctx: WebContext, pilot_id: uuid.UUID) -> HTMLResponse:
    lang = language(request)
    r = pilots.report(ctx, pilot_id)
    rows = [
        Row(
            n,
            indicator_name(n, lang),
            definition(n),
            _shown(r.results, n),
            _shown(r.comparison, n),
        )
        for n in PILOT_INDICATORS
        if n in BY_NAME
    ]
    codes = pilots.organisation_codes(ctx, r.pilot)
    return render(
        request,
        "pilot.html",
        ctx,
        r=r,
        pilot=r.pilot,
        rows=rows,
        organisations=[codes[o.organisation_id] for o in r.pilot.organisations],
    )


# -- the trygghet questionnaire on the tablet ----------------------------------------------------


def _questions(lang: str) -> list[tuple[str, str, bool]]:
    return [
        (q.key, q.text_sv if lang == "sv" else q.text_en, q.required) for q in trygghet.QUESTIONS
    ]


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


@router.post("/episodes/{episode_id}/questionnaire", response_model=None)
def questionnaire_answer(
    request: Request, ctx: WebContext, episode_id: uuid.UUID, form: FormData
) -> Response:
    lang = language(request)
    errors = FormErrors()
    refused = 422
    answers: dict[str, int] = {}
    for key in trygghet.KEYS:
        raw = (form.get(key) or "").strip()
        if not raw:
            continue
        if is_ascii_digits(raw) and trygghet.SCALE[0] <= int(raw) <= trygghet.SCALE[1]:
            answers[key] = int(raw)
        else:
            errors.fields[key] = translate("questionnaire.bad_answer", lang)
    unknown = set(form) - set(trygghet.KEYS) - {"comment", "answered_by"}
    if unknown:
        errors.fields[""] = translate("questionnaire.unknown", lang)
    for q in trygghet.QUESTIONS:
        if q.required and q.key not in answers and q.key not in errors.fields:
            errors.fields[q.key] = translate("questionnaire.required", lang)
    try:
        by = AnsweredBy(form.get("answered_by") or AnsweredBy.PATIENT.value)
    except ValueError:
        errors.fields["answered_by"] = translate("questionnaire.bad_answer", lang)
        by = AnsweredBy.PATIENT
    if not errors:
        comment = (form.get("comment") or "").strip()[:2000] or None
        data = QuestionnaireCreate(answers=answers, comment=comment, answered_by=by)
        try:
            with ctx.session.begin_nested():
                stored = outcomes.record_questionnaire(ctx, episode_id, data)
        except (NotFound, Forbidden):
            raise  # the app's 404 / 403 page: nothing of the answers was written
        except SambandError as exc:
            stored, errors = None, FormErrors({"": exc.message})
            refused = exc.status_code
        if stored is not None:
            return RedirectResponse(f"/episodes/{episode_id}/questionnaire?done=1", status_code=303)
        for key, message in list(errors.fields.items()):
            errors.fields[key] = translate("questionnaire.refused", lang) + " " + message
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
