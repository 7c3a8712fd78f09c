"""Sending a message by e-mail (SMTP) or SMS (an HTTP gateway): no database.

E-mail: ``SAMBAND_SMTP_URL``:

- ``smtp://host:port`` — plain SMTP (a local relay; no login);
- ``smtp+starttls://user:password@host:587`` — STARTTLS, then login;
- ``smtps://user:password@host:465`` — TLS from the start, then login.

The sender is ``SAMBAND_SMTP_FROM``. Login is only ever sent over TLS.

SMS: ``SAMBAND_SMS_URL`` and ``SAMBAND_SMS_TOKEN``, Sinch's SMS REST API ("XMS", Sinch AB,
Stockholm): ``POST {SAMBAND_SMS_URL}/batches`` with ``Authorization: Bearer <token>`` and
``{"from": SAMBAND_SMS_SENDER, "to": ["46701234567"], "body": "…"}``; 201 with ``{"id": …}``.
E.g. ``SAMBAND_SMS_URL=https://eu.sms.api.sinch.com/xms/v1/<service plan id>``
(docs/deployment.md, "Notifications").
"""

from __future__ import annotations

import json
import smtplib
import ssl
import urllib.error
import urllib.request
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import unquote, urlsplit

from samband.config import get_settings
from samband.kit.errors import Problem, problem
from samband.notifications.messages import Message

TIMEOUT_SECONDS = 10


class DeliveryError(Exception):
    """The channel did not take the message: a problem (``delivery.*``) that says why, without
    the message; its text (English) is what the delivery keeps as its last error."""

    def __init__(self, why: Problem) -> None:
        super().__init__(why.text("en"))
        self.problem = why


def send(channel: str, address: str, message: Message) -> str | None:
    """Send; returns the provider's reference, raises DeliveryError."""
    if channel == "email":
        return send_email(address, message)
    if channel == "sms":
        return send_sms(address, message)
    raise DeliveryError(problem("delivery.no_channel", channel=channel))


def send_email(address: str, message: Message) -> str:
    settings = get_settings()
    if not settings.smtp_url:
        raise DeliveryError(problem("delivery.email_not_set_up"))
    url = urlsplit(settings.smtp_url)
    scheme = url.scheme.lower()
    if scheme not in ("smtp", "smtps", "smtp+starttls"):
        raise DeliveryError(problem("delivery.smtp_scheme", scheme=repr(scheme)))
    host = url.hostname or "127.0.0.1"
    port = url.port or {"smtp": 25, "smtps": 465, "smtp+starttls": 587}[scheme]
    email = EmailMessage()
    email["From"] = settings.smtp_from
    email["To"] = address
    email["Subject"] = message.subject
    msgid = make_msgid(domain="samband")
    email["Message-ID"] = msgid
    email.set_content(message.body)
    context = ssl.create_default_context()
    try:
        client: smtplib.SMTP
        if scheme == "smtps":
            client = smtplib.SMTP_SSL(host, port, timeout=TIMEOUT_SECONDS, context=context)
        else:
            client = smtplib.SMTP(host, port, timeout=TIMEOUT_SECONDS)
        with client:
            if scheme == "smtp+starttls":
                client.starttls(context=context)
            if url.username and scheme != "smtp":
                client.login(unquote(url.username), unquote(url.password or ""))
            refused = client.send_message(email)
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(
            problem(
                "delivery.smtp_failed",
                host=host,
                port=str(port),
                error=f"{type(exc).__name__}: {exc}",
            )
        ) from exc
    if refused:
        raise DeliveryError(problem("delivery.smtp_refused", host=host, port=str(port)))
    return msgid


def send_sms(number: str, message: Message) -> str | None:
    settings = get_settings()
    if not settings.sms_url or not settings.sms_token:
        raise DeliveryError(problem("delivery.sms_not_set_up"))
    to = msisdn(number)
    body = json.dumps(
        {"from": settings.sms_sender, "to": [to], "body": message.short[:1000]}
    ).encode()
    request = urllib.request.Request(  # noqa: S310 - the URL is the operator's setting
        settings.sms_url.rstrip("/") + "/batches",
        data=body,
        method="POST",
        headers={
            "Authorization": f"Bearer {settings.sms_token}",
            "Content-Type": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310
            status = answer.status
            data = answer.read()
    except urllib.error.HTTPError as exc:
        raise DeliveryError(problem("delivery.sms_answered", status=str(exc.code))) from exc
    except OSError as exc:
        raise DeliveryError(
            problem("delivery.sms_unreachable", error=f"{type(exc).__name__}: {exc}")
        ) from exc
    if status not in (200, 201):
        raise DeliveryError(problem("delivery.sms_answered", status=str(status)))
    try:
        found = json.loads(data or b"{}")
    except ValueError:
        return None
    return str(found.get("id")) if isinstance(found, dict) and found.get("id") else None


def msisdn(number: str) -> str:
    """A Swedish phone number as the gateway wants it: 070-123 45 67 → 46701234567."""
    digits = "".join(ch for ch in number if ch.isdigit() or ch == "+")
    if digits.startswith("+"):
        return digits[1:]
    if digits.startswith("00"):
        return digits[2:]
    if digits.startswith("0"):
        return "46" + digits[1:]
    return digits
