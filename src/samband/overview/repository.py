"""Queries for the command centre's overview."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from samband.db import among
from samband.episodes.states import Kind
from samband.models import (
    Alert,
    AuditEvent,
    CareRequest,
    Episode,
    EpisodeParticipant,
    Organisation,
    Patient,
    ReservedBed,
    Unit,
    User,
    Visit,
)
from samband.security.repository import Visibility, visible_episodes_clause

# The overview's rows are hospital care at home: an enrolment in home health care (also
# "at_home" while it lasts: decision 0018) is not one of them.
_HOSPITAL_AT_HOME = Episode.kind == Kind.HOSPITAL_AT_HOME.value


def episodes_of_organisation(
    session: Session, visibility: Visibility, states: list[str]
) -> list[tuple[Episode, Patient]]:
    """Episodes in these states that the organisation takes part in, of patients it may see."""
    rows = session.execute(
        select(Episode, Patient)
        .join(Patient, Patient.id == Episode.patient_id)
        .join(EpisodeParticipant, EpisodeParticipant.episode_id == Episode.id)
        .where(
            EpisodeParticipant.organisation_id == visibility.organisation_id,
            Episode.state.in_(states),
            _HOSPITAL_AT_HOME,
            # the clause's subqueries alias episodes and participants
            visible_episodes_clause(Episode.id, visibility),
        )
        .order_by(Episode.started_at, Episode.created_at)
    )
    return [(episode, patient) for episode, patient in rows.tuples()]


def incoming_requests(
    session: Session, visibility: Visibility, states: list[str]
) -> list[tuple[CareRequest, Patient, Organisation]]:
    """Requests to the organisation in these states, of patients it may still see (a request
    left open on an episode that ended long ago gives no care relationship)."""
    rows = session.execute(
        select(CareRequest, Patient, Organisation)
        .join(Episode, Episode.id == CareRequest.episode_id)
        .join(Patient, Patient.id == Episode.patient_id)
        .join(Organisation, Organisation.id == CareRequest.from_organisation_id)
        .where(
            CareRequest.to_organisation_id == visibility.organisation_id,
            CareRequest.state.in_(states),
            visible_episodes_clause(Episode.id, visibility),
        )
        .order_by(CareRequest.created_at)
    )
    return [(r, p, o) for r, p, o in rows.tuples()]


def reserved_beds(session: Session) -> list[tuple[Unit, int, int]]:
    """Per unit with reserved beds: (unit, free, total)."""
    free = func.count(ReservedBed.id).filter(ReservedBed.occupied_by_episode_id.is_(None))
    rows = session.execute(
        select(Unit, free, func.count(ReservedBed.id))
        .join(ReservedBed, ReservedBed.unit_id == Unit.id)
        .group_by(Unit.id)
        .order_by(Unit.name)
    )
    return [(unit, int(f), int(total)) for unit, f, total in rows.tuples()]


def users_by_id(session: Session, ids: set[uuid.UUID]) -> dict[uuid.UUID, User]:
    if not ids:
        return {}
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))}


def visit_statuses(
    session: Session, episode_ids: Collection[uuid.UUID], day: date
) -> dict[uuid.UUID, dict[str, tuple[int, datetime | None]]]:
    """Per episode and status, the day's visits: (how many, the earliest planned start, else
    window start). One grouped query for every episode."""
    if not episode_ids:
        return {}
    first = func.min(func.coalesce(Visit.planned_start, Visit.window_start))
    rows = session.execute(
        select(Visit.episode_id, Visit.status, func.count(Visit.id), first)
        .where(among(session, Visit.episode_id, episode_ids), Visit.date == day)
        .group_by(Visit.episode_id, Visit.status)
    )
    result: dict[uuid.UUID, dict[str, tuple[int, datetime | None]]] = {}
    for episode_id, status, n, at in rows.tuples():
        result.setdefault(episode_id, {})[status] = (int(n), at)
    return result


def at_home_rows(
    session: Session, episode_ids: Collection[uuid.UUID], state: str
) -> list[tuple[Episode, Patient]]:
    """These episodes, when in ``state``, with their patients (no visibility filter: the live
    overview's change feed renders a changed row once, and each connected page is sent only
    the rows of the episodes its own overview shows)."""
    if not episode_ids:
        return []
    rows = session.execute(
        select(Episode, Patient)
        .join(Patient, Patient.id == Episode.patient_id)
        .where(Episode.id.in_(sorted(episode_ids)), Episode.state == state, _HOSPITAL_AT_HOME)
        .order_by(Episode.started_at, Episode.created_at)
    )
    return [(episode, patient) for episode, patient in rows.tuples()]


def episode_ids_of_organisation(
    session: Session, visibility: Visibility, states: list[str]
) -> set[uuid.UUID]:
    """The ids of ``episodes_of_organisation`` (what a connected overview shows)."""
    return set(
        session.scalars(
            select(Episode.id)
            .join(EpisodeParticipant, EpisodeParticipant.episode_id == Episode.id)
            .where(
                EpisodeParticipant.organisation_id == visibility.organisation_id,
                Episode.state.in_(states),
                _HOSPITAL_AT_HOME,
                visible_episodes_clause(Episode.id, visibility),
            )
        )
    )


def visible_episode_ids(
    session: Session, visibility: Visibility, episode_ids: Collection[uuid.UUID]
) -> set[uuid.UUID]:
    """Which of these episodes the caller may see."""
    if not episode_ids:
        return set()
    return set(
        session.scalars(
            select(Episode.id).where(
                Episode.id.in_(sorted(episode_ids)),
                visible_episodes_clause(Episode.id, visibility),
            )
        )
    )


def active_alert_counts(
    session: Session, episode_ids: Collection[uuid.UUID], statuses: Collection[str]
) -> dict[uuid.UUID, int]:
    """Per episode, its alerts in these statuses."""
    if not episode_ids:
        return {}
    rows = session.execute(
        select(Alert.episode_id, func.count(Alert.id))
        .where(Alert.episode_id.in_(sorted(episode_ids)), Alert.status.in_(sorted(statuses)))
        .group_by(Alert.episode_id)
    )
    return {episode_id: int(n) for episode_id, n in rows.tuples()}


def logged_since(
    session: Session, user_id: uuid.UUID, resource_type: str, since: datetime
) -> dict[uuid.UUID, datetime]:
    """Per patient, when the user was last logged (allowed) for this resource since ``since``
    (the index audit_events (user_id, resource_type, at), migration 0015)."""
    rows = session.execute(
        select(AuditEvent.patient_id, func.max(AuditEvent.at))
        .where(
            AuditEvent.user_id == user_id,
            AuditEvent.resource_type == resource_type,
            AuditEvent.at >= since,
            AuditEvent.allowed.is_(True),
            AuditEvent.patient_id.is_not(None),
        )
        .group_by(AuditEvent.patient_id)
    )
    return {patient_id: at for patient_id, at in rows.tuples() if patient_id is not None}
