"""HTTP for the pilots (learning follow-up): parse, call the service, shape the answer."""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

from fastapi import APIRouter, status

from samband.deps import ContextDep
from samband.models import Pilot
from samband.pilots import service
from samband.pilots.schemas import (
    AssumptionCreate,
    AssumptionRead,
    AssumptionUpdate,
    FinishedPilotSummary,
    IndicatorRead,
    LogEntryCreate,
    LogEntryRead,
    PilotCreate,
    PilotRead,
    PilotReportRead,
    PilotSummary,
    PilotUpdate,
)
from samband.security.context import Context

router = APIRouter(prefix="/api/v1/pilots", tags=["pilots"])

_REFUSALS: dict[int | str, dict[str, Any]] = {
    403: {"description": "your role may not do this (editing needs pilot:write)"},
    404: {
        "description": "no such pilot, or your organisation does not take part in it (another "
        "organisation's pilot is readable once finished, never writable)"
    },
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


@router.get("/finished", response_model=list[FinishedPilotSummary])
def list_finished(ctx: ContextDep) -> list[FinishedPilotSummary]:
    """Other organisations' finished pilots (the period has ended), to learn from: read only."""
    out = []
    for pilot in service.finished_of_others(ctx):
        codes = service.organisation_codes(ctx, pilot)
        out.append(
            FinishedPilotSummary(
                id=pilot.id,
                name=pilot.name,
                purpose=pilot.purpose,
                period_start=pilot.period_start,
                period_end=pilot.period_end,
                organisations=[codes[o.organisation_id] for o in pilot.organisations],
                assumptions=dict(Counter(a.status for a in pilot.assumptions)),
                log=dict(Counter(e.kind for e in pilot.log)),
            )
        )
    return out


@router.get("/{pilot_id}", response_model=PilotRead, responses=_REFUSALS)
def get_pilot(ctx: ContextDep, pilot_id: uuid.UUID) -> PilotRead:
    """A pilot your organisation takes part in, or another's finished one (read only)."""
    return _read(ctx, service.get(ctx, pilot_id))


@router.get("/{pilot_id}/report", response_model=PilotReportRead, responses=_REFUSALS)
def get_report(ctx: ContextDep, pilot_id: uuid.UUID) -> PilotReportRead:
    """The report: the indicators of the pilot's scope and period next to the comparison
    (aggregates only), and what was learnt."""
    r = service.report(ctx, pilot_id)
    indicators = []
    for name in service.REPORT_INDICATORS:
        ours, theirs = r.results.value(name), r.comparison.value(name)
        indicators.append(
            IndicatorRead(
                name=name,
                pilot=ours.value if ours else None,
                comparison=theirs.value if theirs else None,
            )
        )
    return PilotReportRead(
        pilot=_read(ctx, r.pilot),
        comparison_label=r.comparison_label,
        indicators=indicators,
        notes=r.notes,
    )


@router.patch("/{pilot_id}", response_model=PilotRead, responses=_REFUSALS)
def update_pilot(ctx: ContextDep, pilot_id: uuid.UUID, data: PilotUpdate) -> PilotRead:
    """Any of the pilot's fields (what is not sent stays): name, purpose, scope, period,
    comparison, organisations taking part, the changes for the next iteration."""
    return _read(ctx, service.update(ctx, pilot_id, data))


@router.post(
    "/{pilot_id}/assumptions",
    response_model=AssumptionRead,
    status_code=status.HTTP_201_CREATED,
    responses=_REFUSALS,
)
def add_assumption(ctx: ContextDep, pilot_id: uuid.UUID, data: AssumptionCreate) -> AssumptionRead:
    """A new assumption to test (open)."""
    return AssumptionRead.model_validate(service.add_assumption(ctx, pilot_id, data))


@router.post(
    "/{pilot_id}/log",
    response_model=LogEntryRead,
    status_code=status.HTTP_201_CREATED,
    responses=_REFUSALS,
)
def add_log_entry(ctx: ContextDep, pilot_id: uuid.UUID, data: LogEntryCreate) -> LogEntryRead:
    """An observation, a barrier, an enabler (classified structure | culture | practice |
    society), an unintended effect (positive | negative) or a patient story (told by the
    patient, a next of kin or staff; no names, no personnummer)."""
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
        language=pilot.language,
        finished=service.is_finished(pilot),
        taking_part=service.taking_part(ctx, pilot),
        assumptions=[AssumptionRead.model_validate(a) for a in pilot.assumptions],
        log=[LogEntryRead.model_validate(e) for e in pilot.log],
        created_by_id=pilot.created_by_id,
        created_at=pilot.created_at,
        updated_by_id=pilot.updated_by_id,
        updated_at=pilot.updated_at,
    )
