"""Errors the services raise; the app turns them into 4xx answers a person can act on."""

from __future__ import annotations

from typing import Any


class SambandError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, *, field: str | None = None, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = details


class NotFound(SambandError):
    """Does not exist, or the caller may not see it (we do not say which)."""

    status_code = 404
    code = "not_found"


class Forbidden(SambandError):
    """The caller is known but their role does not allow the action."""

    status_code = 403
    code = "forbidden"


class Conflict(SambandError):
    """The request is valid but not allowed in the current state (e.g. a transition)."""

    status_code = 409
    code = "conflict"


class InvalidInput(SambandError):
    status_code = 422
    code = "invalid"


class Unauthenticated(SambandError):
    status_code = 401
    code = "unauthenticated"
