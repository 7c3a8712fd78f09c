"""No request handler blocks the event loop (issue 11): an ``async def`` endpoint or
dependency runs on the event loop, so synchronous database or CPU work in it stalls every
other request of the process (and every page's event stream). Endpoints and dependencies are
plain ``def`` (FastAPI runs them in its thread pool); the few ``async def`` ones are listed
here with what they await, and nothing else. A new ``async def`` fails this test until it is
shown to do no blocking work and added, with the reason."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from samband.app import create_app

try:  # FastAPI ≥ 0.16x keeps included routers nested; this walks them as the app does
    from fastapi.routing import iter_route_contexts
except ImportError:  # pragma: no cover - older FastAPI: app.routes is already flat

    def iter_route_contexts(routes: Any) -> Iterator[Any]:  # type: ignore[misc]
        return iter(routes)


# endpoint or dependency (module:qualname) → what it does, all of it awaited or trivial
ASYNC_ALLOWED = {
    "samband.deps:reject_nul_characters": "awaits the body, checks it for NUL",
    "samband.web.flow:read_form": "awaits the form",
    "samband.web.admin:read_form_lists": "awaits the form",
    "samband.web.rounds:read_form_data": "awaits the form",
    "samband.observations.router:_fhir_body": "awaits the body",
    "fastapi.security.oauth2:OAuth2PasswordBearer": "reads the Authorization header",
}


def _name(call: Any) -> str:
    target = call if inspect.isfunction(call) or inspect.ismethod(call) else type(call)
    return f"{target.__module__}:{target.__qualname__}"


def _is_async(call: Any) -> bool:
    if inspect.iscoroutinefunction(call) or inspect.isasyncgenfunction(call):
        return True
    dunder = getattr(call, "__call__", None)  # noqa: B004
    return not inspect.isfunction(call) and inspect.iscoroutinefunction(dunder)


def _calls(dependant: Dependant) -> Iterator[Any]:
    if dependant.call is not None:
        yield dependant.call
    for sub in dependant.dependencies:
        yield from _calls(sub)


def _async_calls() -> dict[str, str]:
    app = create_app(database_url="sqlite://")
    found: dict[str, str] = {}
    for context in iter_route_contexts(app.routes):
        route = getattr(context, "route", None) or getattr(context, "original_route", context)
        if not isinstance(route, APIRoute):
            continue
        for call in _calls(route.dependant):
            if _is_async(call):
                found.setdefault(_name(call), f"{sorted(route.methods)} {context.path}")
    return found


def test_no_async_endpoint_or_dependency_but_the_listed_ones() -> None:
    found = _async_calls()
    unexpected = {name: where for name, where in found.items() if name not in ASYNC_ALLOWED}
    assert not unexpected, (
        "async def endpoints/dependencies run on the event loop; make them def (read the "
        f"form in an async dependency, web/flow.py FormData): {unexpected}"
    )


def test_the_guard_sees_an_async_endpoint() -> None:
    """The control: an async def handler added to a router is found."""
    from fastapi import APIRouter

    app = create_app(database_url="sqlite://")
    router = APIRouter()

    @router.get("/blocking-probe")
    async def blocking_probe() -> dict[str, str]:
        return {}

    app.include_router(router)
    names = set()
    for context in iter_route_contexts(app.routes):
        route = getattr(context, "route", None) or getattr(context, "original_route", context)
        if isinstance(route, APIRoute):
            names |= {_name(c) for c in _calls(route.dependant) if _is_async(c)}
    assert any(name.endswith("blocking_probe") for name in names)


def test_the_allowed_ones_exist() -> None:
    found = _async_calls()
    stale = sorted(set(ASYNC_ALLOWED) - set(found))
    assert not stale, f"ASYNC_ALLOWED names what the app no longer has: {stale}"


def test_the_event_stream_is_a_plain_def() -> None:
    from samband.web import overview

    assert not inspect.iscoroutinefunction(overview.overview_events)
    assert inspect.isasyncgenfunction(overview._stream)  # awaits only; its DB work in threads
