"""A patient at home on the OPAT pathway, the staff around them, a device account and an
outsider, for the observation and alert tests."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from samband.kit.time import utcnow
from samband.models import (
    Alert,
    AuditEvent,
    Episode,
    ObservationSet,
    Organisation,
    Patient,
    Unit,
    User,
)
from tests.factories import (
    auth,
    make_episode_at_home,
    make_municipality,
    make_organisation,
    make_patient,
    make_unit,
    make_user,
)

_ids = itertools.count(1)
NORMAL: dict[str, Any] = {
    "respiratory_rate": 16,
    "spo2": 97,
    "on_oxygen": False,
    "systolic_bp": 125,
    "pulse": 72,
    "consciousness": "A",
    "temperature": 37.0,
}
# NEWS2 8 (high): respiratory rate 26 → 3, SpO2 90 → 3, systolic 95 → 2
HIGH: dict[str, Any] = {**NORMAL, "respiratory_rate": 26, "spo2": 90, "systolic_bp": 95}
# NEWS2 5 (medium): respiratory rate 22 → 2, pulse 115 → 2, temperature 38.2 → 1
MEDIUM: dict[str, Any] = {**NORMAL, "respiratory_rate": 22, "pulse": 115, "temperature": 38.2}


@dataclass
class World:
    clinic: Organisation
    ward: Unit  # the responsible unit, with one reserved bed
    physician: User
    nurse: User  # the care contact
    assistant: User
    device: User  # the home gateway's account
    municipality: Organisation
    home_nurse: User
    outsider: User  # a nurse of an organisation with no care relationship
    patient: Patient
    episode: Episode

    def headers(self, session: Session, who: str = "nurse") -> dict[str, str]:
        user: User = getattr(self, who)
        return auth(session, user)


def make_world(session: Session, *, beds: int = 1, started: datetime | None = None) -> World:
    clinic = make_organisation(session, kind="hospital_clinic")
    ward = make_unit(session, clinic, beds=beds)
    ward.phone = "+46 23 49 00 00"
    physician = make_user(session, clinic, role="physician", unit=ward)
    nurse = make_user(session, clinic, role="registered_nurse", unit=ward)
    municipality = make_municipality(session)
    patient = make_patient(session, registered_by=nurse)
    episode = make_episode_at_home(
        session,
        patient,
        unit=ward,
        since=started or utcnow() - timedelta(days=2),
        home_care=municipality,
        plan_by=physician,
        physician=physician,
        care_contact=nurse,
    )
    other = make_organisation(session, kind="municipal_home_health_care")
    return World(
        clinic=clinic,
        ward=ward,
        physician=physician,
        nurse=nurse,
        assistant=make_user(session, clinic, role="assistant_nurse", unit=ward),
        device=make_user(session, clinic, role="device"),
        municipality=municipality,
        home_nurse=make_user(session, municipality, role="registered_nurse"),
        outsider=make_user(session, other, role="registered_nurse"),
        patient=patient,
        episode=episode,
    )


def vitals(
    world: World,
    values: dict[str, Any] | None = None,
    *,
    at: datetime | None = None,
    client_id: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A JSON body for POST /api/v1/observations (normal values unless told)."""
    body: dict[str, Any] = {
        "patient_id": str(world.patient.id),
        "measured_at": (at or utcnow() - timedelta(minutes=5)).isoformat(),
        **(NORMAL if values is None else values),
        **extra,
    }
    if client_id is not None:
        body["client_id"] = client_id
    return body


def new_client_id() -> str:
    return f"dev-42/msg-{next(_ids)}-{uuid.uuid4().hex[:8]}"


def post(client: TestClient, headers: dict[str, str], body: dict[str, Any]) -> Any:
    return client.post("/api/v1/observations", json=body, headers=headers)


def count_sets(session: Session, patient: Patient) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(ObservationSet)
            .where(ObservationSet.patient_id == patient.id)
        )
        or 0
    )


def alerts_of(session: Session, episode: Episode) -> list[Alert]:
    session.expire_all()
    return list(
        session.scalars(
            select(Alert).where(Alert.episode_id == episode.id).order_by(Alert.created_at)
        )
    )


def audit_rows(session: Session, user: User, resource_type: str) -> list[AuditEvent]:
    session.expire_all()
    return list(
        session.scalars(
            select(AuditEvent).where(
                AuditEvent.user_id == user.id, AuditEvent.resource_type == resource_type
            )
        )
    )
