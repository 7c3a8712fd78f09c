"""Palliative care at home: symptom assessments (ESAS-r), expected death, next of kin
follow-up (issue 14).

- ``SymptomAssessment``: one ESAS-r assessment (nine items 0-10, an optional other problem),
  its total (0-90) and who assessed (the patient, the next of kin, staff-assisted). Never
  changed: a wrong one is marked entered in error.
- ``ExpectedDeath``: the physician's documented decision that death is expected (the
  *brytpunktssamtal*: held when, with whom; no resuscitation, no hospital transfer), and, at
  death, the time, who confirmed it, the care after death and the next of kin's follow-up
  conversation (*efterlevandesamtal*). One per episode.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from samband.models.base import Base, CreatedMixin, IdMixin


class SymptomAssessment(IdMixin, CreatedMixin, Base):
    __tablename__ = "symptom_assessments"
    __table_args__ = (Index("ix_symptom_assessments_episode_at", "episode_id", "assessed_at"),)

    episode_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("episodes.id"))
    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id"), index=True)
    scale: Mapped[str] = mapped_column(String(20))  # esas_r
    assessed_at: Mapped[datetime]
    assessed_by: Mapped[str] = mapped_column(String(20))  # patient | next_of_kin | staff_assisted
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    source: Mapped[str] = mapped_column(String(20))  # staff | tablet
    pain: Mapped[int] = mapped_column(Integer)
    tiredness: Mapped[int] = mapped_column(Integer)
    drowsiness: Mapped[int] = mapped_column(Integer)
    nausea: Mapped[int] = mapped_column(Integer)
    lack_of_appetite: Mapped[int] = mapped_column(Integer)
    shortness_of_breath: Mapped[int] = mapped_column(Integer)
    depression: Mapped[int] = mapped_column(Integer)
    anxiety: Mapped[int] = mapped_column(Integer)
    wellbeing: Mapped[int] = mapped_column(Integer)
    other_problem: Mapped[str | None] = mapped_column(String(200))
    other_score: Mapped[int | None] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer)  # sum of the nine items, 0-90
    note: Mapped[str | None] = mapped_column(Text)
    alert_ids: Mapped[list[Any]]  # the alerts it opened or added to
    status: Mapped[str] = mapped_column(String(20))  # valid | entered_in_error
    error_reason: Mapped[str | None] = mapped_column(Text)


class ExpectedDeath(IdMixin, CreatedMixin, Base):
    __tablename__ = "expected_deaths"

    episode_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("episodes.id"), unique=True)
    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id"), index=True)
    # the decision, in advance (a physician)
    decided_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime]
    no_resuscitation: Mapped[bool] = mapped_column(Boolean)
    no_hospital_transfer: Mapped[bool] = mapped_column(Boolean)
    conversation_on: Mapped[date] = mapped_column(Date)  # the brytpunktssamtal
    conversation_with: Mapped[str] = mapped_column(String(300))
    decision_note: Mapped[str | None] = mapped_column(Text)
    # the death
    died_at: Mapped[datetime | None]
    confirmed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    confirmed_by_role: Mapped[str | None] = mapped_column(String(40))
    physician_confirmed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    physician_confirmed_at: Mapped[datetime | None]
    care_after_death: Mapped[dict[str, Any]]  # checklist key -> bool
    relatives_present: Mapped[bool | None] = mapped_column(Boolean)
    death_note: Mapped[str | None] = mapped_column(Text)
    # the next of kin's follow-up conversation (efterlevandesamtal)
    followup_on: Mapped[date | None] = mapped_column(Date)
    followup_by: Mapped[str | None] = mapped_column(String(200))
    followup_held_at: Mapped[datetime | None]
    history: Mapped[list[Any]]
    updated_at: Mapped[datetime | None]
