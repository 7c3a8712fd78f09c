"""Enrolment in the municipality's home health care, and the patient's fixed physician and
fixed care contact (issue 13, decision 0018).

- An **enrolment** (*inskriven i hemsjukvården*) is an episode of kind ``home_health_care``:
  state ``at_home`` while the patient is enrolled, ``ended`` after. It has no pathway, no
  checklist and no beds; visits, vital signs, alerts, medications, the care plan, care
  requests, the timeline and the care relationship (its participants) work as for any
  episode. One open enrolment per patient (the database's index is per patient and kind); a
  hospital-at-home episode may lie on top of it.
- ``enrol``: staff of a municipal home health care organisation with ``episode:create``. With
  a care relationship with the patient already (a care request, an episode taking part, a
  registration), nothing more is asked; without one a written ``reason`` starts it, logged
  for the auditor as flagging a candidate is (decision 0010). The municipality leads (the
  responsible unit is the caller's); the patient's primary care centre and the fixed
  physician's organisation take part (``primary_care``).
- ``end``: the municipality (``episode:transition``, the responsible organisation) ends it with
  a reason; the future visits are cancelled and the day plans marked, as at a discharge.
- The **fixed physician** (*patientansvarig läkare*) and **fixed care contact** (*fast
  vårdkontakt*) are on the patient and outlast episodes: ``patient:assign`` and a care
  relationship; each change is a ``PatientAssignment`` and an access-log row. The open
  enrolment mirrors them (its responsible physician and care contact, whom its alerts
  notify), and the fixed physician's organisation is made to take part in it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from samband.carerequests import service as carerequests
from samband.config import get_settings
from samband.enrolments import repository
from samband.enrolments.schemas import AssignmentWrite, EnrolmentCreate, EnrolmentEnd
from samband.episodes.access import episode_for, record_event, require_responsible
from samband.episodes.states import Kind, State
from samband.kit.errors import Conflict, Forbidden, InvalidInput, NotFound, not_visible, problem
from samband.kit.i18n import msg
from samband.kit.time import utcnow
from samband.models import Episode, EpisodeParticipant, Patient, PatientAssignment, Unit, User
from samband.security.context import Context
from samband.security.roles import OrganisationKind, Permission, Role
from samband.security.service import require_patient_access

# An enrolment follows no pathway: these fill the episode's pathway and type columns, and
# every place that reads them (the pathway registry, the outcomes, the pages) skips or names
# an enrolment by its kind.
PATHWAY = "home_health_care"
TYPE = "home_health_care"
RESOURCE = "enrolment"
# A fixed care contact is licensed health care staff (legitimerad personal).
LICENSED_ROLES = frozenset(
    {
        Role.PHYSICIAN.value,
        Role.REGISTERED_NURSE.value,
        Role.PHYSIOTHERAPIST.value,
        Role.OCCUPATIONAL_THERAPIST.value,
    }
)
FIXED_PHYSICIAN = "fixed_physician"
FIXED_CARE_CONTACT = "fixed_care_contact"
# The role an organisation takes part in an enrolment with, by its kind.
ROLE_FOR_KIND = {
    OrganisationKind.PRIMARY_CARE_CENTRE.value: "primary_care",
    OrganisationKind.MUNICIPAL_HOME_HEALTH_CARE.value: "home_health_care",
    OrganisationKind.MUNICIPAL_HOME_CARE.value: "home_care",
    OrganisationKind.MOBILE_TEAM.value: "mobile_team",
}
FUTURE_GRACE = timedelta(minutes=5)


@dataclass(frozen=True)
class Staff:
    """A member of staff as the patient's contacts show them."""

    id: uuid.UUID
    name: str
    role: str
    organisation_id: uuid.UUID
    organisation_name: str
    phone: str | None  # their own number, else their organisation's

    @classmethod
    def of(cls, user: User) -> Staff:
        return cls(
            id=user.id,
            name=user.full_name,
            role=user.role,
            organisation_id=user.organisation_id,
            organisation_name=user.organisation.name,
            phone=user.phone or user.organisation.phone,
        )


@dataclass(frozen=True)
class EnrolmentView:
    episode: Episode
    unit_name: str
    organisation_id: uuid.UUID
    organisation_name: str
    care_contact: Staff | None
    fixed_physician: Staff | None


@dataclass(frozen=True)
class AssignmentView:
    assignment: PatientAssignment
    from_user: Staff | None
    to_user: Staff | None
    by_name: str
    by_organisation_name: str


# -- for other domains ---------------------------------------------------------------------------


def open_enrolment(session: Session, patient_id: uuid.UUID) -> Episode | None:
    """The patient's open enrolment in home health care, if any (no access check: the
    caller's own rules apply)."""
    return repository.open_enrolment(session, patient_id)


def is_enrolment(episode: Episode) -> bool:
    return episode.kind == Kind.HOME_HEALTH_CARE.value


def staff_of(session: Session, user_ids: set[uuid.UUID | None]) -> dict[uuid.UUID, Staff]:
    """Staff by id, for showing the fixed physician and care contact (no access check)."""
    found = repository.users(session, {i for i in user_ids if i is not None})
    return {user_id: Staff.of(user) for user_id, user in found.items()}


# -- enrol and end -------------------------------------------------------------------------------


def enrol(
    ctx: Context, patient_id: uuid.UUID, data: EnrolmentCreate, *, now: datetime | None = None
) -> Episode:
    """Enrol the patient in the caller's organisation's home health care."""
    actor, session = ctx.actor, ctx.session
    now = now or utcnow()

    def refused(reason: str) -> None:
        """Every refused enrolment is in the access log, with the patient it named."""
        ctx.log.record(
            patient_id=patient_id,
            action="create",
            resource_type=RESOURCE,
            resource_id=patient_id,
            allowed=False,
            reason=reason,
        )

    if not actor.can(Permission.EPISODE_CREATE):
        refused(f"role {actor.role} lacks {Permission.EPISODE_CREATE.value}")
        actor.require(Permission.EPISODE_CREATE)
    # a refusal is logged with its problem's English text: the access-log pages show it in
    # the reader's language (web/access_reasons.py reads the catalogue backwards)
    if actor.organisation_kind != OrganisationKind.MUNICIPAL_HOME_HEALTH_CARE.value:
        found = problem(
            "enrolment.not_home_health_care", kind=msg(f"kind.{actor.organisation_kind}")
        )
        refused(found.text("en"))
        raise Forbidden(found)
    # Serialise enrolments of one patient (PostgreSQL: a row lock on the patient); the unique
    # index of open episodes per patient and kind is the last line (409).
    patient = repository.patient(session, patient_id, lock=True)
    if patient is None:
        refused("no such patient")
        raise not_visible(f"patient {patient_id}")
    related = repository.related(
        session,
        patient_id,
        organisation_id=actor.organisation_id,
        care_provider=actor.care_provider,
        now=now,
        days_after_end=get_settings().care_relationship_days_after_end,
    )
    if not related and not data.reason:
        found = problem("enrolment.reason_missing", field="reason")
        refused(found.text("en"))
        raise InvalidInput(found)
    unit = _unit(ctx, data.unit_id)
    if repository.open_enrolment(session, patient_id) is not None:
        found = problem("enrolment.already_enrolled", field="patient_id")
        refused(found.text("en"))
        raise Conflict(found)
    started_at = data.started_at or now
    if started_at > now + FUTURE_GRACE:
        raise InvalidInput(problem("enrolment.start_in_future", field="started_at"))
    physician = _staff_member(ctx, data.fixed_physician_id, FIXED_PHYSICIAN, "fixed_physician_id")
    contact = _staff_member(ctx, data.care_contact_id, FIXED_CARE_CONTACT, "care_contact_id")

    episode = Episode(
        patient_id=patient_id,
        kind=Kind.HOME_HEALTH_CARE.value,
        pathway=PATHWAY,
        type=TYPE,
        state=State.AT_HOME.value,
        responsible_unit_id=unit.id,
        assessment_answers={},
        started_at=started_at,
        shared_records_consent=data.shared_records_consent,
        shared_records_consent_at=now if data.shared_records_consent is not None else None,
        shared_records_consent_by_id=actor.user_id
        if data.shared_records_consent is not None
        else None,
        created_by_id=actor.user_id,
    )
    repository.add(session, episode)
    roles: dict[uuid.UUID, str] = {unit.organisation_id: "responsible"}
    if patient.listed_primary_care_id is not None:
        roles.setdefault(patient.listed_primary_care_id, "primary_care")
    for organisation_id, role in roles.items():
        repository.add(
            session,
            EpisodeParticipant(episode_id=episode.id, organisation_id=organisation_id, role=role),
        )
    ctx.log.record(
        patient_id=patient_id,
        action="create",
        resource_type=RESOURCE,
        resource_id=episode.id,
        allowed=True,
    )
    if not related:
        ctx.log.record(
            patient_id=patient_id,
            action="relationship_start",
            resource_type="care_relationship",
            resource_id=episode.id,
            allowed=True,
            reason=msg("audit.reason.enrolled", reason=data.reason).text("en"),
        )
    record_event(
        ctx,
        episode,
        "enrolled",
        to_state=State.AT_HOME.value,
        reason=data.reason,
        data={
            "unit_id": str(unit.id),
            "started_at": started_at.isoformat(),
            "participants": {str(k): v for k, v in roles.items()},
        },
    )
    # the fixed physician and care contact: the ones given (a change, logged), else the
    # patient's own, which the enrolment takes on
    if physician is not None:
        _assign(ctx, patient, FIXED_PHYSICIAN, physician, None, episode)
    if contact is not None:
        _assign(ctx, patient, FIXED_CARE_CONTACT, contact, None, episode)
    _mirror(ctx, patient, episode)
    episode.version = 1
    session.flush()
    session.refresh(episode)
    return episode


def current(ctx: Context, patient_id: uuid.UUID) -> Episode:
    """The patient's open enrolment (404 when the patient is not enrolled)."""
    found = find(ctx, patient_id)
    if found is None:
        raise NotFound(problem("enrolment.not_enrolled", patient_id=str(patient_id)))
    return found


def find(ctx: Context, patient_id: uuid.UUID) -> Episode | None:
    """The patient's open enrolment, or None; the caller's access to the patient (and to the
    enrolment's record, when there is one) is checked and logged either way."""
    found = repository.open_enrolment(ctx.session, patient_id)
    require_patient_access(
        ctx,
        patient_id,
        permission=Permission.PATIENT_READ,
        action="read",
        resource_type=RESOURCE,
        resource_id=found.id if found else None,
        subject=f"patient {patient_id}",
        episode_id=found.id if found else None,
    )
    return found


def get(ctx: Context, episode_id: uuid.UUID) -> Episode:
    episode = episode_for(
        ctx, episode_id, permission=Permission.PATIENT_READ, action="read", resource_type=RESOURCE
    )
    _require_enrolment(episode)
    return episode


def end(
    ctx: Context, episode_id: uuid.UUID, data: EnrolmentEnd, *, now: datetime | None = None
) -> Episode:
    """End the enrolment: its future visits are cancelled (as at a discharge), its open care
    requests closed; the care relationship lasts the usual time after the end."""
    episode = episode_for(
        ctx,
        episode_id,
        permission=Permission.EPISODE_TRANSITION,
        action="transition",
        resource_type=RESOURCE,
        lock=True,
    )
    require_responsible(ctx, episode, action="transition", doing=msg("doing.end_enrolment"))
    _require_enrolment(episode)
    if episode.state != State.AT_HOME.value:
        raise Conflict(problem("enrolment.already_ended", state=msg(f"state.{episode.state}")))
    source = episode.state
    episode.state = State.ENDED.value
    episode.ended_at = now or utcnow()
    episode.end_reason = data.reason.value
    event: dict[str, object] = {"reason": data.reason.value}
    closed = carerequests.close_for_ended_episode(ctx, episode)
    if closed:
        event["care_requests_closed"] = closed
    from samband.visits import dayplans  # visits read episodes: no cycle

    cancelled = dayplans.follow_the_patient(ctx, episode, State.ENDED.value)
    if cancelled:
        event["visits_cancelled"] = cancelled
    record_event(
        ctx,
        episode,
        "enrolment.ended",
        from_state=source,
        to_state=State.ENDED.value,
        reason=data.note,
        data=event,
    )
    return episode


def end_current(
    ctx: Context, patient_id: uuid.UUID, data: EnrolmentEnd, *, now: datetime | None = None
) -> Episode:
    """End the patient's open enrolment (the pages name the patient, not the enrolment)."""
    require_patient_access(
        ctx,
        patient_id,
        permission=Permission.EPISODE_TRANSITION,
        action="transition",
        resource_type=RESOURCE,
    )
    found = repository.open_enrolment(ctx.session, patient_id)
    if found is None:
        raise NotFound(problem("enrolment.not_enrolled", patient_id=str(patient_id)))
    return end(ctx, found.id, data, now=now)


def view(ctx: Context, episode: Episode) -> EnrolmentView:
    """An enrolment already read by the caller, with its unit and the people named."""
    unit = repository.unit(ctx.session, episode.responsible_unit_id)
    assert unit is not None  # noqa: S101 - a foreign key keeps the unit
    people = staff_of(ctx.session, {episode.care_contact_id, episode.responsible_physician_id})
    return EnrolmentView(
        episode=episode,
        unit_name=unit.name,
        organisation_id=unit.organisation_id,
        organisation_name=unit.organisation.name,
        care_contact=people.get(episode.care_contact_id) if episode.care_contact_id else None,
        fixed_physician=people.get(episode.responsible_physician_id)
        if episode.responsible_physician_id
        else None,
    )


# -- the fixed physician and care contact --------------------------------------------------------


def set_fixed_physician(ctx: Context, patient_id: uuid.UUID, data: AssignmentWrite) -> Patient:
    return _set(ctx, patient_id, FIXED_PHYSICIAN, data)


def set_fixed_care_contact(ctx: Context, patient_id: uuid.UUID, data: AssignmentWrite) -> Patient:
    return _set(ctx, patient_id, FIXED_CARE_CONTACT, data)


def fixed_staff(ctx: Context, patient: Patient) -> tuple[Staff | None, Staff | None]:
    """(the fixed physician, the fixed care contact) of a patient the caller has read."""
    people = staff_of(ctx.session, {patient.fixed_physician_id, patient.fixed_care_contact_id})
    physician = people.get(patient.fixed_physician_id) if patient.fixed_physician_id else None
    contact = people.get(patient.fixed_care_contact_id) if patient.fixed_care_contact_id else None
    return physician, contact


def assignments(ctx: Context, patient_id: uuid.UUID) -> list[AssignmentView]:
    """Every change of the patient's fixed physician and care contact, newest first."""
    require_patient_access(
        ctx,
        patient_id,
        permission=Permission.PATIENT_READ,
        action="read",
        resource_type="patient_assignment",
    )
    rows = repository.assignments(ctx.session, patient_id)
    users = repository.users(
        ctx.session,
        {u for a in rows for u in (a.from_user_id, a.to_user_id, a.by_user_id) if u is not None},
    )
    orgs = {a.by_organisation_id for a in rows}
    org_names = {o: repository.organisation(ctx.session, o) for o in orgs}

    def person(user_id: uuid.UUID | None) -> Staff | None:
        return Staff.of(users[user_id]) if user_id is not None and user_id in users else None

    return [
        AssignmentView(
            assignment=a,
            from_user=person(a.from_user_id),
            to_user=person(a.to_user_id),
            by_name=users[a.by_user_id].full_name if a.by_user_id in users else "",
            by_organisation_name=org.name if (org := org_names.get(a.by_organisation_id)) else "",
        )
        for a in rows
    ]


def physician_choices(ctx: Context, patient: Patient) -> list[Staff]:
    """Whom a page offers as the fixed physician: the physicians of the primary care centres,
    of the caller's organisation and of the organisations taking part in the enrolment."""
    ctx.actor.require(Permission.DIRECTORY_READ)
    ids = _near(ctx, patient)
    found = repository.active_staff(
        ctx.session,
        roles={Role.PHYSICIAN.value},
        organisation_ids=ids,
        organisation_kinds={OrganisationKind.PRIMARY_CARE_CENTRE.value},
    )
    return [Staff.of(u) for u in found]


def care_contact_choices(ctx: Context, patient: Patient) -> list[Staff]:
    """Whom a page offers as the fixed care contact: licensed staff of the caller's
    organisation and of the organisations taking part in the enrolment."""
    ctx.actor.require(Permission.DIRECTORY_READ)
    found = repository.active_staff(
        ctx.session, roles=LICENSED_ROLES, organisation_ids=_near(ctx, patient)
    )
    return [Staff.of(u) for u in found]


def _near(ctx: Context, patient: Patient) -> set[uuid.UUID]:
    ids = {ctx.actor.organisation_id}
    enrolment = repository.open_enrolment(ctx.session, patient.id)
    if enrolment is not None:
        ids |= {p.organisation_id for p in enrolment.participants}
    return ids


def _set(ctx: Context, patient_id: uuid.UUID, kind: str, data: AssignmentWrite) -> Patient:
    require_patient_access(
        ctx,
        patient_id,
        permission=Permission.PATIENT_ASSIGN,
        action="assign",
        resource_type=kind,
    )
    patient = repository.patient(ctx.session, patient_id, lock=True)
    if patient is None:  # pragma: no cover - require_patient_access checked it exists
        raise not_visible(f"patient {patient_id}")
    user = _staff_member(ctx, data.user_id, kind, "user_id")
    enrolment = repository.open_enrolment(ctx.session, patient_id)
    _assign(ctx, patient, kind, user, data.reason, enrolment)
    if enrolment is not None:
        _mirror(ctx, patient, enrolment)
    return patient


def _assign(
    ctx: Context,
    patient: Patient,
    kind: str,
    user: User | None,
    reason: str | None,
    enrolment: Episode | None,
) -> PatientAssignment | None:
    """Make ``user`` (None: nobody) the patient's fixed physician or care contact: a
    ``PatientAssignment`` row and a line on the open enrolment's timeline. Nothing changes
    when it is the same person already."""
    column = "fixed_physician_id" if kind == FIXED_PHYSICIAN else "fixed_care_contact_id"
    before: uuid.UUID | None = getattr(patient, column)
    after = user.id if user is not None else None
    if before == after:
        return None
    assignment = PatientAssignment(
        patient_id=patient.id,
        kind=kind,
        from_user_id=before,
        to_user_id=after,
        by_user_id=ctx.actor.user_id,
        by_organisation_id=ctx.actor.organisation_id,
        reason=reason,
    )
    repository.add(ctx.session, assignment)
    setattr(patient, column, after)
    patient.updated_at = utcnow()
    patient.updated_by_id = ctx.actor.user_id
    ctx.log.record(
        patient_id=patient.id,
        action="update",
        resource_type=kind,
        resource_id=assignment.id,
        allowed=True,
        reason=reason,
    )
    if enrolment is not None:
        record_event(
            ctx,
            enrolment,
            f"{kind}.changed",
            reason=reason,
            data={"from": str(before) if before else None, "to": str(after) if after else None},
        )
    return assignment


def _mirror(ctx: Context, patient: Patient, enrolment: Episode) -> None:
    """The open enrolment's responsible physician and care contact are the patient's fixed
    ones (its alerts notify them); their organisations take part in it."""
    enrolment.responsible_physician_id = patient.fixed_physician_id
    enrolment.care_contact_id = patient.fixed_care_contact_id
    people = staff_of(ctx.session, {patient.fixed_physician_id, patient.fixed_care_contact_id})
    for person in people.values():
        if repository.participant(ctx.session, enrolment.id, person.organisation_id) is not None:
            continue
        organisation = repository.organisation(ctx.session, person.organisation_id)
        role = ROLE_FOR_KIND.get(organisation.kind, "other") if organisation else "other"
        repository.add(
            ctx.session,
            EpisodeParticipant(
                episode_id=enrolment.id, organisation_id=person.organisation_id, role=role
            ),
        )
        record_event(
            ctx,
            enrolment,
            "participant.added",
            data={"organisation_id": str(person.organisation_id), "role": role},
        )
    ctx.session.flush()
    ctx.session.refresh(enrolment)


# -- helpers ---------------------------------------------------------------------------------------


def _require_enrolment(episode: Episode) -> None:
    if not is_enrolment(episode):
        raise Conflict(problem("enrolment.not_an_enrolment", episode_id=str(episode.id)))


def _unit(ctx: Context, unit_id: uuid.UUID | None) -> Unit:
    chosen = unit_id or ctx.actor.unit_id
    if chosen is None:
        raise InvalidInput(problem("enrolment.unit_missing", field="unit_id"))
    unit = repository.unit(ctx.session, chosen)
    if unit is None or unit.organisation_id != ctx.actor.organisation_id:
        raise InvalidInput(
            problem("enrolment.unit_not_yours", field="unit_id", unit_id=str(chosen))
        )
    return unit


def _staff_member(ctx: Context, user_id: uuid.UUID | None, kind: str, field: str) -> User | None:
    """The user to make fixed physician (an active physician) or care contact (active,
    licensed); None for None."""
    if user_id is None:
        return None
    user = repository.user(ctx.session, user_id)
    if user is None or not user.active:
        raise InvalidInput(problem("enrolment.user_unknown", field=field, user_id=str(user_id)))
    if kind == FIXED_PHYSICIAN and user.role != Role.PHYSICIAN.value:
        raise InvalidInput(
            problem(
                "enrolment.not_a_physician",
                field=field,
                name=user.full_name,
                role=msg(f"role.{user.role}"),
            )
        )
    if kind == FIXED_CARE_CONTACT and user.role not in LICENSED_ROLES:
        raise InvalidInput(
            problem(
                "enrolment.not_licensed",
                field=field,
                name=user.full_name,
                role=msg(f"role.{user.role}"),
                roles=[msg(f"role.{r}") for r in sorted(LICENSED_ROLES)],
            )
        )
    return user
