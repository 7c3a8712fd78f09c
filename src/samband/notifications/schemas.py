"""Notifications and a person's contact settings, as the API shows them."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from samband.kit.schemas import ReadModel


class Channel(StrEnum):
    SMS = "sms"
    EMAIL = "email"


class DeliveryRead(ReadModel):
    channel: str
    status: str
    attempts: int
    sent_at: datetime | None
    last_error: str | None
    history: list[dict[str, object]]


class NotificationRead(ReadModel):
    id: uuid.UUID
    kind: str
    severity: str
    reference: str
    link: str
    text: str
    alert_id: uuid.UUID | None
    created_at: datetime
    read_at: datetime | None
    acknowledged_at: datetime | None
    deliveries: list[DeliveryRead]


class ContactRead(BaseModel):
    phone: str | None
    email: str | None
    notify_channels: list[Channel]


Phone = Annotated[str, Field(min_length=5, max_length=40, pattern=r"^\+?[0-9 ()-]{5,40}$")]
_PART = r"[^@\s<>\"',;]+"
Email = Annotated[str, Field(min_length=3, max_length=200, pattern=rf"^{_PART}@{_PART}\.{_PART}$")]


class ContactUpdate(BaseModel):
    """Where you are reached and how (all optional: only what is sent changes). Channels in
    your order of preference; a failed channel falls back to the next; the app always
    shows your notifications."""

    model_config = ConfigDict(extra="forbid")

    phone: Phone | None = None
    email: Email | None = None
    notify_channels: list[Channel] | None = Field(default=None, max_length=2)

    @field_validator("notify_channels")
    @classmethod
    def _once_each(cls, value: list[Channel] | None) -> list[Channel] | None:
        if value is not None and len(set(value)) != len(value):
            raise ValueError("name each channel once")
        return value
