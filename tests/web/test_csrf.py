"""Forms resist cross-site request forgery (issue 10, finding 6): a page on another site, or
on another port of this host, cannot post a form as the logged-in user, nor log a browser in
as someone else. Every form carries the token of the browser's `samband_csrf` cookie, and a
form from another origin is refused; the API (bearer tokens) is not affected."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from samband.app import create_app
from samband.models import Episode, EpisodeEvent, LoginAttempt, User
from tests.factories import auth, make_episode, make_organisation, make_patient, make_unit
from tests.factories import make_user as make_staff
from tests.webclient import BASE_URL, WebClient

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "samband" / "web" / "templates"
PASSWORD = "test-password-1"
CSRF = "samband_csrf"


@pytest.fixture
def raw(session_factory: sessionmaker[Session]) -> Iterator[TestClient]:
    """A client that sends only what the test says: no token, no Origin (unlike `client`)."""
    with TestClient(
        create_app(session_factory=session_factory),
        base_url=BASE_URL,
        raise_server_exceptions=False,
    ) as c:
        yield c


@pytest.fixture
def physician(session: Session) -> User:
    clinic = make_organisation(session)
    return make_staff(
        session, clinic, role="physician", unit=make_unit(session, clinic), username="eva.lak"
    )


@pytest.fixture
def episode(session: Session, physician: User) -> Episode:
    patient = make_patient(session, registered_by=physician)
    assert physician.unit is not None
    return make_episode(session, patient, unit=physician.unit, state="at_home")


def log_in(client: TestClient, user: User, session: Session) -> str:
    """Log in through the page (the CSRF cookie it renews comes along)."""
    client.get("/login")
    token = client.cookies.get(CSRF) or ""
    response = client.post(
        "/login",
        data={"username": user.username, "password": PASSWORD, "csrf_token": token},
        headers={"origin": BASE_URL},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return str(client.cookies.get(CSRF))


def events(session: Session, episode: Episode) -> int:
    session.expire_all()
    return (
        session.scalar(
            select(func.count())
            .select_from(EpisodeEvent)
            .where(EpisodeEvent.episode_id == episode.id)
        )
        or 0
    )


def contact(episode: Episode, **extra: str) -> dict[str, str]:
    return {"kind": "phone", "spoke_with": "patient", "outcome": "well", "note": "ok", **extra}


class TestForms:
    def test_a_form_without_the_token_is_refused_and_writes_nothing(
        self, raw: TestClient, session: Session, physician: User, episode: Episode
    ) -> None:
        log_in(raw, physician, session)
        before = events(session, episode)

        response = raw.post(
            f"/episodes/{episode.id}/contact", data=contact(episode), follow_redirects=False
        )

        assert response.status_code == 403
        assert "Ladda om sidan och försök igen" in response.text
        assert events(session, episode) == before

    def test_a_wrong_token_is_refused(
        self, raw: TestClient, session: Session, physician: User, episode: Episode
    ) -> None:
        log_in(raw, physician, session)
        before = events(session, episode)

        response = raw.post(
            f"/episodes/{episode.id}/contact",
            data=contact(episode, csrf_token="A" * 43),
            follow_redirects=False,
        )

        assert response.status_code == 403
        assert events(session, episode) == before

    def test_a_form_from_another_port_of_this_host_is_refused(
        self, raw: TestClient, session: Session, physician: User, episode: Episode
    ) -> None:
        """Finding 6: the attacking page knows the token (a page on another port of the same
        host can set this host's cookies) but not how to fake its Origin."""
        token = log_in(raw, physician, session)
        before = events(session, episode)

        for headers in (
            {"origin": "https://testserver:8443"},
            {"origin": "http://testserver"},
            {"origin": "null"},
            {"referer": "https://testserver:8443/evil.html"},
        ):
            response = raw.post(
                f"/episodes/{episode.id}/contact",
                data=contact(episode, csrf_token=token),
                headers=headers,
                follow_redirects=False,
            )
            assert response.status_code == 403, headers

        assert events(session, episode) == before

    def test_with_the_token_from_this_origin_the_form_works(
        self, raw: TestClient, session: Session, physician: User, episode: Episode
    ) -> None:
        token = log_in(raw, physician, session)
        before = events(session, episode)

        page = raw.get(f"/episodes/{episode.id}/contact")
        field = re.search(r'<input type="hidden" name="csrf_token" value="([^"]+)">', page.text)
        response = raw.post(
            f"/episodes/{episode.id}/contact",
            data=contact(episode, csrf_token=field.group(1) if field else ""),
            headers={"origin": BASE_URL, "referer": f"{BASE_URL}/episodes/{episode.id}/contact"},
            follow_redirects=False,
        )

        assert field is not None
        assert field.group(1) == token
        assert response.status_code == 303, response.text
        assert events(session, episode) == before + 1

    def test_a_double_click_acts_once(
        self, raw: TestClient, session: Session, physician: User, episode: Episode
    ) -> None:
        """The same rendered form posted twice (a double-click) writes one line; the second
        post goes back to the page it came from, saying the form was already sent."""
        log_in(raw, physician, session)
        before = events(session, episode)
        form_page = f"{BASE_URL}/episodes/{episode.id}/contact"
        page = raw.get(form_page).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        form_id = re.search(r'name="form_id" value="([^"]+)"', page)
        assert token is not None
        assert form_id is not None
        sent = contact(episode, csrf_token=token.group(1), form_id=form_id.group(1))
        headers = {"origin": BASE_URL, "referer": form_page}
        answers = [
            raw.post(form_page, data=sent, headers=headers, follow_redirects=False)
            for _ in range(2)
        ]

        assert [a.status_code for a in answers] == [303, 303]
        assert "notice=form_already_sent" not in answers[0].headers["location"]
        assert answers[1].headers["location"] == (
            f"/episodes/{episode.id}/contact?notice=form_already_sent"
        )
        assert events(session, episode) == before + 1
        # the page shown again has a new form: it can be sent
        again = raw.get(form_page).text
        new_id = re.search(r'name="form_id" value="([^"]+)"', again)
        assert new_id is not None
        assert new_id.group(1) != form_id.group(1)

    def test_the_token_may_come_as_a_header(
        self, raw: TestClient, session: Session, physician: User, episode: Episode
    ) -> None:
        token = log_in(raw, physician, session)

        response = raw.post(
            f"/episodes/{episode.id}/contact",
            data=contact(episode),
            headers={"x-csrf-token": token},
            follow_redirects=False,
        )

        assert response.status_code == 303

    def test_the_patients_tablet_is_protected_too(
        self, raw: TestClient, session: Session, physician: User, episode: Episode
    ) -> None:
        log_in(raw, physician, session)

        start = raw.post(f"/self-report/{episode.id}/start", follow_redirects=False)
        report = raw.post(f"/self-report/{episode.id}", data={"pulse": "72"})

        assert start.status_code == report.status_code == 403


class TestLoginAndLogout:
    def test_login_without_the_token_is_refused(
        self, raw: TestClient, session: Session, physician: User
    ) -> None:
        """Login CSRF: a page elsewhere cannot log this browser in as its own user."""
        response = raw.post(
            "/login",
            data={"username": physician.username, "password": PASSWORD},
            follow_redirects=False,
        )

        assert response.status_code == 403
        assert "samband_session" not in response.cookies
        assert session.scalar(select(func.count()).select_from(LoginAttempt)) == 0

    def test_login_from_another_origin_is_refused(
        self, raw: TestClient, session: Session, physician: User
    ) -> None:
        raw.get("/login")
        response = raw.post(
            "/login",
            data={
                "username": physician.username,
                "password": PASSWORD,
                "csrf_token": raw.cookies.get(CSRF) or "",
            },
            headers={"origin": "https://evil.example"},
            follow_redirects=False,
        )

        assert response.status_code == 403
        assert "samband_session" not in response.cookies

    def test_the_login_page_gives_the_token_and_login_renews_it(
        self, raw: TestClient, session: Session, physician: User
    ) -> None:
        page = raw.get("/login")
        before = raw.cookies.get(CSRF)

        after = log_in(raw, physician, session)

        assert before
        assert f'name="csrf_token" value="{before}"' in page.text
        assert after
        assert after != before

    def test_logout_without_the_token_keeps_the_session(
        self, raw: TestClient, session: Session, physician: User
    ) -> None:
        log_in(raw, physician, session)

        refused = raw.post("/logout", follow_redirects=False)

        assert refused.status_code == 403
        assert raw.get("/", follow_redirects=False).status_code == 200

    def test_the_csrf_cookie_is_strict(self, raw: TestClient) -> None:
        set_cookie = raw.get("/login").headers["set-cookie"]

        assert set_cookie.startswith(f"{CSRF}=")
        assert "HttpOnly" in set_cookie
        assert "SameSite=strict" in set_cookie
        assert "Secure" in set_cookie
        assert "Max-Age" not in set_cookie
        assert "expires" not in set_cookie.lower()


class TestApi:
    def test_the_api_takes_no_csrf_token_and_no_cookie(
        self, raw: TestClient, session: Session, physician: User
    ) -> None:
        """The API authenticates with the Authorization header only: a browser never adds it
        by itself, so a forged form cannot use it; the session cookie does not count."""
        body = {"personnummer": "19680314-9829", "given_name": "Kim", "family_name": "Sandberg"}
        log_in(raw, physician, session)

        with_cookie_only = raw.post("/api/v1/patients", json=body)
        with_bearer = raw.post("/api/v1/patients", json=body, headers=auth(session, physician))

        assert with_cookie_only.status_code == 401
        assert with_bearer.status_code in (200, 201)


class TestTemplates:
    def test_every_post_form_carries_the_token(self) -> None:
        missing = []
        for path in sorted(TEMPLATES.glob("*.html")):
            text = path.read_text()
            for form in re.finditer(r"<form\b[^>]*>(.*?)</form>", text, re.S | re.I):
                if re.search(r'method="post"', form.group(0)[:300], re.I) and (
                    "{{ csrf_field() }}" not in form.group(1)
                ):
                    missing.append(f"{path.name}: {form.group(0)[:80]}")
        assert missing == []

    def test_the_browser_like_client_posts_with_the_token(self, client: TestClient) -> None:
        """tests/webclient.py: what the other page tests rely on."""
        assert isinstance(client, WebClient)
        response = client.post("/logout", follow_redirects=False)
        assert response.status_code == 303
