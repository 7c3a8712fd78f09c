"""A patient at home from a hospital clinic, with the municipality's home health care taking
part, a care request between them, and staff of every side (and outsiders)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.kit.time import utcnow
from samband.models import (
    AuditEvent,
    CareRequest,
    Episode,
    Message,
    MessageThread,
    Notification,
    Organisation,
    Patient,
    PhysicianRequest,
    User,
)
from tests.factories import (
    auth,
    make_episode,
    make_municipality,
    make_organisation,
    make_patient,
    make_unit,
    make_user,
)


@dataclass
class World:
    hospital: Organisation
    nurse: User  # hospital
    physician: User  # hospital
    pharmacist: User  # hospital: reads, may not write messages
    analyst: User  # hospital: reads no patient data
    municipality: Organisation  # home health care, taking part
    home_nurse: User
    home_nurse_2: User
    home_assistant: User
    home_care: Organisation  # municipal home care (social services), same municipality
    home_carer: User
    primary_care: Organisation  # no relationship with the patient
    gp: User
    outsider: User  # another municipality's home health care nurse
    patient: Patient
    episode: Episode
    request: CareRequest  # hospital → home health care


def make_world(session: Session) -> World:
    hospital = make_organisation(session, kind="hospital_clinic", name="Infektionskliniken")
    ward = make_unit(session, hospital)
    municipality = make_municipality(session, name="Hemsjukvården Falun")
    home_unit = make_unit(session, municipality)
    home_care = make_organisation(
        session,
        kind="municipal_home_care",
        authority_kind="municipality",
        authority_name="Falu kommun",
        name="Hemtjänsten Falun",
    )
    primary_care = make_organisation(session, kind="primary_care_centre", name="VC Norra")
    other = make_municipality(session, authority_name="Borlänge kommun")
    nurse = make_user(session, hospital, unit=ward)
    patient = make_patient(session, registered_by=nurse, given_name="Kim")
    episode = make_episode(
        session,
        patient,
        unit=ward,
        state="at_home",
        participants={municipality: "home_health_care"},
    )
    request = CareRequest(
        episode_id=episode.id,
        kind="home_health_care",
        from_organisation_id=hospital.id,
        to_organisation_id=municipality.id,
        state="accepted",
        answer_by=utcnow() + timedelta(hours=24),
        created_at=utcnow(),
        created_by_id=nurse.id,
        history=[],
        medication_snapshot=[],
    )
    session.add(request)
    session.flush()
    return World(
        hospital=hospital,
        nurse=nurse,
        physician=make_user(session, hospital, role="physician", unit=ward),
        pharmacist=make_user(session, hospital, role="pharmacist"),
        analyst=make_user(session, hospital, role="analyst"),
        municipality=municipality,
        home_nurse=make_user(session, municipality, unit=home_unit),
        home_nurse_2=make_user(session, municipality, unit=home_unit),
        home_assistant=make_user(session, municipality, role="assistant_nurse"),
        home_care=home_care,
        home_carer=make_user(session, home_care, role="assistant_nurse"),
        primary_care=primary_care,
        gp=make_user(session, primary_care, role="physician"),
        outsider=make_user(session, other),
        patient=patient,
        episode=episode,
        request=request,
    )


def physician_request(session: Session, w: World, *, routed_to: User) -> PhysicianRequest:
    """A home nurse's request to a physician about the patient (as the physician requests'
    domain stores it)."""
    asked = PhysicianRequest(
        patient_id=w.patient.id,
        episode_id=w.episode.id,
        asked_by_id=w.home_nurse.id,
        asking_organisation_id=w.municipality.id,
        urgency="same_day",
        situation="Feber 38,9 sedan i morse",
        agreement="test",
        due_at=utcnow() + timedelta(hours=4),
        physician_organisation_id=routed_to.organisation_id,
        routed_to_user_id=routed_to.id,
        routed_via="fixed_physician",
        status="open",
        created_at=utcnow(),
    )
    session.add(asked)
    session.flush()
    return asked


def post(
    client: TestClient,
    session: Session,
    author: User,
    w: World,
    body: str = "Överlämning: PICC-linjen spolad 08:00, inga tecken på infektion.",
    *,
    kind: str = "handover",
    recipients: list[User] | None = None,
    expect: int = 201,
    **extra: Any,
) -> Any:
    response = client.post(
        f"/api/v1/patients/{w.patient.id}/messages",
        json={
            "body": body,
            "kind": kind,
            "recipients": [str(u.id) for u in recipients or []],
            **extra,
        },
        headers=auth(session, author),
    )
    assert response.status_code == expect, response.text
    return response.json()


def audit(session: Session, user: User, resource_type: str | None = None) -> list[AuditEvent]:
    where = [AuditEvent.user_id == user.id]
    if resource_type:
        where.append(AuditEvent.resource_type == resource_type)
    return list(session.scalars(select(AuditEvent).where(*where).order_by(AuditEvent.at)))


def notifications_of(session: Session, user: User) -> list[Notification]:
    return list(
        session.scalars(
            select(Notification)
            .where(Notification.user_id == user.id, Notification.kind == "message")
            .order_by(Notification.created_at)
        )
    )


def threads(session: Session, w: World) -> list[MessageThread]:
    return list(
        session.scalars(select(MessageThread).where(MessageThread.patient_id == w.patient.id))
    )


def messages(session: Session) -> int:
    return len(list(session.scalars(select(Message.id))))


def random_id() -> str:
    return str(uuid.uuid4())
