"""Log in (OAuth2 password flow) and who am I."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.security import OAuth2PasswordRequestForm

from samband.deps import ContextDep, SessionDep, oauth2_scheme
from samband.security import service
from samband.security.roles import permissions_of
from samband.security.schemas import MeRead, TokenRead

router = APIRouter(prefix="/api/v1", tags=["auth"])


@router.post("/auth/token", response_model=TokenRead)
def login(session: SessionDep, form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> TokenRead:
    """Exchange username and password for a bearer token."""
    user = service.authenticate_password(session, form.username, form.password)
    issued = service.issue_token(session, user)
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
