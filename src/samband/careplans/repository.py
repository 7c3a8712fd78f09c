"""Every query of care plans, their versions and acknowledgements."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from samband.models import (
    CarePlan,
    CarePlanAcknowledgement,
    CarePlanVersion,
    EpisodeParticipant,
    Organisation,
)


def get(session: Session, care_plan_id: uuid.UUID) -> CarePlan | None:
    return session.get(CarePlan, care_plan_id)


def get_for_update(session: Session, care_plan_id: uuid.UUID) -> CarePlan | None:
    """The plan, locked and freshly read (its current version may have changed)."""
    return session.scalar(
        select(CarePlan)
        .where(CarePlan.id == care_plan_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def for_episode(session: Session, episode_id: uuid.UUID) -> CarePlan | None:
    return session.scalar(select(CarePlan).where(CarePlan.episode_id == episode_id))


def version(session: Session, care_plan_id: uuid.UUID, number: int) -> CarePlanVersion | None:
    return session.scalar(
        select(CarePlanVersion)
        .where(CarePlanVersion.care_plan_id == care_plan_id, CarePlanVersion.number == number)
        .options(selectinload(CarePlanVersion.acknowledgements))
    )


def versions(session: Session, care_plan_id: uuid.UUID) -> list[CarePlanVersion]:
    return list(
        session.scalars(
            select(CarePlanVersion)
            .where(CarePlanVersion.care_plan_id == care_plan_id)
            .options(selectinload(CarePlanVersion.acknowledgements))
            .order_by(CarePlanVersion.number)
        )
    )


def acknowledgements(session: Session, version_id: uuid.UUID) -> list[CarePlanAcknowledgement]:
    return list(
        session.scalars(
            select(CarePlanAcknowledgement)
            .where(CarePlanAcknowledgement.version_id == version_id)
            .order_by(CarePlanAcknowledgement.at, CarePlanAcknowledgement.id)
        )
    )


def participant_organisations(session: Session, episode_id: uuid.UUID) -> dict[uuid.UUID, str]:
    """The organisations taking part in the episode, with their kind."""
    rows = session.execute(
        select(Organisation.id, Organisation.kind)
        .join(EpisodeParticipant, EpisodeParticipant.organisation_id == Organisation.id)
        .where(EpisodeParticipant.episode_id == episode_id)
        .order_by(EpisodeParticipant.created_at, Organisation.id)
    )
    return {row[0]: row[1] for row in rows}


def add(session: Session, thing: object) -> None:
    session.add(thing)
    session.flush()
