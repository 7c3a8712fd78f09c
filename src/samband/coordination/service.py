"""Coordination at discharge (lag 2017:612 om samverkan vid utskrivning från sluten hälso- och
sjukvård) and the primary care physician's morning list.

A hospital stay (``HospitalStay``) of a patient cared for at home:

- **admitted** by the hospital (a hospital clinic, ward or mobile team) whose organisation has a
  care relationship with the patient; one open stay per patient. A hospital-at-home episode
  that is readmitted opens one by itself (``open_on_readmission``), so the law's clock starts;
- the **admission notice** (*inskrivningsmeddelande*), due 24 hours after admission, is sent by
  the hospital to the municipal home health care and the primary care taking part (and the
  patient's listed centre and fixed physician's organisation); the fixed physician and the
  fixed care contact are notified;
- **ready for discharge** (*utskrivningsklar*) with its date, by a physician of the hospital;
- **discharged**, saying whether a SIP meeting is needed; the **SIP invitation** is then due
  within 3 days and is sent by primary care or the municipality.

The deadlines and the order of the steps are the pure rules of ``deadlines``. Every change
adds a line to the stay's history. Reading and writing a stay needs a care relationship with
its patient (else 404, logged); a role without ``hospital_stay:write`` may not change one
(403); the wrong side (e.g. a municipality discharging) is refused with 403 and a reason.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from samband.config import get_settings
from samband.coordination import deadlines as rules
from samband.coordination import repository
from samband.coordination.repository import StayRow
from samband.coordination.schemas import (
    Discharge,
    HospitalStayCreate,
    ReadyForDischarge,
    SipInvitation,
    StayStatus,
)
from samband.episodes.states import Kind
from samband.kit.errors import Conflict, Forbidden, InvalidInput, Problem, not_visible, problem
from samband.kit.time import STOCKHOLM, as_utc, utcnow
from samband.models import Episode, EpisodeParticipant, HospitalStay, Organisation, Patient
from samband.notifications import service as notifications
from samband.security.context import Context
from samband.security.roles import Permission, Role
from samband.security.service import (
    care_provider_of,
    log_listed,
    require_patient_access,
    visibility,
)

RESOURCE = "hospital_stay"
HOSPITAL_KINDS = frozenset({"hospital_clinic", "hospital_ward", "mobile_team"})
# who sends the SIP invitation: primary care or the municipality's home health care
SIP_KINDS = frozenset({"primary_care_centre", "municipal_home_health_care"})
MORNING_HOURS = 24
MAX_LISTED = 2000  # stays read at most for an open or overdue list (filtered by the rules)


@dataclass(frozen=True)
class StayView:
    """A stay with its patient, its hospital and its deadlines as of ``now``."""

    stay: HospitalStay
    patient: Patient
    hospital: Organisation
    deadlines: rules.Deadlines
    now: datetime

    @property
    def status(self) -> str:
        return rules.status(facts_of(self.stay))

    @property
    def is_open(self) -> bool:
        return rules.is_open(facts_of(self.stay))


def facts_of(stay: HospitalStay) -> rules.StayFacts:
    return rules.StayFacts(
        admitted_at=stay.admitted_at,
        notice_sent_at=stay.admission_notice_sent_at,
        ready_on=stay.ready_for_discharge_on,
        discharged_at=stay.discharged_at,
        sip_needed=stay.sip_needed,
        sip_invited_at=stay.sip_invited_at,
    )


def _view(row: StayRow, now: datetime) -> StayView:
    return StayView(
        stay=row.stay,
        patient=row.patient,
        hospital=row.hospital,
        deadlines=rules.deadlines(facts_of(row.stay), now),
        now=now,
    )


def _today(now: datetime) -> date:
    return as_utc(now).astimezone(STOCKHOLM).date()


def _refuse(found: list[Problem]) -> None:
    """Raise the problems found (409 for the stay's state, 422 for the values given)."""
    if not found:
        return
    first = found[0]
    error = Conflict if first.code in rules.CONFLICTS else InvalidInput
    if len(found) == 1:
        raise error(first)
    raise error(first, problems=found)


def _entry(ctx: Context, event: str, now: datetime, **data: Any) -> dict[str, Any]:
    return {
        "at": now.isoformat(),
        "event": event,
        "by": ctx.actor.username,
        "by_name": ctx.actor.full_name,
        "organisation": ctx.actor.organisation_code,
        "data": {k: v for k, v in data.items() if v is not None},
    }


def _changed(ctx: Context, stay: HospitalStay, entry: dict[str, Any], now: datetime) -> None:
    # a new list: SQLAlchemy sees the JSON column changed
    stay.history = [*(stay.history or []), entry]
    stay.updated_at = now
    stay.updated_by_id = ctx.actor.user_id


def _load(
    ctx: Context, stay_id: uuid.UUID, *, permission: Permission, action: str, lock: bool
) -> HospitalStay:
    """The stay, after checking (and logging) the caller's access to its patient; an unknown
    stay is a logged 404 said like one the caller may not see."""
    subject = f"hospital stay {stay_id}"
    stay = repository.get(ctx.session, stay_id)
    if stay is None:
        ctx.log.record(
            patient_id=None,
            action=action,
            resource_type=RESOURCE,
            resource_id=stay_id,
            allowed=False,
            reason="no such hospital stay",
        )
        raise not_visible(subject)
    require_patient_access(
        ctx,
        stay.patient_id,
        permission=permission,
        action=action,
        resource_type=RESOURCE,
        resource_id=stay.id,
        subject=subject,
    )
    if lock:
        locked = repository.get_for_update(ctx.session, stay_id)
        if locked is None:  # pragma: no cover - nothing deletes a stay
            raise not_visible(subject)
        stay = locked
    return stay


def _refused(ctx: Context, stay: HospitalStay, action: str, found: Problem) -> Forbidden:
    """The 403 for the wrong side of the coordination (logged with the patient)."""
    ctx.log.record(
        patient_id=stay.patient_id,
        action=action,
        resource_type=RESOURCE,
        resource_id=stay.id,
        allowed=False,
        reason=found.text("en"),
    )
    return Forbidden(found)


def _require_hospital_of(ctx: Context, stay: HospitalStay, action: str) -> None:
    if ctx.actor.organisation_id != stay.hospital_organisation_id:
        raise _refused(ctx, stay, action, problem("coordination.hospital_of_stay_only"))


# -- reading ----------------------------------------------------------------------------------


def get(ctx: Context, stay_id: uuid.UUID, *, now: datetime | None = None) -> StayView:
    stay = _load(ctx, stay_id, permission=Permission.PATIENT_READ, action="read", lock=False)
    return _view(repository.row_of(ctx.session, stay), now or utcnow())


def search(
    ctx: Context,
    *,
    status: StayStatus = StayStatus.OPEN,
    limit: int = 50,
    offset: int = 0,
    now: datetime | None = None,
) -> tuple[list[StayView], int]:
    """The stays that concern the caller's organisation (its care relationships): open (in
    hospital, or a SIP invitation still to send), overdue (a notice or an invitation past its
    deadline), or all. Each patient listed is logged."""
    ctx.actor.require(Permission.PATIENT_READ)
    now = now or utcnow()
    seen = visibility(ctx)
    if status == StayStatus.ALL:
        rows, total = repository.search(ctx.session, seen, which="all", limit=limit, offset=offset)
        views = [_view(row, now) for row in rows]
    else:
        every = _pending(ctx, now)
        if status == StayStatus.OVERDUE:
            every = [v for v in every if v.deadlines.overdue]
        else:
            every = [v for v in every if v.is_open]
        total = len(every)
        views = every[offset : offset + limit]
    log_listed(ctx, [v.patient.id for v in views], resource_type=RESOURCE)
    return views, total


def _pending(ctx: Context, now: datetime) -> list[StayView]:
    """Every stay of concern that is open or can be overdue (its notice not sent)."""
    rows, _ = repository.search(
        ctx.session, visibility(ctx), which="pending", limit=MAX_LISTED, offset=0
    )
    return [_view(row, now) for row in rows]


def overview_section(ctx: Context, *, now: datetime | None = None) -> list[StayView] | None:
    """The command centre's "Samordning vid utskrivning": the stays that concern the caller's
    organisation and are open or overdue, overdue first, then the oldest admission; each
    patient shown is logged. None for a caller who reads no patient record (social services;
    roles without patient:read)."""
    if not ctx.actor.can(Permission.PATIENT_READ) or ctx.actor.is_social_services:
        return None
    now = now or utcnow()
    views = [v for v in _pending(ctx, now) if v.is_open or v.deadlines.overdue]
    log_listed(ctx, [v.patient.id for v in views], resource_type=RESOURCE)
    return sorted(views, key=lambda v: (not v.deadlines.overdue, v.stay.admitted_at))


def actions(ctx: Context, view: StayView) -> frozenset[str]:
    """What the caller may do with the stay now (the page's buttons): notice, ready,
    discharge, sip. The services check it all again."""
    actor = ctx.actor
    if not actor.can(Permission.HOSPITAL_STAY_WRITE):
        return frozenset()
    stay = view.stay
    found: set[str] = set()
    hospital = actor.organisation_id == stay.hospital_organisation_id
    if hospital and stay.admission_notice_sent_at is None:
        found.add("notice")
    if hospital and stay.discharged_at is None:
        found.add("discharge")
        if actor.role == Role.PHYSICIAN:
            found.add("ready")
    if (
        actor.organisation_kind in SIP_KINDS
        and stay.discharged_at is not None
        and stay.sip_needed
        and stay.sip_invited_at is None
    ):
        found.add("sip")
    return frozenset(found)


def names(ctx: Context, views: Sequence[StayView]) -> dict[str, str]:
    """The names of the organisations the notices went to (by id as text), for the pages."""
    ids = sorted({uuid.UUID(str(o)) for v in views for o in (v.stay.notice_to or [])}, key=str)
    return {str(k): name for k, name in repository.organisation_names(ctx.session, ids).items()}


# -- writing ----------------------------------------------------------------------------------


def admit(
    ctx: Context, patient_id: uuid.UUID, data: HospitalStayCreate, *, now: datetime | None = None
) -> StayView:
    """A hospital registers that the patient was admitted (inpatient care).

    The hospital needs a care relationship with the patient (a hospital-at-home episode it
    leads or takes part in). Without one, a written ``reason`` starts it, as flagging a
    candidate does (decision 0010): the hospital takes part in the patient's open home health
    care enrolment (with the patient's consent to shared records when it belongs to another
    care provider), and the new relationship is logged for the auditor. Without a reason, or
    without an enrolment to take part in, the answer is the 404 of a patient one may not see.
    """
    now = now or utcnow()
    actor = ctx.actor

    def log(allowed: bool, reason: str | None = None) -> None:
        ctx.log.record(
            patient_id=patient_id,
            action="create",
            resource_type=RESOURCE,
            resource_id=patient_id,
            allowed=allowed,
            reason=reason,
        )

    if not actor.can(Permission.HOSPITAL_STAY_WRITE):
        log(False, f"role {actor.role} lacks {Permission.HOSPITAL_STAY_WRITE.value}")
        actor.require(Permission.HOSPITAL_STAY_WRITE)
    hospital = actor.organisation_kind in HOSPITAL_KINDS
    exists, related, emergency = repository.related(
        ctx.session,
        patient_id,
        organisation_id=actor.organisation_id,
        care_provider=actor.care_provider,
        user_id=actor.user_id,
        now=now,
        days_after_end=get_settings().care_relationship_days_after_end,
    )
    joining: Episode | None = None
    if not (related or emergency):
        enrolment = (
            repository.open_episode_of(ctx.session, patient_id, Kind.HOME_HEALTH_CARE.value)
            if exists and hospital and data.reason and not actor.is_social_services
            else None
        )
        if enrolment is None:
            log(False, "no care relationship" if exists else "no such patient")
            raise not_visible(f"patient {patient_id}")
        joining = enrolment
    if not hospital:
        log(False, "only a hospital registers an admission")
        raise Forbidden(problem("coordination.hospital_only"))
    admitted_at = as_utc(data.admitted_at) if data.admitted_at else now
    _refuse(
        rules.admission_problems(
            admitted_at=admitted_at, expected_discharge_on=data.expected_discharge_on, now=now
        )
    )
    patient = repository.lock_patient(ctx.session, patient_id)
    if patient is None:  # pragma: no cover - found above
        raise not_visible(f"patient {patient_id}")
    _no_open_stay(ctx, patient_id)
    if joining is not None:
        _join(ctx, joining, data.reason or "")
    else:
        ctx.log.record(
            patient_id=patient_id,
            action="create",
            resource_type=RESOURCE,
            resource_id=patient_id,
            allowed=True,
            emergency=emergency and not related,
        )
    episode = _from_episode(ctx, patient_id)
    stay = HospitalStay(
        patient_id=patient_id,
        episode_id=episode.id if episode else None,
        hospital_organisation_id=actor.organisation_id,
        ward=data.ward,
        admitted_at=admitted_at,
        expected_discharge_on=data.expected_discharge_on,
        notice_to=[],
        created_at=now,
        created_by_id=actor.user_id,
        history=[
            _entry(
                ctx,
                "admitted",
                now,
                admitted_at=admitted_at.isoformat(),
                ward=data.ward,
                expected_discharge_on=data.expected_discharge_on.isoformat()
                if data.expected_discharge_on
                else None,
                reason=data.reason if joining is not None else None,
            )
        ],
    )
    repository.add(ctx.session, stay)
    return _view(repository.row_of(ctx.session, stay), now)


def _join(ctx: Context, enrolment: Episode, reason: str) -> None:
    """The admitting hospital takes part in the enrolment: its care relationship, started
    with a written reason and logged for the auditor's review (decision 0010)."""
    actor = ctx.actor
    responsible = repository.responsible_organisation(ctx.session, enrolment)
    if (
        care_provider_of(responsible) != actor.care_provider
        and enrolment.shared_records_consent is not True
    ):
        ctx.log.record(
            patient_id=enrolment.patient_id,
            action="create",
            resource_type=RESOURCE,
            resource_id=enrolment.patient_id,
            allowed=False,
            reason="no consent to shared records on the enrolment",
        )
        raise Conflict(
            problem(
                "coordination.no_shared_records_consent",
                organisation=responsible.name,
            )
        )
    if repository.participant(ctx.session, enrolment.id, actor.organisation_id) is None:
        repository.add_participant(
            ctx.session,
            EpisodeParticipant(
                episode_id=enrolment.id, organisation_id=actor.organisation_id, role="other"
            ),
        )
    ctx.log.record(
        patient_id=enrolment.patient_id,
        action="create",
        resource_type=RESOURCE,
        resource_id=enrolment.patient_id,
        allowed=True,
    )
    ctx.log.record(
        patient_id=enrolment.patient_id,
        action="relationship_start",
        resource_type="care_relationship",
        resource_id=enrolment.id,
        allowed=True,
        reason=f"admitted to hospital: {reason}",
    )


def _no_open_stay(ctx: Context, patient_id: uuid.UUID) -> None:
    current = repository.open_stay_of(ctx.session, patient_id)
    if current is not None:
        raise Conflict(
            problem("coordination.already_open", since=as_utc(current.admitted_at)),
            hospital_stay_id=str(current.id),
        )


def _from_episode(ctx: Context, patient_id: uuid.UUID) -> Episode | None:
    """The care the patient came from: an open hospital-at-home episode, else the open home
    health care enrolment."""
    for kind in (Kind.HOSPITAL_AT_HOME, Kind.HOME_HEALTH_CARE):
        found = repository.open_episode_of(ctx.session, patient_id, kind.value)
        if found is not None:
            return found
    return None


def open_on_readmission(
    ctx: Context,
    episode: Episode,
    *,
    ward_unit_id: uuid.UUID | None = None,
    now: datetime | None = None,
) -> HospitalStay | None:
    """A hospital-at-home episode was readmitted: the patient is in hospital again, so a stay
    opens (the hospital: the episode's responsible unit's organisation; the ward: the unit
    the patient was readmitted to) and the admission notice's 24 hours start. Called inside
    the transition's transaction by the episode's service, which has checked the caller;
    nothing is refused here: with a stay already open for the patient, none is made (None)."""
    now = now or utcnow()
    repository.lock_patient(ctx.session, episode.patient_id)
    if repository.open_stay_of(ctx.session, episode.patient_id) is not None:
        return None
    responsible = repository.unit(ctx.session, episode.responsible_unit_id)
    if responsible is None:  # pragma: no cover - a foreign key keeps it
        return None
    ward = repository.unit(ctx.session, ward_unit_id) if ward_unit_id else None
    stay = HospitalStay(
        patient_id=episode.patient_id,
        episode_id=episode.id,
        hospital_organisation_id=responsible.organisation_id,
        ward=ward.name if ward else None,
        admitted_at=now,
        notice_to=[],
        created_at=now,
        created_by_id=ctx.actor.user_id,
        history=[
            _entry(
                ctx,
                "admitted",
                now,
                admitted_at=now.isoformat(),
                ward=ward.name if ward else None,
                readmitted_from_episode=str(episode.id),
            )
        ],
    )
    repository.add(ctx.session, stay)
    return stay


def send_notice(ctx: Context, stay_id: uuid.UUID, *, now: datetime | None = None) -> StayView:
    """The hospital sends the admission notice to the municipality's home health care and
    primary care; the fixed physician and the fixed care contact are notified."""
    now = now or utcnow()
    action = "admission_notice"
    stay = _load(ctx, stay_id, permission=Permission.HOSPITAL_STAY_WRITE, action=action, lock=True)
    _require_hospital_of(ctx, stay, action)
    _refuse(rules.notice_problems(facts_of(stay)))
    row = repository.row_of(ctx.session, stay)
    recipients = repository.notice_recipients(
        ctx.session,
        row.patient,
        episode_id=stay.episode_id,
        hospital_id=stay.hospital_organisation_id,
    )
    if not recipients:
        raise Conflict(problem("coordination.no_recipients"))
    stay.admission_notice_sent_at = now
    stay.admission_notice_by_id = ctx.actor.user_id
    stay.notice_to = [str(o.id) for o in recipients]
    due = rules.notice_due(stay.admitted_at)
    _changed(
        ctx,
        stay,
        _entry(
            ctx,
            "admission_notice_sent",
            now,
            to=[o.code for o in recipients],
            late=now > due,
        ),
        now,
    )
    _notify(ctx, row.patient, stay, "hospital_stay_admitted", severity="medium", now=now)
    return _view(row, now)


def set_ready(
    ctx: Context, stay_id: uuid.UUID, data: ReadyForDischarge, *, now: datetime | None = None
) -> StayView:
    """A physician of the hospital judges the patient ready for discharge (utskrivningsklar)
    from a date; the days past it are counted until discharge. A new date replaces the old
    one (both are in the history)."""
    now = now or utcnow()
    action = "ready_for_discharge"
    stay = _load(ctx, stay_id, permission=Permission.HOSPITAL_STAY_WRITE, action=action, lock=True)
    _require_hospital_of(ctx, stay, action)
    if ctx.actor.role != Role.PHYSICIAN:
        raise _refused(ctx, stay, action, problem("coordination.ready_physician_only"))
    _refuse(rules.ready_problems(facts_of(stay), ready_on=data.date, today=_today(now)))
    before = stay.ready_for_discharge_on
    stay.ready_for_discharge_on = data.date
    stay.ready_set_at = now
    stay.ready_set_by_id = ctx.actor.user_id
    _changed(
        ctx,
        stay,
        _entry(
            ctx,
            "ready_for_discharge",
            now,
            date=data.date.isoformat(),
            replaced=before.isoformat() if before else None,
        ),
        now,
    )
    row = repository.row_of(ctx.session, stay)
    _notify(
        ctx, row.patient, stay, "hospital_stay_ready", severity="medium", now=now, date=data.date
    )
    return _view(row, now)


def discharge(
    ctx: Context, stay_id: uuid.UUID, data: Discharge, *, now: datetime | None = None
) -> StayView:
    """The hospital discharges the patient, saying whether a SIP meeting is needed (then the
    invitation is due within 3 days, and the fixed physician and care contact are told)."""
    now = now or utcnow()
    action = "discharge"
    stay = _load(ctx, stay_id, permission=Permission.HOSPITAL_STAY_WRITE, action=action, lock=True)
    _require_hospital_of(ctx, stay, action)
    at = as_utc(data.at) if data.at else now
    _refuse(rules.discharge_problems(facts_of(stay), at=at, now=now))
    stay.discharged_at = at
    stay.sip_needed = data.sip_needed
    _changed(
        ctx,
        stay,
        _entry(ctx, "discharged", now, at=at.isoformat(), sip_needed=data.sip_needed),
        now,
    )
    row = repository.row_of(ctx.session, stay)
    if data.sip_needed:
        due = rules.sip_due(at)
        _notify(
            ctx,
            row.patient,
            stay,
            "hospital_stay_sip_due",
            severity="medium",
            now=now,
            date=_today(due),
        )
    return _view(row, now)


def invite_sip(
    ctx: Context, stay_id: uuid.UUID, data: SipInvitation, *, now: datetime | None = None
) -> StayView:
    """Primary care or the municipality records the invitation to the SIP meeting."""
    now = now or utcnow()
    action = "sip_invitation"
    stay = _load(ctx, stay_id, permission=Permission.HOSPITAL_STAY_WRITE, action=action, lock=True)
    if ctx.actor.organisation_kind not in SIP_KINDS:
        raise _refused(ctx, stay, action, problem("coordination.sip_by_primary_care"))
    meeting_at = as_utc(data.meeting_at) if data.meeting_at else None
    _refuse(rules.sip_problems(facts_of(stay), meeting_at=meeting_at))
    stay.sip_invited_at = now
    stay.sip_invited_by_id = ctx.actor.user_id
    stay.sip_meeting_at = meeting_at
    due = rules.sip_due(stay.discharged_at) if stay.discharged_at else None
    _changed(
        ctx,
        stay,
        _entry(
            ctx,
            "sip_invitation_sent",
            now,
            meeting_at=meeting_at.isoformat() if meeting_at else None,
            late=bool(due and now > due),
        ),
        now,
    )
    return _view(repository.row_of(ctx.session, stay), now)


def _notify(
    ctx: Context,
    patient: Patient,
    stay: HospitalStay,
    kind: str,
    *,
    severity: str,
    now: datetime,
    date: date | None = None,
) -> None:
    """Tell the patient's fixed physician and fixed care contact (no patient identity in the
    message: a reference and a link)."""
    who = [u for u in (patient.fixed_physician_id, patient.fixed_care_contact_id) if u]
    if not who:
        return
    params: dict[str, Any] = {}
    if date is not None:
        params["date"] = date.isoformat()
    notifications.notify(
        ctx.session,
        user_ids=who,
        kind=kind,
        severity=severity,
        reference=notifications.reference("hospital_stay", stay.id),
        link=f"/coordination?status=all#stay-{stay.id}",
        params=params,
        now=now,
    )


# -- the morning list -------------------------------------------------------------------------


@dataclass(frozen=True)
class MorningEvent:
    at: datetime
    kind: str  # admitted | discharged | home_started | home_ended | enrolment_started | …
    organisation_id: uuid.UUID
    organisation_name: str
    hospital_stay_id: uuid.UUID | None = None
    episode_id: uuid.UUID | None = None
    state: str | None = None
    ward: str | None = None


@dataclass(frozen=True)
class MorningPatient:
    patient: Patient
    events: list[MorningEvent] = field(default_factory=list)


@dataclass(frozen=True)
class MorningList:
    since: datetime
    until: datetime
    patients: list[MorningPatient]
    not_shown: int


def _within(moment: datetime | None, since: datetime, until: datetime) -> bool:
    return moment is not None and since <= as_utc(moment) <= until


def morning_list(ctx: Context, *, now: datetime | None = None) -> MorningList:
    """For a physician: their patients (they are the fixed physician) who were admitted to or
    discharged from hospital, went home with hospital care or came back from it, or started
    or ended home health care in the last 24 hours. Only patients the physician's
    organisation has a care relationship with are shown (each shown is an access-log read);
    the others are counted. Patients with the newest event first."""
    ctx.actor.require(Permission.PATIENT_READ)
    if ctx.actor.role != Role.PHYSICIAN:
        # a refusal by role: the API's generic code "forbidden", the problem named in it
        said = problem("coordination.morning_list_physicians_only")
        refusal = Forbidden(said, problem=said.code)
        refusal.code = Forbidden.code
        raise refusal
    until = as_utc(now or utcnow())
    since = until - timedelta(hours=MORNING_HOURS)
    patients, not_shown = repository.physicians_patients(
        ctx.session, ctx.actor.user_id, visibility(ctx)
    )
    ids = [p.id for p in patients]
    found: dict[uuid.UUID, list[MorningEvent]] = {pid: [] for pid in ids}
    for stay, hospital in repository.stays_in_window(ctx.session, ids, since, until):
        for kind, moment in (("admitted", stay.admitted_at), ("discharged", stay.discharged_at)):
            if moment is not None and _within(moment, since, until):
                found[stay.patient_id].append(
                    MorningEvent(
                        at=as_utc(moment),
                        kind=kind,
                        organisation_id=hospital.id,
                        organisation_name=hospital.name,
                        hospital_stay_id=stay.id,
                        ward=stay.ward,
                    )
                )
    for episode, responsible in repository.episodes_in_window(ctx.session, ids, since, until):
        prefix = "enrolment" if episode.kind == Kind.HOME_HEALTH_CARE.value else "home"
        started = episode.started_at
        if started is None and episode.kind == Kind.HOME_HEALTH_CARE.value:
            started = episode.created_at
        for kind, moment in ((f"{prefix}_started", started), (f"{prefix}_ended", episode.ended_at)):
            if moment is not None and _within(moment, since, until):
                found[episode.patient_id].append(
                    MorningEvent(
                        at=as_utc(moment),
                        kind=kind,
                        organisation_id=responsible.id,
                        organisation_name=responsible.name,
                        episode_id=episode.id,
                        state=episode.state if kind.endswith("_ended") else None,
                    )
                )
    shown = [
        MorningPatient(p, sorted(found[p.id], key=lambda e: e.at, reverse=True))
        for p in patients
        if found[p.id]
    ]
    shown.sort(key=lambda m: m.events[0].at, reverse=True)
    for entry in shown:
        ctx.log.record(
            patient_id=entry.patient.id,
            action="read",
            resource_type="morning_list",
            allowed=True,
        )
    return MorningList(since=since, until=until, patients=shown, not_shown=not_shown)
