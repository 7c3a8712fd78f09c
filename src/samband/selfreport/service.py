"""A tablet in *patient mode*: the patient reports vital signs without a staff login
(docs/decisions/0008-patient-self-report.md).

A staff member who may send measurements for the patient pairs the tablet with the episode
(``pair``). Pairing gives a random secret, kept by the tablet in a cookie; only its SHA-256
is stored, in ``api_tokens`` like a login, but hashed together with the episode's id and a
purpose of its own. So the secret

- is worth nothing as a bearer token or a session (``security.authenticate_token`` hashes
  the token alone and never finds it);
- belongs to one episode: presented for another episode, it is not found either;
- acts as the staff member who paired it (``authenticate``): what the patient sends is
  stored as ``self_report`` and recorded by that person, and every access is logged under
  their name, as if they had typed it for the patient. The pages of patient mode let it do
  nothing but send a report and show the plan's phone numbers;
- ends when the episode is no longer open, when the staff member's account is deactivated,
  after ``PAIRING_DAYS``, or when staff end patient mode on the tablet (``unpair``).
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from samband.episodes.access import episode_for, record_event
from samband.episodes.states import OPEN_STATES
from samband.kit.errors import Conflict, Unauthenticated, problem
from samband.kit.i18n import msg
from samband.kit.time import utcnow
from samband.models import ApiToken, Episode
from samband.security import repository as security_repository
from samband.security.context import Actor, Context
from samband.security.roles import Permission
from samband.security.service import actor_of

PURPOSE = "samband-self-report"
PAIRING_DAYS = 30  # at most; an episode at home rarely lasts longer
RESOURCE = "self_report"


@dataclass(frozen=True)
class Pairing:
    episode_id: uuid.UUID
    secret: str  # give it to the tablet once; only its hash is kept
    expires_at: datetime


def _digest(episode_id: uuid.UUID, secret: str) -> str:
    return hashlib.sha256(f"{PURPOSE}\n{episode_id}\n{secret}".encode()).hexdigest()


def pair(ctx: Context, episode_id: uuid.UUID) -> Pairing:
    """Pair a tablet with the episode: the caller must be allowed to send the patient's
    measurements, and the episode must be open. Logged, and a line on the timeline."""
    episode = episode_for(
        ctx,
        episode_id,
        permission=Permission.OBSERVATION_WRITE,
        action="create",
        resource_type=RESOURCE,
    )
    if episode.state not in OPEN_STATES:
        raise Conflict(
            problem(
                "selfreport.episode_not_open",
                field="episode_id",
                state=msg(f"state.{episode.state}"),
            )
        )
    now = utcnow()
    secret = secrets.token_urlsafe(32)
    expires = now + timedelta(days=PAIRING_DAYS)
    security_repository.delete_expired_tokens(ctx.session, now)
    security_repository.add_token(
        ctx.session,
        ApiToken(
            token_hash=_digest(episode.id, secret),
            user_id=ctx.actor.user_id,
            created_at=now,
            expires_at=expires,
            kind="self_report",
        ),
    )
    record_event(ctx, episode, "self_report.paired", data={"expires_at": expires.isoformat()})
    ctx.session.flush()
    return Pairing(episode.id, secret, expires)


def authenticate(session: Session, episode_id: uuid.UUID, secret: str) -> Actor:
    """The staff member who paired this tablet with the episode, or Unauthenticated."""
    stored = security_repository.get_token(session, _digest(episode_id, secret))
    if stored is None or stored.expires_at <= utcnow():
        raise Unauthenticated(problem("selfreport.not_paired"))
    user = security_repository.get_user(session, stored.user_id)
    if user is None or not user.active:
        raise Unauthenticated(problem("selfreport.pairing_account_deactivated"))
    return actor_of(user)


def episode(ctx: Context, episode_id: uuid.UUID) -> Episode:
    """The paired episode (access checked and logged), open or not."""
    return episode_for(
        ctx, episode_id, permission=Permission.PATIENT_READ, action="read", resource_type=RESOURCE
    )


def unpair(ctx: Context, episode_id: uuid.UUID, secret: str) -> None:
    """End patient mode on the tablet: its secret stops working at once."""
    found = episode_for(
        ctx,
        episode_id,
        permission=Permission.PATIENT_READ,
        action="delete",
        resource_type=RESOURCE,
    )
    security_repository.delete_token(ctx.session, _digest(found.id, secret))
    record_event(ctx, found, "self_report.ended")
    ctx.session.flush()
