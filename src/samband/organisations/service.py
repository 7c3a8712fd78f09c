"""Organisations, units and staff users: the directory every organisation may read."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from samband.kit.errors import Conflict, InvalidInput, NotFound
from samband.models import Organisation, Unit, User
from samband.organisations import repository
from samband.organisations.schemas import OrganisationCreate, UserCreate
from samband.security.context import Context
from samband.security.passwords import hash_password
from samband.security.roles import Permission


def list_organisations(ctx: Context) -> list[Organisation]:
    ctx.actor.require(Permission.DIRECTORY_READ)
    return repository.list_all(ctx.session)


def get_organisation(ctx: Context, organisation_id: uuid.UUID) -> Organisation:
    ctx.actor.require(Permission.DIRECTORY_READ)
    organisation = repository.get(ctx.session, organisation_id)
    if organisation is None:
        raise NotFound(f"organisation {organisation_id} was not found")
    return organisation


def list_staff(ctx: Context, organisation_id: uuid.UUID) -> list[User]:
    get_organisation(ctx, organisation_id)
    return repository.users_of(ctx.session, organisation_id)


def units(ctx: Context, *, kinds: set[str] | None = None) -> list[Unit]:
    """Units with their organisation (e.g. the hospital units that can be responsible)."""
    ctx.actor.require(Permission.DIRECTORY_READ)
    return repository.units_with_organisation(ctx.session, kinds)


def user_names(ctx: Context, user_ids: set[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    """Staff names by user id, for showing who did what."""
    ctx.actor.require(Permission.DIRECTORY_READ)
    ids = {i for i in user_ids if i is not None}
    return {u.id: u.full_name for u in repository.users_by_ids(ctx.session, ids)}


def staff_of(ctx: Context, organisation_ids: set[uuid.UUID]) -> list[User]:
    """The active staff of these organisations, by name."""
    ctx.actor.require(Permission.DIRECTORY_READ)
    return repository.active_users_of(ctx.session, organisation_ids)


def all_organisations(session: Session) -> list[Organisation]:
    """For the command line, which runs as the system, not as a user."""
    return repository.list_all(session)


def create_organisation(session: Session, data: OrganisationCreate) -> Organisation:
    if repository.get_by_code(session, data.code):
        raise Conflict(f"an organisation with the code {data.code} already exists", field="code")
    organisation = Organisation(**data.model_dump())
    repository.add(session, organisation)
    return organisation


def create_user(session: Session, data: UserCreate) -> User:
    """Create a staff user (the command line's `samband users add`, or an administrator)."""
    if repository.get_user_by_username(session, data.username):
        raise Conflict(f"the username {data.username} is taken", field="username")
    organisation = repository.get_by_code(session, data.organisation_code)
    if organisation is None:
        codes = ", ".join(o.code for o in repository.list_all(session)) or "none yet"
        raise InvalidInput(
            f"no organisation has the code {data.organisation_code}; known codes: {codes}",
            field="organisation_code",
        )
    unit_id = None
    if data.unit_code:
        unit = repository.get_unit_by_code(session, data.unit_code)
        if unit is None or unit.organisation_id != organisation.id:
            raise InvalidInput(
                f"{organisation.code} has no unit with the code {data.unit_code}",
                field="unit_code",
            )
        unit_id = unit.id
    user = User(
        username=data.username,
        full_name=data.full_name,
        role=data.role.value,
        organisation_id=organisation.id,
        unit_id=unit_id,
        skills=sorted(set(data.skills)),
        phone=data.phone,
        password_hash=hash_password(data.password),
        active=True,
    )
    repository.add(session, user)
    return user


def admin_create_user(ctx: Context, data: UserCreate) -> User:
    ctx.actor.require(Permission.USER_ADMIN)
    return create_user(ctx.session, data)
