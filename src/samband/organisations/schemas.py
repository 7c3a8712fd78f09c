from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from samband.kit.schemas import Phone, ReadModel, ShortText
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


# A skill a visit may need, e.g. iv_therapy, picc_care, sampling.
Skill = Annotated[
    str, StringConstraints(strip_whitespace=True, to_lower=True, pattern=r"^[a-z0-9_-]{1,60}$")
]
Password = Annotated[str, Field(min_length=8, max_length=200)]


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]{1,79}$")
    full_name: ShortText
    role: Role
    organisation_code: str = Field(max_length=32)
    unit_code: str | None = Field(default=None, max_length=32)
    skills: list[Skill] = Field(default_factory=list, max_length=20)
    phone: Phone | None = None
    password: Password


class UserUpdate(BaseModel):
    """What an administrator changes on an account; a field left out stays as it is.
    ``unit_code: null`` takes the user out of their unit. The organisation does not change
    (make a new account in the other organisation)."""

    model_config = ConfigDict(extra="forbid")

    full_name: ShortText | None = None
    role: Role | None = None
    unit_code: str | None = Field(default=None, max_length=32)
    skills: list[Skill] | None = Field(default=None, max_length=20)
    phone: Phone | None = None
    active: bool | None = None


class PasswordReset(BaseModel):
    """A new password the administrator gives the user (at least 8 characters)."""

    model_config = ConfigDict(extra="forbid")

    password: Password


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


class UserAdminRead(UserRead):
    """A user as the administrator sees them: with the organisation and unit by code and name."""

    organisation_code: str
    organisation_name: str
    unit_code: str | None
    unit_name: str | None
    created_at: datetime


class CareProviderUnits(BaseModel):
    """An organisation of the administrator's care provider and its units."""

    organisation_id: uuid.UUID
    organisation_code: str
    organisation_name: str
    units: list[UnitRead]
