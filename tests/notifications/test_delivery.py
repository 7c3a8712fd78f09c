"""Notifications that reach a person: an alert raised by a measurement is e-mailed through
a real SMTP server (aiosmtpd, in this process) and texted through an HTTP server speaking
Sinch's SMS API; every delivery is recorded; a failed channel is retried and falls back to
the next; acknowledging the alert stops what has not been sent; no message names the
patient."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from samband.alerts.service import escalate_due
from samband.config import get_settings
from samband.jobs.queue import run_pending
from samband.kit.time import local_today, utcnow
from samband.models import Alert, Notification, NotificationDelivery, OnCallEntry, User
from samband.notifications import messages
from samband.oncall.rules import SLOTS
from tests.factories import make_user
from tests.notifications.servers import SmsGateway, SmtpServer
from tests.observations.world import HIGH, MEDIUM, World, alerts_of, make_world, post, vitals


@pytest.fixture
def world(session: Session) -> World:
    return make_world(session)


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        monkeypatch.setenv("SAMBAND_SMTP_URL", server.url)
        monkeypatch.setenv("SAMBAND_PUBLIC_URL", "https://samband.example.se")
        get_settings.cache_clear()
        yield server
    get_settings.cache_clear()


@pytest.fixture
def sms(monkeypatch: pytest.MonkeyPatch) -> Iterator[SmsGateway]:
    with SmsGateway() as gateway:
        monkeypatch.setenv("SAMBAND_SMS_URL", gateway.url)
        monkeypatch.setenv("SAMBAND_SMS_TOKEN", gateway.token)
        get_settings.cache_clear()
        yield gateway
    get_settings.cache_clear()


def raise_alert(client: TestClient, session: Session, world: World, values: dict) -> Alert:  # type: ignore[type-arg]
    response = post(client, world.headers(session, "device"), vitals(world, values))
    assert response.status_code == 201, response.text
    (alert,) = alerts_of(session, world.episode)
    return alert


def deliveries(session: Session, alert: Alert) -> list[tuple[str, str, str]]:
    rows = session.execute(
        select(Notification.user_id, NotificationDelivery.channel, NotificationDelivery.status)
        .join(Notification, Notification.id == NotificationDelivery.notification_id)
        .where(Notification.alert_id == alert.id)
        .order_by(NotificationDelivery.created_at)
    ).all()
    return [(str(u), c, s) for u, c, s in rows]


def identity(world: World) -> list[str]:
    p = world.patient
    return [p.given_name, p.family_name, p.personnummer, p.personnummer[2:], str(p.id)]


class TestEmail:
    def test_a_high_alert_is_emailed_to_the_care_contact_without_patient_identity(
        self,
        client: TestClient,
        session: Session,
        session_factory: sessionmaker[Session],
        world: World,
        smtp: SmtpServer,
    ) -> None:
        world.nurse.email, world.nurse.notify_channels = "bertil@example.se", ["email"]
        session.flush()

        alert = raise_alert(client, session, world, HIGH)
        queued = deliveries(session, alert)
        ran = run_pending(session_factory)

        assert (str(world.nurse.id), "email", "queued") in queued
        assert ran.succeeded >= 1
        assert not ran.errors
        assert len(smtp.mailbox.messages) == 1
        recipients, message = smtp.mailbox.messages[0]
        assert recipients == ["bertil@example.se"]
        text = str(message["Subject"]) + message.get_content()
        assert "NEWS2 8" in text
        assert "HÖG" in text
        assert f"https://samband.example.se/alerts/{alert.id}" in text
        for secret in identity(world):
            assert secret not in text
        session.expire_all()
        assert (str(world.nurse.id), "email", "sent") in deliveries(session, alert)
        sent = session.scalars(
            select(NotificationDelivery).where(NotificationDelivery.channel == "email")
        ).one()
        assert sent.provider_ref
        assert [e["event"] for e in sent.history] == ["queued", "sent"]

    def test_the_app_shows_the_notification_at_once(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        alert = raise_alert(client, session, world, HIGH)

        mine = client.get("/api/v1/notifications", headers=world.headers(session, "nurse"))

        assert mine.status_code == 200
        (shown,) = mine.json()
        assert shown["alert_id"] == str(alert.id)
        assert shown["severity"] == "high"
        assert shown["link"] == f"/alerts/{alert.id}"
        assert [d["channel"] for d in shown["deliveries"]] == ["app"]
        assert shown["deliveries"][0]["status"] == "sent"
        others = client.get("/api/v1/notifications", headers=world.headers(session, "outsider"))
        assert others.json() == []


class TestFallback:
    def test_a_failing_sms_is_retried_and_falls_back_to_email(
        self,
        client: TestClient,
        session: Session,
        session_factory: sessionmaker[Session],
        world: World,
        smtp: SmtpServer,
        sms: SmsGateway,
    ) -> None:
        nurse = world.nurse
        nurse.phone, nurse.email = "070-123 45 67", "bertil@example.se"
        nurse.notify_channels = ["sms", "email"]
        session.flush()
        sms.fail_with = 503

        alert = raise_alert(client, session, world, HIGH)
        run_pending(session_factory)

        session.expire_all()
        rows = {c: s for u, c, s in deliveries(session, alert) if u == str(nurse.id)}
        assert rows == {"app": "sent", "sms": "retrying", "email": "sent"}
        assert len(smtp.mailbox.messages) == 1
        assert sms.received == []
        texted = session.scalars(
            select(NotificationDelivery).where(NotificationDelivery.channel == "sms")
        ).one()
        assert texted.attempts == 1
        assert "503" in (texted.last_error or "")
        assert [e["event"] for e in texted.history] == ["queued", "failed", "retry"]

        # the gateway is back: the retry, when due, is sent
        sms.fail_with = None
        run_pending(session_factory, now=utcnow() + timedelta(minutes=5))
        session.expire_all()
        assert sms.received
        assert sms.received[0]["to"] == ["46701234567"]
        assert "NEWS2 8" in sms.received[0]["body"]
        for secret in identity(world):
            assert secret not in sms.received[0]["body"]
        texted = session.get(NotificationDelivery, texted.id)
        assert texted is not None
        assert texted.status == "sent"
        assert texted.attempts == 2

    def test_a_channel_that_keeps_failing_ends_failed(
        self,
        client: TestClient,
        session: Session,
        session_factory: sessionmaker[Session],
        world: World,
        sms: SmsGateway,
    ) -> None:
        world.nurse.phone, world.nurse.notify_channels = "+46701234567", ["sms"]
        session.flush()
        sms.fail_with = 500
        alert = raise_alert(client, session, world, HIGH)

        for minutes in (0, 5, 10, 15, 20):
            run_pending(session_factory, now=utcnow() + timedelta(minutes=minutes))

        session.expire_all()
        texted = session.scalars(
            select(NotificationDelivery).where(NotificationDelivery.channel == "sms")
        ).one()
        assert texted.status == "failed"
        assert texted.attempts == 4
        assert ("app", "sent") in [(c, s) for _, c, s in deliveries(session, alert)]

    def test_acknowledging_the_alert_stops_what_was_not_sent(
        self,
        client: TestClient,
        session: Session,
        session_factory: sessionmaker[Session],
        world: World,
        smtp: SmtpServer,
    ) -> None:
        world.nurse.email, world.nurse.notify_channels = "bertil@example.se", ["email"]
        session.flush()
        alert = raise_alert(client, session, world, MEDIUM)

        acknowledged = client.post(
            f"/api/v1/alerts/{alert.id}/acknowledge",
            json={"note": "ringer"},
            headers=world.headers(session, "nurse"),
        )
        run_pending(session_factory)

        assert acknowledged.status_code == 200, acknowledged.text
        session.expire_all()
        assert smtp.mailbox.messages == []
        statuses = {c: s for _, c, s in deliveries(session, alert)}
        assert statuses["email"] == "acknowledged"
        note = session.scalars(
            select(Notification).where(Notification.user_id == world.nurse.id)
        ).one()
        assert note.acknowledged_at is not None


class TestContactSettings:
    def test_choose_channels_with_their_addresses(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        headers = world.headers(session, "nurse")
        refused = client.patch(
            "/api/v1/me/contact", json={"notify_channels": ["sms"]}, headers=headers
        )
        bad = client.patch("/api/v1/me/contact", json={"email": "not an address"}, headers=headers)
        twice = client.patch(
            "/api/v1/me/contact", json={"notify_channels": ["sms", "sms"]}, headers=headers
        )
        set_ = client.patch(
            "/api/v1/me/contact",
            json={
                "phone": "070-1234567",
                "email": "b@example.se",
                "notify_channels": ["sms", "email"],
            },
            headers=headers,
        )

        assert refused.status_code == 422
        assert refused.json()["field"] == "notify_channels"
        assert bad.status_code == 422
        assert twice.status_code == 422
        assert set_.status_code == 200, set_.text
        assert set_.json() == {
            "phone": "070-1234567",
            "email": "b@example.se",
            "notify_channels": ["sms", "email"],
        }
        assert client.get("/api/v1/me/contact", headers=headers).json() == set_.json()


class TestMessages:
    @pytest.mark.parametrize("language", ["sv", "en"])
    def test_every_kind_renders_in_both_languages(self, language: str) -> None:
        for kind in messages.KINDS:
            message = messages.render(
                kind,
                severity="high",
                reference="L-12345678",
                link="https://x/alerts/1",
                params={
                    "alert_kind": "news2",
                    "score": 9,
                    "level": 2,
                    "date": "2026-12-05",
                    "count": 2,
                },
                language=language,
            )
            assert (
                "{" not in message.short
                and "L-12345678" in message.short
                or kind.startswith("plan")
                or kind == "route_changed"
            )
            assert "https://x/alerts/1" in message.body


def on_call(session: Session, world: World, user: User) -> None:
    """``user`` covers every slot of their role for the ward, from a week ago, open-ended."""
    for slot in SLOTS:
        session.add(
            OnCallEntry(
                organisation_id=world.clinic.id,
                unit_id=world.ward.id,
                role=user.role,
                slot=slot,
                starts_on=local_today() - timedelta(days=7),
                ends_on=None,
                user_id=user.id,
            )
        )
    session.flush()


class TestOnCall:
    def test_news2_7_or_more_reaches_the_physician_on_call_at_once(
        self,
        client: TestClient,
        session: Session,
        session_factory: sessionmaker[Session],
        world: World,
        smtp: SmtpServer,
    ) -> None:
        jour = make_user(session, world.clinic, role="physician", unit=world.ward)
        jour.email, jour.notify_channels = "jour@example.se", ["email"]
        night_nurse = make_user(session, world.clinic, role="registered_nurse", unit=world.ward)
        on_call(session, world, jour)
        on_call(session, world, night_nurse)

        alert = raise_alert(client, session, world, HIGH)
        run_pending(session_factory)

        told = {u for u, c, _ in deliveries(session, alert) if c == "app"}
        assert told == {str(world.nurse.id), str(jour.id), str(night_nurse.id)}
        assert str(world.physician.id) not in told  # the responsible one: at level 2
        assert [r for r, _ in smtp.mailbox.messages] == [["jour@example.se"]]
        jour_entry = next(n for n in alert.notified if n.get("user_id") == str(jour.id))
        assert jour_entry["as"] == "on_call_physician"
        assert jour_entry["name"] == jour.full_name

    def test_a_medium_alert_reaches_the_nurse_on_call_not_the_physician(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        jour = make_user(session, world.clinic, role="physician", unit=world.ward)
        night_nurse = make_user(session, world.clinic, role="registered_nurse", unit=world.ward)
        on_call(session, world, jour)
        on_call(session, world, night_nurse)

        alert = raise_alert(client, session, world, MEDIUM)

        told = {u for u, c, _ in deliveries(session, alert) if c == "app"}
        assert told == {str(world.nurse.id), str(night_nurse.id)}

    def test_unanswered_it_climbs_to_the_physicians(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        jour = make_user(session, world.clinic, role="physician", unit=world.ward)
        on_call(session, world, jour)
        alert = raise_alert(client, session, world, MEDIUM)

        escalate_due(session, alert.created_at + timedelta(minutes=61))

        notes = session.scalars(select(Notification).where(Notification.alert_id == alert.id)).all()
        escalated = {str(n.user_id) for n in notes if n.kind == "alert_escalated"}
        assert escalated == {str(world.physician.id), str(jour.id)}
        assert all(n.params["level"] == 2 for n in notes if n.kind == "alert_escalated")
