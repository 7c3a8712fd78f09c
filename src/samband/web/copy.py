"""The patient's copy of the documented agreement: a printable page and its PDF."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from samband.patientcopy import service
from samband.patientcopy.router import pdf_response
from samband.web.base import WebContext, language, render

router = APIRouter(include_in_schema=False)


@router.get("/patients/{patient_id}/copy", response_class=HTMLResponse)
def copy_page(request: Request, ctx: WebContext, patient_id: uuid.UUID) -> HTMLResponse:
    copy = service.for_patient(ctx, patient_id, lang=language(request))
    return render(request, "copy.html", ctx, copy=copy)


@router.get("/patients/{patient_id}/copy.pdf")
def copy_pdf(request: Request, ctx: WebContext, patient_id: uuid.UUID) -> Response:
    """The PDF of the patient's latest episode (409 page when there is no plan yet)."""
    return pdf_response(service.for_patient(ctx, patient_id, lang=language(request)))
