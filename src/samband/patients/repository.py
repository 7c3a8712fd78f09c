"""Every query of patients."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from samband.kit.folding import fold
from samband.models import EmergencyAccess, Organisation, Patient, PatientRegistration, RecordBlock
from samband.security.repository import Visibility, visible_patients_clause


def get(session: Session, patient_id: uuid.UUID) -> Patient | None:
    return session.get(Patient, patient_id)


def get_by_personnummer(session: Session, digits: str) -> Patient | None:
    return session.scalar(select(Patient).where(Patient.personnummer == digits))


def search_terms(text: str) -> tuple[list[str], str]:
    """The words of a search (folded) and the digits of a personnummer in it: a word with a
    letter is part of a name; the digits of the other words, together, part of the number
    (a personnummer is typed with or without the century, a dash, a plus or spaces)."""
    words: list[str] = []
    digits = ""
    for word in fold(text).split():
        if any(ch.isalpha() for ch in word):
            words.append(word)
        else:
            digits += "".join(ch for ch in word if "0" <= ch <= "9")
    return words, digits


def search(
    session: Session, visibility: Visibility, *, text: str | None, limit: int, offset: int
) -> tuple[list[Patient], int]:
    query = select(Patient).where(visible_patients_clause(Patient.id, visibility, record=False))
    if text:
        words, digits = search_terms(text)
        # every word is part of the name (without accents and case: "strom" finds Ström);
        # the digits, however written (19680314-9829, 680314 9829), part of the personnummer
        for word in words:
            query = query.where(Patient.search_name.contains(word, autoescape=True))
        if digits:
            query = query.where(Patient.personnummer.contains(digits, autoescape=True))
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
