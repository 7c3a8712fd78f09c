"""Typed factory helpers: make_<thing>(session, *, ...) with sensible defaults."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from samband.kit.personnummer import luhn_check_digit
from samband.models import (
    ChecklistItem,
    Episode,
    EpisodeParticipant,
    Organisation,
    Patient,
    PatientRegistration,
    ReservedBed,
    Unit,
    User,
)
from samband.security import service as security
from samband.security.passwords import hash_password

PASSWORD = "test-password-1"
_PASSWORD_HASH = hash_password(PASSWORD)
_counter = itertools.count(1)


def _n() -> int:
    return next(_counter)


def valid_personnummer(year: int = 1950, month: int = 5, day: int = 17, serial: int = 123) -> str:
    """A valid 12-digit personnummer for the date and serial (Luhn digit computed)."""
    nine = f"{year % 100:02d}{month:02d}{day:02d}{serial:03d}"
    return f"{year:04d}{month:02d}{day:02d}{serial:03d}{luhn_check_digit(nine)}"


def make_organisation(
    session: Session,
    *,
    kind: str = "hospital_clinic",
    authority_kind: str = "region",
    authority_name: str = "Region Testland",
    code: str | None = None,
    name: str | None = None,
) -> Organisation:
    n = _n()
    org = Organisation(
        code=code or f"ORG{n}",
        name=name or f"Organisation {n}",
        kind=kind,
        authority_kind=authority_kind,
        authority_name=authority_name,
    )
    session.add(org)
    session.flush()
    return org


def make_municipality(
    session: Session,
    *,
    authority_name: str = "Falu kommun",
    name: str | None = None,
    code: str | None = None,
) -> Organisation:
    """A municipality's home health care (kommunal hemsjukvård): its own care provider."""
    return make_organisation(
        session,
        kind="municipal_home_health_care",
        authority_kind="municipality",
        authority_name=authority_name,
        name=name,
        code=code,
    )


def make_unit(
    session: Session, organisation: Organisation, *, code: str | None = None, beds: int = 0
) -> Unit:
    n = _n()
    unit = Unit(organisation_id=organisation.id, code=code or f"U{n}", name=f"Unit {n}")
    session.add(unit)
    session.flush()
    for index in range(beds):
        session.add(ReservedBed(unit_id=unit.id, label=f"Bed {index + 1}"))
    session.flush()
    return unit


def make_user(
    session: Session,
    organisation: Organisation,
    *,
    role: str = "registered_nurse",
    unit: Unit | None = None,
    username: str | None = None,
    skills: list[str] | None = None,
) -> User:
    n = _n()
    user = User(
        username=username or f"user{n}",
        full_name=f"Test User {n}",
        role=role,
        organisation_id=organisation.id,
        unit_id=unit.id if unit else None,
        skills=skills or [],
        password_hash=_PASSWORD_HASH,
        active=True,
    )
    session.add(user)
    session.flush()
    return user


def make_patient(
    session: Session,
    *,
    registered_by: User | None = None,
    personnummer: str | None = None,
    **fields: Any,
) -> Patient:
    n = _n()
    patient = Patient(
        personnummer=personnummer or valid_personnummer(serial=n % 999 + 1),  # never 000
        identifier_kind="personnummer",
        given_name=fields.pop("given_name", "Kim"),
        family_name=fields.pop("family_name", f"Testsson{n}"),
        **fields,
    )
    session.add(patient)
    session.flush()
    if registered_by is not None:
        register_patient(session, patient, by=registered_by)
    return patient


def register_patient(session: Session, patient: Patient, *, by: User) -> PatientRegistration:
    """The user's organisation registers the patient (and so sees them in its lists)."""
    registration = PatientRegistration(
        patient_id=patient.id, organisation_id=by.organisation_id, user_id=by.id
    )
    session.add(registration)
    session.flush()
    return registration


def auth(session: Session, user: User) -> dict[str, str]:
    """Headers with a bearer token for the user (issued directly: argon2 is slow on purpose)."""
    session.refresh(user)
    token = security.issue_token(session, user)
    session.flush()
    return {"Authorization": f"Bearer {token.access_token}"}


def random_id() -> str:
    return str(uuid.uuid4())


def make_episode(
    session: Session,
    patient: Patient,
    *,
    unit: Unit,
    state: str = "candidate",
    pathway: str = "opat",
    type: str = "early_supported_discharge",
    participants: dict[Organisation, str] | None = None,
    physician: User | None = None,
    care_contact: User | None = None,
    with_checklist: bool = True,
    shared_records_consent: bool | None = True,
) -> Episode:
    """An episode in any state, with the responsible unit's organisation taking part and the
    pathway's checklist (nothing signed). The patient consented to shared records unless
    ``shared_records_consent`` says otherwise (other care providers taking part read the
    record only with it)."""
    from samband.pathways.definition import registry

    episode = Episode(
        patient_id=patient.id,
        pathway=pathway,
        type=type,
        state=state,
        responsible_unit_id=unit.id,
        responsible_physician_id=physician.id if physician else None,
        care_contact_id=care_contact.id if care_contact else None,
        assessment_answers={},
        shared_records_consent=shared_records_consent,
    )
    session.add(episode)
    session.flush()
    session.add(
        EpisodeParticipant(
            episode_id=episode.id, organisation_id=unit.organisation_id, role="responsible"
        )
    )
    for org, role in (participants or {}).items():
        if org.id != unit.organisation_id:
            session.add(
                EpisodeParticipant(episode_id=episode.id, organisation_id=org.id, role=role)
            )
    if with_checklist:
        for position, entry in enumerate(registry()[pathway].checklist):
            session.add(
                ChecklistItem(
                    episode_id=episode.id,
                    key=entry.key,
                    label=entry.label,
                    position=position,
                    blocking=entry.blocking,
                    signer_roles=list(entry.signer_roles),
                )
            )
    session.flush()
    return episode


from samband.models import CarePlan, CarePlanAcknowledgement, CarePlanVersion, Medication  # noqa: E402


def make_care_plan(
    session: Session,
    episode: Episode,
    *,
    by: User,
    content: dict[str, Any] | None = None,
    acknowledged_by: list[str] | None = None,
) -> CarePlan:
    """A care plan with version 1 (the pathway's template unless content is given), optionally
    acknowledged by 'patient' / 'next_of_kin' (named 'Test Person') and/or 'organisation' (the
    author's organisation)."""
    from samband.careplans.service import template_content
    from samband.kit.time import utcnow

    plan = CarePlan(episode_id=episode.id, current_version=1)
    session.add(plan)
    session.flush()
    version = CarePlanVersion(
        care_plan_id=plan.id,
        number=1,
        content=content or template_content(episode.pathway).model_dump(mode="json"),
        created_by_id=by.id,
    )
    session.add(version)
    session.flush()
    for party in acknowledged_by or []:
        session.add(
            CarePlanAcknowledgement(
                version_id=version.id,
                party=party,
                organisation_id=by.organisation_id if party == "organisation" else None,
                name=None if party == "organisation" else "Test Person",
                recorded_by_id=by.id,
                at=utcnow(),
            )
        )
    session.flush()
    return plan


def make_medication(session: Session, episode: Episode, *, by: User, **fields: Any) -> Medication:
    """An active medication on the episode's list (IV cefotaxime by the home health nurse)."""
    medication = Medication(
        episode_id=episode.id,
        drug=fields.pop("drug", "Cefotaxim"),
        dose=fields.pop("dose", "1 g"),
        route=fields.pop("route", "iv"),
        schedule=fields.pop("schedule", "3 times a day"),
        given_by=fields.pop("given_by", "registered_nurse"),
        supplied_by=fields.pop("supplied_by", "infection ward, packed at discharge"),
        status=fields.pop("status", "active"),
        created_by_id=by.id,
        **fields,
    )
    session.add(medication)
    session.flush()
    return medication


from samband.models import AuditEvent, EmergencyAccess  # noqa: E402


def make_audit_event(
    session: Session, *, user: User | None = None, patient: Patient | None = None, **fields: Any
) -> AuditEvent:
    """An access-log row as AccessLog.write makes it (a read, allowed, now, unless given)."""
    from samband.kit.time import utcnow

    if user is not None:
        session.refresh(user)
    event = AuditEvent(
        at=fields.pop("at", None) or utcnow(),
        user_id=user.id if user else None,
        username=user.username if user else None,
        role=user.role if user else None,
        organisation_id=user.organisation_id if user else None,
        organisation_code=user.organisation.code if user else None,
        unit_id=user.unit_id if user else None,
        unit_code=user.unit.code if user and user.unit else None,
        patient_id=fields.pop("patient_id", patient.id if patient else None),
        action=fields.pop("action", "read"),
        resource_type=fields.pop("resource_type", "patient"),
        allowed=fields.pop("allowed", True),
        emergency=fields.pop("emergency", False),
        **fields,
    )
    session.add(event)
    session.flush()
    return event


def make_emergency_access(
    session: Session, *, user: User, patient: Patient, reason: str = "Unconscious at the ED"
) -> EmergencyAccess:
    from datetime import timedelta

    from samband.kit.time import utcnow

    access = EmergencyAccess(
        user_id=user.id,
        patient_id=patient.id,
        reason=reason,
        created_at=utcnow(),
        expires_at=utcnow() + timedelta(hours=4),
    )
    session.add(access)
    session.flush()
    return access


def make_episode_at_home(
    session: Session,
    patient: Patient,
    *,
    unit: Unit,
    since: datetime | None = None,
    home_care: Organisation | None = None,
    plan_by: User | None = None,
    acknowledged_by: list[str] | None = None,
    **episode: Any,
) -> Episode:
    """An episode at home (started ``since``, when given), with ``home_care`` (a
    municipality's home health care) taking part, and a care plan (the pathway's template,
    acknowledged by ``acknowledged_by``) written by ``plan_by``, when given. Other keywords
    go to ``make_episode``."""
    participants = {home_care: "home_health_care"} if home_care is not None else None
    at_home = make_episode(
        session, patient, unit=unit, state="at_home", participants=participants, **episode
    )
    if since is not None:
        at_home.started_at = since
        session.flush()
    if plan_by is not None:
        make_care_plan(session, at_home, by=plan_by, acknowledged_by=acknowledged_by)
    return at_home


@dataclass
class AtHome:
    """A patient at home with their episode, the responsible ward and its physician."""

    patient: Patient
    episode: Episode
    ward: Unit
    physician: User


def make_patient_at_home(
    session: Session, home_care: Organisation, *, since: datetime, **patient: Any
) -> AtHome:
    """A patient of a new hospital clinic's ward, at home since ``since`` with ``home_care``
    taking part, and a care plan by the ward's physician. Keywords go to ``make_patient``."""
    clinic = make_organisation(session, kind="hospital_clinic")
    ward = make_unit(session, clinic)
    physician = make_user(session, clinic, role="physician", unit=ward)
    person = make_patient(session, **patient)
    episode = make_episode_at_home(
        session, person, unit=ward, since=since, home_care=home_care, plan_by=physician
    )
    return AtHome(patient=person, episode=episode, ward=ward, physician=physician)
