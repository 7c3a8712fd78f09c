"""Aviseringar: the caller's own notifications (what reached them, on which channels, with
the delivery's state) and how they are reached (phone, e-mail, channels in their order).
No patient data here: a notification shows a reference and links to the page where access
is checked and logged."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from samband.notifications import service
from samband.notifications.schemas import ContactUpdate
from samband.security.context import Context
from samband.web.base import FormErrors, WebContext, attempt, language, parse_form, render
from samband.web.flow import FormData, blank
from samband.web.i18n import translate

router = APIRouter(include_in_schema=False)


@router.get("/notifications", response_class=HTMLResponse)
def notifications_page(request: Request, ctx: WebContext) -> HTMLResponse:
    saved = request.query_params.get("saved") == "1"
    return _page(request, ctx, FormErrors(), None, notice="notifications.saved" if saved else None)


@router.post("/notifications/{notification_id}/open", response_model=None)
def open_notification(ctx: WebContext, notification_id: uuid.UUID) -> Response:
    """Mark it read and go where it points (access there is checked as always)."""
    note = service.mark_read(ctx, notification_id)
    return RedirectResponse(note.link, status_code=303)


@router.post("/notifications/contact", response_model=None)
def save_contact(request: Request, ctx: WebContext, form: FormData) -> Response:
    channels = [c for c in (form.get("first"), form.get("second")) if c]
    values: dict[str, object] = {
        "phone": blank(form.get("phone")),
        "email": blank(form.get("email")),
        "notify_channels": channels,
    }
    data, errors = parse_form(ContactUpdate, values)
    lang = language(request)
    # the page's own words for what the service refuses (the API answers in English)
    for name in ("phone", "email"):
        if errors.get(name):
            errors.fields[name] = translate(f"notifications.bad_{name}", lang)
    if data is not None and "sms" in channels and not (values["phone"] or ""):
        data, errors = (
            None,
            FormErrors({"notify_channels": translate("notifications.needs_phone", lang)}),
        )
    if data is not None and "email" in channels and not (values["email"] or ""):
        data, errors = (
            None,
            FormErrors({"notify_channels": translate("notifications.needs_email", lang)}),
        )
    if len(set(channels)) != len(channels):
        data, errors = None, FormErrors({"notify_channels": translate("notifications.twice", lang)})
    if data is not None:
        saved, errors = attempt(ctx, lambda: service.update_contact(ctx, data))
        if saved is not None:
            return RedirectResponse("/notifications?saved=1", status_code=303)
    return _page(request, ctx, errors, values, status_code=422)


def _page(
    request: Request,
    ctx: Context,
    errors: FormErrors,
    values: dict[str, object] | None,
    *,
    notice: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    contact = service.contact(ctx)
    if values is None:
        channels = [c.value for c in contact.notify_channels]
        values = {"phone": contact.phone, "email": contact.email, "notify_channels": channels}
    chosen = list(values.get("notify_channels") or [])  # type: ignore[call-overload]
    return render(
        request,
        "notifications.html",
        ctx,
        views=service.mine(ctx, limit=100, language=language(request)),
        values=values,
        first=chosen[0] if chosen else "",
        second=chosen[1] if len(chosen) > 1 else "",
        errors=errors,
        notice=notice,
        status_code=status_code,
    )
