"""Every query of deviations and their measures, and the few rows of other domains they read
(the patient's episodes and their organisations, people, the summaries' facts)."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from samband.db import among
from samband.models import Episode, EpisodeParticipant, Organisation, Patient, User
from samband.models.deviations import Deviation


def add(session: Session, row: object) -> None:
    session.add(row)
    session.flush()


def get(session: Session, deviation_id: uuid.UUID, *, lock: bool = False) -> Deviation | None:
    query = select(Deviation).where(Deviation.id == deviation_id)
    if lock:
        query = query.with_for_update()
    return session.scalar(query)


def patient(session: Session, patient_id: uuid.UUID) -> Patient | None:
    return session.get(Patient, patient_id)


def episode(session: Session, episode_id: uuid.UUID) -> Episode | None:
    return session.get(Episode, episode_id)


def episodes_of_patient(session: Session, patient_id: uuid.UUID) -> list[Episode]:
    return list(
        session.scalars(
            select(Episode).where(Episode.patient_id == patient_id).order_by(Episode.created_at)
        )
    )


def participants(session: Session, episode_ids: Collection[uuid.UUID]) -> list[uuid.UUID]:
    """The organisations taking part in these episodes (the responsible one included)."""
    if not episode_ids:
        return []
    return list(
        dict.fromkeys(
            session.scalars(
                select(EpisodeParticipant.organisation_id)
                .where(among(session, EpisodeParticipant.episode_id, episode_ids))
                .order_by(EpisodeParticipant.created_at)
            )
        )
    )


def organisations(
    session: Session, organisation_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, Organisation]:
    if not organisation_ids:
        return {}
    found = session.scalars(
        select(Organisation).where(among(session, Organisation.id, organisation_ids))
    )
    return {o.id: o for o in found}


def users(session: Session, user_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, User]:
    wanted = [u for u in user_ids if u is not None]
    if not wanted:
        return {}
    return {u.id: u for u in session.scalars(select(User).where(among(session, User.id, wanted)))}


def user(session: Session, user_id: uuid.UUID) -> User | None:
    return session.get(User, user_id)


def staff_with_roles(
    session: Session, organisation_id: uuid.UUID, roles: Collection[str]
) -> list[User]:
    """The active users of the organisation in these roles."""
    return list(
        session.scalars(
            select(User)
            .where(
                User.organisation_id == organisation_id,
                User.active.is_(True),
                among(session, User.role, list(roles)),
            )
            .order_by(User.full_name, User.username)
        )
    )


def responsible_people(session: Session, organisation_ids: Collection[uuid.UUID]) -> list[User]:
    """The active users of these organisations with a patient safety role (chief physician,
    MAS)."""
    if not organisation_ids:
        return []
    return list(
        session.scalars(
            select(User)
            .where(
                among(session, User.organisation_id, organisation_ids),
                User.active.is_(True),
                User.patient_safety_role.is_not(None),
            )
            .order_by(User.full_name, User.username)
        )
    )


def patient_names(
    session: Session, patient_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, tuple[str, str, str]]:
    """Per patient: given name, family name, personnummer."""
    if not patient_ids:
        return {}
    rows = session.execute(
        select(Patient.id, Patient.given_name, Patient.family_name, Patient.personnummer).where(
            among(session, Patient.id, patient_ids)
        )
    )
    return {pid: (given, family, pnr) for pid, given, family, pnr in rows.tuples()}


def _of_organisation(organisation_id: uuid.UUID, box: str | None) -> ColumnElement[bool]:
    concerning = Deviation.concerned_organisation_id == organisation_id
    reported = Deviation.reporter_organisation_id == organisation_id
    if box == "concerning":
        return concerning
    if box == "reported":
        return reported
    return or_(concerning, reported)


def search(
    session: Session,
    organisation_id: uuid.UUID,
    *,
    box: str | None,
    status: str | None,
    category: str | None,
    consequence: str | None,
    lex_maria: bool | None,
    pathway: str | None,
    patient_id: uuid.UUID | None,
    limit: int,
    offset: int,
) -> tuple[list[Deviation], int]:
    """The deviations the organisation reported or is concerned by, filtered; open ones first
    (flagged for Lex Maria first among them), then the latest reported."""
    query = select(Deviation).where(_of_organisation(organisation_id, box))
    measures = selectinload(Deviation.measures)
    if status:
        query = query.where(Deviation.status == status)
    if category:
        query = query.where(Deviation.category == category)
    if consequence:
        query = query.where(Deviation.consequence == consequence)
    if lex_maria is not None:
        query = query.where(Deviation.lex_maria.is_(lex_maria))
    if pathway:
        query = query.where(Deviation.pathway == pathway)
    if patient_id:
        query = query.where(Deviation.patient_id == patient_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    closed = Deviation.status == "closed"
    rows = session.scalars(
        query.options(measures)
        .order_by(
            closed,
            Deviation.lex_maria.desc(),
            Deviation.created_at.desc(),
            Deviation.id,
        )
        .limit(limit)
        .offset(offset)
    )
    return list(rows), total


def of_patient(
    session: Session, patient_id: uuid.UUID, organisation_id: uuid.UUID, *, limit: int = 20
) -> list[Deviation]:
    """The patient's deviations the organisation reported or is concerned by, latest first."""
    return list(
        session.scalars(
            select(Deviation)
            .options(selectinload(Deviation.measures))
            .where(Deviation.patient_id == patient_id, _of_organisation(organisation_id, None))
            .order_by(Deviation.created_at.desc(), Deviation.id)
            .limit(limit)
        )
    )


def facts(
    session: Session,
    *,
    start: datetime | None,
    end: datetime | None,
    pathway: str | None,
    organisation_id: uuid.UUID | None,
    category: str | None,
) -> list[tuple[str | None, str, str, str, str, bool, datetime, datetime | None]]:
    """What the summaries count, per deviation reported in [start, end): pathway, the
    concerned organisation's code, category, status, consequence, flagged, reported and
    closed times. No patient."""
    query = select(
        Deviation.pathway,
        Organisation.code,
        Deviation.category,
        Deviation.status,
        Deviation.consequence,
        Deviation.lex_maria,
        Deviation.created_at,
        Deviation.closed_at,
    ).join(Organisation, Organisation.id == Deviation.concerned_organisation_id)
    where = []
    if start is not None:
        where.append(Deviation.created_at >= start)
    if end is not None:
        where.append(Deviation.created_at < end)
    if pathway:
        where.append(Deviation.pathway == pathway)
    if organisation_id:
        where.append(
            or_(
                Deviation.concerned_organisation_id == organisation_id,
                Deviation.reporter_organisation_id == organisation_id,
            )
        )
    if category:
        where.append(Deviation.category == category)
    if where:
        query = query.where(and_(*where))
    return [tuple(r) for r in session.execute(query).tuples()]  # type: ignore[misc]


def organisation_names(session: Session) -> dict[str, str]:
    """Every organisation's name by its code."""
    return dict(session.execute(select(Organisation.code, Organisation.name)).tuples().all())


def all_organisations(session: Session) -> list[Organisation]:
    return list(session.scalars(select(Organisation).order_by(Organisation.name)))


def patient_named(session: Session, given_name: str, family_name: str) -> Patient | None:
    """A patient by name (the demo's)."""
    return session.scalar(
        select(Patient).where(Patient.given_name == given_name, Patient.family_name == family_name)
    )


def open_episode_of(session: Session, patient_id: uuid.UUID) -> Episode | None:
    return session.scalar(
        select(Episode)
        .where(Episode.patient_id == patient_id, Episode.ended_at.is_(None))
        .order_by(Episode.created_at.desc())
        .limit(1)
    )
