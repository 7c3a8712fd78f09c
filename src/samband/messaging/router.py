"""HTTP for messages between organisations: a patient's threads, reading and writing one, and
the caller's inbox."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, status

from samband.deps import ContextDep
from samband.messaging import service
from samband.messaging.schemas import (
    InboxItem,
    MessageCreate,
    MessageRead,
    MessageWrite,
    ThreadRead,
    ThreadSummary,
)

router = APIRouter(prefix="/api/v1", tags=["messages"])


@router.get("/patients/{patient_id}/threads", response_model=list[ThreadSummary])
def list_threads(ctx: ContextDep, patient_id: uuid.UUID) -> list[ThreadSummary]:
    """The patient's threads you may read: the patient's own, and one per care request and
    physician request (those without a message yet have no id), with the number of messages,
    those you have not read, and the time of the last."""
    return service.list_threads(ctx, patient_id)


@router.post(
    "/patients/{patient_id}/messages",
    response_model=MessageRead,
    status_code=status.HTTP_201_CREATED,
)
def post_about_patient(ctx: ContextDep, patient_id: uuid.UUID, data: MessageCreate) -> MessageRead:
    """Write in the patient's thread (topic ``patient``) or the thread of one of the patient's
    care requests or physician requests (``topic_id``); the thread is made with its first
    message. The named recipients are notified."""
    return service.post_about_patient(ctx, patient_id, data)


@router.get("/threads/{thread_id}", response_model=ThreadRead)
def get_thread(ctx: ContextDep, thread_id: uuid.UUID) -> ThreadRead:
    """The thread's messages, oldest first, with who read each when. Reading it marks its
    messages read by you (the first time) and is in the access log."""
    return service.get_thread(ctx, thread_id)


@router.post(
    "/threads/{thread_id}/messages",
    response_model=MessageRead,
    status_code=status.HTTP_201_CREATED,
)
def post_in_thread(ctx: ContextDep, thread_id: uuid.UUID, data: MessageWrite) -> MessageRead:
    return service.post_in_thread(ctx, thread_id, data)


@router.get("/messages/inbox", response_model=list[InboxItem])
def inbox(ctx: ContextDep) -> list[InboxItem]:
    """The threads in which a message names you: those with messages you have not read
    first, then the latest."""
    return service.inbox(ctx)
