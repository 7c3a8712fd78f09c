"""Vital signs on the pages: the patient page's *Mätvärden* (the latest set with its NEWS2,
values awaiting confirmation, the patient's alerts, a trend chart per vital sign and one of
NEWS2 over the episode) and the staff's form to record a set, through the same ingestion
service as the API and the devices.

The charts' geometry is ``web/trendchart.py`` (pure); this module picks what to draw, in the
user's language.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from samband.alerts import service as alerts
from samband.alerts.rules import ACTIVE as ACTIVE_ALERTS
from samband.alerts.service import AlertView
from samband.episodes import service as episodes
from samband.episodes.states import OPEN_STATES
from samband.kit.errors import Problem
from samband.kit.text import is_ascii_number
from samband.kit.time import STOCKHOLM, utcnow
from samband.models import Episode, ObservationSet, Patient
from samband.monitoring import intake
from samband.observations import plausibility
from samband.observations import service as observations
from samband.observations.schemas import ObservationCreate, Source
from samband.pathways.definition import registry
from samband.security.context import Context
from samband.security.roles import Permission
from samband.web import trendchart
from samband.web.base import FormErrors, WebContext, attempt, language, parse_form, render
from samband.web.flow import FormData, blank, error_status, merge
from samband.web.i18n import translate

router = APIRouter(include_in_schema=False)

NEWS2_COLUMNS = (
    "respiratory_rate",
    "spo2",
    "on_oxygen",
    "systolic_bp",
    "pulse",
    "consciousness",
    "temperature",
)
ACVPU = ("A", "C", "V", "P", "U")
UNITS = {
    "respiratory_rate": "/min",
    "spo2": "%",
    "oxygen_flow": "L/min",
    "systolic_bp": "mmHg",
    "diastolic_bp": "mmHg",
    "pulse": "/min",
    "temperature": "°C",
    "weight": "kg",
}
# the form's numbers: whole or not
NUMBERS = {
    "respiratory_rate": True,
    "spo2": True,
    "oxygen_flow": False,
    "systolic_bp": True,
    "diastolic_bp": True,
    "pulse": True,
    "temperature": False,
    "weight": False,
}
FORM_FIELDS = (*NUMBERS, "on_oxygen", "consciousness", "symptoms", "measured_at")


# -- numbers as people write them ----------------------------------------------------------------


def parse_number(text: str | None, whole: bool) -> tuple[float | int | None, str | None]:
    """A number typed into a form ('37,5' or '37.5'); (None, None) when empty, or (None, the
    i18n key of what is wrong)."""
    cleaned = (text or "").strip().replace(",", ".").replace(" ", "").replace("\u00a0", "")
    if not cleaned:
        return None, None
    if not is_ascii_number(cleaned):  # float() also takes '٣٧', '1e3', '1_000' and 'nan'
        return None, "form.number"
    value = float(cleaned)
    if not math.isfinite(value):
        return None, "form.number"
    if whole:
        if value != int(value):
            return None, "form.whole_number"
        return int(value), None
    return value, None


def number_text(value: float | None, lang: str) -> str:
    if value is None:
        return "–"
    text = f"{value:g}"
    return text.replace(".", ",") if lang == "sv" else text


def value_text(row: ObservationSet, name: str, lang: str) -> str:
    """One value of a set as shown in a table ('38,6', '120/80', 'Ja, 2 L/min', 'A')."""
    if name == "on_oxygen":
        if row.on_oxygen is None:
            return "–"
        key = "common.yes" if row.on_oxygen else "vitals.air"
        text = translate(key, lang)
        if row.on_oxygen and row.oxygen_flow:
            text += f", {number_text(row.oxygen_flow, lang)} L/min"
        return text
    if name == "systolic_bp" and row.systolic_bp is not None and row.diastolic_bp is not None:
        return f"{row.systolic_bp}/{row.diastolic_bp}"
    if name == "consciousness":
        return row.consciousness or "–"
    value = getattr(row, name)
    return number_text(value, lang)


# -- tables with NEWS2 points -------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    value: str
    points: int | None  # NEWS2 points of the parameter (None: not scored)
    flagged: bool  # awaits confirmation


@dataclass(frozen=True)
class Row:
    set: ObservationSet
    cells: dict[str, Cell]
    flags: list[str]  # why values await confirmation, in the page's language

    @property
    def total(self) -> int | None:
        return self.set.news2_total


def news2_rows(sets: Sequence[ObservationSet], lang: str) -> list[Row]:
    """Each set as a row: every NEWS2 parameter's value with its points."""
    rows = []
    for s in sets:
        points: dict[str, int] = (s.news2_detail or {}).get("parameters", {})
        flagged = {str(f.get("field")) for f in s.flags or []}
        cells = {
            name: Cell(
                value_text(s, name, lang),
                points.get(name),
                name in flagged or (name == "systolic_bp" and "diastolic_bp" in flagged),
            )
            for name in NEWS2_COLUMNS
        }
        rows.append(Row(s, cells, [_flag_text(f, lang) for f in s.flags or []]))
    return rows


def _flag_text(flag: dict[str, Any], lang: str) -> str:
    """Why a value awaits confirmation, in the page's language (its problem's code)."""
    found = plausibility.flag_problem(flag)
    return found.text(lang) if found else str(flag.get("reason", ""))


def reason_text(reason: Problem | str, lang: str) -> str:
    """A stored reason (an alert's, a cause's) in the page's language."""
    return reason.text(lang) if isinstance(reason, Problem) else reason


# -- trend charts -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartSpec:
    key: str  # the i18n key is vitals.<key>
    series: tuple[str, ...]  # ObservationSet attributes drawn
    unit: str
    measure: trendchart.Measure


def _specs(spo2_scale: int) -> list[ChartSpec]:
    M = trendchart.Measure
    spo2_normal = (88.0, 92.0) if spo2_scale == 2 else (96.0, 100.0)
    return [
        ChartSpec("news2", ("news2_total",), "", M(0, 8, (0, 4), 0, 20, 1, lines=(5, 7))),
        ChartSpec("respiratory_rate", ("respiratory_rate",), "/min", M(8, 26, (12, 20), 0)),
        ChartSpec("spo2", ("spo2",), "%", M(86, 100, spo2_normal, 0, 100)),
        ChartSpec(
            "blood_pressure", ("systolic_bp", "diastolic_bp"), "mmHg", M(50, 160, (111, 219), 0)
        ),
        ChartSpec("pulse", ("pulse",), "/min", M(40, 120, (51, 90), 0)),
        ChartSpec("temperature", ("temperature",), "°C", M(35.5, 39, (36.1, 38.0), 25, 45, 0.5)),
        ChartSpec("consciousness", ("consciousness",), "", M(0, 4, (0, 0), categories=ACVPU)),
        ChartSpec("weight", ("weight",), "kg", M(60, 80, None, 0, step_min=0.5)),
    ]


@dataclass(frozen=True)
class TableRow:
    at: datetime
    value: str
    note: str


@dataclass(frozen=True)
class ChartView:
    key: str
    unit: str
    chart: trendchart.Chart
    table: list[TableRow]
    latest: str | None
    normal: str | None  # the shaded normal range, as text


@dataclass(frozen=True)
class VitalsView:
    latest: Row | None
    flagged: list[Row]
    alerts: list[AlertView]
    charts: list[ChartView]
    count: int
    can_write: bool
    can_confirm: bool
    open_episode: bool
    spo2_scale: int

    @property
    def open_alerts(self) -> int:
        """The episode's alerts not closed yet (``alerts`` holds the closed ones too)."""
        return sum(1 for v in self.alerts if v.alert.status in ACTIVE_ALERTS)


def max_gap(episode: Episode) -> timedelta:
    """The longest expected pause between two measurements (the pathway's schedule and its
    grace time either side); a longer pause breaks a trend line."""
    pathway = registry().get(episode.pathway)
    if pathway is None:
        return trendchart.DEFAULT_GAP
    schedule = pathway.vital_signs
    minutes = sorted(int(t[:2]) * 60 + int(t[3:]) for t in schedule.times)
    pauses = [b - a for a, b in zip(minutes, minutes[1:], strict=False)]
    pauses.append(minutes[0] + 24 * 60 - minutes[-1])
    return timedelta(minutes=max(pauses) + 2 * schedule.grace_minutes)


def _value(row: ObservationSet, name: str) -> float | None:
    if name == "consciousness":
        return float(ACVPU.index(row.consciousness)) if row.consciousness in ACVPU else None
    value = getattr(row, name)
    return None if value is None else float(value)


def _range_text(measure: trendchart.Measure, unit: str, lang: str) -> str | None:
    if measure.normal is None:
        return None
    if measure.categories:
        return measure.categories[int(measure.normal[0])]
    lo, hi = measure.normal
    return f"{number_text(lo, lang)}–{number_text(hi, lang)}{(' ' + unit) if unit else ''}"


def _local(at: datetime) -> str:
    return at.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M")


def _latest(sets: Sequence[ObservationSet], spec: ChartSpec, lang: str) -> str | None:
    """The chart's latest value as text (blood pressure as 120/80)."""
    name = spec.series[0]
    for s in reversed(sets):
        if _value(s, name) is not None:
            return (
                number_text(s.news2_total, lang)
                if name == "news2_total"
                else value_text(s, name, lang)
            )
    return None


def charts(
    sets: Sequence[ObservationSet],
    episode: Episode,
    alert_views: Sequence[AlertView],
    lang: str,
    now: datetime | None = None,
) -> list[ChartView]:
    """A chart per vital sign (weight only when weighed) and one of NEWS2, over the episode,
    with the alerts' triggers as markers and missed measurements as gaps."""
    now = now or utcnow()
    start = episode.started_at or episode.created_at
    end = episode.ended_at or now
    if sets:
        start = min(start, sets[0].measured_at)
        end = max(end, sets[-1].measured_at)
    measured_at = {s.id: s.measured_at for s in sets}
    marks: list[trendchart.MarkIn] = []
    missed: list[datetime] = []
    for view in alert_views:
        if view.alert.episode_id != episode.id:
            continue
        for cause in view.causes:
            at = (
                measured_at.get(cause.observation_set_id)
                if cause.observation_set_id
                else cause.expected_at
            ) or cause.at
            if cause.expected_at is not None:
                missed.append(cause.expected_at)
            severity = translate(f"severity.{cause.severity}", lang)
            title = (
                f"{translate('alert.title', lang)} ({severity}) {_local(at)}: "
                f"{reason_text(cause.reason_problem, lang)}"
            )
            marks.append(trendchart.MarkIn(at, cause.severity, title))
    gap = max_gap(episode)
    scale = sets[-1].spo2_scale if sets else 1
    result = []
    for spec in _specs(scale):
        label = translate(f"vitals.{spec.key}", lang)
        series = []
        table: list[TableRow] = []
        for name in spec.series:
            readings = [trendchart.Reading(at, None) for at in missed]
            for s in sets:
                value = _value(s, name)
                if value is None:
                    continue
                shown = (
                    value_text(s, name, lang)
                    if name not in ("systolic_bp", "news2_total")
                    else number_text(value, lang)
                )
                flagged = s.needs_confirmation and any(
                    f.get("field") == name for f in s.flags or []
                )
                points = (s.news2_detail or {}).get("parameters", {}).get(name)
                notes = []
                if points is not None:
                    notes.append(f"{translate('vitals.points', lang)} {points}")
                if name == "news2_total" and s.news2_risk:
                    notes.append(translate(f"risk.{s.news2_risk}", lang))
                    if s.news2_partial:
                        notes.append(translate("vitals.partial", lang))
                if name == "spo2" and s.on_oxygen:
                    notes.append(translate("vitals.on_oxygen_short", lang))
                if flagged:
                    notes.append(translate("vitals.to_confirm", lang))
                what = translate(f"vitals.{name}", lang) if len(spec.series) > 1 else label
                unit = f" {spec.unit}" if spec.unit else ""
                title = f"{_local(s.measured_at)} · {what}: {shown}{unit}"
                if notes:
                    title += " · " + ", ".join(notes)
                readings.append(trendchart.Reading(s.measured_at, value, flagged, title))
                prefix = f"{what}: " if len(spec.series) > 1 else ""
                table.append(TableRow(s.measured_at, prefix + shown, ", ".join(notes)))
            series.append(trendchart.SeriesIn(name.replace("_", "-"), readings))
        if spec.key == "weight" and not table:
            continue
        chart = trendchart.build(
            spec.measure,
            series,
            start=start,
            end=end,
            tz=STOCKHOLM,
            marks=marks,
            max_gap=gap,
            decimal_comma=lang == "sv",
        )
        table.sort(key=lambda r: r.at)
        result.append(
            ChartView(
                key=spec.key,
                unit=spec.unit,
                chart=chart,
                table=table,
                latest=_latest(sets, spec, lang),
                normal=_range_text(spec.measure, spec.unit, lang),
            )
        )
    return result


def vitals_view(ctx: Context, patient: Patient, episode: Episode, lang: str) -> VitalsView:
    """The patient page's *Mätvärden* for the episode shown."""
    sets = [v.observation for v in observations.list_for_episode(ctx, episode.id)]
    alert_views = alerts.alerts_of_patient(ctx, patient.id)
    scored = [s for s in sets if s.news2_total is not None]
    rows = news2_rows(sets, lang)
    return VitalsView(
        latest=news2_rows(scored[-1:], lang)[0] if scored else None,
        flagged=[r for r in rows if r.set.needs_confirmation][::-1],
        alerts=[v for v in alert_views if v.alert.episode_id == episode.id],
        charts=charts(sets, episode, alert_views, lang),
        count=len(sets),
        can_write=ctx.actor.can(Permission.OBSERVATION_WRITE),
        can_confirm=ctx.actor.can(Permission.OBSERVATION_CONFIRM),
        open_episode=episode.state in OPEN_STATES,
        spo2_scale=sets[-1].spo2_scale if sets else 1,
    )


# -- the staff's form -------------------------------------------------------------------------


def _form_page(
    request: Request,
    ctx: Context,
    episode: Episode,
    errors: FormErrors | None = None,
    values: dict[str, Any] | None = None,
    back: str | None = None,
) -> HTMLResponse:
    from samband.patients import service as patients

    patient = patients.get(ctx, episode.patient_id)
    now = utcnow().astimezone(STOCKHOLM).strftime("%Y-%m-%dT%H:%M")
    errors = errors or FormErrors()
    return render(
        request,
        "observation_new.html",
        ctx,
        status_code=error_status(errors) if errors else 200,
        patient=patient,
        episode=episode,
        errors=errors,
        values=values or {"measured_at": now, "client_id": f"web-{uuid.uuid4()}"},
        units=UNITS,
        acvpu=ACVPU,
        back=back,
    )


@router.get("/episodes/{episode_id}/observations/new", response_class=HTMLResponse)
def observation_form(request: Request, ctx: WebContext, episode_id: uuid.UUID) -> HTMLResponse:
    back = _back(request.query_params.get("next"))
    return _form_page(request, ctx, episodes.get(ctx, episode_id), back=back)


# pages a vital-signs form may return to after saving (?next=): Mina besök idag (issue 12)
RETURNS = frozenset({"/my-visits"})


def _back(path: str | None) -> str | None:
    return path if path in RETURNS else None


def _measured_at(text: str | None) -> tuple[datetime | None, str | None]:
    if not blank(text):
        return utcnow(), None
    try:
        return datetime.fromisoformat(str(text).strip()).replace(tzinfo=STOCKHOLM), None
    except ValueError:
        return None, "form.datetime"


@router.post("/episodes/{episode_id}/observations/new", response_model=None)
def record_observation(
    request: Request, ctx: WebContext, episode_id: uuid.UUID, form: FormData
) -> Response:
    lang = language(request)
    episode = episodes.get(ctx, episode_id)
    errors = FormErrors()
    body: dict[str, Any] = {
        "patient_id": str(episode.patient_id),
        "episode_id": str(episode.id),
        "source": Source.VISIT.value,
        "client_id": blank(form.get("client_id")),
    }
    at, problem = _measured_at(form.get("measured_at"))
    if problem:
        errors.fields["measured_at"] = translate(problem, lang)
    body["measured_at"] = at
    for name, whole in NUMBERS.items():
        value, problem = parse_number(form.get(name), whole)
        if problem:
            errors.fields[name] = translate(problem, lang)
        elif value is not None:
            body[name] = value
    oxygen = form.get("on_oxygen")
    if oxygen in ("yes", "no"):
        body["on_oxygen"] = oxygen == "yes"
    if blank(form.get("consciousness")):
        body["consciousness"] = form["consciousness"]
    if blank(form.get("symptoms")):
        body["symptoms"] = blank(form.get("symptoms"))
    data, parse_errors = parse_form(ObservationCreate, body)
    errors = merge(errors, parse_errors)
    if not errors and data is not None:
        done, errors = attempt(ctx, lambda: intake.ingest_one(ctx, data))
        if done is not None:
            if back := _back(form.get("next")):
                return RedirectResponse(f"{back}?notice=observation_saved", status_code=303)
            return RedirectResponse(
                f"/patients/{episode.patient_id}?notice=observation_saved#vitals", status_code=303
            )
    return _form_page(request, ctx, episode, errors, form, back=_back(form.get("next")))
