from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import (
    auth,
    make_episode,
    make_organisation,
    make_patient,
    make_unit,
    make_user,
)

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "samband" / "web" / "templates"


def login(client: TestClient, session: Session, user: object) -> None:
    client.cookies.set("samband_session", auth(session, user)["Authorization"][7:])  # type: ignore[arg-type]


class TestLogin:
    def test_pages_need_login(self, client: TestClient) -> None:
        response = client.get("/", follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == "/login?next=/"

    def test_wrong_password_shows_the_error(self, client: TestClient, session: Session) -> None:
        make_user(session, make_organisation(session), username="lisa.ssk")
        response = client.post("/login", data={"username": "lisa.ssk", "password": "nope-nope"})
        assert response.status_code == 401
        assert "Fel användarnamn eller lösenord" in response.text

    def test_login_sets_the_session_and_goes_on(self, client: TestClient, session: Session) -> None:
        make_user(session, make_organisation(session), username="kalle.ssk")
        response = client.post(
            "/login",
            data={"username": "kalle.ssk", "password": "test-password-1", "next": "/patients"},
            follow_redirects=False,
        )
        assert response.status_code == 303
        assert response.headers["location"] == "/patients"
        assert "samband_session" in response.cookies

    def test_logout_ends_the_session(self, client: TestClient, session: Session) -> None:
        login(client, session, make_user(session, make_organisation(session)))
        token = client.cookies.get("samband_session")
        assert client.get("/", follow_redirects=False).status_code == 200
        client.post("/logout", follow_redirects=False)
        client.cookies.set("samband_session", token)  # an old copy of the cookie is useless
        assert client.get("/", follow_redirects=False).status_code == 303

    def test_next_cannot_leave_the_site(self, client: TestClient, session: Session) -> None:
        make_user(session, make_organisation(session), username="olle.ssk")
        response = client.post(
            "/login",
            data={"username": "olle.ssk", "password": "test-password-1", "next": "//evil.example"},
            follow_redirects=False,
        )
        assert response.headers["location"] == "/"


class TestOverview:
    def test_shows_own_patients_at_home_and_candidates_only(
        self, client: TestClient, session: Session
    ) -> None:
        clinic = make_organisation(session)
        ward = make_unit(session, clinic, beds=2)
        nurse = make_user(session, clinic, unit=ward)
        home = make_episode(
            session, make_patient(session, given_name="Hemma"), unit=ward, state="at_home"
        )
        make_episode(session, make_patient(session, given_name="Kandidat"), unit=ward)
        make_episode(
            session, make_patient(session, given_name="Förbereds"), unit=ward, state="planned"
        )
        other = make_unit(session, make_organisation(session))
        make_episode(
            session, make_patient(session, given_name="Främling"), unit=other, state="at_home"
        )
        login(client, session, nurse)
        page = client.get("/")
        assert page.status_code == 200
        assert "Hemma" in page.text
        assert "Kandidat" in page.text
        assert "Förbereds" in page.text
        assert "Främling" not in page.text
        assert 'data-poll="/overview/live"' in page.text
        assert "<strong>2 lediga trygghetsplatser av 2</strong>" in page.text
        live = client.get("/overview/live")
        assert live.status_code == 200
        assert "<html" not in live.text
        assert f"/patients/{home.patient_id}" in live.text

    def test_shows_todays_visits_done_to_come_and_cancelled(
        self, client: TestClient, session: Session
    ) -> None:
        from samband.kit.time import local_today, utcnow
        from samband.models import Visit

        clinic = make_organisation(session)
        ward = make_unit(session, clinic)
        nurse = make_user(session, clinic, unit=ward)
        episode = make_episode(session, make_patient(session), unit=ward, state="at_home")
        for status in ("done", "planned", "assigned", "cancelled"):
            session.add(
                Visit(
                    episode_id=episode.id,
                    patient_id=episode.patient_id,
                    date=local_today(),
                    what="IV",
                    window_start=utcnow(),
                    window_end=utcnow(),
                    duration_min=30,
                    role="registered_nurse",
                    organisation_kind="hospital_clinic",
                    organisation_id=clinic.id,
                    source="plan",
                    status=status,
                )
            )
        session.flush()
        login(client, session, nurse)
        # done, to come (planned and assigned), cancelled: as the round counts them
        assert "1 gjorda · 2 kvar · 1 inställda" in client.get("/overview/live").text

    def test_english_is_selectable(self, client: TestClient, session: Session) -> None:
        login(client, session, make_user(session, make_organisation(session)))
        client.get("/language/en")
        assert "Patients at home" in client.get("/").text
        client.get("/language/sv")
        assert "Patienter hemma" in client.get("/").text
