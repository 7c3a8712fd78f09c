"""HTTP for the directory: organisations, their units and staff."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, status

from samband.deps import ContextDep
from samband.organisations import service
from samband.organisations.schemas import OrganisationRead, UserCreate, UserRead

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


@router.post("/users", response_model=UserRead, status_code=status.HTTP_201_CREATED)
def create_user(ctx: ContextDep, data: UserCreate) -> UserRead:
    """Administrators create staff accounts in any organisation."""
    return UserRead.model_validate(service.admin_create_user(ctx, data))
