"""Learning follow-up of pilots (*expeditioner*, docs/pilots.md): a pilot's scope, the
assumptions it tests and its log of observations and barriers. No patient data: a pilot's
results are the aggregate outcome indicators of its scope, computed when its report is read.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from samband.kit.time import utcnow
from samband.models.base import Base, CreatedMixin, IdMixin


class Pilot(IdMixin, CreatedMixin, Base):
    __tablename__ = "pilots"

    name: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text)
    # the scope: pathway keys, episode types, unit codes (empty list: all)
    pathways: Mapped[list[Any]] = mapped_column(default=list)
    episode_types: Mapped[list[Any]] = mapped_column(default=list)
    units: Mapped[list[Any]] = mapped_column(default=list)
    period_start: Mapped[date]
    period_end: Mapped[date]
    # the comparison: "period" (comparison_start..comparison_end, same scope) or
    # "unit" (the same period in comparison_organisation_id)
    comparison_kind: Mapped[str] = mapped_column(String(10))
    comparison_start: Mapped[date | None]
    comparison_end: Mapped[date | None]
    comparison_organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organisations.id")
    )
    next_iteration: Mapped[str | None] = mapped_column(Text)
    # the language its texts (name, purpose, assumptions, log) are written in: sv | en
    language: Mapped[str] = mapped_column(String(5), default="sv", server_default="sv")
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    updated_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisations: Mapped[list[PilotOrganisation]] = relationship(
        cascade="all, delete-orphan", order_by="PilotOrganisation.position"
    )
    assumptions: Mapped[list[PilotAssumption]] = relationship(
        cascade="all, delete-orphan", order_by="PilotAssumption.position"
    )
    log: Mapped[list[PilotLogEntry]] = relationship(
        cascade="all, delete-orphan", order_by="PilotLogEntry.occurred_on"
    )


class PilotOrganisation(Base):
    """An organisation taking part in a pilot: its staff may read and edit it."""

    __tablename__ = "pilot_organisations"

    pilot_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pilots.id"), primary_key=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)


class PilotAssumption(IdMixin, CreatedMixin, Base):
    __tablename__ = "pilot_assumptions"

    pilot_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pilots.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="open")  # open|confirmed|refuted
    note: Mapped[str | None] = mapped_column(Text)
    updated_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class PilotLogEntry(IdMixin, CreatedMixin, Base):
    """An entry of the learning log (issue 6, widened by issue 14): an observation, a barrier
    (*hinder*), an enabler (*möjliggörare*), an unintended effect (*oavsedd effekt*) or a
    patient story (*patientberättelse*, no patient identifiers). Barriers, enablers and
    observations are classified structure|culture|practice|society."""

    __tablename__ = "pilot_log_entries"

    pilot_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("pilots.id"), index=True)
    # observation | barrier | enabler | unintended_effect | patient_story
    kind: Mapped[str] = mapped_column(String(20))
    # structure | culture | practice | society; none for a patient story
    classification: Mapped[str | None] = mapped_column(String(12))
    description: Mapped[str] = mapped_column(Text)
    action_taken: Mapped[str | None] = mapped_column(Text)
    occurred_on: Mapped[date]
    recorded_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    # barriers and enablers: "start" (from zero to one) or "scale" (from one to a hundred)
    phase: Mapped[str | None] = mapped_column(String(10))
    # unintended effects: "positive" or "negative"
    valence: Mapped[str | None] = mapped_column(String(10))
    # patient stories: who told it (patient | next_of_kin | staff)
    told_by: Mapped[str | None] = mapped_column(String(12))
