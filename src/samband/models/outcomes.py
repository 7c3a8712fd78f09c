"""Outcome follow-up: episode histories imported from another system (or an earlier period)
and the patient's *trygghet* questionnaire at discharge (FHIR QuestionnaireResponse).

Imported histories are kept apart from the live episodes: they have no patient record, no
care plan and no staff, only the events of ``docs/import-format.md``. The report reads both.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from samband.models.base import Base, CreatedMixin, IdMixin


class OutcomeImport(IdMixin, Base):
    """One accepted file of `samband import episodes` (a rejected file leaves no row)."""

    __tablename__ = "outcome_imports"

    filename: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    rows: Mapped[int] = mapped_column(Integer)
    new_rows: Mapped[int] = mapped_column(Integer)
    new_episodes: Mapped[int] = mapped_column(Integer)
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id"))
    imported_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)


class ImportedEpisode(IdMixin, CreatedMixin, Base):
    """An episode of the historical import, under the id it had in the file."""

    __tablename__ = "imported_episodes"

    external_id: Mapped[str] = mapped_column(String(64), unique=True)
    personnummer: Mapped[str] = mapped_column(String(12), index=True)  # 12 digits
    pathway: Mapped[str] = mapped_column(String(40), index=True)
    # admission_avoidance | early_supported_discharge
    type: Mapped[str] = mapped_column(String(40))
    # the organisation the history belongs to (`--organisation`), if given
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organisations.id"), index=True
    )
    import_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("outcome_imports.id"))


class ImportedEvent(IdMixin, Base):
    """One row of an imported file. ``occurrence`` numbers identical rows (same episode, event
    and time) within a file, so re-importing a file adds nothing while two visits recorded at
    the same minute stay two."""

    __tablename__ = "imported_events"
    __table_args__ = (UniqueConstraint("episode_id", "event", "at", "occurrence"),)

    episode_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("imported_episodes.id"), index=True)
    event: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(index=True)
    occurrence: Mapped[int] = mapped_column(Integer, default=1)
    import_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("outcome_imports.id"))
    line: Mapped[int] = mapped_column(Integer)  # the line of the file it came from


class QuestionnaireResponse(IdMixin, CreatedMixin, Base):
    """The patient's answers to the trygghet questionnaire, once per episode."""

    __tablename__ = "questionnaire_responses"

    episode_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("episodes.id"), unique=True)
    questionnaire: Mapped[str] = mapped_column(String(40))  # e.g. trygghet-v1
    answered_at: Mapped[datetime]
    # {"felt_safe": 5, "knew_whom_to_call": 4, ..., "comment": "…"}
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # patient | next_of_kin | staff_on_behalf
    answered_by: Mapped[str] = mapped_column(String(20))
    recorded_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
