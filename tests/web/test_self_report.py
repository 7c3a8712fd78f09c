"""The patient's tablet (web/selfreport.py, selfreport/service.py, decision 0008): staff start
patient mode on the device, their session there ends, and the tablet can then only send this
episode's self-reports; impossible values are refused in plain Swedish and nothing is stored;
the thank-you screen says whom to call and never shows NEWS2."""

from __future__ import annotations

import re
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from samband.models import ApiToken, EpisodeEvent, ObservationSet
from samband.web.selfreport import COOKIE
from tests.observations.world import World, alerts_of, count_sets, make_world
from tests.web.test_overview import login


@pytest.fixture
def world(session: Session) -> World:
    return make_world(session)


def start_patient_mode(client: TestClient, session: Session, world: World) -> str:
    """The nurse starts patient mode on the tablet (the client); the tablet's cookie."""
    login(client, session, world.nurse)
    answer = client.post(f"/self-report/{world.episode.id}/start", follow_redirects=False)
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == f"/self-report/{world.episode.id}"
    cookie = client.cookies.get(COOKIE)
    assert cookie
    return str(cookie)


def tokens(session: Session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(ApiToken)) or 0


class TestStarting:
    def test_staff_see_what_patient_mode_is_and_a_button(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        login(client, session, world.nurse)

        page = client.get(f"/self-report/{world.episode.id}")

        assert page.status_code == 200
        assert "Patientläge på surfplatta" in page.text
        assert "Starta patientläge på den här enheten" in page.text

    def test_starting_ends_the_staff_session_on_the_device(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        login(client, session, world.nurse)
        staff_token = client.cookies.get("samband_session")

        answer = client.post(f"/self-report/{world.episode.id}/start", follow_redirects=False)

        set_cookies = answer.headers.get_list("set-cookie")
        assert any(c.startswith('samband_session=""') for c in set_cookies), set_cookies
        patient_cookie = next(c for c in set_cookies if c.startswith(COOKIE))
        assert "Path=/self-report" in patient_cookie
        assert "HttpOnly" in patient_cookie
        assert "SameSite=strict" in patient_cookie
        # the staff member's token from this device is revoked: it opens nothing any more
        client.cookies.set("samband_session", str(staff_token))
        assert client.get("/", follow_redirects=False).status_code == 303
        event = session.scalars(
            select(EpisodeEvent).where(
                EpisodeEvent.episode_id == world.episode.id,
                EpisodeEvent.kind == "self_report.paired",
            )
        ).one()
        assert event.by_user_id == world.nurse.id

    def test_without_a_login_the_page_asks_staff_to_log_in(self, client: TestClient) -> None:
        answer = client.get(f"/self-report/{uuid.uuid4()}", follow_redirects=False)

        assert answer.status_code == 303
        assert answer.headers["location"].startswith("/login?next=/self-report/")

    def test_another_organisation_cannot_start_it(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        login(client, session, world.outsider)

        page = client.get(f"/self-report/{world.episode.id}")
        start = client.post(f"/self-report/{world.episode.id}/start", follow_redirects=False)

        assert page.status_code == 404
        assert world.patient.family_name not in page.text
        assert start.status_code == 404
        assert client.cookies.get(COOKIE) is None


class TestReporting:
    def test_the_form_is_plain_and_big(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        start_patient_mode(client, session, world)

        page = client.get(f"/self-report/{world.episode.id}")

        assert page.status_code == 200
        text = page.text
        assert f"Hej {world.patient.given_name}!" in text
        assert "Hur mår du idag?" in text
        for label in ("Temperatur", "Syremättning", "Puls", "Blodtryck, det övre värdet"):
            assert f">{label}</label>" in text, label
        assert "Får du syrgas just nu?" in text
        assert 'class="patient-mode"' in text
        assert 'href="/patients' not in text  # no staff navigation in patient mode
        assert "NEWS2" not in text

    def test_a_report_is_stored_as_a_self_report_and_thanked_without_news2(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        start_patient_mode(client, session, world)
        before = count_sets(session, world.patient)

        sent = client.post(
            f"/self-report/{world.episode.id}",
            data={
                "feeling": "worse",
                "temperature": "39,4",
                "spo2": "90",
                "pulse": "118",
                "systolic_bp": "98",
                "diastolic_bp": "60",
                "respiratory_rate": "26",
                "on_oxygen": "no",
                "symptoms": "Frossa i natt",
                "client_id": "self-report-test-1",
            },
            follow_redirects=False,
        )

        assert sent.status_code == 303
        assert sent.headers["location"] == f"/self-report/{world.episode.id}/thanks?worse=1"
        assert count_sets(session, world.patient) == before + 1
        stored = session.scalars(
            select(ObservationSet).where(ObservationSet.patient_id == world.patient.id)
        ).one()
        assert stored.source == "self_report"
        assert stored.recorded_by_id == world.nurse.id  # who paired the tablet
        assert (stored.temperature, stored.spo2, stored.pulse) == (39.4, 90, 118)
        assert stored.symptoms == "Hur mår du idag? Sämre\nFrossa i natt"
        assert stored.news2_total is not None
        assert stored.news2_total >= 7
        # NEWS2 high, and the OPAT plan's limit: temperature 38.5 or more
        alerts = alerts_of(session, world.episode)
        kinds = sorted((a.kind, a.severity) for a in alerts)
        assert kinds == [("limit", "high"), ("news2", "high")]

        thanks = client.get(sent.headers["location"])
        assert thanks.status_code == 200
        assert "Tack!" in thanks.text
        assert "Du skrev att du mår sämre" in thanks.text
        assert "Om du blir sämre" in thanks.text
        assert "112" in thanks.text
        assert 'href="tel:' in thanks.text
        assert "NEWS2" not in thanks.text
        assert not re.search(r"\bhög\b", thanks.text)

    def test_a_double_tap_stores_one_set(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        start_patient_mode(client, session, world)
        body = {"temperature": "37,2", "client_id": "self-report-double"}

        client.post(f"/self-report/{world.episode.id}", data=body, follow_redirects=False)
        again = client.post(f"/self-report/{world.episode.id}", data=body, follow_redirects=False)

        assert again.status_code == 303
        assert count_sets(session, world.patient) == 1

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("temperature", "60", "60 kan inte stämma för temperatur"),
            ("temperature", "98,6", "98,6 ser ut som grader Fahrenheit"),
            ("spo2", "101", "Syremättningen kan inte vara mer än 100"),
            ("pulse", "0", "0 kan inte stämma för puls"),
            ("pulse", "72,5", "Skriv ett helt tal utan decimaler"),
            ("temperature", "trettiosju", "Skriv bara siffror, till exempel 37,5"),
        ],
    )
    def test_impossible_values_are_refused_in_plain_swedish_and_nothing_is_stored(
        self,
        client: TestClient,
        session: Session,
        world: World,
        field: str,
        value: str,
        message: str,
    ) -> None:
        start_patient_mode(client, session, world)

        refused = client.post(
            f"/self-report/{world.episode.id}", data={"feeling": "good", field: value}
        )

        assert refused.status_code == 422
        assert message in refused.text
        assert f'id="f-{field}" name="{field}"' in refused.text
        assert 'aria-invalid="true"' in refused.text
        assert f'value="{value}"' in refused.text  # what was typed stays
        assert count_sets(session, world.patient) == 0

    def test_swapped_blood_pressure_and_an_empty_form(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        start_patient_mode(client, session, world)

        swapped = client.post(
            f"/self-report/{world.episode.id}", data={"systolic_bp": "80", "diastolic_bp": "120"}
        )
        empty = client.post(f"/self-report/{world.episode.id}", data={})

        assert swapped.status_code == 422
        assert "Det undre värdet ska vara lägre än det övre" in swapped.text
        assert empty.status_code == 422
        assert "Fyll i minst ett värde, eller svara på hur du mår." in empty.text
        assert count_sets(session, world.patient) == 0


class TestWhatTheTabletCannotDo:
    def test_its_secret_is_no_bearer_token_and_no_session(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        cookie = start_patient_mode(client, session, world)
        secret = cookie.split(".", 1)[1]

        api = client.get(
            f"/api/v1/patients/{world.patient.id}", headers={"Authorization": f"Bearer {secret}"}
        )
        client.cookies.set("samband_session", secret)
        staff_page = client.get("/patients", follow_redirects=False)

        assert api.status_code == 401
        assert staff_page.status_code == 303  # to the login page

    def test_it_belongs_to_one_episode(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        cookie = start_patient_mode(client, session, world)
        other = make_world(session)
        # the same organisation's nurse has no say here: another world, another patient
        forged = f"{other.episode.id}.{cookie.split('.', 1)[1]}"
        client.cookies.set(COOKIE, forged, path="/self-report")

        page = client.get(f"/self-report/{other.episode.id}")
        sent = client.post(f"/self-report/{other.episode.id}", data={"temperature": "37"})

        assert "Patientläget är avslutat" in page.text
        assert sent.status_code == 401
        assert count_sets(session, other.patient) == 0

    def test_staff_end_patient_mode_on_the_tablet(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        start_patient_mode(client, session, world)
        before = tokens(session)

        ended = client.post(f"/self-report/{world.episode.id}/end", follow_redirects=False)

        assert ended.headers["location"] == "/login"
        assert tokens(session) == before - 1
        client.cookies.clear()
        page = client.get(f"/self-report/{world.episode.id}", follow_redirects=False)
        assert page.status_code == 303  # nobody logged in, no pairing: the login page

    def test_it_ends_with_the_episode(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        start_patient_mode(client, session, world)
        world.episode.state = "discharged"
        session.flush()

        page = client.get(f"/self-report/{world.episode.id}")
        sent = client.post(f"/self-report/{world.episode.id}", data={"temperature": "37"})

        assert "Patientläget är avslutat" in page.text
        assert "Patientläget är avslutat" in sent.text
        assert count_sets(session, world.patient) == 0

    def test_a_deactivated_account_ends_it(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        start_patient_mode(client, session, world)
        world.nurse.active = False
        session.flush()

        page = client.get(f"/self-report/{world.episode.id}")

        assert "Patientläget är avslutat" in page.text
