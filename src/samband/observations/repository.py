"""Every query of observation sets and SpO2-scale decisions."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    or_,
    select,
)
from sqlalchemy.orm import Session

from samband.db import among, insert_rows
from samband.models import (
    AlertCause,
    CarePlan,
    CarePlanVersion,
    Episode,
    ObservationSet,
    Patient,
    Spo2ScaleDecision,
    Visit,
)
from samband.security.repository import (
    Visibility,
    visible_episodes_clause,
)


def add(session: Session, thing: object) -> None:
    session.add(thing)
    session.flush()


def add_all(session: Session, things: Sequence[object]) -> None:
    session.add_all(things)
    session.flush()


# -- patients and access ------------------------------------------------------------------------


def patient_ids_by_personnummer(session: Session, digits: Collection[str]) -> dict[str, uuid.UUID]:
    if not digits:
        return {}
    rows = session.execute(
        select(Patient.personnummer, Patient.id).where(Patient.personnummer.in_(sorted(digits)))
    )
    return {number: pid for number, pid in rows.tuples()}


# -- exactly once -------------------------------------------------------------------------------


def by_client_ids(
    session: Session, organisation_id: uuid.UUID, client_ids: Collection[str]
) -> dict[str, ObservationSet]:
    if not client_ids:
        return {}
    rows = session.scalars(
        select(ObservationSet).where(
            ObservationSet.source_organisation_id == organisation_id,
            among(session, ObservationSet.client_id, client_ids),
        )
    )
    return {row.client_id: row for row in rows if row.client_id is not None}


def insert_sets(session: Session, rows: Sequence[Mapping[str, Any]]) -> set[uuid.UUID]:
    """Insert new sets (full rows, ids given) in one statement. A set whose client_id the
    sending organisation already used (a concurrent delivery that committed first) is
    skipped, not an error: the ids of the sets actually inserted are returned."""
    inserted = insert_rows(
        session,
        ObservationSet.__table__,  # type: ignore[arg-type]
        rows,
        skip_conflicts_on=["source_organisation_id", "client_id"],
        returning="id",
    )
    return set(inserted)


# -- episodes, their plans and scales -------------------------------------------------------------


@dataclass(frozen=True)
class LockedEpisode:
    """What ingestion reads of an episode it locked (a plain row, not an ORM object)."""

    id: uuid.UUID
    patient_id: uuid.UUID
    state: str
    responsible_unit_id: uuid.UUID
    responsible_physician_id: uuid.UUID | None
    care_contact_id: uuid.UUID | None
    spo2_scale: int  # the newest physician's decision; 1 without one
    plan_version_id: uuid.UUID | None  # the current care-plan version
    # hospital_at_home | home_health_care (an enrolment: decision 0018)
    kind: str = "hospital_at_home"


def episodes_for_update(
    session: Session,
    *,
    episode_ids: Collection[uuid.UUID],
    open_of_patients: Collection[uuid.UUID],
    open_states: Collection[str],
) -> list[LockedEpisode]:
    """The named episodes and the open episodes of the patients, locked in one statement in
    id order (ingestion and alert handling are serialised per episode, without deadlocks),
    with the SpO2 scale in force and the current care-plan version of each."""
    conditions: list[ColumnElement[bool]] = []
    if episode_ids:
        conditions.append(among(session, Episode.id, episode_ids))
    if open_of_patients:
        conditions.append(
            and_(
                among(session, Episode.patient_id, open_of_patients),
                Episode.state.in_(sorted(open_states)),
            )
        )
    if not conditions:
        return []
    scale = (
        select(Spo2ScaleDecision.scale)
        .where(Spo2ScaleDecision.episode_id == Episode.id)
        .order_by(Spo2ScaleDecision.created_at.desc(), Spo2ScaleDecision.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    version = (
        select(CarePlanVersion.id)
        .join(
            CarePlan,
            (CarePlanVersion.care_plan_id == CarePlan.id)
            & (CarePlanVersion.number == CarePlan.current_version),
        )
        .where(CarePlan.episode_id == Episode.id)
        .limit(1)
        .scalar_subquery()
    )
    rows = session.execute(
        select(
            Episode.id,
            Episode.patient_id,
            Episode.state,
            Episode.responsible_unit_id,
            Episode.responsible_physician_id,
            Episode.care_contact_id,
            scale,
            version,
            Episode.kind,
        )
        .where(or_(*conditions))
        .order_by(Episode.id)
        .with_for_update(of=Episode.__table__)
    )
    return [
        LockedEpisode(
            id=row[0],
            patient_id=row[1],
            state=row[2],
            responsible_unit_id=row[3],
            responsible_physician_id=row[4],
            care_contact_id=row[5],
            spo2_scale=row[6] or 1,
            plan_version_id=row[7],
            kind=row[8],
        )
        for row in rows.tuples()
    ]


def latest_spo2_decision(session: Session, episode_id: uuid.UUID) -> Spo2ScaleDecision | None:
    return session.scalar(
        select(Spo2ScaleDecision)
        .where(Spo2ScaleDecision.episode_id == episode_id)
        .order_by(Spo2ScaleDecision.created_at.desc(), Spo2ScaleDecision.id.desc())
        .limit(1)
    )


def visits(session: Session, visit_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Visit]:
    if not visit_ids:
        return {}
    return {v.id: v for v in session.scalars(select(Visit).where(Visit.id.in_(sorted(visit_ids))))}


# -- reading sets ------------------------------------------------------------------------------


def get(session: Session, set_id: uuid.UUID, *, lock: bool = False) -> ObservationSet | None:
    query = select(ObservationSet).where(ObservationSet.id == set_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.scalar(query)


def search(
    session: Session,
    visibility: Visibility,
    *,
    patient_id: uuid.UUID | None,
    episode_id: uuid.UUID | None,
    since: datetime | None,
    until: datetime | None,
    needs_confirmation: bool | None,
    excluded_status: str | None,
    limit: int,
) -> list[ObservationSet]:
    """Sets of patients the caller may see, in the order measured."""
    query = select(ObservationSet).where(
        visible_episodes_clause(ObservationSet.episode_id, visibility)
    )
    if patient_id is not None:
        query = query.where(ObservationSet.patient_id == patient_id)
    if episode_id is not None:
        query = query.where(ObservationSet.episode_id == episode_id)
    if since is not None:
        query = query.where(ObservationSet.measured_at >= since)
    if until is not None:
        query = query.where(ObservationSet.measured_at <= until)
    if needs_confirmation is not None:
        query = query.where(ObservationSet.needs_confirmation.is_(needs_confirmation))
    if excluded_status is not None:
        query = query.where(ObservationSet.status != excluded_status)
    # the newest `limit`, shown oldest first (a trend reads left to right)
    newest = list(
        session.scalars(
            query.order_by(ObservationSet.measured_at.desc(), ObservationSet.id.desc()).limit(limit)
        )
    )
    return newest[::-1]


def alert_ids_of_sets(
    session: Session, set_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, list[uuid.UUID]]:
    if not set_ids:
        return {}
    rows = session.execute(
        select(AlertCause.observation_set_id, AlertCause.alert_id)
        .where(among(session, AlertCause.observation_set_id, set_ids))
        .order_by(AlertCause.at, AlertCause.id)
    )
    result: dict[uuid.UUID, list[uuid.UUID]] = {}
    for set_id, alert_id in rows.tuples():
        if set_id is not None and alert_id not in result.setdefault(set_id, []):
            result[set_id].append(alert_id)
    return result
