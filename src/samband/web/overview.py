"""The command centre's first screen, refreshed every 10 seconds without a reload."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from samband.kit.time import STOCKHOLM
from samband.overview import service
from samband.web.base import WebContext, render

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def overview_page(request: Request, ctx: WebContext) -> HTMLResponse:
    now_label = datetime.now(STOCKHOLM).strftime("%H:%M:%S")
    return render(request, "overview.html", ctx, o=service.overview(ctx), now_label=now_label)


@router.get("/overview/live", response_class=HTMLResponse)
def overview_live(request: Request, ctx: WebContext) -> HTMLResponse:
    """The overview's content alone, for the page's polling."""
    return render(request, "_overview_content.html", ctx, o=service.overview(ctx))
