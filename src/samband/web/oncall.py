"""Jour och beredskap: who is on call now for a unit (or the organisation), the gaps of the
next week, the roster's entries, and, for coordinators and administrators of the
organisation, a form to add an entry and a button to remove one (decision 0014).

The same service as the API (``oncall.service``): any unit's roster may be read by the staff
roles; only one's own organisation's may be written (another's is 404).
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from samband.oncall import rules
from samband.oncall import service as oncall
from samband.oncall.schemas import EntryCreate
from samband.security.context import Context
from samband.security.roles import Permission
from samband.web.base import FormErrors, WebContext, attempt, language, parse_form, render
from samband.web.flow import FormData, blank
from samband.web.i18n import translate

router = APIRouter(include_in_schema=False)

ORG = "org"  # the scope value of the organisation's own roster
NOTICES = {"added": "oncall.notice.added", "removed": "oncall.notice.removed"}
FIELDS = ("scope", "role", "slot", "starts_on", "ends_on", "who", "name", "phone", "email")


def _scope(ctx: Context, scope: str | None) -> uuid.UUID | None:
    """The unit a scope names (None: the organisation's roster); default the caller's unit."""
    if scope is None or scope == "":
        return ctx.actor.unit_id
    if scope == ORG:
        return None
    try:
        return uuid.UUID(scope)
    except ValueError:
        return ctx.actor.unit_id


def _page(
    request: Request,
    ctx: Context,
    unit_id: uuid.UUID | None,
    *,
    errors: FormErrors | None = None,
    values: dict[str, Any] | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    lang = language(request)
    scopes = oncall.page_scopes(ctx)
    organisation_id = None if unit_id else ctx.actor.organisation_id
    now = oncall.on_call(ctx, unit_id=unit_id, organisation_id=organisation_id)
    entries = oncall.roster(ctx, unit_id=unit_id, organisation_id=organisation_id)
    gaps = oncall.find_gaps(ctx, unit_id=unit_id, organisation_id=organisation_id)
    org_name, unit_name = oncall.scope_names(
        ctx, unit_id=now.unit_id, organisation_id=now.organisation_id
    )
    own = now.organisation_id == ctx.actor.organisation_id
    scope_value = str(unit_id) if unit_id else ORG
    return render(
        request,
        "on_call.html",
        ctx,
        status_code=status_code,
        now=now,
        entries=entries,
        gaps=gaps,
        scopes=scopes,
        scope=scope_value,
        org_name=org_name,
        unit_name=unit_name,
        can_manage=own and ctx.actor.can(Permission.ONCALL_MANAGE),
        roles=rules.ROLES,
        slots=rules.SLOTS,
        role_text=lambda r: rules.role_text(r, lang),
        slot_text=lambda s: rules.slot_text(s, lang),
        errors=errors or FormErrors(),
        values=values or {"scope": scope_value},
        notice=notice,
    )


@router.get("/on-call", response_class=HTMLResponse)
def on_call_page(request: Request, ctx: WebContext, scope: str | None = None) -> HTMLResponse:
    notice = NOTICES.get(request.query_params.get("notice", ""))
    return _page(request, ctx, _scope(ctx, scope), notice=notice)


def _scope_param(value: str | None) -> str:
    """The scope for a link back: ``org`` or a unit's id, nothing else."""
    try:
        return str(uuid.UUID(value or ""))
    except ValueError:
        return ORG


def _entry_data(form: dict[str, str]) -> dict[str, Any]:
    scope = blank(form.get("scope"))
    who = blank(form.get("who"))
    data: dict[str, Any] = {
        "role": blank(form.get("role")),
        "slot": blank(form.get("slot")),
        "starts_on": blank(form.get("starts_on")),
        "ends_on": blank(form.get("ends_on")),
        "name": blank(form.get("name")),
        "phone": blank(form.get("phone")),
        "email": blank(form.get("email")),
        "unit_id": scope if scope and scope != ORG else None,
        "user_id": who,
    }
    return data


def _form_name(field: str) -> str:
    name = field.split(".")[-1]
    return {"user_id": "who", "unit_id": "scope", "organisation_id": "scope"}.get(name, name)


@router.post("/on-call/entries", response_model=None)
def add_entry(request: Request, ctx: WebContext, form: FormData) -> Response:
    ctx.actor.require(Permission.ONCALL_MANAGE)
    lang = language(request)
    values = {k: form.get(k, "") for k in FIELDS}
    unit_id = _scope(ctx, values["scope"] or ORG)
    parsed, errors = parse_form(EntryCreate, _entry_data(form))
    if parsed is not None:
        # another organisation's unit is "not found" (the 404 page), as in the API
        _made, errors = attempt(ctx, lambda: oncall.create_entry(ctx, parsed), raise_not_found=True)
    if errors:
        renamed = FormErrors(
            {_form_name(k): v for k, v in errors.fields.items()}, reasons=errors.reasons
        )
        renamed.fields.setdefault("", translate("oncall.form_invalid", lang))
        return _page(request, ctx, unit_id, errors=renamed, values=values, status_code=422)
    return RedirectResponse(f"/on-call?scope={_scope_param(values['scope'])}&notice=added", 303)


@router.post("/on-call/entries/{entry_id}/delete", response_model=None)
def remove_entry(
    request: Request, ctx: WebContext, entry_id: uuid.UUID, form: FormData
) -> Response:
    ctx.actor.require(Permission.ONCALL_MANAGE)
    oncall.delete_entry(ctx, entry_id)
    scope = _scope_param(form.get("scope"))
    return RedirectResponse(f"/on-call?scope={scope}&notice=removed", 303)
