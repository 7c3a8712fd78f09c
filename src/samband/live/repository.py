"""What changed since the change feed's cursor: one query per kind (each on an index of
migration 0015, or the notifications' (user_id, created_at))."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from samband.models import Alert, Episode, Notification, ObservationSet

Change = tuple[uuid.UUID, uuid.UUID, datetime]  # (row id, episode or user id, its time)


def alerts_changed(session: Session, since: datetime) -> list[Change]:
    """Alerts raised or changed (a new trigger, acknowledged, escalated, closed) since."""
    rows = session.execute(
        select(Alert.id, Alert.episode_id, Alert.created_at, Alert.updated_at).where(
            or_(Alert.created_at > since, Alert.updated_at > since)
        )
    )
    return [(a, e, max(c, u) if u is not None else c) for a, e, c, u in rows.tuples()]


def sets_stored(session: Session, since: datetime) -> list[Change]:
    """Observation sets stored since (a correction of a set changes its alerts, if any)."""
    rows = session.execute(
        select(ObservationSet.id, ObservationSet.episode_id, ObservationSet.created_at).where(
            ObservationSet.created_at > since
        )
    )
    return list(rows.tuples())


def episodes_changed(session: Session, since: datetime) -> list[Change]:
    """Episodes whose state (or other field) changed since."""
    rows = session.execute(
        select(Episode.id, Episode.id, Episode.updated_at).where(Episode.updated_at > since)
    )
    return [(a, b, at) for a, b, at in rows.tuples() if at is not None]


def notifications_created(
    session: Session, since: datetime, user_ids: Collection[uuid.UUID]
) -> list[Change]:
    """Notifications created since to these users (the connected ones; the index
    (user_id, created_at)): (id, user id, when)."""
    if not user_ids:
        return []
    rows = session.execute(
        select(Notification.id, Notification.user_id, Notification.created_at).where(
            Notification.user_id.in_(sorted(user_ids)), Notification.created_at > since
        )
    )
    return list(rows.tuples())
