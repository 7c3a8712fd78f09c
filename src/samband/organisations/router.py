"""HTTP for the directory: organisations, their units and staff."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, status

from samband.deps import ContextDep
from samband.organisations import service
from samband.organisations.schemas import (
    OrganisationRead,
    PasswordReset,
    UserAdminRead,
    UserCreate,
    UserRead,
    UserUpdate,
)

router = APIRouter(prefix="/api/v1", tags=["organisations"])


@router.get("/organisations", response_model=list[OrganisationRead])
def list_organisations(ctx: ContextDep) -> list[OrganisationRead]:
    return [OrganisationRead.model_validate(o) for o in service.list_organisations(ctx)]


@router.get("/organisations/{organisation_id}", response_model=OrganisationRead)
def get_organisation(ctx: ContextDep, organisation_id: uuid.UUID) -> OrganisationRead:
    return OrganisationRead.model_validate(service.get_organisation(ctx, organisation_id))


@router.get("/organisations/{organisation_id}/staff", response_model=list[UserRead])
def list_staff(ctx: ContextDep, organisation_id: uuid.UUID) -> list[UserRead]:
    return [UserRead.model_validate(u) for u in service.list_staff(ctx, organisation_id)]


@router.get("/users", response_model=list[UserAdminRead])
def list_users(ctx: ContextDep, organisation_id: uuid.UUID | None = None) -> list[UserAdminRead]:
    """The users of the administrator's care provider (its organisations), or of one of its
    organisations (administrators only; another care provider's organisation → 404)."""
    return [service.admin_read(u) for u in service.list_users(ctx, organisation_id=organisation_id)]


@router.post("/users", response_model=UserAdminRead, status_code=status.HTTP_201_CREATED)
def create_user(ctx: ContextDep, data: UserCreate) -> UserAdminRead:
    """Administrators create staff accounts in the organisations of their own care provider
    (another care provider's organisation or unit → 404). Logged as ``user_create``."""
    return service.admin_read(service.admin_create_user(ctx, data))


@router.get("/users/{user_id}", response_model=UserAdminRead)
def get_user(ctx: ContextDep, user_id: uuid.UUID) -> UserAdminRead:
    """One user of the administrator's care provider."""
    return service.admin_read(service.get_user(ctx, user_id))


@router.patch("/users/{user_id}", response_model=UserAdminRead)
def update_user(ctx: ContextDep, user_id: uuid.UUID, data: UserUpdate) -> UserAdminRead:
    """Change a user's name, role, unit, skills, phone or active; logged as ``user_update``
    with the changed fields."""
    return service.admin_read(service.update_user(ctx, user_id, data))


@router.post("/users/{user_id}/password", response_model=UserAdminRead)
def reset_password(ctx: ContextDep, user_id: uuid.UUID, data: PasswordReset) -> UserAdminRead:
    """Give the user a new password; logged as ``password_reset`` (never the password)."""
    return service.admin_read(service.reset_password(ctx, user_id, data))
