"""A small world for the physician request tests: a municipality's home health care (its
nurse asks), a primary care centre (the fixed physician, and a colleague on call out of
office hours), the medical clinic whose physician on call is the agreement's last level, and
an enrolled patient with vital signs. Rows written directly; the API is what is tested."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from samband.kit.time import STOCKHOLM
from samband.models import Episode, ObservationSet, OnCallEntry, Organisation, Patient, Unit, User
from samband.oncall import rules as oncall_rules
from samband.physicianrequests import service
from tests.factories import make_episode, make_organisation, make_patient, make_unit, make_user
from tests.oncall.helpers import LONG_AGO


def local(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=STOCKHOLM).astimezone(UTC)


# Wednesday 4 March 2026
WEDNESDAY_22 = local(2026, 3, 4, 22, 0)
WEDNESDAY_10 = local(2026, 3, 4, 10, 0)


def pin(monkeypatch: pytest.MonkeyPatch, at: datetime) -> None:
    """The services' clock (the API's server time) at ``at``."""
    monkeypatch.setattr(service, "utcnow", lambda: at)


@dataclass
class World:
    municipality: Organisation
    home_unit: Unit
    nurse: User
    other_nurse: User  # the same municipality
    centre: Organisation
    centre_unit: Unit
    fixed: User  # the patient's fixed physician
    on_call: User  # the centre's physician on call out of office hours
    clinic: Organisation
    clinic_on_call: User  # the clinic's physician on call (the agreement's last level)
    outsider_nurse: User  # another municipality: no relationship
    patient: Patient
    enrolment: Episode
    vitals: ObservationSet


def on_call_everywhere(
    session: Session, organisation: Organisation, user: User, slots: list[str]
) -> None:
    for slot in slots:
        session.add(
            OnCallEntry(
                organisation_id=organisation.id,
                role="physician",
                slot=slot,
                starts_on=LONG_AGO,
                user_id=user.id,
            )
        )
    session.flush()


def build(session: Session, *, agreement_on_call: bool = False) -> World:
    municipality = make_organisation(
        session,
        kind="municipal_home_health_care",
        authority_kind="municipality",
        authority_name="Falu kommun",
    )
    home_unit = make_unit(session, municipality)
    nurse = make_user(session, municipality, unit=home_unit)
    other_nurse = make_user(session, municipality, unit=home_unit)
    centre = make_organisation(session, kind="primary_care_centre", authority_name="Region Dalarna")
    centre.phone = "023-49 30 00"
    centre_unit = make_unit(session, centre)
    fixed = make_user(session, centre, role="physician", unit=centre_unit)
    on_call = make_user(session, centre, role="physician", unit=centre_unit)
    on_call.phone = "070-111 22 33"
    on_call.notify_channels = ["sms"]
    clinic = make_organisation(session, kind="hospital_clinic", authority_name="Region Dalarna")
    clinic_on_call = make_user(session, clinic, role="physician")
    outsider_org = make_organisation(
        session,
        kind="municipal_home_health_care",
        authority_kind="municipality",
        authority_name="Borlänge kommun",
    )
    outsider_nurse = make_user(session, outsider_org)
    # the centre's physician on call out of office hours; the fixed physician by day
    out_of_hours = [oncall_rules.WEEKDAY_EVENING, oncall_rules.NIGHT, oncall_rules.WEEKEND]
    on_call_everywhere(session, centre, on_call, out_of_hours)
    on_call_everywhere(session, centre, fixed, [oncall_rules.WEEKDAY_DAY])
    on_call_everywhere(session, clinic, clinic_on_call, list(oncall_rules.SLOTS))

    patient = make_patient(session, listed_primary_care_id=centre.id, fixed_physician_id=fixed.id)
    enrolment = make_episode(
        session,
        patient,
        unit=home_unit,
        state="at_home",
        pathway="home_health_care",
        type="home_health_care",
        with_checklist=False,
        participants={centre: "primary_care"},
    )
    enrolment.kind = "home_health_care"
    enrolment.started_at = WEDNESDAY_10 - timedelta(days=30)
    vitals = ObservationSet(
        patient_id=patient.id,
        episode_id=enrolment.id,
        measured_at=WEDNESDAY_10 - timedelta(hours=1),
        source="visit",
        content_hash="x" * 64,
        source_organisation_id=municipality.id,
        recorded_by_id=nurse.id,
        respiratory_rate=24,
        spo2=91,
        on_oxygen=False,
        systolic_bp=98,
        pulse=112,
        consciousness="A",
        temperature=38.9,
        spo2_scale=1,
        news2_total=8,
        news2_risk="high",
        news2_partial=False,
        status="final",
    )
    session.add(vitals)
    session.flush()
    return World(
        municipality=municipality,
        home_unit=home_unit,
        nurse=nurse,
        other_nurse=other_nurse,
        centre=centre,
        centre_unit=centre_unit,
        fixed=fixed,
        on_call=on_call,
        clinic=clinic,
        clinic_on_call=clinic_on_call,
        outsider_nurse=outsider_nurse,
        patient=patient,
        enrolment=enrolment,
        vitals=vitals,
    )
