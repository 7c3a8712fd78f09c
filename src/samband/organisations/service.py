"""Organisations, units and staff users: the directory every organisation may read, and
the administration of accounts per care provider (vårdgivare).

An administrator manages the users of their own care provider only: the organisations whose
authority (``authority_kind`` + ``authority_name``) is that of the administrator's
organisation. An organisation, unit or user of another care provider is answered with 404,
in the same words as one that does not exist, and the attempt is logged. Every account,
role, skill and password change writes an access-log row (resource type ``user``, the user's
id, a reason naming the changed fields, never the password); the command line's
``samband users add`` writes one too, without an actor (the system).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy.orm import Session

from samband.kit.errors import Conflict, InvalidInput, NotFound, problem
from samband.kit.i18n import msg
from samband.models import Organisation, Unit, User
from samband.organisations import repository
from samband.organisations.repository import CareProvider
from samband.organisations.schemas import (
    OrganisationCreate,
    PasswordReset,
    UserAdminRead,
    UserCreate,
    UserUpdate,
)
from samband.security.context import AccessLog, Context, role_refusal
from samband.security.passwords import hash_password
from samband.security.roles import Permission, Role

USER = "user"  # the access log's resource type of account changes


def list_organisations(ctx: Context) -> list[Organisation]:
    ctx.actor.require(Permission.DIRECTORY_READ)
    return repository.list_all(ctx.session)


def get_organisation(ctx: Context, organisation_id: uuid.UUID) -> Organisation:
    ctx.actor.require(Permission.DIRECTORY_READ)
    organisation = repository.get(ctx.session, organisation_id)
    if organisation is None:
        raise NotFound(problem("organisation.not_found", code=str(organisation_id)))
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
        raise Conflict(problem("organisation.code_taken", field="code", code=data.code))
    organisation = Organisation(**data.model_dump())
    repository.add(session, organisation)
    return organisation


def create_user(session: Session, data: UserCreate) -> User:
    """Create a staff user as the system (the command line's ``samband users add``): unknown
    codes are said with the known ones. Not logged here: see ``system_create_user``."""
    if repository.get_user_by_username(session, data.username):
        raise Conflict(problem("user.username_taken", field="username", username=data.username))
    organisation = repository.get_by_code(session, data.organisation_code)
    if organisation is None:
        codes = [o.code for o in repository.list_all(session)]
        raise InvalidInput(
            problem(
                "organisation.code_unknown",
                field="organisation_code",
                code=data.organisation_code,
                known=codes or msg("organisation.none_yet"),
            )
        )
    unit_id = None
    if data.unit_code:
        unit = repository.get_unit_by_code(session, data.unit_code)
        if unit is None or unit.organisation_id != organisation.id:
            raise InvalidInput(
                problem(
                    "organisation.unit_code_unknown",
                    field="unit_code",
                    organisation=organisation.code,
                    code=data.unit_code,
                )
            )
        unit_id = unit.id
    return _add_user(session, data, organisation, unit_id)


def system_create_user(session: Session, data: UserCreate, *, command: str) -> User:
    """``create_user`` for the command line, and its access-log row without an actor: the
    system did it (``command`` names what ran, e.g. "samband users add")."""
    user = create_user(session, data)
    log = AccessLog()
    log.record(
        patient_id=None,
        action="user_create",
        resource_type=USER,
        resource_id=user.id,
        allowed=True,
        reason=_created_reason(user, data, by=f"the command line ({command})"),
    )
    log.write(session, None, method="CLI", path=command, status_code=None)
    return user


def _add_user(
    session: Session, data: UserCreate, organisation: Organisation, unit_id: uuid.UUID | None
) -> User:
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


# -- administration per care provider ---------------------------------------------------------


def care_provider(session: Session, organisation_id: uuid.UUID) -> CareProvider:
    """The care provider (vårdgivare) an organisation belongs to."""
    provider = repository.care_provider_of(session, organisation_id)
    if provider is None:  # pragma: no cover - a user's organisation always exists
        raise NotFound(problem("organisation.not_found", code=str(organisation_id)))
    return provider


def _admin(ctx: Context, action: str, resource_id: object = None) -> CareProvider:
    """The administrator's care provider; any other role → 403, logged."""
    if not ctx.actor.can(Permission.USER_ADMIN):
        ctx.log.record(
            patient_id=None,
            action=action,
            resource_type=USER,
            resource_id=resource_id,
            allowed=False,
            reason=f"role {ctx.actor.role} lacks {Permission.USER_ADMIN.value}",
        )
        raise role_refusal(ctx.actor.role, Permission.USER_ADMIN)
    return care_provider(ctx.session, ctx.actor.organisation_id)


def _refuse(ctx: Context, action: str, resource_id: object, reason: str, error: NotFound) -> None:
    ctx.log.record(
        patient_id=None,
        action=action,
        resource_type=USER,
        resource_id=resource_id,
        allowed=False,
        reason=reason,
    )
    raise error


def _organisation_not_found(code: str) -> NotFound:
    return NotFound(problem("organisation.not_found", field="organisation_code", code=code))


def _unit_not_found(code: str) -> NotFound:
    return NotFound(problem("organisation.unit_not_found", field="unit_code", code=code))


def _user_not_found(user_id: uuid.UUID) -> NotFound:
    return NotFound(problem("user.not_found", user_id=str(user_id)))


def _belongs(organisation: Organisation, provider: CareProvider) -> bool:
    return (organisation.authority_kind, organisation.authority_name) == (
        provider.authority_kind,
        provider.authority_name,
    )


def own_care_provider(ctx: Context) -> tuple[CareProvider, list[Organisation]]:
    """The caller's care provider and its organisations with their units (e.g. the access
    log's filter by organisation or unit)."""
    ctx.actor.require(Permission.DIRECTORY_READ)
    provider = care_provider(ctx.session, ctx.actor.organisation_id)
    return provider, repository.organisations_of(ctx.session, provider)


def provider_organisations(ctx: Context) -> list[Organisation]:
    """The administrator's care provider's organisations with their units (for the forms)."""
    provider = _admin(ctx, "user_list")
    return repository.organisations_of(ctx.session, provider)


def list_users(ctx: Context, *, organisation_id: uuid.UUID | None = None) -> list[User]:
    """The users of the administrator's care provider (or of one of its organisations)."""
    provider = _admin(ctx, "user_list", organisation_id)
    if organisation_id is not None:
        organisation = repository.get(ctx.session, organisation_id)
        if organisation is None or not _belongs(organisation, provider):
            _refuse(
                ctx,
                "user_list",
                organisation_id,
                "no such organisation" if organisation is None else _other(organisation),
                NotFound(problem("organisation.not_found", code=str(organisation_id))),
            )
    return repository.users_of_provider(ctx.session, provider, organisation_id=organisation_id)


def get_user(ctx: Context, user_id: uuid.UUID) -> User:
    provider = _admin(ctx, "user_read", user_id)
    return _user_of(ctx, provider, user_id, action="user_read", lock=False)


def _user_of(
    ctx: Context, provider: CareProvider, user_id: uuid.UUID, *, action: str, lock: bool
) -> User:
    user = (
        repository.get_user_for_update(ctx.session, user_id)
        if lock
        else repository.get_user(ctx.session, user_id)
    )
    if user is None or not _belongs(user.organisation, provider):
        _refuse(
            ctx,
            action,
            user_id,
            "no such user" if user is None else _other(user.organisation),
            _user_not_found(user_id),
        )
    assert user is not None  # noqa: S101 - _refuse raised otherwise
    return user


def _other(organisation: Organisation) -> str:
    return f"{organisation.code} belongs to another care provider ({organisation.authority_name})"


def admin_create_user(ctx: Context, data: UserCreate) -> User:
    """An administrator creates an account in an organisation of their own care provider."""
    provider = _admin(ctx, "user_create")
    organisation = repository.get_by_code(ctx.session, data.organisation_code)
    if organisation is None or not _belongs(organisation, provider):
        _refuse(
            ctx,
            "user_create",
            data.organisation_code,
            "no such organisation" if organisation is None else _other(organisation),
            _organisation_not_found(data.organisation_code),
        )
    assert organisation is not None  # noqa: S101 - _refuse raised otherwise
    unit_id = None
    if data.unit_code:
        unit_id = _unit_in(ctx, organisation, data.unit_code, "user_create", None).id
    if repository.get_user_by_username(ctx.session, data.username):
        raise Conflict(problem("user.username_taken", field="username", username=data.username))
    user = _add_user(ctx.session, data, organisation, unit_id)
    ctx.log.record(
        patient_id=None,
        action="user_create",
        resource_type=USER,
        resource_id=user.id,
        allowed=True,
        reason=_created_reason(user, data, by=None),
    )
    return user


def _unit_in(
    ctx: Context, organisation: Organisation, code: str, action: str, user_id: uuid.UUID | None
) -> Unit:
    unit = repository.get_unit_by_code(ctx.session, code)
    if unit is None or unit.organisation_id != organisation.id:
        if unit is None:
            reason = "no such unit"
        elif not _belongs(unit.organisation, _provider_of(organisation)):
            reason = f"unit {code}: {_other(unit.organisation)}"
        else:
            reason = f"unit {code} is not a unit of {organisation.code}"
        _refuse(ctx, action, user_id or code, reason, _unit_not_found(code))
    assert unit is not None  # noqa: S101 - _refuse raised otherwise
    return unit


def _provider_of(organisation: Organisation) -> CareProvider:
    return CareProvider(organisation.authority_kind, organisation.authority_name)


def update_user(ctx: Context, user_id: uuid.UUID, data: UserUpdate) -> User:
    """Change a user's name, role, unit, skills, phone or whether the account is active. The
    administrator may neither deactivate their own account nor take away their own role."""
    provider = _admin(ctx, "user_update", user_id)
    user = _user_of(ctx, provider, user_id, action="user_update", lock=True)
    given = data.model_fields_set
    if user.id == ctx.actor.user_id and (
        (data.role is not None and data.role != Role.ADMINISTRATOR) or data.active is False
    ):
        raise Conflict(
            problem("user.own_account", field="active" if data.active is False else "role")
        )
    changes: list[str] = []
    if data.full_name is not None and data.full_name != user.full_name:
        user.full_name = data.full_name
        changes.append("full_name changed")
    if data.role is not None and data.role.value != user.role:
        changes.append(f"role: {user.role} → {data.role.value}")
        user.role = data.role.value
    if "unit_code" in given:
        old = user.unit.code if user.unit else None
        if data.unit_code != old:
            unit = (
                _unit_in(ctx, user.organisation, data.unit_code, "user_update", user.id)
                if data.unit_code
                else None
            )
            user.unit_id = unit.id if unit else None
            user.unit = unit
            changes.append(f"unit: {old or '–'} → {data.unit_code or '–'}")
    if data.skills is not None:
        skills = sorted(set(data.skills))
        if skills != sorted(user.skills):
            changes.append(f"skills: {_list(user.skills)} → {_list(skills)}")
            user.skills = skills
    if "phone" in given and data.phone != user.phone:
        user.phone = data.phone
        changes.append("phone changed")
    if data.active is not None and data.active != user.active:
        changes.append("active: yes → no" if user.active else "active: no → yes")
        user.active = data.active
    if changes:
        ctx.session.flush()
        ctx.log.record(
            patient_id=None,
            action="user_update",
            resource_type=USER,
            resource_id=user.id,
            allowed=True,
            reason=f"{user.username}: " + "; ".join(changes),
        )
    return user


def reset_password(ctx: Context, user_id: uuid.UUID, data: PasswordReset) -> User:
    """Give the user a new password (the administrator tells it to them)."""
    provider = _admin(ctx, "password_reset", user_id)
    user = _user_of(ctx, provider, user_id, action="password_reset", lock=True)
    user.password_hash = hash_password(data.password)
    ctx.session.flush()
    ctx.log.record(
        patient_id=None,
        action="password_reset",
        resource_type=USER,
        resource_id=user.id,
        allowed=True,
        reason=f"{user.username}: password reset by the administrator",
    )
    return user


def _list(values: Iterable[str]) -> str:
    return ", ".join(sorted(values)) or "–"


def _created_reason(user: User, data: UserCreate, *, by: str | None) -> str:
    parts = [
        f"created {user.username}",
        f"role: {user.role}",
        f"organisation: {data.organisation_code}",
        f"unit: {data.unit_code or '–'}",
        f"skills: {_list(user.skills)}",
    ]
    if user.phone:
        parts.append("phone set")
    parts.append("password set")
    reason = "; ".join(parts)
    return f"{reason}; by {by}" if by else reason


def admin_read(user: User) -> UserAdminRead:
    """The administrator's view of a user (organisation and unit loaded)."""
    return UserAdminRead(
        id=user.id,
        username=user.username,
        full_name=user.full_name,
        role=Role(user.role),
        organisation_id=user.organisation_id,
        unit_id=user.unit_id,
        skills=list(user.skills),
        phone=user.phone,
        active=user.active,
        organisation_code=user.organisation.code,
        organisation_name=user.organisation.name,
        unit_code=user.unit.code if user.unit else None,
        unit_name=user.unit.name if user.unit else None,
        created_at=user.created_at,
    )
