"""The pages: /coordination (the stays with their deadlines and the buttons of the user's
side), the command centre's card "Samordning vid utskrivning" (overdue in red, days past
ready), /morning-list and its link in a physician's navigation; Swedish by default, English
by the language cookie."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from samband.kit.time import local_today, utcnow
from tests.coordination.helpers import World, add_stay, build, stays
from tests.web.test_overview import login


@pytest.fixture
def w(session: Session) -> World:
    return build(session)


def card(html: str, stay_id: object) -> str:
    start = html.index(f'id="stay-{stay_id}"')
    return html[start : html.index("</article>", start)]


class TestTheCoordinationPage:
    def test_the_hospital_sends_the_notice_from_the_page(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        stay = add_stay(session, w, admitted_at=utcnow() - timedelta(hours=30))
        login(client, session, w.nurse)
        page = client.get("/coordination")
        assert page.status_code == 200
        html = card(page.text, stay.id)
        assert "Samordningsson" in html
        assert 'class="badge bad">Försenat' in html
        assert "Skicka inskrivningsmeddelande" in html
        assert "Sätt utskrivningsklar" not in html  # a nurse: not her decision
        response = client.post(
            f"/coordination/{stay.id}/notice", data={"status": "open"}, follow_redirects=False
        )
        assert response.status_code == 303, response.text
        assert (
            response.headers["location"]
            == f"/coordination?status=open&notice=notice#stay-{stay.id}"
        )
        session.refresh(stay)
        assert stay.admission_notice_sent_at is not None
        after = client.get("/coordination?notice=notice")
        assert "Inskrivningsmeddelandet är skickat." in after.text
        assert "Skicka inskrivningsmeddelande" not in card(after.text, stay.id)

    def test_the_physician_sets_ready_and_a_wrong_date_is_shown_at_the_stay(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        stay = add_stay(session, w, admitted_at=utcnow() - timedelta(days=4))
        login(client, session, w.physician)
        assert "Sätt utskrivningsklar" in card(client.get("/coordination").text, stay.id)
        tomorrow = (local_today() + timedelta(days=1)).isoformat()
        refused = client.post(f"/coordination/{stay.id}/ready", data={"date": tomorrow})
        assert refused.status_code == 422
        assert "ligger efter i dag" in card(refused.text, stay.id)
        session.refresh(stay)
        assert stay.ready_for_discharge_on is None
        two_days_ago = (local_today() - timedelta(days=2)).isoformat()
        done = client.post(
            f"/coordination/{stay.id}/ready", data={"date": two_days_ago}, follow_redirects=False
        )
        assert done.status_code == 303
        assert "2 dagar efter utskrivningsklar" in card(client.get("/coordination").text, stay.id)

    def test_discharge_with_a_sip_and_the_invitation_by_primary_care(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        stay = add_stay(session, w, admitted_at=utcnow() - timedelta(days=2))
        login(client, session, w.nurse)
        done = client.post(
            f"/coordination/{stay.id}/discharge",
            data={"at": "", "sip_needed": "on"},
            follow_redirects=False,
        )
        assert done.status_code == 303, done.text
        session.refresh(stay)
        assert stay.discharged_at is not None
        assert stay.sip_needed is True
        login(client, session, w.gp)
        page = client.get("/coordination")
        assert "Kallelse till SIP skickad" in card(page.text, stay.id)
        invited = client.post(
            f"/coordination/{stay.id}/sip", data={"meeting_at": ""}, follow_redirects=False
        )
        assert invited.status_code == 303
        session.refresh(stay)
        assert stay.sip_invited_at is not None

    def test_a_discharge_before_admission_is_refused_on_the_page(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        stay = add_stay(session, w, admitted_at=utcnow() - timedelta(hours=2))
        login(client, session, w.nurse)
        response = client.post(
            f"/coordination/{stay.id}/discharge", data={"at": "2020-01-01T10:00", "sip_needed": ""}
        )
        assert response.status_code == 422
        assert "före inskrivningen" in card(response.text, stay.id)
        session.refresh(stay)
        assert stay.discharged_at is None

    def test_an_outsider_gets_the_404_page(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        stay = add_stay(session, w, admitted_at=utcnow() - timedelta(hours=2))
        login(client, session, w.outsider)
        assert "Samordningsson" not in client.get("/coordination?status=all").text
        response = client.post(f"/coordination/{stay.id}/notice", data={})
        assert response.status_code == 404
        assert stays(session) == 1
        session.refresh(stay)
        assert stay.admission_notice_sent_at is None

    def test_in_english(self, client: TestClient, session: Session, w: World) -> None:
        add_stay(session, w, admitted_at=utcnow() - timedelta(hours=30))
        login(client, session, w.nurse)
        client.cookies.set("samband_lang", "en")
        page = client.get("/coordination")
        assert "<h1>Coordination at discharge</h1>" in page.text
        assert "Send the admission notice" in page.text
        assert "Overdue" in page.text


class TestTheCommandCentre:
    def test_the_card_shows_deadlines_overdue_in_red_and_days_past_ready(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        late = add_stay(
            session,
            w,
            admitted_at=utcnow() - timedelta(days=5),
            ready_for_discharge_on=local_today() - timedelta(days=2),
        )
        login(client, session, w.home_nurse)
        page = client.get("/")
        assert page.status_code == 200
        start = page.text.index('id="h-coordination"')
        section = page.text[start : page.text.index("</section>", start)]
        assert "Samordning vid utskrivning (1)" in section
        assert "1 försenade" in section
        assert 'class="overdue"' in section
        assert 'class="badge bad">Försenat' in section
        assert "2 dagar efter utskrivningsklar" in section
        assert f"#stay-{late.id}" in section

    def test_nothing_overdue_no_red(self, client: TestClient, session: Session, w: World) -> None:
        add_stay(session, w, admitted_at=utcnow() - timedelta(hours=2))
        login(client, session, w.nurse)
        page = client.get("/")
        start = page.text.index('id="h-coordination"')
        section = page.text[start : page.text.index("</section>", start)]
        assert "Samordning vid utskrivning (1)" in section
        assert "badge bad" not in section
        assert "senast" in section


class TestTheMorningListPage:
    def test_a_physician_has_the_link_and_the_list(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        add_stay(session, w, admitted_at=utcnow() - timedelta(hours=2), ward="Avd 7")
        login(client, session, w.gp)
        page = client.get("/morning-list")
        assert page.status_code == 200
        assert '<a href="/morning-list"' in page.text
        assert "<h1>Morgonlistan</h1>" in page.text
        assert "Samordningsson" in page.text
        assert "Inskriven på sjukhus" in page.text
        assert "Avd 7" in page.text

    def test_nothing_new(self, client: TestClient, session: Session, w: World) -> None:
        login(client, session, w.gp)
        assert "Inget nytt de senaste 24 timmarna" in client.get("/morning-list").text

    def test_a_nurse_has_no_link_and_gets_403(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        login(client, session, w.home_nurse)
        assert '<a href="/morning-list"' not in client.get("/coordination").text
        assert client.get("/morning-list").status_code == 403
