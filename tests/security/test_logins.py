"""Logins resist guessing (issue 10, finding 7): after 5 failed logins for a username or
from an address, every try waits (even with the right password), the wait doubling with each
further failure; the throttle is in the database (it holds across app processes); an unknown
username is answered exactly like a known one; failures and lock-outs are in the access log.
The page login and the API share it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from samband.app import create_app
from samband.models import AuditEvent, LoginAttempt, User
from tests.factories import make_organisation, make_user
from tests.webclient import WebClient

PASSWORD = "test-password-1"  # the factories' password
TOKEN = "/api/v1/auth/token"


@pytest.fixture
def user(session: Session) -> User:
    return make_user(session, make_organisation(session), username="lisa.ssk")


def api_login(client: TestClient, username: str, password: str) -> Any:
    return client.post(TOKEN, data={"username": username, "password": password})


def page_login(client: TestClient, username: str, password: str) -> Any:
    return client.post(
        "/login", data={"username": username, "password": password}, follow_redirects=False
    )


def fail(client: TestClient, username: str, times: int = 5) -> None:
    for _ in range(times):
        assert api_login(client, username, "wrong-password").status_code == 401


def age_attempts(session: Session, seconds: float) -> None:
    """As if the attempts so far had been made ``seconds`` earlier."""
    session.expire_all()
    for attempt in session.scalars(select(LoginAttempt)):
        attempt.at -= timedelta(seconds=seconds)
    session.flush()


@pytest.fixture
def elsewhere(session_factory: sessionmaker[Session]) -> Iterator[TestClient]:
    """A browser at another address (the address is throttled too)."""
    app = create_app(session_factory=session_factory)
    with WebClient(app, client=("192.0.2.7", 50000)) as other:
        yield other


def log_rows(session: Session, action: str) -> list[AuditEvent]:
    session.expire_all()
    return list(
        session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.at)
        )
    )


class TestApi:
    def test_five_failures_then_even_the_right_password_waits(
        self, client: TestClient, user: User
    ) -> None:
        fail(client, "lisa.ssk")

        refused = api_login(client, "lisa.ssk", PASSWORD)

        assert refused.status_code == 429
        assert refused.json()["code"] == "too_many_attempts"
        assert refused.json()["problem"] == "login.too_many"
        assert refused.json()["params"]["seconds"] == int(refused.headers["Retry-After"])
        assert "wait" in refused.json()["detail"]
        assert 1 <= int(refused.headers["Retry-After"]) <= 30
        assert "access_token" not in refused.json()

    def test_a_wrong_password_answers_its_problem_with_the_generic_code(
        self, client: TestClient, user: User
    ) -> None:
        refused = api_login(client, "lisa.ssk", "wrong-password")

        assert refused.status_code == 401
        assert refused.json() == {
            "detail": "wrong username or password",
            "code": "unauthenticated",
            "problem": "login.wrong",
        }

    def test_a_deactivated_account_answers_its_problem(
        self, client: TestClient, session: Session, user: User
    ) -> None:
        user.active = False
        session.flush()

        refused = api_login(client, "lisa.ssk", PASSWORD)

        assert refused.status_code == 401
        assert (refused.json()["code"], refused.json()["problem"]) == (
            "unauthenticated",
            "login.deactivated",
        )

    def test_four_failures_do_not_lock(self, client: TestClient, user: User) -> None:
        fail(client, "lisa.ssk", times=4)

        assert api_login(client, "lisa.ssk", PASSWORD).status_code == 200

    def test_the_wait_grows_with_each_further_failure(
        self, client: TestClient, session: Session, user: User
    ) -> None:
        fail(client, "lisa.ssk")
        first = int(api_login(client, "lisa.ssk", PASSWORD).headers["Retry-After"])
        age_attempts(session, 31)  # the first wait (30 s) is over

        assert api_login(client, "lisa.ssk", "still-wrong").status_code == 401  # 6th failure
        second = int(api_login(client, "lisa.ssk", PASSWORD).headers["Retry-After"])
        age_attempts(session, 61)
        assert api_login(client, "lisa.ssk", "wrong-again").status_code == 401  # 7th
        third = int(api_login(client, "lisa.ssk", PASSWORD).headers["Retry-After"])

        assert first <= 30 < second <= 60 < third <= 120

    def test_after_the_wait_the_right_password_works_and_starts_again(
        self, client: TestClient, session: Session, user: User
    ) -> None:
        fail(client, "lisa.ssk")
        assert api_login(client, "lisa.ssk", PASSWORD).status_code == 429
        age_attempts(session, 31)

        assert api_login(client, "lisa.ssk", PASSWORD).status_code == 200
        # the success counts: four more failures do not lock
        fail(client, "lisa.ssk", times=4)
        assert api_login(client, "lisa.ssk", PASSWORD).status_code == 200

    def test_an_unknown_username_gets_the_identical_answers(
        self, client: TestClient, elsewhere: TestClient, user: User
    ) -> None:
        def answers(by: TestClient, username: str) -> list[tuple[int, str, str, str | None]]:
            out = []
            for password in ["wrong-password"] * 5 + [PASSWORD]:
                response = api_login(by, username, password)
                body = response.json()
                out.append(
                    (
                        response.status_code,
                        body["detail"],
                        body["code"],
                        response.headers.get("WWW-Authenticate"),
                    )
                )
            return out

        known, unknown = answers(client, "lisa.ssk"), answers(elsewhere, "nobody.here")

        assert [a[0] for a in known] == [401] * 5 + [429]
        assert known[:5] == unknown[:5]  # the same status, text, code and header
        assert (unknown[5][0], unknown[5][2]) == (429, "too_many_attempts")

    def test_failures_and_the_lock_out_are_in_the_access_log(
        self, client: TestClient, elsewhere: TestClient, session: Session, user: User
    ) -> None:
        fail(client, "lisa.ssk")
        api_login(client, "lisa.ssk", PASSWORD)
        api_login(elsewhere, "nobody.here", "whatever-1")

        failed = log_rows(session, "login_failed")
        assert [r.username for r in failed] == ["lisa.ssk"] * 5 + ["nobody.here"]
        assert all(r.patient_id is None and r.user_id is None for r in failed)
        assert all(not r.allowed and r.resource_type == "login" for r in failed)
        assert failed[0].reason == "wrong password (from testclient)"
        assert failed[-1].reason == "no such user (from 192.0.2.7)"
        assert failed[0].path == TOKEN
        locked = log_rows(session, "login_locked")
        # the 5th failure locks; the right password during the wait is refused and logged
        assert [r.username for r in locked] == ["lisa.ssk", "lisa.ssk"]
        assert str(locked[0].reason).startswith("locked out: 5 failed")
        assert "wait 30 s" in str(locked[1].reason)

    def test_five_failures_from_one_address_lock_that_address(
        self, client: TestClient, elsewhere: TestClient, session: Session, user: User
    ) -> None:
        for name in ("anna", "bert", "cecilia", "david", "erik"):  # one failure each
            assert api_login(client, name, "Sommar2026!").status_code == 401

        refused = api_login(client, "lisa.ssk", PASSWORD)

        assert refused.status_code == 429
        locked = log_rows(session, "login_locked")
        assert "from testclient" in str(locked[-1].reason)
        # the account itself is not locked: from another address it logs in
        assert api_login(elsewhere, "lisa.ssk", PASSWORD).status_code == 200


class TestAcrossProcesses:
    @pytest.fixture
    def second_app(self, session_factory: sessionmaker[Session]) -> Iterator[TestClient]:
        with WebClient(create_app(session_factory=session_factory)) as other:
            yield other

    def test_failures_in_one_app_lock_the_other(
        self, client: TestClient, second_app: TestClient, user: User
    ) -> None:
        """Two app instances (two processes of one deployment) share only the database."""
        fail(client, "lisa.ssk", times=3)
        fail(second_app, "lisa.ssk", times=2)

        assert api_login(client, "lisa.ssk", PASSWORD).status_code == 429
        assert page_login(second_app, "lisa.ssk", PASSWORD).status_code == 429


class TestPage:
    def test_five_failures_then_the_page_says_to_wait(
        self, client: TestClient, session: Session, user: User
    ) -> None:
        for _ in range(5):
            response = page_login(client, "lisa.ssk", "wrong-password")
            assert response.status_code == 401
            assert "Fel användarnamn eller lösenord" in response.text

        refused = page_login(client, "lisa.ssk", PASSWORD)

        assert refused.status_code == 429
        assert "För många misslyckade inloggningar. Vänta" in refused.text
        assert int(refused.headers["Retry-After"]) <= 30
        assert "samband_session" not in refused.cookies
        client.cookies.set("samband_lang", "en")
        assert "Too many failed logins. Wait" in page_login(client, "lisa.ssk", PASSWORD).text
        failed = log_rows(session, "login_failed")
        assert len(failed) == 5
        assert failed[0].path == "/login"

    def test_the_page_and_the_api_count_together(self, client: TestClient, user: User) -> None:
        fail(client, "lisa.ssk", times=3)
        for _ in range(2):
            assert page_login(client, "lisa.ssk", "wrong-password").status_code == 401

        assert api_login(client, "lisa.ssk", PASSWORD).status_code == 429

    def test_an_unknown_username_gets_the_same_page(self, client: TestClient, user: User) -> None:
        known = page_login(client, "lisa.ssk", "wrong-password")
        unknown = page_login(client, "nobody.here", "wrong-password")

        assert known.status_code == unknown.status_code == 401

        def same(text: str, name: str) -> str:  # every rendered form has a fresh one-time id
            return re.sub(r'name="form_id" value="[^"]+"', "", text.replace(name, "X"))

        assert same(known.text, "lisa.ssk") == same(unknown.text, "nobody.here")

    def test_after_the_wait_the_login_works(
        self, client: TestClient, session: Session, user: User
    ) -> None:
        fail(client, "lisa.ssk")
        age_attempts(session, 31)

        response = page_login(client, "lisa.ssk", PASSWORD)

        assert response.status_code == 303
        assert "samband_session" in response.cookies
