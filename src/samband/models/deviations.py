"""Deviations (avvikelser) across organisations, issue 14 (docs/deviations.md).

- ``Deviation``: an event about a patient (and, when known, one of their episodes) reported by
  a member of staff of one organisation and concerning one organisation (the reporter's own
  or another taking part: a *samverkansavvikelse*). Visible to those two organisations only.
  Its status moves reported → investigating → answered → closed; every step is a line of
  ``history`` (who, organisation, when). The Lex Maria flag (serious harm or the risk of it)
  and the decision about reporting to IVO are kept on the row. ``pilot_log_entry_id`` links
  it to the barrier it was logged as in a pilot's log (no patient data goes into the pilot).
- ``DeviationMeasure``: a measure of the concerned organisation's answer: what, who is
  responsible, by when.
"""

from __future__ import annotations

import datetime as dt
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from samband.kit.time import utcnow
from samband.models.base import Base, CreatedMixin, IdMixin


class Deviation(IdMixin, CreatedMixin, Base):
    """A reported deviation. ``created_at`` is when it was reported; ``occurred_at`` when the
    event happened."""

    __tablename__ = "deviations"
    __table_args__ = (
        Index("ix_deviations_concerned_status", "concerned_organisation_id", "status"),
        Index("ix_deviations_reporter_status", "reporter_organisation_id", "status"),
    )

    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id"), index=True)
    episode_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("episodes.id"), index=True)
    # the episode's pathway, kept for the summaries (None: no episode named)
    pathway: Mapped[str | None] = mapped_column(String(40))
    reported_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    reporter_organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    concerned_organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    # medication | information_transfer | care_treatment | fall | equipment | coordination
    # | other
    category: Mapped[str] = mapped_column(String(30))
    occurred_at: Mapped[datetime]
    description: Mapped[str] = mapped_column(Text)
    # none | mild | moderate | severe | death
    consequence: Mapped[str] = mapped_column(String(12))
    immediate_action: Mapped[str | None] = mapped_column(Text)
    # reported | investigating | answered | closed
    status: Mapped[str] = mapped_column(String(20), default="reported")
    investigator_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    investigation_started_at: Mapped[datetime | None]
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None]
    closing_note: Mapped[str | None] = mapped_column(Text)
    closed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None]
    # "may need a Lex Maria report" (SFS 2010:659 3 kap. 5 §): flagged with the reason
    lex_maria: Mapped[bool] = mapped_column(Boolean, default=False)
    lex_maria_reason: Mapped[str | None] = mapped_column(Text)
    lex_maria_flagged_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    lex_maria_flagged_at: Mapped[datetime | None]
    # the decision about reporting to IVO: reported | not_reported (None: not decided)
    lex_maria_decision: Mapped[str | None] = mapped_column(String(14))
    lex_maria_reported_on: Mapped[dt.date | None] = mapped_column(Date)
    lex_maria_decision_reason: Mapped[str | None] = mapped_column(Text)
    lex_maria_decided_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    lex_maria_decided_at: Mapped[datetime | None]
    # the barrier entry in a pilot's log this deviation was linked to
    pilot_log_entry_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("pilot_log_entries.id"))
    history: Mapped[list[Any]] = mapped_column(default=list)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    measures: Mapped[list[DeviationMeasure]] = relationship(
        cascade="all, delete-orphan", order_by="DeviationMeasure.position"
    )


class DeviationMeasure(IdMixin, CreatedMixin, Base):
    """A measure of the answer: what will be done, who is responsible, by when."""

    __tablename__ = "deviation_measures"

    deviation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("deviations.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    what: Mapped[str] = mapped_column(Text)
    responsible: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[dt.date] = mapped_column(Date)
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
