"""Errors the services raise; the app turns them into 4xx answers a person can act on.

A service raises a **problem**: a stable code (``checklist.item_not_done``), the field and the
parameters (``item``) — never a sentence. The API answers with the code, the parameters and
the English text of the code from the catalogue (``kit/i18n.py``); a page shows the same
problem in the reader's language. Several problems at once (a refused transition's reasons)
travel in ``problems``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from samband.kit import i18n


@dataclass(frozen=True)
class Problem:
    """One thing that is wrong: a catalogue key, its parameters and, where one is to blame,
    the field."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)
    field: str | None = None

    def text(self, lang: str) -> str:
        return i18n.translate(self.code, lang, **self.params)

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "detail": self.text("en")}
        if self.field:
            body["field"] = self.field
        if self.params:
            body["params"] = {name: i18n.plain(value) for name, value in self.params.items()}
        return body

    def __str__(self) -> str:
        return self.text("en")


def problem(code: str, /, *, field: str | None = None, **params: Any) -> Problem:
    return Problem(code, params, field)


def texts(problems: Sequence[Problem | str], lang: str) -> list[str]:
    return [p.text(lang) if isinstance(p, Problem) else p for p in problems]


class SambandError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(self, message: str | Problem, *, field: str | None = None, **details: Any) -> None:
        if isinstance(message, Problem):
            self.problem: Problem | None = message
            field = field or message.field
            self.code = message.code
            message = message.text("en")
        else:
            self.problem = None
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = details

    def text(self, lang: str) -> str:
        """The problem in the reader's language (an error not yet given a code: as written)."""
        return self.problem.text(lang) if self.problem else self.message

    @property
    def problems(self) -> list[Problem]:
        """Every problem behind the error (a refused transition has several)."""
        listed = self.details.get("problems")
        if listed:
            return [p for p in listed if isinstance(p, Problem)]
        return [self.problem] if self.problem else []

    def as_json(self) -> dict[str, Any]:
        """The API's answer: the code, the English text, the field and the parameters."""
        body: dict[str, Any] = {"detail": self.message, "code": self.code}
        if self.field:
            body["field"] = self.field
        if self.problem and self.problem.params:
            body["params"] = {k: i18n.plain(v) for k, v in self.problem.params.items()}
        for name, value in self.details.items():
            if name == "problems":
                body["problems"] = [p.as_json() if isinstance(p, Problem) else p for p in value]
                body.setdefault("reasons", texts(value, "en"))
            else:
                body[name] = value
        return body


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

    def __init__(self, message: str | Problem, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def not_visible(what: str, *, field: str | None = None) -> NotFound:
    """The one 404 for a thing that does not exist and for one the caller may not see: the
    same text either way, so the answer tells nothing about what exists (issue 10)."""
    return NotFound(problem("common.not_visible", field=field, what=what))
