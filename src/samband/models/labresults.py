"""Sample orders and laboratory results, issue 14 (docs/samples-and-results.md).

- ``SampleOrder``: samples to take on one day of an episode (e.g. day 3: CRP, blood count),
  materialised from a care-plan activity with ``samples`` (or ordered by hand); marked taken
  (who, when). Its due date is the episode's day ``day`` (day 1: the day the patient went
  home), so it follows the episode's start.
- ``LabResult``: one laboratory result (a LOINC-coded test, a value in the test's UCUM unit,
  a reference range, when the sample was taken), entered by hand or received as a FHIR R4
  Observation; linked to the open sample order of its test when there is one.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from samband.models.base import Base, CreatedMixin, IdMixin


class SampleOrder(IdMixin, CreatedMixin, Base):
    """Samples to take on one day of an episode."""

    __tablename__ = "sample_orders"
    __table_args__ = (
        # one order per plan activity and day (the plan's orders are made again idempotently)
        UniqueConstraint("episode_id", "activity_key", "day"),
    )

    episode_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("episodes.id"), index=True)
    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id"), index=True)
    # the care-plan activity it comes from, or "manual-<n>" for one ordered by hand
    activity_key: Mapped[str] = mapped_column(String(60))
    day: Mapped[int] = mapped_column(Integer)  # the episode day it is due (day 1: went home)
    tests: Mapped[list[Any]] = mapped_column(default=list)  # test keys (labresults/loinc.py)
    plan_version: Mapped[int | None] = mapped_column(Integer)
    # ordered | taken | cancelled
    status: Mapped[str] = mapped_column(String(20), default="ordered")
    ordered_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    taken_at: Mapped[datetime | None]
    taken_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(Text)
    cancelled_at: Mapped[datetime | None]


class LabResult(IdMixin, CreatedMixin, Base):
    """One laboratory result. ``created_at`` is when Samband received it."""

    __tablename__ = "lab_results"
    __table_args__ = (
        # exactly once per sending organisation (a FHIR identifier, or a client's own key)
        UniqueConstraint("source_organisation_id", "identifier"),
        Index("ix_lab_results_episode_test", "episode_id", "test", "taken_at"),
    )

    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id"), index=True)
    episode_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("episodes.id"))
    test: Mapped[str] = mapped_column(String(30))  # the test key, e.g. crp
    loinc: Mapped[str] = mapped_column(String(20))  # the LOINC code as received
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(20))  # UCUM
    ref_low: Mapped[float | None] = mapped_column(Float)
    ref_high: Mapped[float | None] = mapped_column(Float)
    # H | L | None (within the range, or no range)
    flag: Mapped[str | None] = mapped_column(String(2))
    taken_at: Mapped[datetime]
    # manual | fhir
    source: Mapped[str] = mapped_column(String(10))
    # final | preliminary | corrected | amended | entered_in_error
    status: Mapped[str] = mapped_column(String(20), default="final")
    sample_order_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("sample_orders.id"), index=True
    )
    identifier: Mapped[str | None] = mapped_column(String(250))
    content_hash: Mapped[str] = mapped_column(String(64))
    source_organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    recorded_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(Text)
