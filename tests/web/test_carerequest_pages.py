"""Care requests as pages: send from the episode, the organisation's lists, answering."""

from __future__ import annotations

from html import unescape

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.models import CareRequest, ChecklistItem
from tests.factories import make_care_plan, make_episode, make_medication, make_patient
from tests.web.test_flow import field_error
from tests.web.test_patients import World, login, make_world


def sent_request(client: TestClient, session: Session, w: World) -> CareRequest:
    patient = make_patient(session, given_name="Lisa", registered_by=w.nurse)
    episode = make_episode(session, patient, unit=w.ward, state="consented")
    make_care_plan(session, episode, by=w.nurse)
    make_medication(session, episode, by=w.nurse)
    login(client, session, w.nurse)
    response = client.post(
        f"/episodes/{episode.id}/care-request",
        data={
            "kind": "home_health_care",
            "to_organisation_id": str(w.municipality.id),
            "message": "Iv-antibiotika tre gånger dagligen",
            "answer_within_hours": "8",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"/patients/{patient.id}?notice=request_sent"
    request = session.scalar(select(CareRequest).where(CareRequest.episode_id == episode.id))
    assert request is not None
    return request


class TestSend:
    def test_the_send_form_lists_fitting_organisations_and_shows_errors(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        patient = make_patient(session, registered_by=w.nurse)
        episode = make_episode(session, patient, unit=w.ward, state="consented")
        login(client, session, w.nurse)
        page = client.get(f"/episodes/{episode.id}/care-request")
        assert page.status_code == 200
        assert "Hemsjukvården Falun" in page.text
        assert "Infektionskliniken" not in page.text  # not a receiver, and the sender's own
        wrong = client.post(
            f"/episodes/{episode.id}/care-request",
            data={"kind": "home_health_care", "to_organisation_id": str(w.primary_care.id)},
        )
        assert wrong.status_code == 422
        assert "en begäran om ”Hemsjukvård” går till: kommunal hemsjukvård" in (
            field_error(wrong.text, "to_organisation_id") or ""
        )
        missing = client.post(f"/episodes/{episode.id}/care-request", data={"kind": "home_care"})
        assert field_error(missing.text, "to_organisation_id")
        assert (
            session.scalar(select(CareRequest).where(CareRequest.episode_id == episode.id)) is None
        )


class TestAnswer:
    def test_a_second_municipal_user_accepts(self, client: TestClient, session: Session) -> None:
        w = make_world(session)
        request = sent_request(client, session, w)
        outgoing = client.get("/care-requests")
        assert f"/care-requests/{request.id}" in outgoing.text
        assert "Utgående (1)" in outgoing.text

        login(client, session, w.fredrik)
        incoming = client.get("/care-requests")
        assert "Inkommande (1)" in incoming.text
        page = client.get(f"/care-requests/{request.id}")
        assert page.status_code == 200
        for text in ("Acceptera", "Avböj", "Markera som mottagen", "Cefotaxim", "Lisa"):
            assert text in page.text, text
        assert "Återkalla" not in page.text  # only the sender cancels
        response = client.post(
            f"/care-requests/{request.id}/transition",
            data={"to": "accepted"},
            follow_redirects=False,
        )
        assert response.status_code == 303
        session.refresh(request)
        assert request.state == "accepted"
        item = session.scalar(
            select(ChecklistItem).where(
                ChecklistItem.episode_id == request.episode_id,
                ChecklistItem.key == "care_request_accepted",
            )
        )
        assert item is not None
        assert item.done
        after = client.get(f"/care-requests/{request.id}")
        assert "Accepterad" in after.text
        assert "Markera som avslutad" in after.text

    def test_decline_needs_a_reason_next_to_the_field(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        request = sent_request(client, session, w)
        login(client, session, w.eva)
        response = client.post(f"/care-requests/{request.id}/transition", data={"to": "declined"})
        assert response.status_code == 422
        assert "Ange varför ni avböjer" in (field_error(response.text, "reason_declined") or "")
        session.refresh(request)
        assert request.state == "sent"
        declined = client.post(
            f"/care-requests/{request.id}/transition",
            data={"to": "declined", "reason_declined": "Ingen personal i helgen"},
            follow_redirects=False,
        )
        assert declined.status_code == 303
        session.refresh(request)
        assert request.state == "declined"
        assert request.decline_reason == "Ingen personal i helgen"

    def test_the_sender_may_not_accept_its_own_request(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        request = sent_request(client, session, w)
        assert "Acceptera" not in client.get(f"/care-requests/{request.id}").text
        response = client.post(f"/care-requests/{request.id}/transition", data={"to": "accepted"})
        assert response.status_code == 403
        assert "Bara en användare i den mottagande organisationen" in unescape(response.text)
        session.refresh(request)
        assert request.state == "sent"
        cancelled = client.post(
            f"/care-requests/{request.id}/transition",
            data={"to": "cancelled", "reason_cancelled": "Patienten stannar"},
            follow_redirects=False,
        )
        assert cancelled.status_code == 303

    def test_an_unrelated_organisation_gets_404(self, client: TestClient, session: Session) -> None:
        w = make_world(session)
        request = sent_request(client, session, w)
        login(client, session, w.outsider)
        assert client.get(f"/care-requests/{request.id}").status_code == 404
        assert f"/care-requests/{request.id}" not in client.get("/care-requests").text
        response = client.post(f"/care-requests/{request.id}/transition", data={"to": "accepted"})
        assert response.status_code == 404
        session.refresh(request)
        assert request.state == "sent"


class TestHomeCare:
    def test_home_care_sees_its_request_without_the_medication_list_and_is_told_why(
        self, client: TestClient, session: Session
    ) -> None:
        """Social services get no medication list (decision 0010): the page says so, and
        never "none" where the patient has medications."""
        from tests.factories import make_organisation, make_user

        w = make_world(session)
        home_care = make_organisation(
            session,
            kind="municipal_home_care",
            authority_kind="municipality",
            authority_name="Falu kommun",
            name="Hemtjänsten Falun",
        )
        coordinator = make_user(session, home_care, role="coordinator")
        patient = make_patient(session, given_name="Lisa", registered_by=w.nurse)
        episode = make_episode(session, patient, unit=w.ward, state="consented")
        make_care_plan(session, episode, by=w.nurse)
        make_medication(session, episode, by=w.physician, drug="Cefotaxim")
        login(client, session, w.nurse)
        sent = client.post(
            f"/episodes/{episode.id}/care-request",
            data={
                "kind": "home_care",
                "to_organisation_id": str(home_care.id),
                "message": "Hjälp med inköp",
                "answer_within_hours": "24",
            },
            follow_redirects=False,
        )
        assert sent.status_code == 303, sent.text
        request = session.scalar(select(CareRequest).where(CareRequest.episode_id == episode.id))
        assert request is not None
        assert request.medication_snapshot == []

        login(client, session, coordinator)
        page = client.get(f"/care-requests/{request.id}")
        assert page.status_code == 200
        assert "Läkemedelslistan skickas inte till hemtjänsten" in page.text
        assert "Cefotaxim" not in page.text
        patient_page = client.get(f"/patients/{patient.id}")
        assert patient_page.status_code == 200
        assert "Det som delas med er" in patient_page.text
        assert "Cefotaxim" not in patient_page.text
        assert client.get(f"/episodes/{episode.id}/medications").status_code in (403, 404)
