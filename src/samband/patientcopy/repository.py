"""Every query the patient's copy needs. The caller has checked and logged access."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.models import (
    CarePlan,
    CarePlanVersion,
    Episode,
    EpisodeParticipant,
    Organisation,
    Unit,
    User,
)


def latest_episode(session: Session, patient_id: uuid.UUID) -> Episode | None:
    """The patient's most recent episode (open or ended)."""
    return session.scalar(
        select(Episode)
        .where(Episode.patient_id == patient_id)
        .order_by(Episode.created_at.desc(), Episode.id)
        .limit(1)
    )


def current_plan_version(session: Session, episode_id: uuid.UUID) -> CarePlanVersion | None:
    return session.scalar(
        select(CarePlanVersion)
        .join(CarePlan, CarePlan.id == CarePlanVersion.care_plan_id)
        .where(
            CarePlan.episode_id == episode_id,
            CarePlanVersion.number == CarePlan.current_version,
        )
    )


def unit(session: Session, unit_id: uuid.UUID) -> Unit | None:
    return session.get(Unit, unit_id)


def user(session: Session, user_id: uuid.UUID | None) -> User | None:
    return session.get(User, user_id) if user_id else None


def participant_organisations(session: Session, episode_id: uuid.UUID) -> list[Organisation]:
    return list(
        session.scalars(
            select(Organisation)
            .join(EpisodeParticipant, EpisodeParticipant.organisation_id == Organisation.id)
            .where(EpisodeParticipant.episode_id == episode_id)
            .order_by(Organisation.name)
        )
    )
