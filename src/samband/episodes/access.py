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
from samband.kit.errors import Conflict, Forbidden, NotFound, not_visible
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
    record: bool = True,
) -> Episode:
    episode = (
        repository.get_for_update(ctx.session, episode_id)
        if lock
        else repository.get(ctx.session, episode_id)
    )
    if episode is None:
        log_missing(
            ctx,
            "episode",
            episode_id,
            action=action,
            resource_type=resource_type,
            resource_id=resource_id,
        )
        raise not_visible(_subject(resource_type, resource_id, episode_id))
    require_patient_access(
        ctx,
        episode.patient_id,
        permission=permission,
        action=action,
        resource_type=resource_type,
        resource_id=resource_id or episode.id,
        subject=_subject(resource_type, resource_id, episode_id),
        episode_id=episode.id,
        record=record,
    )
    return episode


def _subject(resource_type: str, resource_id: object, episode_id: uuid.UUID) -> str:
    """What the caller asked for, named as the 404 names it whether it exists or not."""
    if resource_id is not None and resource_type not in ("episode", "timeline", "checklist"):
        return f"{resource_type.replace('_', ' ')} {resource_id}"
    return f"episode {episode_id}"


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
    404 to raise: an attempt is logged whether or not its target exists, and the answer is
    the same as for something the caller may not see."""
    log_missing(
        ctx, what, thing_id, action=action, resource_type=resource_type, resource_id=resource_id
    )
    return not_visible(f"{what} {thing_id}")


def log_missing(
    ctx: Context,
    what: str,
    thing_id: uuid.UUID,
    *,
    action: str,
    resource_type: str | None = None,
    resource_id: object = None,
) -> None:
    ctx.log.record(
        patient_id=None,
        action=action,
        resource_type=resource_type or what.replace(" ", "_"),
        resource_id=resource_id or thing_id,
        allowed=False,
        reason=f"no such {what}",
    )


def responsible_organisation_id(ctx: Context, episode: Episode) -> uuid.UUID:
    unit = repository.get_unit(ctx.session, episode.responsible_unit_id)
    assert unit is not None  # noqa: S101 - a foreign key keeps the unit
    return unit.organisation_id


def require_responsible(ctx: Context, episode: Episode, *, action: str, doing: str) -> None:
    """The responsible organisation leads the episode: only its staff add or remove
    participants, change who is responsible, send care requests and move the episode (end it
    included). Others may leave, or ask for it (a refusal is logged)."""
    if responsible_organisation_id(ctx, episode) == ctx.actor.organisation_id:
        return
    ctx.log.record(
        patient_id=episode.patient_id,
        action=action,
        resource_type="episode",
        resource_id=episode.id,
        allowed=False,
        reason=f"only the responsible organisation may {doing}",
    )
    raise Forbidden(
        f"only the episode's responsible organisation may {doing}; ask its unit "
        "(POST /api/v1/episodes/{id}/end-requests to ask for the episode to end)",
        reason_code="not_responsible",
    )


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
