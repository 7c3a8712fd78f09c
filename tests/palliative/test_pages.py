"""The palliative pages: the patient page's section with the trend, the staff page's ESAS-r
form (nine rows of 0-10), the physician's decision, the death and the follow-up
conversation; ESAS-r on the patient's tablet in patient mode."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.kit.time import STOCKHOLM
from samband.models import Episode, User
from samband.models.palliative import ExpectedDeath, SymptomAssessment
from samband.web.selfreport import COOKIE
from tests.factories import auth
from tests.palliative.helpers import World, build, local, pin, scores

NOW = local(2026, 3, 4, 10)


@pytest.fixture
def world(session: Session, monkeypatch: pytest.MonkeyPatch) -> World:
    pin(monkeypatch, NOW)
    return build(session)


def login(client: TestClient, session: Session, user: User, lang: str = "sv") -> None:
    client.cookies.set("samband_session", auth(session, user)["Authorization"][7:])
    client.cookies.set("samband_lang", lang)
    client.follow_redirects = False


def form_scores(**overrides: int) -> dict[str, str]:
    return {k: str(v) for k, v in scores(**overrides).items()}


class TestStaffPage:
    def test_a_nurse_records_esas_and_sees_it_on_the_patient_page(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        login(client, session, world.nurse)
        page = client.get(f"/episodes/{world.episode.id}/palliative")
        assert page.status_code == 200, page.text
        assert page.text.count('type="radio" name="pain"') == 11
        assert "värsta tänkbara smärta" in page.text
        saved = client.post(
            f"/episodes/{world.episode.id}/palliative/esas",
            data={**form_scores(pain=6), "assessed_by": "next_of_kin"},
        )
        assert saved.status_code == 303, saved.text
        row = session.scalar(select(SymptomAssessment))
        assert row is not None
        assert row.total == 22
        assert row.assessed_by == "next_of_kin"
        patient = client.get(f"/patients/{world.patient.id}")
        assert 'id="palliative"' in patient.text
        assert "trend-esas_total" in patient.text
        assert "trend-esas_pain" in patient.text  # pain reached 4 or more

    def test_a_missing_item_is_named_and_nothing_is_stored(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        login(client, session, world.nurse)
        data = form_scores()
        del data["nausea"]
        answer = client.post(f"/episodes/{world.episode.id}/palliative/esas", data=data)
        assert answer.status_code == 422
        assert "Välj en siffra 0–10." in answer.text
        assert session.scalar(select(SymptomAssessment)) is None

    def test_the_physician_decides_the_nurse_registers_the_death(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        login(client, session, world.asih_nurse)
        page = client.get(f"/episodes/{world.episode.id}/palliative")
        assert "/palliative/expected-death" not in page.text  # the decision is a physician's
        login(client, session, world.physician)
        decided = client.post(
            f"/episodes/{world.episode.id}/palliative/expected-death",
            data={
                "no_resuscitation": "yes",
                "no_hospital_transfer": "yes",
                "conversation_on": "2026-03-03",
                "conversation_with": "Patienten och sonen",
            },
        )
        assert decided.status_code == 303, decided.text
        login(client, session, world.asih_nurse)
        died_at = (NOW - timedelta(minutes=20)).astimezone(STOCKHOLM).strftime("%Y-%m-%dT%H:%M")
        died = client.post(
            f"/episodes/{world.episode.id}/palliative/death",
            data={"died_at": died_at, "after_id_band": "yes", "relatives_present": "yes"},
        )
        assert died.status_code == 303, died.text
        found = session.scalar(select(ExpectedDeath))
        assert found is not None
        assert found.care_after_death["id_band"] is True
        assert found.relatives_present is True
        episode = session.get(Episode, world.episode.id)
        assert episode is not None
        session.refresh(episode)
        assert episode.state == "deceased"
        planned = client.post(
            f"/episodes/{world.episode.id}/palliative/followup",
            data={"followup_on": "2026-04-01", "followup_by": "Kurator Karin"},
        )
        assert planned.status_code == 303, planned.text
        page = client.get(f"/episodes/{world.episode.id}/palliative")
        assert "Kurator Karin" in page.text
        assert "/palliative/followup-held" in page.text


class TestTablet:
    def test_the_patient_rates_symptoms_on_the_tablet(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        login(client, session, world.nurse)
        start = client.post(f"/self-report/{world.episode.id}/start")
        assert start.status_code == 303, start.text
        assert client.cookies.get(COOKIE)
        home = client.get(f"/self-report/{world.episode.id}")
        assert f"/self-report/{world.episode.id}/symptoms" in home.text
        form = client.get(f"/self-report/{world.episode.id}/symptoms")
        assert form.status_code == 200
        assert "Andfåddhet" in form.text
        sent = client.post(f"/self-report/{world.episode.id}/symptoms", data=form_scores(anxiety=8))
        assert sent.status_code == 303, sent.text
        row = session.scalar(select(SymptomAssessment))
        assert row is not None
        assert row.source == "tablet"
        assert row.assessed_by == "patient"
        assert len(row.alert_ids) == 1

    def test_without_patient_mode_the_tablet_form_is_closed(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        client.follow_redirects = False
        answer = client.post(f"/self-report/{world.episode.id}/symptoms", data=form_scores())
        assert answer.status_code == 401
        assert session.scalar(select(SymptomAssessment)) is None
