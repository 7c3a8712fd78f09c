"""The FastAPI application factory: API routers, error handlers, the database."""

from __future__ import annotations

import logging

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from samband import __version__
from samband.config import get_settings
from samband.db import make_engine, make_sessionmaker
from samband.deps import reject_nul_characters
from samband.kit.errors import SambandError, Unauthenticated
from samband.web.auth import login_redirect
from samband.web.base import HERE as WEB_DIR
from samband.web.base import LoginRequired, render

WEB_STATIC = WEB_DIR / "static"

log = logging.getLogger(__name__)


def create_app(
    database_url: str | None = None, session_factory: sessionmaker[Session] | None = None
) -> FastAPI:
    app = FastAPI(
        title="Samband",
        version=__version__,
        dependencies=[Depends(reject_nul_characters)],
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
    app.mount("/static", StaticFiles(directory=str(WEB_STATIC)), name="static")

    @app.get("/health", tags=["meta"])
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    return app


def _routers() -> list:  # type: ignore[type-arg]
    from samband.audit.router import router as audit
    from samband.careplans.router import router as care_plans
    from samband.carerequests.router import router as care_requests
    from samband.episodes.router import router as episodes
    from samband.medications.router import router as medications
    from samband.organisations.router import router as organisations
    from samband.pathways.router import router as pathways
    from samband.patientcopy.router import router as patient_copy
    from samband.patients.router import router as patients
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
        audit,
        *web,
    ]


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    def _login(_request: Request, exc: LoginRequired) -> Response:
        return login_redirect(exc.next_path)

    @app.exception_handler(SambandError)
    def _samband_error(request: Request, exc: SambandError) -> Response:
        if not request.url.path.startswith(("/api/", "/fhir/")):
            return render(request, "error.html", status_code=exc.status_code, message=exc.message)
        body: dict[str, object] = {"detail": exc.message, "code": exc.code}
        if exc.field:
            body["field"] = exc.field
        if exc.details:
            body.update(exc.details)
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthenticated) else None
        return JSONResponse(status_code=exc.status_code, content=body, headers=headers)

    @app.exception_handler(RequestValidationError)
    def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = []
        for error in exc.errors():
            location = [str(part) for part in error.get("loc", ()) if part != "body"]
            field = ".".join(location)
            message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
            errors.append({"field": field, "message": message, "type": error.get("type")})
        summary = "; ".join(f"{e['field']}: {e['message']}" for e in errors) or "invalid input"
        return JSONResponse(
            status_code=422, content={"detail": summary, "code": "invalid", "errors": errors}
        )

    @app.exception_handler(DataError)
    def _unstorable(_request: Request, exc: DataError) -> JSONResponse:
        # e.g. a NUL character in a text, or a number larger than the column holds
        log.info("rejected input the database cannot store: %s", exc.orig)
        return JSONResponse(
            status_code=422,
            content={
                "detail": "a value cannot be stored: remove control characters (such as NUL) "
                "from texts and keep numbers within their allowed range",
                "code": "invalid",
            },
        )

    @app.exception_handler(IntegrityError)
    def _conflict(_request: Request, exc: IntegrityError) -> JSONResponse:
        # A last line of defence: services check first, but two requests can race.
        log.info("integrity conflict: %s", exc.orig)
        return JSONResponse(
            status_code=409,
            content={
                "detail": "this conflicts with data saved at the same time; reload and try again",
                "code": "conflict",
            },
        )

    @app.exception_handler(Exception)
    def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
        return JSONResponse(
            status_code=500,
            content={
                "detail": "an unexpected error happened; nothing was changed",
                "code": "internal",
            },
        )
