"""Alerts from remote monitoring (FHIR Flag/DetectedIssue-like) and what caused them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from samband.kit.errors import Problem
from samband.kit.stored import as_problem
from samband.models.base import Base, CreatedMixin, IdMixin

# At most one alert per episode and kind is not closed: a new trigger updates it.
_ACTIVE = text("status != 'closed'")


class Alert(IdMixin, CreatedMixin, Base):
    """Something the command centre must act on: a NEWS2 band, a care-plan limit crossed, or
    a scheduled measurement that did not arrive. Life cycle: open → acknowledged →
    action_taken → closed; unacknowledged alerts escalate level by level."""

    __tablename__ = "alerts"
    __table_args__ = (
        Index(
            "ix_alerts_one_active_per_kind",
            "episode_id",
            "kind",
            unique=True,
            sqlite_where=_ACTIVE,
            postgresql_where=_ACTIVE,
        ),
        Index("ix_alerts_status_due", "status", "due_at"),
        # the live overview's change feed: alerts raised or changed since its cursor (issue 11)
        Index("ix_alerts_created_at", "created_at"),
        Index("ix_alerts_updated_at", "updated_at"),
    )

    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id"), index=True)
    episode_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("episodes.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # news2 | limit | missed_measurement
    severity: Mapped[str] = mapped_column(String(10))  # low | medium | high
    # the latest trigger at its severity: its problem's code and parameters (kit/stored.py),
    # shown in the reader's language, and its English text (the API's "reason"; a row from
    # before reasons had codes has the text only)
    reason: Mapped[str] = mapped_column(Text)
    reason_code: Mapped[str | None] = mapped_column(String(60))
    reason_params: Mapped[dict[str, Any] | None] = mapped_column()
    status: Mapped[str] = mapped_column(String(20))  # open | acknowledged | action_taken | closed
    trigger_count: Mapped[int] = mapped_column(Integer, default=1)
    last_triggered_at: Mapped[datetime]
    acknowledged_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    acknowledged_at: Mapped[datetime | None]
    # phone_call | extra_visit | physician_consulted | direct_admission | none_needed
    action: Mapped[str | None] = mapped_column(String(30))
    action_note: Mapped[str | None] = mapped_column(Text)
    action_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    action_at: Mapped[datetime | None]
    # a direct admission's outcome: {"outcome": "admitted", "ward_unit_id", "reserved_bed"} or
    # {"outcome": "refused", "reason", "alternative": "emergency_department", ...}
    admission: Mapped[dict[str, Any] | None] = mapped_column()
    closed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None]
    close_note: Mapped[str | None] = mapped_column(Text)
    # 1: the responsible unit's nurses; 2: the responsible physician; 3: the head of unit /
    # on-call physician. due_at: when the next level is due (None: acknowledged or at the top)
    escalation_level: Mapped[int] = mapped_column(Integer, default=1)
    escalated_at: Mapped[datetime]
    due_at: Mapped[datetime | None]
    # whom each level notified: [{"level", "at", "to", "user_id", "unit_id", "phone"}]
    notified: Mapped[list[Any]] = mapped_column(default=list)
    # every change: [{"at", "by", "event", "from", "to", "note", ...}]
    history: Mapped[list[Any]] = mapped_column(default=list)
    updated_at: Mapped[datetime | None]
    updated_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))

    @property
    def reason_problem(self) -> Problem | str:
        """The reason to show: its problem, or the stored text of an older row."""
        return as_problem(self.reason_code, self.reason_params) or self.reason


class AlertCause(IdMixin, Base):
    """One trigger of an alert: the observation set that crossed a threshold, or the
    scheduled time (``expected_at``) whose measurement did not arrive. A scheduled time is
    reported once per episode (the unique constraint keeps the missed-measurement check
    idempotent, even when two checks run at once)."""

    __tablename__ = "alert_causes"
    __table_args__ = (UniqueConstraint("episode_id", "expected_at"),)

    alert_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("alerts.id"), index=True)
    episode_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("episodes.id"))
    observation_set_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("observation_sets.id"), index=True
    )
    expected_at: Mapped[datetime | None]
    at: Mapped[datetime]
    severity: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text)  # in English; the problem in the next two
    reason_code: Mapped[str | None] = mapped_column(String(60))
    reason_params: Mapped[dict[str, Any] | None] = mapped_column()

    @property
    def reason_problem(self) -> Problem | str:
        return as_problem(self.reason_code, self.reason_params) or self.reason
