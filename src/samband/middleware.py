"""What every request and answer passes through (issue 10): the security headers on every
answer, and the limit on the size of a request body.

Both are plain ASGI middleware (no BaseHTTPMiddleware: answers stream through untouched).
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Scripts only from Samband itself (no inline script, no eval); styles may be inline (the
# templates' style attributes, Swagger UI); images from Samband or data: URLs; nothing may
# frame the pages; forms post to Samband only.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
# Static assets (CSS, JS, the API documentation's files) may be cached; nothing else is:
# pages and JSON hold patient data, and a shared tablet's browser must not keep them.
CACHEABLE = ("/static/",)


class SecurityHeaders:
    """Adds the security headers to every answer, and ``Cache-Control: no-store`` to every
    answer but static assets (replacing any other Cache-Control)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cacheable = scope["path"].startswith(CACHEABLE)

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                ours = {name for name, _ in SECURITY_HEADERS}
                if not cacheable:
                    ours |= {b"cache-control", b"pragma"}
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in ours]
                headers.extend(SECURITY_HEADERS)
                if not cacheable:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, sending)


class BodyTooLarge(HTTPException):
    """Raised while the body is read (FastAPI passes an HTTPException on as it is)."""

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=too_large_text(limit))
        self.limit = limit


def too_large_text(limit: int) -> str:
    return (
        f"the request body is larger than the limit of {limit} bytes "
        f"({limit / 1024 / 1024:.1f} MiB, SAMBAND_MAX_BODY_BYTES); send less at a time "
        "(a batch of observation sets holds at most 1000)"
    )


def too_large_response(path: str, limit: int) -> JSONResponse:
    """413 as JSON, or as a FHIR OperationOutcome under /fhir/."""
    detail = too_large_text(limit)
    if path.startswith("/fhir/"):
        from samband.observations.fhir import MEDIA_TYPE, operation_outcome

        return JSONResponse(
            operation_outcome(detail, code="too_large", issues=None),
            status_code=413,
            media_type=MEDIA_TYPE,
        )
    return JSONResponse({"detail": detail, "code": "too_large"}, status_code=413)


class BodyLimit:
    """Refuses a request whose body is larger than ``limit`` bytes with 413: at once when
    its Content-Length says so, else as soon as the bytes read go past the limit (a body
    streamed in chunks without a length is counted too)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit
        length = Headers(scope=scope).get("content-length")
        if length is not None and length.isascii() and length.isdigit() and int(length) > limit:
            await too_large_response(scope["path"], limit)(scope, receive, send)
            return
        total = 0
        started = False

        async def receiving() -> Message:
            nonlocal total
            message = await receive()
            if message["type"] == "http.request":
                total += len(message.get("body", b""))
                if total > limit:
                    raise BodyTooLarge(limit)
            return message

        async def sending(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receiving, sending)
        except BodyTooLarge:
            if started:
                raise
            await too_large_response(scope["path"], limit)(scope, receive, send)
