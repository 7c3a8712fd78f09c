"""The deviation pages: the report form from the patient page (phone-friendly), the deviation
page with its investigate / answer / close forms, the list with filters, the summary page and
its CSV, and the administrator's form for the responsible role."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.kit.time import STOCKHOLM, local_today, utcnow
from samband.models import User
from samband.models.deviations import Deviation
from tests.deviations.helpers import World, build
from tests.factories import auth, make_user


@pytest.fixture
def world(session: Session) -> World:
    return build(session)


def login(client: TestClient, session: Session, user: User, lang: str = "sv") -> None:
    client.cookies.set("samband_session", auth(session, user)["Authorization"][7:])
    client.cookies.set("samband_lang", lang)


def the_deviation(session: Session) -> Deviation:
    found = session.scalars(select(Deviation)).all()
    assert len(found) == 1
    return found[0]


def form(world: World, **fields: str) -> dict[str, str]:
    at = (utcnow() - timedelta(hours=2)).astimezone(STOCKHOLM).strftime("%Y-%m-%dT%H:%M")
    return {
        "category": "medication",
        "description": "Läkemedelslistan saknades vid hemgång.",
        "occurred_at": at,
        "consequence": "mild",
        "immediate_action": "Ringde avdelningen.",
        "concerned_organisation_id": str(world.clinic.id),
        "episode_id": str(world.episode.id),
        **fields,
    }


class TestReporting:
    def test_the_patient_page_links_to_the_form_and_lists_the_deviations(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        login(client, session, world.home_nurse)
        page = client.get(f"/patients/{world.patient.id}")
        assert page.status_code == 200
        assert "Rapportera avvikelse" in page.text
        assert f"/patients/{world.patient.id}/deviations/new" in page.text
        assert 'data-field="no-deviations"' in page.text

        new = client.get(f"/patients/{world.patient.id}/deviations/new")
        assert new.status_code == 200
        assert new.text.count('name="category"') == 7
        assert world.clinic.name in new.text  # taking part: may be concerned
        assert world.outsider.name not in new.text

        sent = client.post(
            f"/patients/{world.patient.id}/deviations", data=form(world), follow_redirects=False
        )

        assert sent.status_code == 303
        stored = the_deviation(session)
        assert sent.headers["location"] == f"/deviations/{stored.id}?notice=reported"
        assert stored.concerned_organisation_id == world.clinic.id
        assert stored.reporter_organisation_id == world.municipality.id
        shown = client.get(sent.headers["location"])
        assert "Avvikelsen är rapporterad" in shown.text
        assert "Samverkansavvikelse" in shown.text
        assert 'id="investigate"' not in shown.text  # not the concerned organisation
        again = client.get(f"/patients/{world.patient.id}")
        assert f"/deviations/{stored.id}" in again.text

    def test_a_missing_category_is_shown_on_the_form_and_nothing_is_written(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        login(client, session, world.home_nurse)

        answer = client.post(
            f"/patients/{world.patient.id}/deviations", data=form(world, category="")
        )

        assert answer.status_code == 422
        assert 'class="dv-choice invalid"' in answer.text
        assert session.scalars(select(Deviation)).all() == []

    def test_an_outsider_gets_no_form(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        login(client, session, world.outsider_nurse)

        assert client.get(f"/patients/{world.patient.id}/deviations/new").status_code == 404


class TestHandlingOnThePage:
    def test_investigate_answer_with_a_measure_and_close(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        login(client, session, world.home_nurse)
        client.post(f"/patients/{world.patient.id}/deviations", data=form(world))
        deviation = the_deviation(session)
        path = f"/deviations/{deviation.id}"
        login(client, session, world.clinic_nurse)

        page = client.get(path)
        assert 'id="investigate"' in page.text
        assert (
            client.post(f"{path}/investigate", data={}, follow_redirects=False).status_code == 303
        )
        page = client.get(path)
        assert 'id="answer"' in page.text
        due = (local_today() + timedelta(days=14)).isoformat()
        missing_due = client.post(
            f"{path}/answer",
            data={"answer": "Listan glömdes.", "what_1": "Checklista", "responsible_1": "Avd 12"},
        )
        assert missing_due.status_code == 422
        assert 'id="f-due_on_1-error"' in missing_due.text
        answered = client.post(
            f"{path}/answer",
            data={
                "answer": "Listan glömdes.",
                "what_1": "Läkemedelslistan på checklistan",
                "responsible_1": "Avdelningschef",
                "due_on_1": due,
            },
            follow_redirects=False,
        )
        assert answered.status_code == 303
        closed = client.post(
            f"{path}/close", data={"closing_note": "Införd."}, follow_redirects=False
        )
        assert closed.status_code == 303

        login(client, session, world.home_nurse)
        seen = client.get(path)
        assert 'data-field="measures"' in seen.text
        assert "Läkemedelslistan på checklistan" in seen.text
        assert "Införd." in seen.text
        assert "avslutad" in seen.text

    def test_a_step_out_of_order_says_why(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        login(client, session, world.home_nurse)
        client.post(f"/patients/{world.patient.id}/deviations", data=form(world))
        deviation = the_deviation(session)
        login(client, session, world.clinic_nurse)

        answer = client.post(f"/deviations/{deviation.id}/close", data={"closing_note": "x"})

        assert answer.status_code == 409
        assert "kan inte bli avslutad nu" in answer.text

    def test_the_list_filters_by_box(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        login(client, session, world.home_nurse)
        client.post(f"/patients/{world.patient.id}/deviations", data=form(world))
        deviation = the_deviation(session)
        login(client, session, world.clinic_coordinator)

        concerning = client.get("/deviations", params={"box": "concerning"})
        reported = client.get("/deviations", params={"box": "reported"})

        assert f"/deviations/{deviation.id}" in concerning.text
        assert f"/deviations/{deviation.id}" not in reported.text
        assert world.patient.family_name in concerning.text

    def test_the_flag_without_a_responsible_person_shows_the_warning(
        self, client: TestClient, session: Session
    ) -> None:
        world = build(session, responsible=False)
        login(client, session, world.home_nurse)

        client.post(
            f"/patients/{world.patient.id}/deviations",
            data=form(world, lex_maria="on", lex_maria_reason="Risk för sepsis."),
        )

        page = client.get(f"/deviations/{the_deviation(session).id}")
        assert 'data-field="no-responsible"' in page.text
        assert "Ingen ansvarig person är registrerad" in page.text
        listed = client.get("/deviations")
        assert "Ingen ansvarig registrerad" in listed.text


class TestSummaryPage:
    def test_counts_only_and_the_csv(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        login(client, session, world.home_nurse)
        client.post(f"/patients/{world.patient.id}/deviations", data=form(world))
        analyst = make_user(session, world.clinic, role="analyst")
        login(client, session, analyst)

        page = client.get("/deviations/summary")
        assert page.status_code == 200
        assert 'data-field="total"' in page.text
        assert world.patient.family_name not in page.text
        assert "Läkemedel" in page.text
        csv = client.get("/deviations/summary.csv")
        assert csv.status_code == 200
        assert csv.headers["content-type"].startswith("text/csv")
        lines = csv.text.splitlines()
        assert lines[0].startswith("group,key,name,total")
        assert any(line.startswith(f"organisation,{world.clinic.code},") for line in lines)
        assert world.patient.family_name not in csv.text
        assert client.get("/deviations").status_code == 403  # no list for analysts

    def test_a_bad_date_is_shown(self, client: TestClient, session: Session, world: World) -> None:
        login(client, session, world.clinic_nurse)

        page = client.get("/deviations/summary", params={"period_from": "igår"})

        assert page.status_code == 422
        assert "igår är inget datum" in page.text


class TestAdministrator:
    def test_sets_the_chief_physician_on_the_user_page(
        self, client: TestClient, session: Session
    ) -> None:
        world = build(session, responsible=False)
        admin = make_user(session, world.clinic, role="administrator")
        login(client, session, admin)

        page = client.get(f"/admin/users/{world.chief_physician.id}")
        assert "Ansvar för patientsäkerhet" in page.text
        done = client.post(
            f"/admin/users/{world.chief_physician.id}/patient-safety-role",
            data={"patient_safety_role": "chief_physician"},
            follow_redirects=False,
        )

        assert done.status_code == 303
        session.refresh(world.chief_physician)
        assert world.chief_physician.patient_safety_role == "chief_physician"


class TestWrittenIn:
    def test_texts_keep_the_language_they_were_written_in(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        login(client, session, world.home_nurse, lang="sv")
        client.post(f"/patients/{world.patient.id}/deviations", data=form(world))
        deviation = the_deviation(session)
        login(client, session, world.home_nurse, lang="en")

        page = client.get(f"/deviations/{deviation.id}").text

        assert '<dd class="dv-text" lang="sv">Läkemedelslistan saknades vid hemgång.</dd>' in page
        assert "What happened?" in page
