"""The daily round's pages: choose unit and day, then the round list with a structured note
per patient. The same services (and access rules, and access log) as /api/v1/rounds."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict
from starlette.datastructures import FormData

from samband.kit.text import is_ascii_digits
from samband.kit.time import local_today
from samband.labresults import loinc
from samband.rounds import service
from samband.rounds.schemas import (
    Decision,
    ParticipantRole,
    PresentBy,
    RoundNoteCreate,
    RoundUpdate,
)
from samband.security.context import Context
from samband.web.base import FormErrors, WebContext, attempt, parse_form, render

router = APIRouter(include_in_schema=False)

# The participant rows of an empty note form: who usually takes part in a round.
DEFAULT_ROLES = [
    ParticipantRole.PHYSICIAN,
    ParticipantRole.WARD_NURSE,
    ParticipantRole.HOME_HEALTH_NURSE,
    ParticipantRole.PATIENT,
    ParticipantRole.NEXT_OF_KIN,
    ParticipantRole.OTHER,
]


class OpenRoundForm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unit_id: uuid.UUID
    day: date


@router.get("/rounds", response_class=HTMLResponse)
def choose_round(request: Request, ctx: WebContext) -> HTMLResponse:
    return _choose(request, ctx, {"day": local_today().isoformat()}, FormErrors())


async def read_form_data(request: Request) -> FormData:
    """The submitted form, read before the handler (which is a plain ``def``: its database
    work runs in the thread pool, not on the event loop; issue 11)."""
    return await request.form()


Form = Annotated[FormData, Depends(read_form_data)]


@router.post("/rounds", response_model=None)
def open_round(request: Request, ctx: WebContext, form: Form) -> Response:
    values = {"unit_id": str(form.get("unit_id") or ""), "day": str(form.get("day") or "")}
    data, errors = parse_form(OpenRoundForm, {k: v or None for k, v in values.items()})
    if data is not None:
        opened, errors = attempt(
            ctx, lambda: service.open_round(ctx, data.unit_id, data.day), raise_not_found=True
        )
        if opened is not None:
            return RedirectResponse(f"/rounds/{opened.id}", status_code=303)
    return _choose(request, ctx, values, errors, status_code=422)


@router.get("/rounds/{round_id}", response_class=HTMLResponse)
def round_page(request: Request, ctx: WebContext, round_id: uuid.UUID) -> HTMLResponse:
    saved = request.query_params.get("saved")
    return _round_page(request, ctx, round_id, saved=saved)


@router.post("/rounds/{round_id}/video", response_model=None)
def set_video(request: Request, ctx: WebContext, round_id: uuid.UUID, form: Form) -> Response:
    url = str(form.get("video_url") or "").strip()
    data, errors = parse_form(RoundUpdate, {"video_url": url or None})
    if data is not None:
        updated, errors = attempt(ctx, lambda: service.update_round(ctx, round_id, data))
        if updated is not None:
            return RedirectResponse(f"/rounds/{round_id}", status_code=303)
    return _round_page(
        request, ctx, round_id, video_errors=errors, video_value=url, status_code=422
    )


@router.post("/rounds/{round_id}/notes/{episode_id}", response_model=None)
def add_note(
    request: Request, ctx: WebContext, round_id: uuid.UUID, episode_id: uuid.UUID, form: Form
) -> Response:
    values, data, rows = _note_values(form, episode_id)
    note, errors = parse_form(RoundNoteCreate, data)
    status_code = 422
    if note is not None:
        saved, errors = attempt(ctx, lambda: service.add_note(ctx, round_id, note))
        if saved is not None:
            return RedirectResponse(
                f"/rounds/{round_id}?saved={episode_id}#p-{episode_id}", status_code=303
            )
        status_code = 409
    return _round_page(
        request,
        ctx,
        round_id,
        note_errors={str(episode_id): _row_errors(errors, rows)},
        note_values={str(episode_id): values},
        status_code=status_code,
    )


# -- helpers -----------------------------------------------------------------------------------


def _choose(
    request: Request,
    ctx: Context,
    values: dict[str, str],
    errors: FormErrors,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "round_choose.html",
        ctx,
        status_code=status_code,
        units=service.units_for_rounds(ctx),
        values=values,
        errors=errors,
    )


def _round_page(
    request: Request,
    ctx: Context,
    round_id: uuid.UUID,
    *,
    saved: str | None = None,
    video_errors: FormErrors | None = None,
    video_value: str | None = None,
    note_errors: dict[str, FormErrors] | None = None,
    note_values: dict[str, dict[str, Any]] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    view = service.get_round_list(ctx, round_id)
    return render(
        request,
        "round.html",
        ctx,
        status_code=status_code,
        view=view,
        wards=service.ward_units(ctx),
        saved=saved,
        video_errors=video_errors or FormErrors(),
        video_value=video_value if video_value is not None else (view.round.video_url or ""),
        note_errors=note_errors or {},
        note_values=note_values or {},
        default_roles=[r.value for r in DEFAULT_ROLES],
        roles=[r.value for r in ParticipantRole],
        present_by=[p.value for p in PresentBy],
        decisions=[d.value for d in Decision],
        # issue 14: the results' units as shown, in the table's order (labresults/loinc.py)
        lab_tests={key: test.unit_text for key, test in loinc.TESTS.items()},
    )


def _note_values(
    form: Any, episode_id: uuid.UUID
) -> tuple[dict[str, Any], dict[str, Any], list[int]]:
    """(what the form showed, to show it again; the data for RoundNoteCreate; for each
    participant sent, the form row it came from)."""
    shown_rows = []
    participants = []
    rows: list[int] = []
    for index in range(len(DEFAULT_ROLES)):
        role = str(form.get(f"participants-{index}-role") or "")
        name = str(form.get(f"participants-{index}-name") or "").strip()
        present_by = str(form.get(f"participants-{index}-present_by") or "")
        shown_rows.append({"role": role, "name": name, "present_by": present_by})
        if not name and not present_by:
            continue  # an empty row: that person did not take part
        participants.append({"role": role, "name": name or None, "present_by": present_by or None})
        rows.append(index)
    decision = str(form.get("decision") or "")
    ward = str(form.get("ward_unit_id") or "")
    shown: dict[str, Any] = {
        "situation": str(form.get("situation") or ""),
        "assessment": str(form.get("assessment") or ""),
        "decision": decision,
        "decision_note": str(form.get("decision_note") or ""),
        "criteria_met": [str(c) for c in form.getlist("criteria_met")],
        "participants": shown_rows,
        "ward_unit_id": ward,
        "use_reserved_bed": form.get("use_reserved_bed") is not None,
    }
    data = {
        "episode_id": str(episode_id),
        "situation": shown["situation"],
        "assessment": shown["assessment"],
        "decision": decision or None,
        "decision_note": shown["decision_note"].strip() or None,
        "participants": participants,
        "criteria_met": shown["criteria_met"],
        "ward_unit_id": (ward or None) if decision == Decision.READMIT else None,
        "use_reserved_bed": shown["use_reserved_bed"],
    }
    return shown, data, rows


def _row_errors(errors: FormErrors, rows: list[int]) -> FormErrors:
    """Name participant errors by the form row ('participants-2-name'), so each is shown next
    to its field; a refusal about the episode is shown for the form as a whole."""
    named = FormErrors()
    for name, message in errors.fields.items():
        parts = name.split(".")
        if parts[0] == "participants" and len(parts) >= 3 and is_ascii_digits(parts[1]):
            position = int(parts[1])
            row = rows[position] if position < len(rows) else position
            name = f"participants-{row}-{parts[2]}"
        elif name == "episode_id":
            name = ""
        named.fields.setdefault(name, message)
    return named
