"""Medication administration (digital signing of doses), issue 14.

- ``ScheduledDose``: one dose of the medication list to give at a time (materialised for
  today and tomorrow from the medication's schedule); cancelled, never deleted, when the
  physician changes or stops the medication.
- ``DoseAdministration``: one signature (FHIR MedicationAdministration): a scheduled dose
  given, not given or partly given, or an as-needed dose with its effect followed up. A
  signature is never changed: a wrong one is marked entered in error (with the reason) and
  the dose may be signed again.
- ``MedicationDelegation``: a registered nurse's delegation to an assistant nurse to give
  medications of some routes (or some medications) until a date.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from samband.models.base import Base, CreatedMixin, IdMixin

_NOT_CANCELLED = text("status != 'cancelled'")
_VALID = text("status = 'valid'")


class ScheduledDose(IdMixin, CreatedMixin, Base):
    __tablename__ = "scheduled_doses"
    __table_args__ = (
        # one live dose per medication and time (a cancelled one may be replaced)
        Index(
            "ix_scheduled_doses_one_per_time",
            "medication_id",
            "due_at",
            unique=True,
            sqlite_where=_NOT_CANCELLED,
            postgresql_where=_NOT_CANCELLED,
        ),
        Index("ix_scheduled_doses_episode_day", "episode_id", "local_date"),
        Index("ix_scheduled_doses_window_end", "window_end"),
    )

    episode_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("episodes.id"))
    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id"), index=True)
    medication_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("medications.id"), index=True)
    local_date: Mapped[date] = mapped_column(Date)  # the signing list's day (Europe/Stockholm)
    due_at: Mapped[datetime]
    window_start: Mapped[datetime]
    window_end: Mapped[datetime]  # not signed by then: an unsigned_dose alert
    # the order as it was when the dose was made
    drug: Mapped[str] = mapped_column(String(200))
    dose: Mapped[str] = mapped_column(String(100))
    route: Mapped[str] = mapped_column(String(40))
    given_by: Mapped[str] = mapped_column(String(40))
    by_staff: Mapped[bool] = mapped_column(Boolean)  # False: the patient / next of kin give it
    status: Mapped[str] = mapped_column(String(20))  # planned | cancelled
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    alert_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("alerts.id"))
    alerted_at: Mapped[datetime | None]


class DoseAdministration(IdMixin, CreatedMixin, Base):
    __tablename__ = "dose_administrations"
    __table_args__ = (
        # one valid signature per scheduled dose (signing twice: 409)
        Index(
            "ix_dose_administrations_one_valid",
            "scheduled_dose_id",
            unique=True,
            sqlite_where=_VALID,
            postgresql_where=_VALID,
        ),
        Index("ix_dose_administrations_episode_given", "episode_id", "given_at"),
    )

    episode_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("episodes.id"))
    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id"), index=True)
    medication_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("medications.id"), index=True)
    scheduled_dose_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("scheduled_doses.id"))
    kind: Mapped[str] = mapped_column(String(20))  # scheduled | as_needed
    outcome: Mapped[str] = mapped_column(String(20))  # given | not_given | partly_given
    status: Mapped[str] = mapped_column(String(20))  # valid | entered_in_error
    given_at: Mapped[datetime]
    drug: Mapped[str] = mapped_column(String(200))
    dose: Mapped[str] = mapped_column(String(100))  # the ordered dose
    route: Mapped[str] = mapped_column(String(40))
    amount: Mapped[str | None] = mapped_column(String(100))  # partly given / as needed: given
    reason: Mapped[str | None] = mapped_column(String(40))  # not / partly given: from a list
    note: Mapped[str | None] = mapped_column(Text)
    indication: Mapped[str | None] = mapped_column(Text)  # as needed: why
    source: Mapped[str] = mapped_column(String(10))  # app | paper
    signed_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    entered_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    delegation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("medication_delegations.id"))
    # as needed: the effect to follow up
    followup_due_at: Mapped[datetime | None]
    followup_effect: Mapped[str | None] = mapped_column(String(20))  # good | partial | none
    followup_note: Mapped[str | None] = mapped_column(Text)
    followup_at: Mapped[datetime | None]
    followup_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    followup_alerted_at: Mapped[datetime | None]
    error_reason: Mapped[str | None] = mapped_column(Text)
    error_at: Mapped[datetime | None]
    error_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    history: Mapped[list[Any]] = mapped_column(default=list)


class MedicationDelegation(IdMixin, CreatedMixin, Base):
    __tablename__ = "medication_delegations"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    delegate_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    delegated_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    routes: Mapped[list[Any]] = mapped_column(default=list)  # e.g. ["oral", "sc"]
    medication_ids: Mapped[list[Any]] = mapped_column(default=list)  # or single medications
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    revoke_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
