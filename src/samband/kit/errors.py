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


class TooManyAttempts(SambandError):
    """Too many failed logins: wait ``retry_after`` seconds (the answer's Retry-After)."""

    status_code = 429
    code = "too_many_attempts"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def not_visible(what: str, *, field: str | None = None) -> NotFound:
    """The one 404 for a thing that does not exist and for one the caller may not see: the
    same text either way, so the answer tells nothing about what exists (issue 10)."""
    return NotFound(
        f"{what} was not found, or your organisation has no care relationship with the "
        "patient (emergency access needs a written reason)",
        field=field,
    )
