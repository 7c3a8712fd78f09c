"""The daily round (daglig/digital rond): one per unit and day, and its structured notes."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from samband.models.base import Base, CreatedMixin, IdMixin
from samband.models.organisations import Unit, User


class Round(IdMixin, CreatedMixin, Base):
    """The round of one unit on one day (its local date, Europe/Stockholm)."""

    __tablename__ = "rounds"
    __table_args__ = (UniqueConstraint("unit_id", "day"),)

    # (unit_id, day) is unique, and its index serves the look-ups by unit
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("units.id"))
    day: Mapped[date] = mapped_column(Date)
    # The video meeting the remote participants join (optional).
    video_url: Mapped[str | None] = mapped_column(String(500))
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    updated_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime | None]

    unit: Mapped[Unit] = relationship()


class RoundNote(IdMixin, CreatedMixin, Base):
    """A structured note (SBAR-like) on one patient's episode in a round, with its decision."""

    __tablename__ = "round_notes"

    round_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("rounds.id"), index=True)
    episode_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("episodes.id"), index=True)
    situation: Mapped[str] = mapped_column(Text)
    assessment: Mapped[str] = mapped_column(Text)
    # continue | change_plan | discharge | readmit
    decision: Mapped[str] = mapped_column(String(20))
    decision_note: Mapped[str | None] = mapped_column(Text)
    # the episode state the decision moved the episode to (discharged, readmitted), if any
    transition_to: Mapped[str | None] = mapped_column(String(20))
    # [{"role": "physician", "name": "…", "present_by": "video"}]
    participants: Mapped[list[Any]] = mapped_column(default=list)
    # the care plan's discharge criteria marked met, as worded in plan_version
    criteria_met: Mapped[list[Any]] = mapped_column(default=list)
    plan_version: Mapped[int | None] = mapped_column(Integer)
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))

    round: Mapped[Round] = relationship()
    created_by: Mapped[User] = relationship()
