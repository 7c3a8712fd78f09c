"""The rules for deviations (avvikelser) across organisations (issue 14, docs/deviations.md).

- ``report``: any member of staff with ``deviation:report`` and a care relationship with the
  patient (an outsider: 404, logged) reports an event about the patient, and one of their
  episodes when known. It concerns the reporter's own organisation or one taking part in the
  episode (any of the patient's episodes when none is named); one that concerns another is a
  *samverkansavvikelse*. The concerned organisation's staff who handle deviations
  (``deviation:handle``) are notified (no patient identity: a reference and a link).
- Who sees a deviation (``_load``): the staff (``deviation:report``) of the reporting and of
  the concerned organisation, and no one else — not other organisations taking part in the
  care, not analysts (they read the counts of ``summarise``). Every read is an access-log row
  for the patient; anyone else gets 404 and a refused row. The deviation belongs to the two
  organisations' quality work (patientsäkerhetslagen 2010:659 3 kap.), so it stays readable
  to them after the care relationship ends.
- Handling: only the concerned organisation's ``deviation:handle`` staff investigate
  (reported → investigating: who and when), answer with measures (investigating → answered;
  each measure: what, who is responsible, by when) and close with a note (answered →
  closed). Another organisation's handler: 403; a step out of order: 409
  ``deviation.bad_transition``. The reporter and the reporting organisation's handlers are
  notified of the answer and of the closing.
- Lex Maria: anyone who sees the deviation may flag that it may need a Lex Maria report (with
  the reason), also when reporting; the concerned organisation's responsible people (users
  with a patient safety role: chief physician in a region, MAS in a municipality) are
  notified. With nobody registered the flag still shows, with the warning
  ``no_responsible``. The concerned organisation's handlers record the decision: reported
  to IVO on a date, or not reported with the reason.
- ``link_pilot``: log the deviation as a barrier in a pilot's log through
  ``pilots.service.add_log_entry`` (the pilot's own rules: ``pilot:write`` and taking part);
  the entry's id is kept on the deviation. No patient data goes into the pilot.

Every step is a line of the deviation's history (who, organisation, when). Services take
``now`` where time matters; without it they read the clock.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from samband.deviations import repository
from samband.deviations import summary as summaries
from samband.deviations.schemas import (
    Box,
    DeviationAnswer,
    DeviationClose,
    DeviationCreate,
    DeviationInvestigate,
    LexMariaDecision,
    LexMariaDecisionKind,
    LexMariaFlag,
    PatientSafetyRole,
    PilotLink,
    Status,
)
from samband.episodes.access import not_found
from samband.kit.errors import Conflict, Forbidden, InvalidInput, not_visible, problem
from samband.kit.i18n import msg, translate
from samband.kit.time import STOCKHOLM, as_utc, utcnow
from samband.models import Organisation, User
from samband.models.deviations import Deviation, DeviationMeasure
from samband.notifications import service as notifications
from samband.pathways.definition import pathway_name
from samband.security.context import Context, role_refusal
from samband.security.roles import AuthorityKind, Permission, Role, permissions_of
from samband.security.service import log_listed, require_patient_access

RESOURCE = "deviation"
# the step each status may be reached from
STEPS: dict[Status, tuple[Status, ...]] = {
    Status.INVESTIGATING: (Status.REPORTED,),
    Status.ANSWERED: (Status.INVESTIGATING,),
    Status.CLOSED: (Status.ANSWERED,),
}
SEVERITY = {"none": "low", "mild": "low", "moderate": "medium", "severe": "high", "death": "high"}
# how far ahead of the clock a reported time may be (clocks differ)
CLOCK_SKEW = timedelta(minutes=5)
HANDLERS = tuple(r.value for r in Role if Permission.DEVIATION_HANDLE in permissions_of(r.value))
SAFETY_ROLE_AUTHORITY = {
    PatientSafetyRole.CHIEF_PHYSICIAN: AuthorityKind.REGION,
    PatientSafetyRole.MAS: AuthorityKind.MUNICIPALITY,
}


def reference(deviation_id: uuid.UUID) -> str:
    """The short reference notifications use: no patient identity."""
    return f"AV-{deviation_id.hex[:8].upper()}"


def link(deviation_id: uuid.UUID) -> str:
    return f"/deviations/{deviation_id}"


def next_statuses(status: str) -> list[Status]:
    """Where a deviation in this status may go next (pure: the state machine)."""
    return [target for target, sources in STEPS.items() if status in sources]


def check_step(current: str, target: Status) -> None:
    if current not in STEPS[target]:
        raise Conflict(
            problem(
                "deviation.bad_transition",
                field="status",
                status=msg(f"deviation.status.{current}"),
                target=msg(f"deviation.status.{target.value}"),
                allowed=", ".join(s.value for s in STEPS[target]),
            ),
            status=current,
            target=target.value,
        )


# -- the view ------------------------------------------------------------------------------------


@dataclass
class DeviationView:
    """A deviation with the names a reader needs, read in one go."""

    deviation: Deviation
    patient_name: str
    personnummer: str
    people: dict[uuid.UUID, User]
    organisations: dict[uuid.UUID, Organisation]
    responsible: list[User] = field(default_factory=list)
    may_handle: bool = False

    def name(self, user_id: uuid.UUID | None) -> str | None:
        found = self.people.get(user_id) if user_id else None
        return found.full_name if found else None

    @property
    def reference(self) -> str:
        return reference(self.deviation.id)

    @property
    def reporter_organisation(self) -> Organisation:
        return self.organisations[self.deviation.reporter_organisation_id]

    @property
    def concerned_organisation(self) -> Organisation:
        return self.organisations[self.deviation.concerned_organisation_id]

    @property
    def cross_organisation(self) -> bool:
        d = self.deviation
        return d.reporter_organisation_id != d.concerned_organisation_id

    @property
    def no_responsible(self) -> bool:
        return self.deviation.lex_maria and not self.responsible


def _views(ctx: Context, found: Sequence[Deviation]) -> list[DeviationView]:
    session = ctx.session
    names = repository.patient_names(session, {d.patient_id for d in found})
    people_ids: set[uuid.UUID] = set()
    org_ids: set[uuid.UUID] = set()
    for d in found:
        people_ids |= {
            u
            for u in (
                d.reported_by_id,
                d.investigator_id,
                d.answered_by_id,
                d.closed_by_id,
                d.lex_maria_flagged_by_id,
                d.lex_maria_decided_by_id,
            )
            if u is not None
        }
        org_ids |= {d.reporter_organisation_id, d.concerned_organisation_id}
    people = repository.users(session, people_ids)
    orgs = repository.organisations(session, org_ids)
    responsible: dict[uuid.UUID, list[User]] = {}
    flagged = {d.concerned_organisation_id for d in found if d.lex_maria}
    for person in repository.responsible_people(session, flagged):
        responsible.setdefault(person.organisation_id, []).append(person)
    actor = ctx.actor
    views = []
    for d in found:
        given, family, pnr = names.get(d.patient_id, ("", "", ""))
        concerned = actor.organisation_id == d.concerned_organisation_id
        views.append(
            DeviationView(
                deviation=d,
                patient_name=f"{given} {family}".strip(),
                personnummer=pnr,
                people=people,
                organisations=orgs,
                responsible=responsible.get(d.concerned_organisation_id, []),
                may_handle=concerned
                and actor.can(Permission.DEVIATION_HANDLE)
                and d.status != Status.CLOSED.value,
            )
        )
    return views


def view(ctx: Context, deviation: Deviation) -> DeviationView:
    return _views(ctx, [deviation])[0]


# -- access --------------------------------------------------------------------------------------


def _load(
    ctx: Context,
    deviation_id: uuid.UUID,
    *,
    permission: Permission,
    action: str,
    lock: bool = False,
) -> Deviation:
    """The deviation, for a caller of the reporting or the concerned organisation whose role
    holds ``permission``; every attempt is logged (an unknown one, or another organisation's:
    404)."""
    deviation = repository.get(ctx.session, deviation_id, lock=lock)
    if deviation is None:
        raise not_found(ctx, "deviation", deviation_id, action=action, resource_type=RESOURCE)
    actor = ctx.actor

    def log(allowed: bool, reason: str | None = None) -> None:
        ctx.log.record(
            patient_id=deviation.patient_id,
            action=action,
            resource_type=RESOURCE,
            resource_id=deviation.id,
            allowed=allowed,
            reason=reason,
        )

    if not actor.can(permission):
        log(False, f"role {actor.role} lacks {permission.value}")
        raise role_refusal(actor.role, permission)
    if actor.organisation_id not in (
        deviation.reporter_organisation_id,
        deviation.concerned_organisation_id,
    ):
        log(False, "neither the reporting nor the concerned organisation")
        raise not_visible(f"deviation {deviation_id}")
    log(True)
    return deviation


def _handled(ctx: Context, deviation_id: uuid.UUID, *, action: str) -> Deviation:
    """The deviation, locked, for a handler of the concerned organisation (the reporting
    organisation's: 403, logged)."""
    deviation = _load(
        ctx, deviation_id, permission=Permission.DEVIATION_HANDLE, action=action, lock=True
    )
    if ctx.actor.organisation_id != deviation.concerned_organisation_id:
        ctx.log.record(
            patient_id=deviation.patient_id,
            action=action,
            resource_type=RESOURCE,
            resource_id=deviation.id,
            allowed=False,
            reason="only the concerned organisation handles the deviation",
        )
        raise Forbidden(problem("deviation.not_concerned"))
    return deviation


def get(ctx: Context, deviation_id: uuid.UUID) -> DeviationView:
    return view(
        ctx, _load(ctx, deviation_id, permission=Permission.DEVIATION_REPORT, action="read")
    )


def search(
    ctx: Context,
    *,
    box: Box | None = None,
    status: str | None = None,
    category: str | None = None,
    consequence: str | None = None,
    lex_maria: bool | None = None,
    pathway: str | None = None,
    patient_id: uuid.UUID | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[DeviationView], int]:
    """The deviations the caller's organisation reported (``reported``) or is concerned by
    (``concerning``; none: both), filtered; each patient listed is logged."""
    ctx.actor.require(Permission.DEVIATION_REPORT)
    rows, total = repository.search(
        ctx.session,
        ctx.actor.organisation_id,
        box=box.value if box else None,
        status=status,
        category=category,
        consequence=consequence,
        lex_maria=lex_maria,
        pathway=pathway,
        patient_id=patient_id,
        limit=limit,
        offset=offset,
    )
    log_listed(ctx, [d.patient_id for d in rows], resource_type=RESOURCE)
    return _views(ctx, rows), total


def of_patient(ctx: Context, patient_id: uuid.UUID) -> list[DeviationView]:
    """The patient's deviations the caller's organisation reported or is concerned by (the
    patient page's card; the page has checked the care relationship)."""
    if not ctx.actor.can(Permission.DEVIATION_REPORT):
        return []
    rows = repository.of_patient(ctx.session, patient_id, ctx.actor.organisation_id)
    log_listed(ctx, [d.patient_id for d in rows], resource_type=RESOURCE)
    return _views(ctx, rows)


# -- reporting -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportForm:
    """What the report form offers: the patient's episodes and the organisations a
    deviation may concern."""

    patient_id: uuid.UUID
    patient_name: str
    personnummer: str
    episodes: list[Any]
    organisations: list[Organisation]
    own_organisation_id: uuid.UUID


def _concernable(ctx: Context, patient_id: uuid.UUID, episode_ids: list[uuid.UUID]) -> list[Any]:
    ids = [ctx.actor.organisation_id, *repository.participants(ctx.session, episode_ids)]
    found = repository.organisations(ctx.session, ids)
    return [found[i] for i in dict.fromkeys(ids) if i in found]


def report_form(ctx: Context, patient_id: uuid.UUID) -> ReportForm:
    require_patient_access(
        ctx,
        patient_id,
        permission=Permission.DEVIATION_REPORT,
        action="read",
        resource_type=RESOURCE,
        record=False,
    )
    patient = repository.patient(ctx.session, patient_id)
    assert patient is not None  # noqa: S101 - the access check found the patient
    episodes = repository.episodes_of_patient(ctx.session, patient_id)
    return ReportForm(
        patient_id=patient.id,
        patient_name=f"{patient.given_name} {patient.family_name}",
        personnummer=patient.personnummer,
        episodes=list(reversed(episodes)),
        organisations=_concernable(ctx, patient_id, [e.id for e in episodes]),
        own_organisation_id=ctx.actor.organisation_id,
    )


def _entry(ctx: Context, event: str, now: datetime, **extra: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "at": now.isoformat(),
        "event": event,
        "by": str(ctx.actor.user_id),
        "by_name": ctx.actor.full_name,
        "organisation": ctx.actor.organisation_code,
    }
    entry.update({k: v for k, v in extra.items() if v is not None})
    return entry


def written_in(deviation: Deviation, event: str) -> str | None:
    """The language the texts of the latest ``event`` were written in, when known (a page
    marks them with it: a reader's tools then read them as that language)."""
    for entry in reversed(deviation.history or []):
        if isinstance(entry, dict) and entry.get("event") == event:
            found = entry.get("lang")
            return str(found) if found else None
    return None


def _add_history(deviation: Deviation, *entries: dict[str, Any]) -> None:
    # a new list: SQLAlchemy sees the JSON column changed
    deviation.history = [*(deviation.history or []), *entries]


def _touch(deviation: Deviation, now: datetime) -> None:
    deviation.updated_at = now
    deviation.version = (deviation.version or 0) + 1


def report(
    ctx: Context,
    data: DeviationCreate,
    *,
    now: datetime | None = None,
    language: str | None = None,
) -> Deviation:
    now = now or utcnow()
    deviation_id = uuid.uuid4()
    require_patient_access(
        ctx,
        data.patient_id,
        permission=Permission.DEVIATION_REPORT,
        action="create",
        resource_type=RESOURCE,
        resource_id=deviation_id,
        record=False,
    )
    session = ctx.session
    episode = None
    if data.episode_id is not None:
        episode = repository.episode(session, data.episode_id)
        if episode is None or episode.patient_id != data.patient_id:
            raise InvalidInput(
                problem(
                    "deviation.episode_not_patients",
                    field="episode_id",
                    episode_id=str(data.episode_id),
                )
            )
    if as_utc(data.occurred_at) > now + CLOCK_SKEW:
        raise InvalidInput(problem("deviation.occurred_in_future", field="occurred_at"))
    own = ctx.actor.organisation_id
    concerned = data.concerned_organisation_id or own
    if concerned != own:
        episode_ids = (
            [episode.id]
            if episode is not None
            else [e.id for e in repository.episodes_of_patient(session, data.patient_id)]
        )
        allowed = {o.id for o in _concernable(ctx, data.patient_id, episode_ids)}
        if concerned not in allowed:
            raise InvalidInput(
                problem(
                    "deviation.concerned_not_taking_part",
                    field="concerned_organisation_id",
                    organisation_id=str(concerned),
                )
            )
    deviation = Deviation(
        id=deviation_id,
        patient_id=data.patient_id,
        episode_id=episode.id if episode else None,
        pathway=episode.pathway if episode else None,
        reported_by_id=ctx.actor.user_id,
        reporter_organisation_id=own,
        concerned_organisation_id=concerned,
        category=data.category.value,
        occurred_at=as_utc(data.occurred_at),
        description=data.description,
        consequence=data.consequence.value,
        immediate_action=data.immediate_action,
        status=Status.REPORTED.value,
        lex_maria=False,
        history=[_entry(ctx, "reported", now, lang=language)],
        created_at=now,
        updated_at=now,
        version=1,
    )
    repository.add(session, deviation)
    handlers = [
        u.id
        for u in repository.staff_with_roles(session, concerned, HANDLERS)
        if u.id != ctx.actor.user_id
    ]
    notifications.notify(
        session,
        user_ids=handlers,
        kind="deviation_reported",
        severity=SEVERITY.get(deviation.consequence, "low"),
        reference=reference(deviation.id),
        link=link(deviation.id),
        params={"organisation": _org_name(ctx, own)},
        now=now,
    )
    if data.lex_maria and data.lex_maria_reason:
        _flag(ctx, deviation, data.lex_maria_reason, now, language)
    session.flush()
    return deviation


def _org_name(ctx: Context, organisation_id: uuid.UUID) -> str:
    found = repository.organisations(ctx.session, [organisation_id]).get(organisation_id)
    return found.name if found else ""


# -- handling ------------------------------------------------------------------------------------


def investigate(
    ctx: Context,
    deviation_id: uuid.UUID,
    data: DeviationInvestigate,
    *,
    now: datetime | None = None,
    language: str | None = None,
) -> Deviation:
    now = now or utcnow()
    deviation = _handled(ctx, deviation_id, action="investigate")
    check_step(deviation.status, Status.INVESTIGATING)
    deviation.status = Status.INVESTIGATING.value
    deviation.investigator_id = ctx.actor.user_id
    deviation.investigation_started_at = now
    _add_history(deviation, _entry(ctx, "investigating", now, note=data.note, lang=language))
    _touch(deviation, now)
    ctx.session.flush()
    return deviation


def _tell_reporter(ctx: Context, deviation: Deviation, kind: str, now: datetime) -> None:
    """The reporter and the reporting organisation's handlers (not the caller)."""
    handlers = repository.staff_with_roles(
        ctx.session, deviation.reporter_organisation_id, HANDLERS
    )
    wanted = [deviation.reported_by_id, *(u.id for u in handlers)]
    notifications.notify(
        ctx.session,
        user_ids=[u for u in wanted if u != ctx.actor.user_id],
        kind=kind,
        severity="info",
        reference=reference(deviation.id),
        link=link(deviation.id),
        params={"organisation": _org_name(ctx, deviation.concerned_organisation_id)},
        now=now,
    )


def answer(
    ctx: Context,
    deviation_id: uuid.UUID,
    data: DeviationAnswer,
    *,
    now: datetime | None = None,
    language: str | None = None,
) -> Deviation:
    now = now or utcnow()
    deviation = _handled(ctx, deviation_id, action="answer")
    check_step(deviation.status, Status.ANSWERED)
    start = len(deviation.measures)
    for position, measure in enumerate(data.measures, start=start):
        deviation.measures.append(
            DeviationMeasure(
                deviation_id=deviation.id,
                position=position,
                what=measure.what,
                responsible=measure.responsible,
                due_on=measure.due_on,
                created_by_id=ctx.actor.user_id,
                created_at=now,
            )
        )
    deviation.status = Status.ANSWERED.value
    deviation.answer = data.answer
    deviation.answered_by_id = ctx.actor.user_id
    deviation.answered_at = now
    _add_history(
        deviation, _entry(ctx, "answered", now, measures=len(data.measures), lang=language)
    )
    _touch(deviation, now)
    ctx.session.flush()
    _tell_reporter(ctx, deviation, "deviation_answered", now)
    return deviation


def close(
    ctx: Context,
    deviation_id: uuid.UUID,
    data: DeviationClose,
    *,
    now: datetime | None = None,
    language: str | None = None,
) -> Deviation:
    now = now or utcnow()
    deviation = _handled(ctx, deviation_id, action="close")
    check_step(deviation.status, Status.CLOSED)
    deviation.status = Status.CLOSED.value
    deviation.closing_note = data.closing_note
    deviation.closed_by_id = ctx.actor.user_id
    deviation.closed_at = now
    _add_history(deviation, _entry(ctx, "closed", now, lang=language))
    _touch(deviation, now)
    ctx.session.flush()
    _tell_reporter(ctx, deviation, "deviation_closed", now)
    return deviation


# -- Lex Maria -----------------------------------------------------------------------------------


def _flag(
    ctx: Context, deviation: Deviation, reason: str, now: datetime, language: str | None
) -> None:
    deviation.lex_maria = True
    deviation.lex_maria_reason = reason
    deviation.lex_maria_flagged_by_id = ctx.actor.user_id
    deviation.lex_maria_flagged_at = now
    responsible = repository.responsible_people(ctx.session, [deviation.concerned_organisation_id])
    _add_history(
        deviation,
        _entry(
            ctx,
            "lex_maria_flagged",
            now,
            note=reason,
            told=len(responsible),
            no_responsible=True if not responsible else None,
            lang=language,
        ),
    )
    _touch(deviation, now)
    ctx.session.flush()
    notifications.notify(
        ctx.session,
        user_ids=[u.id for u in responsible],
        kind="deviation_lex_maria",
        severity="high",
        reference=reference(deviation.id),
        link=link(deviation.id),
        params={"organisation": _org_name(ctx, deviation.reporter_organisation_id)},
        now=now,
    )


def flag_lex_maria(
    ctx: Context,
    deviation_id: uuid.UUID,
    data: LexMariaFlag,
    *,
    now: datetime | None = None,
    language: str | None = None,
) -> Deviation:
    """The reporter, or anyone of the two organisations who sees the deviation, flags that it
    may need a Lex Maria report; the concerned organisation's responsible people are told."""
    now = now or utcnow()
    deviation = _load(
        ctx, deviation_id, permission=Permission.DEVIATION_REPORT, action="flag", lock=True
    )
    if deviation.lex_maria:
        raise Conflict(problem("deviation.lex_maria_already", field="reason"))
    _flag(ctx, deviation, data.reason, now, language)
    return deviation


def decide_lex_maria(
    ctx: Context,
    deviation_id: uuid.UUID,
    data: LexMariaDecision,
    *,
    now: datetime | None = None,
    language: str | None = None,
) -> Deviation:
    """The concerned organisation records whether it reported to IVO (and when) or not (and
    why)."""
    now = now or utcnow()
    deviation = _handled(ctx, deviation_id, action="lex_maria_decision")
    if not deviation.lex_maria:
        raise Conflict(problem("deviation.lex_maria_not_flagged", field="decision"))
    if deviation.lex_maria_decision is not None:
        raise Conflict(
            problem(
                "deviation.lex_maria_decided",
                field="decision",
                decision=msg(f"deviation.lex_maria.decision.{deviation.lex_maria_decision}"),
            )
        )
    today = now.astimezone(STOCKHOLM).date()
    if data.reported_on is not None and data.reported_on > today:
        raise InvalidInput(problem("deviation.reported_on_future", field="reported_on"))
    deviation.lex_maria_decision = data.decision.value
    deviation.lex_maria_reported_on = (
        data.reported_on if data.decision == LexMariaDecisionKind.REPORTED else None
    )
    deviation.lex_maria_decision_reason = data.reason
    deviation.lex_maria_decided_by_id = ctx.actor.user_id
    deviation.lex_maria_decided_at = now
    _add_history(
        deviation,
        _entry(
            ctx,
            "lex_maria_decided",
            now,
            decision=data.decision.value,
            reported_on=data.reported_on.isoformat() if data.reported_on else None,
            note=data.reason,
            lang=language,
        ),
    )
    _touch(deviation, now)
    ctx.session.flush()
    return deviation


# -- the pilot's barrier log ---------------------------------------------------------------------


def link_pilot(
    ctx: Context, deviation_id: uuid.UUID, data: PilotLink, *, now: datetime | None = None
) -> Deviation:
    """Log the deviation as a barrier in one of the caller's pilots (``pilot:write``, the
    caller's organisation takes part: the pilots' own rules) and keep the entry's id."""
    from samband.pilots import service as pilots
    from samband.pilots.rules import looks_like_identifier
    from samband.pilots.schemas import LogEntryCreate

    now = now or utcnow()
    deviation = _load(
        ctx, deviation_id, permission=Permission.DEVIATION_REPORT, action="link", lock=True
    )
    if deviation.pilot_log_entry_id is not None:
        raise Conflict(problem("deviation.pilot_linked", field="pilot_id"))
    if looks_like_identifier(data.description):
        # a pilot keeps no patient data (the pilots' own rule, checked before the entry is made)
        raise InvalidInput(problem("pilot.log.identifier", field="description"))
    entry = pilots.add_log_entry(
        ctx,
        data.pilot_id,
        LogEntryCreate.model_validate(
            {
                "kind": "barrier",
                "classification": data.classification.value,
                "description": f"{data.description} ({reference(deviation.id)})",
                "occurred_on": as_utc(deviation.occurred_at).astimezone(STOCKHOLM).date(),
            }
        ),
    )
    deviation.pilot_log_entry_id = entry.id
    _add_history(
        deviation,
        _entry(ctx, "pilot_linked", now, pilot=str(data.pilot_id), entry=str(entry.id)),
    )
    _touch(deviation, now)
    ctx.session.flush()
    return deviation


# -- the responsible role on a user --------------------------------------------------------------


def set_patient_safety_role(
    ctx: Context, user_id: uuid.UUID, role: PatientSafetyRole | None
) -> User:
    """An administrator of the user's care provider sets (or clears) the user's patient safety
    role: chief physician in a region's organisation, MAS in a municipality's."""
    from samband.organisations import service as organisations

    user = organisations.get_user(ctx, user_id)
    if role is not None and user.organisation.authority_kind != SAFETY_ROLE_AUTHORITY[role].value:
        raise InvalidInput(
            problem(
                "deviation.safety_role_authority",
                field="role",
                role=msg(f"deviation.safety_role.{role.value}"),
                authority=msg(f"deviation.authority.{SAFETY_ROLE_AUTHORITY[role].value}"),
            )
        )
    old = user.patient_safety_role
    new = role.value if role else None
    if old != new:
        user.patient_safety_role = new
        ctx.session.flush()
        ctx.log.record(
            patient_id=None,
            action="user_update",
            resource_type="user",
            resource_id=user.id,
            allowed=True,
            reason=f"{user.username}: patient_safety_role: {old or '–'} → {new or '–'}",
        )
    return user


# -- summaries -----------------------------------------------------------------------------------


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=STOCKHOLM)


def summarise(
    ctx: Context,
    *,
    period_from: date | None = None,
    period_to: date | None = None,
    pathway: str | None = None,
    organisation_id: uuid.UUID | None = None,
    category: str | None = None,
    lang: str = "en",
) -> summaries.Summary:
    """Counts per pathway, concerned organisation and category of the deviations reported
    from ``period_from`` to ``period_to`` (local dates, both included): no patient, no text
    (``directory:read``: analysts too)."""
    ctx.actor.require(Permission.DIRECTORY_READ)
    if period_from and period_to and period_from > period_to:
        raise InvalidInput(
            problem(
                "deviation.period_order",
                field="period_to",
                start=period_from.isoformat(),
                end=period_to.isoformat(),
            )
        )
    rows = repository.facts(
        ctx.session,
        start=_day_start(period_from) if period_from else None,
        end=_day_start(period_to + timedelta(days=1)) if period_to else None,
        pathway=pathway,
        organisation_id=organisation_id,
        category=category,
    )
    names = repository.organisation_names(ctx.session)
    return summaries.summarise(
        (
            summaries.Fact(
                pathway=p,
                organisation=org,
                category=cat,
                status=st,
                consequence=cons,
                lex_maria=bool(flag),
                reported_at=as_utc(reported),
                closed_at=as_utc(closed) if closed else None,
            )
            for p, org, cat, st, cons, flag, reported, closed in rows
        ),
        pathway_name=lambda k: (
            translate("deviation.no_pathway", lang)
            if k == summaries.NO_PATHWAY
            else pathway_name(k, lang)
        ),
        organisation_name=lambda code: names.get(code, code),
        category_name=lambda k: translate(f"deviation.category.{k}", lang),
        total_name=translate("deviation.summary.total", lang),
    )


def organisations_for_filter(ctx: Context) -> list[Organisation]:
    ctx.actor.require(Permission.DIRECTORY_READ)
    return repository.all_organisations(ctx.session)
