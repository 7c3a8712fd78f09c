"""A small world for the palliative tests: a palliative patient of a hospital clinic's ASIH
unit at home since Monday, the municipality's home health care taking part, an outsider
nurse of another municipality. The services' clock is pinned (``pin``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.orm import Session

from samband.kit.time import STOCKHOLM
from samband.models import Episode, Organisation, Patient, Unit, User
from samband.palliative import service
from tests.factories import (
    make_episode_at_home,
    make_municipality,
    make_organisation,
    make_patient,
    make_unit,
    make_user,
)


def local(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=STOCKHOLM).astimezone(UTC)


MONDAY_12 = local(2026, 3, 2, 12)


def iso(at: datetime) -> str:
    return at.isoformat()


def pin(monkeypatch: pytest.MonkeyPatch, at: datetime) -> None:
    """The palliative services' clock (the API's server time) at ``at``."""
    monkeypatch.setattr(service, "utcnow", lambda: at)


@dataclass
class World:
    clinic: Organisation
    unit: Unit
    physician: User
    asih_nurse: User
    municipality: Organisation
    nurse: User
    assistant: User
    outsider: User
    patient: Patient
    episode: Episode


def build(session: Session) -> World:
    clinic = make_organisation(session, kind="hospital_clinic", authority_name="Region Dalarna")
    unit = make_unit(session, clinic)
    physician = make_user(session, clinic, role="physician", unit=unit)
    asih_nurse = make_user(session, clinic, unit=unit)
    municipality = make_municipality(session)
    home_unit = make_unit(session, municipality)
    nurse = make_user(session, municipality, unit=home_unit)
    assistant = make_user(session, municipality, role="assistant_nurse", unit=home_unit)
    outsider = make_user(session, make_municipality(session, authority_name="Borlänge kommun"))
    patient = make_patient(session, given_name="Pia", family_name="Palliativsson")
    episode = make_episode_at_home(
        session,
        patient,
        unit=unit,
        since=MONDAY_12,
        home_care=municipality,
        plan_by=physician,
        physician=physician,
        care_contact=asih_nurse,
        pathway="palliative",
        type="admission_avoidance",
    )
    return World(
        clinic,
        unit,
        physician,
        asih_nurse,
        municipality,
        nurse,
        assistant,
        outsider,
        patient,
        episode,
    )


def scores(**overrides: int) -> dict[str, Any]:
    """An ESAS-r assessment's items, all 2 unless given."""
    base = {
        "pain": 2,
        "tiredness": 2,
        "drowsiness": 2,
        "nausea": 2,
        "lack_of_appetite": 2,
        "shortness_of_breath": 2,
        "depression": 2,
        "anxiety": 2,
        "wellbeing": 2,
    }
    return {**base, **overrides}
