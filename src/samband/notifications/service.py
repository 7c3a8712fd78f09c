"""Notifying staff: a row per person (the app shows it at once) and a delivery per channel.

- ``notify`` is called inside the transaction of the change (an alert raised or escalated,
  a plan gone out of date): the notifications and their delivery jobs commit with it.
- A delivery runs as a job (``deliver``): read, send outside any transaction (a slow mail
  server holds no database lock), record the result. A failure is retried with backoff
  (``MAX_ATTEMPTS``); the first failure of a channel also starts the person's next channel
  at once, so a NEWS2 9 at 03:00 is not left waiting for retries (a duplicate is better
  than silence).
- Acknowledging an alert acknowledges its notifications: deliveries not yet sent stop.
- A message carries no patient identity: a reference, the severity, a link (messages.py).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from samband.config import get_settings
from samband.db import unit_of_work
from samband.jobs.queue import defer, task
from samband.kit.errors import InvalidInput, NotFound, problem
from samband.kit.time import utcnow
from samband.models import Notification, NotificationDelivery, User
from samband.notifications import channels, messages, repository
from samband.notifications.schemas import Channel, ContactRead, ContactUpdate
from samband.security.context import Context

log = logging.getLogger(__name__)

CHANNELS = ("sms", "email")  # the channels besides the app, a person's order of choice
MAX_ATTEMPTS = 4
BACKOFF_SECONDS = (10, 30, 90)  # the waits before the 2nd, 3rd, 4th attempt
DELIVER = "notifications.deliver"


def reference(kind: str, thing_id: uuid.UUID) -> str:
    """A short reference without patient identity, e.g. L-3F2A91C0 for an alert."""
    prefix = {"alert": "L", "plan": "P", "visit": "B"}.get(kind, "S")
    return f"{prefix}-{thing_id.hex[:8].upper()}"


def notify(
    session: Session,
    *,
    user_ids: Iterable[uuid.UUID],
    kind: str,
    severity: str,
    reference: str,
    link: str,
    params: dict[str, Any] | None = None,
    alert_id: uuid.UUID | None = None,
    now: datetime | None = None,
) -> list[Notification]:
    """Tell these staff members (each once; inactive accounts skipped). The app shows the
    notification at once; their first chosen channel (SMS or e-mail) is deferred as a job
    in this transaction."""
    if kind not in messages.KINDS:
        raise KeyError(f"no message for the notification kind {kind!r}")
    now = now or utcnow()
    wanted = list(dict.fromkeys(user_ids))
    if not wanted:
        return []
    users = repository.active_users(session, wanted)
    made: list[Notification] = []
    for user in users:
        note = Notification(
            id=uuid.uuid4(),
            user_id=user.id,
            kind=kind,
            severity=severity,
            reference=reference,
            link=link,
            params=dict(params or {}),
            alert_id=alert_id,
            created_at=now,
        )
        repository.add(session, note)
        repository.add(
            session,
            NotificationDelivery(
                notification_id=note.id,
                channel="app",
                address=None,
                status="sent",
                attempts=1,
                sent_at=now,
                history=[_event(now, "sent", "shown in Samband")],
                created_at=now,
            ),
        )
        route = routes(user)
        if route:
            _queue(session, note, route[0], now)
        made.append(note)
    session.flush()
    return made


def routes(user: User) -> list[tuple[str, str]]:
    """The person's channels besides the app, in their order, with the address each uses
    (a channel without an address is left out)."""
    chosen = [c for c in (user.notify_channels or []) if c in CHANNELS]
    found = []
    for channel in dict.fromkeys(chosen):
        address = user.phone if channel == "sms" else user.email
        if address:
            found.append((channel, address))
    return found


def _queue(session: Session, note: Notification, route: tuple[str, str], now: datetime) -> None:
    channel, address = route
    delivery = NotificationDelivery(
        id=uuid.uuid4(),
        notification_id=note.id,
        channel=channel,
        address=address,
        status="queued",
        attempts=0,
        next_attempt_at=now,
        history=[_event(now, "queued")],
        created_at=now,
    )
    repository.add(session, delivery)
    session.flush()
    defer(session, DELIVER, {"delivery_id": str(delivery.id)})


def _event(at: datetime, event: str, note: str | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {"at": at.isoformat(), "event": event}
    if note:
        entry["note"] = note[:500]
    return entry


@dataclass(frozen=True)
class Outgoing:
    delivery_id: uuid.UUID
    channel: str
    address: str
    message: messages.Message


@task(DELIVER, max_attempts=1)
def deliver(factory: sessionmaker[Session], delivery_id: str, **_: Any) -> str:
    """Send one delivery (a job). Returns what happened: sent, failed, retrying, skipped."""
    outgoing = _prepare(factory, uuid.UUID(delivery_id))
    if outgoing is None:
        return "skipped"
    try:
        provider_ref = channels.send(outgoing.channel, outgoing.address, outgoing.message)
    except channels.DeliveryError as exc:
        return _failed(factory, outgoing.delivery_id, str(exc))
    with unit_of_work(factory) as session:
        delivery = repository.delivery(session, outgoing.delivery_id, lock=True)
        if delivery is None:  # pragma: no cover - deleted meanwhile
            return "skipped"
        now = utcnow()
        delivery.attempts += 1
        delivery.status = "sent"
        delivery.sent_at = now
        delivery.next_attempt_at = None
        delivery.provider_ref = provider_ref
        delivery.updated_at = now
        delivery.history = [*delivery.history, _event(now, "sent", provider_ref)]
    return "sent"


def _prepare(factory: sessionmaker[Session], delivery_id: uuid.UUID) -> Outgoing | None:
    settings = get_settings()
    with unit_of_work(factory) as session:
        found = repository.delivery_with_note(session, delivery_id)
        if found is None:
            return None
        delivery, note, user = found
        if delivery.status not in ("queued", "retrying"):
            return None
        now = utcnow()
        if note.acknowledged_at is not None:
            delivery.status = "acknowledged"
            delivery.updated_at = now
            delivery.history = [*delivery.history, _event(now, "acknowledged", "not sent")]
            return None
        if delivery.address is None:  # pragma: no cover - queued with an address
            return None
        message = messages.render(
            note.kind,
            severity=note.severity,
            reference=note.reference,
            link=settings.public_url.rstrip("/") + note.link,
            params=note.params,
            language=messages.DEFAULT_LANGUAGE,
        )
        return Outgoing(delivery.id, delivery.channel, delivery.address, message)


def _failed(factory: sessionmaker[Session], delivery_id: uuid.UUID, error: str) -> str:
    with unit_of_work(factory) as session:
        found = repository.delivery_with_note(session, delivery_id, lock=True)
        if found is None:  # pragma: no cover
            return "skipped"
        delivery, note, user = found
        now = utcnow()
        delivery.attempts += 1
        delivery.last_error = error[:2000]
        delivery.updated_at = now
        outcome = "failed"
        if delivery.attempts < MAX_ATTEMPTS and note.acknowledged_at is None:
            wait = timedelta(seconds=BACKOFF_SECONDS[min(delivery.attempts, 3) - 1])
            delivery.status = "retrying"
            delivery.next_attempt_at = now + wait
            delivery.history = [
                *delivery.history,
                _event(now, "failed", error),
                _event(now, "retry", f"attempt {delivery.attempts + 1} at {now + wait:%H:%M:%S}"),
            ]
            defer(session, DELIVER, {"delivery_id": str(delivery.id)}, at=now + wait)
            outcome = "retrying"
        else:
            delivery.status = "failed"
            delivery.next_attempt_at = None
            delivery.history = [*delivery.history, _event(now, "failed", error)]
        if delivery.attempts == 1 and note.acknowledged_at is None:
            _fall_back(session, note, user, delivery.channel, now)
    return outcome


def _fall_back(
    session: Session, note: Notification, user: User, failed: str, now: datetime
) -> None:
    """Start the person's next channel after the one that failed (once per notification)."""
    route = routes(user)
    names = [c for c, _ in route]
    if failed not in names:
        return
    later = route[names.index(failed) + 1 :]
    if not later:
        return
    already = repository.channels_of(session, note.id)
    for channel, address in later:
        if channel not in already:
            _queue(session, note, (channel, address), now)
            return


def acknowledge_alert(session: Session, alert_id: uuid.UUID, now: datetime | None = None) -> int:
    """The alert was acknowledged: so are its notifications; waiting deliveries stop."""
    now = now or utcnow()
    count = 0
    for note in repository.notifications_of_alert(session, alert_id):
        if note.acknowledged_at is None:
            note.acknowledged_at = now
            count += 1
    for delivery in repository.waiting_deliveries_of_alert(session, alert_id):
        delivery.status = "acknowledged"
        delivery.next_attempt_at = None
        delivery.updated_at = now
        delivery.history = [*delivery.history, _event(now, "acknowledged", "the alert was")]
    session.flush()
    return count


# -- the person's own notifications (API and pages) ------------------------------------------


@dataclass(frozen=True)
class NotificationView:
    notification: Notification
    deliveries: list[NotificationDelivery]
    text: str


def mine(
    ctx: Context,
    *,
    unread_only: bool = False,
    limit: int = 50,
    language: str = messages.DEFAULT_LANGUAGE,
) -> list[NotificationView]:
    """The caller's own notifications, newest first (no patient data: nothing to log)."""
    rows = repository.of_user(ctx.session, ctx.actor.user_id, unread_only=unread_only, limit=limit)
    deliveries = repository.deliveries_of(ctx.session, [n.id for n in rows])
    return [_view(n, deliveries.get(n.id, []), language) for n in rows]


def mark_read(ctx: Context, notification_id: uuid.UUID) -> Notification:
    note = _own(ctx, notification_id)
    if note.read_at is None:
        note.read_at = utcnow()
        ctx.session.flush()
    return note


def view(
    ctx: Context, notification_id: uuid.UUID, language: str = messages.DEFAULT_LANGUAGE
) -> NotificationView:
    """One of the caller's notifications (someone else's: 404)."""
    note = _own(ctx, notification_id)
    return _view(note, repository.deliveries_of(ctx.session, [note.id]).get(note.id, []), language)


def _own(ctx: Context, notification_id: uuid.UUID) -> Notification:
    note = repository.get(ctx.session, notification_id)
    if note is None or note.user_id != ctx.actor.user_id:
        raise NotFound(problem("notifications.not_found", notification_id=notification_id))
    return note


def _view(
    note: Notification, deliveries: list[NotificationDelivery], language: str
) -> NotificationView:
    text = messages.render(
        note.kind,
        severity=note.severity,
        reference=note.reference,
        link=note.link,
        params=note.params,
        language=language,
    ).short.removesuffix(f" {note.link}")
    return NotificationView(note, deliveries, text)


def contact(ctx: Context) -> ContactRead:
    user = repository.user(ctx.session, ctx.actor.user_id)
    return ContactRead(
        phone=user.phone,
        email=user.email,
        notify_channels=[Channel(c) for c in user.notify_channels or [] if c in CHANNELS],
    )


def update_contact(ctx: Context, data: ContactUpdate) -> ContactRead:
    """Change the caller's own contact settings; nothing changes when a channel would lack
    its address."""
    user = repository.user(ctx.session, ctx.actor.user_id, lock=True)
    # a field sent as null is left as it is (to remove a channel, leave it out of the list)
    changes = {k: v for k, v in data.model_dump(exclude_unset=True).items() if v is not None}
    phone = changes.get("phone", user.phone)
    email = changes.get("email", user.email)
    channels = [str(c) for c in changes.get("notify_channels", user.notify_channels or [])]
    if "sms" in channels and not phone:
        raise InvalidInput(problem("notifications.sms_needs_phone", field="notify_channels"))
    if "email" in channels and not email:
        raise InvalidInput(problem("notifications.email_needs_address", field="notify_channels"))
    user.phone, user.email, user.notify_channels = phone, email, channels
    ctx.session.flush()
    return contact(ctx)
