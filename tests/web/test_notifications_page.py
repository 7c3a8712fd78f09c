"""Aviseringar: the nurse sees the alert that reached her, in Swedish, with its deliveries;
opening it marks it read and leads to the alert; she sets how she is reached, and a channel
without its address is refused with the reason and nothing saved."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from samband.models import Notification
from tests.observations.world import HIGH, World, alerts_of, make_world, post, vitals
from tests.web.test_overview import login


@pytest.fixture
def world(session: Session) -> World:
    return make_world(session)


def test_the_alert_that_reached_me_and_opening_it(
    client: TestClient, session: Session, world: World
) -> None:
    post(client, world.headers(session, "device"), vitals(world, HIGH))
    (alert,) = alerts_of(session, world.episode)
    login(client, session, world.nurse)

    page = client.get("/notifications")
    note = session.query(Notification).filter_by(user_id=world.nurse.id).one()
    opened = client.post(f"/notifications/{note.id}/open", follow_redirects=False)

    assert page.status_code == 200
    assert "Larm HÖG" in page.text
    assert "NEWS2 8" in page.text
    assert "Samband: skickad" in page.text  # the in-app delivery
    assert world.patient.family_name not in page.text
    assert opened.status_code == 303
    assert opened.headers["location"] == f"/alerts/{alert.id}"
    session.refresh(note)
    assert note.read_at is not None


def test_another_persons_notification_is_not_found(
    client: TestClient, session: Session, world: World
) -> None:
    post(client, world.headers(session, "device"), vitals(world, HIGH))
    note = session.query(Notification).filter_by(user_id=world.nurse.id).one()
    login(client, session, world.physician)

    response = client.post(f"/notifications/{note.id}/open", follow_redirects=False)

    assert response.status_code == 404
    session.refresh(note)
    assert note.read_at is None


def test_set_how_i_am_reached(client: TestClient, session: Session, world: World) -> None:
    login(client, session, world.nurse)

    refused = client.post("/notifications/contact", data={"phone": "", "email": "", "first": "sms"})
    session.refresh(world.nurse)
    unchanged = list(world.nurse.notify_channels or [])
    saved = client.post(
        "/notifications/contact",
        data={"phone": "070-123 45 67", "email": "k@example.se", "first": "sms", "second": "email"},
        follow_redirects=False,
    )

    assert refused.status_code == 422
    assert "Sms kräver ett mobilnummer" in refused.text
    assert unchanged == []
    assert saved.status_code == 303
    session.refresh(world.nurse)
    assert world.nurse.notify_channels == ["sms", "email"]
    assert world.nurse.phone == "070-123 45 67"


def test_the_api_refusal_has_its_code_and_the_page_language_its_text(
    client: TestClient, session: Session, world: World
) -> None:
    """The service's refusal (a channel without its address) is a problem: the API answers
    its code and the old English sentence; the same problem reads in Swedish on a page."""
    from samband.kit.errors import problem
    from tests.factories import auth

    refused = client.patch(
        "/api/v1/me/contact",
        json={"notify_channels": ["email"]},
        headers=auth(session, world.nurse),
    )

    assert refused.status_code == 422
    body = refused.json()
    assert (body["code"], body["field"]) == ("notifications.email_needs_address", "notify_channels")
    assert body["detail"].startswith("e-mail needs an address")
    swedish = problem(body["code"]).text("sv")
    assert swedish.startswith("E-post kräver en e-postadress")
