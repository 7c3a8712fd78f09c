"""HTTP for the patient's copy of the documented agreement: a PDF to print or send."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from samband.deps import ContextDep
from samband.patientcopy import pdf, service

router = APIRouter(prefix="/api/v1/episodes", tags=["patient copy"])

PDF_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {}}, "description": "The copy as a PDF"},
    404: {"description": "No such episode, or no care relationship with the patient"},
    409: {"description": "The episode has no care plan yet"},
}


def pdf_response(copy: service.PatientCopy) -> Response:
    """The PDF of a copy that has a plan (409 otherwise), shown inline by the browser."""
    body = pdf.render(service.require_plan(copy))
    filename = f"plan-{copy.printed_on.isoformat()}.pdf"
    return Response(
        content=body,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


@router.get(
    "/{episode_id}/patient-copy.pdf",
    response_class=Response,
    responses=PDF_RESPONSES,
)
def patient_copy_pdf(
    ctx: ContextDep,
    episode_id: uuid.UUID,
    lang: Annotated[
        Literal["sv", "en"], Query(description="the reader's language: Swedish or English")
    ] = "sv",
) -> Response:
    """The patient's own copy of the documented agreement, in plain Swedish (or English):
    what happens today and the next days, whom to call, what to do if worse, the medicines
    and the expected discharge. Reading it is logged (action `print`, `patient_copy`)."""
    return pdf_response(service.for_episode(ctx, episode_id, lang=lang))
