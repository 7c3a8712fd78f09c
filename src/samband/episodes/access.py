"""Loading an episode for a caller: the one way other domains reach an episode's data.

Every domain that hangs off an episode (care plans, care requests, medications, checklist)
calls ``episode_for`` first: it answers 404 for an unknown episode, and checks and logs the
caller's access to the episode's patient.
"""

from __future__ import annotations

import uuid
from typing import Any

from samband.episodes import repository
from samband.episodes.states import OPEN_STATES
from samband.kit.errors import Conflict, NotFound
from samband.kit.time import utcnow
from samband.models import Episode, EpisodeEvent
from samband.security.context import Context
from samband.security.roles import Permission
from samband.security.service import require_patient_access


def episode_for(
    ctx: Context,
    episode_id: uuid.UUID,
    *,
    permission: Permission,
    action: str,
    resource_type: str = "episode",
    resource_id: object = None,
    lock: bool = False,
) -> Episode:
    episode = (
        repository.get_for_update(ctx.session, episode_id)
        if lock
        else repository.get(ctx.session, episode_id)
    )
    if episode is None:
        raise not_found(
            ctx,
            "episode",
            episode_id,
            action=action,
            resource_type=resource_type,
            resource_id=resource_id,
        )
    require_patient_access(
        ctx,
        episode.patient_id,
        permission=permission,
        action=action,
        resource_type=resource_type,
        resource_id=resource_id or episode.id,
        subject="the episode",
    )
    return episode


def not_found(
    ctx: Context,
    what: str,
    thing_id: uuid.UUID,
    *,
    action: str,
    resource_type: str | None = None,
    resource_id: object = None,
) -> NotFound:
    """Log the attempt on something that does not exist (no patient known) and return the
    404 to raise: an attempt is logged whether or not its target exists."""
    ctx.log.record(
        patient_id=None,
        action=action,
        resource_type=resource_type or what.replace(" ", "_"),
        resource_id=resource_id or thing_id,
        allowed=False,
        reason=f"no such {what}",
    )
    return NotFound(f"{what} {thing_id} was not found")


def require_open(episode: Episode, doing: str) -> None:
    if episode.state not in OPEN_STATES:
        raise Conflict(f"the episode is {episode.state}: you cannot {doing} any more")


def record_event(
    ctx: Context,
    episode: Episode,
    kind: str,
    *,
    reason: str | None = None,
    data: dict[str, Any] | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
) -> EpisodeEvent:
    """Add a line to the episode's timeline, and mark the episode changed."""
    now = utcnow()
    event = EpisodeEvent(
        episode_id=episode.id,
        at=now,
        kind=kind,
        from_state=from_state,
        to_state=to_state,
        by_user_id=ctx.actor.user_id,
        by_organisation_id=ctx.actor.organisation_id,
        reason=reason,
        data=data or {},
    )
    repository.add(ctx.session, event)
    episode.version += 1
    episode.updated_at = now
    episode.updated_by_id = ctx.actor.user_id
    return event
