"""Every query of message threads, messages and read receipts, and the few rows of other
domains they read (the topic's care request or physician request, people and organisations)."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Text, and_, case, cast, exists, func, or_, select
from sqlalchemy.orm import Session

from samband.db import among, insert_rows
from samband.models import (
    CareRequest,
    Episode,
    EpisodeParticipant,
    Message,
    MessageRead,
    MessageThread,
    Organisation,
    Patient,
    PatientRegistration,
    PhysicianRequest,
    User,
)
from samband.security.repository import (
    Visibility,
    care_relationship_clause,
    visible_episodes_clause,
    visible_patients_clause,
)

# -- threads ------------------------------------------------------------------------------------


def get_thread(session: Session, thread_id: uuid.UUID) -> MessageThread | None:
    return session.get(MessageThread, thread_id)


def find_thread(
    session: Session, patient_id: uuid.UUID, topic: str, topic_id: uuid.UUID
) -> MessageThread | None:
    return session.scalar(
        select(MessageThread).where(
            MessageThread.patient_id == patient_id,
            MessageThread.topic == topic,
            MessageThread.topic_id == topic_id,
        )
    )


def insert_thread_once(
    session: Session,
    *,
    patient_id: uuid.UUID,
    topic: str,
    topic_id: uuid.UUID,
    created_by_id: uuid.UUID,
    now: datetime,
) -> bool:
    """Insert the thread unless one for (patient, topic, topic id) exists: ``ON CONFLICT DO
    NOTHING`` on the unique constraint, so of two first messages sent at once both land in
    the one thread (on PostgreSQL the second insert waits for the first to commit, then
    skips). Returns whether this call made it."""
    made = insert_rows(
        session,
        MessageThread.__table__,  # type: ignore[arg-type]
        [
            {
                "id": uuid.uuid4(),
                "patient_id": patient_id,
                "topic": topic,
                "topic_id": topic_id,
                "created_by_id": created_by_id,
                "created_at": now,
                "last_message_at": None,
            }
        ],
        skip_conflicts_on=("patient_id", "topic", "topic_id"),
        returning="id",
    )
    return bool(made)


def threads_of_patient(session: Session, patient_id: uuid.UUID) -> list[MessageThread]:
    return list(
        session.scalars(
            select(MessageThread)
            .where(MessageThread.patient_id == patient_id)
            .order_by(MessageThread.last_message_at.desc(), MessageThread.created_at)
        )
    )


@dataclass(frozen=True)
class Counts:
    messages: int
    unread: int
    named: int  # messages naming the user


def _names(user_id: uuid.UUID) -> object:
    """SQL: the message names the user among its recipients (ids kept as JSON text: the same
    test on SQLite and PostgreSQL)."""
    return cast(Message.recipients, Text).like(f'%"{user_id}"%')


def _unread_by(user_id: uuid.UUID) -> object:
    read = exists(
        select(MessageRead.id).where(
            MessageRead.message_id == Message.id, MessageRead.user_id == user_id
        )
    )
    return and_(Message.author_id != user_id, ~read)


def counts(
    session: Session, thread_ids: Collection[uuid.UUID], user_id: uuid.UUID
) -> dict[uuid.UUID, Counts]:
    """Per thread: its messages, those the user has not read, those naming the user."""
    if not thread_ids:
        return {}
    rows = session.execute(
        select(
            Message.thread_id,
            func.count(),
            func.sum(case((_unread_by(user_id), 1), else_=0)),  # type: ignore[arg-type]
            func.sum(case((_names(user_id), 1), else_=0)),  # type: ignore[arg-type]
        )
        .where(among(session, Message.thread_id, thread_ids))
        .group_by(Message.thread_id)
    )
    return {
        thread_id: Counts(int(total), int(unread or 0), int(named or 0))
        for thread_id, total, unread, named in rows.tuples()
    }


def inbox(
    session: Session,
    visibility: Visibility,
    user_id: uuid.UUID,
    *,
    topics: Collection[str] | None,
) -> list[tuple[MessageThread, str, str]]:
    """The threads in which a message names the user, of patients the user may see, with the
    patient's given and family name. ``topics``: only threads about these (None: all)."""
    named = select(Message.thread_id).where(_names(user_id))  # type: ignore[arg-type]
    query = (
        select(MessageThread, Patient.given_name, Patient.family_name)
        .join(Patient, Patient.id == MessageThread.patient_id)
        .where(
            MessageThread.id.in_(named),
            visible_patients_clause(MessageThread.patient_id, visibility, record=False),
        )
    )
    if topics is not None:
        query = query.where(MessageThread.topic.in_(sorted(topics)))
    rows = session.execute(query.order_by(MessageThread.last_message_at.desc()).limit(500))
    return [(thread, given, family) for thread, given, family in rows.tuples()]


# -- messages and read receipts -------------------------------------------------------------


def add(session: Session, row: object) -> None:
    session.add(row)
    session.flush()


def messages_of(session: Session, thread_id: uuid.UUID) -> list[Message]:
    return list(
        session.scalars(
            select(Message)
            .where(Message.thread_id == thread_id)
            .order_by(Message.created_at, Message.id)
        )
    )


def reads_of(session: Session, message_ids: Collection[uuid.UUID]) -> list[MessageRead]:
    if not message_ids:
        return []
    return list(
        session.scalars(
            select(MessageRead)
            .where(among(session, MessageRead.message_id, message_ids))
            .order_by(MessageRead.read_at, MessageRead.id)
        )
    )


def mark_read(
    session: Session, message_ids: Collection[uuid.UUID], user_id: uuid.UUID, now: datetime
) -> None:
    """A read receipt for each message the user has not read before (the first read stays:
    a second read, or two at once, changes nothing)."""
    if not message_ids:
        return
    insert_rows(
        session,
        MessageRead.__table__,  # type: ignore[arg-type]
        [
            {"id": uuid.uuid4(), "message_id": m, "user_id": user_id, "read_at": now}
            for m in message_ids
        ],
        skip_conflicts_on=("message_id", "user_id"),
    )
    session.expire_all()


# -- topics ---------------------------------------------------------------------------------


def care_request_of(
    session: Session, request_id: uuid.UUID
) -> tuple[CareRequest, uuid.UUID] | None:
    """The care request and its episode's patient."""
    row = session.execute(
        select(CareRequest, Episode.patient_id)
        .join(Episode, Episode.id == CareRequest.episode_id)
        .where(CareRequest.id == request_id)
    ).first()
    return None if row is None else (row[0], row[1])


def care_requests_of_threads(
    session: Session, request_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, CareRequest]:
    if not request_ids:
        return {}
    found = session.scalars(select(CareRequest).where(among(session, CareRequest.id, request_ids)))
    return {r.id: r for r in found}


def care_requests_of_patient(session: Session, patient_id: uuid.UUID) -> list[CareRequest]:
    return list(
        session.scalars(
            select(CareRequest)
            .join(Episode, Episode.id == CareRequest.episode_id)
            .where(Episode.patient_id == patient_id)
            .order_by(CareRequest.created_at.desc())
        )
    )


def physician_request(session: Session, request_id: uuid.UUID) -> PhysicianRequest | None:
    return session.get(PhysicianRequest, request_id)


def physician_requests_of_patient(
    session: Session, patient_id: uuid.UUID
) -> list[PhysicianRequest]:
    return list(
        session.scalars(
            select(PhysicianRequest)
            .where(PhysicianRequest.patient_id == patient_id)
            .order_by(PhysicianRequest.created_at.desc())
        )
    )


def visible_episode_ids(
    session: Session,
    visibility: Visibility,
    episode_ids: Collection[uuid.UUID],
    *,
    record: bool,
) -> set[uuid.UUID]:
    """Of these episodes, those the caller may read (decision 0010); ``record``: their
    medical record, which municipal home care (social services) never reads."""
    if not episode_ids:
        return set()
    return set(
        session.scalars(
            select(Episode.id).where(
                among(session, Episode.id, episode_ids),
                visible_episodes_clause(Episode.id, visibility, record=record),
            )
        )
    )


# -- people and organisations ---------------------------------------------------------------


def users(session: Session, user_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, User]:
    if not user_ids:
        return {}
    return {u.id: u for u in session.scalars(select(User).where(among(session, User.id, user_ids)))}


def organisations(
    session: Session, organisation_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, Organisation]:
    if not organisation_ids:
        return {}
    found = session.scalars(
        select(Organisation).where(among(session, Organisation.id, organisation_ids))
    )
    return {o.id: o for o in found}


def candidate_organisations(session: Session, patient_id: uuid.UUID) -> list[Organisation]:
    """Organisations that take part in one of the patient's episodes or registered the patient:
    those that may have a care relationship with the patient (``related_organisations``
    decides)."""
    taking_part = (
        select(EpisodeParticipant.organisation_id)
        .join(Episode, Episode.id == EpisodeParticipant.episode_id)
        .where(Episode.patient_id == patient_id)
    )
    registered = select(PatientRegistration.organisation_id).where(
        PatientRegistration.patient_id == patient_id
    )
    return list(
        session.scalars(
            select(Organisation)
            .where(or_(Organisation.id.in_(taking_part), Organisation.id.in_(registered)))
            .order_by(Organisation.name)
        )
    )


def related_organisations(
    session: Session,
    patient_id: uuid.UUID,
    organisations: list[Organisation],
    *,
    care_providers: dict[uuid.UUID, str],
    now: datetime,
    days_after_end: int,
) -> set[uuid.UUID]:
    """Of these organisations, those with a care relationship with the patient now (the rule
    of ``security.repository.care_relationship_clause``), in one query."""
    if not organisations:
        return set()
    columns = [
        care_relationship_clause(
            patient_id,
            organisation_id=o.id,
            care_provider=care_providers[o.id],
            now=now,
            days_after_end=days_after_end,
        )
        for o in organisations
    ]
    row = session.execute(select(*columns)).one()
    return {o.id for o, related in zip(organisations, row, strict=True) if related}


def staff_of(session: Session, organisation_ids: Collection[uuid.UUID]) -> list[User]:
    """The active users of these organisations, by name."""
    if not organisation_ids:
        return []
    return list(
        session.scalars(
            select(User)
            .where(among(session, User.organisation_id, organisation_ids), User.active.is_(True))
            .order_by(User.full_name, User.username)
        )
    )
