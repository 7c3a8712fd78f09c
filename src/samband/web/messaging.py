"""Meddelanden: messages between the organisations taking part in a patient's care (issue 13).

- ``/patients/{id}/threads``: the patient's threads (the patient's own, one per care request
  and physician request), with the messages unread by the reader;
- ``/patients/{id}/messages`` (the patient's own thread, or ``?topic=…&topic_id=…`` a
  request's) and ``/threads/{id}``: the messages oldest first with their read receipts
  ("Läst av Anna Berg 10:42"), and a form to write (kind, recipients among the staff of the
  organisations taking part, the text);
- ``/messages``: the reader's inbox, the threads in which a message names them, unread first.

The same service as the API (``messaging.service``): the same access checks and access log;
reading a thread marks its messages read by the reader.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from samband.kit.time import STOCKHOLM, utcnow
from samband.messaging import service
from samband.messaging.schemas import (
    MessageCreate,
    MessageKind,
    MessageWrite,
    Person,
    ThreadRead,
    ThreadSummary,
    Topic,
)
from samband.organisations import service as organisations
from samband.patients import service as patients
from samband.security.context import Context
from samband.security.roles import Permission
from samband.web.admin import FormLists
from samband.web.base import FormErrors, WebContext, attempt, parse_form, render
from samband.web.flow import blank

router = APIRouter(include_in_schema=False)

KINDS = [k.value for k in MessageKind]
FORM_FIELDS = ("body", "kind", "recipients", "topic", "topic_id")


def when(value: datetime, now: datetime) -> str:
    """A time as a receipt shows it: 10:42 today, 2026-03-14 10:42 another day."""
    local, today = value.astimezone(STOCKHOLM), now.astimezone(STOCKHOLM).date()
    return local.strftime("%H:%M") if local.date() == today else local.strftime("%Y-%m-%d %H:%M")


def _by_organisation(people: list[Person]) -> list[tuple[str, list[Person]]]:
    """The people who may be named, grouped by their organisation (by its name)."""
    groups: dict[str, list[Person]] = {}
    for person in people:
        groups.setdefault(person.organisation or "", []).append(person)
    return sorted(groups.items())


def _organisation_names(ctx: Context) -> dict[uuid.UUID, str]:
    return {o.id: o.name for o in organisations.list_organisations(ctx)}


def _thread_page(
    request: Request,
    ctx: Context,
    thread: ThreadRead,
    *,
    errors: FormErrors | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    patient = patients.get(ctx, thread.patient_id)
    errors = errors or FormErrors()
    if thread.id is not None:
        action = f"/threads/{thread.id}/messages"
    else:
        action = f"/patients/{thread.patient_id}/messages"
    return render(
        request,
        "messaging_thread.html",
        ctx,
        status_code=status_code,
        thread=thread,
        patient=patient,
        orgs=_organisation_names(ctx),
        groups=_by_organisation(thread.recipient_choices),
        kinds=KINDS,
        can_write=ctx.actor.can(Permission.MESSAGE_WRITE),
        action=action,
        errors=errors,
        values=values or {"kind": MessageKind.NOTE.value, "recipients": []},
        when=lambda value: when(value, utcnow()),
        sent=request.query_params.get("notice") == "sent",
    )


def _topic(value: str | None) -> Topic | None:
    try:
        return Topic(value) if value else None
    except ValueError:
        return None


def _uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


@router.get("/messages", response_class=HTMLResponse)
def inbox_page(request: Request, ctx: WebContext) -> HTMLResponse:
    items = service.inbox(ctx)
    return render(
        request, "messaging_inbox.html", ctx, items=items, when=lambda v: when(v, utcnow())
    )


@router.get("/patients/{patient_id}/threads", response_class=HTMLResponse)
def threads_page(request: Request, ctx: WebContext, patient_id: uuid.UUID) -> HTMLResponse:
    threads: list[ThreadSummary] = service.list_threads(ctx, patient_id)
    return render(
        request,
        "messaging_threads.html",
        ctx,
        patient=patients.get(ctx, patient_id),
        threads=threads,
        orgs=_organisation_names(ctx),
        when=lambda v: when(v, utcnow()),
    )


@router.get("/patients/{patient_id}/messages", response_model=None)
def patient_thread_page(
    request: Request,
    ctx: WebContext,
    patient_id: uuid.UUID,
    topic: str | None = None,
    topic_id: str | None = None,
) -> Response:
    """The patient's own thread, or (``topic``, ``topic_id``) a request's thread: a thread
    not started yet shows the form to write its first message."""
    thread = service.thread_about(ctx, patient_id, _topic(topic) or Topic.PATIENT, _uuid(topic_id))
    if thread.id is not None and topic:
        return RedirectResponse(f"/threads/{thread.id}", status_code=303)
    return _thread_page(request, ctx, thread)


@router.get("/threads/{thread_id}", response_class=HTMLResponse)
def thread_page(request: Request, ctx: WebContext, thread_id: uuid.UUID) -> HTMLResponse:
    return _thread_page(request, ctx, service.get_thread(ctx, thread_id))


def _message_form(form: FormLists) -> dict[str, Any]:
    """The message form (every recipient ticked); the form is awaited by ``read_form_lists``,
    this runs in the thread pool like every other dependency."""

    def one(name: str, default: str = "") -> str:
        values = form.get(name) or [default]
        return values[-1] or default

    return {
        "body": one("body"),
        "kind": one("kind", MessageKind.NOTE.value),
        "recipients": [r for r in form.get("recipients", []) if r],
        "topic": one("topic", Topic.PATIENT.value),
        "topic_id": blank(one("topic_id")),
    }


MessageForm = Annotated[dict[str, Any], Depends(_message_form)]


def _field(name: str) -> str:
    """A schema's error field as the form names it (recipients.0 → recipients)."""
    first = name.split(".", 1)[0]
    return first if first in FORM_FIELDS else ""


def _form_errors(errors: FormErrors) -> FormErrors:
    mapped = FormErrors(reasons=errors.reasons)
    for name, message in errors.fields.items():
        mapped.fields.setdefault(_field(name), message)
    return mapped


def _sent(message_id: uuid.UUID, thread_id: uuid.UUID) -> RedirectResponse:
    return RedirectResponse(f"/threads/{thread_id}?notice=sent#m-{message_id}", status_code=303)


@router.post("/patients/{patient_id}/messages", response_model=None)
def write_about_patient(
    request: Request, ctx: WebContext, patient_id: uuid.UUID, values: MessageForm
) -> Response:
    ctx.actor.require(Permission.MESSAGE_WRITE)  # before the form is judged
    data, errors = parse_form(MessageCreate, values)
    if data is not None:
        made = data
        done, errors = attempt(
            ctx, lambda: service.post_about_patient(ctx, patient_id, made), raise_not_found=True
        )
        if done is not None:
            return _sent(done.id, done.thread_id)
    topic = _topic(values["topic"]) or Topic.PATIENT
    thread = service.thread_about(ctx, patient_id, topic, _uuid(values["topic_id"]))
    return _thread_page(
        request, ctx, thread, errors=_form_errors(errors), values=values, status_code=422
    )


@router.post("/threads/{thread_id}/messages", response_model=None)
def write_in_thread(
    request: Request, ctx: WebContext, thread_id: uuid.UUID, values: MessageForm
) -> Response:
    ctx.actor.require(Permission.MESSAGE_WRITE)  # before the form is judged
    written = {k: values[k] for k in ("body", "kind", "recipients")}
    data, errors = parse_form(MessageWrite, written)
    if data is not None:
        made = data
        done, errors = attempt(
            ctx, lambda: service.post_in_thread(ctx, thread_id, made), raise_not_found=True
        )
        if done is not None:
            return _sent(done.id, done.thread_id)
    thread = service.get_thread(ctx, thread_id)
    return _thread_page(
        request, ctx, thread, errors=_form_errors(errors), values=values, status_code=422
    )
