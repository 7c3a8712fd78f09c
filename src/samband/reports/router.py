"""HTTP for reports made as jobs: order one (202, made off the request path as you), follow
it, download its file. Only the person who asked sees a report (another's: 404)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from fastapi.responses import JSONResponse, Response

from samband.deps import ContextDep
from samband.models import ReportFile
from samband.reports import service
from samband.reports.schemas import ReportCreate, ReportRead

router = APIRouter(prefix="/api/v1/reports", tags=["reports"])

_REFUSALS: dict[int | str, dict[str, Any]] = {
    403: {
        "description": "your role may not have this report (directory:read; trace: patient:read)"
    },
    404: {"description": "no such report of yours"},
    410: {"description": "the report has expired"},
}


def read(report: ReportFile) -> ReportRead:
    view = ReportRead.model_validate(report)
    if report.status == "done":
        view.file_url = f"/api/v1/reports/{report.id}/file"
    return view


@router.post(
    "",
    response_model=ReportRead,
    status_code=status.HTTP_202_ACCEPTED,
    responses={403: _REFUSALS[403]},
)
def order_report(ctx: ContextDep, data: ReportCreate) -> JSONResponse:
    """Order a report: checked at once (422 naming the field, nothing stored), then made by a
    job as you, with your permissions and care relationships. Answers 202 with the report
    (``queued``) and its Location; follow it until ``done`` (or ``failed``, with why)."""
    report = service.order(ctx, data)
    return JSONResponse(
        read(report).model_dump(mode="json"),
        status_code=status.HTTP_202_ACCEPTED,
        headers={"Location": f"/api/v1/reports/{report.id}"},
    )


@router.get("", response_model=list[ReportRead], responses={403: _REFUSALS[403]})
def my_reports(
    ctx: ContextDep, limit: Annotated[int, Query(ge=1, le=200)] = 50
) -> list[ReportRead]:
    """Your reports not yet expired, newest first."""
    return [read(r) for r in service.mine(ctx, limit)]


@router.get("/{report_id}", response_model=ReportRead, responses=_REFUSALS)
def get_report(ctx: ContextDep, report_id: uuid.UUID) -> ReportRead:
    """One of your reports: its status (queued, running, done, failed) and parameters."""
    return read(service.get(ctx, report_id))


@router.get(
    "/{report_id}/file",
    response_class=Response,
    responses={
        **_REFUSALS,
        200: {
            "description": "the file",
            "content": {media: {} for media in service.MEDIA_TYPES.values()},
        },
        409: {"description": "not made yet, or it failed"},
    },
)
def report_file(ctx: ContextDep, report_id: uuid.UUID) -> Response:
    """The report's file, once it is done (409 before)."""
    report = service.download(ctx, report_id)
    return Response(
        report.content,
        media_type=report.media_type,
        headers={"Content-Disposition": f'attachment; filename="{report.filename}"'},
    )
