"""The physician visit tests' world: a municipality's home health care (HSV) with a patient
enrolled in it (consent to shared records, fixed physician at the centre), a primary care
centre of the region (VC) with two physicians, a coordinator and a pharmacist, another
centre, and a nurse of another municipality who has no care relationship with the patient."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.enrolments import service as enrolments
from samband.enrolments.schemas import EnrolmentCreate
from samband.kit.time import STOCKHOLM, local_today
from samband.models import AuditEvent, Episode, Organisation, Patient, Unit, User
from samband.security.context import AccessLog, Context
from samband.security.service import actor_of
from tests.factories import (
    auth,
    make_municipality,
    make_organisation,
    make_patient,
    make_unit,
    make_user,
)

API = "/api/v1"
CENTRE = (60.6068, 15.6290)  # where the centre's physicians set out from
HOME = (60.6110, 15.6480)  # the patient's home, 1.5 km away


@dataclass
class World:
    hsv: Organisation
    hsv_unit: Unit
    nurse: User  # HSV's registered nurse: books visits
    vc: Organisation  # the primary care centre
    gp: User  # the slot's physician, the patient's fixed physician
    gp2: User  # another physician of the centre
    coordinator: User  # the centre's coordinator: manages slots, plans the day
    pharmacist: User  # of the centre: neither books nor manages
    other_vc: Organisation
    other_gp: User
    outsider: User  # a nurse of another municipality: no care relationship
    patient: Patient
    enrolment: Episode


def ctx_of(session: Session, user: User) -> Context:
    session.refresh(user)
    return Context(session=session, actor=actor_of(user), log=AccessLog())


def make_world(session: Session) -> World:
    hsv = make_municipality(session, authority_name="Testkommun", name="Hemsjukvården Test")
    hsv_unit = make_unit(session, hsv)
    nurse = make_user(session, hsv, role="registered_nurse", unit=hsv_unit)
    vc = make_organisation(session, kind="primary_care_centre", name="Vårdcentralen Norra")
    gp = make_user(session, vc, role="physician")
    other_vc = make_organisation(session, kind="primary_care_centre", name="Vårdcentralen Söder")
    other = make_municipality(session, authority_name="Annan kommun")
    patient = make_patient(
        session,
        registered_by=nurse,
        listed_primary_care_id=vc.id,
        latitude=HOME[0],
        longitude=HOME[1],
    )
    enrolment = enrolments.enrol(
        ctx_of(session, nurse),
        patient.id,
        EnrolmentCreate(fixed_physician_id=gp.id, shared_records_consent=True),
    )
    session.flush()
    return World(
        hsv=hsv,
        hsv_unit=hsv_unit,
        nurse=nurse,
        vc=vc,
        gp=gp,
        gp2=make_user(session, vc, role="physician"),
        coordinator=make_user(session, vc, role="coordinator"),
        pharmacist=make_user(session, vc, role="pharmacist"),
        other_vc=other_vc,
        other_gp=make_user(session, other_vc, role="physician"),
        outsider=make_user(session, other, role="registered_nurse", unit=make_unit(session, other)),
        patient=patient,
        enrolment=enrolment,
    )


def tomorrow() -> date:
    return local_today() + timedelta(days=1)


def slot_body(w: World, **changes: Any) -> dict[str, Any]:
    """Every day 11:00–12:00, bookable until 08:30, two visits of 30 minutes, by ``w.gp``."""
    body: dict[str, Any] = {
        "physician_id": str(w.gp.id),
        "weekdays": [1, 2, 3, 4, 5, 6, 7],
        "start_time": "11:00",
        "end_time": "12:00",
        "book_by": "08:30",
        "capacity": 2,
        "visit_minutes": 30,
        "valid_from": local_today().isoformat(),
        "start_location": {"lat": CENTRE[0], "lon": CENTRE[1]},
    }
    body.update(changes)
    return body


def add_slot(client: TestClient, session: Session, w: World, **changes: Any) -> dict[str, Any]:
    made = client.post(
        f"{API}/physician-slots", json=slot_body(w, **changes), headers=auth(session, w.gp)
    )
    assert made.status_code == 201, made.text
    body: dict[str, Any] = made.json()
    return body


def book(
    client: TestClient,
    session: Session,
    w: World,
    slot_id: str,
    *,
    by: User | None = None,
    day: date | None = None,
    patient: Patient | None = None,
    **extra: Any,
) -> Any:
    return client.post(
        f"{API}/physician-slots/{slot_id}/bookings",
        json={
            "date": (day or tomorrow()).isoformat(),
            "patient_id": str((patient or w.patient).id),
            **extra,
        },
        headers=auth(session, by or w.nurse),
    )


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=STOCKHOLM)


def log_rows(session: Session, user: User, **where: object) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.user_id == user.id)
    for name, value in where.items():
        query = query.where(getattr(AuditEvent, name) == value)
    return list(session.scalars(query.order_by(AuditEvent.at)))


def as_id(value: object) -> uuid.UUID:
    return uuid.UUID(str(value))
