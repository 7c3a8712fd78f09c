"""Every query of palliative care."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.models import Episode, User
from samband.models.palliative import ExpectedDeath, SymptomAssessment

VALID = "valid"


def add(session: Session, thing: object) -> None:
    session.add(thing)
    session.flush()


def assessment(session: Session, assessment_id: uuid.UUID) -> SymptomAssessment | None:
    return session.get(SymptomAssessment, assessment_id)


def assessment_for_update(session: Session, assessment_id: uuid.UUID) -> SymptomAssessment | None:
    return session.scalar(
        select(SymptomAssessment)
        .where(SymptomAssessment.id == assessment_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def assessments(
    session: Session, episode_id: uuid.UUID, *, valid_only: bool = False
) -> list[SymptomAssessment]:
    """An episode's assessments, oldest first."""
    query = select(SymptomAssessment).where(SymptomAssessment.episode_id == episode_id)
    if valid_only:
        query = query.where(SymptomAssessment.status == VALID)
    return list(
        session.scalars(query.order_by(SymptomAssessment.assessed_at, SymptomAssessment.created_at))
    )


def previous_valid(
    session: Session, episode_id: uuid.UUID, before: datetime
) -> SymptomAssessment | None:
    """The episode's latest valid assessment made before ``before``."""
    return session.scalar(
        select(SymptomAssessment)
        .where(
            SymptomAssessment.episode_id == episode_id,
            SymptomAssessment.status == VALID,
            SymptomAssessment.assessed_at < before,
        )
        .order_by(SymptomAssessment.assessed_at.desc(), SymptomAssessment.created_at.desc())
        .limit(1)
    )


def expected_death(session: Session, episode_id: uuid.UUID) -> ExpectedDeath | None:
    return session.scalar(select(ExpectedDeath).where(ExpectedDeath.episode_id == episode_id))


def expected_death_for_update(session: Session, episode_id: uuid.UUID) -> ExpectedDeath | None:
    return session.scalar(
        select(ExpectedDeath)
        .where(ExpectedDeath.episode_id == episode_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def user_names(session: Session, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    rows = session.execute(select(User.id, User.full_name).where(User.id.in_(list(ids))))
    return {row[0]: row[1] for row in rows}


def episode(session: Session, episode_id: uuid.UUID) -> Episode | None:
    return session.get(Episode, episode_id)
