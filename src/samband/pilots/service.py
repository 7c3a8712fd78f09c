"""The rules of the pilots (learning follow-up, docs/pilots.md).

- Read: ``directory:read`` and the caller's organisation takes part in the pilot; a pilot of
  other organisations is "not found" (we do not say it exists).
- Write: ``pilot:write`` (physicians, registered nurses, coordinators) of an organisation
  taking part. Every write keeps who and when (``updated_by``/``recorded_by`` and the time).
- A pilot holds no patient data; its results are the outcome indicators of its scope,
  computed when its report is read (``report``), as aggregates (no episode ids).
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from samband.kit.errors import InvalidInput, NotFound, problem
from samband.kit.time import utcnow
from samband.models import Pilot, PilotAssumption, PilotLogEntry, PilotOrganisation
from samband.outcomes import service as outcomes
from samband.outcomes.report import Filters, Report
from samband.pilots import repository
from samband.pilots.schemas import (
    AssumptionUpdate,
    Classification,
    ComparisonKind,
    LogEntryCreate,
    PilotCreate,
    PilotUpdate,
)
from samband.security.context import Context
from samband.security.roles import Permission


def _member(ctx: Context, pilot: Pilot) -> bool:
    return any(o.organisation_id == ctx.actor.organisation_id for o in pilot.organisations)


def get(ctx: Context, pilot_id: uuid.UUID, *, write: bool = False) -> Pilot:
    ctx.actor.require(Permission.PILOT_WRITE if write else Permission.DIRECTORY_READ)
    pilot = repository.get(ctx.session, pilot_id, lock=write)
    if pilot is None or not _member(ctx, pilot):
        raise NotFound(problem("pilot.not_found", pilot_id=str(pilot_id)))
    return pilot


def list_pilots(ctx: Context) -> Sequence[Pilot]:
    ctx.actor.require(Permission.DIRECTORY_READ)
    return repository.of_organisation(ctx.session, ctx.actor.organisation_id)


def organisation_codes(ctx: Context, pilot: Pilot) -> dict[uuid.UUID, str]:
    ids = [o.organisation_id for o in pilot.organisations]
    if pilot.comparison_organisation_id:
        ids.append(pilot.comparison_organisation_id)
    return repository.organisations_by_id(ctx.session, ids)


def create(ctx: Context, data: PilotCreate) -> Pilot:
    ctx.actor.require(Permission.PILOT_WRITE)
    codes = [ctx.actor.organisation_code] + [
        c for c in dict.fromkeys(data.organisations) if c != ctx.actor.organisation_code
    ]
    wanted = codes + ([data.comparison_organisation] if data.comparison_organisation else [])
    found = repository.organisations_by_code(ctx.session, wanted)
    unknown = [c for c in wanted if c not in found]
    if unknown:
        raise InvalidInput(
            problem("pilot.organisations_unknown", field="organisations", codes=unknown)
        )
    now = utcnow()
    kind = data.comparison_kind
    pilot = Pilot(
        name=data.name,
        purpose=data.purpose,
        pathways=list(dict.fromkeys(data.pathways)),
        episode_types=list(dict.fromkeys(data.episode_types)),
        units=list(dict.fromkeys(data.units)),
        period_start=data.period_start,
        period_end=data.period_end,
        comparison_kind=kind.value,
        comparison_start=data.comparison_start if kind is ComparisonKind.PERIOD else None,
        comparison_end=data.comparison_end if kind is ComparisonKind.PERIOD else None,
        comparison_organisation_id=(
            found[data.comparison_organisation].id
            if kind is ComparisonKind.UNIT and data.comparison_organisation
            else None
        ),
        created_by_id=ctx.actor.user_id,
        updated_by_id=ctx.actor.user_id,
        updated_at=now,
        created_at=now,
    )
    pilot.organisations = [
        PilotOrganisation(organisation_id=found[c].id, position=n) for n, c in enumerate(codes)
    ]
    pilot.assumptions = [
        PilotAssumption(text=text, position=n, status="open", updated_by_id=ctx.actor.user_id)
        for n, text in enumerate(data.assumptions)
    ]
    repository.add(ctx.session, pilot)
    return pilot


def _touch(ctx: Context, pilot: Pilot) -> None:
    pilot.updated_by_id = ctx.actor.user_id
    pilot.updated_at = utcnow()


def update(ctx: Context, pilot_id: uuid.UUID, data: PilotUpdate) -> Pilot:
    pilot = get(ctx, pilot_id, write=True)
    for name in data.model_fields_set:
        value = getattr(data, name)
        if name == "purpose" and value is None:
            raise InvalidInput(problem("pilot.purpose_missing", field="purpose"))
        setattr(pilot, name, value)
    _touch(ctx, pilot)
    ctx.session.flush()
    return pilot


def add_log_entry(ctx: Context, pilot_id: uuid.UUID, data: LogEntryCreate) -> PilotLogEntry:
    pilot = get(ctx, pilot_id, write=True)
    entry = PilotLogEntry(
        pilot_id=pilot.id,
        kind=data.kind.value,
        classification=data.classification.value,
        description=data.description,
        action_taken=data.action_taken,
        occurred_on=data.occurred_on,
        recorded_by_id=ctx.actor.user_id,
        created_at=utcnow(),
    )
    pilot.log.append(entry)
    _touch(ctx, pilot)
    ctx.session.flush()
    return entry


def update_assumption(
    ctx: Context, pilot_id: uuid.UUID, assumption_id: uuid.UUID, data: AssumptionUpdate
) -> PilotAssumption:
    pilot = get(ctx, pilot_id, write=True)
    assumption = repository.assumption(ctx.session, pilot.id, assumption_id)
    if assumption is None:
        raise NotFound(problem("pilot.assumption_not_found", assumption_id=str(assumption_id)))
    assumption.status = data.status.value
    assumption.note = data.note
    assumption.updated_by_id = ctx.actor.user_id
    assumption.updated_at = utcnow()
    _touch(ctx, pilot)
    ctx.session.flush()
    return assumption


# -- the report ----------------------------------------------------------------------------------


@dataclass
class PilotReport:
    """Both levels: the care form's results (pilot vs comparison) and what was learnt."""

    pilot: Pilot
    results: Report
    comparison: Report
    comparison_label: str
    assumptions: Counter[str] = field(default_factory=Counter)
    barriers: dict[str, list[PilotLogEntry]] = field(default_factory=dict)
    observations: list[PilotLogEntry] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def report(ctx: Context, pilot_id: uuid.UUID) -> PilotReport:
    pilot = get(ctx, pilot_id)
    codes = organisation_codes(ctx, pilot)
    members = tuple(codes[o.organisation_id] for o in pilot.organisations)
    scope = Filters(
        pathways=tuple(pilot.pathways),
        types=tuple(pilot.episode_types),
        organisations=members,
    )
    results = outcomes.report_for(ctx, pilot.period_start, pilot.period_end, filters=scope)
    if pilot.comparison_start is not None and pilot.comparison_end is not None:
        comparison = outcomes.report_for(
            ctx, pilot.comparison_start, pilot.comparison_end, filters=scope
        )
        label = f"{pilot.comparison_start} – {pilot.comparison_end}"
    else:
        other = (
            codes.get(pilot.comparison_organisation_id)
            if pilot.comparison_organisation_id
            else None
        )
        comparison = outcomes.report_for(
            ctx,
            pilot.period_start,
            pilot.period_end,
            filters=Filters(
                pathways=scope.pathways, types=scope.types, organisations=(other or "",)
            ),
        )
        label = other or "?"
    out = PilotReport(pilot=pilot, results=results, comparison=comparison, comparison_label=label)
    out.assumptions = Counter(a.status for a in pilot.assumptions)
    for c in Classification:
        out.barriers[c.value] = [
            e for e in pilot.log if e.kind == "barrier" and e.classification == c.value
        ]
    out.observations = [e for e in pilot.log if e.kind == "observation"]
    if pilot.units:
        out.notes.append(
            "the indicators are computed per organisation: the pilot's units "
            f"({', '.join(pilot.units)}) are not separated within it"
        )
    out.notes += results.warnings + comparison.warnings
    return out
