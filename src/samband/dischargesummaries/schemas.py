"""Pydantic shapes of the discharge summary (utskrivningsinformation)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from samband.kit.schemas import ReadModel, ShortText, Text

# what to follow up can be a whole sentence; who and when are short
FollowUpWhat = Annotated[str, Field(min_length=1, max_length=500)]
MAX_FOLLOW_UP = 20


class Status(StrEnum):
    DRAFT = "draft"
    SIGNED = "signed"
    SUPERSEDED = "superseded"


class FollowUpItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    what: Text = Field(description="what to follow up, e.g. 'CRP and blood count'")
    who: ShortText | None = Field(
        default=None, description="who does it: an organisation or a role, e.g. 'Vårdcentralen'"
    )
    when: ShortText | None = Field(default=None, description="when, e.g. 'within 2 weeks'")


class DischargeSummaryUpdate(BaseModel):
    """A draft's parts that people write; what is left out stays as it is."""

    model_config = ConfigDict(extra="forbid")

    assessment: Text | None = Field(default=None, description="the physician's assessment")
    advice: Text | None = Field(default=None, description="advice to the patient")
    follow_up: list[FollowUpItem] | None = Field(
        default=None,
        max_length=MAX_FOLLOW_UP,
        description="what to follow up, by whom and when (replaces the list)",
    )


class DischargeSummaryAmend(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Text = Field(description="why the signed summary is changed")


class Delivery(BaseModel):
    organisation_id: uuid.UUID
    organisation: str
    name: str | None = None
    kind: str  # primary_care_referral | home_health_care | participant
    care_request_id: uuid.UUID | None = None
    at: datetime


class DischargeSummaryRead(ReadModel):
    id: uuid.UUID
    episode_id: uuid.UUID
    patient_id: uuid.UUID
    organisation_id: uuid.UUID
    version: int
    status: Status
    content: dict[str, Any]
    composed_at: datetime
    follow_up: list[FollowUpItem]
    assessment: str | None
    advice: str | None
    amends_id: uuid.UUID | None
    amendment_reason: str | None
    signed_by_id: uuid.UUID | None
    signed_by_name: str | None
    signed_at: datetime | None
    sent: list[Delivery]
    sent_at: datetime | None
    created_by_id: uuid.UUID
    created_at: datetime
    updated_at: datetime | None
    links: dict[str, str] = Field(default_factory=dict)


class MissingSummary(BaseModel):
    """A discharged episode of the caller's organisation without a signed summary."""

    episode_id: uuid.UUID
    patient_id: uuid.UUID
    pathway: str
    ended_at: datetime | None
    draft_id: uuid.UUID | None
