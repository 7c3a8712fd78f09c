"""Alerts on the pages (web/alerts.py, web/overview.py): a high NEWS2 measurement taken in
through the ingestion service shows on the overview's live part, most severe first, and is
acknowledged from there; the alert page shows the measurements with their NEWS2 points and
carries the life cycle as forms, direct admission included (a bed taken, or refused in
Swedish with the emergency department as the way on); another organisation sees nothing."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.alerts import rules
from samband.kit import stored
from samband.kit.errors import Problem
from samband.kit.time import utcnow
from samband.models import Alert, AuditEvent, Episode, Patient, ReservedBed
from samband.monitoring import intake
from samband.observations.schemas import ObservationCreate
from samband.pathways.definition import AlertLimit
from samband.security.context import AccessLog, Context
from samband.security.service import actor_of
from tests.factories import make_episode, make_patient, make_user
from tests.observations.world import HIGH, MEDIUM, NORMAL, World, alerts_of, make_world
from tests.web.test_overview import login


@pytest.fixture
def world(session: Session) -> World:
    return make_world(session)


def ingest(
    session: Session, world: World, values: dict[str, Any], *, patient: Patient | None = None
) -> uuid.UUID:
    """One set through the ingestion service, as the ward's nurse; the alert it raised."""
    ctx = Context(session=session, actor=actor_of(world.nurse), log=AccessLog())
    data = ObservationCreate(
        patient_id=(patient or world.patient).id,
        measured_at=utcnow() - timedelta(minutes=3),
        source="visit",
        **values,
    )
    result = intake.ingest_one(ctx, data)
    session.flush()
    assert result.view.alert_ids, "expected the set to raise an alert"
    return result.view.alert_ids[0]


def second_patient(session: Session, world: World, given_name: str) -> Patient:
    patient = make_patient(session, given_name=given_name, registered_by=world.nurse)
    episode = make_episode(
        session, patient, unit=world.ward, state="at_home", care_contact=world.nurse
    )
    episode.started_at = utcnow() - timedelta(days=1)
    session.flush()
    return patient


def alert(session: Session, alert_id: uuid.UUID) -> Alert:
    session.expire_all()
    found = session.get(Alert, alert_id)
    assert found is not None
    return found


class TestOverview:
    def test_a_high_news2_set_shows_first_in_the_live_part_with_a_count_in_the_title(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        other = second_patient(session, world, "Mediana")
        medium = ingest(session, world, MEDIUM, patient=other)  # older, less severe
        high = ingest(session, world, HIGH)
        login(client, session, world.nurse)

        page = client.get("/")
        live = client.get("/overview/live").text

        assert "<title>(2) Översikt · Samband</title>" in page.text
        assert 'data-page-title="(2) Översikt · Samband"' in live
        assert re.search(r'<h2 id="h-alerts">Larm \(2\)', live)
        rows = re.findall(r'<tr class="alert-row sev-row-(\w+)">(.*?)</tr>', live, re.S)
        assert [severity for severity, _ in rows] == ["high", "medium"]
        first = rows[0][1]
        assert f'href="/patients/{world.patient.id}"' in first
        assert "Hög" in first
        assert "NEWS2 8 (hög): andningsfrekvens 3, SpO2 3, systoliskt blodtryck 2" in first
        assert "Nivå 1/3" in first
        assert re.search(r"\d+ min</time>", first)
        assert f'action="/alerts/{high}/acknowledge"' in first
        assert f'href="/alerts/{high}"' in first
        assert f'href="/alerts/{medium}"' in rows[1][1]
        # the patients-at-home table has the latest NEWS2 and the alert count
        assert re.search(r"<strong>8</strong> <span class=\"badge risk risk-high\">hög", live)

    def test_acknowledge_from_the_overview(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        alert_id = ingest(session, world, HIGH)
        login(client, session, world.nurse)

        answer = client.post(
            f"/alerts/{alert_id}/acknowledge", data={"next": "/"}, follow_redirects=False
        )

        assert answer.status_code == 303
        assert answer.headers["location"] == "/?notice=alert_acknowledged"
        stored = alert(session, alert_id)
        assert stored.status == "acknowledged"
        assert stored.acknowledged_by_id == world.nurse.id
        page = client.get(answer.headers["location"])
        assert "Larmet är kvitterat." in page.text
        assert "<title>Översikt · Samband</title>" in page.text
        assert f'action="/alerts/{alert_id}/acknowledge"' not in page.text
        assert "Kvitterat" in page.text

    def test_a_role_that_may_not_handle_alerts_sees_them_without_the_button(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        alert_id = ingest(session, world, HIGH)
        login(client, session, world.assistant)

        live = client.get("/overview/live").text
        refused = client.post(f"/alerts/{alert_id}/acknowledge", data={"next": "/"})

        assert f'href="/alerts/{alert_id}"' in live
        assert f'action="/alerts/{alert_id}/acknowledge"' not in live
        assert refused.status_code == 403
        assert "får inte göra detta" in refused.text
        assert alert(session, alert_id).status == "open"

    def test_another_organisation_sees_nothing_of_the_alert(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        alert_id = ingest(session, world, HIGH)
        login(client, session, world.outsider)

        live = client.get("/overview/live").text
        listed = client.get("/alerts").text
        page = client.get(f"/alerts/{alert_id}")
        acknowledged = client.post(f"/alerts/{alert_id}/acknowledge", data={"next": "/"})

        name = world.patient.family_name
        assert "Larm (0)" in live
        assert name not in live
        assert str(alert_id) not in live
        assert name not in listed
        assert page.status_code == 404
        assert name not in page.text
        assert acknowledged.status_code == 404
        assert alert(session, alert_id).status == "open"
        denied = session.scalars(
            select(AuditEvent).where(
                AuditEvent.user_id == world.outsider.id,
                AuditEvent.resource_type == "alert",
                AuditEvent.allowed.is_(False),
            )
        ).all()
        assert denied
        assert all(e.patient_id == world.patient.id for e in denied)


class TestAlertPage:
    def test_shows_the_measurements_with_their_news2_points(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        alert_id = ingest(session, world, HIGH)
        login(client, session, world.nurse)

        page = client.get(f"/alerts/{alert_id}")

        assert page.status_code == 200
        text = page.text
        assert "Mätvärden som orsakade larmet" in text
        assert re.search(r'"AF" class="scored scored-3">26 <span[^>]*>\(3&nbsp;p\)', text)
        assert re.search(r'data-label="SpO2 %" class="scored scored-3">90 ', text)
        assert re.search(r'data-label="BT" class="scored scored-2">95 ', text)
        assert re.search(r'data-label="Puls">72 <span[^>]*>\(0\)', text)
        assert re.search(r"<strong>8</strong> <span class=\"badge risk risk-high\">hög", text)
        assert "Skriv in direkt (trygghetsplats)" in text
        # the free reserved beds per ward, with the occupancy
        beds = re.search(r'<table class="beds">.*?</table>', text, re.S)
        assert beds is not None
        assert world.ward.name in beds[0]
        assert re.search(r"<td><strong>1</strong></td><td>0</td><td>1</td>", beds[0])

    def test_the_life_cycle_action_then_close(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        alert_id = ingest(session, world, MEDIUM)
        login(client, session, world.nurse)

        acted = client.post(
            f"/alerts/{alert_id}/action",
            data={"action": "phone_call", "note": "Mår bättre, mäter igen om en timme"},
            follow_redirects=False,
        )
        closed = client.post(f"/alerts/{alert_id}/close", data={"note": ""}, follow_redirects=False)

        assert acted.status_code == 303
        assert acted.headers["location"] == f"/alerts/{alert_id}?notice=alert_action"
        assert closed.headers["location"] == f"/alerts/{alert_id}?notice=alert_closed"
        stored = alert(session, alert_id)
        assert (stored.status, stored.action) == ("closed", "phone_call")
        assert stored.acknowledged_by_id == world.nurse.id  # acknowledged with the action
        page = client.get(f"/alerts/{alert_id}").text
        assert "Larmet är stängt." in page
        assert "Telefonsamtal: Mår bättre, mäter igen om en timme" in page

    def test_closing_without_an_action_is_refused_in_swedish_and_changes_nothing(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        alert_id = ingest(session, world, HIGH)
        login(client, session, world.nurse)

        refused = client.post(f"/alerts/{alert_id}/close", data={"note": "klart"})

        assert refused.status_code == 409
        assert "Ett larm som är okvitterat kan inte stängas" in refused.text
        assert "registrera en åtgärd först" in refused.text
        stored = alert(session, alert_id)
        assert stored.status == "open"
        assert [e["event"] for e in stored.history] == ["opened"]

    def test_no_action_needed_needs_a_note(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        alert_id = ingest(session, world, HIGH)
        login(client, session, world.nurse)

        refused = client.post(f"/alerts/{alert_id}/action", data={"action": "none_needed"})
        unchosen = client.post(f"/alerts/{alert_id}/action", data={"note": "x"})

        assert refused.status_code == 422
        assert "Skriv varför ingen åtgärd behövdes" in refused.text
        assert unchosen.status_code == 422
        assert "Välj vad som gjordes." in unchosen.text
        assert alert(session, alert_id).status == "open"

    def test_direct_admission_takes_the_reserved_bed(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        alert_id = ingest(session, world, HIGH)
        login(client, session, world.nurse)

        admitted = client.post(
            f"/alerts/{alert_id}/action",
            data={
                "action": "direct_admission",
                "ward_unit_id": str(world.ward.id),
                "use_reserved_bed": "true",
                "note": "Andningspåverkad",
            },
            follow_redirects=False,
        )

        assert admitted.status_code == 303
        assert admitted.headers["location"] == f"/alerts/{alert_id}?notice=alert_admitted"
        session.expire_all()
        assert session.get(Episode, world.episode.id).state == "readmitted"  # type: ignore[union-attr]
        bed = session.scalars(select(ReservedBed).where(ReservedBed.unit_id == world.ward.id)).one()
        assert bed.occupied_by_episode_id == world.episode.id
        stored = alert(session, alert_id)
        assert (stored.status, stored.action) == ("action_taken", "direct_admission")
        page = client.get(admitted.headers["location"]).text
        assert "Patienten är inskriven direkt" in page
        assert f"Inskriven: {world.ward.name} · Bed 1" in page

    def test_no_free_bed_is_refused_in_swedish_with_the_emergency_department(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        other = second_patient(session, world, "Sängliggande")
        bed = session.scalars(select(ReservedBed).where(ReservedBed.unit_id == world.ward.id)).one()
        bed.occupied_by_episode_id = session.scalars(
            select(Episode.id).where(Episode.patient_id == other.id)
        ).one()
        session.flush()
        alert_id = ingest(session, world, HIGH)
        login(client, session, world.nurse)

        page = client.get(f"/alerts/{alert_id}").text
        refused = client.post(
            f"/alerts/{alert_id}/action",
            data={"action": "direct_admission", "ward_unit_id": str(world.ward.id)},
        )

        assert re.search(r"<td><strong>0</strong> <span class=\"badge bad\">Fullt", page)
        assert refused.status_code == 409
        assert "Direktinläggningen gick inte:" in refused.text
        assert f"Ingen trygghetsplats är ledig på {world.ward.name}" in refused.text
        assert "Alternativet är akutmottagningen" in refused.text
        assert "Skriv in via akutmottagningen" in refused.text
        session.expire_all()
        assert session.get(Episode, world.episode.id).state == "at_home"  # type: ignore[union-attr]
        assert bed.occupied_by_episode_id != world.episode.id
        stored = alert(session, alert_id)
        # the refusal is part of the alert's story (decision 0006): recorded, acknowledged
        assert stored.admission is not None
        assert stored.admission["outcome"] == "refused"
        assert stored.admission["alternative"] == "emergency_department"
        assert stored.status == "acknowledged"
        assert stored.action is None

        # the way on: through the emergency department
        via_ed = client.post(
            f"/alerts/{alert_id}/action",
            data={
                "action": "direct_admission",
                "ward_unit_id": str(world.ward.id),
                "use_reserved_bed": "false",
            },
            follow_redirects=False,
        )
        assert via_ed.status_code == 303
        session.expire_all()
        assert session.get(Episode, world.episode.id).state == "readmitted"  # type: ignore[union-attr]
        assert "via akutmottagningen" in client.get(f"/alerts/{alert_id}").text

    def test_the_patient_page_lists_the_alert(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        alert_id = ingest(session, world, HIGH)
        login(client, session, world.nurse)

        page = client.get(f"/patients/{world.patient.id}").text

        assert "Larm under episoden: 1 öppna av 1" in page
        assert f'href="/alerts/{alert_id}"' in page
        acknowledged = client.post(
            f"/alerts/{alert_id}/acknowledge",
            data={"next": f"/patients/{world.patient.id}#vitals"},
            follow_redirects=False,
        )
        assert acknowledged.headers["location"] == (
            f"/patients/{world.patient.id}?notice=alert_acknowledged#vitals"
        )
        assert "Larmet är kvitterat." in client.get(acknowledged.headers["location"]).text


class TestAlertList:
    def test_filters_by_status(self, client: TestClient, session: Session, world: World) -> None:
        closed_id = ingest(session, world, HIGH)
        login(client, session, world.nurse)
        client.post(f"/alerts/{closed_id}/action", data={"action": "none_needed", "note": "fel"})
        client.post(f"/alerts/{closed_id}/close", data={})
        open_id = ingest(session, world, {**NORMAL, "consciousness": "C"})

        active = client.get("/alerts").text
        closed = client.get("/alerts?status=closed").text
        unknown = client.get("/alerts?status=nonsense")

        assert f'href="/alerts/{open_id}"' in active
        assert f'href="/alerts/{closed_id}"' not in active
        assert f'href="/alerts/{closed_id}"' in closed
        assert f'href="/alerts/{open_id}"' not in closed
        assert unknown.status_code == 200
        assert 'aria-current="page">Aktiva' in unknown.text

    def test_the_nav_has_the_alerts(self, client: TestClient, session: Session) -> None:
        world = make_world(session)
        login(client, session, make_user(session, world.clinic))

        assert '<a href="/alerts">Larm</a>' in client.get("/").text
        assert alerts_of(session, world.episode) == []


KEY = re.compile(
    r">[^<]*\b(?:alerts?|alert_[a-z]+|vitals|selfreport|severity|risk|source|monitoring|acvpu"
    r"|time|form|notice)\.[a-zA-Z_0-9.-]+"
)


class TestLanguages:
    @pytest.mark.parametrize("lang", ["sv", "en"])
    def test_no_text_key_shows_on_the_new_pages(
        self, client: TestClient, session: Session, world: World, lang: str
    ) -> None:
        alert_id = ingest(session, world, HIGH)
        ingest(session, world, {**NORMAL, "pulse": 35})  # flagged for confirmation
        login(client, session, world.nurse)
        client.get(f"/language/{lang}")
        client.post(f"/alerts/{alert_id}/action", data={"action": "none_needed"})  # refused

        pages = {
            path: client.get(path)
            for path in (
                "/",
                "/alerts",
                "/alerts?status=closed",
                f"/alerts/{alert_id}",
                f"/patients/{world.patient.id}",
                f"/episodes/{world.episode.id}/observations/new",
                f"/self-report/{world.episode.id}",
            )
        }

        for path, page in pages.items():
            assert page.status_code == 200, path
            assert not KEY.search(page.text), (path, KEY.search(page.text))
        if lang == "en":
            assert "Alerts (1)" in pages["/"].text
            assert "Vital signs" in pages[f"/patients/{world.patient.id}"].text


class TestReasonsInTheReadersLanguage:
    """An alert's reason is stored as a code with parameters (issue 12): the same alert reads
    in Swedish and in English, and the API answers its code."""

    @pytest.mark.parametrize(
        ("lang", "words"),
        [
            ("sv", "NEWS2 8 (hög): andningsfrekvens 3, SpO2 3, systoliskt blodtryck 2"),
            ("en", "NEWS2 8 (high): respiratory rate 3, spo2 3, systolic bp 2"),
        ],
    )
    def test_the_alert_page_and_list_show_the_reason_in_the_page_language(
        self, client: TestClient, session: Session, world: World, lang: str, words: str
    ) -> None:
        alert_id = ingest(session, world, HIGH)
        login(client, session, world.nurse)
        client.get(f"/language/{lang}")

        page = client.get(f"/alerts/{alert_id}").text
        listed = client.get("/alerts").text

        assert f'<p class="alert-reason">{words}</p>' in page
        assert words in listed
        stored = alert(session, alert_id)
        assert stored.reason_code == "alert.news2"
        assert stored.reason.startswith("NEWS2 8 (high)")

    def test_the_api_answers_the_reason_in_english_with_its_code_and_parameters(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        alert_id = ingest(session, world, HIGH)

        body = client.get(f"/api/v1/alerts/{alert_id}", headers=world.headers(session)).json()

        assert body["reason"].startswith("NEWS2 8 (high): respiratory rate 3")
        assert body["reason_code"] == "alert.news2"
        assert body["reason_params"]["total"] == 8
        assert body["reason_params"]["risk"] == "high"
        assert body["causes"][0]["reason_code"] == "alert.news2"

    def test_a_care_plan_limit_note_is_translated_as_configuration_text(self) -> None:
        note = (
            "Fever 38.5 °C or higher: call the patient and the infection ward's physician at once"
        )
        limit = AlertLimit(parameter="temperature", op=">=", value=38.5, severity="high", note=note)
        trigger = rules.limit_trigger({"temperature": 38.6}, [limit])
        assert trigger is not None
        assert isinstance(trigger.problem, Problem)
        # stored and read back as the pages do
        found = stored.as_problem(trigger.problem.code, stored.dump_params(trigger.problem.params))
        assert found is not None

        assert found.text("en") == f"care plan limit: temperature 38.6 °C ≥ 38.5 °C ({note})"
        assert found.text("sv") == (
            "Gräns i vårdplanen: temperatur 38,6 °C ≥ 38,5 °C (Feber 38,5 °C eller högre: ring "
            "patienten och infektionsavdelningens läkare direkt)"
        )
