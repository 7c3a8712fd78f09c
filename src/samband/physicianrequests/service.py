"""The rules for physician requests (läkarkontakt, avrop; issue 13, decision 0018).

- ``ask``: a nurse (or a physician asking a colleague) asks about a patient in SBAR form with
  an urgency; ``physician_request:send`` and a care relationship with the patient (an
  outsider: 404, logged). The latest vital signs are attached (the set's id and a copy of its
  values and NEWS2). The agreement between the asking organisation and the physicians'
  gives the limit (``agreements.due_at``). Routed to the patient's fixed physician in the
  agreement's office hours, else the physician on call now (``routing``); notified through
  their channels. A physician routed to whose organisation does not take part in the
  patient's open episode is made a participant, so they can read the patient.
- Who may see a request (``can_see``): a care relationship with the patient, or it is or was
  routed (or forwarded) to the caller, or the caller answered it. Every read is logged.
- ``answer``: ``physician_request:answer`` (physicians); advice, medication change, home
  visit (booked in a slot through ``physicianvisits.service.book`` when one is given),
  video, admission: the request is answered and the asking nurse notified. ``forwarded``
  gives it to another physician (still open, the limit unchanged). An answered or cancelled
  request cannot be answered again (409). ``cancel``: by the asker.
- ``escalate_due``: an open request past its limit whose level has had it for the
  agreement's ``escalate_after`` minutes goes to the next level of the chain; the new
  physician and the asker are notified. With no further level the asker is told once, and
  the request stays in the lists as overdue.

Services take ``now`` where time matters; without it they read the clock (``utcnow``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from samband.config import get_settings
from samband.episodes.states import Kind
from samband.kit.errors import Conflict, Forbidden, InvalidInput, NotFound, problem
from samband.kit.i18n import msg
from samband.kit.time import STOCKHOLM, as_utc, utcnow
from samband.models import (
    Episode,
    EpisodeParticipant,
    ObservationSet,
    Patient,
    PhysicianRequest,
    User,
    Visit,
)
from samband.notifications import service as notifications
from samband.oncall import service as oncall
from samband.physicianrequests import agreements as rules
from samband.physicianrequests import repository, routing
from samband.physicianrequests.schemas import (
    AnswerKind,
    Box,
    PhysicianRequestAnswer,
    PhysicianRequestCancel,
    PhysicianRequestCreate,
    Status,
)
from samband.security.context import Context, role_refusal
from samband.security.roles import Permission, Role
from samband.security.service import log_listed, require_patient_access, visibility

RESOURCE = "physician_request"
SEVERITY = {"acute": "high", "same_day": "medium", "planned": "low"}
PHYSICIAN = "physician"
# what the vital signs' copy keeps of the set
VITALS = (
    "measured_at",
    "source",
    "respiratory_rate",
    "spo2",
    "on_oxygen",
    "oxygen_flow",
    "systolic_bp",
    "diastolic_bp",
    "pulse",
    "consciousness",
    "temperature",
    "weight",
    "spo2_scale",
    "news2_total",
    "news2_risk",
    "news2_partial",
)


# -- the agreements ------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _load(path: Path | None) -> rules.Agreements:
    return rules.load(path)


def agreements() -> rules.Agreements:
    """The agreements in force (SAMBAND_AGREEMENTS_FILE, else the shipped file), read once."""
    return _load(get_settings().agreements_file)


# -- small helpers -------------------------------------------------------------------------------


def reference(request_id: uuid.UUID) -> str:
    """The short reference notifications use: no patient identity."""
    return f"LK-{request_id.hex[:8].upper()}"


def link(request_id: uuid.UUID) -> str:
    return f"/physician-requests/{request_id}"


def _clock_text(at: datetime, now: datetime) -> str:
    """A limit as a notification says it: the local clock, with the date when not today."""
    local, today = as_utc(at).astimezone(STOCKHOLM), as_utc(now).astimezone(STOCKHOLM)
    return local.strftime("%H:%M" if local.date() == today.date() else "%Y-%m-%d %H:%M")


def _entry(
    event: str,
    now: datetime,
    *,
    by: User | None = None,
    ctx: Context | None = None,
    target: routing.Target | None = None,
    **extra: Any,
) -> dict[str, Any]:
    entry: dict[str, Any] = {"at": now.isoformat(), "event": event}
    if ctx is not None:
        entry["by"] = str(ctx.actor.user_id)
        entry["by_name"] = ctx.actor.full_name
        entry["organisation"] = ctx.actor.organisation_code
    elif by is not None:
        entry["by"] = str(by.id)
        entry["by_name"] = by.full_name
    if target is not None:
        entry["to"] = str(target.user_id) if target.user_id else None
        entry["to_name"] = target.name
        entry["phone"] = target.phone
        entry["via"] = target.via.value
        entry["stage"] = target.stage
    entry.update({k: v for k, v in extra.items() if v is not None})
    return entry


def _add_history(request: PhysicianRequest, *entries: dict[str, Any]) -> None:
    # a new list: SQLAlchemy sees the JSON column changed
    request.history = [*(request.history or []), *entries]


def _touch(request: PhysicianRequest, now: datetime) -> None:
    request.updated_at = now
    request.version = (request.version or 0) + 1


def _vitals(found: ObservationSet | None) -> dict[str, Any]:
    if found is None:
        return {}
    copy: dict[str, Any] = {}
    for name in VITALS:
        value = getattr(found, name)
        if isinstance(value, datetime):
            value = as_utc(value).isoformat()
        copy[name] = value
    copy["set_id"] = str(found.id)
    return copy


# -- the physicians and the chain ----------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """The physicians' organisation asked (and its unit, when known: its roster first)."""

    organisation_id: uuid.UUID | None
    unit_id: uuid.UUID | None


@dataclass(frozen=True)
class Situation:
    """What routing needs to know of the patient, read once per routing."""

    fixed: User | None  # the fixed physician (an active physician account)
    place: Place
    hospital_unit_id: uuid.UUID | None  # responsible for an open hospital-at-home episode


def _situation(session: Session, patient_id: uuid.UUID) -> Situation:
    patient = repository.patient(session, patient_id)
    fixed = None
    if patient is not None and patient.fixed_physician_id is not None:
        found = repository.user(session, patient.fixed_physician_id)
        if found is not None and found.active and found.role == Role.PHYSICIAN.value:
            fixed = found
    hospital = next(
        (
            e
            for e in repository.open_episodes(session, patient_id)
            if e.kind == Kind.HOSPITAL_AT_HOME.value
        ),
        None,
    )
    hospital_unit_id = hospital.responsible_unit_id if hospital else None
    if fixed is not None:
        place = Place(fixed.organisation_id, fixed.unit_id)
    elif patient is not None and patient.listed_primary_care_id is not None:
        place = Place(patient.listed_primary_care_id, None)
    elif hospital_unit_id is not None:
        unit = repository.unit(session, hospital_unit_id)
        place = Place(unit.organisation_id if unit else None, hospital_unit_id)
    else:
        place = Place(None, None)
    return Situation(fixed=fixed, place=place, hospital_unit_id=hospital_unit_id)


def _on_call(
    session: Session,
    stage: int,
    *,
    unit_id: uuid.UUID | None = None,
    organisation_id: uuid.UUID | None = None,
    at: datetime,
) -> routing.Target | None:
    if unit_id is None and organisation_id is None:
        return None
    covers = oncall.covering(
        session, unit_id=unit_id, organisation_id=organisation_id, at=at, role=PHYSICIAN
    )
    if not covers:
        return None
    cover = covers[0]
    return routing.Target(
        stage=stage,
        user_id=cover.user_id,
        name=cover.name or None,
        phone=cover.phone,
        organisation_id=cover.organisation_id,
    )


def _agreement_on_call_id(session: Session, agreement: rules.Agreement) -> uuid.UUID | None:
    if not agreement.on_call_organisation:
        return None
    found = repository.organisation_by_code(session, agreement.on_call_organisation)
    return found.id if found else None


def _chain(
    session: Session, situation: Situation, agreement: rules.Agreement, now: datetime
) -> list[routing.Target | None]:
    """Who covers each level now (routing's chain)."""
    fixed = situation.fixed
    first = None
    if fixed is not None and rules.in_office_hours(agreement, now):
        first = routing.Target(
            stage=routing.FIXED,
            user_id=fixed.id,
            name=fixed.full_name,
            phone=fixed.phone,
            organisation_id=fixed.organisation_id,
        )
    place = situation.place
    return [
        first,
        _on_call(
            session,
            routing.ON_CALL,
            unit_id=place.unit_id,
            organisation_id=None if place.unit_id else place.organisation_id,
            at=now,
        ),
        _on_call(
            session,
            routing.AGREEMENT_ON_CALL,
            organisation_id=_agreement_on_call_id(session, agreement),
            at=now,
        ),
        _on_call(session, routing.HOSPITAL_ON_CALL, unit_id=situation.hospital_unit_id, at=now),
    ]


def _fallback_phone(
    session: Session, situation: Situation, agreement: rules.Agreement
) -> str | None:
    """The number to call when no physician is named: the physicians' unit's or
    organisation's, else the agreement's on-call organisation's, else the hospital unit's."""
    place = situation.place
    for unit_id, organisation_id in (
        (place.unit_id, place.organisation_id),
        (None, _agreement_on_call_id(session, agreement)),
        (situation.hospital_unit_id, None),
    ):
        if unit_id is None and organisation_id is None:
            continue
        phone = oncall.fallback_phone(session, unit_id=unit_id, organisation_id=organisation_id)
        if phone:
            return phone
    return None


def _route(
    request: PhysicianRequest, target: routing.Target | None, via: str | None = None
) -> None:
    if target is None:
        request.routed_to_user_id = None
        request.routed_to_name = None
        request.routed_via = routing.Via.NOBODY.value
        return
    request.routed_to_user_id = target.user_id
    request.routed_to_name = target.name
    request.routed_to_phone = target.phone
    request.routed_via = via or target.via.value


def _take_part(
    session: Session, request: PhysicianRequest, organisation_id: uuid.UUID | None, now: datetime
) -> dict[str, Any] | None:
    """The physician's organisation takes part in the request's episode (so the physician can
    read the patient); returns the history entry when it was added."""
    if organisation_id is None or request.episode_id is None:
        return None
    if organisation_id in repository.participant_organisations(session, request.episode_id):
        return None
    organisation = repository.organisation(session, organisation_id)
    role = (
        "primary_care"
        if organisation is not None and organisation.kind == "primary_care_centre"
        else "other"
    )
    repository.add(
        session,
        EpisodeParticipant(
            episode_id=request.episode_id, organisation_id=organisation_id, role=role
        ),
    )
    return _entry("participant_added", now, organisation_id=str(organisation_id), role=role)


def _episode_for(
    session: Session, ctx: Context, patient_id: uuid.UUID, visit_episode: uuid.UUID | None
) -> Episode | None:
    """The episode the request belongs to: the visit's; else the open one the asker's
    organisation takes part in (the enrolment first); else any open one."""
    if visit_episode is not None:
        return repository.episode(session, visit_episode)
    found = repository.open_episodes(session, patient_id)
    found.sort(key=lambda e: e.kind != Kind.HOME_HEALTH_CARE.value)
    mine = [
        e
        for e in found
        if ctx.actor.organisation_id in repository.participant_organisations(session, e.id)
    ]
    chosen = mine or found
    return chosen[0] if chosen else None


def _notify(
    session: Session,
    request: PhysicianRequest,
    user_id: uuid.UUID | None,
    kind: str,
    now: datetime,
) -> None:
    if user_id is None:
        return
    notifications.notify(
        session,
        user_ids=[user_id],
        kind=kind,
        severity=SEVERITY.get(request.urgency, "medium"),
        reference=reference(request.id),
        link=link(request.id),
        params={"due": _clock_text(request.due_at, now), "level": request.level},
        now=now,
    )


# -- asking --------------------------------------------------------------------------------------


def ask(
    ctx: Context,
    data: PhysicianRequestCreate,
    *,
    now: datetime | None = None,
    language: str | None = None,
) -> PhysicianRequest:
    """Ask a physician about a patient (SBAR); routed and notified at once. ``language``: the
    language the texts were written in, when known (a page's), kept in the history so that
    the pages mark the texts with it."""
    now = now or utcnow()
    session, actor = ctx.session, ctx.actor
    request_id = uuid.uuid4()
    require_patient_access(
        ctx,
        data.patient_id,
        permission=Permission.PHYSICIAN_REQUEST_SEND,
        action="create",
        resource_type=RESOURCE,
        resource_id=request_id,
        subject=f"patient {data.patient_id}",
    )
    visit_episode = None
    if data.visit_id is not None:
        visit = repository.visit(session, data.visit_id)
        if visit is None or visit.patient_id != data.patient_id:
            raise InvalidInput(
                problem("physician_request.visit_unknown", field="visit_id", visit_id=data.visit_id)
            )
        visit_episode = visit.episode_id
    episode = _episode_for(session, ctx, data.patient_id, visit_episode)
    observation = repository.latest_observation(session, data.patient_id)
    situation = _situation(session, data.patient_id)
    agreement = _agreement_for(session, ctx, situation)
    request = PhysicianRequest(
        id=request_id,
        patient_id=data.patient_id,
        episode_id=episode.id if episode else None,
        visit_id=data.visit_id,
        asked_by_id=actor.user_id,
        asking_organisation_id=actor.organisation_id,
        urgency=data.urgency.value,
        situation=data.situation,
        background=data.background,
        assessment=data.assessment,
        recommendation=data.recommendation,
        observation_set_id=observation.id if observation else None,
        vitals=_vitals(observation),
        agreement=agreement.key,
        due_at=rules.due_at(data.urgency.value, now, agreement),
        physician_organisation_id=situation.place.organisation_id,
        level=0,
        status=Status.OPEN.value,
        created_at=now,
        history=[],
        version=1,
    )
    target = routing.first(_chain(session, situation, agreement, now))
    _route(request, target)
    entries = [
        _entry(
            "asked",
            now,
            ctx=ctx,
            urgency=request.urgency,
            due_at=request.due_at.isoformat(),
            lang=language,
        )
    ]
    if target is None:
        request.routed_to_phone = _fallback_phone(session, situation, agreement)
        entries.append(
            _entry(
                "routed",
                now,
                via=routing.Via.NOBODY.value,
                stage=routing.NO_STAGE,
                phone=request.routed_to_phone,
            )
        )
    else:
        entries.append(_entry("routed", now, target=target, level=0))
    repository.add(session, request)
    added = _take_part(session, request, target.organisation_id if target else None, now)
    if added:
        entries.append(added)
    request.history = entries
    session.flush()
    _notify(session, request, request.routed_to_user_id, "physician_request", now)
    return request


# -- who may see it, and reading ----------------------------------------------------------------


def routed_to_user(user_id: uuid.UUID, request: PhysicianRequest) -> bool:
    """It is or was routed or forwarded to the user, or the user answered it."""
    if user_id in (request.routed_to_user_id, request.forwarded_to_id, request.answered_by_id):
        return True
    return str(user_id) in routing.routed_users(request.history or [])


def can_see(ctx: Context, request: PhysicianRequest, *, now: datetime | None = None) -> bool:
    """Whether the caller may read the request (for other domains, e.g. messages): it is or
    was routed to them, or their organisation has a care relationship with the patient (or
    the user emergency access). Checks only: nothing is logged."""
    actor = ctx.actor
    if not actor.can(Permission.PATIENT_READ):
        return False
    if routed_to_user(actor.user_id, request):
        return True
    if actor.is_social_services:
        return False
    return repository.related(
        ctx.session,
        request.patient_id,
        organisation_id=actor.organisation_id,
        care_provider=actor.care_provider,
        user_id=actor.user_id,
        now=now or utcnow(),
        days_after_end=get_settings().care_relationship_days_after_end,
    )


def _open(
    ctx: Context,
    request_id: uuid.UUID,
    *,
    permission: Permission,
    action: str,
    lock: bool = False,
) -> PhysicianRequest:
    """Load a request for the caller, check and log the access: an unknown one, or one the
    caller may not see, is the same 404; a role without ``permission`` is 403."""
    load = repository.get_for_update if lock else repository.get
    request = load(ctx.session, request_id)
    what = f"physician request {request_id}"
    if request is None:
        ctx.log.record(
            patient_id=None,
            action=action,
            resource_type=RESOURCE,
            resource_id=request_id,
            allowed=False,
            reason="no such physician request",
        )
        raise NotFound(problem("common.not_visible", what=what))
    actor = ctx.actor
    if routed_to_user(actor.user_id, request):
        if not actor.can(permission):
            ctx.log.record(
                patient_id=request.patient_id,
                action=action,
                resource_type=RESOURCE,
                resource_id=request.id,
                allowed=False,
                reason=f"role {actor.role} lacks {permission.value}",
            )
            raise role_refusal(actor.role, permission)
        ctx.log.record(
            patient_id=request.patient_id,
            action=action,
            resource_type=RESOURCE,
            resource_id=request.id,
            allowed=True,
            reason="the physician request is routed to the caller",
        )
        return request
    require_patient_access(
        ctx,
        request.patient_id,
        permission=permission,
        action=action,
        resource_type=RESOURCE,
        resource_id=request.id,
        subject=what,
    )
    return request


@dataclass(frozen=True)
class RequestView:
    """A request with what its readers see of it: names, and whether it is overdue now."""

    request: PhysicianRequest
    patient_name: str
    personnummer: str
    asked_by_name: str | None
    answered_by_name: str | None
    overdue: bool
    minutes_to_answer: int | None
    minutes_overdue: int | None


def is_overdue(request: PhysicianRequest, now: datetime) -> bool:
    return request.status == Status.OPEN.value and as_utc(now) > as_utc(request.due_at)


def _views(session: Session, requests: list[PhysicianRequest], now: datetime) -> list[RequestView]:
    people = repository.patients(session, {r.patient_id for r in requests})
    staff = repository.users(
        session, {r.asked_by_id for r in requests} | {r.answered_by_id for r in requests}
    )
    views = []
    for r in requests:
        patient = people.get(r.patient_id)
        overdue = is_overdue(r, now)
        answered = (
            int((as_utc(r.answered_at) - as_utc(r.created_at)).total_seconds() // 60)
            if r.answered_at
            else None
        )
        late = int((as_utc(now) - as_utc(r.due_at)).total_seconds() // 60) if overdue else None
        asker = staff.get(r.asked_by_id)
        answerer = staff.get(r.answered_by_id) if r.answered_by_id else None
        views.append(
            RequestView(
                request=r,
                patient_name=f"{patient.given_name} {patient.family_name}" if patient else "",
                personnummer=patient.personnummer if patient else "",
                asked_by_name=asker.full_name if asker else None,
                answered_by_name=answerer.full_name if answerer else None,
                overdue=overdue,
                minutes_to_answer=answered,
                minutes_overdue=late,
            )
        )
    return views


def view(ctx: Context, request: PhysicianRequest, *, now: datetime | None = None) -> RequestView:
    return _views(ctx.session, [request], now or utcnow())[0]


def get(ctx: Context, request_id: uuid.UUID, *, now: datetime | None = None) -> RequestView:
    """One request, for whoever may see it (logged)."""
    request = _open(ctx, request_id, permission=Permission.PATIENT_READ, action="read")
    return view(ctx, request, now=now)


def search(
    ctx: Context,
    *,
    box: Box | None = None,
    status: Status | None = None,
    patient_id: uuid.UUID | None = None,
    limit: int = 50,
    offset: int = 0,
    now: datetime | None = None,
) -> tuple[list[RequestView], int]:
    """The caller's inbox, sent requests or overdue ones (each patient listed is logged)."""
    ctx.actor.require(Permission.PATIENT_READ)
    now = now or utcnow()
    rows, total = repository.search(
        ctx.session,
        visibility(ctx),
        box=box.value if box else None,
        status=status.value if status else None,
        patient_id=patient_id,
        now=now,
        limit=limit,
        offset=offset,
    )
    log_listed(ctx, [r.patient_id for r in rows], resource_type=RESOURCE)
    return _views(ctx.session, rows, now), total


def counts(ctx: Context, *, now: datetime | None = None) -> tuple[int, int]:
    """(open, overdue) requests routed to or asked by the caller: the navigation's numbers
    (no patient data: nothing logged)."""
    if not (
        ctx.actor.can(Permission.PHYSICIAN_REQUEST_SEND)
        or ctx.actor.can(Permission.PHYSICIAN_REQUEST_ANSWER)
    ):
        return 0, 0
    return repository.counts(ctx.session, visibility(ctx), now=now or utcnow())


def overdue_overview(
    ctx: Context, *, now: datetime | None = None, limit: int = 20
) -> list[RequestView]:
    """The overview's list: open requests past their limit, to or from the caller's
    organisation (each patient listed is logged)."""
    if not ctx.actor.can(Permission.PATIENT_READ):
        return []
    now = now or utcnow()
    rows = repository.overdue_for_overview(ctx.session, visibility(ctx), now=now, limit=limit)
    log_listed(ctx, [r.patient_id for r in rows], resource_type=RESOURCE)
    return _views(ctx.session, rows, now)


@dataclass(frozen=True)
class AskForm:
    """What the ask form shows before anything is sent: the patient, the latest vital signs
    (the SBAR is prefilled from them), the open episodes, the visit asked from, who would
    get the request now and the limit each urgency would have."""

    patient: Patient
    observation: ObservationSet | None
    episodes: list[Episode]
    visit: Visit | None
    fixed_physician: User | None
    target: routing.Target | None
    call_instead: str | None  # nobody to route to: the number to call
    due: dict[str, datetime]  # urgency → the limit, if asked now
    agreement: rules.Agreement


def ask_form(
    ctx: Context,
    patient_id: uuid.UUID,
    *,
    visit_id: uuid.UUID | None = None,
    now: datetime | None = None,
) -> AskForm:
    """The ask form's content (the caller's access to the patient is checked and logged)."""
    now = now or utcnow()
    session = ctx.session
    require_patient_access(
        ctx,
        patient_id,
        permission=Permission.PHYSICIAN_REQUEST_SEND,
        action="read",
        resource_type=RESOURCE,
        subject=f"patient {patient_id}",
    )
    patient = repository.patient(session, patient_id)
    if patient is None:  # pragma: no cover - require_patient_access found the patient
        raise NotFound(problem("common.not_visible", what=f"patient {patient_id}"))
    visit = repository.visit(session, visit_id) if visit_id else None
    if visit is not None and visit.patient_id != patient_id:
        visit = None
    situation = _situation(session, patient_id)
    agreement = _agreement_for(session, ctx, situation)
    target = routing.first(_chain(session, situation, agreement, now))
    return AskForm(
        patient=patient,
        observation=repository.latest_observation(session, patient_id),
        episodes=repository.open_episodes(session, patient_id),
        visit=visit,
        fixed_physician=situation.fixed,
        target=target,
        call_instead=None if target else _fallback_phone(session, situation, agreement),
        due={u.value: rules.due_at(u.value, now, agreement) for u in rules.Urgency},
        agreement=agreement,
    )


def _agreement_for(session: Session, ctx: Context, situation: Situation) -> rules.Agreement:
    physicians = (
        repository.organisation(session, situation.place.organisation_id)
        if situation.place.organisation_id
        else None
    )
    return agreements().match(ctx.actor.organisation_code, physicians.code if physicians else None)


def physicians(ctx: Context) -> list[User]:
    """The physicians a request can be forwarded to: active physician accounts (a directory:
    no patient data)."""
    ctx.actor.require(Permission.PHYSICIAN_REQUEST_ANSWER)
    return repository.physicians(ctx.session)


# -- answering -----------------------------------------------------------------------------------


def _require_open(request: PhysicianRequest) -> None:
    if request.status != Status.OPEN.value:
        raise Conflict(
            problem(
                "physician_request.not_open",
                status=msg(f"physician_request.status.{request.status}"),
            ),
            status=request.status,
        )


def answer(
    ctx: Context,
    request_id: uuid.UUID,
    data: PhysicianRequestAnswer,
    *,
    now: datetime | None = None,
    language: str | None = None,
) -> PhysicianRequest:
    """Answer (or forward) a request; ``language``: the language the text was written in,
    when known (kept in the history)."""
    now = now or utcnow()
    session = ctx.session
    request = _open(
        ctx, request_id, permission=Permission.PHYSICIAN_REQUEST_ANSWER, action="answer", lock=True
    )
    _require_open(request)
    if data.kind == AnswerKind.FORWARDED:
        return _forward(ctx, request, data, now, language)
    visit_id = None
    if data.kind == AnswerKind.HOME_VISIT and data.slot_id is not None and data.date is not None:
        visit_id = _book(ctx, request, data, now)
    request.status = Status.ANSWERED.value
    request.answer_kind = data.kind.value
    request.answer_text = data.text
    request.answered_at = now
    request.answered_by_id = ctx.actor.user_id
    request.answer_visit_id = visit_id
    _touch(request, now)
    _add_history(
        request,
        _entry(
            "answered",
            now,
            ctx=ctx,
            kind=data.kind.value,
            note=data.text,
            visit_id=str(visit_id) if visit_id else None,
            lang=language if data.text else None,
        ),
    )
    session.flush()
    _notify(session, request, request.asked_by_id, "physician_request_answered", now)
    return request


def _book(
    ctx: Context, request: PhysicianRequest, data: PhysicianRequestAnswer, now: datetime
) -> uuid.UUID:
    """Book the physician home visit in the slot (the physician visits' domain checks the
    slot, the deadline and the capacity); returns the visit made."""
    try:
        from samband.physicianvisits.service import book
    except ImportError as exc:  # the physician visits' domain is not there (yet)
        raise Conflict(problem("physician_request.booking_unavailable", field="slot_id")) from exc
    assert data.slot_id is not None  # noqa: S101 - checked by the caller
    assert data.date is not None  # noqa: S101
    booking = book(
        ctx,
        slot_id=data.slot_id,
        date=data.date,
        patient_id=request.patient_id,
        request_id=request.id,
        reason=data.text or request.situation,
        now=now,
    )
    return booking.visit_id


def _forward(
    ctx: Context,
    request: PhysicianRequest,
    data: PhysicianRequestAnswer,
    now: datetime,
    language: str | None = None,
) -> PhysicianRequest:
    """Give the request to another physician: it stays open, the limit unchanged."""
    session = ctx.session
    assert data.forward_to_user_id is not None  # noqa: S101 - the schema requires it
    to = repository.user(session, data.forward_to_user_id)
    if to is None or not to.active or to.role != Role.PHYSICIAN.value:
        raise InvalidInput(
            problem(
                "physician_request.forward_to_not_physician",
                field="forward_to_user_id",
                user_id=data.forward_to_user_id,
            )
        )
    if to.id == request.routed_to_user_id:
        raise InvalidInput(problem("physician_request.forward_to_same", field="forward_to_user_id"))
    stage = routing.current_stage(request.history or [])
    target = routing.Target(
        stage=max(stage, routing.FIXED),
        user_id=to.id,
        name=to.full_name,
        phone=to.phone,
        organisation_id=to.organisation_id,
    )
    _route(request, target, via=routing.Via.FORWARDED.value)
    request.forwarded_to_id = to.id
    _touch(request, now)
    entries = [
        {
            **_entry(
                "forwarded",
                now,
                ctx=ctx,
                target=target,
                level=request.level,
                note=data.text,
                lang=language if data.text else None,
            ),
            "via": routing.Via.FORWARDED.value,
            "stage": stage,
        }
    ]
    added = _take_part(session, request, to.organisation_id, now)
    if added:
        entries.append(added)
    _add_history(request, *entries)
    session.flush()
    _notify(session, request, to.id, "physician_request", now)
    _notify(session, request, request.asked_by_id, "physician_request_forwarded", now)
    return request


def cancel(
    ctx: Context,
    request_id: uuid.UUID,
    data: PhysicianRequestCancel,
    *,
    now: datetime | None = None,
) -> PhysicianRequest:
    """The asker withdraws the request (no longer needed)."""
    now = now or utcnow()
    request = _open(
        ctx, request_id, permission=Permission.PHYSICIAN_REQUEST_SEND, action="cancel", lock=True
    )
    if request.asked_by_id != ctx.actor.user_id:
        raise Forbidden(problem("physician_request.asker_only"))
    _require_open(request)
    request.status = Status.CANCELLED.value
    _touch(request, now)
    _add_history(request, _entry("cancelled", now, ctx=ctx, note=data.reason))
    ctx.session.flush()
    return request


# -- escalation ----------------------------------------------------------------------------------


def escalate_due(session: Session, now: datetime | None = None) -> list[PhysicianRequest]:
    """Open requests past their limit whose level has had them for ``escalate_after``: to
    the next level (level + 1), the new physician and the asker notified. With no further
    level, the asker is told once (the request stays overdue). Returns those escalated."""
    now = as_utc(now or utcnow())
    escalated: list[PhysicianRequest] = []
    for request in repository.open_past_due(session, now):
        agreement = agreements().get(request.agreement)
        history = request.history or []
        since = routing.level_since(history, as_utc(request.created_at))
        if not rules.escalation_due(
            agreement,
            request.urgency,
            due=as_utc(request.due_at),
            level_since=as_utc(since),
            now=now,
        ):
            continue
        situation = _situation(session, request.patient_id)
        target = routing.next_after(
            _chain(session, situation, agreement, now),
            routing.current_stage(history),
            user_id=request.routed_to_user_id,
            name=request.routed_to_name,
        )
        if target is None:
            if not routing.has_event(history, "no_further_level"):
                _add_history(request, _entry("no_further_level", now, level=request.level))
                _touch(request, now)
                session.flush()
                _notify(session, request, request.asked_by_id, "physician_request_overdue", now)
            continue
        request.level += 1
        request.escalated_at = now
        _route(request, target)
        _touch(request, now)
        entries = [_entry("escalated", now, target=target, level=request.level)]
        added = _take_part(session, request, target.organisation_id, now)
        if added:
            entries.append(added)
        _add_history(request, *entries)
        session.flush()
        _notify(session, request, target.user_id, "physician_request_escalated", now)
        _notify(session, request, request.asked_by_id, "physician_request_overdue", now)
        escalated.append(request)
    return escalated
