"""Reports made as jobs, in the browser (issue 11): the outcomes page's "Beställ rapport"
(``POST /outcomes/reports``, the page's filters and a format), "Mina rapporter" (``/reports``:
"Tas fram…" while a report is being made, the page refreshing itself every few seconds, then
a download link; a failed one says why) and the download (``/reports/{id}/file``, only for
the person who asked). The same service as ``/api/v1/reports``: the report is made by the
job ``reports.render`` as the person who asked.

No handler here is ``async def``: they do database work (FastAPI runs a plain ``def`` in its
thread pool).
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from samband.kit.errors import InvalidInput, Problem, problem
from samband.reports import service
from samband.reports.schemas import ReportCreate
from samband.security.roles import Permission
from samband.web.base import WebContext, language, render
from samband.web.flow import FormData

router = APIRouter(include_in_schema=False)

REFRESH_SECONDS = 3
FORMATS = ("pdf", "html", "csv", "parquet")
FIELDS = ("from", "to", "pathway", "type", "organisation", "format")


@router.post("/outcomes/reports", response_model=None)
def order_report(request: Request, ctx: WebContext, form: FormData) -> Response:
    """Order the outcome report of the page's filters as a file; made in the background."""
    ctx.actor.require(Permission.DIRECTORY_READ)
    given = {key: (form.get(key) or "").strip() for key in FIELDS}
    data: dict[str, object] = {key: value for key, value in given.items() if value}
    data["trace"] = form.get("trace") == "1"
    data["language"] = language(request)
    try:
        order = ReportCreate.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"]) or None
        found = (error.get("ctx") or {}).get("problem")  # a schema's problem (a code)
        why = (
            found
            if isinstance(found, Problem)
            else problem("reports.bad_value", field=where, name=where or "")
        )
        raise InvalidInput(why, field=where) from None
    service.order(ctx, order)
    return RedirectResponse("/reports?notice=ordered", status_code=303)


@router.get("/reports", response_class=HTMLResponse)
def reports_page(request: Request, ctx: WebContext) -> HTMLResponse:
    """My reports: being made (the page refreshes itself), done (a link), failed (why)."""
    reports = service.mine(ctx)
    waiting = any(r.status in service.WAITING for r in reports)
    notice = "reports.ordered" if request.query_params.get("notice") == "ordered" else None
    return render(
        request,
        "reports.html",
        ctx,
        reports=reports,
        waiting=waiting,
        notice=notice,
        refresh=f"{REFRESH_SECONDS};url=/reports" if waiting else None,
    )


@router.get("/reports/{report_id}/file", response_model=None)
def report_file(ctx: WebContext, report_id: uuid.UUID) -> Response:
    """The file of one of my reports (someone else's: 404)."""
    report = service.download(ctx, report_id)
    return Response(
        report.content,
        media_type=report.media_type,
        headers={"Content-Disposition": f'attachment; filename="{report.filename}"'},
    )
