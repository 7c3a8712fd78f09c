"""A world for the discharge summary's tests: a hospital clinic's patient at home with IV
antibiotics, a medication started and one stopped at home, a dose changed, visits, an alert
acted on, a round note; the municipality's home health care taking part (care request
accepted) and a referral to the primary care centre; an outsider clinic."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from samband.kit.time import utcnow
from samband.medications import service as medications
from samband.medications.schemas import MedicationStop, MedicationUpdate
from samband.models import (
    Alert,
    CareRequest,
    Episode,
    EpisodeEvent,
    Organisation,
    Patient,
    RoundNote,
    User,
    Visit,
)
from samband.rounds import service as rounds
from samband.security import service as security
from samband.security.context import AccessLog, Context
from tests.factories import (
    make_care_plan,
    make_episode,
    make_medication,
    make_municipality,
    make_organisation,
    make_patient,
    make_unit,
    make_user,
)


@dataclass
class World:
    clinic: Organisation
    physician: User
    nurse: User
    assistant: User
    centre: Organisation
    centre_nurse: User
    centre_physician: User
    home: Organisation
    home_nurse: User
    outsider: User
    outsider_physician: User
    patient: Patient
    episode: Episode


def ctx_of(session: Session, user: User) -> Context:
    session.refresh(user)
    return Context(session=session, actor=security.actor_of(user), log=AccessLog())


def build(session: Session, *, with_requests: bool = True) -> World:
    clinic = make_organisation(session, kind="hospital_clinic", name="Infektionskliniken Falun")
    ward = make_unit(session, clinic)
    physician = make_user(session, clinic, role="physician", unit=ward)
    nurse = make_user(session, clinic, role="registered_nurse", unit=ward)
    assistant = make_user(session, clinic, role="assistant_nurse", unit=ward)
    centre = make_organisation(session, kind="primary_care_centre", name="Vårdcentralen Britsen")
    centre_nurse = make_user(session, centre, role="registered_nurse")
    centre_physician = make_user(session, centre, role="physician")
    home = make_municipality(session, name="Hemsjukvården Falun")
    home_nurse = make_user(session, home, role="registered_nurse")
    other = make_organisation(session, kind="hospital_clinic", authority_name="Region Annat")
    outsider = make_user(session, other, role="registered_nurse")
    outsider_physician = make_user(session, other, role="physician")

    patient = make_patient(
        session, registered_by=nurse, given_name="Astrid", family_name="Lindqvist"
    )
    episode = make_episode(
        session,
        patient,
        unit=ward,
        state="at_home",
        participants={home: "home_health_care"},
        physician=physician,
        care_contact=nurse,
    )
    now = utcnow()
    start = now - timedelta(days=4)
    episode.started_at = start
    session.add(
        EpisodeEvent(
            episode_id=episode.id,
            at=start - timedelta(days=2),
            kind="transition",
            to_state="candidate",
            reason="Pyelonefrit, iv antibiotika",
            data={},
        )
    )
    session.add(
        EpisodeEvent(
            episode_id=episode.id,
            at=start,
            kind="transition",
            from_state="planned",
            to_state="at_home",
            data={},
        )
    )
    make_care_plan(session, episode, by=physician)
    before = start - timedelta(hours=3)
    make_medication(session, episode, by=physician, drug="Cefotaxim", dose="1 g", created_at=before)
    waran = make_medication(
        session,
        episode,
        by=physician,
        drug="Waran",
        dose="2,5 mg",
        route="oral",
        schedule="18:00",
        created_at=before,
    )
    furix = make_medication(
        session,
        episode,
        by=physician,
        drug="Furix",
        dose="40 mg",
        route="oral",
        schedule="08:00",
        created_at=before,
    )
    ctx = ctx_of(session, physician)
    medications.update(ctx, waran.id, MedicationUpdate(dose="5 mg"))
    medications.stop(ctx, furix.id, MedicationStop(reason="Lågt blodtryck"))
    make_medication(
        session,
        episode,
        by=physician,
        drug="Alvedon",
        dose="1 g",
        route="oral",
        schedule="vid behov",
        created_at=now - timedelta(days=1),
    )
    for days_ago, status in ((3, "done"), (2, "done"), (2, "missed"), (1, "done")):
        at = now - timedelta(days=days_ago)
        session.add(
            Visit(
                episode_id=episode.id,
                patient_id=patient.id,
                date=at.date(),
                what="IV antibiotics",
                window_start=at,
                window_end=at + timedelta(hours=1),
                duration_min=30,
                skills=[],
                role="registered_nurse",
                organisation_kind="hospital_clinic",
                organisation_id=clinic.id,
                priority=1,
                source="ad_hoc",
                status=status,
                history=[],
            )
        )
    session.add(
        Alert(
            patient_id=patient.id,
            episode_id=episode.id,
            kind="news2",
            severity="medium",
            reason="NEWS2 5",
            status="closed",
            last_triggered_at=now - timedelta(days=2),
            action="phone_call",
            action_note="Mår bättre efter samtal",
            escalated_at=now - timedelta(days=2),
            created_at=now - timedelta(days=2),
        )
    )
    round_ = rounds.open_round(ctx, ward.id)
    session.add(
        RoundNote(
            round_id=round_.id,
            episode_id=episode.id,
            situation="Feberfri",
            assessment="Stabil, CRP sjunker",
            decision="continue",
            decision_note="Fortsätt iv i två dygn",
            participants=[],
            criteria_met=[],
            created_by_id=physician.id,
            created_at=now - timedelta(hours=20),
        )
    )
    if with_requests:
        for org, kind, state in (
            (home, "home_health_care", "accepted"),
            (centre, "primary_care_referral", "sent"),
        ):
            session.add(
                CareRequest(
                    episode_id=episode.id,
                    kind=kind,
                    from_organisation_id=clinic.id,
                    to_organisation_id=org.id,
                    state=state,
                    answer_by=now + timedelta(days=1),
                    created_by_id=nurse.id,
                    created_at=now - timedelta(days=1),
                    history=[],
                    medication_snapshot=[],
                )
            )
        make_participant(session, episode, centre, "primary_care")
    session.flush()
    return World(
        clinic=clinic,
        physician=physician,
        nurse=nurse,
        assistant=assistant,
        centre=centre,
        centre_nurse=centre_nurse,
        centre_physician=centre_physician,
        home=home,
        home_nurse=home_nurse,
        outsider=outsider,
        outsider_physician=outsider_physician,
        patient=patient,
        episode=episode,
    )


def make_participant(session: Session, episode: Episode, org: Organisation, role: str) -> None:
    from samband.models import EpisodeParticipant

    session.add(EpisodeParticipant(episode_id=episode.id, organisation_id=org.id, role=role))
    session.flush()
