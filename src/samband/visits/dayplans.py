"""Day plans: the date's open visits and the staff's shifts, routed by the planner.

- **Planning** (``create_day_plan``, ``replan``): the organisations' open visits of the date
  and their staff's shifts become a ``samband.planning`` problem (``problem.build_problem``,
  pure), solved by PyVRP. Started and done visits are fixed: their staff member continues
  from the last of them. A new plan prefers each patient's regular staff (``REGULAR_STAFF``:
  whoever made most of the patient's visits in the last ``HISTORY_DAYS`` days), for
  continuity, and the patient's fixed physician for a physician's visit, their fixed care
  contact first for the others (decision 0018); a replan of a draft prefers each visit's
  current staff member (moving as little as possible). A draft changes no visit; publishing
  writes the assignments onto the visits, and a replan of a published plan does so at once.
- **A replan of a published plan keeps what the patients were told**: each open visit of
  its routes is *announced* with its staff member and planned start (``problem.announcement``)
  and keeps its ordinary continuity preferences; the planner keeps an announced visit with
  that staff member within ``KEEP_MINUTES`` of that time whenever it can (above continuity,
  below serving visits). The announced visits the new plan moves anyway
  (``planning.plan.moved``) are stored with the plan (``solution["moved"]``), shown on its
  page and returned by the API.
- **Travel times** come from the OSRM server of ``SAMBAND_OSRM_URL`` when it is set
  (``road_travel``; fetched in the job with no transaction open), else from the embedded
  great-circle model. A routing server that fails makes the plan fail with
  ``dayplan.routing_failed`` (never a crashed worker).
- **Solved off the request path** (decision 0015): ``create_day_plan`` and ``replan`` make
  or mark the plan (``solve_status`` queued) and defer the job ``dayplans.solve``
  (visits/jobs.py). The job reads the problem in one short transaction (``begin_solve``),
  solves with no transaction open, and writes the result in another (``finish_solve``),
  unless a newer request (``solve_ticket``) superseded it.
- **Why a visit was left out**, and why a solve failed, are stored as a code and its
  parameters (``planning.*``, ``dayplan.*``; migration 0019), shown in the reader's language.
- **Plans follow the patient** (``follow_the_patient``): when an episode is readmitted,
  discharged, deceased or withdrawn, or an enrolment in home health care ends, its open
  visits from today on are cancelled with the reason, the day plans holding them are marked
  out of date, and the staff of a published plan whose routes held them are told. A replan
  clears the mark.
- A published plan's medication visits left unstaffed raise ``medication_visit`` alerts.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from samband.config import get_settings
from samband.episodes.access import not_found
from samband.episodes.states import State
from samband.jobs.queue import defer
from samband.kit import stored
from samband.kit.errors import Conflict, InvalidInput, NotFound, Problem, not_visible, problem
from samband.kit.i18n import Msg, msg
from samband.kit.time import as_utc, local_today, utcnow
from samband.models import DayPlan, Episode, Patient, Visit
from samband.notifications import service as notifications
from samband.planning.osrm import OSRMError, OSRMTravel
from samband.planning.plan import Plan, Unassigned, moved
from samband.planning.plan import unassigned_from_dict as left_out_from_dict
from samband.planning.problem import Problem as PlanningProblem
from samband.planning.problem import ProblemError, parse_clock, parse_problem
from samband.planning.solver import PyVRPSolver, Solver
from samband.planning.travel import TravelModel
from samband.security.context import AccessLog, Context
from samband.security.roles import Permission
from samband.security.service import actor_of, log_listed, visibility
from samband.visits import repository
from samband.visits.problem import ShiftRow, VisitRow, build_problem, preferred_staff
from samband.visits.schedule import clock, local_to_utc
from samband.visits.schemas import DayPlanCreate, VisitStatus
from samband.visits.service import FIXED, OPEN, _medication_alerts, _move, _organisations
from samband.visits.shifts import ShiftView

S = VisitStatus
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
    # an enrolment in home health care ended (decision 0018)
    State.ENDED.value: "the enrolment in home health care ended",
}
NO_STAFF = "planning.no_staff_on_shift"  # nobody of the organisations has time left

# The solver the day plans use; None: PyVRP with ``road_travel`` (tests may swap in a fake).
solver: Solver | None = None


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
    """A visit left out of the plan, and why (a problem: shown in the reader's language;
    ``reason`` is its English text, the API's)."""

    visit: Visit
    problem: Problem

    @property
    def reason(self) -> str:
        return self.problem.text("en")


@dataclass(frozen=True)
class MovedVisit:
    """An announced visit that a replan of the published plan moved: who and when the patient
    was told, and who and when now (None: left out of the plan)."""

    visit: Visit
    told_staff_id: uuid.UUID | None
    told_staff_name: str
    told_start: str
    staff_id: uuid.UUID | None
    staff_name: str | None
    start: str | None


@dataclass(frozen=True)
class DayPlanView:
    plan: DayPlan
    routes: list[PlanRoute]
    unassigned: list[PlanLeftOut]
    hidden_visits: int
    # the announced visits the last replan of the published plan moved: those of patients the
    # caller may see, and how many in all
    moved: list[MovedVisit] = field(default_factory=list)
    moved_count: int = 0

    @property
    def moved_ids(self) -> frozenset[uuid.UUID]:
        return frozenset(m.visit.id for m in self.moved)

    @property
    def solve_problem(self) -> Problem | None:
        """Why the solve failed, as a problem (None unless it failed)."""
        return failure(self.plan)


def failure(plan: DayPlan) -> Problem | None:
    """Why the plan's solve failed (stored as a code and its parameters)."""
    if plan.solve_status != "failed":
        return None
    if (plan.solve_problem or {}).get("code"):
        return stored.load(plan.solve_problem or {})
    return problem("dayplan.not_made", detail=plan.solve_error or "")


def moved_ids(plan: DayPlan) -> list[str]:
    """The announced visits the plan's last solve moved (``solution["moved"]``; none in a plan
    stored before it was kept)."""
    return [str(v) for v in (plan.solution or {}).get("moved") or []]


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
    _require_solved(plan)
    if plan.status == "published":
        raise Conflict(problem("dayplan.already_published", field="status"))
    plan.status = "published"
    plan.published_at = utcnow()
    plan.published_by_id = ctx.actor.user_id
    _apply(ctx, plan)
    _unstaffed_alerts(ctx, plan)
    return _view(ctx, plan)


def replan(ctx: Context, plan_id: uuid.UUID, seconds: float = DEFAULT_SECONDS) -> DayPlanView:
    """Solve the plan again from the visits as they are now (a job: answered at once):
    started and done visits keep their staff and time; in a published plan the others are
    kept with the staff and time the patients were told where possible (announced), in a
    draft they prefer their current staff member."""
    plan = _day_plan(ctx, plan_id, permission=Permission.EPISODE_UPDATE, action="update", lock=True)
    if plan.solve_status in SOLVING and not _stale(plan):
        raise Conflict(problem("dayplan.replan_while_solving", field="solve_status"))
    plan.seconds = seconds
    plan.version += 1
    plan.updated_at = utcnow()
    plan.updated_by_id = ctx.actor.user_id
    _queue_solve(ctx, plan, seconds, mode="replan")
    return _view(ctx, plan)


def solve_now(ctx: Context, plan_id: uuid.UUID, *, as_of: datetime | None = None) -> DayPlanView:
    """Solve a queued plan at once in the caller's transaction (the demo and the command
    line, where nobody else waits; never a request). The deferred job then finds it done.
    ``as_of``: plan today's date as if it were then (the demo's plan was made in the
    morning, whenever the demo is loaded); by default nobody is planned before now."""
    plan = _day_plan(ctx, plan_id, permission=Permission.EPISODE_UPDATE, action="update", lock=True)
    if plan.solve_status in SOLVING and plan.solve_ticket is not None:
        prepared = begin_solve(ctx.session, plan.id, plan.solve_ticket, as_of=as_of)
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
    left_out: list[Unassigned]
    error: Problem | None = None  # the problem could not be built: the plan fails with this
    result: Plan | None = None
    unassigned: list[Unassigned] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)  # announced visits the result moves


def begin_solve(
    session: Session, plan_id: uuid.UUID, ticket: uuid.UUID, *, as_of: datetime | None = None
) -> Prepared | None:
    """The job's first transaction: claim the plan (solving) and read its problem. None
    when the plan is gone or a newer request superseded this job."""
    plan = repository.get_day_plan(session, plan_id, lock=True)
    if plan is None or plan.solve_ticket != ticket or plan.solve_status == "done":
        return None
    ctx = _job_context(session, plan)
    plan.solve_status = "solving"
    plan.solve_started_at = utcnow()
    orgs = [uuid.UUID(o) for o in plan.organisation_ids]
    preferred: dict[str, list[str]] | None = None  # None: the patients' regular staff
    announced: list[str] = []
    if plan.solution and plan.status == "published":
        announced = _routed_ids(plan)  # what the patients were told is kept where possible
    elif plan.solution:
        preferred = _replan_preferences(plan)  # a draft: move as little as possible
    try:
        prepared = _prepare(ctx, plan, orgs, preferred=preferred, announced=announced, as_of=as_of)
    except InvalidInput as exc:
        error = exc.problem or problem("dayplan.cannot_plan", detail=exc.message)
        prepared = Prepared(plan.id, ticket, plan.seconds, {}, [], [], error=error)
    session.flush()
    ctx.log.write(session, ctx.actor, method="JOB", path=SOLVE_TASK, status_code=None)
    return prepared


def solve_prepared(prepared: Prepared, active: Solver | None = None) -> Prepared:
    """Solve (no database: run it with no transaction open). Travel times come from
    ``road_travel``; a routing server that fails makes the plan fail (``prepared.error``)."""
    if prepared.error is not None:
        return prepared
    problem_visits = prepared.problem["visits"]
    if not problem_visits:
        prepared.result = Plan(routes=(), unassigned=(), travel_minutes=0)
        prepared.unassigned = list(prepared.left_out)
        return prepared
    parsed = parse_problem(prepared.problem)
    if not prepared.problem["staff"]:
        prepared.result = Plan(routes=(), unassigned=(), travel_minutes=0)
        day = {"date": prepared.problem["date"]}
        prepared.unassigned = prepared.left_out + [
            Unassigned(v["id"], NO_STAFF, day) for v in problem_visits
        ]
    else:
        try:
            chosen = active or solver or PyVRPSolver(road_travel(parsed))
            result = chosen.solve(parsed, seconds=prepared.seconds, seed=0)
        except OSRMError as exc:
            prepared.error = problem("dayplan.routing_failed", detail=str(exc))
            return prepared
        prepared.result = result
        prepared.unassigned = prepared.left_out + list(result.unassigned)
    prepared.moved = moved(parsed, prepared.result)
    return prepared


def road_travel(day: PlanningProblem) -> TravelModel | None:
    """The travel times of the day plans: the OSRM server of ``SAMBAND_OSRM_URL`` with every
    pair of the problem's places fetched now (raises ``OSRMError`` when it cannot answer),
    or None when none is set (the solver's embedded great-circle model)."""
    url = get_settings().osrm_url
    if not url:
        return None
    return OSRMTravel(url).prepare_problem(day)


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
        _failed(plan, prepared.error or problem("dayplan.no_plan_from_solver"), now)
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
    plan.solution = {**prepared.result.to_dict(), "moved": list(prepared.moved)}
    plan.fixed = prepared.fixed
    plan.unassigned = [u.to_dict() for u in prepared.unassigned]
    plan.travel_minutes = prepared.result.travel_minutes
    plan.solve_status = "done"
    plan.solve_error = None
    plan.solve_problem = None
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


def fail_solve(session: Session, plan_id: uuid.UUID, ticket: uuid.UUID, error: Problem) -> None:
    """Record an unexpected failure of the job (it is retried; the page says why)."""
    plan = repository.get_day_plan(session, plan_id, lock=True)
    if plan is None or plan.solve_ticket != ticket or plan.solve_status == "done":
        return
    _failed(plan, error, utcnow())
    session.flush()


def _failed(plan: DayPlan, error: Problem, now: datetime) -> None:
    """The solve failed: why, as a code and its parameters (and in English, for the API)."""
    plan.solve_status = "failed"
    plan.solve_error = error.text("en")[:2000]
    plan.solve_problem = stored.dump(error)
    plan.solved_at = now


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
    mark_out_of_date(ctx, visits, state)
    return len(visits)


def mark_out_of_date(ctx: Context, visits: Sequence[Visit], cause: str) -> None:
    """These visits were just cancelled: mark the day plans that held them out of date
    (``cause``: the episode's new state, or e.g. ``booking_cancelled``; the page shows
    ``dayplan.ood.<cause>``) and tell the staff of a published plan whose routes held them."""
    if not visits:
        return
    now = utcnow()
    cancelled = {str(v.id): v for v in visits}
    for plan in repository.day_plans_on(ctx.session, {v.date for v in visits}, lock=True):
        held = [cancelled[i] for i in _plan_visit_ids(plan) if i in cancelled]
        if not held:
            continue
        _mark(plan, now, cause, len(held))
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
    """For each open visit of the day: its patient's regular staff (continuity of care), and
    the patient's fixed physician for a physician's visit, their fixed care contact for the
    others (``problem.preferred_staff``, decision 0018)."""
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
        chosen = preferred_staff(
            visit.role,
            regulars,
            fixed_physician=str(patient.fixed_physician_id) if patient.fixed_physician_id else None,
            care_contact=str(patient.fixed_care_contact_id)
            if patient.fixed_care_contact_id
            else None,
            requested=str(visit.requested_user_id) if visit.requested_user_id else None,
        )
        if chosen and visit.status in OPEN:
            preferred[str(visit.id)] = chosen
    return preferred


def _queue_solve(ctx: Context, plan: DayPlan, seconds: float, *, mode: str) -> None:
    """Mark the plan queued and defer its solve in this transaction (it runs after the
    commit; a refused request defers nothing)."""
    plan.solve_status = "queued"
    plan.solve_error = None
    plan.solve_problem = None
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


def _require_solved(plan: DayPlan) -> None:
    """A plan is published once it is made."""
    if plan.solve_status in SOLVING:
        raise Conflict(problem("dayplan.publish_while_solving", field="solve_status"))
    error = failure(plan)
    if error is not None:
        raise Conflict(
            problem(
                "dayplan.publish_failed_plan",
                field="solve_status",
                error=msg(error.code, **error.params),
            )
        )


def _job_context(session: Session, plan: DayPlan) -> Context:
    """The job acts for whoever asked for the solve (their visibility, their name in the
    visits' history and the access log)."""
    user_id = plan.solve_requested_by_id or plan.updated_by_id or plan.created_by_id
    user = repository.get_user(session, user_id)
    if user is None:  # pragma: no cover - users are deactivated, never deleted
        raise NotFound(problem("dayplan.requester_gone", user=str(user_id), plan=str(plan.id)))
    return Context(session, actor_of(user), AccessLog())


def _replan_preferences(plan: DayPlan) -> dict[str, list[str]]:
    """A replan of a draft prefers each visit's current staff member in it (moving as little
    as possible)."""
    return {
        stop["visit"]: [route["staff"]]
        for route in (plan.solution or {}).get("routes", [])
        for stop in route["stops"]
    }


def _routed_ids(plan: DayPlan) -> list[str]:
    """The visits of the plan's routes (of a published plan: those the patients were told)."""
    return [s["visit"] for r in (plan.solution or {}).get("routes", []) for s in r["stops"]]


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
    announced: Sequence[str] = (),
    as_of: datetime | None = None,
) -> Prepared:
    """Build the planning problem from the database (the visits locked while read).
    ``preferred``: staff ids per visit id, or None for each patient's regular staff;
    ``announced``: the visits of a published plan (announced with their staff and start)."""
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
    visits = [
        VisitRow(
            id=str(visit.id),
            patient=str(patient.id),
            lat=patient.latitude,
            lon=patient.longitude,
            window_start=visit.window_start,
            window_end=visit.window_end,
            duration_min=visit.duration_min,
            skills=list(visit.skills),
            role=visit.role,
            priority=visit.priority,
            status=visit.status,
            assigned=str(visit.assigned_user_id) if visit.assigned_user_id else None,
            started_at=visit.started_at,
            ended_at=visit.ended_at,
            planned_start=visit.planned_start,
        )
        for visit, patient in rows
    ]
    shifts = [
        ShiftRow(
            staff=str(user.id),
            skills=list(user.skills),
            role=user.role,
            start=shift.start,
            end=shift.end,
            start_lat=shift.start_lat,
            start_lon=shift.start_lon,
            end_lat=shift.end_lat,
            end_lon=shift.end_lon,
            max_minutes=shift.max_minutes,
        )
        for shift, user in repository.shifts(session, orgs, day)
    ]
    now = (as_of or utcnow()) if day == local_today() else None
    built = build_problem(
        day, visits, shifts, preferred=preferred, announced=frozenset(announced), now=now
    )
    try:
        parse_problem(built.problem)
    except ProblemError as exc:  # the inputs were validated; say what broke, never a 500
        raise InvalidInput(problem("dayplan.cannot_plan", detail=str(exc))) from None
    return Prepared(
        plan_id=plan.id,
        ticket=plan.solve_ticket or uuid.uuid4(),
        seconds=plan.seconds,
        problem=built.problem,
        fixed=built.fixed,
        left_out=built.left_out,
    )


def _unstaffed_alerts(ctx: Context, plan: DayPlan) -> None:
    """The published plan's medication visits that nobody makes."""
    ids = [uuid.UUID(u["visit"]) for u in plan.unassigned or []]
    rows = repository.visits_by_id(ctx.session, ids)
    reasons = {u["visit"]: left_out_from_dict(u) for u in plan.unassigned or []}
    _medication_alerts(
        ctx,
        [
            (visit, msg("visit.alert_unstaffed", reason=_term(reasons[str(visit.id)])))
            for visit, _ in rows.values()
            if visit.status in OPEN
        ],
    )


def _term(left_out: Unassigned) -> Msg:
    return msg(left_out.code, **left_out.params)


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
            why = left_out_from_dict(item).reason
            _move(ctx, visit, S.PLANNED, f"left out of day plan {plan.id}: {why}")
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
        PlanLeftOut(shown[uuid.UUID(u["visit"])], left_out_from_dict(u).problem)
        for u in plan.unassigned or []
        if uuid.UUID(u["visit"]) in shown
    ]
    log_listed(ctx, [v.patient_id for v in shown.values()], resource_type="day_plan")
    moved_all = moved_ids(plan)
    moved_list = _moved(ctx, plan, [shown[i] for i in map(uuid.UUID, moved_all) if i in shown])
    return DayPlanView(plan, routes, unassigned, hidden, moved_list, len(moved_all))


def _moved(ctx: Context, plan: DayPlan, visits: list[Visit]) -> list[MovedVisit]:
    """The moved announced visits the caller may see: what was announced (the problem) and
    where each is now (the routes), in the order of the announced times."""
    if not visits:
        return []
    told = {
        v["id"]: v["announced"]
        for v in (plan.problem or {}).get("visits", [])
        if v.get("announced")
    }
    now = _assignments(plan)
    staff_ids = {uuid.UUID(t["staff"]) for t in told.values()}
    staff_ids |= {uuid.UUID(str(staff)) for staff, _ in now.values()}
    users = repository.users_by_id(ctx.session, staff_ids)

    def name(staff_id: uuid.UUID | None) -> str:
        user = users.get(staff_id) if staff_id is not None else None
        return user.full_name if user is not None else "–"

    out = []
    for visit in visits:
        was = told.get(str(visit.id), {})
        was_staff = uuid.UUID(was["staff"]) if was.get("staff") else None
        staff, start = now.get(str(visit.id), (None, None))
        staff_id = uuid.UUID(str(staff)) if staff else None
        out.append(
            MovedVisit(
                visit=visit,
                told_staff_id=was_staff,
                told_staff_name=name(was_staff),
                told_start=str(was.get("start") or "–"),
                staff_id=staff_id,
                staff_name=name(staff_id) if staff_id else None,
                start=start,
            )
        )
    out.sort(key=lambda m: (m.told_start, str(m.visit.id)))
    return out


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
