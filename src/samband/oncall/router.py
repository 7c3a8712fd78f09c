"""HTTP for the on-call roster (jour/beredskap): parse, call the service, shape the answer."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status

from samband.deps import ContextDep
from samband.oncall import service
from samband.oncall.schemas import (
    CoverRead,
    EntriesCreate,
    EntryRead,
    EntryWrite,
    GapRead,
    OnCallRead,
    UncoveredRead,
)

router = APIRouter(prefix="/api/v1/on-call", tags=["on-call"])

_READ: dict[int | str, dict[str, Any]] = {
    403: {"description": "your role may not read the on-call roster (oncall:read)"},
    404: {"description": "no such unit or organisation"},
    422: {"description": "a moment without its time zone"},
}
_WRITE: dict[int | str, dict[str, Any]] = {
    403: {"description": "your role may not write the roster (oncall:manage)"},
    404: {"description": "not a unit, organisation or entry of your own organisation"},
    422: {"description": "the field, what was wrong and what is allowed; nothing is written"},
}


@router.get("", response_model=OnCallRead, responses=_READ)
def who_is_on_call(
    ctx: ContextDep,
    unit_id: uuid.UUID | None = None,
    organisation_id: uuid.UUID | None = None,
    at: datetime | None = None,
) -> OnCallRead:
    """Who covers the moment ``at`` (default now; with its time zone) for the unit (its roster,
    else its organisation's) or the organisation (default: your own unit or organisation),
    per role, and the roles nobody covers with the number to call instead."""
    now = service.on_call(ctx, unit_id=unit_id, organisation_id=organisation_id, at=at)
    return OnCallRead(
        at=now.at,
        organisation_id=now.organisation_id,
        unit_id=now.unit_id,
        slot=now.slot,
        covers=[CoverRead(**c.__dict__) for c in now.covers],
        uncovered=[UncoveredRead(role=r, phone=p) for r, p in now.uncovered],
    )


@router.get("/gaps", response_model=list[GapRead], responses=_READ)
def roster_gaps(
    ctx: ContextDep,
    unit_id: uuid.UUID | None = None,
    organisation_id: uuid.UUID | None = None,
    start: datetime | None = None,
    days: Annotated[int, Query(ge=1, le=62)] = 7,
) -> list[GapRead]:
    """The stretches with nobody on call for a role, from ``start`` (default now) for
    ``days`` days."""
    found = service.find_gaps(
        ctx, unit_id=unit_id, organisation_id=organisation_id, start=start, days=days
    )
    return [GapRead(**g.__dict__) for g in found]


@router.get("/entries", response_model=list[EntryRead], responses=_READ)
def roster_entries(
    ctx: ContextDep,
    unit_id: uuid.UUID | None = None,
    organisation_id: uuid.UUID | None = None,
    include_past: bool = False,
) -> list[EntryRead]:
    """One roster: the unit's, or the organisation's own (``organisation_id`` without
    ``unit_id``); entries already ended only with ``include_past``."""
    views = service.roster(
        ctx, unit_id=unit_id, organisation_id=organisation_id, include_past=include_past
    )
    return [_read(v) for v in views]


@router.post(
    "/entries",
    response_model=list[EntryRead],
    status_code=status.HTTP_201_CREATED,
    responses=_WRITE,
)
def add_entries(ctx: ContextDep, data: EntriesCreate) -> list[EntryRead]:
    """Add entries to your organisation's rosters (or its units'): all of them or none."""
    return [_read(v) for v in service.create_entries(ctx, data)]


@router.put("/entries/{entry_id}", response_model=EntryRead, responses=_WRITE)
def change_entry(ctx: ContextDep, entry_id: uuid.UUID, data: EntryWrite) -> EntryRead:
    """Replace an entry's role, slot, dates and person (its roster stays)."""
    return _read(service.replace_entry(ctx, entry_id, data))


@router.delete("/entries/{entry_id}", status_code=status.HTTP_204_NO_CONTENT, responses=_WRITE)
def remove_entry(ctx: ContextDep, entry_id: uuid.UUID) -> Response:
    service.delete_entry(ctx, entry_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _read(view: service.EntryView) -> EntryRead:
    entry = view.entry
    return EntryRead(
        id=entry.id,
        organisation_id=entry.organisation_id,
        unit_id=entry.unit_id,
        role=entry.role,
        slot=entry.slot,
        starts_on=entry.starts_on,
        ends_on=entry.ends_on,
        user_id=entry.user_id,
        name=view.name,
        phone=view.phone,
        email=view.email,
        created_at=entry.created_at,
        updated_at=entry.updated_at,
    )
