"""Pages for samples and results (issue 14).

- ``patient_section``: the patient page's *Provsvar*: the latest value per test with H/L
  against its reference range, a small trend per test (``web/trendchart.py``, as the vital
  signs), the episode's sample orders and the data discharge criteria evaluated.
- ``visit_sections``: on *Mina besök*, the samples to take at the visit ("Ta: CRP, Hb") with
  a *Taget* button.
- ``/episodes/{id}/lab-results/new``: a result entered by hand.

No handler here is ``async def``: they do database work.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from samband.episodes import service as episodes
from samband.episodes.states import OPEN_STATES
from samband.kit.errors import NotFound
from samband.kit.time import STOCKHOLM, utcnow
from samband.labresults import loinc, service
from samband.labresults.criteria import Evaluation
from samband.labresults.schemas import LabResultCreate, SampleTaken
from samband.models import Episode, Patient, Visit
from samband.models.labresults import LabResult as LabResultRow
from samband.security.context import Context
from samband.security.roles import Permission
from samband.web import trendchart
from samband.web.base import FormErrors, WebContext, attempt, language, parse_form, render
from samband.web.flow import FormData, blank, error_status
from samband.web.i18n import translate
from samband.web.sections import Section
from samband.web.vitals import ChartView, TableRow, number_text, parse_number

router = APIRouter()

RETURNS = frozenset({"/my-visits"})


def test_name(key: str, lang: str) -> str:
    return translate(f"labresults.test.{key}", lang)


def _value(value: float, test: loinc.Test, lang: str) -> str:
    return number_text(round(value, test.digits) if test.digits else round(value), lang)


def _range(low: float | None, high: float | None, test: loinc.Test, lang: str) -> str | None:
    if low is None and high is None:
        return None
    if low is None:
        return f"< {_value(high or 0, test, lang)} {test.unit_text}"
    if high is None:
        return f"> {_value(low, test, lang)} {test.unit_text}"
    return f"{_value(low, test, lang)}–{_value(high, test, lang)} {test.unit_text}"


@dataclass(frozen=True)
class Latest:
    test: loinc.Test
    name: str
    value: str
    flag: str | None
    at: datetime
    range: str | None


def _measure(test: loinc.Test, rows: Sequence[LabResultRow]) -> trendchart.Measure:
    latest = rows[-1]
    low = latest.ref_low if latest.ref_low is not None else test.ref_low
    high = latest.ref_high if latest.ref_high is not None else test.ref_high
    values = [r.value for r in rows]
    lo = min([*values, low if low is not None else min(values)])
    hi = max([*values, high if high is not None else max(values)])
    normal = (low if low is not None else 0.0, high) if high is not None else None
    step = 0.1 if test.digits else 1.0
    return trendchart.Measure(lo, hi if hi > lo else lo + 1, normal, 0, step_min=step)


def charts(results: dict[str, list[LabResultRow]], episode: Episode, lang: str) -> list[ChartView]:
    """A small trend per test of the episode, in the table's order."""
    out = []
    start = episode.started_at or episode.created_at
    end = episode.ended_at or utcnow()
    for key, test in loinc.TESTS.items():
        rows = results.get(key)
        if not rows:
            continue
        first, last = min(start, rows[0].taken_at), max(end, rows[-1].taken_at)
        readings = []
        table = []
        for r in rows:
            shown = _value(r.value, test, lang)
            flag = translate(f"labresults.flag.{r.flag}", lang) if r.flag else ""
            at = r.taken_at.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M")
            title = f"{at} · {test_name(key, lang)}: {shown} {test.unit_text}"
            readings.append(trendchart.Reading(r.taken_at, r.value, False, title))
            table.append(TableRow(r.taken_at, shown, flag))
        chart = trendchart.build(
            _measure(test, rows),
            [trendchart.SeriesIn("lab", readings)],
            start=first,
            end=last,
            tz=STOCKHOLM,
            max_gap=last - first + trendchart.MIN_SPAN,
            decimal_comma=lang == "sv",
        )
        out.append(
            ChartView(
                key=f"lab_{key}",
                unit=test.unit_text,
                chart=chart,
                table=table,
                latest=_value(rows[-1].value, test, lang),
                normal=_range(rows[-1].ref_low, rows[-1].ref_high, test, lang),
            )
        )
    return out


def evaluation_rows(evaluations: Sequence[Evaluation], lang: str) -> list[dict[str, Any]]:
    """The data criteria as the pages show them: text, status, why."""
    return [
        {
            "text": e.text,
            "status": e.status.value if e.status else None,
            "why": [r.why.text(lang) for r in e.rules],
        }
        for e in evaluations
        if e.is_data
    ]


def patient_section(
    ctx: Context, patient: Patient, episode: Episode | None, lang: str
) -> Section | None:
    """The patient page's *Provsvar* for the episode shown (None: no episode, or the caller
    may not read its record; the page's vital signs say so)."""
    if episode is None or ctx.actor.is_social_services:
        return None
    try:
        lab = service.evaluate(ctx, episode.id)
        orders = service.orders_of_episode(ctx, episode.id)
    except NotFound:
        return None
    latest = []
    for key, test in loinc.TESTS.items():
        rows = lab.results.get(key)
        if rows:
            r = rows[-1]
            latest.append(
                Latest(
                    test,
                    test_name(key, lang),
                    _value(r.value, test, lang),
                    r.flag,
                    r.taken_at,
                    _range(r.ref_low, r.ref_high, test, lang),
                )
            )
    return Section(
        "_labresults_patient.html",
        {
            "episode": episode,
            "latest": latest,
            "charts": charts(lab.results, episode, lang),
            "orders": [o for o in orders if o.order.status != "cancelled"],
            "criteria": evaluation_rows(lab.evaluations, lang),
            "can_write": ctx.actor.can(Permission.LAB_RESULT_WRITE)
            and episode.state in OPEN_STATES,
            "names": {k: test_name(k, lang) for k in loinc.TESTS},
        },
    )


def visit_sections(ctx: Context, visits: Sequence[Visit], lang: str) -> dict[uuid.UUID, Section]:
    """*Mina besök*: the samples to take at each visit, with a *Taget* button."""
    due = service.due_on_visits(ctx, visits)
    can = ctx.actor.can(Permission.LAB_RESULT_WRITE)
    names = {k: test_name(k, lang) for k in loinc.TESTS}
    return {
        visit_id: Section("_labresults_visit.html", {"orders": found, "can": can, "names": names})
        for visit_id, found in due.items()
    }


# -- entering a result ---------------------------------------------------------------------------


def _form_page(
    request: Request,
    ctx: Context,
    episode: Episode,
    errors: FormErrors | None = None,
    values: dict[str, Any] | None = None,
) -> HTMLResponse:
    from samband.patients import service as patients

    patient = patients.get(ctx, episode.patient_id)
    lang = language(request)
    errors = errors or FormErrors()
    now = utcnow().astimezone(STOCKHOLM).strftime("%Y-%m-%dT%H:%M")
    return render(
        request,
        "labresults_new.html",
        ctx,
        status_code=error_status(errors) if errors else 200,
        patient=patient,
        episode=episode,
        errors=errors,
        values=values or {"taken_at": now, "client_id": f"web-{uuid.uuid4()}"},
        tests=[(t.key, f"{test_name(t.key, lang)} ({t.unit_text})") for t in loinc.TESTS.values()],
    )


@router.get("/episodes/{episode_id}/lab-results/new", response_class=HTMLResponse)
def result_form(request: Request, ctx: WebContext, episode_id: uuid.UUID) -> HTMLResponse:
    service.require_writer(ctx, None)
    return _form_page(request, ctx, episodes.get(ctx, episode_id))


@router.post("/episodes/{episode_id}/lab-results/new", response_model=None)
def enter_result(
    request: Request, ctx: WebContext, episode_id: uuid.UUID, form: FormData
) -> Response:
    service.require_writer(ctx, None)
    lang = language(request)
    episode = episodes.get(ctx, episode_id)
    errors = FormErrors()
    test = loinc.TESTS.get(str(form.get("test") or ""))
    body: dict[str, Any] = {
        "episode_id": str(episode.id),
        "test": blank(form.get("test")) or "",
        "unit": test.unit if test else "-",
        "client_id": blank(form.get("client_id")),
        "note": blank(form.get("note")),
    }
    for name in ("value", "ref_low", "ref_high"):
        value, problem = parse_number(form.get(name), False)
        if problem:
            errors.fields[name] = translate(problem, lang)
        elif value is not None:
            body[name] = value
    if "value" not in body and "value" not in errors.fields:
        errors.fields["value"] = translate("labresults.value_missing", lang)
    taken = blank(form.get("taken_at"))
    try:
        body["taken_at"] = (
            datetime.fromisoformat(str(taken)).replace(tzinfo=STOCKHOLM) if taken else utcnow()
        )
    except ValueError:
        errors.fields["taken_at"] = translate("form.datetime", lang)
    if not errors:
        data, errors = parse_form(LabResultCreate, body)
        if data is not None:
            done, errors = attempt(ctx, lambda: service.enter(ctx, data))
            if done is not None:
                return RedirectResponse(
                    f"/patients/{episode.patient_id}?notice=lab_result_saved#lab-results",
                    status_code=303,
                )
    return _form_page(request, ctx, episode, errors, dict(form))


@router.post("/sample-orders/{order_id}/taken", response_model=None)
def mark_taken(request: Request, ctx: WebContext, order_id: uuid.UUID, form: FormData) -> Response:
    """*Taget* on a visit (or the patient page): the order's samples are taken now. A refusal
    is its error page (403, 404, 409), as in the API."""
    done = service.mark_taken(ctx, order_id, SampleTaken())
    back = form.get("next")
    if back in RETURNS:
        return RedirectResponse(f"{back}?notice=samples_taken", status_code=303)
    return RedirectResponse(
        f"/patients/{done.order.patient_id}?notice=samples_taken#lab-results", status_code=303
    )
