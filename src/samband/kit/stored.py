"""A problem (``kit/errors.py``) kept in the database as JSON: its code, field and parameters,
so that it reads in either language when shown later (an alert's reason, a planner's reason a
visit was left out). Decision 0017.

The parameters keep their kind: ``{"msg": key, "params": {...}}`` for a term the catalogue
translates (also a problem inside another, e.g. a medication visit's alert quoting the
planner's reason), ``{"source": text}`` for an English configuration text, ``{"at": iso}``
/ ``{"date": iso}`` for times and days; numbers, texts and lists as they are.
Pure: no database.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from samband.kit.errors import Problem
from samband.kit.i18n import Msg, Source


def encode(value: Any) -> Any:
    """One parameter as JSON."""
    if isinstance(value, Problem):  # a problem inside another reads like a message
        value = Msg(value.code, value.params)
    if isinstance(value, Msg):
        return {"msg": value.key, "params": {k: encode(v) for k, v in value.params.items()}}
    if isinstance(value, Source):
        return {"source": value.text}
    if isinstance(value, datetime):
        return {"at": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [encode(item) for item in value]
    return value


def decode(value: Any) -> Any:
    """One parameter read back (the inverse of ``encode``)."""
    if isinstance(value, list):
        return [decode(item) for item in value]
    if not isinstance(value, Mapping):
        return value
    if "msg" in value:
        return Msg(
            str(value["msg"]), {k: decode(v) for k, v in (value.get("params") or {}).items()}
        )
    if "source" in value:
        return Source(str(value["source"]))
    if "at" in value:
        return datetime.fromisoformat(str(value["at"]))
    if "date" in value:
        return date.fromisoformat(str(value["date"]))
    return dict(value)


def dump_params(params: Mapping[str, Any]) -> dict[str, Any]:
    return {name: encode(value) for name, value in params.items()}


def load_params(params: Mapping[str, Any] | None) -> dict[str, Any]:
    return {name: decode(value) for name, value in (params or {}).items()}


def dump(problem: Problem) -> dict[str, Any]:
    body: dict[str, Any] = {"code": problem.code, "params": dump_params(problem.params)}
    if problem.field:
        body["field"] = problem.field
    return body


def load(body: Mapping[str, Any]) -> Problem:
    return Problem(str(body["code"]), load_params(body.get("params")), body.get("field"))


def as_problem(code: str | None, params: Mapping[str, Any] | None) -> Problem | None:
    """A problem from its stored columns (``reason_code``, ``reason_params``); None when no
    code was stored (a row from before problems had codes keeps its text)."""
    return Problem(code, load_params(params)) if code else None
