"""Your own notifications and how you are reached (no patient data here: a notification
names a reference and links to the page where access is checked and logged)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from samband.deps import ContextDep
from samband.notifications import service
from samband.notifications.schemas import (
    ContactRead,
    ContactUpdate,
    DeliveryRead,
    NotificationRead,
)

router = APIRouter(prefix="/api/v1", tags=["notifications"])


def _read(view: service.NotificationView) -> NotificationRead:
    n = view.notification
    return NotificationRead(
        id=n.id,
        kind=n.kind,
        severity=n.severity,
        reference=n.reference,
        link=n.link,
        text=view.text,
        alert_id=n.alert_id,
        created_at=n.created_at,
        read_at=n.read_at,
        acknowledged_at=n.acknowledged_at,
        deliveries=[DeliveryRead.model_validate(d) for d in view.deliveries],
    )


@router.get("/notifications", response_model=list[NotificationRead])
def my_notifications(
    ctx: ContextDep,
    unread: Annotated[bool, Query(description="Only those not yet read.")] = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[NotificationRead]:
    """Your notifications, newest first, each with its deliveries (app, SMS, e-mail)."""
    return [_read(v) for v in service.mine(ctx, unread_only=unread, limit=limit)]


@router.post("/notifications/{notification_id}/read", response_model=NotificationRead)
def mark_read(ctx: ContextDep, notification_id: uuid.UUID) -> NotificationRead:
    """Mark one of your notifications read (someone else's: 404)."""
    service.mark_read(ctx, notification_id)
    return _read(service.view(ctx, notification_id))


@router.get("/me/contact", response_model=ContactRead)
def my_contact(ctx: ContextDep) -> ContactRead:
    return service.contact(ctx)


@router.patch("/me/contact", response_model=ContactRead)
def update_my_contact(ctx: ContextDep, data: ContactUpdate) -> ContactRead:
    """Set your phone number, e-mail address and notification channels (422 for a channel
    without its address: an SMS needs a phone number, an e-mail an address)."""
    return service.update_contact(ctx, data)
