"""Every query of patients."""

from __future__ import annotations

import uuid

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from samband.models import EmergencyAccess, Organisation, Patient, PatientRegistration, RecordBlock
from samband.security.repository import Visibility, visible_patients_clause


def get(session: Session, patient_id: uuid.UUID) -> Patient | None:
    return session.get(Patient, patient_id)


def get_by_personnummer(session: Session, digits: str) -> Patient | None:
    return session.scalar(select(Patient).where(Patient.personnummer == digits))


def search(
    session: Session, visibility: Visibility, *, text: str | None, limit: int, offset: int
) -> tuple[list[Patient], int]:
    query = select(Patient).where(visible_patients_clause(Patient.id, visibility, record=False))
    if text:
        pattern = f"%{text.lower()}%"
        digits = "".join(ch for ch in text if ch.isdigit())
        conditions = [
            func.lower(Patient.given_name).like(pattern),
            func.lower(Patient.family_name).like(pattern),
        ]
        if digits:
            conditions.append(Patient.personnummer.like(f"%{digits}%"))
        query = query.where(or_(*conditions))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(Patient.family_name, Patient.given_name, Patient.id)
        .limit(limit)
        .offset(offset)
    )
    return list(rows), total


def add(session: Session, patient: Patient) -> None:
    session.add(patient)
    session.flush()


def add_registration(session: Session, registration: PatientRegistration) -> None:
    session.add(registration)


def add_emergency_access(session: Session, access: EmergencyAccess) -> None:
    session.add(access)
    session.flush()


def organisation_kind(session: Session, organisation_id: uuid.UUID) -> str | None:
    return session.scalar(select(Organisation.kind).where(Organisation.id == organisation_id))


def blocks_of(
    session: Session, patient_id: uuid.UUID, organisation_id: uuid.UUID
) -> list[RecordBlock]:
    return list(
        session.scalars(
            select(RecordBlock)
            .where(
                RecordBlock.patient_id == patient_id, RecordBlock.organisation_id == organisation_id
            )
            .order_by(RecordBlock.created_at)
        )
    )


def get_block(session: Session, block_id: uuid.UUID) -> RecordBlock | None:
    return session.get(RecordBlock, block_id)


def add_block(session: Session, block: RecordBlock) -> None:
    session.add(block)
    session.flush()
