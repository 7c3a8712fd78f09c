"""A small world for the deviation tests: a region's hospital clinic responsible for a patient
at home (its nurse and coordinator handle deviations, its chief physician is the responsible
person), the municipality's home health care taking part (its nurse reports, its MAS), and
another municipality's home health care with no relationship. Rows written directly; the
API and the services are what is tested."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from samband.kit.time import utcnow
from samband.models import Episode, Organisation, Patient, User
from tests.factories import make_episode, make_organisation, make_patient, make_unit, make_user


@dataclass
class World:
    clinic: Organisation
    clinic_nurse: User  # handles the clinic's deviations
    clinic_coordinator: User
    clinic_assistant: User  # reports, does not handle
    chief_physician: User  # the clinic's responsible person (chefläkare)
    municipality: Organisation
    home_nurse: User  # reports
    home_colleague: User  # a handler of the municipality
    mas: User  # the municipality's medically responsible nurse
    outsider: Organisation
    outsider_nurse: User
    patient: Patient
    episode: Episode


def build(session: Session, *, responsible: bool = True) -> World:
    clinic = make_organisation(session, kind="hospital_clinic", authority_name="Region Dalarna")
    ward = make_unit(session, clinic)
    clinic_nurse = make_user(session, clinic, unit=ward)
    coordinator = make_user(session, clinic, role="coordinator", unit=ward)
    assistant = make_user(session, clinic, role="assistant_nurse", unit=ward)
    chief = make_user(session, clinic, role="physician", unit=ward)
    municipality = make_organisation(
        session,
        kind="municipal_home_health_care",
        authority_kind="municipality",
        authority_name="Falu kommun",
    )
    home_unit = make_unit(session, municipality)
    home_nurse = make_user(session, municipality, unit=home_unit)
    colleague = make_user(session, municipality, unit=home_unit)
    mas = make_user(session, municipality, unit=home_unit)
    if responsible:
        chief.patient_safety_role = "chief_physician"
        mas.patient_safety_role = "mas"
    outsider = make_organisation(
        session,
        kind="municipal_home_health_care",
        authority_kind="municipality",
        authority_name="Borlänge kommun",
    )
    outsider_nurse = make_user(session, outsider)
    patient = make_patient(session, registered_by=clinic_nurse)
    episode = make_episode(
        session,
        patient,
        unit=ward,
        state="at_home",
        participants={municipality: "home_health_care"},
        care_contact=clinic_nurse,
    )
    episode.started_at = utcnow() - timedelta(days=2)
    session.flush()
    return World(
        clinic=clinic,
        clinic_nurse=clinic_nurse,
        clinic_coordinator=coordinator,
        clinic_assistant=assistant,
        chief_physician=chief,
        municipality=municipality,
        home_nurse=home_nurse,
        home_colleague=colleague,
        mas=mas,
        outsider=outsider,
        outsider_nurse=outsider_nurse,
        patient=patient,
        episode=episode,
    )


def report_body(world: World, **fields: Any) -> dict[str, Any]:
    """The municipal nurse's report: the clinic sent the patient home without the evening
    dose of antibiotics."""
    return {
        "patient_id": str(world.patient.id),
        "episode_id": str(world.episode.id),
        "category": "medication",
        "occurred_at": (utcnow() - timedelta(hours=3)).isoformat(),
        "description": "Patienten kom hem utan kvällsdosen antibiotika; ingen läkemedelslista "
        "följde med.",
        "consequence": "mild",
        "immediate_action": "Ringde avdelningen, dosen kördes ut med taxi.",
        "concerned_organisation_id": str(world.clinic.id),
        **fields,
    }
