"""The overview's access log (issue 11; docs/security.md): a patient shown on the overview is
logged once per user and patient per SAMBAND_OVERVIEW_LOG_MINUTES, not on every refresh;
opening the patient's record is logged every time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from samband.kit.time import utcnow
from samband.models import AuditEvent, Patient, User
from samband.overview import service
from samband.security import context
from tests.factories import (
    auth,
    make_episode,
    make_organisation,
    make_patient,
    make_unit,
    make_user,
)


def rows(session: Session, user: User, patient: Patient, resource_type: str) -> int:
    return int(
        session.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.user_id == user.id,
                AuditEvent.patient_id == patient.id,
                AuditEvent.resource_type == resource_type,
                AuditEvent.allowed.is_(True),
            )
        )
        or 0
    )


@pytest.fixture
def world(session: Session, client: TestClient) -> tuple[User, User, Patient, Patient]:
    clinic = make_organisation(session)
    ward = make_unit(session, clinic, beds=2)
    nurse = make_user(session, clinic, unit=ward)
    colleague = make_user(session, clinic, unit=ward)
    home = make_patient(session, given_name="Hemma")
    candidate = make_patient(session, given_name="Kandidat")
    make_episode(session, home, unit=ward, state="at_home")
    make_episode(session, candidate, unit=ward)
    client.cookies.set("samband_session", auth(session, nurse)["Authorization"][7:])
    return nurse, colleague, home, candidate


class TestOncePerPeriod:
    def test_refreshes_in_the_period_log_each_patient_once(
        self, client: TestClient, session: Session, world: tuple[User, User, Patient, Patient]
    ) -> None:
        nurse, _, home, candidate = world
        assert client.get("/").status_code == 200
        for _ in range(3):
            assert client.get("/overview/live").status_code == 200
        assert rows(session, nurse, home, "overview") == 1
        assert rows(session, nurse, candidate, "overview") == 1

    def test_after_the_period_the_patient_is_logged_again(
        self,
        client: TestClient,
        session: Session,
        world: tuple[User, User, Patient, Patient],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        nurse, _, home, _ = world
        client.get("/overview/live")
        later = utcnow() + timedelta(minutes=61)
        monkeypatch.setattr(service, "utcnow", lambda: later)
        monkeypatch.setattr(context, "utcnow", lambda: later)  # the log row's time
        client.get("/overview/live")
        client.get("/overview/live")
        assert rows(session, nurse, home, "overview") == 2

    def test_the_period_is_configurable(
        self,
        client: TestClient,
        session: Session,
        world: tuple[User, User, Patient, Patient],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        nurse, _, home, _ = world
        monkeypatch.setenv("SAMBAND_OVERVIEW_LOG_MINUTES", "5")
        from samband.config import get_settings

        get_settings.cache_clear()
        try:
            client.get("/overview/live")
            later = utcnow() + timedelta(minutes=6)
            monkeypatch.setattr(service, "utcnow", lambda: later)
            client.get("/overview/live")
            assert rows(session, nurse, home, "overview") == 2
        finally:
            monkeypatch.delenv("SAMBAND_OVERVIEW_LOG_MINUTES")
            get_settings.cache_clear()

    def test_each_user_is_logged_for_themselves(
        self, client: TestClient, session: Session, world: tuple[User, User, Patient, Patient]
    ) -> None:
        nurse, colleague, home, _ = world
        client.get("/overview/live")
        client.cookies.set("samband_session", auth(session, colleague)["Authorization"][7:])
        client.get("/overview/live")
        client.get("/overview/live")
        assert rows(session, nurse, home, "overview") == 1
        assert rows(session, colleague, home, "overview") == 1

    def test_opening_the_patient_is_logged_every_time(
        self, client: TestClient, session: Session, world: tuple[User, User, Patient, Patient]
    ) -> None:
        nurse, _, home, _ = world
        before = rows(session, nurse, home, "patient")
        for _ in range(3):
            client.get("/overview/live")
            assert client.get(f"/patients/{home.id}").status_code == 200
        assert rows(session, nurse, home, "patient") - before >= 3
        assert rows(session, nurse, home, "overview") == 1
