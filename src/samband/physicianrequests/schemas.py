"""Pydantic shapes of physician requests (läkarkontakt, avrop; SBAR)."""

from __future__ import annotations

import datetime as dt
import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from samband.kit.errors import problem
from samband.kit.i18n import msg
from samband.kit.schemas import Text, refused
from samband.physicianrequests.agreements import Urgency

__all__ = [
    "AnswerKind",
    "Box",
    "PhysicianRequestAnswer",
    "PhysicianRequestCancel",
    "PhysicianRequestCreate",
    "PhysicianRequestRead",
    "Status",
    "Urgency",
]

# an SBAR text: longer than a note
SbarText = Text


class Status(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    CANCELLED = "cancelled"


class AnswerKind(StrEnum):
    ADVICE = "advice"
    MEDICATION_CHANGE = "medication_change"
    HOME_VISIT = "home_visit"
    VIDEO = "video"
    ADMISSION = "admission"
    FORWARDED = "forwarded"


# the answers that must say what was decided
NEEDS_TEXT = frozenset({AnswerKind.ADVICE, AnswerKind.MEDICATION_CHANGE, AnswerKind.ADMISSION})


class Box(StrEnum):
    INBOX = "inbox"  # routed to me or to my organisation's physicians
    SENT = "sent"  # asked by my organisation (mine first)
    OVERDUE = "overdue"  # open past the limit, to or from me or my organisation


class PhysicianRequestCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    patient_id: uuid.UUID
    urgency: Urgency = Field(description="acute | same_day | planned")
    situation: SbarText = Field(description="S: what is happening now (required)")
    background: SbarText | None = Field(default=None, description="B: the background")
    assessment: SbarText | None = Field(default=None, description="A: the nurse's assessment")
    recommendation: SbarText | None = Field(default=None, description="R: what the nurse asks for")
    visit_id: uuid.UUID | None = Field(default=None, description="the visit it is asked from")


class PhysicianRequestAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: AnswerKind
    text: SbarText | None = Field(
        default=None,
        validate_default=True,
        description="required for advice, medication_change and admission",
    )
    forward_to_user_id: uuid.UUID | None = Field(
        default=None, validate_default=True, description="forwarded: the physician it goes to"
    )
    slot_id: uuid.UUID | None = Field(
        default=None, validate_default=True, description="home_visit: the slot booked"
    )
    date: dt.date | None = Field(
        default=None, validate_default=True, description="home_visit: the day in the slot"
    )

    @field_validator("text")
    @classmethod
    def _text(cls, value: str | None, info: ValidationInfo) -> str | None:
        kind = info.data.get("kind")
        if kind in NEEDS_TEXT and not value:
            raise refused(
                problem(
                    "physician_request.answer_text_missing",
                    field="text",
                    kind=msg(f"physician_request.answer_kind.{kind.value}"),
                )
            )
        return value

    @field_validator("forward_to_user_id")
    @classmethod
    def _forward(cls, value: uuid.UUID | None, info: ValidationInfo) -> uuid.UUID | None:
        kind = info.data.get("kind")
        if kind == AnswerKind.FORWARDED and value is None:
            raise refused(
                problem("physician_request.forward_to_missing", field="forward_to_user_id")
            )
        if kind is not None and kind != AnswerKind.FORWARDED and value is not None:
            raise refused(problem("physician_request.forward_only", field="forward_to_user_id"))
        return value

    @field_validator("slot_id")
    @classmethod
    def _slot(cls, value: uuid.UUID | None, info: ValidationInfo) -> uuid.UUID | None:
        kind = info.data.get("kind")
        if kind is not None and kind != AnswerKind.HOME_VISIT and value is not None:
            raise refused(problem("physician_request.slot_only_home_visit", field="slot_id"))
        return value

    @field_validator("date")
    @classmethod
    def _date(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        kind = info.data.get("kind")
        if kind is not None and kind != AnswerKind.HOME_VISIT and value is not None:
            raise refused(problem("physician_request.slot_only_home_visit", field="date"))
        if "slot_id" in info.data and (info.data.get("slot_id") is None) != (value is None):
            raise refused(problem("physician_request.slot_and_date", field="date"))
        return value


class PhysicianRequestCancel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Text | None = None


class Routed(BaseModel):
    """Who has the request now: a user, or a named person of a roster without an account,
    or nobody (then ``phone`` is the number to call)."""

    via: str = Field(
        description="fixed_physician | on_call | organisation_on_call | forwarded | nobody"
    )
    user_id: uuid.UUID | None
    name: str | None
    phone: str | None
    organisation_id: uuid.UUID | None = Field(description="the physicians' organisation")


class Answer(BaseModel):
    kind: str
    text: str | None
    at: datetime
    by_id: uuid.UUID | None
    by_name: str | None
    visit_id: uuid.UUID | None = Field(description="the physician visit booked, if any")
    minutes_to_answer: int


class HistoryEntry(BaseModel):
    model_config = ConfigDict(extra="allow")

    at: datetime
    event: str = Field(
        description="asked | routed | escalated | forwarded | answered | cancelled | "
        "no_further_level | participant_added"
    )
    by: str | None = None
    by_name: str | None = None
    to: str | None = None
    to_name: str | None = None
    via: str | None = None
    level: int | None = None
    note: str | None = None


class PhysicianRequestRead(BaseModel):
    id: uuid.UUID
    reference: str = Field(description="the short reference notifications use (LK-…)")
    patient_id: uuid.UUID
    patient_name: str
    episode_id: uuid.UUID | None
    visit_id: uuid.UUID | None
    asked_by_id: uuid.UUID
    asked_by_name: str | None
    asking_organisation_id: uuid.UUID
    urgency: str
    situation: str
    background: str | None
    assessment: str | None
    recommendation: str | None
    observation_set_id: uuid.UUID | None
    vitals: dict[str, Any] = Field(description="the latest vital signs when asked, and NEWS2")
    agreement: str
    due_at: datetime
    overdue: bool = Field(description="open, and the limit has passed")
    routed_to: Routed
    level: int = Field(description="0 first, one more per escalation")
    status: str
    escalated_at: datetime | None
    answer: Answer | None
    minutes_to_answer: int | None
    forwarded_to_id: uuid.UUID | None
    history: list[HistoryEntry]
    created_at: datetime
    updated_at: datetime | None
