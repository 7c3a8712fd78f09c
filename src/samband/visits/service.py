"""The rules for home visits: made from care plans or ad hoc, and their life cycle.

- **Visits from care plans** (``generate``): for a date, every home activity of the current
  care-plan version of each episode at home becomes visits (``schedule.expand``), made by
  the participating organisation of the activity's kind. Idempotent per date: a visit that
  is already there is kept whatever its status; a *planned* visit the plan no longer asks
  for is cancelled.
- **Planned physician reviews** (``physicianvisits.service.make_review_visits``): made with
  the date's visits, one a review and date (decision 0019).
- **Ad-hoc visits** (``create_visit``): urgent visits with a priority, checked and logged
  through ``episode_for`` like every other write on an episode.
- **The life cycle** (``MOVES``): planned → assigned (by publishing a day plan) → started →
  done; planned/assigned → missed | cancelled; started → cancelled. Anything else is 409.
  Staff mark their own visits (``visit:update``); planners (``episode:update``) mark anyone's.
- **A visit is started on its own date** (Europe/Stockholm), 409 otherwise.
- **Mina besök idag** (``my_visits``): a staff member's own visits of today, the next one
  first, with the drug and dose of a medication visit from the medication list.
- **Medication visits** (an activity with a ``medication_route``: the IV doses) take their
  times from the medication list (``schedule.dose_schedule``) and have priority 1
  (``DOSE_PRIORITY``: the planner never leaves one out when some feasible plan serves it; the
  other visits from care plans have ``DEFAULT_PRIORITY``); one left unstaffed by a
  published plan (``dayplans``), or marked missed, raises a ``medication_visit`` alert to the
  responsible unit.

Staff shifts are in ``shifts``; day plans (routing, the solve job, plans that follow the
patient) in ``dayplans``. Refusals are problems (``visit.*``, catalogue ``visits.po``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from pydantic import ValidationError
from sqlalchemy.orm import Session

from samband.careplans.schemas import PlanActivity
from samband.episodes.access import episode_for, not_found
from samband.episodes.states import State
from samband.kit.errors import Conflict, Forbidden, InvalidInput, problem
from samband.kit.i18n import Msg, Source, msg
from samband.kit.time import as_utc, local_today, utcnow
from samband.models import Episode, Medication, Patient, Visit
from samband.planning.problem import DEFAULT_PRIORITY, MIN_PRIORITY, parse_clock
from samband.security.context import Context
from samband.security.roles import Permission
from samband.security.service import log_listed, require_patient_access, visibility
from samband.visits import repository, schedule
from samband.visits.schedule import local_to_utc
from samband.visits.schemas import GenerateVisits, VisitCreate, VisitStatus, VisitStatusChange

RESOURCE = "visit"
S = VisitStatus
MOVES: dict[str, frozenset[str]] = {
    S.PLANNED: frozenset({S.STARTED, S.MISSED, S.CANCELLED}),
    S.ASSIGNED: frozenset({S.STARTED, S.MISSED, S.CANCELLED}),
    S.STARTED: frozenset({S.DONE, S.CANCELLED}),
    S.DONE: frozenset(),
    S.MISSED: frozenset(),
    S.CANCELLED: frozenset(),
}
OPEN = frozenset({S.PLANNED, S.ASSIGNED})  # (re)planned by the solver
FIXED = frozenset({S.STARTED, S.DONE})  # kept with their staff and time
FINISHED = frozenset({S.DONE, S.MISSED})  # shown after the others on Mina besök
MINE = frozenset({S.ASSIGNED, S.STARTED, S.DONE, S.MISSED})  # a staff member's own visits
# A dose given by staff (a visit of an activity with a ``medication_route``) is never left out
# of a plan that could serve it: the planner's highest priority (``planning.solver``).
DOSE_PRIORITY = MIN_PRIORITY


@dataclass(frozen=True)
class VisitView:
    visit: Visit
    patient: Patient


@dataclass(frozen=True)
class Generated:
    date: date
    organisation_ids: list[uuid.UUID]
    created: int
    kept: int
    cancelled: int
    visits: list[VisitView]


@dataclass(frozen=True)
class MyVisit:
    """One of a staff member's visits of the day; ``medications``: for a medication visit,
    the active medications of its route given by staff (the drug and dose to give)."""

    visit: Visit
    patient: Patient
    medications: list[Medication]

    @property
    def finished(self) -> bool:
        return self.visit.status in FINISHED


# -- visits from care plans ----------------------------------------------------------------------


def generate(ctx: Context, data: GenerateVisits) -> Generated:
    """Make the date's visits from the care plans of the patients at home (idempotent)."""
    ctx.actor.require(Permission.EPISODE_UPDATE)
    session, day = ctx.session, data.date
    orgs = _organisations(ctx, data.organisation_ids)
    rows = repository.episodes_at_home(session, orgs, visibility(ctx), State.AT_HOME.value)
    episode_ids = [episode.id for episode, _ in rows]
    parts = repository.participants(session, episode_ids)
    doses = {
        episode_id: [_dose(m) for m in medications]
        for episode_id, medications in repository.medications_of(session, episode_ids).items()
    }
    existing = {
        (v.episode_id, v.activity_key, v.occurrence): v
        for v in repository.visits_of_episodes(session, episode_ids, day)
        if v.source == "plan"
    }
    wanted: set[tuple[uuid.UUID, str | None, int | None]] = set()
    created: list[Visit] = []
    kept = 0
    now = utcnow()
    for episode, version in rows:
        start = _start_date(episode, day)
        for raw in version.content.get("activities") or []:
            try:
                activity = PlanActivity.model_validate(raw)
            except ValidationError:
                continue  # validated when the version was written; never half-read a plan
            performer = _performer(activity, parts.get(episode.id, []))
            if performer is None or performer[0] not in orgs:
                continue
            for planned in schedule.expand(activity, day, start, doses.get(episode.id, [])):
                key = (episode.id, planned.activity_key, planned.occurrence)
                wanted.add(key)
                if key in existing:
                    kept += 1
                    _follow_window(ctx, existing[key], planned)
                    continue
                visit = Visit(
                    episode_id=episode.id,
                    patient_id=episode.patient_id,
                    date=day,
                    activity_key=planned.activity_key,
                    occurrence=planned.occurrence,
                    what=planned.what,
                    window_start=planned.window_start,
                    window_end=planned.window_end,
                    duration_min=planned.duration_min,
                    skills=list(planned.skills),
                    role=planned.role,
                    organisation_kind=performer[1],
                    organisation_id=performer[0],
                    priority=planned_priority(planned.medication_route),
                    medication_route=planned.medication_route,
                    source="plan",
                    status=S.PLANNED.value,
                    history=[],
                    created_by_id=ctx.actor.user_id,
                    created_at=now,
                )
                repository.add(session, visit)
                created.append(visit)
    cancelled = 0
    for old_key, visit in existing.items():
        if old_key not in wanted and visit.status == S.PLANNED and visit.organisation_id in orgs:
            _move(ctx, visit, S.CANCELLED, "no longer in the care plan")
            cancelled += 1
    for patient_id in dict.fromkeys(v.patient_id for v in created):
        ctx.log.record(
            patient_id=patient_id,
            action="create",
            resource_type=RESOURCE,
            allowed=True,
            reason="visits generated from the care plan",
        )
    session.flush()
    # planned physician visits and medication reviews due on the date (decision 0019)
    from samband.physicianvisits.service import make_review_visits

    reviewed = make_review_visits(ctx, day, orgs)
    visits = _listed(ctx, day=day, organisation_ids=orgs)
    return Generated(day, list(orgs), len(created) + len(reviewed), kept, cancelled, visits)


def create_visit(ctx: Context, data: VisitCreate) -> VisitView:
    """An ad-hoc visit to a patient at home (priority 1 unless told)."""
    episode = episode_for(
        ctx,
        data.episode_id,
        permission=Permission.EPISODE_UPDATE,
        action="create",
        resource_type=RESOURCE,
    )
    if episode.state != State.AT_HOME:
        raise Conflict(
            problem("visit.not_at_home", field="episode_id", state=msg(f"state.{episode.state}"))
        )
    organisation_id = data.organisation_id or ctx.actor.organisation_id
    kinds = dict(repository.participants(ctx.session, [episode.id]).get(episode.id, []))
    if organisation_id not in kinds:
        raise InvalidInput(
            problem(
                "visit.organisation_not_taking_part",
                field="organisation_id",
                organisation=str(organisation_id),
            )
        )
    lo = parse_clock(data.window[0], "window[0]") // 60
    hi = parse_clock(data.window[1], "window[1]") // 60
    if hi < lo:
        raise InvalidInput(
            problem(
                "visit.window_ends_before_start",
                field="window",
                start=data.window[0],
                end=data.window[1],
            )
        )
    now = utcnow()
    visit = Visit(
        episode_id=episode.id,
        patient_id=episode.patient_id,
        date=data.date,
        activity_key=None,
        occurrence=None,
        what=data.what,
        window_start=local_to_utc(data.date, lo),
        window_end=local_to_utc(data.date, hi),
        duration_min=data.duration_min,
        skills=sorted(set(data.skills)),
        role=data.role.value,
        organisation_kind=kinds[organisation_id],
        organisation_id=organisation_id,
        priority=data.priority,
        source="ad_hoc",
        status=S.PLANNED.value,
        history=[],
        created_by_id=ctx.actor.user_id,
        created_at=now,
    )
    repository.add(ctx.session, visit)
    patient = repository.visits_by_id(ctx.session, [visit.id])[visit.id][1]
    return VisitView(visit, patient)


def list_visits(
    ctx: Context,
    day: date | None,
    *,
    status: VisitStatus | None = None,
    staff_id: uuid.UUID | None = None,
) -> list[VisitView]:
    """The date's visits of the patients the caller may see (each patient logged)."""
    ctx.actor.require(Permission.PATIENT_READ)
    return _listed(
        ctx,
        day=day or local_today(),
        statuses=[status.value] if status else None,
        staff_id=staff_id,
    )


def my_visits(ctx: Context, day: date | None = None) -> list[MyVisit]:
    """The caller's own visits of the date (default today), for *Mina besök idag*: the one
    under way first, then the next ones in time order, the finished ones (done, missed) last.
    Each patient is logged; a medication visit comes with the drug and dose to give."""
    ctx.actor.require(Permission.VISIT_UPDATE)
    ctx.actor.require(Permission.PATIENT_READ)
    rows = repository.search_visits(
        ctx.session,
        visibility(ctx),
        day=day or local_today(),
        statuses=[s.value for s in MINE],
        staff_id=ctx.actor.user_id,
    )
    log_listed(ctx, list(dict.fromkeys(p.id for _, p in rows)), resource_type=RESOURCE)
    medication_visits = {v.episode_id for v, _ in rows if v.medication_route}
    lists = repository.medications_of(ctx.session, medication_visits)
    mine = [
        MyVisit(visit, patient, _to_give(visit, lists.get(visit.episode_id, [])))
        for visit, patient in rows
    ]
    mine.sort(key=_my_order)
    return mine


def _my_order(item: MyVisit) -> tuple[int, int, datetime]:
    visit = item.visit
    when = as_utc(visit.planned_start or visit.window_start)
    if item.finished:
        return (2, 0, when)
    return (0 if visit.status == S.STARTED else 1, 0, when)


def _to_give(visit: Visit, medications: Sequence[Medication]) -> list[Medication]:
    """The medications a medication visit gives: active, of its route, given by staff."""
    if not visit.medication_route:
        return []
    return [
        m
        for m in medications
        if m.status == "active"
        and m.route == visit.medication_route
        and m.given_by not in schedule.NOT_STAFF
    ]


def change_status(ctx: Context, visit_id: uuid.UUID, data: VisitStatusChange) -> VisitView:
    """Mark a visit started, done, missed or cancelled (409 for a move the life cycle forbids)."""
    actor = ctx.actor
    visit = repository.get_visit(ctx.session, visit_id, lock=True)
    if visit is None:
        raise not_found(ctx, "visit", visit_id, action="update", resource_type=RESOURCE)
    planner = actor.can(Permission.EPISODE_UPDATE)
    require_patient_access(
        ctx,
        visit.patient_id,
        permission=Permission.VISIT_UPDATE
        if actor.can(Permission.VISIT_UPDATE)
        else (Permission.EPISODE_UPDATE),
        action="update",
        resource_type=RESOURCE,
        resource_id=visit.id,
        subject=f"visit {visit.id}",
        episode_id=visit.episode_id,
        record=False,  # a visit is shared with whoever makes it (home care too)
    )
    target = VisitStatus(data.to.value)
    if not planner:
        if visit.assigned_user_id not in (None, actor.user_id):
            raise Forbidden(problem("visit.assigned_to_another"))
        if target == S.CANCELLED:
            raise Forbidden(problem("visit.cancel_by_planner_only"))
    allowed = MOVES[visit.status]
    if target not in allowed:
        raise Conflict(
            problem(
                "visit.move_refused",
                field="to",
                status=status_term(visit.status),
                target=status_term(target),
                moves=[status_term(m) for m in sorted(allowed)] or msg("visit.no_moves"),
            ),
            allowed=sorted(allowed),
        )
    today = local_today()
    if target == S.STARTED and visit.date != today:
        raise Conflict(
            problem("visit.not_its_date", field="to", date=visit.date, today=today),
            allowed=sorted(m for m in allowed if m != S.STARTED),
        )
    now = utcnow()
    if target == S.STARTED:
        visit.started_at = now
        if visit.assigned_user_id is None:
            visit.assigned_user_id = actor.user_id
    elif target == S.DONE:
        visit.ended_at = now
    _move(ctx, visit, target, data.note)
    ctx.session.flush()
    if target == S.MISSED:
        why = (
            msg("visit.alert_missed_note", note=data.note)
            if data.note
            else msg("visit.alert_missed")
        )
        _medication_alerts(ctx, [(visit, why)])
    patient = repository.visits_by_id(ctx.session, [visit.id])[visit.id][1]
    return VisitView(visit, patient)


# -- helpers --------------------------------------------------------------------------------------


def _organisations(ctx: Context, ids: Iterable[uuid.UUID] | None) -> list[uuid.UUID]:
    """The organisations asked for (default: the caller's). Visits and day plans are made
    for the caller's own organisation only: a plan in another organisation's name would
    replace what its staff see (issue 10)."""
    own = ctx.actor.organisation_id
    wanted = list(dict.fromkeys(ids or [own]))
    known = repository.organisations(ctx.session, wanted)
    for org_id in wanted:
        if org_id not in known:
            raise InvalidInput(
                problem(
                    "dayplan.unknown_organisation",
                    field="organisation_ids",
                    organisation=str(org_id),
                )
            )
        if org_id != own:
            ctx.log.record(
                patient_id=None,
                action="create",
                resource_type="day_plan",
                resource_id=org_id,
                allowed=False,
                reason="visits and day plans of another organisation",
            )
            raise Forbidden(
                problem(
                    "dayplan.own_organisation_only",
                    field="organisation_ids",
                    organisation=known[org_id].name,
                )
            )
    return wanted


def _performer(
    activity: PlanActivity, participants: list[tuple[uuid.UUID, str]]
) -> tuple[uuid.UUID, str] | None:
    """The participating organisation that does the activity: the one named, else the first
    of the activity's kind."""
    if activity.organisation_id is not None:
        return next((p for p in participants if p[0] == activity.organisation_id), None)
    return next((p for p in participants if p[1] == activity.organisation_kind), None)


def _start_date(episode: Episode, day: date) -> date:
    """Day 1 of the episode: the local date the patient went home."""
    if episode.started_at is not None:
        return episode.started_at.astimezone(schedule.LOCAL).date()
    return episode.planned_home_date or day


def doses_of(session: Session, episode_id: uuid.UUID) -> list[schedule.Dose]:
    """The episode's medication list as the visit schedule reads it (for the patient's copy,
    which must say the same times as the visits; the caller checked access)."""
    return [_dose(m) for m in repository.medications_of(session, [episode_id]).get(episode_id, [])]


def _dose(medication: Medication) -> schedule.Dose:
    return schedule.Dose(
        route=medication.route,
        schedule=medication.schedule,
        given_by=medication.given_by,
        active=medication.status == "active",
        start_date=medication.start_date,
        days=medication.days,
    )


def planned_priority(route: str | None) -> int:
    """The priority of a visit from the care plan: a medication dose (a ``medication_route``)
    ``DOSE_PRIORITY``, any other visit ``DEFAULT_PRIORITY``."""
    return DOSE_PRIORITY if route else DEFAULT_PRIORITY


def _follow_window(ctx: Context, visit: Visit, planned: schedule.PlannedVisit) -> None:
    """A planned visit that is already there follows the schedule as it is now (e.g. the
    medication's times changed); an assigned, started or finished one keeps its window. An
    open one (planned or assigned) has the priority of what it is (a dose made before doses
    had priority 1 gets it when the date's visits are made again)."""
    changed = False
    window = (planned.window_start, planned.window_end)
    if visit.status == S.PLANNED and (
        (as_utc(visit.window_start), as_utc(visit.window_end)) != window
        or visit.medication_route != planned.medication_route
    ):
        visit.window_start, visit.window_end = window
        visit.medication_route = planned.medication_route
        changed = True
    priority = planned_priority(visit.medication_route)
    if visit.status in OPEN and visit.priority != priority:
        visit.priority = priority
        changed = True
    if changed:
        visit.updated_at = utcnow()
        visit.updated_by_id = ctx.actor.user_id


def _medication_alerts(ctx: Context, visits: Sequence[tuple[Visit, Msg]]) -> None:
    """A medication visit (an IV dose) left unstaffed or missed: a high alert to the
    episode's responsible unit (alerts.service.Raiser: its escalation and notifications)."""
    from samband.alerts.rules import Kind, Trigger
    from samband.alerts.service import Raiser

    doses = [(v, why) for v, why in visits if v.medication_route]
    if not doses:
        return
    episodes = repository.episodes_by_id(ctx.session, {v.episode_id for v, _ in doses}, lock=True)
    raiser = Raiser(ctx.session, utcnow(), ctx.actor.user_id)
    for visit, why in doses:
        episode = episodes.get(visit.episode_id)
        if episode is None or episode.state != State.AT_HOME:
            continue
        lo = visit.window_start.astimezone(schedule.LOCAL)
        hi = visit.window_end.astimezone(schedule.LOCAL)
        until = "24:00" if hi.date() > visit.date else f"{hi:%H:%M}"
        reason = problem(
            "visit.medication_alert",
            route=(visit.medication_route or "").upper(),
            date=visit.date,
            start=f"{lo:%H:%M}",
            end=until,
            what=Source(visit.what),
            why=why,
        )
        raiser.raise_(episode, Trigger(Kind.MEDICATION_VISIT, "high", reason))
    raiser.flush()


def status_term(status: str) -> Msg:
    """A visit's status as a word inside a sentence ("a started visit"): ``visit.state.*``."""
    return msg(f"visit.state.{status}")


def _move(ctx: Context, visit: Visit, target: VisitStatus, note: str | None) -> None:
    now = utcnow()
    visit.history = [
        *visit.history,
        {
            "at": now.isoformat(),
            "by": str(ctx.actor.user_id),
            "from": visit.status,
            "to": target.value,
            "note": note,
        },
    ]
    visit.status = target.value
    visit.updated_at = now
    visit.updated_by_id = ctx.actor.user_id


def _listed(
    ctx: Context,
    *,
    day: date,
    statuses: list[str] | None = None,
    staff_id: uuid.UUID | None = None,
    organisation_ids: list[uuid.UUID] | None = None,
) -> list[VisitView]:
    rows = repository.search_visits(
        ctx.session,
        visibility(ctx),
        day=day,
        statuses=statuses,
        staff_id=staff_id,
        organisation_ids=organisation_ids,
    )
    log_listed(ctx, [patient.id for _, patient in rows], resource_type=RESOURCE)
    return [VisitView(visit, patient) for visit, patient in rows]
