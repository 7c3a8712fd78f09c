"""The access log (HSLF-FS 2016:40 4 kap. 9 §): who accessed which patient's data, and how."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from samband.models.base import Base, IdMixin


class AuditEvent(IdMixin, Base):
    """Append-only. No API updates or deletes it."""

    __tablename__ = "audit_events"

    at: Mapped[datetime] = mapped_column(index=True)
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), index=True)
    username: Mapped[str | None] = mapped_column(String(80))
    role: Mapped[str | None] = mapped_column(String(40))
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id"))
    organisation_code: Mapped[str | None] = mapped_column(String(32))
    unit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("units.id"))
    unit_code: Mapped[str | None] = mapped_column(String(32))
    # No foreign key: an attempt on an id that does not exist is logged too.
    patient_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    action: Mapped[str] = mapped_column(String(20))  # read | create | update | transition | ...
    resource_type: Mapped[str] = mapped_column(String(40))
    resource_id: Mapped[str | None] = mapped_column(String(64))
    allowed: Mapped[bool]
    emergency: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str | None] = mapped_column(Text)
    method: Mapped[str | None] = mapped_column(String(10))
    path: Mapped[str | None] = mapped_column(String(300))
    status_code: Mapped[int | None] = mapped_column(Integer)
