"""Care requests between organisations (vårdbegäran, remiss; FHIR Task)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from samband.models.base import Base, CreatedMixin, IdMixin


class CareRequest(IdMixin, CreatedMixin, Base):
    __tablename__ = "care_requests"

    episode_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("episodes.id"), index=True)
    # home_health_care | home_care | primary_care_referral | rehabilitation
    kind: Mapped[str] = mapped_column(String(40))
    from_organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    to_organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id"), index=True
    )
    # sent | received | accepted | declined | completed | cancelled
    state: Mapped[str] = mapped_column(String(20))
    message: Mapped[str | None] = mapped_column(Text)
    answer_by: Mapped[datetime | None]
    # What was attached when it was sent: the plan version and the medication list then.
    care_plan_version: Mapped[int | None]
    medication_snapshot: Mapped[list[Any]] = mapped_column(default=list)
    # issue 14 (medadmin): the version of the episode's medication list sent, the latest
    # version the receiver acknowledged, and every acknowledgement [{version, at, by, ...}]
    medication_list_version: Mapped[int | None]
    medication_acknowledged_version: Mapped[int | None]
    medication_acknowledgements: Mapped[list[Any] | None] = mapped_column()
    decline_reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    updated_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime | None]
    # [{"state": ..., "at": ..., "by": ..., "reason": ...}]
    history: Mapped[list[Any]] = mapped_column(default=list)
