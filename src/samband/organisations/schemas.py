from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field

from samband.kit.schemas import ReadModel, ShortText
from samband.security.roles import AuthorityKind, OrganisationKind, Role


class UnitRead(ReadModel):
    id: uuid.UUID
    code: str
    name: str
    phone: str | None


class OrganisationRead(ReadModel):
    id: uuid.UUID
    code: str
    name: str
    kind: OrganisationKind
    authority_kind: AuthorityKind
    authority_name: str
    phone: str | None
    units: list[UnitRead]


class OrganisationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=r"^[A-Z0-9][A-Z0-9-]{1,31}$")
    name: ShortText
    kind: OrganisationKind
    authority_kind: AuthorityKind
    authority_name: ShortText
    phone: str | None = None


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]{1,79}$")
    full_name: ShortText
    role: Role
    organisation_code: str
    unit_code: str | None = None
    skills: list[str] = Field(default_factory=list)
    phone: str | None = None
    password: str = Field(min_length=8, max_length=200)


class UserRead(ReadModel):
    id: uuid.UUID
    username: str
    full_name: str
    role: Role
    organisation_id: uuid.UUID
    unit_id: uuid.UUID | None
    skills: list[str]
    phone: str | None
    active: bool
