"""The pages of samples and results with the TestClient: the visit on *Mina besök* shows the
samples to take with a *Tagna* button, the patient page's *Provsvar* card, entering by hand."""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.kit.time import STOCKHOLM, local_today
from samband.models import User, Visit
from samband.models.labresults import LabResult, SampleOrder
from tests.factories import auth
from tests.labresults.world import World, ago, build

FHIR = {"Content-Type": "application/fhir+json"}


def login(client: TestClient, session: Session, user: User, lang: str = "sv") -> None:
    client.cookies.set("samband_session", auth(session, user)["Authorization"][7:])
    client.cookies.set("samband_lang", lang)


def planned(client: TestClient, session: Session) -> World:
    """A world whose care plan (made through the API) orders the day-3 samples: today."""
    world = build(session, plan=False)
    made = client.post(
        "/api/v1/care-plans",
        json={"episode_id": str(world.episode.id)},
        headers=auth(session, world.physician),
    )
    assert made.status_code == 201, made.text
    return world


def visit_today(session: Session, world: World, activity: str) -> Visit:
    today = local_today()
    start = datetime(today.year, today.month, today.day, 9, tzinfo=STOCKHOLM)
    visit = Visit(
        episode_id=world.episode.id,
        patient_id=world.patient.id,
        date=today,
        activity_key=activity,
        what="Take blood samples (CRP, blood count, creatinine)",
        window_start=start,
        window_end=start + timedelta(hours=1),
        duration_min=15,
        skills=[],
        role="registered_nurse",
        organisation_kind="municipal_home_health_care",
        organisation_id=world.municipality.id,
        source="plan",
        status="assigned",
        assigned_user_id=world.municipal_nurse.id,
        history=[],
    )
    session.add(visit)
    session.flush()
    return visit


class TestMyVisits:
    def test_the_visit_shows_the_samples_and_taken_marks_them(
        self, client: TestClient, session: Session
    ) -> None:
        world = planned(client, session)
        visit_today(session, world, "samples_day3")
        login(client, session, world.municipal_nurse)
        page = client.get("/my-visits")
        assert page.status_code == 200
        assert "Ta prover:" in page.text
        assert "CRP, Hb, LPK (leukocyter), TPK (trombocyter), Kreatinin" in page.text
        order = session.scalars(select(SampleOrder)).one()
        assert f'action="/sample-orders/{order.id}/taken"' in page.text

        taken = client.post(
            f"/sample-orders/{order.id}/taken", data={"next": "/my-visits"}, follow_redirects=False
        )
        assert taken.status_code == 303
        assert taken.headers["location"].startswith("/my-visits")
        session.refresh(order)
        assert (order.status, order.taken_by_id) == ("taken", world.municipal_nurse.id)
        assert "Ta prover:" not in client.get("/my-visits").text

    def test_another_day_shows_nothing(self, client: TestClient, session: Session) -> None:
        world = planned(client, session)
        order = session.scalars(select(SampleOrder)).one()
        order.day = 5
        session.flush()
        visit_today(session, world, "samples_day3")
        login(client, session, world.municipal_nurse)
        assert "Ta prover:" not in client.get("/my-visits").text


class TestPatientPage:
    def test_the_card_shows_the_latest_flagged_with_its_trend(
        self, client: TestClient, session: Session
    ) -> None:
        world = planned(client, session)
        for value, hours in ((132, 40), (84, 2)):
            client.post(
                "/api/v1/lab-results",
                json={
                    "episode_id": str(world.episode.id),
                    "test": "crp",
                    "value": value,
                    "unit": "mg/L",
                    "taken_at": ago(hours=hours).isoformat(),
                },
                headers=auth(session, world.nurse),
            )
        login(client, session, world.physician)
        page = client.get(f"/patients/{world.patient.id}")
        assert page.status_code == 200
        card = page.text[page.text.index('id="lab-results"') :]
        assert "Provsvar" in card
        assert 'data-test="crp"><strong>CRP</strong> 84 mg/L' in card
        assert 'id="trend-lab_crp"' in card
        assert "Dag 3" in card
        english = client.get(f"/patients/{world.patient.id}", cookies={"samband_lang": "en"})
        assert "Laboratory results" in english.text

    def test_an_outsider_sees_no_card(self, client: TestClient, session: Session) -> None:
        world = planned(client, session)
        login(client, session, world.outsider)
        page = client.get(f"/patients/{world.patient.id}")
        assert 'id="lab-results"' not in page.text


class TestEntering:
    def test_a_result_entered_on_the_page(self, client: TestClient, session: Session) -> None:
        world = build(session)
        login(client, session, world.nurse)
        form = client.get(f"/episodes/{world.episode.id}/lab-results/new")
        assert form.status_code == 200
        taken = ago(hours=1).astimezone(STOCKHOLM).strftime("%Y-%m-%dT%H:%M")
        sent = client.post(
            f"/episodes/{world.episode.id}/lab-results/new",
            data={"test": "crp", "value": "52,5", "taken_at": taken},
            follow_redirects=False,
        )
        assert sent.status_code == 303, sent.text
        result = session.scalars(select(LabResult)).one()
        assert (result.test, result.value, result.flag) == ("crp", 52.5, "H")

    def test_without_a_value_the_form_says_so(self, client: TestClient, session: Session) -> None:
        world = build(session)
        login(client, session, world.nurse)
        sent = client.post(
            f"/episodes/{world.episode.id}/lab-results/new",
            data={"test": "crp", "value": "", "taken_at": ""},
        )
        assert sent.status_code == 422
        assert "Ange värdet" in sent.text
        assert session.scalars(select(LabResult)).all() == []

    def test_an_assistant_nurse_gets_403(self, client: TestClient, session: Session) -> None:
        world = build(session)
        login(client, session, world.assistant)
        assert client.get(f"/episodes/{world.episode.id}/lab-results/new").status_code == 403
