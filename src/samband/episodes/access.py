"""Loading an episode for a caller: the one way other domains reach an episode's data.

Every domain that hangs off an episode (care plans, care requests, medications, checklist)
calls ``episode_for`` first: it answers 404 for an unknown episode, and checks and logs the
caller's access to the episode's patient. A row that belongs to an episode (a care plan, a
care request, a medication) is loaded with ``child_of_episode``: the row, the access check on
its episode and, for a change, both locked.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from samband.episodes import repository
from samband.episodes.states import OPEN_STATES
from samband.kit.errors import Conflict, Forbidden, NotFound, not_visible, problem
from samband.kit.i18n import Msg, msg
from samband.kit.time import utcnow
from samband.models import Episode, EpisodeEvent
from samband.security.context import Context
from samband.security.roles import Permission
from samband.security.service import require_patient_access

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


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


class EpisodeChild(Protocol):
    """A row that belongs to an episode."""

    @property
    def id(self) -> uuid.UUID: ...

    @property
    def episode_id(self) -> uuid.UUID: ...


Child = TypeVar("Child", bound=EpisodeChild)


def child_of_episode(
    ctx: Context,
    child_id: uuid.UUID,
    *,
    what: str,
    load: Callable[[Session, uuid.UUID], Child | None],
    load_for_update: Callable[[Session, uuid.UUID], Child | None],
    permission: Permission,
    action: str,
    resource_type: str,
    lock: bool = False,
    record: Callable[[Child], bool] | None = None,
) -> tuple[Child, Episode]:
    """Load a row that belongs to an episode (``what``: "care plan", "medication" …), check
    and log the caller's access to its episode, and — for a change (``lock``) — lock the
    episode and then the row, read again under the lock (another change may have come
    first). An unknown row is a logged 404, said like one the caller may not see.
    ``load`` / ``load_for_update`` are the domain's repository queries; ``record`` says
    whether the access is logged (False: e.g. a care request to or from the caller's own
    organisation)."""
    child = load(ctx.session, child_id)
    if child is None:
        raise not_found(ctx, what, child_id, action=action, resource_type=resource_type)
    episode = episode_for(
        ctx,
        child.episode_id,
        permission=permission,
        action=action,
        resource_type=resource_type,
        resource_id=child.id,
        lock=lock,
        record=record(child) if record else True,
    )
    if lock:  # read again under the episode's lock
        locked = load_for_update(ctx.session, child_id)
        if locked is None:  # pragma: no cover - the episode's lock keeps it
            raise not_visible(f"{what} {child_id}")
        child = locked
    return child, episode


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


def require_responsible(ctx: Context, episode: Episode, *, action: str, doing: Msg) -> None:
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
        reason=f"only the responsible organisation may {doing.text('en')}",
    )
    raise Forbidden(problem("episode.not_responsible", doing=doing), reason_code="not_responsible")


def require_open(episode: Episode, doing: Msg) -> None:
    """``doing``: what cannot be done in a closed episode (a ``doing.*`` message)."""
    if episode.state not in OPEN_STATES:
        raise Conflict(problem("episode.closed", state=msg(f"state.{episode.state}"), doing=doing))


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
