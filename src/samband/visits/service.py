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
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from pydantic import ValidationError

from samband.careplans.schemas import PlanActivity
from samband.episodes.access import episode_for, not_found
from samband.episodes.states import State
from samband.kit.errors import Conflict, Forbidden, InvalidInput, NotFound, not_visible
from samband.kit.time import local_today, utcnow
from samband.models import DayPlan, Episode, Patient, StaffShift, User, Visit
from samband.planning.plan import Plan
from samband.planning.problem import DEFAULT_PRIORITY, ProblemError, parse_clock, parse_problem
from samband.planning.solver import PyVRPSolver, Solver
from samband.security.context import Context
from samband.security.roles import Permission
from samband.security.service import log_listed, require_patient_access, visibility
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
            for planned in schedule.expand(activity, day, start):
                key = (episode.id, planned.activity_key, planned.occurrence)
                wanted.add(key)
                if key in existing:
                    kept += 1
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
    now = utcnow()
    if target == S.STARTED:
        visit.started_at = now
        if visit.assigned_user_id is None:
            visit.assigned_user_id = actor.user_id
    elif target == S.DONE:
        visit.ended_at = now
    _move(ctx, visit, target, data.note)
    ctx.session.flush()
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
    """Plan the date for the organisations: assign and route their open visits (a draft)."""
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
    )
    repository.add(ctx.session, plan)
    _solve(ctx, plan, orgs, seconds, preferred=None)  # None: each patient's regular staff
    return _view(ctx, plan)


def get_day_plan(ctx: Context, plan_id: uuid.UUID) -> DayPlanView:
    plan = _day_plan(ctx, plan_id, permission=Permission.PATIENT_READ, action="read")
    return _view(ctx, plan)


def publish(ctx: Context, plan_id: uuid.UUID) -> DayPlanView:
    """Publish a draft: its assignments are written onto the visits."""
    plan = _day_plan(ctx, plan_id, permission=Permission.EPISODE_UPDATE, action="update", lock=True)
    if plan.status == "published":
        raise Conflict("the plan is already published; replan it to change it", field="status")
    plan.status = "published"
    plan.published_at = utcnow()
    plan.published_by_id = ctx.actor.user_id
    _apply(ctx, plan)
    return _view(ctx, plan)


def replan(ctx: Context, plan_id: uuid.UUID, seconds: float = DEFAULT_SECONDS) -> DayPlanView:
    """Solve the plan again from the visits as they are now: started and done visits keep
    their staff and time, the others prefer their current staff member."""
    plan = _day_plan(ctx, plan_id, permission=Permission.EPISODE_UPDATE, action="update", lock=True)
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
    orgs = [uuid.UUID(o) for o in plan.organisation_ids]
    _solve(ctx, plan, orgs, seconds, preferred=preferred)
    plan.version += 1
    plan.seconds = seconds
    plan.updated_at = utcnow()
    plan.updated_by_id = ctx.actor.user_id
    if plan.status == "published":
        _apply(ctx, plan)
    return _view(ctx, plan)


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


def _solve(
    ctx: Context,
    plan: DayPlan,
    orgs: list[uuid.UUID],
    seconds: float,
    *,
    preferred: dict[str, list[str]] | None,
) -> None:
    """Build the planning problem from the database, solve it, and store it on the plan.
    ``preferred``: staff ids per visit id, or None for each patient's regular staff."""
    session, day = ctx.session, plan.date
    rows = repository.visits_for_planning(
        session,
        visibility(ctx),
        day=day,
        organisation_ids=orgs,
        statuses=[s.value for s in OPEN | FIXED],
    )
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
        parsed = parse_problem(problem)
    except ProblemError as exc:  # the inputs were validated; say what broke, never a 500
        raise InvalidInput(f"the day cannot be planned: {exc}") from None
    if not problem_visits:
        result = Plan(routes=(), unassigned=(), travel_minutes=0)
        unassigned = left_out
    elif not problem_staff:
        result = Plan(routes=(), unassigned=(), travel_minutes=0)
        reason = (
            f"nobody of these organisations has a shift with time left on {day.isoformat()} "
            "(add shifts with POST /api/v1/shifts)"
        )
        unassigned = left_out + [{"visit": v["id"], "reason": reason} for v in problem_visits]
    else:
        result = solver.solve(parsed, seconds=seconds, seed=0)
        unassigned = left_out + [{"visit": u.visit, "reason": u.reason} for u in result.unassigned]
    plan.problem = problem
    plan.solution = result.to_dict()
    plan.fixed = fixed_stops
    plan.unassigned = unassigned
    plan.travel_minutes = result.travel_minutes
    ctx.session.flush()


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
