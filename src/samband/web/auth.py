"""Log in and out of the pages, choose the language. The same accounts as the API."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from samband.config import get_settings
from samband.deps import SessionDep, Unit
from samband.kit.errors import TooManyAttempts
from samband.security import logins
from samband.security import service as security
from samband.web import csrf
from samband.web.base import LANGUAGE_COOKIE, SESSION_COOKIE, language, render
from samband.web.i18n import LANGUAGES, translate
from samband.web.nav import landing_path

router = APIRouter(include_in_schema=False)


def _safe_next(next_path: str | None) -> str:
    if not next_path or not next_path.startswith("/") or next_path.startswith("//"):
        return "/"
    return next_path


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/") -> HTMLResponse:
    return render(request, "login.html", next=_safe_next(next), error=None, username="")


@router.post("/login", response_model=None)
def login(
    request: Request,
    unit: Unit,
    username: Annotated[str, Form(max_length=80)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=300)] = "/",
) -> Response:
    """The same throttled login as the API (security.logins); a refusal is answered (not
    raised), so the attempt and its access-log rows are committed."""
    unit.username = username
    address = request.client.host if request.client else None
    result = logins.log_in(unit.session, unit.log, username, password, address)
    if result.refusal is not None:
        lang = language(request)
        refusal = result.refusal
        if isinstance(refusal, TooManyAttempts):
            error = translate("login.locked", lang).format(seconds=refusal.retry_after)
        else:
            error = translate("login.failed", lang)
        page = render(
            request,
            "login.html",
            status_code=refusal.status_code,
            next=_safe_next(next),
            username=username,
            error=error,
        )
        if isinstance(refusal, TooManyAttempts):
            page.headers["Retry-After"] = str(refusal.retry_after)
        return page
    assert result.user is not None  # noqa: S101 - a result is a user or a refusal
    issued = security.issue_token(unit.session, result.user, kind="session")
    destination = _safe_next(next)
    if destination == "/":  # no page asked for: the role's own first page (web/nav.py)
        destination = landing_path(security.actor_of(result.user))
    response = RedirectResponse(destination, status_code=303)
    set_session_cookie(response, issued.access_token)
    csrf.renew(request, response)  # a new CSRF token with the new session
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep) -> RedirectResponse:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        security.revoke_token(session, token)
    response = RedirectResponse("/login", status_code=303)
    end_session_cookie(response)
    return response


def set_session_cookie(response: Response, token: str) -> None:
    """The session cookie: Secure (unless SAMBAND_COOKIE_SECURE=false), HttpOnly, SameSite
    Lax, and no Max-Age or Expires: it ends when the browser is closed (a shared tablet);
    the session itself ends after SAMBAND_SESSION_IDLE_MINUTES without use."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        secure=get_settings().cookie_secure,
        samesite="lax",
    )


def end_session_cookie(response: Response) -> None:
    response.delete_cookie(
        SESSION_COOKIE, httponly=True, secure=get_settings().cookie_secure, samesite="lax"
    )


@router.get("/language/{lang}")
def set_language(lang: str, next: str = "/") -> RedirectResponse:
    response = RedirectResponse(_safe_next(next), status_code=303)
    if lang in LANGUAGES:
        response.set_cookie(
            LANGUAGE_COOKIE,
            lang,
            max_age=365 * 24 * 3600,
            samesite="lax",
            httponly=True,
            secure=get_settings().cookie_secure,
        )
    return response


def login_redirect(next_path: str) -> RedirectResponse:
    return RedirectResponse(f"/login?next={quote(next_path)}", status_code=303)
