"""Every query of alerts and their causes."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, Text, Uuid, case, cast, func, select
from sqlalchemy.orm import Session

from samband.db import among, given_rows
from samband.models import (
    Alert,
    AlertCause,
    CarePlanVersion,
    Episode,
    ObservationSet,
    Organisation,
    Patient,
    ReservedBed,
    Unit,
    User,
)
from samband.models.base import UTCDateTime
from samband.security.repository import Visibility, visible_episodes_clause


def add(session: Session, thing: object) -> None:
    session.add(thing)
    session.flush()


def stage(session: Session, thing: object) -> None:
    """Add without flushing (many alerts in one transaction are flushed together)."""
    session.add(thing)


def get(session: Session, alert_id: uuid.UUID, *, lock: bool = False) -> Alert | None:
    query = select(Alert).where(Alert.id == alert_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.scalar(query)


def active_for_update(
    session: Session, episode_ids: Collection[uuid.UUID], closed: str
) -> dict[tuple[uuid.UUID, str], Alert]:
    """The episodes' alerts that are not closed, locked, by (episode, kind)."""
    if not episode_ids:
        return {}
    rows = session.scalars(
        select(Alert)
        .where(Alert.episode_id.in_(sorted(episode_ids)), Alert.status != closed)
        .order_by(Alert.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {(a.episode_id, a.kind): a for a in rows}


def search(
    session: Session,
    visibility: Visibility,
    *,
    statuses: Collection[str],
    patient_id: uuid.UUID | None,
    episode_id: uuid.UUID | None,
    severities: Collection[str] | None,
    kinds: Collection[str] | None,
    severity_order: dict[str, int],
    limit: int,
    offset: int,
) -> list[tuple[Alert, Patient]]:
    """Alerts of patients the caller may see: the most severe first, then the oldest."""
    query = (
        select(Alert, Patient)
        .join(Patient, Patient.id == Alert.patient_id)
        .where(
            Alert.status.in_(sorted(statuses)),
            visible_episodes_clause(Alert.episode_id, visibility),
        )
    )
    if patient_id is not None:
        query = query.where(Alert.patient_id == patient_id)
    if episode_id is not None:
        query = query.where(Alert.episode_id == episode_id)
    if severities:
        query = query.where(Alert.severity.in_(sorted(severities)))
    if kinds:
        query = query.where(Alert.kind.in_(sorted(kinds)))
    severity_rank = case(severity_order, value=Alert.severity, else_=0)
    rows = session.execute(
        query.order_by(severity_rank.desc(), Alert.created_at, Alert.id).limit(limit).offset(offset)
    )
    return [(alert, patient) for alert, patient in rows.tuples()]


def patients(session: Session, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Patient]:
    if not ids:
        return {}
    return {p.id: p for p in session.scalars(select(Patient).where(Patient.id.in_(sorted(ids))))}


def causes(session: Session, alert_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, list[AlertCause]]:
    if not alert_ids:
        return {}
    rows = session.scalars(
        select(AlertCause)
        .where(AlertCause.alert_id.in_(sorted(alert_ids)))
        .order_by(AlertCause.at, AlertCause.id)
    )
    result: dict[uuid.UUID, list[AlertCause]] = {}
    for cause in rows:
        result.setdefault(cause.alert_id, []).append(cause)
    return result


def observation_sets(session: Session, ids: Collection[uuid.UUID]) -> list[ObservationSet]:
    if not ids:
        return []
    return list(
        session.scalars(
            select(ObservationSet)
            .where(ObservationSet.id.in_(sorted(ids)))
            .order_by(ObservationSet.measured_at, ObservationSet.id)
        )
    )


# -- the periodic checks -------------------------------------------------------------------------


def episodes_in_state(session: Session, state: str) -> list[Episode]:
    return list(session.scalars(select(Episode).where(Episode.state == state).order_by(Episode.id)))


def episode(session: Session, episode_id: uuid.UUID) -> Episode | None:
    return session.get(Episode, episode_id)


def lock_episode(session: Session, episode_id: uuid.UUID) -> Episode | None:
    return session.scalar(
        select(Episode)
        .where(Episode.id == episode_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def measured(
    session: Session,
    episode_ids: Collection[uuid.UUID],
    *,
    since: datetime,
    until: datetime,
    excluded_status: str,
    fields: Collection[str],
) -> dict[uuid.UUID, list[tuple[datetime, frozenset[str]]]]:
    """Per episode: when each set was measured and which of ``fields`` it holds."""
    if not episode_ids:
        return {}
    names = sorted(fields)
    columns = [getattr(ObservationSet, name) for name in names]
    rows = session.execute(
        select(ObservationSet.episode_id, ObservationSet.measured_at, *columns).where(
            ObservationSet.episode_id.in_(sorted(episode_ids)),
            ObservationSet.measured_at >= since,
            ObservationSet.measured_at <= until,
            ObservationSet.status != excluded_status,
        )
    )
    result: dict[uuid.UUID, list[tuple[datetime, frozenset[str]]]] = {}
    for row in rows.tuples():
        present = frozenset(n for n, v in zip(names, row[2:], strict=True) if v is not None)
        result.setdefault(row[0], []).append((row[1], present))
    return result


def reported_slots(
    session: Session, episode_ids: Collection[uuid.UUID], since: datetime
) -> set[tuple[uuid.UUID, datetime]]:
    """(episode, scheduled time) already reported missed."""
    if not episode_ids:
        return set()
    rows = session.execute(
        select(AlertCause.episode_id, AlertCause.expected_at).where(
            AlertCause.episode_id.in_(sorted(episode_ids)),
            AlertCause.expected_at.is_not(None),
            AlertCause.expected_at >= since,
        )
    )
    return {(e, at) for e, at in rows.tuples() if at is not None}


def due_for_update(session: Session, now: datetime, status: str) -> list[Alert]:
    """Unacknowledged alerts whose next escalation is due, locked; rows another check holds
    are skipped (it escalates them)."""
    return list(
        session.scalars(
            select(Alert)
            .where(Alert.status == status, Alert.due_at.is_not(None), Alert.due_at <= now)
            .order_by(Alert.due_at, Alert.id)
            .with_for_update(skip_locked=True)
            .execution_options(populate_existing=True)
        )
    )


# -- whom to notify ---------------------------------------------------------------------------


def unit(session: Session, unit_id: uuid.UUID) -> Unit | None:
    return session.get(Unit, unit_id)


def organisation(session: Session, organisation_id: uuid.UUID) -> Organisation | None:
    return session.get(Organisation, organisation_id)


def user(session: Session, user_id: uuid.UUID) -> User | None:
    return session.get(User, user_id)


def reserved_bed_of(session: Session, episode_id: uuid.UUID) -> ReservedBed | None:
    return session.scalar(
        select(ReservedBed).where(ReservedBed.occupied_by_episode_id == episode_id).limit(1)
    )


# -- what the triggers read (alerts/triggers.py) -----------------------------------------------


def alert_limits_of_versions(
    session: Session, version_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, str | None]:
    """The ``alert_limits`` of care-plan versions as stored (JSON text, not decoded: plans
    from one template share it)."""
    if not version_ids:
        return {}
    rows = session.execute(
        select(CarePlanVersion.id, cast(CarePlanVersion.content["alert_limits"], Text)).where(
            among(session, CarePlanVersion.id, version_ids)
        )
    )
    return dict(rows.tuples().all())


def lowest_weights(
    session: Session,
    periods: Sequence[tuple[uuid.UUID, uuid.UUID, datetime, datetime]],
    *,
    excluded_status: str,
) -> list[float | None]:
    """For each (set, episode, since, until): the lowest weight of the episode's other sets
    measured in [since, until) (None: none), in the order given. One statement; each
    period is an index range scan (episode, measured_at)."""
    if not periods:
        return []
    given = given_rows(
        session,
        "periods",
        [
            ("n", Integer()),
            ("set_id", Uuid()),
            ("episode_id", Uuid()),
            ("since", UTCDateTime()),
            ("until", UTCDateTime()),
        ],
        [(n, *period) for n, period in enumerate(periods)],
    )
    lowest = (
        select(func.min(ObservationSet.weight))
        .where(
            ObservationSet.episode_id == given.c.episode_id,
            ObservationSet.id != given.c.set_id,
            ObservationSet.measured_at >= given.c.since,
            ObservationSet.measured_at < given.c.until,
            ObservationSet.weight.is_not(None),
            ObservationSet.status != excluded_status,
        )
        .scalar_subquery()
    )
    found: dict[int, Any] = dict(session.execute(select(given.c.n, lowest)).tuples().all())
    return [None if found.get(n) is None else float(found[n]) for n in range(len(periods))]
