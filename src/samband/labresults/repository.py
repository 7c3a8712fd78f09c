"""Every query of samples and results, and the few rows of other domains they read."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from samband.models import CarePlan, CarePlanVersion, Episode, ObservationSet, Patient, Visit
from samband.models.labresults import LabResult, SampleOrder
from samband.security.repository import Visibility, visible_episodes_clause


def add(session: Session, thing: object) -> None:
    session.add(thing)
    session.flush()


def add_result(session: Session, result: LabResult) -> bool:
    """Insert a result; False when its identifier was stored meanwhile (a concurrent
    delivery won: nothing of this one is kept)."""
    try:
        with session.begin_nested():
            session.add(result)
            session.flush()
    except IntegrityError:
        return False
    return True


def get(session: Session, result_id: uuid.UUID) -> LabResult | None:
    return session.get(LabResult, result_id)


def get_order(session: Session, order_id: uuid.UUID) -> SampleOrder | None:
    return session.get(SampleOrder, order_id)


def get_order_for_update(session: Session, order_id: uuid.UUID) -> SampleOrder | None:
    return session.scalar(
        select(SampleOrder)
        .where(SampleOrder.id == order_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def by_identifier(
    session: Session, organisation_id: uuid.UUID, identifiers: Collection[str]
) -> dict[str, LabResult]:
    if not identifiers:
        return {}
    rows = session.scalars(
        select(LabResult).where(
            LabResult.source_organisation_id == organisation_id,
            LabResult.identifier.in_(set(identifiers)),
        )
    )
    return {r.identifier: r for r in rows if r.identifier is not None}


def results_of_episodes(
    session: Session, episode_ids: Collection[uuid.UUID], *, include_errors: bool = False
) -> list[LabResult]:
    """Results of the episodes, oldest sample first."""
    if not episode_ids:
        return []
    query = select(LabResult).where(LabResult.episode_id.in_(set(episode_ids)))
    if not include_errors:
        query = query.where(LabResult.status != "entered_in_error")
    return list(session.scalars(query.order_by(LabResult.taken_at, LabResult.created_at)))


def results_of_patient(session: Session, patient_id: uuid.UUID) -> list[LabResult]:
    return list(
        session.scalars(
            select(LabResult)
            .where(LabResult.patient_id == patient_id, LabResult.status != "entered_in_error")
            .order_by(LabResult.taken_at, LabResult.created_at)
        )
    )


def orders_of_episodes(session: Session, episode_ids: Collection[uuid.UUID]) -> list[SampleOrder]:
    if not episode_ids:
        return []
    return list(
        session.scalars(
            select(SampleOrder)
            .where(SampleOrder.episode_id.in_(set(episode_ids)))
            .order_by(SampleOrder.day, SampleOrder.activity_key)
        )
    )


def orders_for_update(session: Session, episode_id: uuid.UUID) -> list[SampleOrder]:
    return list(
        session.scalars(
            select(SampleOrder)
            .where(SampleOrder.episode_id == episode_id)
            .order_by(SampleOrder.day, SampleOrder.activity_key)
            .with_for_update()
        )
    )


def result_ids_of_orders(
    session: Session, order_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, list[uuid.UUID]]:
    if not order_ids:
        return {}
    out: dict[uuid.UUID, list[uuid.UUID]] = {}
    for order_id, result_id in session.execute(
        select(LabResult.sample_order_id, LabResult.id)
        .where(LabResult.sample_order_id.in_(set(order_ids)))
        .order_by(LabResult.created_at)
    ):
        if order_id is not None:
            out.setdefault(order_id, []).append(result_id)
    return out


def temperatures(
    session: Session, episode_ids: Collection[uuid.UUID], since: datetime, excluded: str
) -> dict[uuid.UUID, list[tuple[datetime, float]]]:
    """The episodes' temperatures measured since ``since`` (vital-sign sets not entered in
    error), oldest first."""
    if not episode_ids:
        return {}
    out: dict[uuid.UUID, list[tuple[datetime, float]]] = {}
    for episode_id, at, value in session.execute(
        select(ObservationSet.episode_id, ObservationSet.measured_at, ObservationSet.temperature)
        .where(
            ObservationSet.episode_id.in_(set(episode_ids)),
            ObservationSet.measured_at >= since,
            ObservationSet.temperature.is_not(None),
            ObservationSet.status != excluded,
        )
        .order_by(ObservationSet.measured_at)
    ):
        if value is not None:
            out.setdefault(episode_id, []).append((at, float(value)))
    return out


def current_plan_contents(
    session: Session, episode_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, tuple[int, dict[str, object]]]:
    """The current care-plan version (number, content) of each episode that has a plan."""
    if not episode_ids:
        return {}
    rows = session.execute(
        select(CarePlan.episode_id, CarePlanVersion.number, CarePlanVersion.content)
        .join(
            CarePlanVersion,
            (CarePlanVersion.care_plan_id == CarePlan.id)
            & (CarePlanVersion.number == CarePlan.current_version),
        )
        .where(CarePlan.episode_id.in_(set(episode_ids)))
    )
    return {episode_id: (number, content or {}) for episode_id, number, content in rows}


def episodes(session: Session, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Episode]:
    if not ids:
        return {}
    return {e.id: e for e in session.scalars(select(Episode).where(Episode.id.in_(set(ids))))}


def open_episodes_of_patient(
    session: Session, patient_id: uuid.UUID, open_states: Collection[str]
) -> list[Episode]:
    return list(
        session.scalars(
            select(Episode)
            .where(Episode.patient_id == patient_id, Episode.state.in_(list(open_states)))
            .order_by(Episode.created_at)
        )
    )


def patient_ids_by_personnummer(session: Session, numbers: Collection[str]) -> dict[str, uuid.UUID]:
    if not numbers:
        return {}
    return {
        number: patient_id
        for patient_id, number in session.execute(
            select(Patient.id, Patient.personnummer).where(Patient.personnummer.in_(set(numbers)))
        )
    }


def visits(session: Session, ids: Collection[uuid.UUID]) -> list[Visit]:
    if not ids:
        return []
    return list(session.scalars(select(Visit).where(Visit.id.in_(set(ids)))))


def readable_episodes(
    session: Session, episode_ids: Collection[uuid.UUID], visibility: Visibility
) -> set[uuid.UUID]:
    """The episodes whose record the caller may read (``visible_episodes_clause``)."""
    if not episode_ids:
        return set()
    return set(
        session.scalars(
            select(Episode.id).where(
                Episode.id.in_(set(episode_ids)),
                visible_episodes_clause(Episode.id, visibility),
            )
        )
    )


def open_episode_of_named(
    session: Session, given_name: str, family_name: str, pathway: str, open_states: Collection[str]
) -> Episode | None:
    """The demo's look-up of a patient's open episode by name (``labresults.demo``)."""
    return session.scalar(
        select(Episode)
        .join(Patient, Patient.id == Episode.patient_id)
        .where(
            Patient.given_name == given_name,
            Patient.family_name == family_name,
            Episode.pathway == pathway,
            Episode.state.in_(list(open_states)),
        )
        .limit(1)
    )
