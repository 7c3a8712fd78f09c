"""HTTP for care requests between organisations (vårdbegäran, remiss; FHIR Task)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, status

from samband.carerequests import service
from samband.carerequests.schemas import (
    CareRequestCreate,
    CareRequestRead,
    CareRequestState,
    CareRequestTransition,
    Direction,
)
from samband.deps import ContextDep
from samband.kit.schemas import Limit, Offset, Page

router = APIRouter(prefix="/api/v1/care-requests", tags=["care requests"])


@router.post("", response_model=CareRequestRead, status_code=status.HTTP_201_CREATED)
def send_care_request(ctx: ContextDep, data: CareRequestCreate) -> CareRequestRead:
    """Send a care request from your organisation to home health care, home care or a primary
    care centre, with the current care-plan version and medication list attached. The
    receiving organisation joins the episode (its care relationship) while the request is
    open."""
    request, patient_id = service.send(ctx, data)
    return CareRequestRead.of(request, patient_id)


@router.get("", response_model=Page[CareRequestRead])
def list_care_requests(
    ctx: ContextDep,
    direction: Direction | None = None,
    state: CareRequestState | None = None,
    episode_id: uuid.UUID | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[CareRequestRead]:
    """Requests to (incoming) or from (outgoing) your organisation; both without direction."""
    rows, total = service.search(
        ctx, direction=direction, state=state, episode_id=episode_id, limit=limit, offset=offset
    )
    return Page(
        items=[CareRequestRead.of(request, patient_id) for request, patient_id in rows],
        total=total,
        limit=limit,
        offset=offset,
    )


@router.get("/{request_id}", response_model=CareRequestRead)
def get_care_request(ctx: ContextDep, request_id: uuid.UUID) -> CareRequestRead:
    request, patient_id = service.get(ctx, request_id)
    return CareRequestRead.of(request, patient_id)


@router.post("/{request_id}/transitions", response_model=CareRequestRead)
def transition_care_request(
    ctx: ContextDep, request_id: uuid.UUID, data: CareRequestTransition
) -> CareRequestRead:
    """received / accepted / declined (with a reason) / completed: by the receiving
    organisation. cancelled (with a reason): by the sending organisation. A transition that is
    not allowed now answers 409 with the allowed ones."""
    request, patient_id = service.transition(ctx, request_id, data)
    return CareRequestRead.of(request, patient_id)
