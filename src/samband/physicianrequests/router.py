"""HTTP for physician requests (läkarkontakt, avrop; SBAR)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, status

from samband.deps import ContextDep
from samband.kit.schemas import Limit, Offset, Page
from samband.physicianrequests import service
from samband.physicianrequests.schemas import (
    Answer,
    Box,
    HistoryEntry,
    PhysicianRequestAnswer,
    PhysicianRequestCancel,
    PhysicianRequestCreate,
    PhysicianRequestRead,
    Routed,
    Status,
)
from samband.security.context import Context

router = APIRouter(prefix="/api/v1/physician-requests", tags=["physician requests"])


def read_of(found: service.RequestView) -> PhysicianRequestRead:
    r = found.request
    answer = None
    if r.answer_kind and r.answered_at:
        answer = Answer(
            kind=r.answer_kind,
            text=r.answer_text,
            at=r.answered_at,
            by_id=r.answered_by_id,
            by_name=found.answered_by_name,
            visit_id=r.answer_visit_id,
            minutes_to_answer=found.minutes_to_answer or 0,
        )
    history: list[Any] = r.history or []
    return PhysicianRequestRead(
        id=r.id,
        reference=service.reference(r.id),
        patient_id=r.patient_id,
        patient_name=found.patient_name,
        episode_id=r.episode_id,
        visit_id=r.visit_id,
        asked_by_id=r.asked_by_id,
        asked_by_name=found.asked_by_name,
        asking_organisation_id=r.asking_organisation_id,
        urgency=r.urgency,
        situation=r.situation,
        background=r.background,
        assessment=r.assessment,
        recommendation=r.recommendation,
        observation_set_id=r.observation_set_id,
        vitals=r.vitals or {},
        agreement=r.agreement,
        due_at=r.due_at,
        overdue=found.overdue,
        routed_to=Routed(
            via=r.routed_via,
            user_id=r.routed_to_user_id,
            name=r.routed_to_name,
            phone=r.routed_to_phone,
            organisation_id=r.physician_organisation_id,
        ),
        level=r.level,
        status=r.status,
        escalated_at=r.escalated_at,
        answer=answer,
        minutes_to_answer=found.minutes_to_answer,
        forwarded_to_id=r.forwarded_to_id,
        history=[HistoryEntry.model_validate(h) for h in history if isinstance(h, dict)],
        created_at=r.created_at,
        updated_at=r.updated_at,
    )


def _read(ctx: Context, request: Any) -> PhysicianRequestRead:
    return read_of(service.view(ctx, request))


@router.post("", response_model=PhysicianRequestRead, status_code=status.HTTP_201_CREATED)
def ask_physician(ctx: ContextDep, data: PhysicianRequestCreate) -> PhysicianRequestRead:
    """Ask a physician about a patient (SBAR: situation required) with an urgency: acute,
    same_day or planned. The limit (``due_at``) comes from the agreement between the
    organisations; the request goes to the patient's fixed physician in office hours, else
    to the physician on call (``routed_to``; ``via`` nobody: call ``routed_to.phone``), who
    is notified. The latest vital signs are attached."""
    return _read(ctx, service.ask(ctx, data))


@router.get("", response_model=Page[PhysicianRequestRead])
def list_physician_requests(
    ctx: ContextDep,
    box: Box | None = None,
    status: Status | None = None,
    patient_id: uuid.UUID | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[PhysicianRequestRead]:
    """``inbox``: routed to you or to your organisation's physicians; ``sent``: asked by
    your organisation; ``overdue``: open past the limit, to or from you or your
    organisation; none: inbox and sent. Overdue first, then your own, then by the limit."""
    rows, total = service.search(
        ctx, box=box, status=status, patient_id=patient_id, limit=limit, offset=offset
    )
    return Page(items=[read_of(v) for v in rows], total=total, limit=limit, offset=offset)


@router.get("/{request_id}", response_model=PhysicianRequestRead)
def get_physician_request(ctx: ContextDep, request_id: uuid.UUID) -> PhysicianRequestRead:
    """A request, for anyone with a care relationship with the patient or to whom it is or
    was routed."""
    return read_of(service.get(ctx, request_id))


@router.post("/{request_id}/answer", response_model=PhysicianRequestRead)
def answer_physician_request(
    ctx: ContextDep, request_id: uuid.UUID, data: PhysicianRequestAnswer
) -> PhysicianRequestRead:
    """A physician answers: advice, medication_change or admission (with ``text``),
    home_visit (``slot_id`` and ``date`` book it), video, or forwarded (to
    ``forward_to_user_id``: the request stays open). The asking nurse is notified. An
    answered or cancelled request answers 409."""
    return _read(ctx, service.answer(ctx, request_id, data))


@router.post("/{request_id}/cancel", response_model=PhysicianRequestRead)
def cancel_physician_request(
    ctx: ContextDep, request_id: uuid.UUID, data: PhysicianRequestCancel | None = None
) -> PhysicianRequestRead:
    """The asker withdraws an open request (a ``reason`` is optional)."""
    return _read(ctx, service.cancel(ctx, request_id, data or PhysicianRequestCancel()))
