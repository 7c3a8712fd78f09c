"""Every query of episodes, their participants, timeline and checklist."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from samband.episodes.states import OPEN_STATES, Kind
from samband.models import (
    CarePlan,
    CarePlanVersion,
    CareRequest,
    ChecklistItem,
    Episode,
    EpisodeEvent,
    EpisodeParticipant,
    Organisation,
    Patient,
    ReservedBed,
    Unit,
    User,
)
from samband.security.repository import Visibility, visible_episodes_clause


def get(session: Session, episode_id: uuid.UUID) -> Episode | None:
    return session.get(Episode, episode_id)


def get_for_update(session: Session, episode_id: uuid.UUID) -> Episode | None:
    """Lock the episode row for the rest of the transaction (transitions are serialised)."""
    return session.scalar(
        select(Episode)
        .where(Episode.id == episode_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def search(
    session: Session,
    visibility: Visibility,
    *,
    patient_id: uuid.UUID | None,
    states: list[str] | None,
    pathway: str | None,
    limit: int,
    offset: int,
    kind: str | None = None,
) -> tuple[list[Episode], int]:
    query = select(Episode).where(visible_episodes_clause(Episode.id, visibility))
    if patient_id:
        query = query.where(Episode.patient_id == patient_id)
    if kind:
        query = query.where(Episode.kind == kind)
    if states:
        query = query.where(Episode.state.in_(states))
    if pathway:
        query = query.where(Episode.pathway == pathway)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.options(selectinload(Episode.participants))
        .order_by(Episode.created_at.desc(), Episode.id)
        .limit(limit)
        .offset(offset)
    )
    return list(rows), total


def add(session: Session, thing: object) -> None:
    session.add(thing)
    session.flush()


def events(session: Session, episode_id: uuid.UUID) -> list[EpisodeEvent]:
    return list(
        session.scalars(
            select(EpisodeEvent)
            .where(EpisodeEvent.episode_id == episode_id)
            .order_by(EpisodeEvent.at, EpisodeEvent.id)
        )
    )


def participant(
    session: Session, episode_id: uuid.UUID, organisation_id: uuid.UUID
) -> EpisodeParticipant | None:
    return session.scalar(
        select(EpisodeParticipant).where(
            EpisodeParticipant.episode_id == episode_id,
            EpisodeParticipant.organisation_id == organisation_id,
        )
    )


def checklist_item(session: Session, episode_id: uuid.UUID, key: str) -> ChecklistItem | None:
    return session.scalar(
        select(ChecklistItem).where(
            ChecklistItem.episode_id == episode_id, ChecklistItem.key == key
        )
    )


def current_plan_version(session: Session, episode_id: uuid.UUID) -> CarePlanVersion | None:
    return session.scalar(
        select(CarePlanVersion)
        .join(CarePlan, CarePlan.id == CarePlanVersion.care_plan_id)
        .where(
            CarePlan.episode_id == episode_id, CarePlanVersion.number == CarePlan.current_version
        )
        .options(selectinload(CarePlanVersion.acknowledgements))
    )


def accepted_request_kinds(session: Session, episode_id: uuid.UUID) -> set[str]:
    """Organisation kinds that have accepted (or completed) a care request for the episode."""
    rows = session.scalars(
        select(Organisation.kind)
        .join(CareRequest, CareRequest.to_organisation_id == Organisation.id)
        .where(
            CareRequest.episode_id == episode_id, CareRequest.state.in_(["accepted", "completed"])
        )
    )
    return set(rows)


def get_user(session: Session, user_id: uuid.UUID) -> User | None:
    return session.get(User, user_id)


def get_unit(session: Session, unit_id: uuid.UUID) -> Unit | None:
    return session.get(Unit, unit_id)


def get_organisation(session: Session, organisation_id: uuid.UUID) -> Organisation | None:
    return session.get(Organisation, organisation_id)


def free_reserved_bed_for_update(session: Session, unit_id: uuid.UUID) -> ReservedBed | None:
    """A free reserved bed of the unit, locked (two nurses cannot take the last bed at once)."""
    return session.scalar(
        select(ReservedBed)
        .where(ReservedBed.unit_id == unit_id, ReservedBed.occupied_by_episode_id.is_(None))
        .order_by(ReservedBed.label)
        .limit(1)
        .with_for_update(skip_locked=True)
    )


def patient_exists(session: Session, patient_id: uuid.UUID) -> bool:
    return session.scalar(select(Patient.id).where(Patient.id == patient_id)) is not None


def lock_patient(session: Session, patient_id: uuid.UUID) -> None:
    """Hold the patient's row until the transaction ends (PostgreSQL; SQLite's writers are
    serialised already), so two flags for one patient run one after the other."""
    session.execute(select(Patient.id).where(Patient.id == patient_id).with_for_update())


def open_episodes_of(
    session: Session, patient_id: uuid.UUID, kind: str = Kind.HOSPITAL_AT_HOME.value
) -> list[Episode]:
    """The patient's open episodes of this kind (an enrolment in home health care does not
    stand in the way of a hospital-at-home episode: decision 0018)."""
    return list(
        session.scalars(
            select(Episode).where(
                Episode.patient_id == patient_id,
                Episode.kind == kind,
                Episode.state.in_([s.value for s in OPEN_STATES]),
            )
        )
    )


def delete(session: Session, thing: object) -> None:
    session.delete(thing)
    session.flush()
