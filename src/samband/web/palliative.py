"""Pages for palliative care at home (issue 14).

- ``patient_section``: the patient page's *Palliativ vård*: the latest ESAS-r assessment,
  the trend of the total and of each item that has been 4 or more (``web/trendchart.py``, as
  the vital signs), the expected death's state; a link to the palliative page.
- ``/episodes/{id}/palliative``: staff record an ESAS-r assessment (nine rows of 0-10
  buttons, who assessed), see the assessments; the physician documents the expected death;
  at death the time, who confirmed it, the care after death; the follow-up conversation.
- ``/self-report/{id}/symptoms``: ESAS-r on the patient's tablet (patient mode, paired with
  the episode; ``web/selfreport.py`` does the pairing), big buttons, the Swedish ESAS-r
  wording.

No handler here is ``async def``: they do database work.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from samband.deps import Unit
from samband.episodes import service as episodes
from samband.episodes.states import OPEN_STATES
from samband.kit.errors import NotFound
from samband.kit.time import STOCKHOLM, utcnow
from samband.models import Episode, Patient
from samband.models.palliative import SymptomAssessment
from samband.palliative import esas, service
from samband.palliative.schemas import (
    AFTER_DEATH_ITEMS,
    AssessedBy,
    DeathCreate,
    ExpectedDeathCreate,
    FollowupPlan,
    SymptomAssessmentCreate,
)
from samband.security.context import Context
from samband.security.roles import Permission, Role
from samband.web import trendchart
from samband.web.base import FormErrors, WebContext, attempt, language, parse_form, render
from samband.web.flow import FormData, blank, error_status
from samband.web.i18n import translate
from samband.web.sections import Section
from samband.web.vitals import ChartView, TableRow

router = APIRouter()

STYLE = "/static/palliative.css"
DONE = frozenset(
    {"esas_saved", "decided", "died", "confirmed", "followup_planned", "followup_held"}
)
SCALE = range(esas.MIN, esas.MAX + 1)
# an item is drawn on the patient page when it has reached this
CHART_FROM = 4
TOTAL_MEASURE = trendchart.Measure(0, 40, None, 0, 90, step_min=1, lines=(40,))
ITEM_MEASURE = trendchart.Measure(0, 10, None, 0, 10, step_min=1, lines=(7,))


def item_name(item: str, lang: str) -> str:
    return translate(f"palliative.item.{item}", lang)


def _charts(rows: list[SymptomAssessment], episode: Episode, lang: str) -> list[ChartView]:
    """The total's trend, then each item's that has reached ``CHART_FROM``."""
    if not rows:
        return []
    start = min(episode.started_at or episode.created_at, rows[0].assessed_at)
    end = max(episode.ended_at or utcnow(), rows[-1].assessed_at)
    wanted: list[tuple[str, trendchart.Measure]] = [("total", TOTAL_MEASURE)]
    wanted += [
        (item, ITEM_MEASURE)
        for item in esas.ITEMS
        if any(getattr(r, item) >= CHART_FROM for r in rows)
    ]
    out = []
    for key, measure in wanted:
        readings, table = [], []
        for r in rows:
            value = r.total if key == "total" else getattr(r, key)
            at = r.assessed_at.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M")
            title = f"{at} · {item_name(key, lang)}: {value}"
            readings.append(trendchart.Reading(r.assessed_at, value, False, title))
            table.append(TableRow(r.assessed_at, str(value), ""))
        chart = trendchart.build(
            measure,
            [trendchart.SeriesIn("esas", readings)],
            start=start,
            end=end,
            tz=STOCKHOLM,
            max_gap=end - start + trendchart.MIN_SPAN,
            decimal_comma=lang == "sv",
        )
        latest = rows[-1].total if key == "total" else getattr(rows[-1], key)
        out.append(
            ChartView(
                key=f"esas_{key}",
                unit="0–90" if key == "total" else "0–10",
                chart=chart,
                table=table,
                latest=str(latest),
                normal=None,
            )
        )
    return out


def _is_palliative(episode: Episode) -> bool:
    return episode.pathway == "palliative"


def patient_section(
    ctx: Context, patient: Patient, episode: Episode | None, lang: str
) -> Section | None:
    """The patient page's *Palliativ vård* for the episode shown: for the palliative pathway,
    or any episode with an assessment or an expected death (None otherwise, or when the caller
    may not read the record)."""
    if episode is None or ctx.actor.is_social_services:
        return None
    try:
        trend = service.trend(ctx, episode.id)
        death = service.get_expected_death(ctx, episode.id)
    except NotFound:
        return None
    if not (_is_palliative(episode) or trend.assessments or death is not None):
        return None
    return Section(
        "_palliative_patient.html",
        {
            "style": STYLE,
            "episode": episode,
            "latest": trend.latest,
            "esas_items": esas.ITEMS,
            "charts": _charts(trend.assessments, episode, lang),
            "death": death,
            "limits": [service.limit_text(limit, lang) for limit in trend.limits],
        },
    )


# -- the staff page ---------------------------------------------------------------------------


def _page(
    request: Request,
    ctx: Context,
    episode: Episode,
    *,
    errors: FormErrors | None = None,
    form: str | None = None,
    values: dict[str, Any] | None = None,
) -> HTMLResponse:
    from samband.patients import service as patients

    patient = patients.get(ctx, episode.patient_id)
    rows = service.assessments(ctx, episode.id)
    death = service.get_expected_death(ctx, episode.id)
    open_ = episode.state in OPEN_STATES
    errors = errors or FormErrors()
    done = request.query_params.get("done")
    now = utcnow().astimezone(STOCKHOLM).strftime("%Y-%m-%dT%H:%M")
    names = service.names(
        ctx,
        [death.decided_by_id, death.confirmed_by_id, death.physician_confirmed_by_id]
        if death
        else [],
    )
    return render(
        request,
        "palliative_page.html",
        ctx,
        status_code=error_status(errors) if errors else 200,
        style=STYLE,
        patient=patient,
        episode=episode,
        rows=list(reversed(rows))[:20],
        death=death,
        names=names,
        items=esas.ITEMS,
        scale=SCALE,
        assessed_by=[a.value for a in AssessedBy],
        after_death=AFTER_DEATH_ITEMS,
        can_assess=open_ and ctx.actor.can(Permission.OBSERVATION_WRITE),
        can_write=ctx.actor.can(Permission.PALLIATIVE_WRITE),
        is_physician=ctx.actor.role == Role.PHYSICIAN,
        is_open=open_,
        done=f"palliative.done.{done}" if done in DONE else None,
        errors=errors,
        form=form,
        values=values or {"died_at": now},
    )


def _back(episode: Episode, done: str, anchor: str = "") -> RedirectResponse:
    return RedirectResponse(
        f"/episodes/{episode.id}/palliative?done={done}{anchor}", status_code=303
    )


@router.get("/episodes/{episode_id}/palliative", response_class=HTMLResponse)
def palliative_page(request: Request, ctx: WebContext, episode_id: uuid.UUID) -> HTMLResponse:
    return _page(request, ctx, episodes.get(ctx, episode_id))


def read_esas(form: dict[str, str], lang: str) -> tuple[dict[str, Any], FormErrors]:
    """The nine items from the form (each 0-10, required) and the other problem."""
    errors = FormErrors()
    body: dict[str, Any] = {}
    for item in esas.ITEMS:
        raw = blank(form.get(item))
        if raw is None or not raw.isdigit() or not esas.MIN <= int(raw) <= esas.MAX:
            errors.fields[item] = translate("palliative.form.choose_0_10", lang)
        else:
            body[item] = int(raw)
    other = blank(form.get("other_problem"))
    other_score = blank(form.get("other_score"))
    if other is not None or other_score is not None:
        body["other_problem"] = other
        if other_score is not None and other_score.isdigit():
            body["other_score"] = int(other_score)
        elif other_score is not None:
            errors.fields["other_score"] = translate("palliative.form.choose_0_10", lang)
    return body, errors


@router.post("/episodes/{episode_id}/palliative/esas", response_model=None)
def record_esas(
    request: Request, ctx: WebContext, episode_id: uuid.UUID, form: FormData
) -> Response:
    lang = language(request)
    episode = episodes.get(ctx, episode_id)
    body, errors = read_esas(form, lang)
    body["assessed_by"] = form.get("assessed_by") or AssessedBy.STAFF_ASSISTED.value
    body["note"] = blank(form.get("note"))
    if not errors:
        data, errors = parse_form(SymptomAssessmentCreate, body)
        if data is not None:
            done, errors = attempt(ctx, lambda: service.record(ctx, episode.id, data))
            if done is not None:
                return _back(episode, "esas_saved", "#esas")
    return _page(request, ctx, episode, errors=errors, form="esas", values=dict(form))


def _local(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=STOCKHOLM)
    except ValueError:
        return None


@router.post("/episodes/{episode_id}/palliative/expected-death", response_model=None)
def decide(request: Request, ctx: WebContext, episode_id: uuid.UUID, form: FormData) -> Response:
    episode = episodes.get(ctx, episode_id)
    data, errors = parse_form(
        ExpectedDeathCreate,
        {
            "no_resuscitation": form.get("no_resuscitation") == "yes",
            "no_hospital_transfer": form.get("no_hospital_transfer") == "yes",
            "conversation_on": blank(form.get("conversation_on")),
            "conversation_with": blank(form.get("conversation_with")),
            "note": blank(form.get("note")),
        },
    )
    if data is not None:
        done, errors = attempt(ctx, lambda: service.decide(ctx, episode.id, data))
        if done is not None:
            return _back(episode, "decided", "#expected-death")
    return _page(request, ctx, episode, errors=errors, form="decide", values=dict(form))


@router.post("/episodes/{episode_id}/palliative/death", response_model=None)
def death(request: Request, ctx: WebContext, episode_id: uuid.UUID, form: FormData) -> Response:
    lang = language(request)
    episode = episodes.get(ctx, episode_id)
    died_at = _local(blank(form.get("died_at")))
    errors = FormErrors()
    if died_at is None:
        errors.fields["died_at"] = translate("form.datetime", lang)
    else:
        data, errors = parse_form(
            DeathCreate,
            {
                "died_at": died_at,
                "care_after_death": {k: form.get(f"after_{k}") == "yes" for k in AFTER_DEATH_ITEMS},
                "relatives_present": {"yes": True, "no": False}.get(
                    form.get("relatives_present") or ""
                ),
                "note": blank(form.get("death_note")),
            },
        )
        if data is not None:
            done, errors = attempt(ctx, lambda: service.register_death(ctx, episode.id, data))
            if done is not None:
                return _back(episode, "died", "#expected-death")
    return _page(request, ctx, episode, errors=errors, form="death", values=dict(form))


@router.post("/episodes/{episode_id}/palliative/confirm", response_model=None)
def confirm(request: Request, ctx: WebContext, episode_id: uuid.UUID, form: FormData) -> Response:
    episode = episodes.get(ctx, episode_id)
    done, errors = attempt(ctx, lambda: service.confirm_by_physician(ctx, episode.id))
    if done is not None:
        return _back(episode, "confirmed", "#expected-death")
    return _page(request, ctx, episode, errors=errors, form="confirm")


@router.post("/episodes/{episode_id}/palliative/followup", response_model=None)
def followup(request: Request, ctx: WebContext, episode_id: uuid.UUID, form: FormData) -> Response:
    episode = episodes.get(ctx, episode_id)
    data, errors = parse_form(
        FollowupPlan, {"on": blank(form.get("followup_on")), "by": blank(form.get("followup_by"))}
    )
    if data is not None:
        done, errors = attempt(ctx, lambda: service.plan_followup(ctx, episode.id, data))
        if done is not None:
            return _back(episode, "followup_planned", "#expected-death")
    return _page(request, ctx, episode, errors=errors, form="followup", values=dict(form))


@router.post("/episodes/{episode_id}/palliative/followup-held", response_model=None)
def followup_held(
    request: Request, ctx: WebContext, episode_id: uuid.UUID, form: FormData
) -> Response:
    episode = episodes.get(ctx, episode_id)
    done, errors = attempt(ctx, lambda: service.followup_held(ctx, episode.id))
    if done is not None:
        return _back(episode, "followup_held", "#expected-death")
    return _page(request, ctx, episode, errors=errors, form="followup")


# -- the patient's tablet ---------------------------------------------------------------------


def _tablet_form(
    request: Request,
    ctx: Context,
    episode: Episode,
    errors: FormErrors | None = None,
    values: dict[str, Any] | None = None,
) -> HTMLResponse:
    from samband.patients import service as patients

    patient = patients.get(ctx, episode.patient_id)
    errors = errors or FormErrors()
    return render(
        request,
        "self_report_symptoms.html",
        status_code=422 if errors else 200,
        style=STYLE,
        episode=episode,
        given_name=patient.given_name,
        items=esas.ITEMS,
        scale=SCALE,
        errors=errors,
        values=values or {},
    )


@router.get("/self-report/{episode_id}/symptoms", response_model=None)
def tablet_symptoms(request: Request, unit: Unit, episode_id: uuid.UUID) -> Response:
    from samband.web import selfreport

    ctx = selfreport._patient_mode(unit, request, episode_id)
    if ctx is None:
        return selfreport._ended(request, status_code=401)
    episode = selfreport._open_episode(ctx, episode_id)
    return _tablet_form(request, ctx, episode) if episode else selfreport._ended(request)


@router.post("/self-report/{episode_id}/symptoms", response_model=None)
def tablet_send_symptoms(
    request: Request, unit: Unit, episode_id: uuid.UUID, form: FormData
) -> Response:
    from samband.web import selfreport

    ctx = selfreport._patient_mode(unit, request, episode_id)
    if ctx is None:
        return selfreport._ended(request, status_code=401)
    episode = selfreport._open_episode(ctx, episode_id)
    if episode is None:
        return selfreport._ended(request)
    lang = language(request)
    body, errors = read_esas(form, lang)
    body["assessed_by"] = (
        AssessedBy.NEXT_OF_KIN.value
        if form.get("assessed_by") == AssessedBy.NEXT_OF_KIN.value
        else AssessedBy.PATIENT.value
    )
    if not errors:
        data, errors = parse_form(SymptomAssessmentCreate, body)
        if data is not None:
            done, errors = attempt(
                ctx, lambda: service.record(ctx, episode.id, data, source="tablet")
            )
            if done is not None:
                return RedirectResponse(f"/self-report/{episode.id}/thanks", status_code=303)
    return _tablet_form(request, ctx, episode, errors, dict(form))
