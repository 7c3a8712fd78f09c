"""The rules of the pilots (learning follow-up, docs/pilots.md).

- Read: ``directory:read`` and the caller's organisation takes part in the pilot, or the
  pilot is **finished** (its period has ended, ``rules.finished``): then any organisation
  may read it, to learn from it (issue 14), read only. A running pilot of other
  organisations is "not found" (we do not say it exists).
- Write: ``pilot:write`` (physicians, registered nurses, coordinators) of an organisation
  taking part; anyone else gets "not found" (a finished pilot is read only for them).
  Every write keeps who and when (``updated_by``/``recorded_by`` and the time).
- A pilot holds no patient data; its results are the outcome indicators of its scope,
  computed when its report is read (``report``), as aggregates (no episode ids). The log's
  texts are refused when they hold a personnummer-shaped number (``rules``).

The stable entry points for other domains (e.g. deviations linking to a barrier log):
``add_log_entry(ctx, pilot_id, LogEntryCreate) -> PilotLogEntry`` (the caller's rights are
checked as for any write) and ``log_entry(ctx, pilot_id, entry_id) -> PilotLogEntry``.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from samband.kit.errors import InvalidInput, NotFound, problem
from samband.kit.time import local_today, utcnow
from samband.models import Pilot, PilotAssumption, PilotLogEntry, PilotOrganisation
from samband.outcomes import service as outcomes
from samband.outcomes.report import Filters, Report
from samband.pilots import repository, rules
from samband.pilots.schemas import (
    AssumptionCreate,
    AssumptionUpdate,
    Classification,
    ComparisonKind,
    EntryKind,
    LogEntryCreate,
    PilotCreate,
    PilotUpdate,
)
from samband.security.context import Context
from samband.security.roles import Permission


def taking_part(ctx: Context, pilot: Pilot) -> bool:
    """The caller's organisation takes part in the pilot (its staff may edit it)."""
    return any(o.organisation_id == ctx.actor.organisation_id for o in pilot.organisations)


def is_finished(pilot: Pilot) -> bool:
    return rules.finished(pilot.period_end, local_today())


def may_edit(ctx: Context, pilot: Pilot) -> bool:
    return ctx.actor.can(Permission.PILOT_WRITE) and taking_part(ctx, pilot)


def get(
    ctx: Context, pilot_id: uuid.UUID, *, write: bool = False, lock: bool | None = None
) -> Pilot:
    """The pilot to read (taking part, or finished) or to change (taking part only; locked
    unless ``lock=False``, e.g. to show its form)."""
    ctx.actor.require(Permission.PILOT_WRITE if write else Permission.DIRECTORY_READ)
    pilot = repository.get(ctx.session, pilot_id, lock=write if lock is None else lock)
    if pilot is None:
        raise NotFound(problem("pilot.not_found", pilot_id=str(pilot_id)))
    member = taking_part(ctx, pilot)
    if not member and (write or not is_finished(pilot)):
        raise NotFound(problem("pilot.not_found", pilot_id=str(pilot_id)))
    return pilot


def list_pilots(ctx: Context) -> Sequence[Pilot]:
    ctx.actor.require(Permission.DIRECTORY_READ)
    return repository.of_organisation(ctx.session, ctx.actor.organisation_id)


def finished_of_others(ctx: Context) -> Sequence[Pilot]:
    """Other organisations' finished pilots, newest ending first: to learn from, read only."""
    ctx.actor.require(Permission.DIRECTORY_READ)
    return repository.finished_without(ctx.session, ctx.actor.organisation_id, local_today())


def log_entry(ctx: Context, pilot_id: uuid.UUID, entry_id: uuid.UUID) -> PilotLogEntry:
    """One entry of a pilot's log the caller may read (e.g. a barrier a deviation names)."""
    pilot = get(ctx, pilot_id)
    for entry in pilot.log:
        if entry.id == entry_id:
            return entry
    raise NotFound(problem("pilot.log_entry_not_found", entry_id=str(entry_id)))


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
        language=data.language,
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


# the fields a change may not empty, and the problem it answers
_REQUIRED = {
    "name": "pilot.name_missing",
    "purpose": "pilot.purpose_missing",
    "period_start": "pilot.period_missing",
    "period_end": "pilot.period_missing",
    "comparison_kind": "pilot.comparison_kind_missing",
}
_LISTS = ("pathways", "episode_types", "units")


def update(ctx: Context, pilot_id: uuid.UUID, data: PilotUpdate) -> Pilot:
    """Change what was sent. The periods and the comparison are checked as they stand after
    the change; the organisations keep the pilot's own (the first) and the caller's."""
    pilot = get(ctx, pilot_id, write=True)
    sent = data.model_fields_set
    for name, code in _REQUIRED.items():
        if name in sent and getattr(data, name) is None:
            raise InvalidInput(problem(code, field=name))
    for name in ("name", "purpose", "period_start", "period_end", "next_iteration"):
        if name in sent:
            setattr(pilot, name, getattr(data, name))
    if data.language is not None:
        pilot.language = data.language
    for name in _LISTS:
        if name in sent:
            setattr(pilot, name, list(dict.fromkeys(getattr(data, name) or [])))
    if data.comparison_kind is not None:
        pilot.comparison_kind = data.comparison_kind.value
    for name in ("comparison_start", "comparison_end"):
        if name in sent:
            setattr(pilot, name, getattr(data, name))
    wanted: list[str] = []
    if "organisations" in sent:
        wanted += list(data.organisations or [])
    if "comparison_organisation" in sent and data.comparison_organisation:
        wanted.append(data.comparison_organisation)
    found = repository.organisations_by_code(ctx.session, wanted)
    unknown = [c for c in dict.fromkeys(wanted) if c not in found]
    if unknown:
        field = "organisations" if set(unknown) & set(data.organisations or []) else None
        raise InvalidInput(
            problem(
                "pilot.organisations_unknown",
                field=field or "comparison_organisation",
                codes=unknown,
            )
        )
    if "comparison_organisation" in sent:
        other = data.comparison_organisation
        pilot.comparison_organisation_id = found[other].id if other else None
    if "organisations" in sent:
        _set_organisations(ctx, pilot, [found[c].id for c in data.organisations or []])
    _check_periods(pilot)
    _touch(ctx, pilot)
    ctx.session.flush()
    return pilot


def _set_organisations(ctx: Context, pilot: Pilot, wanted: list[uuid.UUID]) -> None:
    """The organisations taking part: the pilot's own (the first) and the caller's stay, in
    front; the rest in the order given. Rows kept are kept (their key is the pair)."""
    own = pilot.organisations[0].organisation_id if pilot.organisations else None
    order = list(dict.fromkeys([i for i in (own, ctx.actor.organisation_id) if i] + wanted))
    existing = {o.organisation_id: o for o in pilot.organisations}
    rows = []
    for n, organisation_id in enumerate(order):
        row = existing.get(organisation_id) or PilotOrganisation(organisation_id=organisation_id)
        row.position = n
        rows.append(row)
    pilot.organisations = rows


def _check_periods(pilot: Pilot) -> None:
    """The rules of PilotCreate, on the pilot as it stands after a change."""
    if pilot.period_end < pilot.period_start:
        raise InvalidInput(problem("pilot.period_reversed", field="period_end"))
    if pilot.comparison_kind == ComparisonKind.PERIOD.value:
        if pilot.comparison_start is None or pilot.comparison_end is None:
            raise InvalidInput(problem("pilot.comparison_period_missing", field="comparison_start"))
        if pilot.comparison_end < pilot.comparison_start:
            raise InvalidInput(problem("pilot.comparison_reversed", field="comparison_end"))
        pilot.comparison_organisation_id = None
    else:
        if pilot.comparison_organisation_id is None:
            raise InvalidInput(
                problem("pilot.comparison_unit_missing", field="comparison_organisation")
            )
        pilot.comparison_start = pilot.comparison_end = None


def add_assumption(ctx: Context, pilot_id: uuid.UUID, data: AssumptionCreate) -> PilotAssumption:
    """A new assumption the pilot tests, open, last in the list."""
    pilot = get(ctx, pilot_id, write=True)
    position = max((a.position for a in pilot.assumptions), default=-1) + 1
    assumption = PilotAssumption(
        text=data.text,
        position=position,
        status="open",
        updated_by_id=ctx.actor.user_id,
        updated_at=utcnow(),
    )
    pilot.assumptions.append(assumption)
    _touch(ctx, pilot)
    ctx.session.flush()
    return assumption


def add_log_entry(ctx: Context, pilot_id: uuid.UUID, data: LogEntryCreate) -> PilotLogEntry:
    """Record an entry of the pilot's log (any kind of ``EntryKind``) as the caller: needs
    ``pilot:write`` and the caller's organisation taking part (else 403 / 404). The schema
    has checked the fields of the kind and that no personnummer is in the texts. Stable for
    other domains (deviations add a barrier through it)."""
    pilot = get(ctx, pilot_id, write=True)
    entry = PilotLogEntry(
        pilot_id=pilot.id,
        kind=data.kind.value,
        classification=data.classification.value if data.classification else None,
        description=data.description,
        action_taken=data.action_taken,
        occurred_on=data.occurred_on,
        phase=data.phase.value if data.phase else None,
        valence=data.valence.value if data.valence else None,
        told_by=data.told_by.value if data.told_by else None,
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

# the indicators a pilot's report compares (the care form's results, docs/indicators.md)
REPORT_INDICATORS = (
    "episodes_started",
    "patient_days_at_home",
    "bed_days_freed",
    "length_of_stay_median_days",
    "escalation_rate_during_episode",
    "readmission_rate_within_30_days",
    "ed_visits_during_episode",
    "deaths_unexpected",
    "visits_per_patient_day",
    "patient_felt_safe_share",
    "region_net_sek",
    "municipality_net_sek",
)


@dataclass
class PilotReport:
    """Both levels: the care form's results (pilot vs comparison) and what was learnt."""

    pilot: Pilot
    results: Report
    comparison: Report
    comparison_label: str
    assumptions: Counter[str] = field(default_factory=Counter)
    barriers: dict[str, list[PilotLogEntry]] = field(default_factory=dict)
    enablers: dict[str, list[PilotLogEntry]] = field(default_factory=dict)
    unintended_effects: list[PilotLogEntry] = field(default_factory=list)
    patient_stories: list[PilotLogEntry] = field(default_factory=list)
    observations: list[PilotLogEntry] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    finished: bool = False
    taking_part: bool = False


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
    out.finished = is_finished(pilot)
    out.taking_part = taking_part(ctx, pilot)
    for c in Classification:
        out.barriers[c.value] = [
            e for e in pilot.log if e.kind == EntryKind.BARRIER and e.classification == c.value
        ]
        out.enablers[c.value] = [
            e for e in pilot.log if e.kind == EntryKind.ENABLER and e.classification == c.value
        ]
    out.unintended_effects = [e for e in pilot.log if e.kind == EntryKind.UNINTENDED_EFFECT]
    out.patient_stories = [e for e in pilot.log if e.kind == EntryKind.PATIENT_STORY]
    out.observations = [e for e in pilot.log if e.kind == EntryKind.OBSERVATION]
    if pilot.units:
        out.notes.append(
            "the indicators are computed per organisation: the pilot's units "
            f"({', '.join(pilot.units)}) are not separated within it"
        )
    out.notes += results.warnings + comparison.warnings
    return out
