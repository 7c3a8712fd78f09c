"""The trygghet questionnaire on the tablet at discharge (web/outcomes.py)."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from samband.kit.time import utcnow
from samband.models import Episode, QuestionnaireResponse, User
from tests.factories import (
    auth,
    make_episode,
    make_organisation,
    make_patient,
    make_unit,
    make_user,
)


def login(client: TestClient, session: Session, user: User) -> None:
    client.cookies.set("samband_session", auth(session, user)["Authorization"][7:])


def at_home(session: Session) -> tuple[Episode, User]:
    clinic = make_organisation(session)
    ward = make_unit(session, clinic)
    nurse = make_user(session, clinic, unit=ward)
    patient = make_patient(session, registered_by=nurse)
    episode = make_episode(session, patient, unit=ward, state="at_home")
    episode.started_at = utcnow() - timedelta(days=2)
    session.flush()
    return episode, nurse


def stored(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(QuestionnaireResponse)) or 0


class TestQuestionnairePage:
    def test_shows_the_questions_with_big_buttons(
        self, client: TestClient, session: Session
    ) -> None:
        episode, nurse = at_home(session)
        login(client, session, nurse)

        page = client.get(f"/episodes/{episode.id}/questionnaire")

        assert page.status_code == 200
        assert "Jag kände mig trygg med att vårdas hemma." in page.text
        assert page.text.count('class="big-choice"') == 25

    def test_the_patient_page_links_to_it_while_at_home(
        self, client: TestClient, session: Session
    ) -> None:
        episode, nurse = at_home(session)
        login(client, session, nurse)

        page = client.get(f"/patients/{episode.patient_id}")

        assert page.status_code == 200
        assert f'href="/episodes/{episode.id}/questionnaire"' in page.text

    def test_stores_the_answers(self, client: TestClient, session: Session) -> None:
        episode, nurse = at_home(session)
        login(client, session, nurse)

        response = client.post(
            f"/episodes/{episode.id}/questionnaire",
            data={"felt_safe": "5", "would_choose_again": "4", "answered_by": "patient"},
            follow_redirects=False,
        )

        assert response.status_code == 303
        row = session.scalar(select(QuestionnaireResponse))
        assert row is not None
        assert row.answers == {"felt_safe": 5, "would_choose_again": 4}
        assert "Tack!" in client.get(response.headers["location"]).text

    def test_missing_required_answer_is_refused_in_swedish(
        self, client: TestClient, session: Session
    ) -> None:
        episode, nurse = at_home(session)
        login(client, session, nurse)

        response = client.post(
            f"/episodes/{episode.id}/questionnaire", data={"knew_whom_to_call": "3"}
        )

        assert response.status_code == 422
        assert "Svara på fråga 1 (”Jag kände mig trygg med att vårdas hemma.”)" in response.text
        assert "felt_safe must" not in response.text
        assert stored(session) == 0

    def test_out_of_scale_is_refused(self, client: TestClient, session: Session) -> None:
        episode, nurse = at_home(session)
        login(client, session, nurse)

        response = client.post(f"/episodes/{episode.id}/questionnaire", data={"felt_safe": "9"})

        assert response.status_code == 422
        assert "Svara på fråga 1 med en hel siffra från 1 till 5, inte 9." in response.text
        assert stored(session) == 0

    def test_a_word_for_an_answer_is_refused_in_english_on_an_english_page(
        self, client: TestClient, session: Session
    ) -> None:
        episode, nurse = at_home(session)
        login(client, session, nurse)
        client.cookies.set("samband_lang", "en")

        response = client.post(
            f"/episodes/{episode.id}/questionnaire", data={"felt_safe": "4", "mood": "2"}
        )

        assert response.status_code == 422
        assert "Not saved: unknown question &#39;mood&#39;" in response.text
        assert "fråga" not in response.text
        assert stored(session) == 0

    def test_answered_twice_is_refused(self, client: TestClient, session: Session) -> None:
        episode, nurse = at_home(session)
        login(client, session, nurse)
        url = f"/episodes/{episode.id}/questionnaire"
        client.post(url, data={"felt_safe": "4"}, follow_redirects=False)

        again = client.post(url, data={"felt_safe": "2"})

        assert again.status_code == 409
        assert "Svaren kunde inte sparas" in again.text
        assert stored(session) == 1

    def test_other_organisation_stores_nothing(self, client: TestClient, session: Session) -> None:
        episode, _ = at_home(session)
        login(client, session, make_user(session, make_organisation(session)))

        response = client.post(f"/episodes/{episode.id}/questionnaire", data={"felt_safe": "4"})

        assert response.status_code == 404
        assert stored(session) == 0

    def test_analyst_is_refused(self, client: TestClient, session: Session) -> None:
        episode, _ = at_home(session)
        login(client, session, make_user(session, make_organisation(session), role="analyst"))

        assert client.get(f"/episodes/{episode.id}/questionnaire").status_code == 403
