"""The on-call roster (jour/beredskap, issue 11; decision 0014).

One row says who covers one slot (weekday day, weekday evening, night, weekend) in one role
(physician on call, nurse on call) for an organisation, or for one of its units, from one
date to another (no end date: the standing weekly pattern). The time rules are in
``samband.oncall.rules``.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from samband.models.base import Base, CreatedMixin, IdMixin


class OnCallEntry(IdMixin, CreatedMixin, Base):
    __tablename__ = "on_call_entries"
    __table_args__ = (
        CheckConstraint("user_id IS NOT NULL OR name IS NOT NULL", name="who"),
        Index("ix_on_call_entries_scope", "organisation_id", "role", "slot"),
    )

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    # None: the whole organisation's roster (the fallback of its units)
    unit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("units.id"), index=True)
    # physician | registered_nurse (rules.ROLES)
    role: Mapped[str] = mapped_column(String(40))
    # weekday_day | weekday_evening | night | weekend (rules.SLOTS)
    slot: Mapped[str] = mapped_column(String(20))
    starts_on: Mapped[date]
    # None: open-ended (the weekly pattern); a dated entry wins over it
    ends_on: Mapped[date | None]
    # a user of the organisation, or else a named external person
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str | None] = mapped_column(String(200))
    # None: the user's own phone / e-mail
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    updated_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime | None]
