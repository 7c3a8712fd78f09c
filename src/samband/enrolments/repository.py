"""Every query of enrolments in home health care and of the patient's fixed physician and
care contact."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from samband.episodes.states import OPEN_STATES, Kind
from samband.models import (
    Episode,
    EpisodeParticipant,
    Organisation,
    Patient,
    PatientAssignment,
    Unit,
    User,
)
from samband.security.repository import care_relationship_clause

_OPEN = sorted(s.value for s in OPEN_STATES)


def add(session: Session, thing: object) -> None:
    session.add(thing)
    session.flush()


def patient(session: Session, patient_id: uuid.UUID, *, lock: bool = False) -> Patient | None:
    """The patient; ``lock``: held until the transaction ends (PostgreSQL), so that two
    enrolments, or two changes of the fixed physician, run one after the other."""
    query = select(Patient).where(Patient.id == patient_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.scalar(query)


def related(
    session: Session,
    patient_id: uuid.UUID,
    *,
    organisation_id: uuid.UUID,
    care_provider: str,
    now: datetime,
    days_after_end: int,
) -> bool:
    """Whether the organisation has a care relationship with the patient (decisions 0003 and
    0010); emergency access does not count: it reads, it does not take into care."""
    clause = care_relationship_clause(
        Patient.id,
        organisation_id=organisation_id,
        care_provider=care_provider,
        now=now,
        days_after_end=days_after_end,
    )
    return bool(session.scalar(select(clause).where(Patient.id == patient_id)))


def open_enrolment(session: Session, patient_id: uuid.UUID) -> Episode | None:
    return session.scalar(
        select(Episode)
        .where(
            Episode.patient_id == patient_id,
            Episode.kind == Kind.HOME_HEALTH_CARE.value,
            Episode.state.in_(_OPEN),
        )
        .options(selectinload(Episode.participants))
    )


def episode(session: Session, episode_id: uuid.UUID) -> Episode | None:
    return session.get(Episode, episode_id)


def unit(session: Session, unit_id: uuid.UUID) -> Unit | None:
    return session.scalar(
        select(Unit).where(Unit.id == unit_id).options(selectinload(Unit.organisation))
    )


def organisation(session: Session, organisation_id: uuid.UUID) -> Organisation | None:
    return session.get(Organisation, organisation_id)


def user(session: Session, user_id: uuid.UUID) -> User | None:
    return session.scalar(
        select(User).where(User.id == user_id).options(selectinload(User.organisation))
    )


def users(session: Session, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, User]:
    if not ids:
        return {}
    rows = session.scalars(
        select(User).where(User.id.in_(sorted(ids))).options(selectinload(User.organisation))
    )
    return {u.id: u for u in rows}


def participant(
    session: Session, episode_id: uuid.UUID, organisation_id: uuid.UUID
) -> EpisodeParticipant | None:
    return session.scalar(
        select(EpisodeParticipant).where(
            EpisodeParticipant.episode_id == episode_id,
            EpisodeParticipant.organisation_id == organisation_id,
        )
    )


def assignments(session: Session, patient_id: uuid.UUID) -> list[PatientAssignment]:
    """Every change of the patient's fixed physician and care contact, newest first."""
    return list(
        session.scalars(
            select(PatientAssignment)
            .where(PatientAssignment.patient_id == patient_id)
            .order_by(PatientAssignment.created_at.desc(), PatientAssignment.id)
        )
    )


def active_staff(
    session: Session,
    *,
    roles: Collection[str],
    organisation_ids: Collection[uuid.UUID] | None = None,
    organisation_kinds: Collection[str] = (),
) -> list[User]:
    """Active users of these roles, of these organisations or of organisations of these
    kinds, by organisation and name (the choices of the pages' forms)."""
    query = (
        select(User)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(User.active.is_(True), User.role.in_(sorted(roles)))
        .options(selectinload(User.organisation))
        .order_by(Organisation.name, User.full_name, User.id)
    )
    ids = sorted(organisation_ids or ())
    kinds = sorted(organisation_kinds)
    if ids and kinds:
        query = query.where(User.organisation_id.in_(ids) | Organisation.kind.in_(kinds))
    elif ids:
        query = query.where(User.organisation_id.in_(ids))
    elif kinds:
        query = query.where(Organisation.kind.in_(kinds))
    else:
        return []
    return list(session.scalars(query))
