"""Patients (FHIR Patient) and emergency access to their records."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from samband.kit.folding import fold
from samband.models.base import Base, CreatedMixin, IdMixin


class Patient(IdMixin, CreatedMixin, Base):
    __tablename__ = "patients"

    # 12 digits, YYYYMMDDNNNC
    personnummer: Mapped[str] = mapped_column(String(12), unique=True)
    identifier_kind: Mapped[str] = mapped_column(String(20))  # personnummer | samordningsnummer
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    street_address: Mapped[str | None] = mapped_column(String(200))
    postal_code: Mapped[str | None] = mapped_column(String(10))
    city: Mapped[str | None] = mapped_column(String(100))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    phone: Mapped[str | None] = mapped_column(String(40))
    # [{"name": ..., "relation": ..., "phone": ...}]
    next_of_kin: Mapped[list[Any]] = mapped_column(default=list)
    listed_primary_care_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id"))
    # the fixed physician (patientansvarig läkare) and the fixed care contact (fast
    # vårdkontakt): on the patient, outlasting episodes; every change is a PatientAssignment
    fixed_physician_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    fixed_care_contact_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    home_municipality: Mapped[str | None] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(10), default="sv")
    interpreter_needed: Mapped[bool] = mapped_column(default=False)
    what_matters: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    updated_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime | None]
    # "given family" without accents and case, for the search ("strom" finds Ström); kept
    # up to date on every insert and update (below)
    search_name: Mapped[str] = mapped_column(String(201), default="", server_default="")

    @property
    def birth_date(self) -> date:
        day = int(self.personnummer[6:8])
        return date(int(self.personnummer[:4]), int(self.personnummer[4:6]), day % 60 or 60)


@event.listens_for(Patient, "before_insert")
@event.listens_for(Patient, "before_update")
def _fold_name(_mapper: Any, _connection: Any, patient: Patient) -> None:
    patient.search_name = fold(f"{patient.given_name or ''} {patient.family_name or ''}")


class PatientRegistration(IdMixin, CreatedMixin, Base):
    """An organisation registered or looked up the patient to start care: a provisional care
    relationship for a limited time, until an episode makes it a full one
    (docs/decisions/0003-care-relationship.md)."""

    __tablename__ = "patient_registrations"

    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))


class EmergencyAccess(IdMixin, CreatedMixin, Base):
    """Nödåtkomst: a user reads a patient outside a care relationship, with a written reason."""

    __tablename__ = "emergency_accesses"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime]
    reviewed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None]
    review_note: Mapped[str | None] = mapped_column(Text)


class RecordBlock(IdMixin, CreatedMixin, Base):
    """Spärr: the patient blocks one organisation's documentation from every other
    organisation (patientdatalagen 4 kap. 4 §, 6 kap. 2 §). It holds everywhere until the patient
    has it lifted through the blocking organisation; only emergency access overrides it, and
    every override is reviewed (docs/decisions/0010)."""

    __tablename__ = "record_blocks"

    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id"), index=True)
    # whose documentation is blocked from the others
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    lifted_at: Mapped[datetime | None]
    lifted_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    lift_reason: Mapped[str | None] = mapped_column(Text)
