"""Bad input of every kind gets a 4xx a person can act on, and changes nothing; a database
that cannot be reached gets a 503 that says to retry."""

from __future__ import annotations

import socket
import sqlite3
from collections.abc import Iterator

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from samband.app import create_app
from samband.kit.time import utcnow
from samband.models import Patient
from tests.factories import auth, make_organisation, make_user, random_id


class TestBadInput:
    def test_malformed_json_is_422(self, client: TestClient, session: Session) -> None:
        nurse = make_user(session, make_organisation(session))
        response = client.post(
            "/api/v1/patients",
            content=b'{"personnummer": ',
            headers=auth(session, nurse) | {"Content-Type": "application/json"},
        )
        assert response.status_code == 422
        assert response.json()["code"] == "invalid"

    def test_nul_character_is_422_and_writes_nothing(
        self, client: TestClient, session: Session
    ) -> None:
        nurse = make_user(session, make_organisation(session))
        before = session.scalar(select(func.count()).select_from(Patient))
        response = client.post(
            "/api/v1/patients",
            json={"personnummer": "19121212-1212", "given_name": "K\x00im", "family_name": "B"},
            headers=auth(session, nurse),
        )
        assert response.status_code == 422
        assert session.scalar(select(func.count()).select_from(Patient)) == before

    def test_unknown_field_is_named(self, client: TestClient, session: Session) -> None:
        nurse = make_user(session, make_organisation(session))
        response = client.post(
            "/api/v1/patients",
            json={"personnummer": "19121212-1212", "given_name": "K", "family_name": "B", "x": 1},
            headers=auth(session, nurse),
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "x"

    def test_bad_token_is_401(self, client: TestClient) -> None:
        response = client.get("/api/v1/me", headers={"Authorization": "Bearer nope"})
        assert response.status_code == 401
        assert "log in again" in response.json()["detail"]
        assert response.json()["code"] == "unauthenticated"
        assert response.json()["problem"] == "session.unknown_token"

    def test_no_token_is_401_with_its_problem(self, client: TestClient) -> None:
        response = client.get("/api/v1/me")
        assert response.status_code == 401
        assert response.json()["code"] == "unauthenticated"
        assert response.json()["problem"] == "login.required"

    def test_wrong_password_is_401(self, client: TestClient, session: Session) -> None:
        user = make_user(session, make_organisation(session), username="kalle")
        response = client.post(
            "/api/v1/auth/token", data={"username": user.username, "password": "wrong-password"}
        )
        assert response.status_code == 401


class TestLogout:
    def test_a_revoked_token_no_longer_works(self, client: TestClient, session: Session) -> None:
        headers = auth(session, make_user(session, make_organisation(session)))
        assert client.get("/api/v1/me", headers=headers).status_code == 200
        assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
        assert client.get("/api/v1/me", headers=headers).status_code == 401


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class TestDatabaseDown:
    """While the database cannot be reached (restarting, down), every request that needs it
    is answered 503 with a message to retry, never 500. Simulated with an app whose
    PostgreSQL URL points at a closed port on this machine: each connection is refused."""

    @pytest.fixture
    def down(self) -> Iterator[TestClient]:
        url = f"postgresql+psycopg://samband@127.0.0.1:{_closed_port()}/samband"
        with TestClient(create_app(database_url=url), raise_server_exceptions=False) as c:
            yield c

    def test_the_api_answers_503_with_a_retry(self, down: TestClient) -> None:
        headers = {"Authorization": "Bearer some-token"}
        body = {"items": [{"patient_id": random_id(), "measured_at": utcnow().isoformat()}]}

        me = down.get("/api/v1/me", headers=headers)
        batch = down.post("/api/v1/observations/batch", json=body, headers=headers)
        login = down.post("/api/v1/auth/token", data={"username": "a", "password": "b"})

        for response in (me, batch, login):
            assert response.status_code == 503, response.text
            assert response.json()["code"] == "unavailable"
            assert "database is not reachable" in response.json()["detail"]
            assert response.headers["Retry-After"] == "2"

    def test_fhir_answers_an_operation_outcome(self, down: TestClient) -> None:
        response = down.post(
            "/fhir/R4/Observation",
            json={"resourceType": "Observation"},
            headers={"Authorization": "Bearer some-token"},
        )

        assert response.status_code == 503
        assert response.json()["resourceType"] == "OperationOutcome"
        assert response.json()["issue"][0]["code"] == "transient"

    def test_a_page_answers_503(self, down: TestClient) -> None:
        down.cookies.set("samband_session", "some-token")

        response = down.get("/overview/live")

        assert response.status_code == 503
        assert "Databasen går inte att nå just nu" in response.text

    def test_health_needs_no_database(self, down: TestClient) -> None:
        assert down.get("/health").status_code == 200

    @pytest.mark.parametrize(
        ("driver_error", "unavailable"),
        [
            (sqlite3.OperationalError("database is locked"), True),
            (sqlite3.OperationalError('near "(": syntax error'), False),  # a bug: 500
            (sqlite3.OperationalError("no such table: patients"), False),
            (psycopg.errors.AdminShutdown("terminating connection"), True),
            (psycopg.OperationalError("connection refused"), True),
        ],
    )
    def test_only_an_unreachable_database_is_503(
        self, driver_error: Exception, unavailable: bool
    ) -> None:
        from samband.app import _unreachable

        error = OperationalError("SELECT 1", {}, driver_error)

        assert _unreachable(error) is unavailable
