"""HTTP for discharge summaries (utskrivningsinformation, issue 14; docs/discharge-summary.md)."""

from __future__ import annotations

import json
import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, status
from fastapi.responses import Response

from samband.deps import ContextDep
from samband.dischargesummaries import service
from samband.dischargesummaries.schemas import (
    DischargeSummaryAmend,
    DischargeSummaryRead,
    DischargeSummaryUpdate,
    MissingSummary,
)
from samband.kit.schemas import Limit, Offset, Page
from samband.models.dischargesummaries import DischargeSummary

router = APIRouter(prefix="/api/v1", tags=["discharge summaries"])

Lang = Annotated[Literal["sv", "en"], Query(description="the language: Swedish or English")]
PATH = "/discharge-summaries/{summary_id}"


def read_of(summary: DischargeSummary) -> DischargeSummaryRead:
    found = DischargeSummaryRead.model_validate(summary)
    base = f"/api/v1/discharge-summaries/{summary.id}"
    found.links = {
        "self": base,
        "pdf": f"{base}/pdf",
        "fhir": f"{base}/fhir",
        "page": service.link(summary.id),
    }
    return found


@router.post(
    "/episodes/{episode_id}/discharge-summaries",
    response_model=DischargeSummaryRead,
    status_code=status.HTTP_201_CREATED,
)
def create_discharge_summary(ctx: ContextDep, episode_id: uuid.UUID) -> DischargeSummaryRead:
    """A draft made from the episode's data (at home or discharged; the responsible
    organisation's nurse or physician). 409 when a draft or a signed summary exists
    (``summary_id`` names it: edit the draft, or amend the signed one)."""
    return read_of(service.create(ctx, episode_id))


@router.get("/episodes/{episode_id}/discharge-summaries", response_model=list[DischargeSummaryRead])
def list_discharge_summaries(ctx: ContextDep, episode_id: uuid.UUID) -> list[DischargeSummaryRead]:
    """Every version of the episode's summary, newest first."""
    return [read_of(s) for s in service.of_episode(ctx, episode_id)]


@router.get("/discharge-summaries/missing", response_model=Page[MissingSummary])
def missing_discharge_summaries(
    ctx: ContextDep, limit: Limit = 50, offset: Offset = 0
) -> Page[MissingSummary]:
    """Your organisation's discharged episodes without a signed summary (``total`` counts
    them), newest discharge first, with the draft's id where there is one."""
    rows, total = service.missing(ctx, limit=limit, offset=offset)
    return Page(
        items=[
            MissingSummary(
                episode_id=e.id,
                patient_id=e.patient_id,
                pathway=e.pathway,
                ended_at=e.ended_at,
                draft_id=draft_id,
            )
            for e, draft_id in rows
        ],
        total=total,
        limit=limit,
        offset=offset,
    )


@router.get(PATH, response_model=DischargeSummaryRead)
def get_discharge_summary(ctx: ContextDep, summary_id: uuid.UUID) -> DischargeSummaryRead:
    """A summary: for the responsible organisation and the organisations taking part in the
    episode (those it was sent to)."""
    return read_of(service.get(ctx, summary_id))


@router.patch(PATH, response_model=DischargeSummaryRead)
def update_discharge_summary(
    ctx: ContextDep, summary_id: uuid.UUID, data: DischargeSummaryUpdate
) -> DischargeSummaryRead:
    """Edit a draft: ``assessment``, ``advice``, ``follow_up`` (the list replaced). A signed
    summary answers 409 (amend it)."""
    return read_of(service.update(ctx, summary_id, data))


@router.post(PATH + "/refresh", response_model=DischargeSummaryRead)
def refresh_discharge_summary(ctx: ContextDep, summary_id: uuid.UUID) -> DischargeSummaryRead:
    """Make a draft again from the episode's data (what people wrote is kept)."""
    return read_of(service.refresh(ctx, summary_id))


@router.post(PATH + "/sign", response_model=DischargeSummaryRead)
def sign_discharge_summary(ctx: ContextDep, summary_id: uuid.UUID) -> DischargeSummaryRead:
    """A physician of the responsible organisation signs the draft: it is frozen. If the
    episode is discharged it is sent at once with the referral (``sent``)."""
    return read_of(service.sign(ctx, summary_id))


@router.post(
    PATH + "/amend", response_model=DischargeSummaryRead, status_code=status.HTTP_201_CREATED
)
def amend_discharge_summary(
    ctx: ContextDep, summary_id: uuid.UUID, data: DischargeSummaryAmend
) -> DischargeSummaryRead:
    """A new draft version of a signed summary, with the ``reason``; the signed one stays in
    force until the new one is signed."""
    return read_of(service.amend(ctx, summary_id, data))


PDF_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {}}, "description": "The summary as a PDF"},
    404: {"description": "No such summary, or no care relationship with the patient"},
}


@router.get(PATH + "/pdf", response_class=Response, responses=PDF_RESPONSES)
def discharge_summary_pdf(ctx: ContextDep, summary_id: uuid.UUID, lang: Lang = "sv") -> Response:
    """The summary as a PDF (a draft says so on every page). Logged as a print."""
    body, doc = service.pdf_of(ctx, summary_id, lang=lang)
    name = f"utskrivningsinformation-v{doc.summary.version}.pdf"
    return Response(
        content=body,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "no-store"},
    )


FHIR_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"application/fhir+json": {}},
        "description": "A FHIR R4 Bundle of type document: the Composition first",
    },
    404: {"description": "No such summary, or no care relationship with the patient"},
}


@router.get(PATH + "/fhir", response_class=Response, responses=FHIR_RESPONSES)
def discharge_summary_fhir(ctx: ContextDep, summary_id: uuid.UUID, lang: Lang = "sv") -> Response:
    """The summary as a FHIR R4 document Bundle: the Composition (LOINC 18842-5; status
    final when signed, preliminary when a draft; the signing physician as attester), the
    Patient, Practitioners, Organization, MedicationStatements and Observations."""
    bundle = service.fhir_of(ctx, summary_id, lang=lang)
    return Response(
        content=json.dumps(bundle, ensure_ascii=False),
        media_type="application/fhir+json",
        headers={"Cache-Control": "no-store"},
    )
