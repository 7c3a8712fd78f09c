"""The rules for home visits, staff shifts and the day's routed plan.

- **Visits from care plans** (``generate``): for a date, every home activity of the current
  care-plan version of each episode at home becomes visits (``schedule.expand``), made by
  the participating organisation of the activity's kind. Idempotent per date: a visit that
  is already there is kept whatever its status; a *planned* visit the plan no longer asks
  for is cancelled.
- **Ad-hoc visits** (``create_visit``): urgent visits with a priority, checked and logged
  through ``episode_for`` like every other write on an episode.
- **The life cycle** (``MOVES``): planned → assigned (by publishing a day plan) → started →
  done; planned/assigned → missed | cancelled; started → cancelled. Anything else is 409.
  Staff mark their own visits (``visit:update``); planners (``episode:update``) mark anyone's.
- **Day plans** (``create_day_plan``, ``replan``): the organisations' open visits of the date
  and their staff's shifts become a ``samband.planning`` problem, solved by PyVRP. Started
  and done visits are fixed: their staff member continues from the last of them. A new
  plan prefers each patient's regular staff (``REGULAR_STAFF``: whoever made most of the
  patient's visits in the last ``HISTORY_DAYS`` days), for continuity; a replan prefers
  each visit's current staff member (moving as little as possible). A draft changes
  no visit; publishing writes the assignments onto the visits, and a replan of a published
  plan does so at once.
- **Solved off the request path** (decision 0015): ``create_day_plan`` and ``replan`` make
  or mark the plan (``solve_status`` queued) and defer the job ``dayplans.solve``
  (visits/jobs.py). The job reads the problem in one short transaction (``begin_solve``),
  solves with no transaction open, and writes the result in another (``finish_solve``),
  unless a newer request (``solve_ticket``) superseded it.
- **Plans follow the patient** (``follow_the_patient``): when an episode is readmitted,
  discharged, deceased or withdrawn, its open visits from today on are cancelled with the
  reason, the day plans holding them are marked out of date, and the staff of a published
  plan whose routes held them are told. A replan clears the mark.
- **Medication visits** (an activity with a ``medication_route``: the IV doses) take their
  times from the medication list (``schedule.dose_schedule``); one left unstaffed by a
  published plan, or marked missed, raises a ``medication_visit`` alert to the responsible
  unit.
- **A visit is started on its own date** (Europe/Stockholm), 409 otherwise.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from samband.careplans.schemas import PlanActivity
from samband.episodes.access import episode_for, not_found
from samband.episodes.states import State
from samband.jobs.queue import defer
from samband.kit.errors import Conflict, Forbidden, InvalidInput, NotFound, not_visible
from samband.kit.time import as_utc, local_today, utcnow
from samband.models import DayPlan, Episode, Medication, Patient, StaffShift, User, Visit
from samband.notifications import service as notifications
from samband.planning.plan import Plan
from samband.planning.problem import DEFAULT_PRIORITY, ProblemError, parse_clock, parse_problem
from samband.planning.solver import PyVRPSolver, Solver
from samband.security.context import AccessLog, Context
from samband.security.roles import Permission
from samband.security.service import actor_of, log_listed, require_patient_access, visibility
from samband.visits import repository, schedule
from samband.visits.schedule import clock, local_to_utc, utc_to_minutes
from samband.visits.schemas import (
    DayPlanCreate,
    GenerateVisits,
    ShiftCreate,
    StaffRole,
    VisitCreate,
    VisitStatus,
    VisitStatusChange,
)

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
STAFF_ROLES = frozenset(r.value for r in StaffRole)
DEFAULT_SECONDS = 5.0
HISTORY_DAYS = 14  # the visits a new plan looks back on for each patient's regular staff
REGULAR_STAFF = 2  # at most this many regular staff members per patient
SOLVE_TASK = "dayplans.solve"
# queued | solving: the job has not written yet; done | failed: it has
SOLVING = frozenset({"queued", "solving"})
# a solve still "solving" this long after its time limit is taken as lost (a worker that
# died): the plan may be re-planned
STALE_AFTER = timedelta(minutes=5)
# why visits are cancelled when the episode ends (in each visit's history)
ENDED_NOTES = {
    State.READMITTED.value: "the patient was readmitted",
    State.DISCHARGED.value: "the patient was discharged",
    State.DECEASED.value: "the patient died",
    State.WITHDRAWN.value: "the patient left care at home (withdrawn)",
}
NO_COORDINATES = (
    "the patient's home has no coordinates (latitude/longitude); add them to the patient "
    "to plan this visit"
)

# The solver the day plans use; tests may swap it for a fake.
solver: Solver = PyVRPSolver()


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
class ShiftView:
    shift: StaffShift
    user: User


@dataclass(frozen=True)
class PlanStop:
    visit: Visit
    arrival: str
    start: str
    end: str
    fixed: bool


@dataclass(frozen=True)
class PlanRoute:
    staff_id: uuid.UUID
    staff_name: str
    leave: str | None
    back: str | None
    stops: list[PlanStop]


@dataclass(frozen=True)
class PlanLeftOut:
    visit: Visit
    reason: str


@dataclass(frozen=True)
class DayPlanView:
    plan: DayPlan
    routes: list[PlanRoute]
    unassigned: list[PlanLeftOut]
    hidden_visits: int


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
                    priority=DEFAULT_PRIORITY,
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
    visits = _listed(ctx, day=day, organisation_ids=orgs)
    return Generated(day, list(orgs), len(created), kept, cancelled, visits)


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
            f"the episode is {episode.state}: visits are for patients at home", field="episode_id"
        )
    organisation_id = data.organisation_id or ctx.actor.organisation_id
    kinds = dict(repository.participants(ctx.session, [episode.id]).get(episode.id, []))
    if organisation_id not in kinds:
        raise InvalidInput(
            f"organisation {organisation_id} does not take part in the episode; the visit must "
            "be made by one that does",
            field="organisation_id",
        )
    lo = parse_clock(data.window[0], "window[0]") // 60
    hi = parse_clock(data.window[1], "window[1]") // 60
    if hi < lo:
        raise InvalidInput(
            f"the window ends ({data.window[1]}) before it starts ({data.window[0]})",
            field="window",
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
            raise Forbidden(
                "this visit is assigned to another staff member; only they or a planner "
                "(episode:update) may mark it"
            )
        if target == S.CANCELLED:
            raise Forbidden("only a planner (episode:update) may cancel a visit")
    allowed = MOVES[visit.status]
    if target not in allowed:
        moves = ", ".join(sorted(allowed)) or "none (it is finished)"
        raise Conflict(
            f"a {visit.status} visit cannot be marked {target.value}; allowed now: {moves}",
            field="to",
            allowed=sorted(allowed),
        )
    today = local_today()
    if target == S.STARTED and visit.date != today:
        raise Conflict(
            f"this visit is planned for {visit.date.isoformat()} and today is "
            f"{today.isoformat()} (Europe/Stockholm): a visit is started on its own date. "
            "For a visit made today, add an ad-hoc visit for today (POST /api/v1/visits); "
            "mark this one missed or cancelled",
            field="to",
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
        note = f": {data.note}" if data.note else ""
        _medication_alerts(ctx, [(visit, f"marked missed{note}")])
    patient = repository.visits_by_id(ctx.session, [visit.id])[visit.id][1]
    return VisitView(visit, patient)


# -- shifts ----------------------------------------------------------------------------------


def save_shift(ctx: Context, data: ShiftCreate) -> ShiftView:
    """Set a staff member's shift on a date (replacing the one they had)."""
    ctx.actor.require(Permission.EPISODE_UPDATE)
    user = repository.get_user(ctx.session, data.user_id)
    if user is None or user.organisation_id != ctx.actor.organisation_id:
        raise NotFound(
            f"staff member {data.user_id} was not found in your organisation", field="user_id"
        )
    if user.role not in STAFF_ROLES or not user.active:
        raise InvalidInput(
            f"{user.full_name} is not active care staff (role {user.role}); shifts are for "
            f"{', '.join(sorted(STAFF_ROLES))}",
            field="user_id",
        )
    lo = parse_clock(data.start, "start") // 60
    hi = parse_clock(data.end, "end") // 60
    if hi <= lo:
        raise InvalidInput(
            f"the shift ends ({data.end}) before or when it starts ({data.start})", field="end"
        )
    end_location = data.end_location or data.start_location
    shift = repository.shift_of(ctx.session, user.id, data.date)
    now = utcnow()
    if shift is None:
        shift = StaffShift(
            user_id=user.id,
            organisation_id=user.organisation_id,
            date=data.date,
            created_by_id=ctx.actor.user_id,
            created_at=now,
        )
    else:
        shift.updated_by_id = ctx.actor.user_id
        shift.updated_at = now
    shift.start = local_to_utc(data.date, lo)
    shift.end = local_to_utc(data.date, hi)
    shift.start_lat, shift.start_lon = data.start_location.lat, data.start_location.lon
    shift.end_lat, shift.end_lon = end_location.lat, end_location.lon
    shift.max_minutes = data.max_minutes
    repository.add(ctx.session, shift)
    return ShiftView(shift, user)


def list_shifts(ctx: Context, day: date | None) -> list[ShiftView]:
    """The date's shifts of your organisation's staff."""
    ctx.actor.require(Permission.PATIENT_READ)
    rows = repository.shifts(ctx.session, [ctx.actor.organisation_id], day or local_today())
    return [ShiftView(shift, user) for shift, user in rows]


# -- day plans -------------------------------------------------------------------------------


def create_day_plan(
    ctx: Context, data: DayPlanCreate, seconds: float = DEFAULT_SECONDS
) -> DayPlanView:
    """Plan the date for the organisations: a draft whose routes the job ``dayplans.solve``
    works out (``solve_status`` queued → solving → done | failed); answered at once."""
    ctx.actor.require(Permission.EPISODE_UPDATE)
    orgs = _organisations(ctx, data.organisation_ids)
    plan = DayPlan(
        date=data.date,
        organisation_ids=[str(o) for o in orgs],
        status="draft",
        version=1,
        seconds=seconds,
        created_by_id=ctx.actor.user_id,
        created_at=utcnow(),
        out_of_date_reasons=[],
    )
    repository.add(ctx.session, plan)
    _queue_solve(ctx, plan, seconds, mode="new")
    return _view(ctx, plan)


def get_day_plan(ctx: Context, plan_id: uuid.UUID) -> DayPlanView:
    plan = _day_plan(ctx, plan_id, permission=Permission.PATIENT_READ, action="read")
    return _view(ctx, plan)


def publish(ctx: Context, plan_id: uuid.UUID) -> DayPlanView:
    """Publish a draft: its assignments are written onto the visits; its medication visits
    left unstaffed raise alerts."""
    plan = _day_plan(ctx, plan_id, permission=Permission.EPISODE_UPDATE, action="update", lock=True)
    _require_solved(plan, "publish it")
    if plan.status == "published":
        raise Conflict("the plan is already published; replan it to change it", field="status")
    plan.status = "published"
    plan.published_at = utcnow()
    plan.published_by_id = ctx.actor.user_id
    _apply(ctx, plan)
    _unstaffed_alerts(ctx, plan)
    return _view(ctx, plan)


def replan(ctx: Context, plan_id: uuid.UUID, seconds: float = DEFAULT_SECONDS) -> DayPlanView:
    """Solve the plan again from the visits as they are now (a job: answered at once):
    started and done visits keep their staff and time, the others prefer their current
    staff member."""
    plan = _day_plan(ctx, plan_id, permission=Permission.EPISODE_UPDATE, action="update", lock=True)
    if plan.solve_status in SOLVING and not _stale(plan):
        raise Conflict(
            "the plan is being made right now; wait until it is ready, then replan it",
            field="solve_status",
        )
    plan.seconds = seconds
    plan.version += 1
    plan.updated_at = utcnow()
    plan.updated_by_id = ctx.actor.user_id
    _queue_solve(ctx, plan, seconds, mode="replan")
    return _view(ctx, plan)


def solve_now(ctx: Context, plan_id: uuid.UUID) -> DayPlanView:
    """Solve a queued plan at once in the caller's transaction (the demo and the command
    line, where nobody else waits; never a request). The deferred job then finds it done."""
    plan = _day_plan(ctx, plan_id, permission=Permission.EPISODE_UPDATE, action="update", lock=True)
    if plan.solve_status in SOLVING and plan.solve_ticket is not None:
        prepared = begin_solve(ctx.session, plan.id, plan.solve_ticket)
        if prepared is not None:
            finish_solve(ctx.session, solve_prepared(prepared))
    return _view(ctx, plan)


# -- the solve job (visits/jobs.py runs these in its own transactions) ----------------------------


@dataclass
class Prepared:
    """What the job read in its first transaction: plain data, nothing bound to a session,
    so the solve runs with no transaction open."""

    plan_id: uuid.UUID
    ticket: uuid.UUID
    seconds: float
    problem: dict[str, Any]
    fixed: list[dict[str, Any]]
    left_out: list[dict[str, str]]
    no_staff_reason: str | None = None
    error: str | None = None  # the problem could not be built: the plan fails with this
    result: Plan | None = None
    unassigned: list[dict[str, str]] = field(default_factory=list)


def begin_solve(session: Session, plan_id: uuid.UUID, ticket: uuid.UUID) -> Prepared | None:
    """The job's first transaction: claim the plan (solving) and read its problem. None
    when the plan is gone or a newer request superseded this job."""
    plan = repository.get_day_plan(session, plan_id, lock=True)
    if plan is None or plan.solve_ticket != ticket or plan.solve_status == "done":
        return None
    ctx = _job_context(session, plan)
    plan.solve_status = "solving"
    plan.solve_started_at = utcnow()
    orgs = [uuid.UUID(o) for o in plan.organisation_ids]
    preferred = _replan_preferences(ctx, plan) if plan.solution else None
    try:
        prepared = _prepare(ctx, plan, orgs, preferred=preferred)
    except InvalidInput as exc:
        prepared = Prepared(plan.id, ticket, plan.seconds, {}, [], [], error=str(exc))
    session.flush()
    ctx.log.write(session, ctx.actor, method="JOB", path=SOLVE_TASK, status_code=None)
    return prepared


def solve_prepared(prepared: Prepared, active: Solver | None = None) -> Prepared:
    """Solve (no database: run it with no transaction open)."""
    if prepared.error is not None:
        return prepared
    problem_visits = prepared.problem["visits"]
    if not problem_visits:
        prepared.result = Plan(routes=(), unassigned=(), travel_minutes=0)
        prepared.unassigned = list(prepared.left_out)
    elif not prepared.problem["staff"]:
        prepared.result = Plan(routes=(), unassigned=(), travel_minutes=0)
        reason = prepared.no_staff_reason or "nobody has a shift with time left"
        prepared.unassigned = prepared.left_out + [
            {"visit": v["id"], "reason": reason} for v in problem_visits
        ]
    else:
        parsed = parse_problem(prepared.problem)
        result = (active or solver).solve(parsed, seconds=prepared.seconds, seed=0)
        prepared.result = result
        prepared.unassigned = prepared.left_out + [
            {"visit": u.visit, "reason": u.reason} for u in result.unassigned
        ]
    return prepared


def finish_solve(session: Session, prepared: Prepared) -> DayPlan | None:
    """The job's last transaction: store the routes (a published plan's at once onto the
    visits), unless a newer request superseded this job (None)."""
    plan = repository.get_day_plan(session, prepared.plan_id, lock=True)
    if plan is None or plan.solve_ticket != prepared.ticket:
        return None
    ctx = _job_context(session, plan)
    now = utcnow()
    link, ref = f"/day-plans/{plan.id}", notifications.reference("plan", plan.id)
    requester = [plan.solve_requested_by_id] if plan.solve_requested_by_id else []
    if prepared.error is not None or prepared.result is None:
        plan.solve_status = "failed"
        plan.solve_error = prepared.error or "the solver gave no plan"
        plan.solved_at = now
        session.flush()
        notifications.notify(
            session,
            user_ids=requester,
            kind="plan_failed",
            severity="info",
            reference=ref,
            link=link,
            params={"date": plan.date.isoformat()},
            now=now,
        )
        return plan
    before = _assignments(plan)
    plan.problem = prepared.problem
    plan.solution = prepared.result.to_dict()
    plan.fixed = prepared.fixed
    plan.unassigned = prepared.unassigned
    plan.travel_minutes = prepared.result.travel_minutes
    plan.solve_status = "done"
    plan.solve_error = None
    plan.solved_at = now
    plan.out_of_date_at = None
    plan.out_of_date_reasons = []
    session.flush()
    # visits cancelled while the job was solving: the new plan is out of date at once
    ids = [uuid.UUID(v) for v in _plan_visit_ids(plan)]
    rows = repository.visits_by_id(session, ids)
    gone = [v for v, _ in rows.values() if v.status in (S.CANCELLED, S.MISSED)]
    if gone:
        _mark(plan, now, "changed_while_solving", len(gone))
    if plan.status == "published":
        _apply(ctx, plan)
        _unstaffed_alerts(ctx, plan)
        after = _assignments(plan)
        changed: Counter[uuid.UUID] = Counter()
        for visit_id in set(before) | set(after):
            old, new = before.get(visit_id), after.get(visit_id)
            if old != new:
                for who in {old[0] if old else None, new[0] if new else None} - {None}:
                    changed[uuid.UUID(str(who))] += 1
        for user_id, count in changed.items():
            notifications.notify(
                session,
                user_ids=[user_id],
                kind="route_changed",
                severity="info",
                reference=ref,
                link=link,
                params={"date": plan.date.isoformat(), "count": count},
                now=now,
            )
    notifications.notify(
        session,
        user_ids=requester,
        kind="plan_ready",
        severity="info",
        reference=ref,
        link=link,
        params={"date": plan.date.isoformat()},
        now=now,
    )
    session.flush()
    return plan


def fail_solve(session: Session, plan_id: uuid.UUID, ticket: uuid.UUID, error: str) -> None:
    """Record an unexpected failure of the job (it is retried; the page says why)."""
    plan = repository.get_day_plan(session, plan_id, lock=True)
    if plan is None or plan.solve_ticket != ticket or plan.solve_status == "done":
        return
    plan.solve_status = "failed"
    plan.solve_error = error[:2000]
    plan.solved_at = utcnow()
    session.flush()


# -- plans follow the patient ----------------------------------------------------------------------


def follow_the_patient(ctx: Context, episode: Episode, state: str) -> int:
    """The episode ended (readmitted, discharged, deceased, withdrawn): cancel its open
    visits from today on (visits already started or done stay as they were), mark the day
    plans that held them out of date and tell the staff of a published plan whose routes
    held them. Called by ``episodes.service.transition`` in its transaction; returns how
    many visits were cancelled."""
    note = ENDED_NOTES.get(state)
    if note is None:
        return 0
    visits = repository.open_visits_from(
        ctx.session, episode.id, local_today(), [s.value for s in OPEN]
    )
    if not visits:
        return 0
    for visit in visits:
        _move(ctx, visit, S.CANCELLED, note)
    ctx.session.flush()
    now = utcnow()
    cancelled = {str(v.id): v for v in visits}
    for plan in repository.day_plans_on(ctx.session, {v.date for v in visits}, lock=True):
        held = [cancelled[i] for i in _plan_visit_ids(plan) if i in cancelled]
        if not held:
            continue
        _mark(plan, now, state, len(held))
        if plan.status != "published":
            continue
        per_staff = Counter(v.assigned_user_id for v in held if v.assigned_user_id is not None)
        if plan.published_by_id is not None and plan.published_by_id not in per_staff:
            per_staff[plan.published_by_id] = len(held)
        for user_id, count in per_staff.items():
            notifications.notify(
                ctx.session,
                user_ids=[user_id],
                kind="plan_out_of_date",
                severity="info",
                reference=notifications.reference("plan", plan.id),
                link=f"/day-plans/{plan.id}",
                params={"date": plan.date.isoformat(), "count": count},
                now=now,
            )
    ctx.session.flush()
    return len(visits)


# -- helpers: organisations and episodes --------------------------------------------------------


def _organisations(ctx: Context, ids: Iterable[uuid.UUID] | None) -> list[uuid.UUID]:
    """The organisations asked for (default: the caller's). Visits and day plans are made
    for the caller's own organisation only: a plan in another organisation's name would
    replace what its staff see (issue 10)."""
    own = ctx.actor.organisation_id
    wanted = list(dict.fromkeys(ids or [own]))
    known = repository.organisations(ctx.session, wanted)
    for org_id in wanted:
        if org_id not in known:
            raise InvalidInput(f"organisation {org_id} does not exist", field="organisation_ids")
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
                f"you plan the visits of your own organisation only, not of {known[org_id].name}",
                field="organisation_ids",
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


def _follow_window(ctx: Context, visit: Visit, planned: schedule.PlannedVisit) -> None:
    """A planned visit that is already there follows the schedule as it is now (e.g. the
    medication's times changed); an assigned, started or finished one is left alone."""
    if visit.status != S.PLANNED:
        return
    window = (planned.window_start, planned.window_end)
    if (as_utc(visit.window_start), as_utc(visit.window_end)) == window and (
        visit.medication_route == planned.medication_route
    ):
        return
    visit.window_start, visit.window_end = window
    visit.medication_route = planned.medication_route
    visit.updated_at = utcnow()
    visit.updated_by_id = ctx.actor.user_id


def _medication_alerts(ctx: Context, visits: Sequence[tuple[Visit, str]]) -> None:
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
        raiser.raise_(
            episode,
            Trigger(
                Kind.MEDICATION_VISIT,
                "high",
                f"{(visit.medication_route or '').upper()} dose visit on "
                f"{visit.date.isoformat()} {lo:%H:%M}–{until} ({visit.what}): {why}",
            ),
        )
    raiser.flush()


def _unstaffed_alerts(ctx: Context, plan: DayPlan) -> None:
    """The published plan's medication visits that nobody makes."""
    ids = [uuid.UUID(u["visit"]) for u in plan.unassigned or []]
    rows = repository.visits_by_id(ctx.session, ids)
    reasons = {u["visit"]: u["reason"] for u in plan.unassigned or []}
    _medication_alerts(
        ctx,
        [
            (visit, f"not staffed in the published day plan: {reasons[str(visit.id)]}")
            for visit, _ in rows.values()
            if visit.status in OPEN
        ],
    )


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


# -- helpers: day plans --------------------------------------------------------------------------


def _day_plan(
    ctx: Context, plan_id: uuid.UUID, *, permission: Permission, action: str, lock: bool = False
) -> DayPlan:
    ctx.actor.require(permission)
    plan = repository.get_day_plan(ctx.session, plan_id, lock=lock)
    if plan is None:
        raise not_found(ctx, "day plan", plan_id, action=action, resource_type="day_plan")
    if str(ctx.actor.organisation_id) not in plan.organisation_ids:
        ctx.log.record(
            patient_id=None,
            action=action,
            resource_type="day_plan",
            resource_id=plan.id,
            allowed=False,
            reason="not a plan of the caller's organisation",
        )
        raise not_visible(f"day plan {plan_id}")
    return plan


def _regular_staff(
    ctx: Context, rows: list[tuple[Visit, Patient]], day: date
) -> dict[str, list[str]]:
    """For each open visit of the day: its patient's regular staff (continuity of care)."""
    history = repository.regular_staff(
        ctx.session,
        {patient.id for visit, patient in rows if visit.status in OPEN},
        since=day - timedelta(days=HISTORY_DAYS),
        before=day,
        statuses=[S.DONE.value, S.STARTED.value],
    )
    preferred: dict[str, list[str]] = {}
    for visit, patient in rows:
        regulars = [str(user_id) for user_id, _ in history.get(patient.id, [])[:REGULAR_STAFF]]
        if regulars and visit.status in OPEN:
            preferred[str(visit.id)] = regulars
    return preferred


def _fixed_times(visit: Visit, day: date) -> tuple[int, int]:
    """(start, end) in minutes of the day of a started or done visit, as it really went when
    that was on this date, else as it was planned."""
    started = visit.started_at
    if started is not None and started.astimezone(schedule.LOCAL).date() == day:
        start = utc_to_minutes(day, started, round_up=False)
    elif visit.planned_start is not None:
        start = utc_to_minutes(day, visit.planned_start, round_up=False)
    else:
        start = utc_to_minutes(day, visit.window_start, round_up=False)
    end = min(schedule.DAY, start + visit.duration_min)
    ended = visit.ended_at
    if ended is not None and ended.astimezone(schedule.LOCAL).date() == day:
        end = max(start, utc_to_minutes(day, ended, round_up=True))
    return start, end


def _queue_solve(ctx: Context, plan: DayPlan, seconds: float, *, mode: str) -> None:
    """Mark the plan queued and defer its solve in this transaction (it runs after the
    commit; a refused request defers nothing)."""
    plan.solve_status = "queued"
    plan.solve_error = None
    plan.solve_ticket = uuid.uuid4()
    plan.solve_requested_by_id = ctx.actor.user_id
    plan.solve_started_at = None
    ctx.session.flush()
    defer(
        ctx.session,
        SOLVE_TASK,
        {"plan_id": str(plan.id), "ticket": str(plan.solve_ticket), "mode": mode},
    )


def _stale(plan: DayPlan) -> bool:
    started = plan.solve_started_at
    if plan.solve_status != "solving" or started is None:
        return False
    return as_utc(started) + timedelta(seconds=plan.seconds) + STALE_AFTER < utcnow()


def _require_solved(plan: DayPlan, doing: str) -> None:
    if plan.solve_status in SOLVING:
        raise Conflict(
            f"the plan is still being made; wait until it is ready to {doing}",
            field="solve_status",
        )
    if plan.solve_status == "failed":
        raise Conflict(
            f"the plan could not be made ({plan.solve_error}); replan it before you {doing}",
            field="solve_status",
        )


def _job_context(session: Session, plan: DayPlan) -> Context:
    """The job acts for whoever asked for the solve (their visibility, their name in the
    visits' history and the access log)."""
    user_id = plan.solve_requested_by_id or plan.updated_by_id or plan.created_by_id
    user = repository.get_user(session, user_id)
    if user is None:  # pragma: no cover - users are deactivated, never deleted
        raise NotFound(f"user {user_id} who asked for day plan {plan.id} is gone")
    return Context(session, actor_of(user), AccessLog())


def _replan_preferences(ctx: Context, plan: DayPlan) -> dict[str, list[str]]:
    """A replan prefers each visit's current staff member (moving as little as possible)."""
    preferred = {
        stop["visit"]: [route["staff"]]
        for route in (plan.solution or {}).get("routes", [])
        for stop in route["stops"]
    }
    if plan.status == "published":
        ids = [uuid.UUID(v) for v in _plan_visit_ids(plan)]
        for visit, _ in repository.visits_by_id(ctx.session, ids).values():
            if visit.assigned_user_id is not None and visit.status in OPEN:
                preferred[str(visit.id)] = [str(visit.assigned_user_id)]
    return preferred


def _assignments(plan: DayPlan) -> dict[str, tuple[str, str]]:
    """Visit id → (staff id, start) in the plan's routes."""
    return {
        stop["visit"]: (route["staff"], stop["start"])
        for route in (plan.solution or {}).get("routes", [])
        for stop in route["stops"]
    }


def _mark(plan: DayPlan, now: datetime, cause: str, visits: int) -> None:
    """Mark the plan out of date: ``cause`` an episode's new state, or changed_while_solving."""
    plan.out_of_date_at = now
    plan.out_of_date_reasons = [
        *(plan.out_of_date_reasons or []),
        {"at": now.isoformat(), "cause": cause, "visits": visits},
    ]


def _prepare(
    ctx: Context,
    plan: DayPlan,
    orgs: list[uuid.UUID],
    *,
    preferred: dict[str, list[str]] | None,
) -> Prepared:
    """Build the planning problem from the database (the visits locked while read).
    ``preferred``: staff ids per visit id, or None for each patient's regular staff."""
    session, day = ctx.session, plan.date
    rows = repository.visits_for_planning(
        session,
        visibility(ctx),
        day=day,
        organisation_ids=orgs,
        statuses=[s.value for s in OPEN | FIXED],
    )
    log_listed(ctx, list({patient.id for _, patient in rows}), resource_type="day_plan")
    if preferred is None:
        preferred = _regular_staff(ctx, rows, day)
    staff_rows = {
        str(user.id): (shift, user) for shift, user in repository.shifts(session, orgs, day)
    }

    fixed: dict[str, list[tuple[Visit, Patient, int, int]]] = {}
    open_rows: list[tuple[Visit, Patient]] = []
    for visit, patient in rows:
        if visit.status in FIXED:
            who = str(visit.assigned_user_id) if visit.assigned_user_id else None
            if who in staff_rows:
                fixed.setdefault(who, []).append((visit, patient, *_fixed_times(visit, day)))
        else:
            open_rows.append((visit, patient))

    left_out: list[dict[str, str]] = []
    problem_visits: list[dict[str, Any]] = []
    for visit, patient in open_rows:
        if patient.latitude is None or patient.longitude is None:
            left_out.append({"visit": str(visit.id), "reason": NO_COORDINATES})
            continue
        lo = utc_to_minutes(day, visit.window_start, round_up=True)
        hi = utc_to_minutes(day, visit.window_end, round_up=False)
        if hi < lo:
            left_out.append({"visit": str(visit.id), "reason": "its window is not on this date"})
            continue
        item: dict[str, Any] = {
            "id": str(visit.id),
            "patient": str(patient.id),
            "location": {"lat": patient.latitude, "lon": patient.longitude},
            "window": [clock(lo), clock(hi)],
            "duration_min": visit.duration_min,
            "skills": sorted({*visit.skills, visit.role}),
            "priority": visit.priority,
        }
        if str(visit.id) in preferred:
            item["preferred_staff"] = preferred[str(visit.id)]
        problem_visits.append(item)

    now_min = utc_to_minutes(day, utcnow(), round_up=True) if day == local_today() else None
    problem_staff: list[dict[str, Any]] = []
    fixed_stops: list[dict[str, Any]] = []
    for staff_id, (shift, user) in staff_rows.items():
        lo = utc_to_minutes(day, shift.start, round_up=True)
        hi = utc_to_minutes(day, shift.end, round_up=False)
        start = {"lat": shift.start_lat, "lon": shift.start_lon}
        max_minutes = shift.max_minutes
        done_here = sorted(fixed.get(staff_id, []), key=lambda f: (f[3], f[2]))
        for visit, _, f_start, f_end in done_here:
            fixed_stops.append(
                {"staff": staff_id, "visit": str(visit.id), "start": f_start, "end": f_end}
            )
        if done_here:
            last_visit, last_patient, _, last_end = done_here[-1]
            if last_patient.latitude is not None and last_patient.longitude is not None:
                start = {"lat": last_patient.latitude, "lon": last_patient.longitude}
            if max_minutes is not None:
                max_minutes -= max(0, last_end - lo)
            lo = max(lo, last_end)
        if now_min is not None:
            lo = max(lo, now_min)
        if hi <= lo or (max_minutes is not None and max_minutes < 1):
            continue  # no time left today
        problem_staff.append(
            {
                "id": staff_id,
                "skills": sorted({*user.skills, user.role}),
                "start": start,
                "end": {"lat": shift.end_lat, "lon": shift.end_lon},
                "shift": [clock(lo), clock(hi)],
                **({"max_minutes": max_minutes} if max_minutes is not None else {}),
            }
        )

    problem: dict[str, Any] = {
        "date": day.isoformat(),
        "travel": {"speed_kmh": 40, "road_factor": 1.3},
        "staff": problem_staff,
        "visits": problem_visits,
    }
    try:
        parse_problem(problem)
    except ProblemError as exc:  # the inputs were validated; say what broke, never a 500
        raise InvalidInput(f"the day cannot be planned: {exc}") from None
    return Prepared(
        plan_id=plan.id,
        ticket=plan.solve_ticket or uuid.uuid4(),
        seconds=plan.seconds,
        problem=problem,
        fixed=fixed_stops,
        left_out=left_out,
        no_staff_reason=(
            f"nobody of these organisations has a shift with time left on {day.isoformat()} "
            "(add shifts with POST /api/v1/shifts)"
        ),
    )


def _plan_visit_ids(plan: DayPlan) -> list[str]:
    ids = [f["visit"] for f in plan.fixed or []]
    ids += [s["visit"] for r in (plan.solution or {}).get("routes", []) for s in r["stops"]]
    ids += [u["visit"] for u in plan.unassigned or []]
    return list(dict.fromkeys(ids))


def _apply(ctx: Context, plan: DayPlan) -> None:
    """Write the plan's assignments onto its open visits (others changed since: left alone)."""
    ids = [uuid.UUID(v) for v in _plan_visit_ids(plan)]
    visits = {v.id: v for v, _ in repository.visits_by_id(ctx.session, ids, lock=True).values()}
    fixed_count: dict[str, int] = {}
    for f in plan.fixed or []:
        fixed_count[f["staff"]] = fixed_count.get(f["staff"], 0) + 1
    for route in (plan.solution or {}).get("routes", []):
        staff_id = uuid.UUID(route["staff"])
        for order, stop in enumerate(route["stops"], start=fixed_count.get(route["staff"], 0)):
            visit = visits.get(uuid.UUID(stop["visit"]))
            if visit is None or visit.status not in OPEN:
                continue
            if visit.status != S.ASSIGNED or visit.assigned_user_id != staff_id:
                _move(ctx, visit, S.ASSIGNED, f"day plan {plan.id} v{plan.version}")
            visit.assigned_user_id = staff_id
            visit.planned_start = local_to_utc(plan.date, parse_clock(stop["start"], "start") // 60)
            visit.route_order = order
            visit.day_plan_id = plan.id
    for item in plan.unassigned or []:
        visit = visits.get(uuid.UUID(item["visit"]))
        if visit is None or visit.status not in OPEN:
            continue
        if visit.status != S.PLANNED:
            _move(ctx, visit, S.PLANNED, f"left out of day plan {plan.id}: {item['reason']}")
        visit.assigned_user_id = None
        visit.planned_start = None
        visit.route_order = None
        visit.day_plan_id = plan.id
    ctx.session.flush()


def _view(ctx: Context, plan: DayPlan) -> DayPlanView:
    """The plan as routes per staff member: fixed visits first, then the solver's stops.
    Visits of patients the caller may not see are counted, not shown."""
    session = ctx.session
    ids = [uuid.UUID(v) for v in _plan_visit_ids(plan)]
    rows = repository.visits_by_id(session, ids)
    visible = repository.visible_patient_ids(
        session, {p.id for _, p in rows.values()}, visibility(ctx)
    )
    shown = {vid: v for vid, (v, p) in rows.items() if p.id in visible}
    hidden = len(rows) - len(shown)
    routes_by_staff: dict[str, dict[str, Any]] = {}
    for f in plan.fixed or []:
        route = routes_by_staff.setdefault(f["staff"], {"leave": None, "back": None, "stops": []})
        visit = shown.get(uuid.UUID(f["visit"]))
        if visit is not None:
            route["stops"].append(
                PlanStop(visit, clock(f["start"]), clock(f["start"]), clock(f["end"]), True)
            )
    for r in (plan.solution or {}).get("routes", []):
        route = routes_by_staff.setdefault(r["staff"], {"leave": None, "back": None, "stops": []})
        if not route["stops"]:
            route["leave"] = r.get("leave")
        route["back"] = r.get("back")
        for s in r["stops"]:
            visit = shown.get(uuid.UUID(s["visit"]))
            if visit is not None:
                route["stops"].append(PlanStop(visit, s["arrival"], s["start"], s["end"], False))
    users = repository.users_by_id(session, [uuid.UUID(s) for s in routes_by_staff])
    routes = [
        PlanRoute(
            staff_id=uuid.UUID(staff_id),
            staff_name=users[uuid.UUID(staff_id)].full_name,
            leave=r["leave"],
            back=r["back"],
            stops=r["stops"],
        )
        for staff_id, r in routes_by_staff.items()
        if r["stops"]
    ]
    routes.sort(key=lambda r: (r.staff_name, str(r.staff_id)))
    unassigned = [
        PlanLeftOut(shown[uuid.UUID(u["visit"])], u["reason"])
        for u in plan.unassigned or []
        if uuid.UUID(u["visit"]) in shown
    ]
    log_listed(ctx, [v.patient_id for v in shown.values()], resource_type="day_plan")
    return DayPlanView(plan, routes, unassigned, hidden)


# -- reading day plans (the command centre's pages; also GET /day-plans?date=) -------------------


@dataclass(frozen=True)
class PlanDetails:
    """What a page shows around a plan's routes: the patients of its visible visits (their
    names, addresses and homes on the map) and the shifts of its staff (where they start and
    end)."""

    patients: dict[uuid.UUID, Patient]
    shifts: dict[uuid.UUID, ShiftView]


def list_day_plans(ctx: Context, day: date | None) -> list[DayPlan]:
    """The date's day plans of your organisation, the newest first. No patient data: the
    plans' routes are read with ``get_day_plan``."""
    ctx.actor.require(Permission.PATIENT_READ)
    return repository.day_plans(ctx.session, ctx.actor.organisation_id, day or local_today())


def latest_day_plan(ctx: Context, day: date | None) -> DayPlanView | None:
    """Your organisation's newest plan of the date (None if the date has none), with the same
    visibility and access log as ``get_day_plan``."""
    plans = list_day_plans(ctx, day)
    return _view(ctx, plans[0]) if plans else None


def plan_details(ctx: Context, view: DayPlanView) -> PlanDetails:
    """The patients and shifts behind a plan the caller has been shown (``view`` comes from
    ``get_day_plan``, ``latest_day_plan``, …, which checked and logged the access: only the
    visits it shows are read here)."""
    ctx.actor.require(Permission.PATIENT_READ)
    ids = [s.visit.id for r in view.routes for s in r.stops]
    ids += [u.visit.id for u in view.unassigned]
    rows = repository.visits_by_id(ctx.session, ids)
    patients = {patient.id: patient for _, patient in rows.values()}
    orgs = [uuid.UUID(o) for o in view.plan.organisation_ids]
    shifts = {
        user.id: ShiftView(shift, user)
        for shift, user in repository.shifts(ctx.session, orgs, view.plan.date)
    }
    return PlanDetails(patients, shifts)
