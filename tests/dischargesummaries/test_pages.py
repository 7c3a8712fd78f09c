"""The discharge summary's pages (issue 14): the patient page's card (none, draft, signed,
missing), making the draft, writing it, signing it as the physician, amending, the PDF, in
Swedish and English; refusals as the API gives them."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.models import User
from samband.models.dischargesummaries import DischargeSummary
from tests.dischargesummaries.helpers import World, build
from tests.factories import auth


@pytest.fixture
def world(session: Session) -> World:
    return build(session)


def login(client: TestClient, session: Session, user: User, lang: str = "sv") -> None:
    client.cookies.set("samband_session", auth(session, user)["Authorization"][7:])
    client.cookies.set("samband_lang", lang)


def summaries(session: Session, world: World) -> list[DischargeSummary]:
    return list(
        session.scalars(
            select(DischargeSummary)
            .where(DischargeSummary.episode_id == world.episode.id)
            .order_by(DischargeSummary.version)
        )
    )


def patient_page(client: TestClient, world: World) -> str:
    page = client.get(f"/patients/{world.patient.id}?episode_id={world.episode.id}")
    assert page.status_code == 200, page.text
    return page.text


class TestCard:
    def test_none_then_draft_then_signed(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        login(client, session, world.nurse)
        assert "Ingen utskrivningsinformation ännu" in patient_page(client, world)
        made = client.post(
            f"/episodes/{world.episode.id}/discharge-summary", data={}, follow_redirects=False
        )
        assert made.status_code == 303
        (draft,) = summaries(session, world)
        assert made.headers["location"] == f"/discharge-summaries/{draft.id}?notice=created"
        assert "Utkast, version 1" in patient_page(client, world)
        login(client, session, world.physician)
        client.post(f"/discharge-summaries/{draft.id}/sign", data={}, follow_redirects=False)
        assert "Version 1 signerad" in patient_page(client, world)

    def test_missing_after_discharge_without_a_signed_summary(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        answer = client.post(
            f"/api/v1/episodes/{world.episode.id}/transitions",
            json={"to": "discharged"},
            headers=auth(session, world.physician),
        )
        assert answer.status_code == 200, answer.text
        login(client, session, world.nurse)
        text = patient_page(client, world)
        assert 'data-field="summary-missing"' in text
        assert "Utskrivningsinformation saknas" in text
        login(client, session, world.nurse, "en")
        assert "Discharge summary missing" in patient_page(client, world)

    def test_a_nurse_of_the_participating_home_care_cannot_make_one(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        login(client, session, world.home_nurse)
        assert "Gör utskrivningsinformation" not in patient_page(client, world)
        answer = client.post(
            f"/episodes/{world.episode.id}/discharge-summary", data={}, follow_redirects=False
        )
        assert answer.status_code == 403
        assert summaries(session, world) == []


class TestSummaryPage:
    def make(self, client: TestClient, session: Session, world: World) -> DischargeSummary:
        login(client, session, world.nurse)
        client.post(
            f"/episodes/{world.episode.id}/discharge-summary", data={}, follow_redirects=False
        )
        return summaries(session, world)[0]

    def test_the_draft_shows_the_course_and_the_changes(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        draft = self.make(client, session, world)
        page = client.get(f"/discharge-summaries/{draft.id}")
        assert page.status_code == 200
        for text in (
            "Vårdförlopp",
            "Waran",
            "Dos 2,5 mg → 5 mg",
            "Insatt",
            "Utsatt",
            "Lågt blodtryck",
        ):
            assert text in page.text, text
        assert "Spara utkastet" in page.text
        # a nurse may not sign: no sign form
        assert f'action="/discharge-summaries/{draft.id}/sign"' not in page.text

    def test_writing_and_signing(self, client: TestClient, session: Session, world: World) -> None:
        draft = self.make(client, session, world)
        saved = client.post(
            f"/discharge-summaries/{draft.id}",
            data={
                "what_0": "CRP",
                "who_0": "Vårdcentralen",
                "when_0": "om 2 veckor",
                "what_1": "",
                "advice": "Drick mycket",
            },
            follow_redirects=False,
        )
        assert saved.status_code == 303
        session.refresh(draft)
        assert draft.follow_up == [{"what": "CRP", "who": "Vårdcentralen", "when": "om 2 veckor"}]
        assert draft.advice == "Drick mycket"
        login(client, session, world.physician)
        page = client.get(f"/discharge-summaries/{draft.id}")
        assert f'action="/discharge-summaries/{draft.id}/sign"' in page.text
        signed = client.post(
            f"/discharge-summaries/{draft.id}/sign", data={}, follow_redirects=False
        )
        assert signed.status_code == 303
        session.refresh(draft)
        assert draft.status == "signed"
        page = client.get(f"/discharge-summaries/{draft.id}?notice=signed")
        assert "Utskrivningsinformationen är signerad." in page.text
        assert "Spara utkastet" not in page.text
        assert "Gör en ny version" in page.text
        amended = client.post(
            f"/discharge-summaries/{draft.id}/amend", data={"reason": ""}, follow_redirects=False
        )
        assert amended.status_code == 422
        assert len(summaries(session, world)) == 1
        amended = client.post(
            f"/discharge-summaries/{draft.id}/amend",
            data={"reason": "Tillägg"},
            follow_redirects=False,
        )
        assert amended.status_code == 303
        second = summaries(session, world)[1]
        assert amended.headers["location"] == f"/discharge-summaries/{second.id}?notice=amended"
        assert second.follow_up == draft.follow_up

    def test_a_bad_row_is_shown_at_its_field(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        draft = self.make(client, session, world)
        answer = client.post(
            f"/discharge-summaries/{draft.id}",
            data={"who_0": "Vårdcentralen"},
            follow_redirects=False,
        )
        assert answer.status_code == 422
        assert 'id="f-what_0-error"' in answer.text
        session.refresh(draft)
        assert draft.follow_up == []

    def test_english_and_the_pdf(self, client: TestClient, session: Session, world: World) -> None:
        draft = self.make(client, session, world)
        login(client, session, world.nurse, "en")
        page = client.get(f"/discharge-summaries/{draft.id}")
        assert "Medications at discharge" in page.text
        pdf = client.get(f"/discharge-summaries/{draft.id}/pdf")
        assert pdf.status_code == 200
        assert pdf.content.startswith(b"%PDF-")

    def test_an_outsider_gets_404(self, client: TestClient, session: Session, world: World) -> None:
        draft = self.make(client, session, world)
        login(client, session, world.outsider)
        assert client.get(f"/discharge-summaries/{draft.id}").status_code == 404
        assert client.get(f"/discharge-summaries/{uuid.uuid4()}").status_code == 404
