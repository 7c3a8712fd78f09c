"""Notifications to staff (in the app, e-mail, SMS) and the embedded job queue's rows.

A notification never carries a patient's identity: only a short reference (e.g. the alert's
first eight characters), the severity and a link into Samband, where access is checked and
logged as for every other read (decision 0013).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from samband.models.base import Base, CreatedMixin, IdMixin


class Notification(IdMixin, CreatedMixin, Base):
    """One message to one staff member: shown in the app, and sent on their channels."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_created", "user_id", "created_at"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    # alert | alert_escalated | route_changed | plan_out_of_date | visit_unstaffed | ...
    kind: Mapped[str] = mapped_column(String(40))
    severity: Mapped[str] = mapped_column(String(10))  # info | low | medium | high
    # a short reference without patient identity, e.g. "L-3F2A91C0"
    reference: Mapped[str] = mapped_column(String(40))
    link: Mapped[str] = mapped_column(String(300))  # a path inside Samband, e.g. /alerts/…
    # the message's parameters for the catalogue (never a name or a personnummer)
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    alert_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("alerts.id"), index=True)
    read_at: Mapped[datetime | None]
    acknowledged_at: Mapped[datetime | None]


class NotificationDelivery(IdMixin, CreatedMixin, Base):
    """One attempt chain of a notification on one channel: queued → sent | failed; a failed
    channel hands over to the next one (``fallback_of``); acknowledged when the alert is."""

    __tablename__ = "notification_deliveries"
    __table_args__ = (Index("ix_notification_deliveries_status", "status", "next_attempt_at"),)

    notification_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("notifications.id"), index=True)
    channel: Mapped[str] = mapped_column(String(10))  # app | email | sms
    address: Mapped[str | None] = mapped_column(String(200))  # e-mail address or phone number
    # queued | sent | failed | retrying | acknowledged | skipped
    status: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    # the provider's id of the message (SMTP queue id, SMS gateway id), when it gave one
    provider_ref: Mapped[str | None] = mapped_column(String(200))
    # [{"at", "event", "note"}]: every change (queued, sent, failed, retried, acknowledged)
    history: Mapped[list[Any]] = mapped_column(default=list)
    updated_at: Mapped[datetime | None]


class LocalJob(IdMixin, CreatedMixin, Base):
    """The embedded job queue (SQLite, the default demo database): a job deferred in the
    same transaction as the change that asked for it, run by the app process. On
    PostgreSQL procrastinate's own tables hold the jobs instead (decision 0013)."""

    __tablename__ = "local_jobs"
    __table_args__ = (Index("ix_local_jobs_status_due", "status", "scheduled_at"),)

    task: Mapped[str] = mapped_column(String(128))
    args: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # a job with the same lock as one still waiting is not deferred twice
    queueing_lock: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))  # todo | doing | succeeded | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    scheduled_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)
