"""Log in, authenticate a token, and decide access to a patient's data (deny by default)."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from samband.config import get_settings
from samband.kit.errors import not_visible, problem
from samband.kit.time import utcnow
from samband.models import ApiToken, Organisation, User
from samband.security import repository
from samband.security.context import Actor, Context, login_refusal, role_refusal
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
        organisation_kind=user.organisation.kind,
        care_provider=care_provider_of(user.organisation),
    )


def care_provider_of(organisation: Organisation) -> str:
    """The care provider (vårdgivare) an organisation belongs to: its authority."""
    return f"{organisation.authority_kind}:{organisation.authority_name}"


def issue_token(session: Session, user: User, *, kind: str = "api") -> IssuedToken:
    """A new random token for the user: ``api`` (a bearer token) or ``session`` (a page
    login, which also ends after SAMBAND_SESSION_IDLE_MINUTES without use)."""
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
            kind=kind,
            last_used_at=now,
        ),
    )
    return IssuedToken(access_token=token, expires_in=minutes * 60)


def revoke_token(session: Session, token: str) -> None:
    """Log out: the token stops working at once."""
    repository.delete_token(session, _digest(token))


TOUCH_EVERY = timedelta(minutes=1)  # how often a session's last use is written, at most
LOGIN_KINDS = ("api", "session")  # a tablet's pairing (self_report) is never a login


def authenticate_token(
    session: Session, token: str, *, idle: bool = False, touch: bool = True
) -> Actor:
    """The user of a token. A page session (kind ``session``, or any token used through the
    session cookie: ``idle``) ends after SAMBAND_SESSION_IDLE_MINUTES without use; its last
    use is written at most once a minute. ``touch=False``: this request is not a use (a
    page refreshing itself in the background)."""
    now = utcnow()
    stored = repository.get_token(session, _digest(token))
    if stored is None or stored.kind not in LOGIN_KINDS or stored.expires_at <= now:
        raise login_refusal(problem("session.unknown_token"))
    if idle or stored.kind == "session":
        last_used = stored.last_used_at or stored.created_at
        minutes = get_settings().session_idle_minutes
        if now - last_used >= timedelta(minutes=minutes):
            raise login_refusal(problem("session.expired", minutes=minutes))
        if touch and now - last_used >= TOUCH_EVERY:
            repository.touch_token(session, stored.token_hash, now)
    user = repository.get_user(session, stored.user_id)
    if user is None or not user.active:
        raise login_refusal(problem("login.deactivated"))
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
    episode_id: uuid.UUID | None = None,
    record: bool = True,
) -> None:
    """Let the caller read or write this patient's data, or raise. Every attempt is logged.

    The role must hold ``permission`` (else 403); the patient must exist and be in a care
    relationship with the caller's organisation, or under the user's emergency access (else
    404, with the same text as for something that does not exist).

    ``episode_id``: the data belongs to this episode's record, so the relationship must reach
    that episode (docs/decisions/0010: another care provider's documentation only through
    taking part with the patient's consent to shared records; a block holds unless emergency
    access overrides it, which is logged for review). ``record``: the data is part of the
    medical record, which municipal home care (social services) never reads.
    """
    actor = ctx.actor
    what = subject or f"{resource_type.replace('_', ' ')} {resource_id or patient_id}"

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
        raise role_refusal(actor.role, permission)
    if record and actor.is_social_services:
        log(False, reason="municipal home care (social services) does not read the medical record")
        raise not_visible(what)
    settings = get_settings()
    now = utcnow()
    if episode_id is not None:
        access = repository.access_to_episode(
            ctx.session,
            episode_id,
            organisation_id=actor.organisation_id,
            care_provider=actor.care_provider,
            user_id=actor.user_id,
            now=now,
            days_after_end=settings.care_relationship_days_after_end,
        )
        if access.related and not access.blocked:
            log(True)
            return
        if access.emergency:
            if access.blocked:
                # A block overridden: always reviewed by the auditor.
                ctx.log.record(
                    patient_id=patient_id,
                    action="block_override",
                    resource_type=resource_type,
                    resource_id=resource_id if resource_id is not None else episode_id,
                    allowed=True,
                    emergency=True,
                    reason="emergency access overrides the patient's block (spärr)",
                )
            log(True, emergency=True)
            return
        log(
            False,
            reason="blocked by the patient (spärr)"
            if access.blocked
            else "no care relationship through this episode",
        )
        raise not_visible(what)
    exists, related, emergency = repository.access_to_patient(
        ctx.session,
        patient_id,
        organisation_id=actor.organisation_id,
        care_provider=actor.care_provider,
        user_id=actor.user_id,
        now=now,
        days_after_end=settings.care_relationship_days_after_end,
    )
    if not (related or emergency):
        log(False, reason="no care relationship" if exists else "no such patient")
        raise not_visible(what)
    log(True, emergency=emergency and not related)


def require_patients_access(
    ctx: Context,
    patient_ids: Sequence[uuid.UUID],
    *,
    action: str,
    resource_type: str,
    now: datetime | None = None,
) -> uuid.UUID | None:
    """The batch form of ``require_patient_access``'s care-relationship check (the role's
    permission is the caller's to check first): every patient is looked up in one query and
    logged once, allowed or not; the first refused patient is returned (None: all allowed),
    for the caller to answer 404 naming it as the request did."""
    actor = ctx.actor
    access = repository.access_to_patients(
        ctx.session,
        patient_ids,
        organisation_id=actor.organisation_id,
        care_provider=actor.care_provider,
        user_id=actor.user_id,
        now=now or utcnow(),
        days_after_end=get_settings().care_relationship_days_after_end,
    )
    refused: uuid.UUID | None = None
    for patient_id in dict.fromkeys(patient_ids):
        related, emergency = access.get(patient_id, (False, False))
        allowed = related or emergency
        ctx.log.record(
            patient_id=patient_id,
            action=action,
            resource_type=resource_type,
            allowed=allowed,
            emergency=emergency and not related,
            reason=None
            if allowed
            else ("no care relationship" if patient_id in access else "no such patient"),
        )
        if not allowed and refused is None:
            refused = patient_id
    return refused


def patient_named(session: Session, ids: dict[str, uuid.UUID]) -> uuid.UUID | None:
    """The patient a refused request named (for its access-log row)."""
    return repository.patient_named(session, ids) if ids else None


def claim_form(factory: sessionmaker[Session], form_id: str) -> bool:
    """A page form was posted: True the first time its one-time id is seen, False for a
    second send (a double-click), in a transaction of its own so that the claim holds
    whatever the request does next (issue 10)."""
    from samband.db import unit_of_work

    with unit_of_work(factory) as session:
        return repository.claim_form(session, form_id, utcnow(), timedelta(days=1))


def visibility(ctx: Context) -> Visibility:
    """What every list query of patient data is filtered by (see visible_patients_clause)."""
    return Visibility(
        organisation_id=ctx.actor.organisation_id,
        user_id=ctx.actor.user_id,
        now=utcnow(),
        days_after_end=get_settings().care_relationship_days_after_end,
        care_provider=ctx.actor.care_provider,
        social_services=ctx.actor.is_social_services,
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
