"""A small world for the medication administration tests: an OPAT patient of a hospital
clinic's ward at home since Tuesday, the municipality's home health care taking part (its
nurse and assistant nurse give the doses), an outsider nurse of another municipality. The
services' clock is pinned (``pin``); rows are written directly, the API is what is tested."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from samband.kit.time import STOCKHOLM
from samband.medadmin import service
from samband.models import Episode, Organisation, Patient, Unit, User
from tests.factories import (
    auth,
    make_episode_at_home,
    make_municipality,
    make_organisation,
    make_patient,
    make_unit,
    make_user,
)


def local(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=STOCKHOLM).astimezone(UTC)


# Wednesday 4 March 2026; the patient went home on Tuesday
TUESDAY_12 = local(2026, 3, 3, 12)
WEDNESDAY = date(2026, 3, 4)


def pin(monkeypatch: pytest.MonkeyPatch, at: datetime) -> None:
    """The medication administration services' clock (the API's server time) at ``at``."""
    monkeypatch.setattr(service, "utcnow", lambda: at)


@dataclass
class World:
    clinic: Organisation
    ward: Unit
    physician: User
    municipality: Organisation
    home_unit: Unit
    nurse: User
    assistant: User  # the municipality's assistant nurse (no delegation yet)
    other_nurse: User
    outsider: User  # another municipality's nurse: no relationship
    patient: Patient
    episode: Episode


def build(session: Session) -> World:
    clinic = make_organisation(session, kind="hospital_clinic", authority_name="Region Dalarna")
    ward = make_unit(session, clinic)
    physician = make_user(session, clinic, role="physician", unit=ward)
    municipality = make_municipality(session)
    home_unit = make_unit(session, municipality)
    nurse = make_user(session, municipality, unit=home_unit)
    assistant = make_user(session, municipality, role="assistant_nurse", unit=home_unit)
    other_nurse = make_user(session, municipality, unit=home_unit)
    outsider = make_user(session, make_municipality(session, authority_name="Borlänge kommun"))
    patient = make_patient(session, given_name="Omar", family_name="Opatsson")
    episode = make_episode_at_home(
        session,
        patient,
        unit=ward,
        since=TUESDAY_12,
        home_care=municipality,
        plan_by=physician,
        physician=physician,
        pathway="opat",
    )
    return World(
        clinic=clinic,
        ward=ward,
        physician=physician,
        municipality=municipality,
        home_unit=home_unit,
        nurse=nurse,
        assistant=assistant,
        other_nurse=other_nurse,
        outsider=outsider,
        patient=patient,
        episode=episode,
    )


def medication_body(world: World, **fields: Any) -> dict[str, Any]:
    return {
        "episode_id": str(world.episode.id),
        "drug": "Cefotaxim",
        "dose": "2 g",
        "route": "iv",
        "schedule": "3 times a day",
        "given_by": "registered_nurse",
        "given_by_organisation_id": str(world.municipality.id),
        "supplied_by": "infektionsavdelningen",
        **fields,
    }


def add_medication(
    client: TestClient, session: Session, world: World, **fields: Any
) -> dict[str, Any]:
    answer = client.post(
        "/api/v1/medications",
        json=medication_body(world, **fields),
        headers=auth(session, world.physician),
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


def signing_list(
    client: TestClient,
    session: Session,
    world: World,
    user: User | None = None,
    day: str = "2026-03-04",
) -> dict[str, Any]:
    answer = client.get(
        f"/api/v1/episodes/{world.episode.id}/doses",
        params={"date": day},
        headers=auth(session, user or world.nurse),
    )
    assert answer.status_code == 200, answer.text
    return answer.json()
