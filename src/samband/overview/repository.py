"""Queries for the command centre's overview."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from samband.models import (
    CareRequest,
    Episode,
    EpisodeParticipant,
    ObservationSet,
    Organisation,
    Patient,
    ReservedBed,
    Unit,
    User,
    Visit,
)
from samband.security.repository import Visibility, visible_episodes_clause


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


def visit_counts(
    session: Session, episode_ids: list[uuid.UUID], day: date
) -> dict[uuid.UUID, tuple[int, int]]:
    """Per episode, the day's visits: (done, all not cancelled)."""
    if not episode_ids:
        return {}
    done = func.count(Visit.id).filter(Visit.status == "done")
    rows = session.execute(
        select(Visit.episode_id, done, func.count(Visit.id))
        .where(Visit.episode_id.in_(episode_ids), Visit.date == day, Visit.status != "cancelled")
        .group_by(Visit.episode_id)
    )
    return {episode_id: (int(d), int(n)) for episode_id, d, n in rows.tuples()}


def latest_observations(
    session: Session, episode_ids: list[uuid.UUID], excluded_status: str
) -> dict[uuid.UUID, ObservationSet]:
    """Per episode, its latest measured set holding a NEWS2 score (not entered in error)."""
    if not episode_ids:
        return {}
    latest = (
        select(ObservationSet.episode_id, func.max(ObservationSet.measured_at).label("at"))
        .where(
            ObservationSet.episode_id.in_(sorted(episode_ids)),
            ObservationSet.status != excluded_status,
            ObservationSet.news2_total.is_not(None),
        )
        .group_by(ObservationSet.episode_id)
        .subquery()
    )
    rows = session.scalars(
        select(ObservationSet)
        .join(
            latest,
            (ObservationSet.episode_id == latest.c.episode_id)
            & (ObservationSet.measured_at == latest.c.at),
        )
        .where(
            ObservationSet.status != excluded_status,
            ObservationSet.news2_total.is_not(None),
        )
        .order_by(ObservationSet.created_at)
    )
    return {row.episode_id: row for row in rows}
