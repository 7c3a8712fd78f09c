"""The world of the coordination tests: a patient enrolled in a municipality's home health care
(the primary care centre taking part), at home with a hospital clinic's hospital-at-home
episode (the municipality taking part); the fixed physician at the centre, the fixed care
contact a municipal nurse; and an outsider (another region's hospital)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from samband.kit.time import STOCKHOLM, utcnow
from samband.models import (
    AuditEvent,
    Episode,
    HospitalStay,
    Organisation,
    Patient,
    Unit,
    User,
)
from tests.factories import (
    make_episode,
    make_municipality,
    make_organisation,
    make_patient,
    make_unit,
    make_user,
)


def local(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=STOCKHOLM).astimezone(UTC)


@dataclass
class World:
    hospital: Organisation
    ward: Unit
    physician: User  # the hospital's
    nurse: User  # the hospital's
    pharmacist: User  # the hospital's: no hospital_stay:write
    municipality: Organisation
    home_unit: Unit
    home_nurse: User  # the fixed care contact
    centre: Organisation
    gp: User  # the fixed physician
    outsider: User  # a nurse of another region's hospital
    patient: Patient
    enrolment: Episode
    at_home: Episode


def enrol(
    session: Session,
    patient: Patient,
    unit: Unit,
    *,
    participants: dict[Organisation, str] | None = None,
    started_at: datetime | None = None,
) -> Episode:
    """An enrolment in home health care (kind home_health_care, at home)."""
    episode = make_episode(
        session,
        patient,
        unit=unit,
        state="at_home",
        participants=participants,
        with_checklist=False,
    )
    episode.kind = "home_health_care"
    episode.started_at = started_at or utcnow() - timedelta(days=30)
    session.flush()
    return episode


def build(session: Session) -> World:
    hospital = make_organisation(session, kind="hospital_clinic", authority_name="Region Ahl")
    ward = make_unit(session, hospital, beds=1)
    municipality = make_municipality(session, authority_name="Ahl kommun")
    home_unit = make_unit(session, municipality)
    centre = make_organisation(session, kind="primary_care_centre", authority_name="Region Ahl")
    other = make_organisation(session, kind="hospital_clinic", authority_name="Region Bee")
    gp = make_user(session, centre, role="physician")
    home_nurse = make_user(session, municipality, role="registered_nurse", unit=home_unit)
    patient = make_patient(session, family_name="Samordningsson")
    patient.fixed_physician_id = gp.id
    patient.fixed_care_contact_id = home_nurse.id
    enrolment = enrol(session, patient, home_unit, participants={centre: "primary_care"})
    physician = make_user(session, hospital, role="physician", unit=ward)
    at_home = make_episode(
        session,
        patient,
        unit=ward,
        state="at_home",
        participants={municipality: "home_health_care"},
        physician=physician,
    )
    at_home.started_at = utcnow() - timedelta(days=3)
    session.flush()
    return World(
        hospital=hospital,
        ward=ward,
        physician=physician,
        nurse=make_user(session, hospital, role="registered_nurse", unit=ward),
        pharmacist=make_user(session, hospital, role="pharmacist", unit=ward),
        municipality=municipality,
        home_unit=home_unit,
        home_nurse=home_nurse,
        centre=centre,
        gp=gp,
        outsider=make_user(session, other, role="registered_nurse", unit=make_unit(session, other)),
        patient=patient,
        enrolment=enrolment,
        at_home=at_home,
    )


def add_stay(
    session: Session, w: World, *, admitted_at: datetime, **fields: object
) -> HospitalStay:
    """A stay written directly (the API has its own tests)."""
    stay = HospitalStay(
        patient_id=fields.pop("patient_id", w.patient.id),
        hospital_organisation_id=w.hospital.id,
        admitted_at=admitted_at,
        notice_to=[],
        created_by_id=w.nurse.id,
        history=[],
        **fields,
    )
    session.add(stay)
    session.flush()
    return stay


def stays(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(HospitalStay)) or 0


def refused(session: Session, user: User, patient: Patient | None = None) -> int:
    where = [AuditEvent.user_id == user.id, AuditEvent.allowed.is_(False)]
    if patient is not None:
        where.append(AuditEvent.patient_id == patient.id)
    return session.scalar(select(func.count()).select_from(AuditEvent).where(*where)) or 0


def reads(session: Session, user: User, patient: Patient, resource_type: str) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(
                AuditEvent.user_id == user.id,
                AuditEvent.patient_id == patient.id,
                AuditEvent.allowed.is_(True),
                AuditEvent.resource_type == resource_type,
            )
        )
        or 0
    )
