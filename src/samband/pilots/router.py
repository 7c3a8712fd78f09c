"""HTTP for the pilots (learning follow-up): parse, call the service, shape the answer."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, status

from samband.deps import ContextDep
from samband.models import Pilot
from samband.pilots import service
from samband.pilots.schemas import (
    AssumptionRead,
    AssumptionUpdate,
    LogEntryCreate,
    LogEntryRead,
    PilotCreate,
    PilotRead,
    PilotSummary,
    PilotUpdate,
)
from samband.security.context import Context

router = APIRouter(prefix="/api/v1/pilots", tags=["pilots"])

_REFUSALS: dict[int | str, dict[str, Any]] = {
    403: {"description": "your role may not do this (editing needs pilot:write)"},
    404: {"description": "no such pilot, or your organisation does not take part in it"},
}


@router.post("", response_model=PilotRead, status_code=status.HTTP_201_CREATED, responses=_REFUSALS)
def create_pilot(ctx: ContextDep, data: PilotCreate) -> PilotRead:
    """A new pilot; your organisation always takes part."""
    return _read(ctx, service.create(ctx, data))


@router.get("", response_model=list[PilotSummary])
def list_pilots(ctx: ContextDep) -> list[PilotSummary]:
    """The pilots your organisation takes part in."""
    out = []
    for pilot in service.list_pilots(ctx):
        codes = service.organisation_codes(ctx, pilot)
        out.append(
            PilotSummary(
                id=pilot.id,
                name=pilot.name,
                period_start=pilot.period_start,
                period_end=pilot.period_end,
                organisations=[codes[o.organisation_id] for o in pilot.organisations],
            )
        )
    return out


@router.get("/{pilot_id}", response_model=PilotRead, responses=_REFUSALS)
def get_pilot(ctx: ContextDep, pilot_id: uuid.UUID) -> PilotRead:
    return _read(ctx, service.get(ctx, pilot_id))


@router.patch("/{pilot_id}", response_model=PilotRead, responses=_REFUSALS)
def update_pilot(ctx: ContextDep, pilot_id: uuid.UUID, data: PilotUpdate) -> PilotRead:
    """The purpose, or the changes for the next iteration."""
    return _read(ctx, service.update(ctx, pilot_id, data))


@router.post(
    "/{pilot_id}/log",
    response_model=LogEntryRead,
    status_code=status.HTTP_201_CREATED,
    responses=_REFUSALS,
)
def add_log_entry(ctx: ContextDep, pilot_id: uuid.UUID, data: LogEntryCreate) -> LogEntryRead:
    """An observation or a barrier, classified structure | culture | practice | society."""
    return LogEntryRead.model_validate(service.add_log_entry(ctx, pilot_id, data))


@router.patch(
    "/{pilot_id}/assumptions/{assumption_id}", response_model=AssumptionRead, responses=_REFUSALS
)
def update_assumption(
    ctx: ContextDep, pilot_id: uuid.UUID, assumption_id: uuid.UUID, data: AssumptionUpdate
) -> AssumptionRead:
    """Mark an assumption confirmed, refuted or open again, with a note."""
    return AssumptionRead.model_validate(
        service.update_assumption(ctx, pilot_id, assumption_id, data)
    )


def _read(ctx: Context, pilot: Pilot) -> PilotRead:
    codes = service.organisation_codes(ctx, pilot)
    return PilotRead(
        id=pilot.id,
        name=pilot.name,
        purpose=pilot.purpose,
        organisations=[codes[o.organisation_id] for o in pilot.organisations],
        pathways=list(pilot.pathways),
        episode_types=list(pilot.episode_types),
        units=list(pilot.units),
        period_start=pilot.period_start,
        period_end=pilot.period_end,
        comparison_kind=pilot.comparison_kind,
        comparison_start=pilot.comparison_start,
        comparison_end=pilot.comparison_end,
        comparison_organisation=(
            codes.get(pilot.comparison_organisation_id)
            if pilot.comparison_organisation_id
            else None
        ),
        next_iteration=pilot.next_iteration,
        assumptions=[AssumptionRead.model_validate(a) for a in pilot.assumptions],
        log=[LogEntryRead.model_validate(e) for e in pilot.log],
        created_by_id=pilot.created_by_id,
        created_at=pilot.created_at,
        updated_by_id=pilot.updated_by_id,
        updated_at=pilot.updated_at,
    )
