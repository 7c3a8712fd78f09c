"""Every query of the access log and of emergency accesses. Nothing here updates or deletes
an audit event: the log is append-only (AccessLog.write adds to it)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from samband.models import AuditEvent, EmergencyAccess, Organisation, Patient, Unit, User

# The resource type of the auditor's own look at a patient's log: not an access to the
# record, so neither in the patient's extract nor in the review sample.
AUDIT_LOG = "audit_log"


@dataclass(frozen=True)
class EventFilter:
    username: str | None = None
    user_id: uuid.UUID | None = None
    patient_id: uuid.UUID | None = None
    since: datetime | None = None
    until: datetime | None = None
    allowed: bool | None = None
    emergency: bool | None = None


def _filtered(f: EventFilter) -> Select[AuditEvent]:
    query = select(AuditEvent)
    if f.username is not None:
        query = query.where(AuditEvent.username == f.username)
    if f.user_id is not None:
        query = query.where(AuditEvent.user_id == f.user_id)
    if f.patient_id is not None:
        query = query.where(AuditEvent.patient_id == f.patient_id)
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
    session: Session, f: EventFilter, *, limit: int, offset: int
) -> tuple[list[AuditEvent], int]:
    """Newest first."""
    query = _filtered(f)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(AuditEvent.at.desc(), AuditEvent.id).limit(limit).offset(offset)
    )
    return list(rows), total


def get(session: Session, event_id: uuid.UUID) -> AuditEvent | None:
    return session.get(AuditEvent, event_id)


def get_patient(session: Session, patient_id: uuid.UUID) -> Patient | None:
    return session.get(Patient, patient_id)


def get_patient_by_personnummer(session: Session, digits: str) -> Patient | None:
    return session.scalar(select(Patient).where(Patient.personnummer == digits))


def extract(
    session: Session, patient_id: uuid.UUID
) -> list[tuple[AuditEvent, str | None, str | None]]:
    """The patient's allowed accesses to their data, oldest first, with organisation and unit
    names."""
    rows = session.execute(
        select(AuditEvent, Organisation.name, Unit.name)
        .outerjoin(Organisation, Organisation.id == AuditEvent.organisation_id)
        .outerjoin(Unit, Unit.id == AuditEvent.unit_id)
        .where(
            AuditEvent.patient_id == patient_id,
            AuditEvent.allowed.is_(True),
            AuditEvent.resource_type != AUDIT_LOG,
        )
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    return [(event, org_name, unit_name) for event, org_name, unit_name in rows.tuples()]


def sample_population(
    session: Session, *, since: datetime | None, until: datetime | None
) -> list[uuid.UUID]:
    """Ids of allowed accesses to patient data (not audit-log reads) in the period, in a stable
    order."""
    query = select(AuditEvent.id).where(
        AuditEvent.allowed.is_(True),
        AuditEvent.patient_id.is_not(None),
        AuditEvent.resource_type != AUDIT_LOG,
    )
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


def emergency_accesses(
    session: Session, *, unreviewed: bool | None, limit: int, offset: int
) -> tuple[list[tuple[EmergencyAccess, User, str]], int]:
    """Newest first, with the user and their organisation's code."""
    query = (
        select(EmergencyAccess, User, Organisation.code)
        .join(User, User.id == EmergencyAccess.user_id)
        .join(Organisation, Organisation.id == User.organisation_id)
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


def user_with_organisation(session: Session, user_id: uuid.UUID) -> tuple[User, str] | None:
    row = session.execute(
        select(User, Organisation.code)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(User.id == user_id)
    ).first()
    return None if row is None else (row[0], row[1])
