"""HTTP for the access log (read-only), its review marks and the review of emergency
accesses. There is no PUT, PATCH or DELETE on audit events: the log cannot be changed
through the API (a review mark is a row of its own, POST /audit-reviews). An auditor reads
their own care provider's log only."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, status
from fastapi.responses import Response

from samband.audit import pdf, service
from samband.audit.schemas import (
    AuditEventRead,
    AuditExtractRead,
    AuditReviewCreate,
    AuditReviewRead,
    AuditSampleRead,
    EmergencyAccessAuditRead,
    EmergencyAccessReviewCreate,
    FlaggedEventRead,
    FlaggedKind,
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
    unit_code: Annotated[str | None, Query(max_length=32)] = None,
    organisation_code: Annotated[str | None, Query(max_length=32)] = None,
    since: From = None,
    until: To = None,
    allowed: bool | None = None,
    emergency: bool | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[AuditEventRead]:
    """Search the access log of the auditor's care provider, newest first (auditors only):
    by user, patient, unit or organisation (codes), period and flags."""
    events, total = service.search(
        ctx,
        username=username,
        user_id=user_id,
        patient_id=patient_id,
        personnummer=personnummer,
        unit_code=unit_code,
        organisation_code=organisation_code,
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
    """The patient's access-log extract (loggutdrag) from the auditor's care provider's log:
    which organisation and unit accessed their data, what kind of action, and when, oldest
    first (auditors only; a patient the log has nothing about → 404)."""
    return service.extract(ctx, patient_id=patient_id, personnummer=personnummer)


@router.get(
    "/audit-events/extract.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
def audit_extract_pdf(
    ctx: ContextDep,
    patient_id: uuid.UUID | None = None,
    personnummer: Personnummer = None,
    lang: Annotated[str, Query(pattern="^(sv|en)$")] = "sv",
) -> Response:
    """The same extract as a PDF to give the patient, in Swedish (default) or English."""
    extract = service.extract(ctx, patient_id=patient_id, personnummer=personnummer)
    return Response(
        pdf.render(extract, lang=lang),
        media_type="application/pdf",
        headers={"Content-Disposition": 'attachment; filename="loggutdrag.pdf"'},
    )


@router.get("/audit-events/sample", response_model=AuditSampleRead)
def audit_sample(
    ctx: ContextDep,
    n: Annotated[int, Query(ge=1, le=service.MAX_SAMPLE)] = 20,
    since: From = None,
    until: To = None,
    seed: Annotated[int | None, Query(ge=0, le=2**63 - 1)] = None,
    reviewed: bool | None = None,
) -> AuditSampleRead:
    """A random sample of allowed accesses of the auditor's care provider's log for the
    systematic review (auditors only), with the review marks of the sampled rows. The same
    seed draws the same sample from the same log; ``reviewed`` keeps only the reviewed
    (true) or unreviewed (false) rows of that draw."""
    events, reviews = service.sample_for(
        ctx, n, since=since, until=until, seed=seed, reviewed=reviewed
    )
    return AuditSampleRead(
        n=n,
        seed=seed,
        since=since,
        until=until,
        items=[AuditEventRead.model_validate(e) for e in events],
        reviews=[AuditReviewRead.model_validate(reviews[e.id]) for e in events if e.id in reviews],
    )


@router.get("/audit-events/to-review", response_model=Page[FlaggedEventRead])
def audit_to_review(
    ctx: ContextDep,
    kind: FlaggedKind,
    reviewed: bool | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[FlaggedEventRead]:
    """Rows to review in the auditor's care provider's log, newest first: new care
    relationships (``relationship_start``) or blocks overridden by emergency access
    (``block_override``), each with its review mark; ``reviewed`` filters (auditors only)."""
    items, total = service.flagged(ctx, kind, reviewed=reviewed, limit=limit, offset=offset)
    return Page(items=items, total=total, limit=limit, offset=offset)


@router.get("/audit-events/{event_id}", response_model=AuditEventRead)
def get_audit_event(ctx: ContextDep, event_id: uuid.UUID) -> AuditEventRead:
    return AuditEventRead.model_validate(service.get_event(ctx, event_id))


@router.post("/audit-reviews", response_model=AuditReviewRead, status_code=status.HTTP_201_CREATED)
def create_audit_review(ctx: ContextDep, data: AuditReviewCreate) -> AuditReviewRead:
    """Mark a row of the access log reviewed, with a note (409 if it already is). The row
    itself never changes: the mark is kept beside it."""
    return AuditReviewRead.model_validate(service.mark_reviewed(ctx, data))


@router.get("/emergency-accesses", response_model=Page[EmergencyAccessAuditRead])
def list_emergency_accesses(
    ctx: ContextDep, unreviewed: bool | None = None, limit: Limit = 50, offset: Offset = 0
) -> Page[EmergencyAccessAuditRead]:
    """Emergency accesses (nödåtkomst) by users of the auditor's care provider, newest
    first; ``unreviewed=true`` for the ones still to review (auditors only)."""
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
