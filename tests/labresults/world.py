"""A small world for the samples-and-results tests: an infection clinic's ward (physician,
nurse), a municipality's home health care (nurse) taking part, an OPAT patient at home since
the day before yesterday with the pathway's care plan, an outsider and a device account.
Rows written directly; the API is what is tested."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from samband.kit.time import STOCKHOLM, local_today, utcnow
from samband.models import Episode, Organisation, Patient, Unit, User
from tests.factories import (
    make_episode_at_home,
    make_municipality,
    make_organisation,
    make_patient,
    make_unit,
    make_user,
)

PERSONNUMMER_SYSTEM = "http://electronichealth.se/identifier/personnummer"


@dataclass
class World:
    clinic: Organisation
    ward: Unit
    municipality: Organisation
    physician: User
    nurse: User
    municipal_nurse: User
    assistant: User
    outsider: User
    device: User
    patient: Patient
    episode: Episode


def local(days_ago: int, hour: int, minute: int = 0) -> datetime:
    """A local time ``days_ago`` days before today (Europe/Stockholm)."""
    day = local_today() - timedelta(days=days_ago)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=STOCKHOLM)


def ago(*, hours: float = 0, days: float = 0) -> datetime:
    return utcnow() - timedelta(hours=hours, days=days)


def build(session: Session, *, plan: bool = True) -> World:
    clinic = make_organisation(session, kind="hospital_clinic")
    ward = make_unit(session, clinic)
    physician = make_user(session, clinic, role="physician", unit=ward)
    nurse = make_user(session, clinic, unit=ward)
    municipality = make_municipality(session)
    municipal_nurse = make_user(session, municipality)
    assistant = make_user(session, municipality, role="assistant_nurse")
    other = make_organisation(session, kind="hospital_clinic")
    outsider = make_user(session, other, role="physician")
    device = make_user(session, clinic, role="device")
    patient = make_patient(session)
    episode = make_episode_at_home(
        session,
        patient,
        unit=ward,
        since=local(2, 10),
        home_care=municipality,
        plan_by=physician if plan else None,
        physician=physician,
    )
    return World(
        clinic,
        ward,
        municipality,
        physician,
        nurse,
        municipal_nurse,
        assistant,
        outsider,
        device,
        patient,
        episode,
    )


def crp_observation(
    world: World,
    value: float,
    at: datetime,
    *,
    identifier: str | None = None,
    unit: str = "mg/L",
    code: str = "1988-5",
    by_personnummer: bool = False,
) -> dict[str, Any]:
    """A FHIR R4 laboratory Observation of CRP."""
    subject: dict[str, Any] = (
        {"identifier": {"system": PERSONNUMMER_SYSTEM, "value": world.patient.personnummer}}
        if by_personnummer
        else {"reference": f"Patient/{world.patient.id}"}
    )
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "status": "final",
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                        "code": "laboratory",
                    }
                ]
            }
        ],
        "code": {"coding": [{"system": "http://loinc.org", "code": code, "display": "CRP"}]},
        "subject": subject,
        "effectiveDateTime": at.isoformat(),
        "valueQuantity": {
            "value": value,
            "unit": unit,
            "system": "http://unitsofmeasure.org",
            "code": unit,
        },
        "referenceRange": [
            {
                "high": {
                    "value": 5,
                    "unit": "mg/L",
                    "system": "http://unitsofmeasure.org",
                    "code": "mg/L",
                }
            }
        ],
    }
    if identifier:
        resource["identifier"] = [{"system": "urn:oid:1.2.752.lab", "value": identifier}]
    return resource
