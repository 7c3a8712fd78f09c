"""HTTP for home visits, staff shifts and day plans: parse, call the service, shape the answer."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status

from samband.deps import ContextDep
from samband.kit.i18n import plain
from samband.visits import dayplans, service, shifts
from samband.visits.schedule import LOCAL
from samband.visits.schemas import (
    DayPlanCreate,
    DayPlanRead,
    DayPlanSummary,
    GenerateRead,
    GenerateVisits,
    Location,
    MovedRead,
    OutOfDateRead,
    RouteRead,
    ShiftCreate,
    ShiftRead,
    StopRead,
    UnassignedRead,
    VisitCreate,
    VisitRead,
    VisitStatus,
    VisitStatusChange,
)

router = APIRouter(prefix="/api/v1", tags=["visits"])

_REFUSALS: dict[int | str, dict[str, Any]] = {
    403: {"description": "your role may not do this"},
    404: {"description": "no such visit or plan, or no care relationship with the patient"},
    409: {"description": "not allowed in the current state (e.g. a wrong status move)"},
}
Seconds = Annotated[
    float,
    Query(gt=0, le=60, description="the solver's time limit in seconds (default 5, at most 60)"),
]


@router.post("/visits/generate", response_model=GenerateRead, responses=_REFUSALS)
def generate_visits(ctx: ContextDep, data: GenerateVisits) -> GenerateRead:
    """Make the date's visits from the care plans of the patients at home that the
    organisations take part in. Idempotent: visits already there are kept, whatever their
    status; planned visits the care plan no longer asks for are cancelled."""
    result = service.generate(ctx, data)
    return GenerateRead(
        date=result.date,
        organisation_ids=result.organisation_ids,
        created=result.created,
        kept=result.kept,
        cancelled=result.cancelled,
        visits=[_visit(v) for v in result.visits],
    )


@router.post(
    "/visits", response_model=VisitRead, status_code=status.HTTP_201_CREATED, responses=_REFUSALS
)
def create_visit(ctx: ContextDep, data: VisitCreate) -> VisitRead:
    """An ad-hoc visit (e.g. urgent) to a patient at home; replan the day to fit it in."""
    return _visit(service.create_visit(ctx, data))


@router.get("/visits", response_model=list[VisitRead])
def list_visits(
    ctx: ContextDep,
    day: Annotated[
        date | None, Query(alias="date", description="default: today in Europe/Stockholm")
    ] = None,
    visit_status: Annotated[VisitStatus | None, Query(alias="status")] = None,
    staff_id: Annotated[uuid.UUID | None, Query(description="the assigned staff member")] = None,
) -> list[VisitRead]:
    """The date's visits of the patients your organisation may see."""
    return [
        _visit(v) for v in service.list_visits(ctx, day, status=visit_status, staff_id=staff_id)
    ]


@router.post("/visits/{visit_id}/status", response_model=VisitRead, responses=_REFUSALS)
def change_visit_status(ctx: ContextDep, visit_id: uuid.UUID, data: VisitStatusChange) -> VisitRead:
    """Mark a visit `started`, `done`, `missed` or `cancelled`. Planned or assigned →
    started | missed | cancelled; started → done | cancelled. Staff mark their own visits;
    planners anyone's; only planners cancel."""
    return _visit(service.change_status(ctx, visit_id, data))


@router.post(
    "/shifts", response_model=ShiftRead, status_code=status.HTTP_201_CREATED, responses=_REFUSALS
)
def save_shift(ctx: ContextDep, data: ShiftCreate) -> ShiftRead:
    """A staff member's shift on a date, in local time (replaces the one they had)."""
    return _shift(shifts.save_shift(ctx, data))


@router.get("/shifts", response_model=list[ShiftRead])
def list_shifts(
    ctx: ContextDep,
    day: Annotated[
        date | None, Query(alias="date", description="default: today in Europe/Stockholm")
    ] = None,
) -> list[ShiftRead]:
    """The date's shifts of your organisation's staff."""
    return [_shift(s) for s in shifts.list_shifts(ctx, day)]


@router.post(
    "/day-plans",
    response_model=DayPlanRead,
    status_code=status.HTTP_202_ACCEPTED,
    responses=_REFUSALS,
)
def create_day_plan(
    ctx: ContextDep,
    data: DayPlanCreate,
    response: Response,
    seconds: Seconds = dayplans.DEFAULT_SECONDS,
) -> DayPlanRead:
    """Plan the date: the organisations' open visits are assigned to staff with a shift and
    routed (PyVRP). Answered at once (202) with the plan (``solve_status`` queued) and its
    address in ``Location``: poll GET /day-plans/{id} until ``solve_status`` is done (the
    routes, and the visits that cannot be made with the reason) or failed (``solve_error``).
    The plan is a draft until published."""
    view = dayplans.create_day_plan(ctx, data, seconds)
    response.headers["Location"] = f"/api/v1/day-plans/{view.plan.id}"
    return _plan(view)


@router.get("/day-plans", response_model=list[DayPlanSummary], responses=_REFUSALS)
def list_day_plans(
    ctx: ContextDep,
    day: Annotated[
        date | None, Query(alias="date", description="default: today in Europe/Stockholm")
    ] = None,
) -> list[DayPlanSummary]:
    """The date's day plans of your organisation, the newest first (without their routes)."""
    return [
        DayPlanSummary(
            id=p.id,
            date=p.date,
            organisation_ids=[uuid.UUID(o) for o in p.organisation_ids],
            status=p.status,
            version=p.version,
            solve_status=p.solve_status,
            out_of_date=p.out_of_date_at is not None,
            travel_minutes=p.travel_minutes,
            moved_count=len(dayplans.moved_ids(p)),
            created_by_id=p.created_by_id,
            created_at=p.created_at,
            published_at=p.published_at,
            updated_at=p.updated_at,
        )
        for p in dayplans.list_day_plans(ctx, day)
    ]


@router.get("/day-plans/{plan_id}", response_model=DayPlanRead, responses=_REFUSALS)
def get_day_plan(ctx: ContextDep, plan_id: uuid.UUID) -> DayPlanRead:
    """The plan's routes per staff member (docs/planning-format.md) and its unassigned visits."""
    return _plan(dayplans.get_day_plan(ctx, plan_id))


@router.post("/day-plans/{plan_id}/publish", response_model=DayPlanRead, responses=_REFUSALS)
def publish_day_plan(ctx: ContextDep, plan_id: uuid.UUID) -> DayPlanRead:
    """Publish a draft: each visit gets its staff member and planned start."""
    return _plan(dayplans.publish(ctx, plan_id))


@router.post(
    "/day-plans/{plan_id}/replan",
    response_model=DayPlanRead,
    status_code=status.HTTP_202_ACCEPTED,
    responses=_REFUSALS,
)
def replan_day_plan(
    ctx: ContextDep,
    plan_id: uuid.UUID,
    response: Response,
    seconds: Seconds = dayplans.DEFAULT_SECONDS,
) -> DayPlanRead:
    """Plan again from the visits as they are now (new, cancelled, started, done). Started and
    done visits keep their staff and time; the others prefer their current staff member. A
    published plan's new assignments take effect as soon as the solve is done. Answered at
    once (202, ``Location``): poll GET /day-plans/{id} as after POST /day-plans; 409 while
    the plan is being made. A replan clears the plan's out-of-date mark."""
    view = dayplans.replan(ctx, plan_id, seconds)
    response.headers["Location"] = f"/api/v1/day-plans/{plan_id}"
    return _plan(view)


def _visit(view: service.VisitView) -> VisitRead:
    v, p = view.visit, view.patient
    return VisitRead(
        id=v.id,
        episode_id=v.episode_id,
        patient_id=v.patient_id,
        patient_name=f"{p.given_name} {p.family_name}",
        date=v.date,
        activity_key=v.activity_key,
        occurrence=v.occurrence,
        what=v.what,
        window_start=v.window_start,
        window_end=v.window_end,
        window_local=(
            v.window_start.astimezone(LOCAL).strftime("%H:%M"),
            v.window_end.astimezone(LOCAL).strftime("%H:%M"),
        ),
        duration_min=v.duration_min,
        skills=list(v.skills),
        role=v.role,
        organisation_kind=v.organisation_kind,
        organisation_id=v.organisation_id,
        priority=v.priority,
        source=v.source,
        status=VisitStatus(v.status),
        assigned_user_id=v.assigned_user_id,
        planned_start=v.planned_start,
        route_order=v.route_order,
        day_plan_id=v.day_plan_id,
        started_at=v.started_at,
        ended_at=v.ended_at,
        created_by_id=v.created_by_id,
        created_at=v.created_at,
        updated_at=v.updated_at,
    )


def _shift(view: shifts.ShiftView) -> ShiftRead:
    s, u = view.shift, view.user
    return ShiftRead(
        id=s.id,
        user_id=u.id,
        user_name=u.full_name,
        role=u.role,
        skills=list(u.skills),
        organisation_id=s.organisation_id,
        date=s.date,
        start=s.start,
        end=s.end,
        start_local=s.start.astimezone(LOCAL).strftime("%H:%M"),
        end_local=s.end.astimezone(LOCAL).strftime("%H:%M"),
        start_location=Location(lat=s.start_lat, lon=s.start_lon),
        end_location=Location(lat=s.end_lat, lon=s.end_lon),
        max_minutes=s.max_minutes,
    )


def _plan(view: dayplans.DayPlanView) -> DayPlanRead:
    plan = view.plan
    return DayPlanRead(
        id=plan.id,
        date=plan.date,
        organisation_ids=[uuid.UUID(o) for o in plan.organisation_ids],
        status=plan.status,
        version=plan.version,
        solve_status=plan.solve_status,
        solve_error=plan.solve_error,
        solve_error_code=view.solve_problem.code if view.solve_problem else None,
        out_of_date=plan.out_of_date_at is not None,
        out_of_date_reasons=[OutOfDateRead(**r) for r in plan.out_of_date_reasons or []],
        travel_minutes=plan.travel_minutes,
        routes=[
            RouteRead(
                staff=r.staff_id,
                staff_name=r.staff_name,
                leave=r.leave,
                back=r.back,
                stops=[
                    StopRead(
                        visit=s.visit.id,
                        patient_id=s.visit.patient_id,
                        what=s.visit.what,
                        status=VisitStatus(s.visit.status),
                        arrival=s.arrival,
                        start=s.start,
                        end=s.end,
                        fixed=s.fixed,
                    )
                    for s in r.stops
                ],
            )
            for r in view.routes
        ],
        unassigned=[
            UnassignedRead(
                visit=u.visit.id,
                patient_id=u.visit.patient_id,
                what=u.visit.what,
                reason=u.reason,
                code=u.problem.code,
                params={k: plain(v) for k, v in u.problem.params.items()},
            )
            for u in view.unassigned
        ],
        hidden_visits=view.hidden_visits,
        moved_count=view.moved_count,
        moved=[
            MovedRead(
                visit=m.visit.id,
                patient_id=m.visit.patient_id,
                what=m.visit.what,
                announced_staff=m.told_staff_id,
                announced_start=m.told_start,
                staff=m.staff_id,
                start=m.start,
            )
            for m in view.moved
        ],
        created_by_id=plan.created_by_id,
        created_at=plan.created_at,
        published_at=plan.published_at,
        updated_at=plan.updated_at,
    )
