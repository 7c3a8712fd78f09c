"""The notifications' queries."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.models import Notification, NotificationDelivery, User


def add(session: Session, thing: object) -> None:
    session.add(thing)


def active_users(session: Session, ids: Collection[uuid.UUID]) -> list[User]:
    found = {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids), User.active))}
    return [found[i] for i in ids if i in found]


def delivery(
    session: Session, delivery_id: uuid.UUID, *, lock: bool = False
) -> NotificationDelivery | None:
    query = select(NotificationDelivery).where(NotificationDelivery.id == delivery_id)
    if lock:
        query = query.with_for_update()
    return session.scalar(query)


def delivery_with_note(
    session: Session, delivery_id: uuid.UUID, *, lock: bool = False
) -> tuple[NotificationDelivery, Notification, User] | None:
    query = (
        select(NotificationDelivery, Notification, User)
        .join(Notification, Notification.id == NotificationDelivery.notification_id)
        .join(User, User.id == Notification.user_id)
        .where(NotificationDelivery.id == delivery_id)
    )
    if lock:
        query = query.with_for_update(of=NotificationDelivery)
    row = session.execute(query).one_or_none()
    return (row[0], row[1], row[2]) if row else None


def channels_of(session: Session, notification_id: uuid.UUID) -> set[str]:
    return set(
        session.scalars(
            select(NotificationDelivery.channel).where(
                NotificationDelivery.notification_id == notification_id
            )
        )
    )


def notifications_of_alert(session: Session, alert_id: uuid.UUID) -> list[Notification]:
    return list(session.scalars(select(Notification).where(Notification.alert_id == alert_id)))


def waiting_deliveries_of_alert(
    session: Session, alert_id: uuid.UUID
) -> list[NotificationDelivery]:
    return list(
        session.scalars(
            select(NotificationDelivery)
            .join(Notification, Notification.id == NotificationDelivery.notification_id)
            .where(
                Notification.alert_id == alert_id,
                NotificationDelivery.status.in_(["queued", "retrying"]),
            )
        )
    )


def of_user(
    session: Session, user_id: uuid.UUID, *, unread_only: bool, limit: int
) -> list[Notification]:
    query = select(Notification).where(Notification.user_id == user_id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return list(session.scalars(query.order_by(Notification.created_at.desc()).limit(limit)))


def deliveries_of(
    session: Session, ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, list[NotificationDelivery]]:
    found: dict[uuid.UUID, list[NotificationDelivery]] = defaultdict(list)
    if ids:
        for d in session.scalars(
            select(NotificationDelivery)
            .where(NotificationDelivery.notification_id.in_(ids))
            .order_by(NotificationDelivery.created_at)
        ):
            found[d.notification_id].append(d)
    return found


def get(session: Session, notification_id: uuid.UUID) -> Notification | None:
    return session.get(Notification, notification_id)


def user(session: Session, user_id: uuid.UUID, *, lock: bool = False) -> User:
    query = select(User).where(User.id == user_id)
    if lock:
        query = query.with_for_update()
    return session.execute(query).scalar_one()
