"""Queries for authentication and for the care relationship (who may see which patient)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, delete, exists, or_, select
from sqlalchemy.orm import Session, aliased, joinedload

from samband.models import (
    ApiToken,
    EmergencyAccess,
    Episode,
    EpisodeParticipant,
    Patient,
    PatientRegistration,
    User,
)

# A column or mapped attribute holding a patient id.
_Column = Any


def get_user_by_username(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def add_token(session: Session, token: ApiToken) -> None:
    session.add(token)


def get_token(session: Session, token_hash: str) -> ApiToken | None:
    return session.get(ApiToken, token_hash)


def delete_token(session: Session, token_hash: str) -> None:
    session.execute(delete(ApiToken).where(ApiToken.token_hash == token_hash))


def delete_expired_tokens(session: Session, now: datetime) -> None:
    session.execute(delete(ApiToken).where(ApiToken.expires_at < now))


def care_relationship_clause(
    patient_id_column: _Column,
    *,
    organisation_id: uuid.UUID,
    now: datetime,
    days_after_end: int,
) -> ColumnElement[bool]:
    """SQL condition: the caller's organisation has a care relationship with the patient.

    - it takes part in an open episode of the patient, or in one that ended in the last
      ``days_after_end`` days;
    - or it registered the patient in that many days (a provisional relationship, to start
      an episode).
    Emergency access is a separate condition (``emergency_clause``), so it can be flagged.
    """
    since = now - timedelta(days=days_after_end)
    # An alias: the caller's query may itself select from episodes (GET /episodes), and an
    # un-aliased subquery would then correlate to it and compare a row with itself.
    # The same for participants (the overview's query joins them).
    episode, participant = aliased(Episode), aliased(EpisodeParticipant)
    through_episode = exists(
        select(episode.id)
        .join(participant, participant.episode_id == episode.id)
        .where(
            episode.patient_id == patient_id_column,
            participant.organisation_id == organisation_id,
            or_(episode.ended_at.is_(None), episode.ended_at >= since),
        )
    )
    through_registration = exists(
        select(PatientRegistration.id).where(
            PatientRegistration.patient_id == patient_id_column,
            PatientRegistration.organisation_id == organisation_id,
            PatientRegistration.created_at >= since,
        )
    )
    return or_(through_episode, through_registration)


def emergency_clause(
    patient_id_column: _Column, user_id: uuid.UUID, now: datetime
) -> ColumnElement[bool]:
    return exists(
        select(EmergencyAccess.id).where(
            EmergencyAccess.patient_id == patient_id_column,
            EmergencyAccess.user_id == user_id,
            EmergencyAccess.expires_at > now,
        )
    )


def access_to_patient(
    session: Session,
    patient_id: uuid.UUID,
    *,
    organisation_id: uuid.UUID,
    user_id: uuid.UUID,
    now: datetime,
    days_after_end: int,
) -> tuple[bool, bool, bool]:
    """(exists, through a care relationship, through emergency access) for one patient."""
    row = session.execute(
        select(
            care_relationship_clause(
                Patient.id, organisation_id=organisation_id, now=now, days_after_end=days_after_end
            ),
            emergency_clause(Patient.id, user_id, now),
        ).where(Patient.id == patient_id)
    ).first()
    if row is None:
        return False, False, False
    return True, bool(row[0]), bool(row[1])


@dataclass(frozen=True)
class Visibility:
    """Whose patients a list query may return: the caller's, now."""

    organisation_id: uuid.UUID
    user_id: uuid.UUID
    now: datetime
    days_after_end: int


def visible_patients_clause(
    patient_id_column: _Column, visibility: Visibility
) -> ColumnElement[bool]:
    """For every list query of patient data: care relationship or emergency access."""
    return or_(
        care_relationship_clause(
            patient_id_column,
            organisation_id=visibility.organisation_id,
            now=visibility.now,
            days_after_end=visibility.days_after_end,
        ),
        emergency_clause(patient_id_column, visibility.user_id, visibility.now),
    )


def get_user(session: Session, user_id: uuid.UUID) -> User | None:
    """The user with the organisation and unit an ``Actor`` names (one query, not three:
    this runs for every request)."""
    return session.get(
        User, user_id, options=[joinedload(User.organisation), joinedload(User.unit)]
    )
