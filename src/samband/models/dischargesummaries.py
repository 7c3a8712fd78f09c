"""The discharge summary (utskrivningsinformation), issue 14.

One row per version of an episode's summary. A draft is made from the episode's data
(``content``: the course, the medication list at discharge with its changes, the results)
and edited by the responsible organisation's staff (``follow_up``, ``assessment``,
``advice``); a physician signs it, which freezes it. A change after signing is a new version
(``amends_id``, ``amendment_reason``); when that is signed the old one is ``superseded`` and
kept. ``sent``: the organisations the signed version was sent to with the referral.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from samband.models.base import Base, CreatedMixin, IdMixin


class DischargeSummary(IdMixin, CreatedMixin, Base):
    __tablename__ = "discharge_summaries"
    __table_args__ = (UniqueConstraint("episode_id", "version", name="one_per_version"),)

    episode_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("episodes.id"), index=True)
    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id"), index=True)
    # the organisation responsible for the episode when the summary was made
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    version: Mapped[int] = mapped_column(Integer)
    # draft | signed | superseded
    status: Mapped[str] = mapped_column(String(20), index=True)
    # made from the episode's data (compose.py): {"course": …, "medications": …, "results": …}
    content: Mapped[dict[str, Any]] = mapped_column(default=dict)
    composed_at: Mapped[datetime]
    # [{"what": …, "who": …, "when": …}]: what to follow up, by whom, when
    follow_up: Mapped[list[Any]] = mapped_column(default=list)
    assessment: Mapped[str | None] = mapped_column(Text)
    advice: Mapped[str | None] = mapped_column(Text)
    amends_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("discharge_summaries.id"))
    amendment_reason: Mapped[str | None] = mapped_column(Text)
    signed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    signed_by_name: Mapped[str | None] = mapped_column(String(200))
    signed_at: Mapped[datetime | None]
    # [{"organisation_id", "organisation", "name", "care_request_id", "kind", "at"}]
    sent: Mapped[list[Any]] = mapped_column(default=list)
    sent_at: Mapped[datetime | None]
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    updated_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime | None]
