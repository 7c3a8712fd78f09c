"""The administrator's users page (Användare): the users of the administrator's care provider,
a new user, a user's details (role, unit, skills, phone, active) and a new password.

The same services as the API (``organisations.service``): only the care provider's own
organisations, units and users (anything else is 404 and logged), and every change is
written to the access log with who made it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel

from samband.kit.errors import Forbidden, NotFound, SambandError
from samband.models import Organisation, User
from samband.organisations import service as organisations
from samband.organisations.schemas import PasswordReset, UserCreate, UserUpdate
from samband.security.context import Context
from samband.security.roles import Role
from samband.web.base import FormErrors, WebContext, language, parse_form, render
from samband.web.i18n import keys, translate

router = APIRouter(include_in_schema=False)
T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

NOTICES = {"created", "updated", "password"}
# the skills offered as check boxes: those the pages can name (the catalogue's skill.*)
KNOWN_SKILLS = tuple(key.removeprefix("skill.") for key in keys("skill."))
# pydantic's messages → the form's own, per field
FIELD_MESSAGES = {
    "username": "admin.bad_username",
    "full_name": "admin.bad_name",
    "password": "admin.bad_password",
    "phone": "admin.bad_phone",
    "skills": "admin.bad_skills",
    "role": "admin.bad_role",
    "organisation_code": "admin.bad_organisation",
}


async def read_form_lists(request: Request) -> dict[str, list[str]]:
    """The submitted form with every value of a repeated name (the skill check boxes)."""
    form = await request.form()
    values: dict[str, list[str]] = {}
    for key, value in form.multi_items():
        if isinstance(value, str):
            values.setdefault(key, []).append(value)
    return values


FormLists = Annotated[dict[str, list[str]], Depends(read_form_lists)]


def _one(form: dict[str, list[str]], name: str) -> str:
    values = form.get(name) or [""]
    return values[-1].strip()


def _skills(form: dict[str, list[str]]) -> list[str]:
    chosen = [s.strip() for s in form.get("skill", []) if s.strip()]
    other = [s.strip() for s in _one(form, "other_skills").split(",") if s.strip()]
    return list(dict.fromkeys([*chosen, *other]))


def _parse(model: type[M], data: dict[str, Any], lang: str) -> tuple[M | None, FormErrors]:
    parsed, errors = parse_form(model, data)
    for name in list(errors.fields):
        key = FIELD_MESSAGES.get(name.split(".")[0])
        if key:
            errors.fields[name.split(".")[0]] = translate(key, lang)
    return parsed, errors


def _run(ctx: Context, action: Callable[[], T], lang: str) -> tuple[T | None, FormErrors, int]:
    """The service call in a savepoint: refused, it writes nothing but its access-log rows;
    the refusal comes back as the form's errors with its status (404 for another care
    provider's organisation or unit, said like an unknown one)."""
    try:
        with ctx.session.begin_nested():
            return action(), FormErrors(), 200
    except SambandError as exc:
        if isinstance(exc, Forbidden) or (isinstance(exc, NotFound) and exc.field is None):
            raise  # not an administrator, or not a user of theirs: the 403 / 404 page
        return None, FormErrors({exc.field or "": exc.text(lang)}), exc.status_code


def _notice(request: Request) -> str | None:
    notice = request.query_params.get("notice")
    return f"admin.notice.{notice}" if notice in NOTICES else None


def _frame(
    request: Request, ctx: Context, template: str, status_code: int, **data: Any
) -> HTMLResponse:
    provider = organisations.care_provider(ctx.session, ctx.actor.organisation_id)
    return render(
        request,
        template,
        ctx,
        status_code=status_code,
        care_provider=provider.authority_name,
        roles=[r.value for r in Role],
        known_skills=KNOWN_SKILLS,
        notice=_notice(request),
        **data,
    )


# -- the list ---------------------------------------------------------------------------------


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, ctx: WebContext, organisation: str = "") -> HTMLResponse:
    """The care provider's users, optionally of one of its organisations."""
    orgs = organisations.provider_organisations(ctx)
    chosen = next((o for o in orgs if o.code == organisation), None)
    users = organisations.list_users(ctx, organisation_id=chosen.id if chosen else None)
    return _frame(
        request,
        ctx,
        "admin_users.html",
        200,
        organisations=orgs,
        chosen=chosen.code if chosen else "",
        users=users,
    )


# -- a new user -------------------------------------------------------------------------------


def _new_page(
    request: Request,
    ctx: Context,
    orgs: list[Organisation],
    *,
    values: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return _frame(
        request,
        ctx,
        "admin_user_new.html",
        status_code,
        organisations=orgs,
        values=values or {"role": Role.REGISTERED_NURSE.value, "skills": []},
        errors=errors or FormErrors(),
    )


@router.get("/admin/users/new", response_class=HTMLResponse)
def new_user_form(request: Request, ctx: WebContext) -> HTMLResponse:
    return _new_page(request, ctx, organisations.provider_organisations(ctx))


@router.post("/admin/users/new", response_model=None)
def create_user(request: Request, ctx: WebContext, form: FormLists) -> Response:
    lang = language(request)
    orgs = organisations.provider_organisations(ctx)
    values = {
        "username": _one(form, "username"),
        "full_name": _one(form, "full_name"),
        "role": _one(form, "role"),
        "organisation_code": _one(form, "organisation_code"),
        "unit_code": _one(form, "unit_code") or None,
        "skills": _skills(form),
        "phone": _one(form, "phone") or None,
        "password": (form.get("password") or [""])[-1],
    }
    data, errors = _parse(UserCreate, values, lang)
    status_code = 422
    if data is not None:
        created, errors, status_code = _run(
            ctx, lambda: organisations.admin_create_user(ctx, data), lang
        )
        if created is not None:
            return RedirectResponse(f"/admin/users/{created.id}?notice=created", status_code=303)
    values["password"] = ""  # never shown again
    return _new_page(request, ctx, orgs, values=values, errors=errors, status_code=status_code)


# -- one user ---------------------------------------------------------------------------------


def _user_page(
    request: Request,
    ctx: Context,
    user: User,
    *,
    values: dict[str, Any] | None = None,
    errors: FormErrors | None = None,
    password_errors: FormErrors | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return _frame(
        request,
        ctx,
        "admin_user.html",
        status_code,
        user=user,
        units=user.organisation.units,
        values=values
        or {
            "full_name": user.full_name,
            "role": user.role,
            "unit_code": user.unit.code if user.unit else "",
            "skills": list(user.skills),
            "phone": user.phone or "",
            "active": user.active,
        },
        errors=errors or FormErrors(),
        password_errors=password_errors or FormErrors(),
        is_self=user.id == ctx.actor.user_id,
    )


@router.get("/admin/users/{user_id}", response_class=HTMLResponse)
def user_page(request: Request, ctx: WebContext, user_id: uuid.UUID) -> HTMLResponse:
    return _user_page(request, ctx, organisations.get_user(ctx, user_id))


@router.post("/admin/users/{user_id}", response_model=None)
def update_user(request: Request, ctx: WebContext, user_id: uuid.UUID, form: FormLists) -> Response:
    lang = language(request)
    values = {
        "full_name": _one(form, "full_name"),
        "role": _one(form, "role"),
        "unit_code": _one(form, "unit_code") or None,
        "skills": _skills(form),
        "phone": _one(form, "phone") or None,
        "active": _one(form, "active") == "on",
    }
    data, errors = _parse(UserUpdate, values, lang)
    status_code = 422
    if data is not None:
        updated, errors, status_code = _run(
            ctx, lambda: organisations.update_user(ctx, user_id, data), lang
        )
        if updated is not None:
            return RedirectResponse(f"/admin/users/{user_id}?notice=updated", status_code=303)
    user = organisations.get_user(ctx, user_id)  # as it is: a refused change was undone
    shown = {**values, "unit_code": values["unit_code"] or "", "phone": values["phone"] or ""}
    return _user_page(request, ctx, user, values=shown, errors=errors, status_code=status_code)


@router.post("/admin/users/{user_id}/password", response_model=None)
def reset_password(
    request: Request, ctx: WebContext, user_id: uuid.UUID, form: FormLists
) -> Response:
    lang = language(request)
    data, errors = _parse(PasswordReset, {"password": (form.get("password") or [""])[-1]}, lang)
    status_code = 422
    if data is not None:
        done, errors, status_code = _run(
            ctx, lambda: organisations.reset_password(ctx, user_id, data), lang
        )
        if done is not None:
            return RedirectResponse(f"/admin/users/{user_id}?notice=password", status_code=303)
    user = organisations.get_user(ctx, user_id)
    return _user_page(request, ctx, user, password_errors=errors, status_code=status_code)
