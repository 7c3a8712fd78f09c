"""Log in, authenticate a token, and decide access to a patient's data (deny by default)."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from samband.config import get_settings
from samband.kit.errors import Forbidden, NotFound, Unauthenticated
from samband.kit.time import utcnow
from samband.models import ApiToken, User
from samband.security import repository
from samband.security.context import Actor, Context
from samband.security.passwords import verify_password
from samband.security.repository import Visibility
from samband.security.roles import Permission


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def actor_of(user: User) -> Actor:
    return Actor(
        user_id=user.id,
        username=user.username,
        full_name=user.full_name,
        role=user.role,
        organisation_id=user.organisation_id,
        organisation_code=user.organisation.code,
        unit_id=user.unit_id,
        unit_code=user.unit.code if user.unit else None,
    )


def authenticate_password(session: Session, username: str, password: str) -> User:
    user = repository.get_user_by_username(session, username)
    if not verify_password(user.password_hash if user else None, password):
        raise Unauthenticated("wrong username or password")
    assert user is not None  # noqa: S101 - verify_password is False without a user
    if not user.active:
        raise Unauthenticated("this account is deactivated; ask your administrator")
    return user


def issue_token(session: Session, user: User) -> IssuedToken:
    now = utcnow()
    minutes = get_settings().token_minutes
    token = secrets.token_urlsafe(32)
    repository.delete_expired_tokens(session, now)
    repository.add_token(
        session,
        ApiToken(
            token_hash=_digest(token),
            user_id=user.id,
            created_at=now,
            expires_at=now + timedelta(minutes=minutes),
        ),
    )
    return IssuedToken(access_token=token, expires_in=minutes * 60)


def revoke_token(session: Session, token: str) -> None:
    """Log out: the token stops working at once."""
    repository.delete_token(session, _digest(token))


def authenticate_token(session: Session, token: str) -> Actor:
    stored = repository.get_token(session, _digest(token))
    if stored is None or stored.expires_at <= utcnow():
        raise Unauthenticated("the token is unknown or has expired; log in again")
    user = repository.get_user(session, stored.user_id)
    if user is None or not user.active:
        raise Unauthenticated("this account is deactivated; ask your administrator")
    return actor_of(user)


def require_patient_access(
    ctx: Context,
    patient_id: uuid.UUID,
    *,
    permission: Permission,
    action: str,
    resource_type: str,
    resource_id: object = None,
    subject: str | None = None,
) -> None:
    """Let the caller read or write this patient's data, or raise. Every attempt is logged.

    The role must hold ``permission`` (else 403); the patient must exist and be in a care
    relationship with the caller's organisation, or under the user's emergency access (else
    404, which does not tell whether the patient exists).
    """
    actor = ctx.actor

    def log(allowed: bool, *, emergency: bool = False, reason: str | None = None) -> None:
        ctx.log.record(
            patient_id=patient_id,
            action=action,
            resource_type=resource_type,
            resource_id=resource_id if resource_id is not None else patient_id,
            allowed=allowed,
            emergency=emergency,
            reason=reason,
        )

    if not actor.can(permission):
        log(False, reason=f"role {actor.role} lacks {permission.value}")
        raise Forbidden(f"a user with the role '{actor.role}' may not do this ({permission.value})")
    exists, related, emergency = repository.access_to_patient(
        ctx.session,
        patient_id,
        organisation_id=actor.organisation_id,
        user_id=actor.user_id,
        now=utcnow(),
        days_after_end=get_settings().care_relationship_days_after_end,
    )
    if not (related or emergency):
        log(False, reason="no care relationship" if exists else "no such patient")
        what = subject or f"{resource_type.replace('_', ' ')} {resource_id or patient_id}"
        raise NotFound(
            f"{what} was not found, or "
            "your organisation has no care relationship with the patient "
            "(emergency access needs a written reason)"
        )
    log(True, emergency=emergency and not related)


def visibility(ctx: Context) -> Visibility:
    """What every list query of patient data is filtered by (see visible_patients_clause)."""
    return Visibility(
        organisation_id=ctx.actor.organisation_id,
        user_id=ctx.actor.user_id,
        now=utcnow(),
        days_after_end=get_settings().care_relationship_days_after_end,
    )


def log_listed(ctx: Context, patient_ids: list[uuid.UUID], *, resource_type: str) -> None:
    """Log that the caller saw these patients in a list or search result."""
    for patient_id in dict.fromkeys(patient_ids):
        ctx.log.record(
            patient_id=patient_id,
            action="list",
            resource_type=resource_type,
            resource_id=None,
            allowed=True,
        )
