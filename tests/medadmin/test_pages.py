"""The medication administration pages: the doses of a visit on Mina besök with their big
buttons (given in one tap, not given in three), the patient page's signing list, the day's
signing list with as-needed doses, the printed list and its read-back, delegations, and the
care request's medication list acknowledged with a button."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.kit.time import utcnow
from samband.models import CareRequest, User, Visit
from samband.models.medadmin import DoseAdministration, MedicationDelegation
from samband.web import medadmin as web
from samband.web import myvisits
from tests.factories import auth
from tests.medadmin.helpers import WEDNESDAY, World, add_medication, build, local, pin


@pytest.fixture
def world(session: Session) -> World:
    return build(session)


def login(client: TestClient, session: Session, user: User, lang: str = "sv") -> None:
    client.cookies.set("samband_session", auth(session, user)["Authorization"][7:])
    client.cookies.set("samband_lang", lang)
    client.follow_redirects = False  # the tests read the redirects of the forms


@pytest.fixture
def ordered(
    client: TestClient, session: Session, world: World, monkeypatch: pytest.MonkeyPatch
) -> dict[str, Any]:
    pin(monkeypatch, local(2026, 3, 4, 6))
    order = add_medication(client, session, world)
    pin(monkeypatch, local(2026, 3, 4, 13, 50))
    monkeypatch.setattr(web, "local_today", lambda: WEDNESDAY)
    monkeypatch.setattr(myvisits, "local_today", lambda: WEDNESDAY)
    return order


def visit(session: Session, world: World, hour: int) -> Visit:
    found = Visit(
        episode_id=world.episode.id,
        patient_id=world.patient.id,
        date=WEDNESDAY,
        what="IV antibiotics",
        window_start=local(2026, 3, 4, hour) - (local(2026, 3, 4, 0, 30) - local(2026, 3, 4, 0)),
        window_end=local(2026, 3, 4, hour, 30),
        duration_min=30,
        skills=["iv_therapy"],
        role="registered_nurse",
        organisation_kind="municipal_home_health_care",
        organisation_id=world.municipality.id,
        priority=1,
        source="plan",
        status="assigned",
        assigned_user_id=world.nurse.id,
        medication_route="iv",
        history=[],
        created_by_id=world.nurse.id,
        created_at=utcnow(),
    )
    session.add(found)
    session.flush()
    return found


def form_of(html: str, action: str) -> str:
    found = re.search(
        rf'<form method="post" action="{re.escape(action)}"[^>]*>(.*?)</form>', html, re.S
    )
    assert found, f"no form to {action}"
    return found.group(1)


class TestMyVisits:
    def test_the_visit_shows_its_dose_and_given_is_one_tap(
        self, client: TestClient, session: Session, world: World, ordered: dict[str, Any]
    ) -> None:
        afternoon = visit(session, world, 14)
        login(client, session, world.nurse)
        page = client.get("/my-visits")
        assert page.status_code == 200, page.text
        html = page.text
        assert "Doser att ge vid besöket" in html
        assert "Cefotaxim" in html
        dose = session.scalars(select(DoseAdministration)).first()
        assert dose is None
        # only the 14:00 dose belongs to this visit
        assert html.count('name="outcome" value="given"') == 1 + 1  # Given + given at other time
        ids = re.findall(r'action="/doses/([0-9a-f-]+)/sign"', html)
        assert len(set(ids)) == 1
        answer = client.post(
            f"/doses/{ids[0]}/sign",
            data={"outcome": "given", "next": f"/my-visits#visit-{afternoon.id}"},
        )
        assert answer.status_code == 303
        assert answer.headers["location"] == f"/my-visits?notice=signed#visit-{afternoon.id}"
        signed = session.scalars(select(DoseAdministration)).one()
        assert signed.outcome == "given"
        assert signed.signed_by_id == world.nurse.id
        again = client.get("/my-visits").text
        assert "Givet 13:50" in again

    def test_not_given_without_a_reason_is_shown_again(
        self, client: TestClient, session: Session, world: World, ordered: dict[str, Any]
    ) -> None:
        visit(session, world, 14)
        login(client, session, world.nurse)
        ids = re.findall(r'action="/doses/([0-9a-f-]+)/sign"', client.get("/my-visits").text)
        refused = client.post(f"/doses/{ids[0]}/sign", data={"outcome": "not_given"})
        assert refused.status_code == 422
        assert "Ange varför dosen inte" in refused.text
        assert session.scalars(select(DoseAdministration)).first() is None
        done = client.post(
            f"/doses/{ids[0]}/sign",
            data={"outcome": "not_given", "reason": "access_problem", "next": "//evil.example"},
        )
        assert done.status_code == 303
        assert done.headers["location"].startswith(f"/episodes/{world.episode.id}/doses")

    def test_a_foreign_next_is_not_followed(
        self, client: TestClient, session: Session, world: World, ordered: dict[str, Any]
    ) -> None:
        assert web._back_to("https://evil.example/x", "/fallback") == "/fallback"
        assert web._back_to("//evil.example", "/fallback") == "/fallback"
        assert web._back_to("/my-visits#visit-1", "/fallback") == "/my-visits#visit-1"


class TestDayPage:
    def test_the_signing_list_in_swedish_and_english(
        self, client: TestClient, session: Session, world: World, ordered: dict[str, Any]
    ) -> None:
        login(client, session, world.nurse)
        page = client.get(f"/episodes/{world.episode.id}/doses")
        assert page.status_code == 200
        assert "Signeringslista" in page.text
        assert "Försenad, ej signerad" in page.text  # 08:00, not signed by 09:00
        assert page.text.count("Cefotaxim") >= 3
        login(client, session, world.nurse, "en")
        english = client.get(f"/episodes/{world.episode.id}/doses")
        assert "Overdue, not signed" in english.text
        assert "Print the signing list (PDF)" in english.text

    def test_as_needed_given_and_followed_up_on_the_page(
        self,
        client: TestClient,
        session: Session,
        world: World,
        ordered: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        pin(monkeypatch, local(2026, 3, 4, 13))
        morphine = add_medication(
            client, session, world, drug="Morfin", dose="2,5 mg", route="sc", schedule="as needed"
        )
        pin(monkeypatch, local(2026, 3, 4, 13, 50))
        login(client, session, world.nurse)
        page = client.get(f"/episodes/{world.episode.id}/doses").text
        assert "Ge vid behov-dos" in page
        given = client.post(
            f"/episodes/{world.episode.id}/as-needed-doses",
            data={"medication_id": morphine["id"], "indication": "smärta", "amount": "2,5 mg"},
        )
        assert given.status_code == 303, given.text
        prn = session.scalars(select(DoseAdministration)).one()
        assert prn.indication == "smärta"
        followed = client.post(
            f"/dose-administrations/{prn.id}/follow-up", data={"effect": "partial"}
        )
        assert followed.status_code == 303
        session.refresh(prn)
        assert prn.followup_effect == "partial"

    def test_the_printed_list_and_its_read_back(
        self,
        client: TestClient,
        session: Session,
        world: World,
        ordered: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        login(client, session, world.nurse)
        printed = client.get(f"/episodes/{world.episode.id}/doses/print?date=2026-03-04")
        assert printed.status_code == 200
        assert printed.headers["content-type"] == "application/pdf"
        assert printed.content.startswith(b"%PDF")
        paper = client.get(f"/episodes/{world.episode.id}/doses/paper?date=2026-03-04")
        assert paper.status_code == 200
        assert world.other_nurse.full_name in paper.text
        ids = re.findall(r'action="/doses/([0-9a-f-]+)/paper-signature"', paper.text)
        assert len(ids) == 3
        pin(monkeypatch, local(2026, 3, 4, 21))
        entered = client.post(
            f"/doses/{ids[0]}/paper-signature",
            data={"signed_by_id": str(world.other_nurse.id), "time": "08:10", "outcome": "given"},
        )
        assert entered.status_code == 303, entered.text
        row = session.scalars(select(DoseAdministration)).one()
        assert row.source == "paper"
        assert row.signed_by_id == world.other_nurse.id
        assert row.entered_by_id == world.nurse.id
        assert row.given_at == local(2026, 3, 4, 8, 10)
        missing = client.post(
            f"/doses/{ids[1]}/paper-signature",
            data={"signed_by_id": str(world.other_nurse.id), "outcome": "given"},
        )
        assert missing.status_code == 422


class TestPatientPage:
    def test_the_patient_page_shows_todays_list(
        self, client: TestClient, session: Session, world: World, ordered: dict[str, Any]
    ) -> None:
        login(client, session, world.nurse)
        page = client.get(f"/patients/{world.patient.id}")
        assert page.status_code == 200
        assert "Signeringslista idag" in page.text
        assert "3 doser idag, 1 försenade" in page.text


class TestDelegations:
    def test_a_nurse_delegates_and_revokes_on_the_page(
        self, client: TestClient, session: Session, world: World, ordered: dict[str, Any]
    ) -> None:
        login(client, session, world.nurse)
        page = client.get("/medication-delegations")
        assert page.status_code == 200
        assert world.assistant.full_name in page.text
        made = client.post(
            "/medication-delegations",
            data={
                "delegate_id": str(world.assistant.id),
                "route_iv": "1",
                "valid_until": "2026-05-31",
            },
        )
        assert made.status_code == 303, made.text
        found = session.scalars(select(MedicationDelegation)).one()
        assert found.routes == ["iv"]
        revoked = client.post(f"/medication-delegations/{found.id}/revoke", data={"reason": "slut"})
        assert revoked.status_code == 303
        session.refresh(found)
        assert found.revoked_at is not None

    def test_an_assistant_nurse_sees_only_her_own_and_cannot_delegate(
        self, client: TestClient, session: Session, world: World, ordered: dict[str, Any]
    ) -> None:
        login(client, session, world.assistant)
        page = client.get("/medication-delegations")
        assert page.status_code == 200
        assert 'action="/medication-delegations"' not in page.text
        refused = client.post(
            "/medication-delegations",
            data={
                "delegate_id": str(world.assistant.id),
                "route_iv": "1",
                "valid_until": "2026-05-31",
            },
        )
        assert refused.status_code == 403


class TestCareRequest:
    def test_the_receiver_acknowledges_with_a_button(
        self, client: TestClient, session: Session, world: World, ordered: dict[str, Any]
    ) -> None:
        sent = client.post(
            "/api/v1/care-requests",
            json={
                "episode_id": str(world.episode.id),
                "kind": "home_health_care",
                "to_organisation_id": str(world.municipality.id),
            },
            headers=auth(session, world.physician),
        )
        assert sent.status_code == 201, sent.text
        request_id = sent.json()["id"]
        login(client, session, world.nurse)
        page = client.get(f"/care-requests/{request_id}")
        assert "Kvittera läkemedelslistan (version 1)" in page.text
        assert "inte kvitterad" in page.text
        done = client.post(
            f"/care-requests/{request_id}/medication-acknowledgement", data={"version": "1"}
        )
        assert done.status_code == 303
        client.patch(
            f"/api/v1/medications/{ordered['id']}",
            json={"dose": "1 g"},
            headers=auth(session, world.physician),
        )
        again = client.get(f"/care-requests/{request_id}").text
        assert "Det finns en nyare läkemedelslista (version 2) som inte är kvitterad" in again
        request = session.get(CareRequest, uuid_of(request_id))
        assert request is not None
        assert request.medication_acknowledged_version == 1


def uuid_of(text: str) -> Any:
    import uuid

    return uuid.UUID(text)


class TestAlertPages:
    def test_the_unsigned_dose_alert_reads_in_swedish_and_english(
        self,
        client: TestClient,
        session: Session,
        session_factory: Any,
        world: World,
        ordered: dict[str, Any],
    ) -> None:
        from samband.medadmin import periodic
        from samband.models import Alert

        assert periodic.run_checks(session_factory, local(2026, 3, 4, 13, 50)).unsigned == 1
        alert = session.scalars(select(Alert).where(Alert.kind == "unsigned_dose")).one()
        login(client, session, world.physician)
        page = client.get(f"/alerts/{alert.id}")
        assert page.status_code == 200
        assert "Dos ej signerad" in page.text
        assert "Cefotaxim 2 g intravenöst kl. 08:00 (2026-03-04)" in page.text
        listed = client.get("/alerts")
        assert "Dos ej signerad" in listed.text
        login(client, session, world.physician, "en")
        english = client.get(f"/alerts/{alert.id}")
        assert "Dose not signed: Cefotaxim 2 g intravenous at 08:00 (2026-03-04)" in english.text
