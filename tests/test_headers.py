"""Answers and cookies a shared tablet can be trusted with (issue 10, finding 8): security
headers on every answer, nothing with patient data kept in a browser's cache, a session
cookie that is Secure, HttpOnly, SameSite and dies with the browser, sessions that end after
a while without use, and API documentation that loads nothing from elsewhere."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from samband.app import create_app
from samband.config import get_settings
from samband.kit.time import utcnow
from samband.models import ApiToken, User
from tests.factories import auth, make_episode, make_organisation, make_patient, make_unit
from tests.factories import make_user as make_staff

TEMPLATES = Path(__file__).resolve().parents[1] / "src" / "samband" / "web" / "templates"
PASSWORD = "test-password-1"


@pytest.fixture
def nurse(session: Session) -> User:
    clinic = make_organisation(session)
    return make_staff(session, clinic, unit=make_unit(session, clinic), username="kim.ssk")


def page_login(client: TestClient, user: User) -> object:
    response = client.post(
        "/login", data={"username": user.username, "password": PASSWORD}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    return response


def session_cookie(response: object) -> str:
    cookies = response.headers.get_list("set-cookie")  # type: ignore[attr-defined]
    return next(c for c in cookies if c.startswith("samband_session="))


def assert_security_headers(response: object) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    csp = headers["content-security-policy"]
    directives = dict(
        (part.split(" ", 1) + [""])[:2] for part in (p.strip() for p in csp.split(";")) if part
    )
    assert directives["script-src"] == "'self'"  # no inline script, no eval, no CDN
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "data:" in directives["img-src"]
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"


class TestHeaders:
    def test_a_patient_page_has_them_and_is_not_cached(
        self, client: TestClient, session: Session, nurse: User
    ) -> None:
        patient = make_patient(session, registered_by=nurse)
        assert nurse.unit is not None
        make_episode(session, patient, unit=nurse.unit, state="at_home")
        page_login(client, nurse)

        response = client.get(f"/patients/{patient.id}")

        assert response.status_code == 200
        assert_security_headers(response)
        assert response.headers["cache-control"] == "no-store"

    def test_api_json_with_patient_data_is_not_cached(
        self, client: TestClient, session: Session, nurse: User
    ) -> None:
        patient = make_patient(session, registered_by=nurse)

        response = client.get(f"/api/v1/patients/{patient.id}", headers=auth(session, nurse))

        assert response.status_code == 200
        assert response.json()["personnummer"]
        assert_security_headers(response)
        assert response.headers["cache-control"] == "no-store"

    @pytest.mark.parametrize(
        "path", ["/login", "/api/v1/me", "/api/v1/nothing-here", "/fhir/R4/Observation/x"]
    )
    def test_errors_and_the_login_page_have_them_too(self, client: TestClient, path: str) -> None:
        response = client.get(path)

        assert_security_headers(response)
        assert response.headers["cache-control"] == "no-store"

    def test_the_patient_copy_pdf_is_not_cached(
        self, client: TestClient, session: Session, nurse: User
    ) -> None:
        patient = make_patient(session, registered_by=nurse)
        page_login(client, nurse)

        response = client.get(f"/patients/{patient.id}/copy.pdf")

        assert response.headers["cache-control"] == "no-store"
        assert response.headers["x-content-type-options"] == "nosniff"

    def test_static_assets_may_be_cached(self, client: TestClient) -> None:
        response = client.get("/static/app.css")

        assert response.status_code == 200
        assert "no-store" not in response.headers.get("cache-control", "")
        assert response.headers["x-content-type-options"] == "nosniff"

    def test_templates_have_no_inline_script(self) -> None:
        for path in TEMPLATES.glob("*.html"):
            text = path.read_text()
            assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), path.name
            assert not re.search(r"\son[a-z]+\s*=", text), path.name
            assert "javascript:" not in text, path.name


class TestSessionCookie:
    def test_secure_httponly_samesite_and_gone_with_the_browser(
        self, client: TestClient, nurse: User
    ) -> None:
        cookie = session_cookie(page_login(client, nurse))

        attributes = [a.strip().lower() for a in cookie.split(";")[1:]]
        assert "secure" in attributes
        assert "httponly" in attributes
        assert "samesite=lax" in attributes
        assert not any(a.startswith(("max-age", "expires")) for a in attributes)

    def test_secure_only_off_by_an_explicit_setting(
        self,
        session_factory: sessionmaker[Session],
        nurse: User,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.setenv("SAMBAND_COOKIE_SECURE", "false")
        get_settings.cache_clear()
        try:
            from tests.webclient import WebClient

            with WebClient(create_app(session_factory=session_factory)) as plain:
                cookie = session_cookie(page_login(plain, nurse))
        finally:
            get_settings.cache_clear()

        assert "secure" not in cookie.lower()
        assert "httponly" in cookie.lower()

    def test_logout_clears_the_cookie(self, client: TestClient, nurse: User) -> None:
        page_login(client, nurse)

        response = client.post("/logout", follow_redirects=False)

        assert session_cookie(response).startswith('samband_session="";')
        assert client.get("/", follow_redirects=False).status_code == 303


class TestIdleSessions:
    @pytest.fixture
    def logged_in(self, client: TestClient, session: Session, nurse: User) -> ApiToken:
        page_login(client, nurse)
        session.expire_all()
        token = session.scalar(select(ApiToken).where(ApiToken.user_id == nurse.id))
        assert token is not None
        assert token.kind == "session"
        return token

    def idle(self, session: Session, token: ApiToken, minutes: float) -> None:
        token.last_used_at = utcnow() - timedelta(minutes=minutes)
        session.flush()

    def test_after_30_minutes_without_use_the_session_has_ended(
        self, client: TestClient, session: Session, logged_in: ApiToken
    ) -> None:
        self.idle(session, logged_in, 31)

        response = client.get("/", follow_redirects=False)

        assert response.status_code == 303
        assert response.headers["location"] == "/login?next=/"

    def test_use_keeps_it_going_and_is_written_at_most_once_a_minute(
        self, client: TestClient, session: Session, logged_in: ApiToken
    ) -> None:
        self.idle(session, logged_in, 29)
        assert client.get("/", follow_redirects=False).status_code == 200
        session.refresh(logged_in)
        touched = logged_in.last_used_at
        assert touched is not None
        assert utcnow() - touched < timedelta(minutes=1)

        assert client.get("/", follow_redirects=False).status_code == 200
        session.refresh(logged_in)
        assert logged_in.last_used_at == touched  # not written again within the minute

        self.idle(session, logged_in, 29)
        assert client.get("/", follow_redirects=False).status_code == 200

    def test_a_page_refreshing_itself_is_not_a_use(
        self, client: TestClient, session: Session, logged_in: ApiToken
    ) -> None:
        """app.js's polls (X-Requested-With: fetch): a tablet left on the overview is
        logged out all the same."""
        self.idle(session, logged_in, 20)
        before = logged_in.last_used_at

        poll = client.get("/", headers={"X-Requested-With": "fetch"}, follow_redirects=False)

        assert poll.status_code == 200
        session.refresh(logged_in)
        assert logged_in.last_used_at == before
        self.idle(session, logged_in, 31)
        ended = client.get("/", headers={"X-Requested-With": "fetch"}, follow_redirects=False)
        assert ended.status_code == 303

    def test_a_session_token_used_as_a_bearer_token_ends_the_same_way(
        self, client: TestClient, session: Session, logged_in: ApiToken
    ) -> None:
        token = client.cookies.get("samband_session")
        self.idle(session, logged_in, 31)

        response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})

        assert response.status_code == 401

    def test_the_idle_time_is_a_setting(
        self,
        client: TestClient,
        session: Session,
        logged_in: ApiToken,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.setenv("SAMBAND_SESSION_IDLE_MINUTES", "60")
        get_settings.cache_clear()
        try:
            self.idle(session, logged_in, 45)
            assert client.get("/", follow_redirects=False).status_code == 200
        finally:
            get_settings.cache_clear()


class TestApiDocs:
    def test_served_by_samband_alone(self, client: TestClient) -> None:
        page = client.get("/docs")

        assert page.status_code == 200
        assert not re.search(r"(?:src|href)=\"(?:https?:)?//", page.text), page.text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page.text)  # no inline script
        assets = re.findall(r'(?:src|href)="(/[^"]+)"', page.text)
        assert any(a.endswith(".js") for a in assets)
        for asset in assets:
            loaded = client.get(asset)
            assert loaded.status_code == 200, asset
            assert len(loaded.content) > 100, asset
        assert_security_headers(page)
        assert client.get("/openapi.json").status_code == 200
        assert client.get("/redoc").status_code == 404  # off: it would load from a CDN
