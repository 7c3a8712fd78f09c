"""The enrolment tests' world: a municipality's home health care (HSV) and another one, a
primary care centre of the region (VC) and a hospital clinic; a patient listed at VC whom HSV
registered (a care relationship), and one nobody but the hospital knows."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.enrolments import service as enrolments
from samband.enrolments.schemas import EnrolmentCreate
from samband.kit.time import STOCKHOLM
from samband.models import AuditEvent, Episode, Organisation, Patient, Unit, User, Visit
from samband.security.context import AccessLog, Context
from samband.security.service import actor_of
from tests.factories import (
    make_municipality,
    make_organisation,
    make_patient,
    make_unit,
    make_user,
)


@dataclass
class World:
    hsv: Organisation  # Hemsjukvården, the municipality
    hsv_unit: Unit
    nurse: User  # registered nurse of HSV (unit)
    nurse2: User
    assistant: User  # assistant nurse of HSV: not licensed, no episode:create
    vc: Organisation  # the primary care centre (region)
    gp: User  # physician at VC (fixed physician)
    gp2: User  # another physician at VC
    other_vc: Organisation
    other_gp: User
    clinic: Organisation  # hospital clinic (region)
    ward: Unit
    hospital_physician: User
    hospital_nurse: User
    outsider: User  # nurse of another municipality's home health care
    patient: Patient  # listed at VC, registered by HSV (a care relationship)
    stranger: Patient  # registered by nobody


def build(session: Session) -> World:
    hsv = make_municipality(session, name="Hemsjukvården Testkommun")
    hsv.phone = "023-82 000"
    hsv_unit = make_unit(session, hsv)
    vc = make_organisation(session, kind="primary_care_centre", name="Vårdcentralen Norra")
    vc.phone = "023-49 30 00"
    other_vc = make_organisation(session, kind="primary_care_centre", name="Vårdcentralen Söder")
    clinic = make_organisation(session, kind="hospital_clinic")
    ward = make_unit(session, clinic)
    other = make_municipality(session, authority_name="Annan kommun")
    nurse = make_user(session, hsv, role="registered_nurse", unit=hsv_unit)
    nurse.phone = "070-111 11 11"
    gp = make_user(session, vc, role="physician")
    gp.phone = "070-222 22 22"
    patient = make_patient(
        session,
        registered_by=nurse,
        listed_primary_care_id=vc.id,
        latitude=60.61,
        longitude=15.65,
    )
    session.flush()
    return World(
        hsv=hsv,
        hsv_unit=hsv_unit,
        nurse=nurse,
        nurse2=make_user(session, hsv, role="registered_nurse", unit=hsv_unit),
        assistant=make_user(session, hsv, role="assistant_nurse", unit=hsv_unit),
        vc=vc,
        gp=gp,
        gp2=make_user(session, vc, role="physician"),
        other_vc=other_vc,
        other_gp=make_user(session, other_vc, role="physician"),
        clinic=clinic,
        ward=ward,
        hospital_physician=make_user(session, clinic, role="physician", unit=ward),
        hospital_nurse=make_user(session, clinic, role="registered_nurse", unit=ward),
        outsider=make_user(session, other, role="registered_nurse", unit=make_unit(session, other)),
        patient=patient,
        stranger=make_patient(session),
    )


def ctx_of(session: Session, user: User) -> Context:
    session.refresh(user)
    return Context(session=session, actor=actor_of(user), log=AccessLog())


def enrol(session: Session, w: World, *, by: User | None = None, **fields: object) -> Episode:
    """Enrol ``w.patient`` through the service (as ``by``, default HSV's nurse)."""
    data = EnrolmentCreate.model_validate(fields)
    return enrolments.enrol(ctx_of(session, by or w.nurse), w.patient.id, data)


def local(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=STOCKHOLM)


def add_visit(
    session: Session,
    episode: Episode,
    *,
    day: date,
    hour: int = 10,
    role: str = "registered_nurse",
    organisation: Organisation,
    status: str = "planned",
) -> Visit:
    visit = Visit(
        episode_id=episode.id,
        patient_id=episode.patient_id,
        date=day,
        what="Hembesök",
        window_start=local(day, hour),
        window_end=local(day, hour) + timedelta(hours=2),
        duration_min=30,
        skills=[],
        role=role,
        organisation_kind=organisation.kind,
        organisation_id=organisation.id,
        priority=3,
        source="ad_hoc",
        status=status,
        history=[],
    )
    session.add(visit)
    session.flush()
    return visit


def log_rows(
    session: Session, *, user: User, patient: Patient | None = None, **where: object
) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.user_id == user.id)
    if patient is not None:
        query = query.where(AuditEvent.patient_id == patient.id)
    for name, value in where.items():
        query = query.where(getattr(AuditEvent, name) == value)
    return list(session.scalars(query.order_by(AuditEvent.at)))


def as_id(value: object) -> uuid.UUID:
    return uuid.UUID(str(value))
