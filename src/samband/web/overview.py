"""The command centre's first screen: the alerts first (most severe, then oldest), then the
patients at home with their latest vital signs and NEWS2, candidates, care requests and free
reserved beds.

Live by push (issue 11, docs/decisions/0016-live-overview.md): the page opens an event stream,
``GET /overview/events``, and is sent only what changed: a patient's row (a new set of vital
signs, an alert of the episode), the alerts card (an alert raised or changed), ``refresh``
(the page refetches ``/overview/live`` once: an episode changed, the page came back after a
gap, or every ``REFRESH_MINUTES``) and ``logout`` (the session ended). The changes come from
the process's change feed (``samband.live.feed``); this module renders them (``prepare``,
once per batch for every page) and filters them per page (``_Page.handle``, by the episodes
the user's overview shows and the episodes the user may see). Without EventSource, or with
the feed off (SAMBAND_LIVE_FEED_SECONDS=0), the page polls ``/overview/live`` every 10 s.

A patient shown is logged once per user and patient per SAMBAND_OVERVIEW_LOG_MINUTES, on the
page and in the stream alike (``overview.service.log_shown``; docs/security.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sse_starlette import EventSourceResponse, ServerSentEvent

from samband.kit.errors import SambandError
from samband.kit.time import STOCKHOLM, utcnow
from samband.live.feed import Batch, ChangeFeed, Subscription
from samband.oncall import service as oncall
from samband.overview import service
from samband.security import service as security
from samband.security.context import AccessLog, Actor, Context
from samband.web.alerts import OverviewAlerts, minutes_since, overview_alerts
from samband.web.base import SESSION_COOKIE, WebContext, language, render, templates
from samband.web.coordination import overview_data as coordination_data
from samband.web.csrf import token_of
from samband.web.flow import notice_of
from samband.web.i18n import LANGUAGES, translate
from samband.web.nav import home_path
from samband.web.physicianrequests import overview_data as physician_requests_data

router = APIRouter(include_in_schema=False)

EVENTS_PATH = "/overview/events"
PING_SECONDS = 15
CHECK_SECONDS = 60  # the session (idle timeout, account) and what the page shows, re-read
REFRESH_MINUTES = 15  # the page refetches everything (care requests, beds, today's visits)

_ROW = templates.env.from_string(
    '{% import "_overview_row.html" as ov with context %}{{ ov.row(row, n) }}'
)
_ALERTS = templates.env.get_template("_overview_alerts.html")


def _alerts_and_data(ctx: Context) -> dict[str, Any]:
    # The overview's alerts are logged with the overview, once per period (not as a list of
    # alerts on every refresh): the alert list's own entries are set aside.
    shown = overview_alerts(Context(ctx.session, ctx.actor, AccessLog()))
    return {
        "o": service.overview(ctx, also_shown=[v.patient.id for v in shown.shown]),
        "alerts": shown,
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
    live = getattr(request.app.state, "live_feed", None) is not None
    return render(
        request,
        "overview.html",
        ctx,
        now_label=now_label,
        notice=notice_of(request),
        events_path=EVENTS_PATH if live else "",
        oncall_warnings=[w.text(language(request)) for w in oncall.overview_warnings(ctx)],
        coordination=coordination_data(ctx),
        physician_requests=physician_requests_data(ctx),
        **_alerts_and_data(ctx),
    )


@router.get("/overview/live", response_class=HTMLResponse)
def overview_live(request: Request, ctx: WebContext) -> HTMLResponse:
    """The overview's content alone: the page's polling, and its refetch after a gap."""
    return render(request, "_overview_content.html", ctx, **_alerts_and_data(ctx))


# -- the event stream ---------------------------------------------------------------------------


def prepare(session: Any, batch: Batch) -> None:
    """Render the batch's changed rows once, in every language, for every connected page (the
    change feed calls it in its thread, with its session)."""
    now = utcnow()
    for live in service.live_rows(session, batch.row_episodes):
        html = {
            lang: _ROW.render(
                row=live.row,
                n=live.alerts,
                now=now,
                minutes_since=minutes_since,
                lang=lang,
                t=lambda key, lang=lang: translate(key, lang),
            ).strip()
            for lang in LANGUAGES
        }
        batch.rendered[live.row.episode.id] = (live.row.patient.id, html)


def install_feed(app: FastAPI) -> ChangeFeed:
    """The process's change feed, for the pages' streams (app.py's lifespan runs it)."""
    feed = ChangeFeed(app.state.sessionmaker, prepare)
    app.state.live_feed = feed
    return feed


@dataclass
class _Page:
    """One connected overview: who, and what it shows (re-read every CHECK_SECONDS)."""

    feed: ChangeFeed
    token: str
    actor: Actor
    lang: str
    csrf: str
    episodes: set[uuid.UUID] = field(default_factory=set)
    logged: dict[uuid.UUID, datetime] = field(default_factory=dict)
    alerts_digest: str = ""

    def _unit(self) -> tuple[Any, Context]:
        session = self.feed.factory()
        return session, Context(session, self.actor, AccessLog())

    def _finish(self, session: Any, ctx: Context) -> None:
        if ctx.log.entries:
            ctx.log.write(session, self.actor, method="GET", path=EVENTS_PATH, status_code=200)
            session.commit()

    def check(self) -> bool:
        with self.feed.db_slots:
            return self._check()

    def _check(self) -> bool:
        """Still logged in (the idle timeout counts no stream as a use) and still allowed?
        Re-reads the episodes shown and what was logged in the period."""
        session, ctx = self._unit()
        with session:
            try:
                self.actor = security.authenticate_token(
                    session, self.token, idle=True, touch=False
                )
                ctx = Context(session, self.actor, AccessLog())
                if home_path(self.actor) is not None:
                    return False
                self.episodes = service.shown_episode_ids(ctx)
                self.logged = service.logged_in_period(ctx)
            except SambandError:
                return False
        return True

    def alerts_card(self, ctx: Context, *, log: bool) -> tuple[str, OverviewAlerts]:
        shown = overview_alerts(Context(ctx.session, ctx.actor, AccessLog()))
        if log:
            service.log_shown(ctx, [v.patient.id for v in shown.shown], logged=self.logged)
        html = _ALERTS.render(
            alerts=shown,
            now=utcnow(),
            minutes_since=minutes_since,
            lang=self.lang,
            t=lambda key: translate(key, self.lang),
            request=SimpleNamespace(scope={"state": {"csrf_token": self.csrf}}),
        )
        return html, shown

    def start(self) -> bool:
        with self.feed.db_slots:
            return self._start()

    def _start(self) -> bool:
        if not self._check():
            return False
        session, ctx = self._unit()
        with session:
            html, _ = self.alerts_card(ctx, log=False)  # the page itself logged them
        self.alerts_digest = hashlib.sha256(html.encode()).hexdigest()
        return True

    def handle(self, batch: Batch) -> list[tuple[str, str]]:
        """The events this page is sent for a batch: (event, data)."""
        with self.feed.db_slots:
            return self._handle(batch)

    def _handle(self, batch: Batch) -> list[tuple[str, str]]:
        session, ctx = self._unit()
        events: list[tuple[str, str]] = []
        with session:
            if batch.episodes and (
                batch.episodes & self.episodes or service.visible_episodes(ctx, batch.episodes)
            ):
                self.episodes = service.shown_episode_ids(ctx)
                return [("refresh", "episode")]  # the lists change: refetch once
            rows = []
            for episode_id in sorted(batch.row_episodes & self.episodes):
                rendered = batch.rendered.get(episode_id)
                if rendered is None:
                    continue
                patient_id, html = rendered
                service.log_shown(ctx, [patient_id], logged=self.logged)
                rows.append({"episode": str(episode_id), "html": html[self.lang]})
            if rows:
                events.append(("rows", json.dumps({"rows": rows}, separators=(",", ":"))))
            if batch.alert_episodes and service.visible_episodes(ctx, batch.alert_episodes):
                html, shown = self.alerts_card(ctx, log=True)
                digest = hashlib.sha256(html.encode()).hexdigest()
                if digest != self.alerts_digest:
                    self.alerts_digest = digest
                    events.append(("alerts", html))
            if self.actor.user_id in batch.notified:
                count = batch.notified[self.actor.user_id]
                events.append(("notifications", json.dumps({"new": count})))
            self._finish(session, ctx)
        return events


@router.get(EVENTS_PATH, response_model=None)
def overview_events(request: Request, ctx: WebContext) -> Response:
    """The overview's changes as Server-Sent Events. Authenticated like the page; the
    request's database session ends when this returns (Unit's scope is the function), the
    stream opens its own briefly per change (``_Page``). 204 (no stream: the page polls) when
    the process runs no change feed, or for a role without the overview."""
    service.shown_episode_ids(ctx)  # the overview's own permission check (403), now
    feed: ChangeFeed | None = getattr(request.app.state, "live_feed", None)
    if home_path(ctx.actor) is not None or feed is None:
        return Response(status_code=204)
    page = _Page(
        feed=feed,
        token=request.cookies.get(SESSION_COOKIE, ""),
        actor=ctx.actor,
        lang=language(request),
        csrf=token_of(request),
    )
    last_event_id = request.headers.get("last-event-id")
    return EventSourceResponse(
        _stream(feed, page, last_event_id),
        ping=PING_SECONDS,
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


async def _stream(
    feed: ChangeFeed, page: _Page, last_event_id: str | None
) -> AsyncIterator[ServerSentEvent]:
    subscription, refetch = feed.subscribe(page.actor.user_id, last_event_id)
    try:
        if not await asyncio.to_thread(page.start):
            yield ServerSentEvent(event="logout", data="", id=feed.event_id())
            return
        yield ServerSentEvent(event="refresh" if refetch else "ready", data="", id=feed.event_id())
        next_check = time.monotonic() + CHECK_SECONDS
        next_refresh = time.monotonic() + REFRESH_MINUTES * 60
        while True:
            batch = await _next(subscription, next_check)
            now = time.monotonic()
            if now >= next_check:
                next_check = now + CHECK_SECONDS
                if not await asyncio.to_thread(page.check):
                    yield ServerSentEvent(event="logout", data="", id=feed.event_id())
                    return
            if subscription.gap or now >= next_refresh:
                subscription.gap = False
                next_refresh = now + REFRESH_MINUTES * 60
                _drain(subscription)
                yield ServerSentEvent(event="refresh", data="", id=feed.event_id())
                continue
            if batch is None:
                continue
            for event, data in await asyncio.to_thread(page.handle, batch):
                yield ServerSentEvent(event=event, data=data, id=feed.event_id(batch.seq))
    finally:
        feed.unsubscribe(subscription)


async def _next(subscription: Subscription, until: float) -> Batch | None:
    timeout = max(0.0, until - time.monotonic())
    with contextlib.suppress(TimeoutError):
        return await asyncio.wait_for(subscription.queue.get(), timeout)
    return None


def _drain(subscription: Subscription) -> None:
    while not subscription.queue.empty():
        subscription.queue.get_nowait()
