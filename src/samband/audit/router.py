"""HTTP for the access log (read-only) and the review of emergency accesses. There is no
PUT, PATCH or DELETE on audit events: the log cannot be changed through the API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from samband.audit import service
from samband.audit.schemas import (
    AuditEventRead,
    AuditExtractRead,
    AuditSampleRead,
    EmergencyAccessAuditRead,
    EmergencyAccessReviewCreate,
)
from samband.deps import ContextDep
from samband.kit.schemas import Limit, Offset, Page

router = APIRouter(prefix="/api/v1", tags=["audit"])

Personnummer = Annotated[
    str | None,
    Query(max_length=20, description="personnummer or samordningsnummer, any valid form"),
]
From = Annotated[
    datetime | None,
    Query(alias="from", description="from this time (inclusive); no zone = Stockholm time"),
]
To = Annotated[
    datetime | None,
    Query(alias="to", description="until this time (exclusive); no zone = Stockholm time"),
]


@router.get("/audit-events", response_model=Page[AuditEventRead])
def search_audit_events(
    ctx: ContextDep,
    username: Annotated[str | None, Query(max_length=80)] = None,
    user_id: uuid.UUID | None = None,
    patient_id: uuid.UUID | None = None,
    personnummer: Personnummer = None,
    since: From = None,
    until: To = None,
    allowed: bool | None = None,
    emergency: bool | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[AuditEventRead]:
    """Search the access log, newest first (auditors only)."""
    events, total = service.search(
        ctx,
        username=username,
        user_id=user_id,
        patient_id=patient_id,
        personnummer=personnummer,
        since=since,
        until=until,
        allowed=allowed,
        emergency=emergency,
        limit=limit,
        offset=offset,
    )
    return Page(
        items=[AuditEventRead.model_validate(e) for e in events],
        total=total,
        limit=limit,
        offset=offset,
    )


@router.get("/audit-events/extract", response_model=AuditExtractRead)
def audit_extract(
    ctx: ContextDep, patient_id: uuid.UUID | None = None, personnummer: Personnummer = None
) -> AuditExtractRead:
    """The patient's access-log extract (loggutdrag): which organisation and unit accessed
    their data, what kind of action, and when, oldest first (auditors only)."""
    return service.extract(ctx, patient_id=patient_id, personnummer=personnummer)


@router.get("/audit-events/sample", response_model=AuditSampleRead)
def audit_sample(
    ctx: ContextDep,
    n: Annotated[int, Query(ge=1, le=service.MAX_SAMPLE)] = 20,
    since: From = None,
    until: To = None,
    seed: Annotated[int | None, Query(ge=0, le=2**63 - 1)] = None,
) -> AuditSampleRead:
    """A random sample of allowed accesses for the systematic review (auditors only). The
    same seed draws the same sample from the same log."""
    events = service.sample_for(ctx, n, since=since, until=until, seed=seed)
    return AuditSampleRead(
        n=n,
        seed=seed,
        since=since,
        until=until,
        items=[AuditEventRead.model_validate(e) for e in events],
    )


@router.get("/audit-events/{event_id}", response_model=AuditEventRead)
def get_audit_event(ctx: ContextDep, event_id: uuid.UUID) -> AuditEventRead:
    return AuditEventRead.model_validate(service.get_event(ctx, event_id))


@router.get("/emergency-accesses", response_model=Page[EmergencyAccessAuditRead])
def list_emergency_accesses(
    ctx: ContextDep, unreviewed: bool | None = None, limit: Limit = 50, offset: Offset = 0
) -> Page[EmergencyAccessAuditRead]:
    """Emergency accesses (nödåtkomst), newest first; ``unreviewed=true`` for the ones still
    to review (auditors only)."""
    items, total = service.emergency_accesses(
        ctx, unreviewed=unreviewed, limit=limit, offset=offset
    )
    return Page(items=items, total=total, limit=limit, offset=offset)


@router.post("/emergency-accesses/{access_id}/review", response_model=EmergencyAccessAuditRead)
def review_emergency_access(
    ctx: ContextDep, access_id: uuid.UUID, data: EmergencyAccessReviewCreate
) -> EmergencyAccessAuditRead:
    """Mark an emergency access reviewed, with a note (409 if it already is)."""
    return service.review(ctx, access_id, data)
