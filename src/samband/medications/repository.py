"""Every query of the medication list."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.models import EpisodeParticipant, Medication


def get(session: Session, medication_id: uuid.UUID) -> Medication | None:
    return session.get(Medication, medication_id)


def get_for_update(session: Session, medication_id: uuid.UUID) -> Medication | None:
    return session.scalar(
        select(Medication)
        .where(Medication.id == medication_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def for_episode(
    session: Session, episode_id: uuid.UUID, *, include_stopped: bool
) -> list[Medication]:
    query = select(Medication).where(Medication.episode_id == episode_id)
    if not include_stopped:
        query = query.where(Medication.status == "active")
    return list(session.scalars(query.order_by(Medication.created_at, Medication.id)))


def takes_part(session: Session, episode_id: uuid.UUID, organisation_id: uuid.UUID) -> bool:
    return (
        session.scalar(
            select(EpisodeParticipant.id).where(
                EpisodeParticipant.episode_id == episode_id,
                EpisodeParticipant.organisation_id == organisation_id,
            )
        )
        is not None
    )


def add(session: Session, medication: Medication) -> None:
    session.add(medication)
    session.flush()
