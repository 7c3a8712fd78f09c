"""The day's visits in the browser: the organisation's day plan for a date, with its routes
as lists and as a map, the visits left out and why, and a printable day sheet per staff
member. The same services (and access rules, and access log) as /api/v1/visits and
/api/v1/day-plans.

Planning from the page makes the date's visits from the care plans (``generate``) and asks
for the day to be solved (``create_day_plan``) in one step, inside ``attempt``: a refused
step writes nothing. The solve itself is a job (decision 0015): the page answers at once and
the plan's page says "Planen tas fram…" and refreshes itself until the plan is there (or
says why it failed). A plan whose visits were cancelled since (the patient readmitted,
discharged, …) says "Planen är inaktuell – planera om", here and on the printed sheets.

No handler here is ``async def``: they do database work, which FastAPI runs in its thread
pool for a plain ``def`` (an ``async def`` would hold the event loop, and every other request
with it).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict

from samband.kit.errors import NotFound, problem
from samband.kit.time import local_today, utcnow
from samband.models import Patient
from samband.security.context import Context
from samband.security.roles import Permission
from samband.visits import dayplans, service, shifts
from samband.visits.schemas import DayPlanCreate, GenerateVisits, StatusMove, VisitStatusChange
from samband.web import routemap
from samband.web.base import FormErrors, WebContext, attempt, language, parse_form, render
from samband.web.flow import FormData, error_status
from samband.web.i18n import activity_text, translate

router = APIRouter(include_in_schema=False)

SOLVE_SECONDS = 2.0  # the solver's time limit when planning from a page: someone is waiting
REFRESH_SECONDS = 2  # how often the page of a plan being made looks again
MARKS = (StatusMove.STARTED, StatusMove.DONE, StatusMove.MISSED)  # the buttons on a stop
NOTICES = {
    "day_planned",
    "day_planning",
    "day_published",
    "day_replanned",
    "day_replanning",
    *(f"visit_{m.value}" for m in MARKS),
}


class PlanDayForm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    date: date


class MarkForm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to: StatusMove


@dataclass(frozen=True)
class RouteCard:
    """One staff member's route as the page lists it, in the map's colour and dash."""

    route: dayplans.PlanRoute
    colour: str
    dash: str
    shift: shifts.ShiftView | None


# -- the day plan ----------------------------------------------------------------------------


@router.get("/day-plans", response_class=HTMLResponse)
def day_plan_page(request: Request, ctx: WebContext) -> HTMLResponse:
    """Your organisation's newest plan of the date (default today), or the button to plan it."""
    raw = request.query_params.get("date")
    day, errors = local_today(), FormErrors()
    if raw:
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            errors.fields["date"] = translate("dayplan.bad_date", language(request))
    view = dayplans.latest_day_plan(ctx, day)
    status_code = 422 if errors else 200
    return _page(request, ctx, day, view, errors=errors, date_value=raw, status_code=status_code)


@router.post("/day-plans", response_model=None)
def plan_day(request: Request, ctx: WebContext, form: FormData) -> Response:
    data, errors = parse_form(PlanDayForm, {"date": form.get("date") or None})
    if data is None:
        day = local_today()
        view = dayplans.latest_day_plan(ctx, day)
        return _page(request, ctx, day, view, errors=_refusal(errors), status_code=422)
    planned, errors = attempt(ctx, lambda: _plan_the_day(ctx, data.date))
    if planned is not None:
        return _back(planned.plan.id, "day_planning")
    view = dayplans.latest_day_plan(ctx, data.date)
    errors = _refusal(errors)
    return _page(request, ctx, data.date, view, errors=errors, status_code=error_status(errors))


@router.get("/day-plans/{plan_id}", response_class=HTMLResponse)
def plan_page(request: Request, ctx: WebContext, plan_id: uuid.UUID) -> HTMLResponse:
    view = dayplans.get_day_plan(ctx, plan_id)
    notice = request.query_params.get("notice")
    return _page(
        request,
        ctx,
        view.plan.date,
        view,
        notice=f"notice.{notice}" if notice in NOTICES else None,
    )


@router.post("/day-plans/{plan_id}/publish", response_model=None)
def publish(request: Request, ctx: WebContext, plan_id: uuid.UUID) -> Response:
    published, errors = attempt(ctx, lambda: dayplans.publish(ctx, plan_id))
    if published is not None:
        return _back(plan_id, "day_published")
    return _again(request, ctx, plan_id, errors)


@router.post("/day-plans/{plan_id}/replan", response_model=None)
def replan(request: Request, ctx: WebContext, plan_id: uuid.UUID) -> Response:
    replanned, errors = attempt(ctx, lambda: _replan(ctx, plan_id))
    if replanned is not None:
        return _back(plan_id, "day_replanning")
    return _again(request, ctx, plan_id, errors)


@router.post("/day-plans/{plan_id}/visits/{visit_id}/status", response_model=None)
def mark_visit(
    request: Request, ctx: WebContext, plan_id: uuid.UUID, visit_id: uuid.UUID, form: FormData
) -> Response:
    data, errors = parse_form(MarkForm, {"to": form.get("to") or None})
    if data is not None:
        change = VisitStatusChange(to=data.to)
        marked, errors = attempt(ctx, lambda: service.change_status(ctx, visit_id, change))
        if marked is not None:
            return _back(plan_id, f"visit_{data.to.value}", anchor=f"stop-{visit_id}")
    return _again(request, ctx, plan_id, errors)


# -- the printed day sheets --------------------------------------------------------------------


@router.get("/day-plans/{plan_id}/print", response_class=HTMLResponse)
def print_sheets(request: Request, ctx: WebContext, plan_id: uuid.UUID) -> HTMLResponse:
    """One A4 page per staff member (``?staff=<id>``: only theirs)."""
    view = dayplans.get_day_plan(ctx, plan_id)
    details = dayplans.plan_details(ctx, view)
    staff = request.query_params.get("staff")
    cards = _cards(view, details)
    if staff:
        cards = [c for c in cards if str(c.route.staff_id) == staff]
        if not cards:
            raise NotFound(problem("dayplan.staff_without_route", staff=staff, plan=str(plan_id)))
    return render(
        request,
        "day_plan_print.html",
        ctx,
        view=view,
        cards=cards,
        patients=details.patients,
        printed=utcnow(),
    )


# -- helpers -----------------------------------------------------------------------------------


def _plan_the_day(ctx: Context, day: date) -> dayplans.DayPlanView:
    service.generate(ctx, GenerateVisits(date=day))
    return dayplans.create_day_plan(ctx, DayPlanCreate(date=day), SOLVE_SECONDS)


def _replan(ctx: Context, plan_id: uuid.UUID) -> dayplans.DayPlanView:
    """Make the visits the care plans now ask for, then solve the plan again."""
    plan = dayplans.get_day_plan(ctx, plan_id).plan
    orgs = [uuid.UUID(o) for o in plan.organisation_ids]
    service.generate(ctx, GenerateVisits(date=plan.date, organisation_ids=orgs))
    return dayplans.replan(ctx, plan_id, SOLVE_SECONDS)


def _back(plan_id: uuid.UUID, notice: str, anchor: str = "") -> RedirectResponse:
    fragment = f"#{anchor}" if anchor else ""
    return RedirectResponse(f"/day-plans/{plan_id}?notice={notice}{fragment}", status_code=303)


def _again(request: Request, ctx: Context, plan_id: uuid.UUID, errors: FormErrors) -> HTMLResponse:
    """The plan's page again with the refusal (the refused step wrote nothing)."""
    view = dayplans.get_day_plan(ctx, plan_id)
    errors = _refusal(errors)
    status_code = error_status(errors)
    return _page(request, ctx, view.plan.date, view, errors=errors, status_code=status_code)


def _refusal(errors: FormErrors) -> FormErrors:
    """An action's forms have no fields to show an error next to: the reason (whichever
    field the service named) is shown for the page as a whole."""
    message = errors.general or next(iter(errors.fields.values()), None)
    return FormErrors({"": message}, reasons=errors.reasons) if message else errors


def _page(
    request: Request,
    ctx: Context,
    day: date,
    view: dayplans.DayPlanView | None,
    *,
    errors: FormErrors | None = None,
    notice: str | None = None,
    date_value: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    lang = language(request)
    cards: list[RouteCard] = []
    route_map: routemap.RouteMap | None = None
    patients: dict[uuid.UUID, Patient] = {}
    plans = []
    if view is not None:
        details = dayplans.plan_details(ctx, view)
        patients = details.patients
        cards = _cards(view, details)
        route_map = _map(cards, view, patients, lang)
        plans = dayplans.list_day_plans(ctx, view.plan.date)
    actor = ctx.actor
    planner = actor.can(Permission.EPISODE_UPDATE)
    on_its_date = view is not None and view.plan.date == local_today()
    solving = view is not None and view.plan.solve_status in dayplans.SOLVING
    if solving and notice in ("notice.day_planning", "notice.day_replanning"):
        notice = None  # the page says it is being made
    return render(
        request,
        "day_plan.html",
        ctx,
        status_code=status_code,
        day=day,
        today=local_today(),
        date_value=date_value or day.isoformat(),
        view=view,
        cards=cards,
        planned=sum(len(card.route.stops) for card in cards),
        route_map=route_map,
        patients=patients,
        plans=plans,
        errors=errors or FormErrors(),
        notice=notice,
        solving=solving,
        refresh=(
            f"{REFRESH_SECONDS};url=/day-plans/{view.plan.id}?notice="
            + ("day_replanned" if view.plan.version > 1 else "day_planned")
            if solving and view is not None
            else None
        ),
        planner=planner,
        can_mark=planner or actor.can(Permission.VISIT_UPDATE),
        # a visit is started on its own date only: no "Påbörja" on another day's plan
        moves={
            status: [
                m.value
                for m in MARKS
                if m.value in allowed and (m != StatusMove.STARTED or on_its_date)
            ]
            for status, allowed in service.MOVES.items()
        },
        future=view is not None and view.plan.date > local_today(),
    )


def _cards(view: dayplans.DayPlanView, details: dayplans.PlanDetails) -> list[RouteCard]:
    return [
        RouteCard(route, *routemap.style(index), details.shifts.get(route.staff_id))
        for index, route in enumerate(view.routes)
    ]


def _where(patient: Patient | None) -> routemap.LatLon | None:
    if patient is None or patient.latitude is None or patient.longitude is None:
        return None
    return (patient.latitude, patient.longitude)


def _name(patient: Patient | None) -> str:
    return f"{patient.given_name} {patient.family_name}" if patient else "–"


def _map(
    cards: list[RouteCard],
    view: dayplans.DayPlanView,
    patients: dict[uuid.UUID, Patient],
    lang: str,
) -> routemap.RouteMap | None:
    """The plan drawn as an SVG: each route from its shift's start through its stops to its
    end, and the unassigned visits as hollow markers."""
    routes = []
    for card in cards:
        route, shift = card.route, card.shift
        stops = [
            routemap.StopIn(
                _where(patients.get(stop.visit.patient_id)),
                f"{number}. {stop.start}–{stop.end} {_name(patients.get(stop.visit.patient_id))}"
                f": {activity_text(stop.visit.what, lang)} ({route.staff_name})",
            )
            for number, stop in enumerate(route.stops, start=1)
        ]
        start = (shift.shift.start_lat, shift.shift.start_lon) if shift else None
        end = (shift.shift.end_lat, shift.shift.end_lon) if shift else None
        routes.append(
            routemap.RouteIn(
                route.staff_name,
                start,
                end,
                stops,
                start_title=f"{translate('dayplan.map_start', lang)}: {route.staff_name}",
                end_title=f"{translate('dayplan.map_end', lang)}: {route.staff_name}",
            )
        )
    unassigned = [
        routemap.StopIn(
            _where(patients.get(item.visit.patient_id)),
            f"{translate('dayplan.map_unassigned', lang)}: "
            f"{_name(patients.get(item.visit.patient_id))}, "
            f"{activity_text(item.visit.what, lang)}",
        )
        for item in view.unassigned
    ]
    return routemap.build(routes, unassigned)
