"""Alerts as pages: the list with filters, one alert with the measurements that caused it, and
its life cycle as forms (acknowledge, record the action, direct admission, close).

Every form calls ``alerts.service`` through ``attempt`` (a refused step writes nothing but its
access-log entries) and comes back to the alert page, or to the page it came from (the
overview's quick *Kvittera*). A direct admission refused for want of a reserved bed is the
one refusal the service keeps: it is recorded on the alert with the emergency department as
the alternative (docs/decisions/0006), and the page shows the reason in Swedish.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from samband.alerts import service as alerts
from samband.alerts.rules import ACTIVE, Action, Status, allowed_moves, entry_note
from samband.alerts.schemas import AlertAcknowledge, AlertActionCreate, AlertClose
from samband.alerts.service import AlertView
from samband.episodes import service as episodes
from samband.episodes.states import State
from samband.kit.errors import Problem
from samband.kit.time import utcnow
from samband.models import ObservationSet
from samband.oncall import service as oncall
from samband.organisations import service as organisations
from samband.rounds import service as rounds
from samband.security.context import Context
from samband.security.roles import Permission
from samband.web.base import FormErrors, WebContext, attempt, language, parse_form, render
from samband.web.flow import FormData, blank, error_status, notice_of
from samband.web.i18n import translate
from samband.web.vitals import news2_rows

router = APIRouter(include_in_schema=False)

# the list's filters: the query value → the statuses shown
FILTERS: dict[str, list[Status]] = {
    "active": sorted(ACTIVE),
    "open": [Status.OPEN],
    "acknowledged": [Status.ACKNOWLEDGED],
    "action_taken": [Status.ACTION_TAKEN],
    "closed": [Status.CLOSED],
}
# the actions of the action form (direct admission has its own, prominent form)
ACTIONS = (Action.PHONE_CALL, Action.EXTRA_VISIT, Action.PHYSICIAN_CONSULTED, Action.NONE_NEEDED)
SHOWN_ON_OVERVIEW = (Status.OPEN, Status.ACKNOWLEDGED)


def minutes_since(at: datetime, now: datetime | None = None) -> int:
    return max(0, int(((now or utcnow()) - at).total_seconds() // 60))


def safe_next(value: str | None, default: str) -> str:
    if not value or not value.startswith("/") or value.startswith("//"):
        return default
    return value


@dataclass(frozen=True)
class OverviewAlerts:
    """What the overview shows of the alerts: open and acknowledged ones (most severe, then
    oldest first), how many wait to be closed, and the active count per episode."""

    shown: list[AlertView]
    waiting_to_close: int
    by_episode: dict[uuid.UUID, int]
    can_handle: bool

    @property
    def open_count(self) -> int:
        return sum(1 for v in self.shown if v.alert.status == Status.OPEN)


def overview_alerts(ctx: Context) -> OverviewAlerts:
    active = alerts.open_alerts(ctx)
    by_episode: dict[uuid.UUID, int] = {}
    for view in active:
        by_episode[view.alert.episode_id] = by_episode.get(view.alert.episode_id, 0) + 1
    return OverviewAlerts(
        shown=[v for v in active if v.alert.status in SHOWN_ON_OVERVIEW],
        waiting_to_close=sum(1 for v in active if v.alert.status == Status.ACTION_TAKEN),
        by_episode=by_episode,
        can_handle=ctx.actor.can(Permission.ALERT_HANDLE),
    )


# -- the list ---------------------------------------------------------------------------------


@router.get("/alerts", response_class=HTMLResponse)
def alert_list(request: Request, ctx: WebContext, status: str = "active") -> HTMLResponse:
    chosen = status if status in FILTERS else "active"
    views = alerts.list_alerts(ctx, statuses=FILTERS[chosen], limit=500)
    return render(
        request,
        "alert_list.html",
        ctx,
        views=views,
        chosen=chosen,
        filters=list(FILTERS),
        notice=notice_of(request),
        now=utcnow(),
        minutes_since=minutes_since,
    )


# -- one alert --------------------------------------------------------------------------------


def _user_ids(view: AlertView) -> set[uuid.UUID | None]:
    alert = view.alert
    ids: set[uuid.UUID | None] = {alert.acknowledged_by_id, alert.action_by_id, alert.closed_by_id}
    for entry in alert.history or []:
        try:
            ids.add(uuid.UUID(str(entry.get("by"))))
        except ValueError:
            continue
    return ids


def _names(ctx: Context, view: AlertView) -> dict[Any, str]:
    """Users named on the alert, by id and by the id as text (the history keeps text)."""
    names: dict[Any, str] = dict(organisations.user_names(ctx, _user_ids(view)))
    names.update({str(key): name for key, name in list(names.items())})
    return names


def _alert_page(
    request: Request,
    ctx: Context,
    alert_id: uuid.UUID,
    errors: FormErrors | None = None,
    values: dict[str, Any] | None = None,
    *,
    refused: Problem | str | None = None,
    status_code: int | None = None,
) -> HTMLResponse:
    lang = language(request)
    detail = alerts.get(ctx, alert_id)
    view = detail.view
    alert = view.alert
    episode = episodes.get(ctx, alert.episode_id)
    wards = [w for w in rounds.ward_units(ctx) if w.beds > 0]
    sets: list[ObservationSet] = detail.observations
    errors = errors or FormErrors()
    default_ward = next(
        (str(w.unit.id) for w in wards if w.unit.id == episode.responsible_unit_id),
        str(wards[0].unit.id) if wards else "",
    )
    code = status_code or ((409 if refused else error_status(errors)) if errors or refused else 200)
    return render(
        request,
        "alert_page.html",
        ctx,
        status_code=code,
        view=view,
        alert=alert,
        patient=view.patient,
        episode=episode,
        rows=news2_rows(sets, lang),
        causes=view.causes,
        set_times={s.id: s.measured_at for s in sets},
        moves=allowed_moves(alert.status),
        can_handle=ctx.actor.can(Permission.ALERT_HANDLE),
        at_home=episode.state == State.AT_HOME,
        wards=wards,
        names=_names(ctx, view),
        errors=errors,
        values=values or {"ward_unit_id": default_ward},
        refused=refused,
        history=[(entry, entry_note(entry)) for entry in reversed(alert.history or [])],
        admission_reason=entry_note(alert.admission) if alert.admission else None,
        actions=[a.value for a in ACTIONS],
        notice=notice_of(request),
        minutes=minutes_since(alert.created_at),
        now=utcnow(),
        on_call=oncall.physician_now(ctx.session, episode.responsible_unit_id),
    )


@router.get("/alerts/{alert_id}", response_class=HTMLResponse)
def alert_page(request: Request, ctx: WebContext, alert_id: uuid.UUID) -> HTMLResponse:
    return _alert_page(request, ctx, alert_id)


def _back(path: str, notice: str) -> RedirectResponse:
    """Back to the page, with the notice it shows once (before any #fragment)."""
    path, hash_, fragment = path.partition("#")
    joiner = "&" if "?" in path else "?"
    return RedirectResponse(f"{path}{joiner}notice={notice}{hash_}{fragment}", status_code=303)


@router.post("/alerts/{alert_id}/acknowledge", response_model=None)
def acknowledge(request: Request, ctx: WebContext, alert_id: uuid.UUID, form: FormData) -> Response:
    data, errors = parse_form(AlertAcknowledge, {"note": blank(form.get("note"))})
    if data is not None:
        done, errors = attempt(ctx, lambda: alerts.acknowledge(ctx, alert_id, data))
        if done is not None:
            return _back(safe_next(form.get("next"), f"/alerts/{alert_id}"), "alert_acknowledged")
    return _alert_page(request, ctx, alert_id, errors, form)


@router.post("/alerts/{alert_id}/action", response_model=None)
def record_action(
    request: Request, ctx: WebContext, alert_id: uuid.UUID, form: FormData
) -> Response:
    body: dict[str, Any] = {"action": form.get("action") or "", "note": blank(form.get("note"))}
    if body["action"] == Action.DIRECT_ADMISSION:
        body["ward_unit_id"] = blank(form.get("ward_unit_id"))
        body["use_reserved_bed"] = form.get("use_reserved_bed", "true") != "false"
    data, errors = parse_form(AlertActionCreate, body)
    if data is not None:
        done, errors = attempt(ctx, lambda: alerts.record_action(ctx, alert_id, data))
        if done is not None and done.refused is not None:
            # no reserved bed: the refusal is recorded on the alert; say why, and the way on
            return _alert_page(request, ctx, alert_id, values=form, refused=done.refused)
        if done is not None:
            notice = "alert_admitted" if data.action == Action.DIRECT_ADMISSION else "alert_action"
            return _back(f"/alerts/{alert_id}", notice)
    if errors.get("action") and not form.get("action"):
        errors.fields["action"] = translate("form.choose_action", language(request))
    return _alert_page(request, ctx, alert_id, errors, form)


@router.post("/alerts/{alert_id}/close", response_model=None)
def close(request: Request, ctx: WebContext, alert_id: uuid.UUID, form: FormData) -> Response:
    data, errors = parse_form(AlertClose, {"note": blank(form.get("note"))})
    if data is not None:
        done, errors = attempt(ctx, lambda: alerts.close(ctx, alert_id, data))
        if done is not None:
            return _back(f"/alerts/{alert_id}", "alert_closed")
    return _alert_page(request, ctx, alert_id, errors, form)
