"""Cross-site request forgery: every form of the pages carries a token (issue 10).

The browser keeps a random token in the ``samband_csrf`` cookie (HttpOnly, SameSite=Strict,
Secure unless SAMBAND_COOKIE_SECURE=false), set on any answer to a request that came without
it. Every form renders it as a hidden field (``{{ csrf_field() }}``, a template global). An
unsafe request (POST, PUT, PATCH, DELETE) to the pages, the login and logout and the
patient's tablet included, must

- come from this server: an ``Origin`` header, when sent, must be this server's origin;
  without one, a ``Referer``, when sent, must be of this origin; and
- carry the token: the form field ``csrf_token`` or the header ``X-CSRF-Token``, equal to
  the cookie (compared in constant time).

Otherwise the answer is 403 with a page saying to reload the page and try again, and the
request goes no further (nothing is written).

Every rendered form also carries a one-time ``form_id``. The first post of it claims it
(``security.service.claim_form``, a table of its own); a second post of the same form — a
double-click, a resend — does nothing and is sent back (303) to the page it came from, with
a notice that the form was already sent. A form shown again (after an error) has a new id.

The API (``/api/``) and FHIR (``/fhir/``) are not checked: they authenticate with a bearer
token in the Authorization header, which a browser never adds by itself, and read no cookie.

A page on another port of the same host can set cookies for this host (cookies ignore
ports), so the cookie alone does not prove where a form came from: the Origin check does.
Browsers send Origin with every cross-origin POST.
"""

from __future__ import annotations

import re
import secrets
from hmac import compare_digest
from typing import Any
from urllib.parse import urlsplit

import anyio
from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from jinja2 import pass_context
from markupsafe import Markup, escape
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from samband.config import get_settings
from samband.security import service as security

COOKIE = "samband_csrf"
FIELD = "csrf_token"
FORM_ID = "form_id"
_FORM_ID = re.compile(r"[A-Za-z0-9_-]{22}")
# forms that may be sent again as they are: logging in and out, the language
ONCE_EXEMPT = ("/login", "/logout", "/language")
HEADER = "x-csrf-token"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
NOT_CHECKED = ("/api/", "/fhir/", "/static/")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def new_token() -> str:
    return secrets.token_urlsafe(32)  # 43 characters


def token_of(request: Request) -> str:
    """The token this request's forms carry (set by the middleware)."""
    token = request.scope.get("state", {}).get("csrf_token")
    return str(token) if token else ""


@pass_context
def csrf_field(context: Any) -> Markup:
    """``{{ csrf_field() }}``: the hidden input every <form method="post"> carries."""
    request = context.get("request")
    token = token_of(request) if request is not None else ""
    return Markup(
        '<input type="hidden" name="{}" value="{}"><input type="hidden" name="{}" value="{}">'
    ).format(FIELD, escape(token), FORM_ID, secrets.token_urlsafe(16))


def _cookie_header(token: str) -> tuple[bytes, bytes]:
    response = Response()
    response.set_cookie(
        COOKIE, token, httponly=True, samesite="strict", secure=get_settings().cookie_secure
    )
    return next((k, v) for k, v in response.raw_headers if k == b"set-cookie")


def renew(request: Request, response: Response) -> None:
    """A new token (at login: a token known before it is worth nothing after)."""
    token = new_token()
    request.scope.setdefault("state", {})["csrf_token"] = token
    response.raw_headers.append(_cookie_header(token))


def _origin(url: str) -> tuple[str, str, int | None] | None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if not parts.scheme or not parts.hostname:
        return None
    scheme = parts.scheme.lower()
    return scheme, parts.hostname.lower(), port or _DEFAULT_PORTS.get(scheme)


def _from_elsewhere(request: Request) -> bool:
    """The request names another origin in Origin (or, without one, in Referer)."""
    here = _origin(f"{request.url.scheme}://{request.headers.get('host', '')}")
    origin = request.headers.get("origin")
    if origin is not None:
        return here is None or _origin(origin) != here
    referer = request.headers.get("referer")
    if referer:
        return here is None or _origin(referer) != here
    return False


async def _read(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def again() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return again


async def _form_fields(scope: Scope, body: bytes, receive: Receive) -> tuple[str, str]:
    """The form's CSRF token and its one-time id ("" when absent)."""
    content_type = Request(scope).headers.get("content-type", "")
    if not content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return "", ""
    request = Request(scope, _replay(body, receive))
    try:
        form = await request.form()
    except Exception:  # a form that cannot be read carries no token
        return "", ""
    try:
        token, form_id = form.get(FIELD), form.get(FORM_ID)
        return (
            token if isinstance(token, str) else "",
            form_id if isinstance(form_id, str) and _FORM_ID.fullmatch(form_id) else "",
        )
    finally:
        await form.close()


class CsrfMiddleware:
    """Checks unsafe requests to the pages; gives every browser its token (module doc)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(NOT_CHECKED):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        cookie = request.cookies.get(COOKIE, "")
        known = bool(_TOKEN.fullmatch(cookie))
        scope.setdefault("state", {})["csrf_token"] = cookie if known else new_token()
        if not known:
            send = _setting_cookie(send, scope["state"]["csrf_token"])

        if scope["method"] in UNSAFE:
            body = b""
            refused = _from_elsewhere(request)
            form_id = ""
            if not refused:
                body = await _read(receive)
                token, form_id = await _form_fields(scope, body, receive)
                sent = request.headers.get(HEADER) or token
                refused = not (known and sent and compare_digest(sent.encode(), cookie.encode()))
            if refused:
                await _refusal(request)(scope, receive, send)
                return
            if form_id and not scope["path"].startswith(ONCE_EXEMPT):
                factory = scope["app"].state.sessionmaker
                first = await anyio.to_thread.run_sync(security.claim_form, factory, form_id)
                if not first:
                    await _already_sent(request)(scope, receive, send)
                    return
            receive = _replay(body, receive)
        await self.app(scope, receive, send)


def _setting_cookie(send: Send, token: str) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", []), _cookie_header(token)]}
        await send(message)

    return sending


def _already_sent(request: Request) -> Response:
    """A form posted a second time: back to the page it came from, which shows what the
    first post did, with a notice."""
    back = "/"
    referer = request.headers.get("referer")
    if referer and not _from_elsewhere(request):
        parts = urlsplit(referer)
        if parts.path.startswith("/") and not parts.path.startswith("//"):
            query = [q for q in parts.query.split("&") if q and not q.startswith("notice=")]
            back = parts.path + "?" + "&".join([*query, "notice=form_already_sent"])
    return RedirectResponse(back, status_code=303)


def _refusal(request: Request) -> Response:
    from samband.web.base import language, render
    from samband.web.i18n import translate

    return render(
        request, "error.html", status_code=403, message=translate("csrf.refused", language(request))
    )
