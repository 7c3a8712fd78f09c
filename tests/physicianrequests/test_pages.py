"""The physician request pages: the ask form in three taps (prefilled SBAR, one urgency, send),
the physician's inbox with overdue first, the request page and its answer form, the links
from the patient page and /my-visits, the navigation's numbers and the overview's list."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.models import Notification, PhysicianRequest, User
from tests.factories import auth
from tests.physicianrequests.helpers import WEDNESDAY_10, WEDNESDAY_22, World, build, pin

ASK = "/patients/{}/ask-physician"


@pytest.fixture
def world(session: Session) -> World:
    return build(session)


def login(client: TestClient, session: Session, user: User, lang: str = "sv") -> None:
    client.cookies.set("samband_session", auth(session, user)["Authorization"][7:])
    client.cookies.set("samband_lang", lang)


def the_request(session: Session) -> PhysicianRequest:
    found = session.scalars(select(PhysicianRequest)).all()
    assert len(found) == 1
    return found[0]


class TestAskForm:
    def test_prefilled_from_the_latest_vital_signs_in_swedish(
        self, client: TestClient, session: Session, world: World, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        pin(monkeypatch, WEDNESDAY_22)
        login(client, session, world.nurse)

        page = client.get(ASK.format(world.patient.id))

        assert page.status_code == 200
        html = page.text
        assert "Kontakta läkare" in html
        assert "NEWS2 8 (hög risk)" in html
        assert "AF 24/min" in html
        assert "temp 38,9 °C" in html  # a decimal comma
        assert "Inskriven i hemsjukvården sedan" in html
        assert html.count('type="radio" name="urgency"') == 3
        assert "checked" not in html  # the nurse chooses the urgency: one tap
        # who gets it now, and each urgency's limit
        assert world.on_call.full_name in html
        assert "svar inom 30 min · senast 04/03 22:30" in html

    def test_three_taps_send_it(
        self, client: TestClient, session: Session, world: World, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Tap 1 opened the form (above); tap 2 the urgency, tap 3 Skicka: the form is posted
        as the browser would post it, with the prefilled texts unchanged."""
        pin(monkeypatch, WEDNESDAY_22)
        login(client, session, world.nurse)
        patient_page = client.get(f"/patients/{world.patient.id}")
        assert ASK.format(world.patient.id) in patient_page.text
        form = client.get(ASK.format(world.patient.id)).text
        fields = {
            name: value
            for name, value in re.findall(
                r'<textarea id="f-(\w+)" name="\w+"[^>]*>([^<]*)</textarea>', form
            )
        }
        assert fields["situation"]

        sent = client.post(
            ASK.format(world.patient.id),
            data={**fields, "urgency": "acute"},
            follow_redirects=False,
        )

        assert sent.status_code == 303
        stored = the_request(session)
        assert sent.headers["location"] == f"/physician-requests/{stored.id}?notice=sent"
        assert stored.urgency == "acute"
        assert stored.routed_to_user_id == world.on_call.id
        assert "NEWS2 8" in stored.situation
        page = client.get(sent.headers["location"])
        assert "Läkarkontakten är skickad." in page.text

    def test_without_an_urgency_the_form_says_so_and_nothing_is_sent(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        login(client, session, world.nurse)

        answer = client.post(ASK.format(world.patient.id), data={"situation": "Feber"})

        assert answer.status_code == 422
        assert "Välj hur bråttom det är" in answer.text
        assert session.scalars(select(PhysicianRequest)).all() == []

    def test_from_a_visit_it_is_linked(
        self, client: TestClient, session: Session, world: World, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from samband.models import Visit

        pin(monkeypatch, WEDNESDAY_10)
        visit = Visit(
            episode_id=world.enrolment.id,
            patient_id=world.patient.id,
            date=WEDNESDAY_10.date(),
            what="Såromläggning",
            window_start=WEDNESDAY_10,
            window_end=WEDNESDAY_10 + timedelta(hours=1),
            duration_min=30,
            skills=[],
            role="registered_nurse",
            organisation_kind="municipal_home_health_care",
            organisation_id=world.municipality.id,
            source="ad_hoc",
            status="started",
            assigned_user_id=world.nurse.id,
            history=[],
        )
        session.add(visit)
        session.flush()
        login(client, session, world.nurse)

        form = client.get(ASK.format(world.patient.id), params={"visit_id": str(visit.id)})
        sent = client.post(
            ASK.format(world.patient.id),
            data={"urgency": "same_day", "situation": "Sår", "visit_id": str(visit.id)},
            follow_redirects=False,
        )

        assert "Vid besöket kl. 10:00." in form.text
        assert sent.status_code == 303
        assert the_request(session).visit_id == visit.id

    def test_an_outsider_gets_404(self, client: TestClient, session: Session, world: World) -> None:
        login(client, session, world.outsider_nurse)

        assert client.get(ASK.format(world.patient.id)).status_code == 404


class TestInboxAndAnswer:
    def test_the_physician_answers_on_the_page_and_the_nurse_sees_it(
        self, client: TestClient, session: Session, world: World, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        pin(monkeypatch, WEDNESDAY_22)
        login(client, session, world.nurse)
        client.post(
            ASK.format(world.patient.id),
            data={"urgency": "acute", "situation": "Feber 39"},
            follow_redirects=False,
        )
        stored = the_request(session)
        login(client, session, world.on_call)

        inbox = client.get("/physician-requests")
        page = client.get(f"/physician-requests/{stored.id}")
        answered = client.post(
            f"/physician-requests/{stored.id}/answer",
            data={"kind": "advice", "text": "Paracetamol 1 g."},
            follow_redirects=False,
        )

        assert "Till mig och min enhet" in inbox.text
        assert "Till dig" in inbox.text
        assert 'name="kind" value="medication_change"' in page.text
        assert "Feber 39" in page.text
        assert answered.status_code == 303
        login(client, session, world.nurse)
        sent = client.get("/physician-requests")
        assert "Paracetamol 1 g." in sent.text
        assert session.scalars(
            select(Notification.kind).where(Notification.user_id == world.nurse.id)
        ).all() == ["physician_request_answered"]

    def test_an_answer_without_its_text_is_shown_again(
        self, client: TestClient, session: Session, world: World, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        pin(monkeypatch, WEDNESDAY_22)
        login(client, session, world.nurse)
        client.post(
            ASK.format(world.patient.id),
            data={"urgency": "acute", "situation": "Feber"},
            follow_redirects=False,
        )
        stored = the_request(session)
        login(client, session, world.on_call)

        answer = client.post(f"/physician-requests/{stored.id}/answer", data={"kind": "admission"})

        assert answer.status_code == 422
        assert "Skriv vad du beslutat" in answer.text
        session.refresh(stored)
        assert stored.status == "open"

    def test_a_nurse_has_no_answer_form(
        self, client: TestClient, session: Session, world: World, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        pin(monkeypatch, WEDNESDAY_22)
        login(client, session, world.nurse)
        client.post(
            ASK.format(world.patient.id),
            data={"urgency": "acute", "situation": "Feber"},
            follow_redirects=False,
        )
        stored = the_request(session)

        page = client.get(f"/physician-requests/{stored.id}")
        refused = client.post(f"/physician-requests/{stored.id}/answer", data={"kind": "video"})

        assert 'name="kind"' not in page.text
        assert "Återkalla läkarkontakten" in page.text
        assert refused.status_code == 403

    def test_overdue_is_red_at_the_top_and_on_the_overview(
        self, client: TestClient, session: Session, world: World, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        pin(monkeypatch, WEDNESDAY_22)
        login(client, session, world.nurse)
        for urgency, situation in (("planned", "Planerad fråga"), ("acute", "Akut fråga")):
            client.post(
                ASK.format(world.patient.id),
                data={"urgency": urgency, "situation": situation},
                follow_redirects=False,
            )
        pin(monkeypatch, WEDNESDAY_22 + timedelta(hours=1))  # the acute one is overdue
        login(client, session, world.on_call)

        inbox = client.get("/physician-requests").text
        overview = client.get("/").text

        first, second = inbox.index("Akut fråga"), inbox.index("Planerad fråga")
        assert first < second
        assert 'class="pr-item overdue' in inbox
        assert "Försenade läkarkontakter" in overview
        assert "Akut fråga" in overview
        assert 'data-field="physician-requests"' in overview  # the navigation's number

    def test_the_pages_in_english(
        self, client: TestClient, session: Session, world: World, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        pin(monkeypatch, WEDNESDAY_22)
        login(client, session, world.nurse, lang="en")

        form = client.get(ASK.format(world.patient.id)).text

        assert "Contact a physician" in form
        assert "NEWS2 8 (high risk)" in form
        assert "temp 38.9 °C" in form


class TestLanguageOfTexts:
    def test_texts_written_in_swedish_are_marked_so_on_an_english_page(
        self, client: TestClient, session: Session, world: World, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        pin(monkeypatch, WEDNESDAY_22)
        login(client, session, world.nurse)
        client.post(
            ASK.format(world.patient.id),
            data={"urgency": "acute", "situation": "Feber och frossa"},
            follow_redirects=False,
        )
        stored = the_request(session)
        login(client, session, world.on_call, lang="en")

        page = client.get(f"/physician-requests/{stored.id}").text

        assert '<dl class="pr-sbar" lang="sv">' in page
        assert '<dt lang="en">S – Situation</dt>' in page


class TestMyVisits:
    def test_each_visit_links_to_the_ask_form(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        from samband.kit.time import local_today, utcnow
        from samband.models import Visit

        visit = Visit(
            episode_id=world.enrolment.id,
            patient_id=world.patient.id,
            date=local_today(),
            what="Såromläggning",
            window_start=utcnow(),
            window_end=utcnow() + timedelta(hours=1),
            duration_min=30,
            skills=[],
            role="registered_nurse",
            organisation_kind="municipal_home_health_care",
            organisation_id=world.municipality.id,
            source="ad_hoc",
            status="started",
            assigned_user_id=world.nurse.id,
            history=[],
        )
        session.add(visit)
        session.flush()
        login(client, session, world.nurse)

        page = client.get("/my-visits")

        assert f"{ASK.format(world.patient.id)}?visit_id={visit.id}" in page.text
