"""FastAPI dependencies: one session and one transaction per request, the caller, the log.

A request that succeeds commits its changes and its access-log entries together. A request
that fails rolls everything back, then writes its access-log entries (denied attempts, and
allowed ones marked as failed) in a transaction of their own: every attempt is logged, and
a failed request changes nothing else.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Annotated
from urllib.parse import unquote

import orjson
from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session

from samband.kit.errors import Forbidden, InvalidInput, problem
from samband.security import service as security
from samband.security.context import AccessLog, Actor, Context, login_refusal

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


_ACTIONS = {"GET": "read", "POST": "create", "PUT": "update", "PATCH": "update", "DELETE": "delete"}


def _resource_of(path: str) -> str:
    """The resource a path is about, e.g. /api/v1/patients/… → patients."""
    parts = [p for p in path.split("/") if p and p not in ("api", "v1")]
    return (parts[0] if parts else "page")[:40]


def _named_ids(request: Request) -> dict[str, uuid.UUID]:
    """The ids a request names: its path parameters, then patient_id / episode_id of a JSON
    body or form (what FastAPI already read), whichever parse as UUIDs."""
    found: dict[str, uuid.UUID] = {}
    candidates: dict[str, object] = dict(request.path_params)
    body = getattr(request, "_body", None)
    if body:
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError:
            data = None
        if isinstance(data, dict):
            for key in ("patient_id", "episode_id"):
                candidates.setdefault(key, data.get(key))
    form = getattr(request, "_form", None)
    if form is not None:
        for key in ("patient_id", "episode_id"):
            candidates.setdefault(key, form.get(key))
    for key, value in candidates.items():
        if key.endswith("_id") and isinstance(value, str):
            try:
                found[key] = uuid.UUID(value)
            except ValueError:
                continue
    return found


@dataclass
class RequestUnit:
    session: Session
    log: AccessLog = field(default_factory=AccessLog)
    actor: Actor | None = None
    # the username a login tried, for its access-log rows (they have no actor)
    username: str | None = None


def get_unit(request: Request) -> Iterator[RequestUnit]:
    session: Session = request.app.state.sessionmaker()
    unit = RequestUnit(session=session)
    method, path = request.method, request.url.path
    try:
        yield unit
        unit.log.write(
            session,
            unit.actor,
            method=method,
            path=path,
            status_code=None,
            username=unit.username,
        )
        session.commit()
    except BaseException as exc:
        session.rollback()
        if (
            isinstance(exc, RequestValidationError)
            and unit.actor is not None
            and not unit.log.entries
        ):
            # The body (or a parameter) was invalid, so no service ran; the attempt on the
            # patient it names is logged all the same (issue 10).
            unit.log.record(
                patient_id=security.patient_named(session, _named_ids(request)),
                action=_ACTIONS.get(method, method.lower()),
                resource_type=_resource_of(path),
                allowed=False,
                reason="invalid input (422): nothing was changed",
            )
        if (
            isinstance(exc, Forbidden)
            and unit.actor is not None
            and all(entry.allowed for entry in unit.log.entries)
        ):
            # A role refused before any patient was named (e.g. an auditor listing patients),
            # or after reads the request was allowed: the refusal itself is logged.
            unit.log.record(
                patient_id=None,
                action=_ACTIONS.get(method, method.lower()),
                resource_type=_resource_of(path),
                allowed=False,
                reason=exc.message,
            )
        if unit.log.entries:
            status = getattr(
                exc, "status_code", 422 if isinstance(exc, RequestValidationError) else 500
            )
            unit.log.write(
                session,
                unit.actor,
                method=method,
                path=path,
                status_code=status,
                failed=True,
                username=unit.username,
            )
            session.commit()
        raise
    finally:
        session.close()


Unit = Annotated[RequestUnit, Depends(get_unit, scope="function")]


def get_session(unit: Unit) -> Session:
    return unit.session


def get_context(unit: Unit, token: Annotated[str | None, Depends(oauth2_scheme)]) -> Context:
    if not token:
        raise login_refusal(problem("login.required"))
    unit.actor = security.authenticate_token(unit.session, token)
    return Context(session=unit.session, actor=unit.actor, log=unit.log)


SessionDep = Annotated[Session, Depends(get_session)]
ContextDep = Annotated[Context, Depends(get_context)]


async def reject_nul_characters(request: Request) -> None:
    """No text anywhere may hold a NUL character: PostgreSQL cannot store one, and no person
    types one. Checked once for every request, so every database behaves alike."""
    is_json = "json" in request.headers.get("content-type", "")
    body = await request.body() if is_json else b""
    if (
        b"\x00" in body
        or b"\\u0000" in body
        or "\x00" in unquote(request.url.query)
        or ("\x00" in request.url.path)
    ):
        raise InvalidInput(problem("common.nul_characters"))
