"""Patient pages: the list, registering a patient and flagging a candidate in one form, and the
patient page with the episode, its timeline, plan, medication, checklist and care requests."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from samband.careplans import service as careplans
from samband.carerequests import service as carerequests
from samband.carerequests.schemas import CareRequestRead
from samband.enrolments import service as enrolments
from samband.episodes import service as episodes
from samband.episodes.schemas import EpisodeCreate
from samband.episodes.states import OPEN_STATES, EpisodeType
from samband.kit.errors import NotFound, problem
from samband.kit.time import local_today, utcnow
from samband.medications import service as medications
from samband.models import Episode, Patient
from samband.monitoring import summary as monitoring
from samband.observations import service as observations
from samband.observations.schemas import ObservationConfirm
from samband.oncall import service as oncall
from samband.organisations import service as organisations
from samband.overview.service import episode_day
from samband.pathways.definition import registry
from samband.patients import service as patients
from samband.patients.schemas import PatientCreate
from samband.rounds import service as rounds
from samband.security.context import Context
from samband.security.roles import Permission
from samband.web.alerts import minutes_since
from samband.web.base import FormErrors, WebContext, attempt, language, parse_form, render
from samband.web.enrolments import can_enrol
from samband.web.flow import (
    HOSPITAL_KINDS,
    FormData,
    actions_for,
    back,
    blank,
    error_status,
    merge,
    missing_before,
    notice_of,
    remap,
)
from samband.web.sections import patient_sections
from samband.web.vitals import vitals_view

router = APIRouter(include_in_schema=False)

PATIENT_FIELDS = (
    "personnummer",
    "given_name",
    "family_name",
    "street_address",
    "postal_code",
    "city",
    "latitude",
    "longitude",
    "phone",
    "listed_primary_care_id",
    "home_municipality",
    "language",
    "what_matters",
)
EPISODE_FIELDS = ("pathway", "type", "responsible_unit_id", "reason")
NO_PATIENT = uuid.UUID(int=0)


def age(patient: Patient) -> int:
    born, today = patient.birth_date, local_today()
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@router.get("/patients", response_class=HTMLResponse)
def list_patients(request: Request, ctx: WebContext, q: str = "") -> HTMLResponse:
    text = q.strip()[:100] or None
    found, total = patients.search(ctx, text=text, limit=100, offset=0)
    latest: dict[uuid.UUID, Episode] = {}
    if found:
        ids = {p.id for p in found}
        visible, _ = episodes.search(
            ctx, patient_id=None, states=None, pathway=None, limit=500, offset=0
        )
        for episode in visible:  # newest first
            if episode.patient_id in ids:
                latest.setdefault(episode.patient_id, episode)
    return render(
        request,
        "patient_list.html",
        ctx,
        patients=found,
        total=total,
        q=q,
        latest=latest,
        can_register=ctx.actor.can(Permission.PATIENT_WRITE)
        and ctx.actor.can(Permission.EPISODE_CREATE),
    )


# -- register and flag a candidate ------------------------------------------------------------


def _new_page(
    request: Request,
    ctx: Context,
    errors: FormErrors | None = None,
    values: dict[str, Any] | None = None,
) -> HTMLResponse:
    orgs = organisations.list_organisations(ctx)
    units = organisations.units(ctx, kinds=HOSPITAL_KINDS)
    default_unit = str(ctx.actor.unit_id or "") if ctx.actor.unit_id else ""
    errors = errors or FormErrors()
    return render(
        request,
        "patient_new.html",
        ctx,
        status_code=(409 if errors.general else 422) if errors else 200,
        errors=errors,
        values=values
        or {
            "language": "sv",
            "pathway": "opat",
            "type": EpisodeType.EARLY_SUPPORTED_DISCHARGE.value,
            "responsible_unit_id": default_unit,
        },
        primary_care=[o for o in orgs if o.kind == "primary_care_centre"],
        units=units,
        pathways=sorted(registry().values(), key=lambda p: p.key),
        types=[t.value for t in EpisodeType],
    )


@router.get("/patients/new", response_class=HTMLResponse)
def new_patient_form(request: Request, ctx: WebContext) -> HTMLResponse:
    ctx.actor.require(Permission.PATIENT_WRITE)
    return _new_page(request, ctx)


def _patient_field(name: str) -> str:
    """next_of_kin.0.phone → nok_phone; other names stay."""
    if name.startswith("next_of_kin"):
        part = name.split(".")[-1]
        return f"nok_{part}" if part in ("name", "relation", "phone") else "nok_name"
    return name


@router.post("/patients/new", response_model=None)
def new_patient(request: Request, ctx: WebContext, form: FormData) -> Response:
    ctx.actor.require(Permission.PATIENT_WRITE)
    body: dict[str, Any] = {name: blank(form.get(name)) for name in PATIENT_FIELDS}
    body = {k: v for k, v in body.items() if v is not None}
    body["interpreter_needed"] = form.get("interpreter_needed") == "on"
    kin = {part: blank(form.get(f"nok_{part}")) for part in ("name", "relation", "phone")}
    if any(kin.values()):
        body["next_of_kin"] = [{k: v for k, v in kin.items() if v is not None}]
    patient_data, patient_errors = parse_form(PatientCreate, body)
    flag = {name: blank(form.get(name)) for name in EPISODE_FIELDS}
    episode_data, episode_errors = parse_form(
        EpisodeCreate, {"patient_id": str(NO_PATIENT), **{k: v for k, v in flag.items() if v}}
    )
    errors = merge(remap(patient_errors, _patient_field), episode_errors)
    if patient_data is not None and episode_data is not None and not errors:
        pd, ed = patient_data, episode_data

        def register_and_flag() -> Patient:
            patient, _created = patients.register(ctx, pd)
            episodes.create(ctx, ed.model_copy(update={"patient_id": patient.id}))
            return patient

        done, errors = attempt(ctx, register_and_flag)
        if done is not None:
            return back(f"/patients/{done.id}", "registered")
    return _new_page(request, ctx, remap(errors, _patient_field), form)


# -- the patient page ---------------------------------------------------------------------------


def _episode_view(ctx: Context, episode: Episode) -> dict[str, Any]:
    events = episodes.events(ctx, episode.id)
    plans = careplans.list_for_episode(ctx, episode.id)
    plan = plans[0] if plans else None
    versions = careplans.list_versions(ctx, plan.plan.id) if plan else []
    meds = medications.list_for_episode(ctx, episode.id, include_stopped=True)
    found, _ = carerequests.search(
        ctx, direction=None, state=None, episode_id=episode.id, limit=100, offset=0
    )
    requests = [CareRequestRead.of(r, pid) for r, pid in found]
    user_ids: set[uuid.UUID | None] = {
        episode.responsible_physician_id,
        episode.care_contact_id,
        *(e.by_user_id for e in events),
        *(i.signed_by_id for i in episode.checklist),
        *(v.created_by_id for v in versions),
    }
    if plan:
        user_ids |= {a.recorded_by_id for a in plan.acknowledgements}
    actions = actions_for(ctx, episode)
    return {
        "events": list(reversed(events)),
        "plan": plan,
        "versions": versions,
        "medications": meds,
        "requests": requests,
        "checklist": list(episode.checklist),
        "names": organisations.user_names(ctx, user_ids),
        "round_notes": rounds.notes_for_episode(ctx, episode.id),
        "day": episode_day(episode)
        if episode.state == "at_home" and not episodes.is_enrolment(episode)
        else None,
        "actions": actions,
        # before a gate (plan ready, send home): what is missing, linked to where it is fixed
        "missing": missing_before(ctx, episode, actions),
    }


@router.get("/patients/{patient_id}", response_class=HTMLResponse)
def patient_page(
    request: Request, ctx: WebContext, patient_id: uuid.UUID, episode_id: uuid.UUID | None = None
) -> HTMLResponse:
    """``episode_id``: the episode whose record the page shows (default: the open episode of
    hospital care at home, else the open enrolment in home health care, else the newest)."""
    return _patient_page(request, ctx, patient_id, episode_id=episode_id)


def _shown_episode(history: list[Episode], episode_id: uuid.UUID | None) -> Episode | None:
    """The episode whose record the page shows: the one asked for, else hospital care at home
    while it is open (it lies on top of an enrolment, decision 0018), else the open
    enrolment, else the newest."""
    asked = next((e for e in history if e.id == episode_id), None)
    if asked is not None:
        return asked
    open_ = [e for e in history if e.state in OPEN_STATES]
    for found in open_:
        if not episodes.is_enrolment(found):
            return found
    return open_[0] if open_ else (history[0] if history else None)


def _patient_page(
    request: Request,
    ctx: Context,
    patient_id: uuid.UUID,
    confirm_errors: FormErrors | None = None,
    confirm_id: uuid.UUID | None = None,
    *,
    episode_id: uuid.UUID | None = None,
) -> HTMLResponse:
    patient = patients.get(ctx, patient_id)
    if ctx.actor.is_social_services:
        # Home care (social services) sees what is shared with it, not the record.
        found, _ = carerequests.search(
            ctx, direction=None, state=None, episode_id=None, limit=100, offset=0
        )
        return render(
            request,
            "patient_page.html",
            ctx,
            patient=patient,
            age=age(patient),
            episode=None,
            record_hidden=True,
            shared_requests=[CareRequestRead.of(r, pid) for r, pid in found if pid == patient.id],
            notice=notice_of(request),
            names={},
        )
    history, shown = episodes.search(
        ctx, patient_id=patient.id, states=None, pathway=None, limit=20, offset=0
    )
    episode = _shown_episode(history, episode_id)
    # the enrolment in home health care, and the fixed physician and care contact (on the
    # patient: shown with or without an enrolment; decision 0018)
    enrolment = next(
        (e for e in history if episodes.is_enrolment(e) and e.state in OPEN_STATES), None
    )
    fixed_physician, fixed_contact = enrolments.fixed_staff(ctx, patient)
    orgs = organisations.list_organisations(ctx)
    units = {u.id: u for o in orgs for u in o.units}
    data: dict[str, Any] = _episode_view(ctx, episode) if episode else {"names": {}}
    lang = language(request)
    vitals = vitals_view(ctx, patient, episode, lang) if episode else None
    return render(
        request,
        "patient_page.html",
        ctx,
        status_code=error_status(confirm_errors) if confirm_errors else 200,
        vitals=vitals,
        # the care plan's contacts resolved to the people on call by time band (issue 11)
        on_call_lines=[
            (line.when(lang), line.who(lang), line.phone)
            for line in oncall.contacts_by_hour(ctx.session, episode)
        ]
        if episode
        else [],
        # what the monitoring knows of the episode, as the round shows it (None: the caller may
        # not read its record, and the page says so)
        monitoring=monitoring.of_episode(ctx, episode) if episode else None,
        # with no episode shown: those the caller may not read ("not shown", never "none")
        hidden_episodes=0 if episode else monitoring.hidden_episodes(ctx, patient.id, shown),
        now=utcnow(),
        minutes_since=minutes_since,
        confirm_errors=confirm_errors,
        confirm_id=confirm_id,
        patient=patient,
        age=age(patient),
        episode=episode,
        history=[e for e in history if e is not episode],
        enrolment=enrolments.view(ctx, enrolment) if enrolment else None,
        fixed_physician=fixed_physician,
        fixed_contact=fixed_contact,
        can_enrol=can_enrol(ctx),
        can_assign=ctx.actor.can(Permission.PATIENT_ASSIGN),
        pathway=registry().get(episode.pathway) if episode else None,
        orgs={o.id: o for o in orgs},
        units=units,
        notice=notice_of(request),
        can_flag=ctx.actor.can(Permission.EPISODE_CREATE),
        # issue 14: the areas' cards (web/sections.py)
        sections=patient_sections(ctx, patient, episode, lang),
        **data,
    )


@router.post("/patients/{patient_id}/observations/{observation_id}/confirm", response_model=None)
def confirm_observation(
    request: Request,
    ctx: WebContext,
    patient_id: uuid.UUID,
    observation_id: uuid.UUID,
    form: FormData,
) -> Response:
    """Confirm a flagged set's values, or mark the set entered in error (with a note)."""
    decision = form.get("decision") or ""
    data, errors = parse_form(
        ObservationConfirm, {"decision": decision, "note": blank(form.get("note"))}
    )
    if data is not None:
        done, errors = attempt(
            ctx, lambda: observations.confirm(ctx, observation_id, data), raise_not_found=True
        )
        if done is not None:
            if done.observation.patient_id != patient_id:  # a made-up URL: undo, answer 404
                raise NotFound(
                    problem("patient.no_such_observation", observation_id=str(observation_id))
                )
            notice = "observation_confirmed" if decision == "confirmed" else "observation_in_error"
            return back(f"/patients/{patient_id}", notice)
    return _patient_page(request, ctx, patient_id, errors, observation_id)


@router.get("/patients/{patient_id}/care-plan/versions/{number}", response_class=HTMLResponse)
def plan_version(
    request: Request,
    ctx: WebContext,
    patient_id: uuid.UUID,
    number: int,
    episode_id: uuid.UUID | None = None,
) -> HTMLResponse:
    ctx.actor.require_record()  # a care-plan version is the record: not for social services
    patient = patients.get(ctx, patient_id)
    history, _ = episodes.search(
        ctx, patient_id=patient.id, states=None, pathway=None, limit=20, offset=0
    )
    episode = next((e for e in history if episode_id in (None, e.id)), None)
    plans = careplans.list_for_episode(ctx, episode.id) if episode else []
    if not plans or not 1 <= number <= 1_000_000:
        raise NotFound(problem("patient.no_such_plan_version", version=number))
    plan = plans[0].plan
    version = careplans.get_version(ctx, plan.id, number)
    acknowledgements = careplans.acknowledgements_of(ctx, version)
    names = organisations.user_names(
        ctx, {version.created_by_id, *(a.recorded_by_id for a in acknowledgements)}
    )
    return render(
        request,
        "patient_plan_version.html",
        ctx,
        patient=patient,
        episode=episode,
        plan=plan,
        version=version,
        acknowledgements=acknowledgements,
        names=names,
        orgs={o.id: o.name for o in organisations.list_organisations(ctx)},
    )
