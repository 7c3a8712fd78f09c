"""The queries of the monitoring summary (``summary``): what the monitoring knows of a list of
episodes, one query per kind for the whole list, never one per episode."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import date, datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from samband.db import among
from samband.models import Alert, Episode, ObservationSet, Visit
from samband.security.repository import Visibility, visible_episodes_clause


def readable_episodes(
    session: Session, episode_ids: Collection[uuid.UUID], visibility: Visibility
) -> set[uuid.UUID]:
    """The episodes whose record (vital signs, alerts, visits) the caller may read: the same
    rule as every other list of an episode's data (``visible_episodes_clause``). A patient on
    a page may be visible through another episode while this one's record is not shared."""
    if not episode_ids:
        return set()
    return set(
        session.scalars(
            select(Episode.id).where(
                among(session, Episode.id, episode_ids),
                visible_episodes_clause(Episode.id, visibility),
            )
        )
    )


def scored_sets_since(
    session: Session, episode_ids: Collection[uuid.UUID], since: datetime, excluded_status: str
) -> dict[uuid.UUID, list[ObservationSet]]:
    """Per episode, its sets holding a NEWS2 score measured since ``since``, oldest first."""
    if not episode_ids:
        return {}
    rows = session.scalars(
        select(ObservationSet)
        .where(
            among(session, ObservationSet.episode_id, episode_ids),
            ObservationSet.measured_at >= since,
            ObservationSet.status != excluded_status,
            ObservationSet.news2_total.is_not(None),
        )
        .order_by(ObservationSet.measured_at, ObservationSet.id)
    )
    result: dict[uuid.UUID, list[ObservationSet]] = {}
    for row in rows:
        result.setdefault(row.episode_id, []).append(row)
    return result


def latest_sets(
    session: Session,
    episode_ids: Collection[uuid.UUID],
    excluded_status: str,
    *,
    scored: bool = False,
    source: str | None = None,
) -> dict[uuid.UUID, ObservationSet]:
    """Per episode, its newest set (not entered in error): only scored ones (``scored``), or
    only those from one ``source`` (e.g. the patient's own reports). One query: the newest
    row of each episode by a window function."""
    if not episode_ids:
        return {}
    conditions: list[ColumnElement[bool]] = [
        among(session, ObservationSet.episode_id, episode_ids),
        ObservationSet.status != excluded_status,
    ]
    if scored:
        conditions.append(ObservationSet.news2_total.is_not(None))
    if source is not None:
        conditions.append(ObservationSet.source == source)
    ranked = (
        select(
            ObservationSet.id,
            func.row_number()
            .over(
                partition_by=ObservationSet.episode_id,
                order_by=(ObservationSet.measured_at.desc(), ObservationSet.id.desc()),
            )
            .label("n"),
        )
        .where(*conditions)
        .subquery()
    )
    rows = session.scalars(
        select(ObservationSet).join(ranked, ranked.c.id == ObservationSet.id).where(ranked.c.n == 1)
    )
    return {row.episode_id: row for row in rows}


def active_alerts(
    session: Session, episode_ids: Collection[uuid.UUID], statuses: Collection[str]
) -> dict[uuid.UUID, list[Alert]]:
    """Per episode, its alerts in these statuses (the active ones), oldest first."""
    if not episode_ids:
        return {}
    rows = session.scalars(
        select(Alert)
        .where(among(session, Alert.episode_id, episode_ids), Alert.status.in_(sorted(statuses)))
        .order_by(Alert.created_at, Alert.id)
    )
    result: dict[uuid.UUID, list[Alert]] = {}
    for alert in rows:
        result.setdefault(alert.episode_id, []).append(alert)
    return result


def visits_on(
    session: Session, episode_ids: Collection[uuid.UUID], day: date
) -> dict[uuid.UUID, list[Visit]]:
    """Per episode, its visits on that day (every status), in time order."""
    if not episode_ids:
        return {}
    rows = session.scalars(
        select(Visit)
        .where(among(session, Visit.episode_id, episode_ids), Visit.date == day)
        .order_by(Visit.window_start, Visit.id)
    )
    result: dict[uuid.UUID, list[Visit]] = {}
    for visit in rows:
        result.setdefault(visit.episode_id, []).append(visit)
    return result


def episode_count(session: Session, patient_id: uuid.UUID) -> int:
    """How many episodes the patient has, whoever may read them (to tell "not shown to you"
    from "none")."""
    query = select(func.count(Episode.id)).where(Episode.patient_id == patient_id)
    return session.scalar(query) or 0
