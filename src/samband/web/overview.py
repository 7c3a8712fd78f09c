"""The command centre's first screen, refreshed every 10 seconds without a reload: the alerts
first (most severe, then oldest), then the patients at home with their latest vital signs and
NEWS2, candidates, care requests and free reserved beds."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from samband.kit.time import STOCKHOLM, utcnow
from samband.overview import service
from samband.security.context import Context
from samband.web.alerts import minutes_since, overview_alerts
from samband.web.base import WebContext, render
from samband.web.flow import notice_of
from samband.web.nav import home_path

router = APIRouter(include_in_schema=False)


def _data(ctx: Context) -> dict[str, Any]:
    return {
        "o": service.overview(ctx),
        "alerts": overview_alerts(ctx),
        "now": utcnow(),
        "minutes_since": minutes_since,
    }


@router.get("/", response_class=HTMLResponse, response_model=None)
def overview_page(request: Request, ctx: WebContext) -> Response:
    """The overview; a role without it lands on its own first page (web/nav.py): the
    auditor on the access log, the analyst on the outcomes, the administrator on the users.
    The login's default destination is `/`, so this is where each role lands after login."""
    home = home_path(ctx.actor)
    if home is not None:
        return RedirectResponse(home, status_code=303)
    now_label = datetime.now(STOCKHOLM).strftime("%H:%M:%S")
    return render(
        request,
        "overview.html",
        ctx,
        now_label=now_label,
        notice=notice_of(request),
        **_data(ctx),
    )


@router.get("/overview/live", response_class=HTMLResponse)
def overview_live(request: Request, ctx: WebContext) -> HTMLResponse:
    """The overview's content alone, for the page's polling."""
    return render(request, "_overview_content.html", ctx, **_data(ctx))
