"""Every query of care requests, and the few rows of other domains they read or write."""

from __future__ import annotations

import uuid

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from samband.models import (
    CarePlan,
    CareRequest,
    ChecklistItem,
    Episode,
    EpisodeParticipant,
    Organisation,
)
from samband.security.repository import Visibility, visible_episodes_clause


def get(session: Session, request_id: uuid.UUID) -> CareRequest | None:
    return session.get(CareRequest, request_id)


def get_for_update(session: Session, request_id: uuid.UUID) -> CareRequest | None:
    return session.scalar(
        select(CareRequest)
        .where(CareRequest.id == request_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def patient_of_episode(session: Session, episode_id: uuid.UUID) -> uuid.UUID | None:
    return session.scalar(select(Episode.patient_id).where(Episode.id == episode_id))


def add(session: Session, request: CareRequest) -> None:
    session.add(request)
    session.flush()


def get_organisation(session: Session, organisation_id: uuid.UUID) -> Organisation | None:
    return session.get(Organisation, organisation_id)


def current_care_plan_version(session: Session, episode_id: uuid.UUID) -> int | None:
    number = session.scalar(
        select(CarePlan.current_version).where(CarePlan.episode_id == episode_id)
    )
    return number or None


def participant(
    session: Session, episode_id: uuid.UUID, organisation_id: uuid.UUID
) -> EpisodeParticipant | None:
    return session.scalar(
        select(EpisodeParticipant).where(
            EpisodeParticipant.episode_id == episode_id,
            EpisodeParticipant.organisation_id == organisation_id,
        )
    )


def add_participant(session: Session, participant: EpisodeParticipant) -> None:
    session.add(participant)
    session.flush()


def remove_participant(session: Session, participant: EpisodeParticipant) -> None:
    session.delete(participant)
    session.flush()


def open_request_exists(
    session: Session,
    episode_id: uuid.UUID,
    *,
    to_organisation_id: uuid.UUID,
    kind: str,
    open_states: frozenset[str],
) -> bool:
    found = session.scalar(
        select(CareRequest.id)
        .where(
            CareRequest.episode_id == episode_id,
            CareRequest.to_organisation_id == to_organisation_id,
            CareRequest.kind == kind,
            CareRequest.state.in_(sorted(open_states)),
        )
        .limit(1)
    )
    return found is not None


def requests_to(
    session: Session, episode_id: uuid.UUID, to_organisation_id: uuid.UUID
) -> list[CareRequest]:
    return list(
        session.scalars(
            select(CareRequest).where(
                CareRequest.episode_id == episode_id,
                CareRequest.to_organisation_id == to_organisation_id,
            )
        )
    )


def checklist_item(session: Session, episode_id: uuid.UUID, key: str) -> ChecklistItem | None:
    return session.scalar(
        select(ChecklistItem).where(
            ChecklistItem.episode_id == episode_id, ChecklistItem.key == key
        )
    )


def search(
    session: Session,
    visibility: Visibility,
    *,
    organisation_id: uuid.UUID,
    incoming: bool,
    outgoing: bool,
    state: str | None,
    episode_id: uuid.UUID | None,
    limit: int,
    offset: int,
) -> tuple[list[tuple[CareRequest, uuid.UUID]], int]:
    """Requests to and/or from the organisation, of patients the caller may see."""
    sides = []
    if incoming:
        sides.append(CareRequest.to_organisation_id == organisation_id)
    if outgoing:
        sides.append(CareRequest.from_organisation_id == organisation_id)
    query = (
        select(CareRequest, Episode.patient_id)
        .join(Episode, Episode.id == CareRequest.episode_id)
        .where(or_(*sides), visible_episodes_clause(Episode.id, visibility, record=False))
    )
    if state:
        query = query.where(CareRequest.state == state)
    if episode_id:
        query = query.where(CareRequest.episode_id == episode_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(
        query.order_by(CareRequest.created_at.desc(), CareRequest.id).limit(limit).offset(offset)
    )
    return [(request, patient_id) for request, patient_id in rows.tuples()], total


def open_of_episode(session: Session, episode_id: uuid.UUID) -> list[CareRequest]:
    return list(
        session.scalars(
            select(CareRequest)
            .where(
                CareRequest.episode_id == episode_id,
                CareRequest.state.in_(["sent", "received", "accepted"]),
            )
            .order_by(CareRequest.created_at, CareRequest.id)
        )
    )
