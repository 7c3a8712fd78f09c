"""Bad input of every kind gets a 4xx a person can act on, and changes nothing."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from samband.models import Patient
from tests.factories import auth, make_organisation, make_user


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
