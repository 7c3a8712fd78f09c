"""Log in (OAuth2 password flow) and who am I."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from fastapi.security import OAuth2PasswordRequestForm

from samband.deps import ContextDep, SessionDep, Unit, oauth2_scheme
from samband.kit.errors import TooManyAttempts
from samband.security import logins, service
from samband.security.roles import permissions_of
from samband.security.schemas import MeRead, TokenRead

router = APIRouter(prefix="/api/v1", tags=["auth"])

_ERROR: dict[str, Any] = {
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
            }
        }
    }
}


@router.post(
    "/auth/token",
    response_model=TokenRead,
    responses={
        401: {"description": "wrong username or password", **_ERROR},
        429: {
            "description": "too many failed logins: wait the Retry-After seconds (even the "
            "right password is refused until then)",
            **_ERROR,
        },
    },
)
def login(
    request: Request, unit: Unit, form: Annotated[OAuth2PasswordRequestForm, Depends()]
) -> TokenRead | JSONResponse:
    """Exchange username and password for a bearer token. After 5 failed logins for a
    username or from an address, every try waits (429, Retry-After), the wait doubling with
    each further failure; an unknown username is answered the same way."""
    unit.username = form.username
    address = request.client.host if request.client else None
    result = logins.log_in(unit.session, unit.log, form.username, form.password, address)
    if result.refusal is not None:
        # Answered, not raised: the attempt and its access-log rows are committed.
        refusal = result.refusal
        if isinstance(refusal, TooManyAttempts):
            headers = {"Retry-After": str(refusal.retry_after)}
        else:
            headers = {"WWW-Authenticate": "Bearer"}
        return JSONResponse(
            status_code=refusal.status_code,
            content=refusal.as_json(),
            headers=headers,
        )
    assert result.user is not None  # noqa: S101 - a result is a user or a refusal
    issued = service.issue_token(unit.session, result.user)
    return TokenRead(access_token=issued.access_token, expires_in=issued.expires_in)


@router.post("/auth/logout", status_code=204)
def logout(session: SessionDep, token: Annotated[str | None, Depends(oauth2_scheme)]) -> None:
    """End the token at once (it would otherwise expire by itself)."""
    if token:
        service.revoke_token(session, token)


@router.get("/me", response_model=MeRead)
def me(ctx: ContextDep) -> MeRead:
    a = ctx.actor
    return MeRead(
        id=a.user_id,
        username=a.username,
        full_name=a.full_name,
        role=a.role,
        organisation_id=a.organisation_id,
        organisation_code=a.organisation_code,
        unit_code=a.unit_code,
        permissions=sorted(p.value for p in permissions_of(a.role)),
    )
