"""Vital signs from home (FHIR Observation): one row per measurement occasion, and the
physician's SpO2-scale decisions."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from samband.models.base import Base, CreatedMixin, IdMixin


class ObservationSet(IdMixin, CreatedMixin, Base):
    """A measurement occasion: the values measured together at one time (a "set" of vital
    signs, scored together as one NEWS2), from a device, a visit or the patient's own report.

    ``created_at`` is when Samband received it. ``client_id`` makes a delivery exactly-once:
    it is unique per sending organisation, and the same id sent again answers with this row.
    """

    __tablename__ = "observation_sets"
    __table_args__ = (
        UniqueConstraint("source_organisation_id", "client_id"),
        Index("ix_observation_sets_episode_measured", "episode_id", "measured_at"),
        Index("ix_observation_sets_patient_measured", "patient_id", "measured_at"),
        # the live overview's change feed reads what arrived since its cursor (issue 11)
        Index("ix_observation_sets_created_at", "created_at"),
    )

    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id"))
    episode_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("episodes.id"))
    measured_at: Mapped[datetime]
    # device | visit | self_report
    source: Mapped[str] = mapped_column(String(20))
    device_id: Mapped[str | None] = mapped_column(String(200))
    visit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("visits.id"))
    # the sender's own id of this set (a device's message id, a FHIR identifier)
    client_id: Mapped[str | None] = mapped_column(String(200))
    # sha256 of the normalised content: the same client_id with other content is refused
    content_hash: Mapped[str] = mapped_column(String(64))
    source_organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    recorded_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    # the values, in fixed units (docs/api.md): /min, %, L/min, mmHg, °C, kg
    respiratory_rate: Mapped[int | None] = mapped_column(Integer)
    spo2: Mapped[int | None] = mapped_column(Integer)
    on_oxygen: Mapped[bool | None] = mapped_column(Boolean)
    oxygen_flow: Mapped[float | None] = mapped_column(Float)
    systolic_bp: Mapped[int | None] = mapped_column(Integer)
    diastolic_bp: Mapped[int | None] = mapped_column(Integer)
    pulse: Mapped[int | None] = mapped_column(Integer)
    consciousness: Mapped[str | None] = mapped_column(String(1))  # A C V P U
    temperature: Mapped[float | None] = mapped_column(Float)
    weight: Mapped[float | None] = mapped_column(Float)
    symptoms: Mapped[str | None] = mapped_column(Text)
    # NEWS2 of the set (None when it holds no NEWS2 parameter), with the scale it used
    spo2_scale: Mapped[int] = mapped_column(Integer, default=1)
    news2_total: Mapped[int | None] = mapped_column(Integer)
    news2_risk: Mapped[str | None] = mapped_column(String(20))
    news2_partial: Mapped[bool | None] = mapped_column(Boolean)
    # {"parameters": {...}, "missing": [...], "red_score": bool, "monitoring": str, "response": str}
    news2_detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # final | preliminary (a value awaits confirmation) | entered_in_error
    status: Mapped[str] = mapped_column(String(20))
    needs_confirmation: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    # [{"field": "pulse", "value": 35, "reason": "..."}]: implausible but possible values
    flags: Mapped[list[Any]] = mapped_column(default=list)
    confirmed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None]
    confirmation_note: Mapped[str | None] = mapped_column(Text)


class Spo2ScaleDecision(IdMixin, CreatedMixin, Base):
    """A physician sets the SpO2 scale NEWS2 uses for the episode (scale 2: hypercapnic
    respiratory failure, target 88-92 %). The newest decision is in force; none means scale 1.
    Append-only: the history is the decisions themselves."""

    __tablename__ = "spo2_scale_decisions"

    episode_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("episodes.id"), index=True)
    scale: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    decided_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
