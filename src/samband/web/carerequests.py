"""Care requests (vårdbegäran) as pages: send one from an episode, the organisation's incoming
and outgoing requests, and answering one (receive, accept, decline, complete, cancel)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from samband.carerequests import lifecycle
from samband.carerequests import service as carerequests
from samband.carerequests.schemas import (
    CareRequestCreate,
    CareRequestKind,
    CareRequestRead,
    CareRequestTransition,
    Direction,
)
from samband.episodes import service as episodes
from samband.models import CareRequest, Episode
from samband.organisations import service as organisations
from samband.patients import service as patients
from samband.security.context import Context
from samband.security.roles import Permission
from samband.web.base import FormErrors, WebContext, attempt, parse_form, render
from samband.web.flow import FormData, back, blank, episode_page, notice_of, remap
from samband.web.medadmin import care_request_block as medadmin_block

router = APIRouter(include_in_schema=False)

FITTING_KINDS = sorted({kind for kinds in lifecycle.FITS.values() for kind in kinds})


def _organisation_names(ctx: Context) -> dict[uuid.UUID, str]:
    return {o.id: o.name for o in organisations.list_organisations(ctx)}


@router.get("/care-requests", response_class=HTMLResponse)
def list_requests(request: Request, ctx: WebContext) -> HTMLResponse:
    def rows(direction: Direction) -> list[tuple[CareRequestRead, Any]]:
        found, _total = carerequests.search(
            ctx, direction=direction, state=None, episode_id=None, limit=200, offset=0
        )
        return [(CareRequestRead.of(r, pid), pid) for r, pid in found]

    incoming, outgoing = rows(Direction.INCOMING), rows(Direction.OUTGOING)
    people = {pid: patients.get(ctx, pid) for pid in {pid for _, pid in incoming + outgoing}}
    return render(
        request,
        "care_request_list.html",
        ctx,
        incoming=[r for r, _ in incoming],
        outgoing=[r for r, _ in outgoing],
        people=people,
        orgs=_organisation_names(ctx),
    )


def _answers(ctx: Context, request: CareRequest) -> list[str]:
    """The answers the user's organisation may give now."""
    actor = ctx.actor
    allowed = lifecycle.allowed_next(request.state)
    answers = []
    for state in allowed:
        target = lifecycle.CareRequestState(state)
        if target in lifecycle.BY_RECEIVER:
            if actor.organisation_id == request.to_organisation_id and actor.can(
                Permission.CARE_REQUEST_ANSWER
            ):
                answers.append(state)
        elif actor.organisation_id == request.from_organisation_id and actor.can(
            Permission.CARE_REQUEST_SEND
        ):
            answers.append(state)
    order = ["received", "accepted", "declined", "completed", "cancelled"]
    return sorted(answers, key=order.index)


def _request_page(
    request: Request,
    ctx: WebContext,
    request_id: uuid.UUID,
    errors: FormErrors | None = None,
    values: dict[str, Any] | None = None,
) -> HTMLResponse:
    care_request, patient_id = carerequests.get(ctx, request_id)
    errors = errors or FormErrors()
    return render(
        request,
        "care_request_page.html",
        ctx,
        status_code=(409 if errors.general else 422) if errors else 200,
        r=CareRequestRead.of(care_request, patient_id),
        patient=patients.get(ctx, patient_id),
        orgs=_organisation_names(ctx),
        # a request to municipal home care (social services) carries no medication list
        # (docs/decisions/0010): say so, never "none"
        medications_shared=organisations.get_organisation(ctx, care_request.to_organisation_id).kind
        != "municipal_home_care",
        answers=_answers(ctx, care_request),
        errors=errors,
        values=values or {},
        notice=notice_of(request),
        # issue 14: the medication list's version and the receiver's acknowledgement
        medication_list=medadmin_block(ctx, care_request),
    )


def show_request_again(
    request: Request, ctx: WebContext, request_id: uuid.UUID, errors: FormErrors
) -> HTMLResponse:
    """The care request page with a refusal (web/medadmin.py's acknowledgement button)."""
    return _request_page(request, ctx, request_id, errors)


@router.get("/care-requests/{request_id}", response_class=HTMLResponse)
def show_request(request: Request, ctx: WebContext, request_id: uuid.UUID) -> HTMLResponse:
    return _request_page(request, ctx, request_id)


@router.post("/care-requests/{request_id}/transition", response_model=None)
def answer_request(
    request: Request, ctx: WebContext, request_id: uuid.UUID, form: FormData
) -> Response:
    target = form.get("to") or ""
    data, errors = parse_form(
        CareRequestTransition, {"to": target, "reason": blank(form.get(f"reason_{target}"))}
    )
    if data is not None:
        done, errors = attempt(ctx, lambda: carerequests.transition(ctx, request_id, data))
        if done is not None:
            return back(f"/care-requests/{request_id}", "request_updated")
    errors = remap(errors, lambda n: f"reason_{target}" if n == "reason" else n)
    return _request_page(request, ctx, request_id, errors, form)


# -- send from an episode ---------------------------------------------------------------------


def _send_page(
    request: Request,
    ctx: Context,
    episode: Episode,
    errors: FormErrors | None = None,
    values: dict[str, Any] | None = None,
) -> HTMLResponse:
    targets = [
        o
        for o in organisations.list_organisations(ctx)
        if o.kind in FITTING_KINDS and o.id != ctx.actor.organisation_id
    ]
    return episode_page(
        request,
        ctx,
        "care_request_send.html",
        episode,
        errors=errors,
        values=values or {"kind": "home_health_care", "answer_within_hours": "24"},
        targets=targets,
        kinds=[k.value for k in CareRequestKind],
        fits={k.value: list(v) for k, v in lifecycle.FITS.items()},
    )


@router.get("/episodes/{episode_id}/care-request", response_class=HTMLResponse)
def send_form(request: Request, ctx: WebContext, episode_id: uuid.UUID) -> HTMLResponse:
    return _send_page(request, ctx, episodes.get(ctx, episode_id))


@router.post("/episodes/{episode_id}/care-request", response_model=None)
def send(request: Request, ctx: WebContext, episode_id: uuid.UUID, form: FormData) -> Response:
    data, errors = parse_form(
        CareRequestCreate,
        {
            "episode_id": str(episode_id),
            "to_organisation_id": blank(form.get("to_organisation_id")),
            "kind": form.get("kind") or "",
            "message": blank(form.get("message")),
            "answer_within_hours": blank(form.get("answer_within_hours")) or 24,
        },
    )
    if data is not None:
        done, errors = attempt(ctx, lambda: carerequests.send(ctx, data))
        if done is not None:
            return back(f"/patients/{done[1]}", "request_sent")
    return _send_page(request, ctx, episodes.get(ctx, episode_id), errors, form)
