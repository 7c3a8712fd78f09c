"""Pydantic shapes of message threads between organisations (issue 13, decision 0018)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from samband.kit.schemas import FREE_TEXT

BODY_MAX = 4000
RECIPIENTS_MAX = 20

# A message's text: tabs and new lines, no other control characters (no NUL), at most
# BODY_MAX characters (kit/text.py).
Body = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=BODY_MAX), FREE_TEXT
]


class Topic(StrEnum):
    """What a thread is about: the patient, one care request, or one physician request."""

    PATIENT = "patient"
    CARE_REQUEST = "care_request"
    PHYSICIAN_REQUEST = "physician_request"


class MessageKind(StrEnum):
    HANDOVER = "handover"
    QUESTION = "question"
    ANSWER = "answer"
    NOTE = "note"


class MessageWrite(BaseModel):
    """A message in a thread that exists (``POST /threads/{id}/messages``)."""

    model_config = ConfigDict(extra="forbid")

    body: Body
    kind: MessageKind = MessageKind.NOTE
    recipients: list[uuid.UUID] = Field(
        default_factory=list,
        max_length=RECIPIENTS_MAX,
        description="users to notify: staff of organisations with a care relationship with "
        "the patient (who may read the thread)",
    )

    @field_validator("recipients")
    @classmethod
    def _once_each(cls, value: list[uuid.UUID]) -> list[uuid.UUID]:
        return list(dict.fromkeys(value))


class MessageCreate(MessageWrite):
    """A message about a patient (``POST /patients/{id}/messages``): in the patient's thread,
    or in the thread of one of the patient's care requests or physician requests; the thread
    is made with its first message."""

    topic: Topic = Topic.PATIENT
    topic_id: uuid.UUID | None = Field(
        default=None,
        description="the care request's or physician request's id (none for the patient's "
        "own thread)",
    )


class Person(BaseModel):
    user_id: uuid.UUID
    name: str
    organisation_id: uuid.UUID | None = None
    organisation: str | None = Field(default=None, description="the organisation's name")


class ReadReceipt(Person):
    read_at: datetime


class MessageRead(BaseModel):
    id: uuid.UUID
    thread_id: uuid.UUID
    kind: MessageKind
    body: str
    created_at: datetime
    author: Person
    recipients: list[Person]
    read_by: list[ReadReceipt] = Field(description="who read it when (the first time)")
    new: bool = Field(
        default=False, description="the caller had not read it before this answer (not theirs)"
    )


class TopicDetail(BaseModel):
    """The request a thread is about: a care request's kind and state, or a physician
    request's urgency and status."""

    kind: str
    state: str
    created_at: datetime
    from_organisation_id: uuid.UUID | None = None
    to_organisation_id: uuid.UUID | None = None


class ThreadSummary(BaseModel):
    id: uuid.UUID | None = Field(description="none: no message yet (made with the first)")
    patient_id: uuid.UUID
    topic: Topic
    topic_id: uuid.UUID
    topic_detail: TopicDetail | None = None
    messages: int
    unread: int = Field(description="messages the caller has not read (their own excluded)")
    last_message_at: datetime | None
    created_at: datetime | None = None


class InboxItem(ThreadSummary):
    patient_name: str
    named: int = Field(description="messages of the thread that name the caller")


class ThreadRead(BaseModel):
    id: uuid.UUID | None = Field(description="none: no message yet (made with the first)")
    patient_id: uuid.UUID
    topic: Topic
    topic_id: uuid.UUID
    topic_detail: TopicDetail | None = None
    created_at: datetime | None
    last_message_at: datetime | None
    messages: list[MessageRead] = Field(description="oldest first")
    recipient_choices: list[Person] = Field(
        description="the staff who may be named as recipients in this thread (not the caller)"
    )
