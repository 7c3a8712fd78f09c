"""Every query of the access log, its review marks and of emergency accesses. Nothing here
updates or deletes an audit event: the log is append-only (AccessLog.write adds to it); a
review mark is a row of its own (audit_reviews).

Every query an auditor makes is limited to one care provider (``scope``): the events made by
users of the care provider's organisations, and the rows the system wrote (no actor) about an
account of one of them (``samband users add``). Rows without an organisation otherwise (a
failed login of an unknown username, other system runs) belong to no care provider and are
shown to no auditor (docs/architecture.md, "The access log per care provider").
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, String, and_, cast, func, or_, select
from sqlalchemy.orm import Session

from samband.models import (
    AuditEvent,
    AuditReview,
    EmergencyAccess,
    Organisation,
    Patient,
    Unit,
    User,
)
from samband.organisations.repository import CareProvider, in_care_provider

# The resource type of the auditor's own look at a patient's log: not an access to the
# record, so neither in the patient's extract nor in the review sample.
AUDIT_LOG = "audit_log"
# The resource type of account changes (organisations.service.USER).
USER = "user"

# What each list of rows to review holds: (action, resource_type or None, emergency or None).
FLAGGED = {
    "relationship_start": ("relationship_start", "care_relationship", None),
    "block_override": ("block_override", None, True),
}


@dataclass(frozen=True)
class EventFilter:
    username: str | None = None
    user_id: uuid.UUID | None = None
    patient_id: uuid.UUID | None = None
    unit_code: str | None = None
    organisation_code: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    allowed: bool | None = None
    emergency: bool | None = None


def _hex(column: Any) -> ColumnElement[str]:
    """An id as 32 hex digits whatever its form (PostgreSQL's uuid text has hyphens, SQLite
    stores none; resource ids are written with them)."""
    return func.replace(column, "-", "")


def in_scope(provider: CareProvider) -> ColumnElement[bool]:
    """SQL condition: the event belongs to the care provider's log."""
    accounts = select(_hex(cast(User.id, String))).where(
        in_care_provider(User.organisation_id, provider)
    )
    return or_(
        in_care_provider(AuditEvent.organisation_id, provider),
        and_(
            AuditEvent.organisation_id.is_(None),
            AuditEvent.resource_type == USER,
            _hex(AuditEvent.resource_id).in_(accounts),
        ),
    )


def _filtered(f: EventFilter, scope: CareProvider) -> Select[AuditEvent]:
    query = select(AuditEvent).where(in_scope(scope))
    if f.username is not None:
        query = query.where(AuditEvent.username == f.username)
    if f.user_id is not None:
        query = query.where(AuditEvent.user_id == f.user_id)
    if f.patient_id is not None:
        query = query.where(AuditEvent.patient_id == f.patient_id)
    if f.unit_code is not None:
        query = query.where(AuditEvent.unit_code == f.unit_code)
    if f.organisation_code is not None:
        query = query.where(AuditEvent.organisation_code == f.organisation_code)
    if f.since is not None:
        query = query.where(AuditEvent.at >= f.since)
    if f.until is not None:
        query = query.where(AuditEvent.at < f.until)
    if f.allowed is not None:
        query = query.where(AuditEvent.allowed.is_(f.allowed))
    if f.emergency is not None:
        query = query.where(AuditEvent.emergency.is_(f.emergency))
    return query


def search(
    session: Session, f: EventFilter, *, scope: CareProvider, limit: int, offset: int
) -> tuple[list[AuditEvent], int]:
    """Newest first."""
    query = _filtered(f, scope)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(AuditEvent.at.desc(), AuditEvent.id).limit(limit).offset(offset)
    )
    return list(rows), total


def get(session: Session, event_id: uuid.UUID) -> AuditEvent | None:
    return session.get(AuditEvent, event_id)


def get_in_scope(
    session: Session, event_id: uuid.UUID, *, scope: CareProvider
) -> AuditEvent | None:
    return session.scalar(select(AuditEvent).where(AuditEvent.id == event_id, in_scope(scope)))


def get_patient(session: Session, patient_id: uuid.UUID) -> Patient | None:
    return session.get(Patient, patient_id)


def get_patient_by_personnummer(session: Session, digits: str) -> Patient | None:
    return session.scalar(select(Patient).where(Patient.personnummer == digits))


def personnummer_of(session: Session, patient_ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not patient_ids:
        return {}
    rows = session.execute(
        select(Patient.id, Patient.personnummer).where(Patient.id.in_(sorted(patient_ids)))
    )
    return {patient_id: digits for patient_id, digits in rows.tuples()}


def has_events(session: Session, patient_id: uuid.UUID, *, scope: CareProvider) -> bool:
    """Whether the care provider's log holds any access (or attempt) to the patient's data
    (the auditor's own looks at the log do not count)."""
    return (
        session.scalar(
            select(AuditEvent.id)
            .where(
                AuditEvent.patient_id == patient_id,
                AuditEvent.resource_type != AUDIT_LOG,
                in_scope(scope),
            )
            .limit(1)
        )
        is not None
    )


def extract(
    session: Session, patient_id: uuid.UUID, *, scope: CareProvider
) -> list[tuple[AuditEvent, str | None, str | None]]:
    """The patient's allowed accesses to their data by the care provider's organisations,
    oldest first, with organisation and unit names."""
    rows = session.execute(
        select(AuditEvent, Organisation.name, Unit.name)
        .outerjoin(Organisation, Organisation.id == AuditEvent.organisation_id)
        .outerjoin(Unit, Unit.id == AuditEvent.unit_id)
        .where(
            AuditEvent.patient_id == patient_id,
            AuditEvent.allowed.is_(True),
            AuditEvent.resource_type != AUDIT_LOG,
            in_scope(scope),
        )
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    return [(event, org_name, unit_name) for event, org_name, unit_name in rows.tuples()]


def sample_population(
    session: Session,
    *,
    since: datetime | None,
    until: datetime | None,
    scope: CareProvider | None,
) -> list[uuid.UUID]:
    """Ids of allowed accesses to patient data (not audit-log reads) in the period, in a stable
    order; of one care provider's log, or of the whole log (``scope`` None: the system)."""
    query = select(AuditEvent.id).where(
        AuditEvent.allowed.is_(True),
        AuditEvent.patient_id.is_not(None),
        AuditEvent.resource_type != AUDIT_LOG,
    )
    if scope is not None:
        query = query.where(in_scope(scope))
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    if until is not None:
        query = query.where(AuditEvent.at < until)
    return list(session.scalars(query.order_by(AuditEvent.at, AuditEvent.id)))


def events_by_ids(session: Session, ids: list[uuid.UUID]) -> list[AuditEvent]:
    if not ids:
        return []
    return list(
        session.scalars(
            select(AuditEvent).where(AuditEvent.id.in_(ids)).order_by(AuditEvent.at, AuditEvent.id)
        )
    )


# -- review marks ---------------------------------------------------------------------------


def _flagged_clause(kind: str) -> ColumnElement[bool]:
    action, resource_type, emergency = FLAGGED[kind]
    conditions = [AuditEvent.action == action, AuditEvent.allowed.is_(True)]
    if resource_type is not None:
        conditions.append(AuditEvent.resource_type == resource_type)
    if emergency is not None:
        conditions.append(AuditEvent.emergency.is_(emergency))
    return and_(*conditions)


def flagged(
    session: Session,
    kind: str,
    *,
    scope: CareProvider,
    reviewed: bool | None,
    limit: int,
    offset: int,
) -> tuple[list[tuple[AuditEvent, AuditReview | None]], int]:
    """The care provider's rows to review of one kind (a new care relationship, an overridden
    block), newest first, each with its review mark if it has one."""
    query = (
        select(AuditEvent, AuditReview)
        .outerjoin(AuditReview, AuditReview.event_id == AuditEvent.id)
        .where(_flagged_clause(kind), in_scope(scope))
    )
    if reviewed is True:
        query = query.where(AuditReview.id.is_not(None))
    elif reviewed is False:
        query = query.where(AuditReview.id.is_(None))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(
        query.order_by(AuditEvent.at.desc(), AuditEvent.id).limit(limit).offset(offset)
    )
    return [(event, review) for event, review in rows.tuples()], total


def kind_of(event: AuditEvent) -> str:
    """Which list an event is reviewed from: a flagged kind, or the random sample."""
    for kind, (action, resource_type, emergency) in FLAGGED.items():
        if (
            event.action == action
            and (resource_type is None or event.resource_type == resource_type)
            and (emergency is None or event.emergency is emergency)
        ):
            return kind
    return "sample"


def reviews_of(session: Session, event_ids: list[uuid.UUID]) -> dict[uuid.UUID, AuditReview]:
    if not event_ids:
        return {}
    rows = session.scalars(select(AuditReview).where(AuditReview.event_id.in_(event_ids)))
    return {review.event_id: review for review in rows}


def review_of(session: Session, event_id: uuid.UUID) -> AuditReview | None:
    return session.scalar(select(AuditReview).where(AuditReview.event_id == event_id))


def add_review(session: Session, review: AuditReview) -> None:
    session.add(review)
    session.flush()


def usernames(session: Session, user_ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not user_ids:
        return {}
    rows = session.execute(select(User.id, User.username).where(User.id.in_(sorted(user_ids))))
    return {user_id: name for user_id, name in rows.tuples()}


# -- emergency accesses ---------------------------------------------------------------------


def emergency_accesses(
    session: Session,
    *,
    scope: CareProvider,
    unreviewed: bool | None,
    limit: int,
    offset: int,
) -> tuple[list[tuple[EmergencyAccess, User, str]], int]:
    """The emergency accesses of the care provider's users, newest first, with the user and
    their organisation's code."""
    query = (
        select(EmergencyAccess, User, Organisation.code)
        .join(User, User.id == EmergencyAccess.user_id)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(in_care_provider(User.organisation_id, scope))
    )
    if unreviewed is True:
        query = query.where(EmergencyAccess.reviewed_at.is_(None))
    elif unreviewed is False:
        query = query.where(EmergencyAccess.reviewed_at.is_not(None))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(
        query.order_by(EmergencyAccess.created_at.desc(), EmergencyAccess.id)
        .limit(limit)
        .offset(offset)
    )
    return [(access, user, code) for access, user, code in rows.tuples()], total


def emergency_access_for_update(session: Session, access_id: uuid.UUID) -> EmergencyAccess | None:
    return session.scalar(
        select(EmergencyAccess)
        .where(EmergencyAccess.id == access_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def user_with_organisation(
    session: Session, user_id: uuid.UUID
) -> tuple[User, str, CareProvider] | None:
    row = session.execute(
        select(User, Organisation.code, Organisation.authority_kind, Organisation.authority_name)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(User.id == user_id)
    ).first()
    return None if row is None else (row[0], row[1], CareProvider(row[2], row[3]))
