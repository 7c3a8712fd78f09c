"""Every query of medication administration."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from samband.models import (
    Alert,
    CareRequest,
    Episode,
    EpisodeEvent,
    Medication,
    Patient,
    User,
)
from samband.models.medadmin import DoseAdministration, MedicationDelegation, ScheduledDose
from samband.security.repository import Visibility, visible_episodes_clause

PLANNED = "planned"
CANCELLED = "cancelled"
VALID = "valid"
# the timeline events of a change of the medication list (medications.service)
LIST_EVENTS = ("medication.added", "medication.changed", "medication.stopped")


def add(session: Session, thing: object) -> None:
    session.add(thing)
    session.flush()


def stage(session: Session, thing: object) -> None:
    session.add(thing)


# -- doses ---------------------------------------------------------------------------------------


def get_dose(session: Session, dose_id: uuid.UUID) -> ScheduledDose | None:
    return session.get(ScheduledDose, dose_id)


def get_dose_for_update(session: Session, dose_id: uuid.UUID) -> ScheduledDose | None:
    return session.scalar(
        select(ScheduledDose)
        .where(ScheduledDose.id == dose_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def doses_of_days(
    session: Session, episode_ids: Collection[uuid.UUID], days: Collection[date]
) -> list[ScheduledDose]:
    """The live (not cancelled) doses of the episodes on the days, by time."""
    if not episode_ids or not days:
        return []
    return list(
        session.scalars(
            select(ScheduledDose)
            .where(
                ScheduledDose.episode_id.in_(sorted(episode_ids)),
                ScheduledDose.local_date.in_(sorted(days)),
                ScheduledDose.status != CANCELLED,
            )
            .order_by(ScheduledDose.due_at, ScheduledDose.drug, ScheduledDose.id)
        )
    )


def live_due_times(
    session: Session, medication_ids: Collection[uuid.UUID], since: datetime
) -> set[tuple[uuid.UUID, datetime]]:
    """(medication, due time) of the live doses from ``since`` on."""
    if not medication_ids:
        return set()
    rows = session.execute(
        select(ScheduledDose.medication_id, ScheduledDose.due_at).where(
            ScheduledDose.medication_id.in_(sorted(medication_ids)),
            ScheduledDose.status != CANCELLED,
            ScheduledDose.due_at >= since,
        )
    )
    return {(m, at) for m, at in rows.tuples()}


def future_unsigned_for_update(
    session: Session, medication_id: uuid.UUID, now: datetime
) -> list[ScheduledDose]:
    """The medication's live doses whose window has not ended and that nobody signed."""
    signed = select(DoseAdministration.id).where(
        DoseAdministration.scheduled_dose_id == ScheduledDose.id,
        DoseAdministration.status == VALID,
    )
    return list(
        session.scalars(
            select(ScheduledDose)
            .where(
                ScheduledDose.medication_id == medication_id,
                ScheduledDose.status != CANCELLED,
                ScheduledDose.window_end > now,
                ~signed.exists(),
            )
            .order_by(ScheduledDose.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    )


def overdue_unalerted(session: Session, now: datetime, since: datetime) -> list[ScheduledDose]:
    """Staff doses whose window ended in (since, now], not signed, not yet alerted."""
    signed = select(DoseAdministration.id).where(
        DoseAdministration.scheduled_dose_id == ScheduledDose.id,
        DoseAdministration.status == VALID,
    )
    return list(
        session.scalars(
            select(ScheduledDose)
            .where(
                ScheduledDose.status != CANCELLED,
                ScheduledDose.by_staff.is_(True),
                ScheduledDose.alerted_at.is_(None),
                ScheduledDose.window_end < now,
                ScheduledDose.window_end > since,
                ~signed.exists(),
            )
            .order_by(ScheduledDose.episode_id, ScheduledDose.due_at, ScheduledDose.id)
        )
    )


def alerted_unsigned_left(session: Session, alert_id: uuid.UUID) -> int:
    """How many doses behind an alert are still unsigned."""
    signed = select(DoseAdministration.id).where(
        DoseAdministration.scheduled_dose_id == ScheduledDose.id,
        DoseAdministration.status == VALID,
    )
    return int(
        session.scalar(
            select(func.count(ScheduledDose.id)).where(
                ScheduledDose.alert_id == alert_id,
                ScheduledDose.status != CANCELLED,
                ~signed.exists(),
            )
        )
        or 0
    )


# -- signatures ----------------------------------------------------------------------------------


def get_administration(session: Session, administration_id: uuid.UUID) -> DoseAdministration | None:
    return session.get(DoseAdministration, administration_id)


def get_administration_for_update(
    session: Session, administration_id: uuid.UUID
) -> DoseAdministration | None:
    return session.scalar(
        select(DoseAdministration)
        .where(DoseAdministration.id == administration_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def administrations_of_doses(
    session: Session, dose_ids: Collection[uuid.UUID]
) -> list[DoseAdministration]:
    if not dose_ids:
        return []
    return list(
        session.scalars(
            select(DoseAdministration)
            .where(DoseAdministration.scheduled_dose_id.in_(sorted(dose_ids)))
            .order_by(DoseAdministration.created_at, DoseAdministration.id)
        )
    )


def valid_for_dose(session: Session, dose_id: uuid.UUID) -> DoseAdministration | None:
    return session.scalar(
        select(DoseAdministration).where(
            DoseAdministration.scheduled_dose_id == dose_id,
            DoseAdministration.status == VALID,
        )
    )


def as_needed_between(
    session: Session, episode_ids: Collection[uuid.UUID], since: datetime, until: datetime
) -> list[DoseAdministration]:
    if not episode_ids:
        return []
    return list(
        session.scalars(
            select(DoseAdministration)
            .where(
                DoseAdministration.episode_id.in_(sorted(episode_ids)),
                DoseAdministration.kind == "as_needed",
                DoseAdministration.given_at >= since,
                DoseAdministration.given_at < until,
            )
            .order_by(DoseAdministration.given_at, DoseAdministration.id)
        )
    )


def followups_unalerted(
    session: Session, now: datetime, since: datetime
) -> list[DoseAdministration]:
    return list(
        session.scalars(
            select(DoseAdministration)
            .where(
                DoseAdministration.kind == "as_needed",
                DoseAdministration.status == VALID,
                DoseAdministration.followup_at.is_(None),
                DoseAdministration.followup_alerted_at.is_(None),
                DoseAdministration.followup_due_at < now,
                DoseAdministration.followup_due_at > since,
            )
            .order_by(DoseAdministration.episode_id, DoseAdministration.id)
        )
    )


def search_administrations(
    session: Session,
    visibility: Visibility,
    *,
    patient_id: uuid.UUID | None,
    episode_id: uuid.UUID | None,
    limit: int,
) -> list[DoseAdministration]:
    query = select(DoseAdministration).where(
        visible_episodes_clause(DoseAdministration.episode_id, visibility)
    )
    if patient_id is not None:
        query = query.where(DoseAdministration.patient_id == patient_id)
    if episode_id is not None:
        query = query.where(DoseAdministration.episode_id == episode_id)
    return list(
        session.scalars(
            query.order_by(DoseAdministration.given_at.desc(), DoseAdministration.id).limit(limit)
        )
    )


# -- the medication list -------------------------------------------------------------------------


def medication(session: Session, medication_id: uuid.UUID) -> Medication | None:
    return session.get(Medication, medication_id)


def medications_of(session: Session, episode_ids: Collection[uuid.UUID]) -> list[Medication]:
    """The active medications of the episodes."""
    if not episode_ids:
        return []
    return list(
        session.scalars(
            select(Medication)
            .where(Medication.episode_id.in_(sorted(episode_ids)), Medication.status == "active")
            .order_by(Medication.created_at, Medication.id)
        )
    )


def medications_of_patient(
    session: Session, visibility: Visibility, patient_id: uuid.UUID
) -> list[Medication]:
    return list(
        session.scalars(
            select(Medication)
            .join(Episode, Episode.id == Medication.episode_id)
            .where(
                Episode.patient_id == patient_id,
                visible_episodes_clause(Medication.episode_id, visibility),
            )
            .order_by(Medication.created_at, Medication.id)
        )
    )


def list_version(session: Session, episode_id: uuid.UUID) -> int:
    """The medication list's version: how many changes it has had (0: never written)."""
    return int(
        session.scalar(
            select(func.count(EpisodeEvent.id)).where(
                EpisodeEvent.episode_id == episode_id, EpisodeEvent.kind.in_(LIST_EVENTS)
            )
        )
        or 0
    )


def list_versions(session: Session, episode_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, int]:
    if not episode_ids:
        return {}
    rows = session.execute(
        select(EpisodeEvent.episode_id, func.count(EpisodeEvent.id))
        .where(EpisodeEvent.episode_id.in_(sorted(episode_ids)), EpisodeEvent.kind.in_(LIST_EVENTS))
        .group_by(EpisodeEvent.episode_id)
    )
    return {e: int(n) for e, n in rows.tuples()}


# -- episodes, alerts, people --------------------------------------------------------------------


def episodes_in_state(session: Session, state: str) -> list[Episode]:
    return list(session.scalars(select(Episode).where(Episode.state == state).order_by(Episode.id)))


def episode(session: Session, episode_id: uuid.UUID) -> Episode | None:
    return session.get(Episode, episode_id)


def open_episode_of_named(
    session: Session, given_name: str, family_name: str, pathway: str
) -> Episode | None:
    """The demo's patient's episode of the pathway (the newest)."""
    return session.scalar(
        select(Episode)
        .join(Patient, Patient.id == Episode.patient_id)
        .where(
            Patient.given_name == given_name,
            Patient.family_name == family_name,
            Episode.pathway == pathway,
        )
        .order_by(Episode.created_at.desc())
        .limit(1)
    )


def episodes_by_id(session: Session, episode_ids: Collection[uuid.UUID]) -> list[Episode]:
    if not episode_ids:
        return []
    return list(
        session.scalars(
            select(Episode).where(Episode.id.in_(sorted(episode_ids))).order_by(Episode.id)
        )
    )


def lock_episodes(session: Session, episode_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Episode]:
    if not episode_ids:
        return {}
    rows = session.scalars(
        select(Episode)
        .where(Episode.id.in_(sorted(episode_ids)))
        .order_by(Episode.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {e.id: e for e in rows}


def alert_for_update(session: Session, alert_id: uuid.UUID) -> Alert | None:
    return session.scalar(
        select(Alert)
        .where(Alert.id == alert_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def patient(session: Session, patient_id: uuid.UUID) -> Patient | None:
    return session.get(Patient, patient_id)


def user(session: Session, user_id: uuid.UUID) -> User | None:
    return session.get(User, user_id)


def user_names(session: Session, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    rows = session.execute(select(User.id, User.full_name).where(User.id.in_(sorted(ids))))
    return dict(rows.tuples().all())


def staff_of(session: Session, organisation_id: uuid.UUID, roles: Collection[str]) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .where(
                User.organisation_id == organisation_id,
                User.role.in_(sorted(roles)),
                User.active.is_(True),
            )
            .order_by(User.full_name, User.id)
        )
    )


# -- delegations ---------------------------------------------------------------------------------


def get_delegation(session: Session, delegation_id: uuid.UUID) -> MedicationDelegation | None:
    return session.get(MedicationDelegation, delegation_id)


def delegations_of(
    session: Session, *, delegate_id: uuid.UUID | None, organisation_id: uuid.UUID
) -> list[MedicationDelegation]:
    query = select(MedicationDelegation).where(
        MedicationDelegation.organisation_id == organisation_id
    )
    if delegate_id is not None:
        query = query.where(MedicationDelegation.delegate_id == delegate_id)
    return list(
        session.scalars(
            query.order_by(MedicationDelegation.valid_until.desc(), MedicationDelegation.id)
        )
    )


def valid_delegations(
    session: Session, delegate_id: uuid.UUID, organisation_id: uuid.UUID, day: date
) -> list[MedicationDelegation]:
    return list(
        session.scalars(
            select(MedicationDelegation)
            .where(
                MedicationDelegation.delegate_id == delegate_id,
                MedicationDelegation.organisation_id == organisation_id,
                MedicationDelegation.revoked_at.is_(None),
                MedicationDelegation.valid_from <= day,
                MedicationDelegation.valid_until >= day,
            )
            .order_by(MedicationDelegation.valid_until.desc(), MedicationDelegation.id)
        )
    )


# -- care requests -------------------------------------------------------------------------------


def care_request(session: Session, request_id: uuid.UUID) -> CareRequest | None:
    return session.get(CareRequest, request_id)


def care_request_for_update(session: Session, request_id: uuid.UUID) -> CareRequest | None:
    return session.scalar(
        select(CareRequest)
        .where(CareRequest.id == request_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
