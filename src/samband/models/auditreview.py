"""The auditor's review marks on access-log rows. The log itself is append-only: a mark is a
row of its own, never a change to the event it is about."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from samband.models.base import Base, IdMixin


class AuditReview(IdMixin, Base):
    """An access-log row marked as reviewed, with the auditor's note. One mark per event."""

    __tablename__ = "audit_reviews"

    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("audit_events.id"), unique=True)
    # sample | relationship_start | block_override: the list the row was reviewed from
    kind: Mapped[str] = mapped_column(String(20))
    reviewed_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime]
    note: Mapped[str] = mapped_column(Text)
