"""The FastAPI application factory: API routers, error handlers, the database."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import sqlite3
from collections.abc import AsyncIterator
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp

from samband import __version__
from samband.config import get_settings
from samband.db import make_engine, make_sessionmaker
from samband.deps import reject_nul_characters
from samband.kit.errors import Problem, SambandError, Unauthenticated
from samband.middleware import BodyLimit, BodyTooLarge, SecurityHeaders, too_large_response
from samband.observations.fhir import MEDIA_TYPE as FHIR_JSON
from samband.observations.fhir import operation_outcome
from samband.web import apidocs
from samband.web.auth import login_redirect
from samband.web.base import HERE as WEB_DIR
from samband.web.base import SESSION_COOKIE, LoginRequired, language, render
from samband.web.csrf import CsrfMiddleware
from samband.web.i18n import translate

WEB_STATIC = WEB_DIR / "static"
DATABASE_DOWN = (
    "the database is not reachable (restarting or busy); nothing was changed: retry in a "
    "few seconds (a measurement sent again with the same client_id is stored once)"
)
RETRY_AFTER_SECONDS = 2
FASTAPI_PARSE_ERROR = "There was an error parsing the body"

log = logging.getLogger(__name__)


def create_app(
    database_url: str | None = None, session_factory: sessionmaker[Session] | None = None
) -> FastAPI:
    app = _Samband(
        title="Samband",
        version=__version__,
        lifespan=_lifespan,
        dependencies=[Depends(reject_nul_characters)],
        docs_url=None,  # web/apidocs.py serves /docs without a CDN
        redoc_url=None,  # ReDoc loads its logo from its CDN (web/apidocs.py)
        description=(
            "Hospital care at home (sjukhusvård i hemmet): episodes, documented agreements, "
            "care requests between organisations, medication, checklists and the access log."
        ),
    )
    if session_factory is None:
        engine = make_engine(database_url or get_settings().resolved_database_url())
        session_factory = make_sessionmaker(engine)
    app.state.sessionmaker = session_factory

    _add_error_handlers(app)
    for router in _routers():
        app.include_router(router)
    # Issue 10: forms carry a CSRF token; no body larger than SAMBAND_MAX_BODY_BYTES (the
    # last added is the outermost: the limit counts what the CSRF check reads too).
    app.add_middleware(CsrfMiddleware)
    app.add_middleware(BodyLimit, limit=get_settings().max_body_bytes)
    apidocs.install(app)  # before /static: the first matching mount wins
    app.mount("/static", StaticFiles(directory=str(WEB_STATIC)), name="static")

    @app.get("/health", tags=["meta"])
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    return app


class _Samband(FastAPI):
    """FastAPI with the security headers around everything, the answers of its outermost
    error handler (500) included (middleware.SecurityHeaders)."""

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityHeaders(super().build_middleware_stack())


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """The job queue's jobs run in this process when it is the one to run them (SQLite, or
    SAMBAND_JOBS_IN_APP=true; on PostgreSQL `samband worker` does): notification deliveries,
    day-plan solves, and the periodic alert checks (missed measurements, escalation) every
    SAMBAND_ALERT_TICK_SECONDS (0: off, as in the tests; use `samband alerts tick`), and a
    checkpoint of the access log's chain is written every
    SAMBAND_AUDIT_CHECKPOINT_MINUTES (0: off; `samband audit checkpoint` from cron instead).

    At the first start in a process the garbage collector is settled for large requests
    (``settle_garbage_collector``)."""
    from samband.audit import integrity
    from samband.jobs import local

    settle_garbage_collector()

    settings = get_settings()
    factory = app.state.sessionmaker
    tasks = []
    if settings.audit_checkpoint_minutes:
        directory = settings.resolved_audit_checkpoint_dir()
        minutes = settings.audit_checkpoint_minutes
        tasks.append(asyncio.create_task(integrity.loop(factory, minutes, directory)))
    if settings.live_feed_seconds:
        # the live overview's change feed (issue 11; docs/decisions/0016-live-overview.md)
        from samband.web.overview import install_feed

        feed = install_feed(app)
        tasks.append(asyncio.create_task(feed.run(settings.live_feed_seconds)))
    runner = local.running(factory) if settings.runs_jobs_in_app() else contextlib.nullcontext()
    try:
        async with runner:
            yield
    finally:
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


_settled = False
GC_THRESHOLD = 10_000  # objects allocated between young collections (Python's default: 700)


def settle_garbage_collector() -> None:
    """Once per process, at start-up: what start-up made is moved out of the collector's view
    (``gc.freeze``), and young collections run every 10 000 allocations instead of 700. A
    request taking in a thousand sets allocates hundreds of thousands of objects; with the
    defaults it paid ~70 ms for a full collection every few requests and ~5 ms of young
    ones each time (docs/benchmarks.md, issue 5)."""
    global _settled
    if not _settled:
        gc.collect()
        gc.freeze()
        _, second, third = gc.get_threshold()
        gc.set_threshold(GC_THRESHOLD, second, third)
        _settled = True


def _routers() -> list:  # type: ignore[type-arg]
    from samband.alerts.router import router as alerts
    from samband.audit.router import router as audit
    from samband.careplans.router import router as care_plans
    from samband.carerequests.router import router as care_requests
    from samband.coordination.router import router as coordination
    from samband.deviations.router import router as deviations
    from samband.dischargesummaries.router import router as discharge_summaries
    from samband.enrolments.router import router as enrolments
    from samband.episodes.router import router as episodes
    from samband.labresults.router import router as lab_results
    from samband.medadmin.router import router as medication_administration
    from samband.medications.router import router as medications
    from samband.messaging.router import router as messaging
    from samband.monitoring.router import fhir_router as fhir_intake
    from samband.monitoring.router import router as observation_intake
    from samband.notifications.router import router as notifications
    from samband.observations.router import fhir_router
    from samband.observations.router import router as observations
    from samband.oncall.router import router as on_call
    from samband.organisations.router import router as organisations
    from samband.outcomes.router import router as outcomes
    from samband.palliative.router import router as palliative
    from samband.pathways.router import router as pathways
    from samband.patientcopy.router import router as patient_copy
    from samband.patients.router import router as patients
    from samband.physicianrequests.router import router as physician_requests
    from samband.physicianvisits.router import router as physician_visits
    from samband.pilots.router import router as pilots
    from samband.reports.router import router as reports
    from samband.rounds.router import router as rounds
    from samband.security.router import router as auth
    from samband.visits.router import router as visits
    from samband.web.routers import routers as web

    return [
        auth,
        organisations,
        pathways,
        patients,
        episodes,
        care_plans,
        care_requests,
        medications,
        patient_copy,
        rounds,
        visits,
        observation_intake,
        observations,
        alerts,
        outcomes,
        reports,
        pilots,
        fhir_intake,
        fhir_router,
        audit,
        notifications,
        on_call,
        enrolments,
        coordination,
        messaging,
        physician_visits,
        physician_requests,
        medication_administration,
        lab_results,
        discharge_summaries,
        palliative,
        deviations,
        *web,
    ]


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    def _login(_request: Request, exc: LoginRequired) -> Response:
        return login_redirect(exc.next_path)

    @app.exception_handler(SambandError)
    def _samband_error(request: Request, exc: SambandError) -> Response:
        if _is_fhir(request):
            issues = exc.details.get("issues") if exc.details else None
            if not issues and exc.field:
                issues = [{"message": exc.message, "expression": exc.field}]
            headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthenticated) else None
            # FHIR's issue code follows the kind of error (not_found …), not the problem's code
            kind = type(exc).code if exc.problem is not None else exc.code
            return _outcome(exc.status_code, exc.message, kind, issues, headers)
        if _is_page(request):
            # the page's frame with the user's navigation and log-out button (web/nav.py)
            return _error_page(request, exc.status_code, exc.text(language(request)))
        body = exc.as_json()
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthenticated) else None
        return JSONResponse(status_code=exc.status_code, content=body, headers=headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if isinstance(exc, BodyTooLarge):
            return too_large_response(request.url.path, exc.limit)
        if exc.status_code == 400:
            # FastAPI's and Starlette's 400 for a body they could not read (not UTF-8, a
            # broken multipart form): a 422 that names the problem, like any invalid input.
            cause = exc.__cause__
            if exc.detail != FASTAPI_PARSE_ERROR:
                problem = f": {exc.detail}"
            elif cause is not None and str(cause):
                problem = f": {cause}"
            else:
                problem = ""
            detail = f"the request body could not be read{problem}; send UTF-8 JSON or a form"
            if _is_fhir(request):
                return _outcome(422, detail, "structure", None)
            return JSONResponse(
                status_code=422,
                content={"detail": detail, "code": "invalid", "field": "body"},
            )
        if _is_fhir(request):
            code = {404: "not_found", 405: "not_supported"}.get(exc.status_code, "invalid")
            headers = dict(exc.headers) if exc.headers else None
            return _outcome(exc.status_code, str(exc.detail), code, None, headers)
        if _is_page(request):
            # no such page (404) or not this method (405): said in the reader's language
            lang = language(request)
            if exc.status_code == 404:
                text: str | None = translate("error.no_such_page", lang)
            elif exc.status_code == 405:
                text = translate("error.wrong_method", lang)
            else:
                text = None
            page = _error_page(request, exc.status_code, text)
            if exc.headers:
                page.headers.update(exc.headers)
            return page
        return await http_exception_handler(request, exc)

    @app.exception_handler(RequestValidationError)
    def _invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = []
        for error in exc.errors():
            # the body's own place, not a field of it named "body" (a message's text)
            loc = list(error.get("loc", ()))
            location = [str(part) for part in (loc[1:] if loc[:1] == ["body"] else loc)]
            field = ".".join(location)
            message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
            entry = {"field": field, "message": message, "type": error.get("type")}
            found = (error.get("ctx") or {}).get("problem")  # a schema's problem: its code
            if isinstance(found, Problem):
                entry["code"] = found.code
                entry["params"] = found.as_json().get("params", {})
                if not field and found.field:  # a check across fields names its own field
                    entry["field"] = found.field
            errors.append(entry)
        summary = "; ".join(f"{e['field']}: {e['message']}" for e in errors) or "invalid input"
        if _is_fhir(request):
            issues = [{"message": e["message"], "expression": e["field"]} for e in errors]
            return _outcome(422, summary, "invalid", issues)
        if _is_page(request):
            # an address a page never links to (a malformed id): no form to show it in
            return _error_page(request, 422, translate("error.invalid_address", language(request)))
        return JSONResponse(
            status_code=422, content={"detail": summary, "code": "invalid", "errors": errors}
        )

    @app.exception_handler(DataError)
    def _unstorable(request: Request, exc: DataError) -> JSONResponse:
        # e.g. a NUL character in a text, or a number larger than the column holds
        log.info("rejected input the database cannot store: %s", exc.orig)
        detail = (
            "a value cannot be stored: remove control characters (such as NUL) "
            "from texts and keep numbers within their allowed range"
        )
        if _is_fhir(request):
            return _outcome(422, detail, "invalid", None)
        return JSONResponse(status_code=422, content={"detail": detail, "code": "invalid"})

    @app.exception_handler(IntegrityError)
    def _conflict(request: Request, exc: IntegrityError) -> JSONResponse:
        # A last line of defence: services check first, but two requests can race.
        log.info("integrity conflict: %s", exc.orig)
        detail = "this conflicts with data saved at the same time; reload and try again"
        if _is_fhir(request):
            return _outcome(409, detail, "conflict", None)
        return JSONResponse(status_code=409, content={"detail": detail, "code": "conflict"})

    @app.exception_handler(DBAPIError)
    def _database(request: Request, exc: DBAPIError) -> Response:
        # The database is down, restarting, or dropped the connection (a disconnect, the
        # server shutting down, a connection refused): nothing was committed, and the same
        # request sent again once it is back is safe (client_ids make ingestion exactly once).
        if not _unreachable(exc):
            return _unexpected(request, exc)
        log.warning("database unavailable on %s %s: %s", request.method, request.url.path, exc.orig)
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
        if _is_fhir(request):
            return _outcome(503, DATABASE_DOWN, "unavailable", None, headers)
        if _is_page(request):
            response = _error_page(
                request, 503, translate("error.database_down", language(request)), lookup=False
            )
            response.headers.update(headers)
            return response
        return JSONResponse(
            status_code=503,
            content={"detail": DATABASE_DOWN, "code": "unavailable"},
            headers=headers,
        )

    @app.exception_handler(Exception)
    def _unexpected(request: Request, exc: Exception) -> Response:
        log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
        detail = "an unexpected error happened; nothing was changed"
        if _is_fhir(request):
            return _outcome(500, detail, "internal", None)
        if _is_page(request):
            try:
                text = translate("error.unexpected", language(request))
                return _error_page(request, 500, text, lookup=False)
            except Exception:  # the error page itself failed: the plain answer below
                log.exception("the error page could not be shown")
        return JSONResponse(status_code=500, content={"detail": detail, "code": "internal"})


def _unreachable(exc: DBAPIError) -> bool:
    """The database cannot be reached, or refused for now (restarting, shutting down, a
    dropped connection, a lock wait that timed out): a retry may succeed. SQLite reports
    its programming errors as operational ones too: only "locked", "busy" and "cannot open"
    count there."""
    if exc.connection_invalidated or isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    if isinstance(exc.orig, sqlite3.Error):
        text = str(exc.orig).lower()
        return any(word in text for word in ("locked", "busy", "unable to open", "disk i/o"))
    return True


def _is_fhir(request: Request) -> bool:
    return request.url.path.startswith("/fhir/")


def _is_page(request: Request) -> bool:
    """A page (not the API, FHIR, the static files or the API's documentation)."""
    path = request.url.path
    return not path.startswith(("/api/", "/fhir/", "/static/", "/openapi.json", "/health"))


def _error_page(
    request: Request, status: int, message: str | None, *, lookup: bool = True
) -> Response:
    """The error page in the reader's language, inside the frame with the user's navigation
    and the log-out button (web/nav.py). ``lookup``: when the request never reached a page's
    login check (no such address, a malformed one), the session cookie is read here."""
    actor = getattr(request.state, "web_actor", None)
    if actor is None and lookup:
        actor = _actor_of_cookie(request)
    return render(
        request,
        "error.html",
        status_code=status,
        message=message,
        error_status=status,
        actor=actor,
    )


def _actor_of_cookie(request: Request) -> Any:
    """The logged-in user of the session cookie, or None; reading it is not a use."""
    from samband.security import service as security

    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    try:
        with request.app.state.sessionmaker() as session:
            return security.authenticate_token(session, token, idle=True, touch=False)
    except (SambandError, DBAPIError):
        return None


def _outcome(
    status_code: int,
    message: str,
    code: str,
    issues: Any,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """An error under /fhir as a FHIR OperationOutcome."""
    return JSONResponse(
        status_code=status_code,
        content=operation_outcome(message, code=code, issues=issues),
        media_type=FHIR_JSON,
        headers=headers,
    )
