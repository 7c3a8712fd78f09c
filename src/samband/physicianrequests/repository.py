"""Every query of physician requests, and the few rows of other domains they read or write."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session, joinedload

from samband.episodes.states import OPEN_STATES
from samband.models import (
    Episode,
    EpisodeParticipant,
    ObservationSet,
    Organisation,
    Patient,
    PhysicianRequest,
    Unit,
    User,
    Visit,
)
from samband.security.repository import Visibility, access_to_patient, visible_patients_clause

OPEN = "open"


def get(session: Session, request_id: uuid.UUID) -> PhysicianRequest | None:
    return session.get(PhysicianRequest, request_id)


def get_for_update(session: Session, request_id: uuid.UUID) -> PhysicianRequest | None:
    return session.scalar(
        select(PhysicianRequest)
        .where(PhysicianRequest.id == request_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def add(session: Session, thing: object) -> None:
    session.add(thing)
    session.flush()


def patient(session: Session, patient_id: uuid.UUID) -> Patient | None:
    return session.get(Patient, patient_id)


def patients(session: Session, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Patient]:
    if not ids:
        return {}
    return {p.id: p for p in session.scalars(select(Patient).where(Patient.id.in_(set(ids))))}


def user(session: Session, user_id: uuid.UUID) -> User | None:
    return session.get(User, user_id, options=[joinedload(User.organisation)])


def users(session: Session, ids: Collection[uuid.UUID | None]) -> dict[uuid.UUID, User]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(wanted)))}


def organisation(session: Session, organisation_id: uuid.UUID) -> Organisation | None:
    return session.get(Organisation, organisation_id)


def organisation_by_code(session: Session, code: str) -> Organisation | None:
    return session.scalar(select(Organisation).where(Organisation.code == code))


def unit(session: Session, unit_id: uuid.UUID) -> Unit | None:
    return session.get(Unit, unit_id)


def visit(session: Session, visit_id: uuid.UUID) -> Visit | None:
    return session.get(Visit, visit_id)


def episode(session: Session, episode_id: uuid.UUID) -> Episode | None:
    return session.get(Episode, episode_id)


def open_episodes(session: Session, patient_id: uuid.UUID) -> list[Episode]:
    """The patient's open episodes (an enrolment and/or a hospital-at-home episode)."""
    return list(
        session.scalars(
            select(Episode)
            .where(
                Episode.patient_id == patient_id,
                Episode.state.in_(sorted(s.value for s in OPEN_STATES)),
            )
            .order_by(Episode.created_at, Episode.id)
        )
    )


def participant_organisations(session: Session, episode_id: uuid.UUID) -> set[uuid.UUID]:
    return set(
        session.scalars(
            select(EpisodeParticipant.organisation_id).where(
                EpisodeParticipant.episode_id == episode_id
            )
        )
    )


def latest_observation(session: Session, patient_id: uuid.UUID) -> ObservationSet | None:
    """The patient's latest vital signs (not a set entered in error)."""
    return session.scalar(
        select(ObservationSet)
        .where(
            ObservationSet.patient_id == patient_id,
            ObservationSet.status != "entered_in_error",
        )
        .order_by(ObservationSet.measured_at.desc(), ObservationSet.created_at.desc())
        .limit(1)
    )


def related(
    session: Session,
    patient_id: uuid.UUID,
    *,
    organisation_id: uuid.UUID,
    care_provider: str,
    user_id: uuid.UUID,
    now: datetime,
    days_after_end: int,
) -> bool:
    """A care relationship (or emergency access) with the patient: the check without the
    logging (``can_see``)."""
    _exists, through_care, emergency = access_to_patient(
        session,
        patient_id,
        organisation_id=organisation_id,
        care_provider=care_provider,
        user_id=user_id,
        now=now,
        days_after_end=days_after_end,
    )
    return through_care or emergency


def _seen_by(visibility: Visibility) -> ColumnElement[bool]:
    """Requests the caller may see in a list: routed, forwarded or answered by them, or of
    a patient they have a care relationship with. (One routed to them before and escalated
    away since shows when opened: ``service.can_see`` reads the history.)"""
    me = visibility.user_id
    return or_(
        PhysicianRequest.routed_to_user_id == me,
        PhysicianRequest.forwarded_to_id == me,
        PhysicianRequest.answered_by_id == me,
        visible_patients_clause(PhysicianRequest.patient_id, visibility),
    )


def search(
    session: Session,
    visibility: Visibility,
    *,
    box: str | None,
    status: str | None,
    patient_id: uuid.UUID | None,
    now: datetime,
    limit: int,
    offset: int,
) -> tuple[list[PhysicianRequest], int]:
    """The caller's boxes: ``inbox`` (routed to them, or to their organisation's
    physicians), ``sent`` (asked by their organisation), ``overdue`` (open past the limit,
    to or from them or their organisation); None: inbox and sent. Overdue first, then the
    caller's own, then by the limit."""
    me, organisation_id = visibility.user_id, visibility.organisation_id
    inbox = or_(
        PhysicianRequest.routed_to_user_id == me,
        PhysicianRequest.physician_organisation_id == organisation_id,
    )
    sent = or_(
        PhysicianRequest.asked_by_id == me,
        PhysicianRequest.asking_organisation_id == organisation_id,
    )
    overdue = and_(PhysicianRequest.status == OPEN, PhysicianRequest.due_at < now)
    if box == "inbox":
        where: ColumnElement[bool] = inbox
    elif box == "sent":
        where = sent
    elif box == "overdue":
        where = and_(overdue, or_(inbox, sent))
    else:
        where = or_(inbox, sent)
    query = select(PhysicianRequest).where(where, _seen_by(visibility))
    if status:
        query = query.where(PhysicianRequest.status == status)
    if patient_id:
        query = query.where(PhysicianRequest.patient_id == patient_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    mine = or_(PhysicianRequest.routed_to_user_id == me, PhysicianRequest.asked_by_id == me)
    rows = session.scalars(
        query.order_by(
            case((overdue, 0), else_=1),
            case((PhysicianRequest.status == OPEN, 0), else_=1),
            case((mine, 0), else_=1),
            case((PhysicianRequest.status == OPEN, PhysicianRequest.due_at), else_=None),
            PhysicianRequest.created_at.desc(),
            PhysicianRequest.id,
        )
        .limit(limit)
        .offset(offset)
    )
    return list(rows), total


def counts(session: Session, visibility: Visibility, *, now: datetime) -> tuple[int, int]:
    """(open, overdue) requests routed to the caller or asked by them: the navigation's
    numbers."""
    me = visibility.user_id
    query = select(
        func.count(),
        func.coalesce(func.sum(case((PhysicianRequest.due_at < now, 1), else_=0)), 0),
    ).where(
        PhysicianRequest.status == OPEN,
        or_(PhysicianRequest.routed_to_user_id == me, PhysicianRequest.asked_by_id == me),
    )
    row = session.execute(query).one()
    return int(row[0] or 0), int(row[1] or 0)


def overdue_for_overview(
    session: Session, visibility: Visibility, *, now: datetime, limit: int
) -> list[PhysicianRequest]:
    """Open requests past their limit, to or from the caller's organisation (or the caller),
    that the caller may see: the overview's list, oldest limit first."""
    me, organisation_id = visibility.user_id, visibility.organisation_id
    return list(
        session.scalars(
            select(PhysicianRequest)
            .where(
                PhysicianRequest.status == OPEN,
                PhysicianRequest.due_at < now,
                or_(
                    PhysicianRequest.routed_to_user_id == me,
                    PhysicianRequest.asked_by_id == me,
                    PhysicianRequest.asking_organisation_id == organisation_id,
                    PhysicianRequest.physician_organisation_id == organisation_id,
                ),
                _seen_by(visibility),
            )
            .order_by(PhysicianRequest.due_at, PhysicianRequest.id)
            .limit(limit)
        )
    )


def open_past_due(session: Session, now: datetime) -> list[PhysicianRequest]:
    """Open requests past their limit, locked (escalation; PostgreSQL skips rows another
    process holds)."""
    return list(
        session.scalars(
            select(PhysicianRequest)
            .where(PhysicianRequest.status == OPEN, PhysicianRequest.due_at <= now)
            .order_by(PhysicianRequest.due_at, PhysicianRequest.id)
            .with_for_update(skip_locked=True)
        )
    )


def physicians(session: Session) -> list[User]:
    """Every active physician account, by name (whom a request can be forwarded to)."""
    return list(
        session.scalars(
            select(User)
            .options(joinedload(User.organisation))
            .where(User.role == "physician", User.active.is_(True))
            .order_by(User.full_name, User.id)
        )
    )
