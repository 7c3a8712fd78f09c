"""Medication administration through the API: signing and its refusals, delegation,
entered in error, paper read-back, as-needed doses and their follow-up, a physician's
change of the list, the care request's medication list version, FHIR shapes, outsiders."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.medicationadministration import MedicationAdministration
from fhir.resources.R4B.medicationrequest import MedicationRequest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from samband.medadmin import periodic
from samband.models import Alert, AuditEvent, CareRequest
from samband.models.medadmin import DoseAdministration, ScheduledDose
from tests.factories import auth
from tests.medadmin.helpers import WEDNESDAY, World, add_medication, build, local, pin, signing_list


@pytest.fixture
def world(session: Session) -> World:
    return build(session)


@pytest.fixture
def ordered(
    client: TestClient, session: Session, world: World, monkeypatch: pytest.MonkeyPatch
) -> dict[str, Any]:
    """IV cefotaxime 3 times a day, ordered Wednesday 06:00; the clock at 08:05."""
    pin(monkeypatch, local(2026, 3, 4, 6))
    order = add_medication(client, session, world)
    pin(monkeypatch, local(2026, 3, 4, 8, 5))
    return order


def sign(client: TestClient, session: Session, user: Any, dose_id: str, **body: Any) -> Any:
    return client.post(
        f"/api/v1/doses/{dose_id}/sign",
        json={"outcome": "given", **body},
        headers=auth(session, user),
    )


def doses(client: TestClient, session: Session, world: World) -> list[dict[str, Any]]:
    return signing_list(client, session, world)["doses"]


def rows(session: Session, model: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


class TestSigning:
    def test_twice_answers_409_naming_the_first_signer(
        self, client: TestClient, session: Session, world: World, ordered: dict[str, Any]
    ) -> None:
        first = doses(client, session, world)[0]
        assert sign(client, session, world.nurse, first["id"]).status_code == 201
        again = sign(client, session, world.other_nurse, first["id"])
        assert again.status_code == 409
        assert again.json()["code"] == "medadmin.already_signed"
        assert world.nurse.full_name in again.json()["detail"]
        assert again.json()["signed_by_id"] == str(world.nurse.id)

    def test_not_given_needs_a_reason_and_partly_an_amount(
        self, client: TestClient, session: Session, world: World, ordered: dict[str, Any]
    ) -> None:
        first = doses(client, session, world)[0]
        before = rows(session, DoseAdministration)
        missing = sign(client, session, world.nurse, first["id"], outcome="not_given")
        assert missing.status_code == 422
        assert "reason" in missing.text
        partly = sign(
            client, session, world.nurse, first["id"], outcome="partly_given", reason="vomited"
        )
        assert partly.status_code == 422
        assert "amount" in partly.text
        other = sign(client, session, world.nurse, first["id"], outcome="not_given", reason="other")
        assert other.status_code == 422
        assert "note" in other.text
        assert rows(session, DoseAdministration) == before
        done = sign(
            client,
            session,
            world.nurse,
            first["id"],
            outcome="partly_given",
            reason="access_problem",
            amount="1 g",
            note="PVK stopp halvvägs",
        )
        assert done.status_code == 201, done.text
        assert done.json()["amount"] == "1 g"
        assert done.json()["reason"] == "access_problem"
        assert doses(client, session, world)[0]["state"] == "partly_given"

    def test_the_time_given_must_be_possible(
        self, client: TestClient, session: Session, world: World, ordered: dict[str, Any]
    ) -> None:
        first, second, _ = doses(client, session, world)
        future = sign(
            client, session, world.nurse, first["id"], given_at=local(2026, 3, 4, 9).isoformat()
        )
        assert future.status_code == 422
        assert future.json()["field"] == "given_at"
        early = sign(
            client, session, world.nurse, second["id"], given_at=local(2026, 3, 4, 8).isoformat()
        )
        assert early.status_code == 422
        assert early.json()["code"] == "medadmin.given_before_window"
        naive = sign(client, session, world.nurse, first["id"], given_at="2026-03-04T08:00:00")
        assert naive.status_code == 422

    def test_an_assistant_nurse_needs_a_delegation(
        self,
        client: TestClient,
        session: Session,
        world: World,
        ordered: dict[str, Any],
    ) -> None:
        first = doses(client, session, world)[0]
        refused = sign(client, session, world.assistant, first["id"])
        assert refused.status_code == 403
        assert refused.json()["code"] == "medadmin.no_delegation"
        url = "/api/v1/medication-delegations"
        # an assistant nurse cannot delegate to herself
        by_assistant = client.post(
            url,
            json={
                "delegate_id": str(world.assistant.id),
                "routes": ["iv"],
                "valid_until": "2026-06-30",
            },
            headers=auth(session, world.assistant),
        )
        assert by_assistant.status_code == 403
        # oral only: IV still refused
        oral = client.post(
            url,
            json={
                "delegate_id": str(world.assistant.id),
                "routes": ["oral"],
                "valid_until": "2026-06-30",
            },
            headers=auth(session, world.nurse),
        )
        assert oral.status_code == 201, oral.text
        assert oral.json()["valid_from"] == str(WEDNESDAY)
        assert sign(client, session, world.assistant, first["id"]).status_code == 403
        # the medication itself
        iv = client.post(
            url,
            json={
                "delegate_id": str(world.assistant.id),
                "medication_ids": [ordered["id"]],
                "valid_until": "2026-06-30",
            },
            headers=auth(session, world.nurse),
        )
        assert iv.status_code == 201, iv.text
        signed = sign(client, session, world.assistant, first["id"])
        assert signed.status_code == 201, signed.text
        assert signed.json()["delegation_id"] == iv.json()["id"]
        # her own delegations only
        mine = client.get(url, headers=auth(session, world.assistant)).json()
        assert {d["delegate_id"] for d in mine} == {str(world.assistant.id)}
        assert len(mine) == 2
        # revoked: refused again
        second = doses(client, session, world)[1]
        revoked = client.post(
            f"{url}/{iv.json()['id']}/revoke",
            json={"reason": "ny bedömning"},
            headers=auth(session, world.nurse),
        )
        assert revoked.status_code == 200
        assert revoked.json()["valid_today"] is False
        late = sign(
            client,
            session,
            world.assistant,
            second["id"],
            given_at=local(2026, 3, 4, 8, 0).isoformat(),
        )
        assert late.status_code == 403

    def test_a_delegation_is_bounded(
        self, client: TestClient, session: Session, world: World, ordered: dict[str, Any]
    ) -> None:
        url = "/api/v1/medication-delegations"
        headers = auth(session, world.nurse)
        body = {"delegate_id": str(world.assistant.id), "routes": ["iv"]}
        too_long = client.post(url, json={**body, "valid_until": "2027-06-30"}, headers=headers)
        assert too_long.status_code == 422
        assert too_long.json()["field"] == "valid_until"
        empty = client.post(
            url,
            json={"delegate_id": str(world.assistant.id), "valid_until": "2026-06-30"},
            headers=headers,
        )
        assert empty.status_code == 422
        to_nurse = client.post(
            url,
            json={**body, "delegate_id": str(world.other_nurse.id), "valid_until": "2026-06-30"},
            headers=headers,
        )
        assert to_nurse.status_code == 422
        assert to_nurse.json()["field"] == "delegate_id"

    def test_entered_in_error_keeps_the_signature_and_the_dose_is_signed_again(
        self, client: TestClient, session: Session, world: World, ordered: dict[str, Any]
    ) -> None:
        first = doses(client, session, world)[0]
        wrong = sign(client, session, world.nurse, first["id"]).json()
        corrected = client.post(
            f"/api/v1/dose-administrations/{wrong['id']}/entered-in-error",
            json={"reason": "fel patient i listan"},
            headers=auth(session, world.nurse),
        )
        assert corrected.status_code == 200
        assert corrected.json()["status"] == "entered_in_error"
        assert doses(client, session, world)[0]["state"] == "due"
        again = sign(
            client,
            session,
            world.nurse,
            first["id"],
            outcome="not_given",
            reason="patient_declined",
        )
        assert again.status_code == 201
        dose = client.get(f"/api/v1/doses/{first['id']}", headers=auth(session, world.nurse))
        assert dose.json()["state"] == "not_given"
        assert [e["error_reason"] for e in dose.json()["entered_in_error"]] == [
            "fel patient i listan"
        ]
        twice = client.post(
            f"/api/v1/dose-administrations/{wrong['id']}/entered-in-error",
            json={"reason": "igen"},
            headers=auth(session, world.nurse),
        )
        assert twice.status_code == 409

    def test_a_dose_the_patient_takes_is_shown_not_signed(
        self, client: TestClient, session: Session, world: World, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        pin(monkeypatch, local(2026, 3, 4, 6))
        add_medication(
            client,
            session,
            world,
            drug="Alvedon",
            dose="1 g",
            route="oral",
            schedule="08:00 20:00",
            given_by="patient",
        )
        pin(monkeypatch, local(2026, 3, 4, 8, 5))
        listed = doses(client, session, world)
        assert [d["state"] for d in listed] == ["by_patient", "by_patient"]
        refused = sign(client, session, world.nurse, listed[0]["id"])
        assert refused.status_code == 409
        assert refused.json()["code"] == "medadmin.given_by_patient"


class TestPhysicianChanges:
    def test_a_change_replaces_the_future_doses_never_the_signed(
        self,
        client: TestClient,
        session: Session,
        world: World,
        ordered: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        first = doses(client, session, world)[0]
        assert sign(client, session, world.nurse, first["id"]).status_code == 201
        pin(monkeypatch, local(2026, 3, 4, 10))
        changed = client.patch(
            f"/api/v1/medications/{ordered['id']}",
            json={"dose": "1 g", "schedule": "08:00 16:00 24:00"},
            headers=auth(session, world.physician),
        )
        assert changed.status_code == 200, changed.text
        listed = doses(client, session, world)
        assert [(d["dose"], d["state"]) for d in listed] == [("2 g", "given"), ("1 g", "due")]
        cancelled = session.scalars(
            select(ScheduledDose).where(ScheduledDose.status == "cancelled")
        ).all()
        assert {d.dose for d in cancelled} == {"2 g"}
        assert len(cancelled) >= 2
        # a note only: the doses stay
        noted = client.patch(
            f"/api/v1/medications/{ordered['id']}",
            json={"note": "spädes i 100 ml NaCl"},
            headers=auth(session, world.physician),
        )
        assert noted.status_code == 200
        assert [d["id"] for d in doses(client, session, world)] == [d["id"] for d in listed]

    def test_stopped_cancels_the_future_doses(
        self,
        client: TestClient,
        session: Session,
        world: World,
        ordered: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        first = doses(client, session, world)[0]
        sign(client, session, world.nurse, first["id"])
        stopped = client.post(
            f"/api/v1/medications/{ordered['id']}/stop",
            json={"reason": "CRP normaliserat, över till tabletter"},
            headers=auth(session, world.physician),
        )
        assert stopped.status_code == 200
        assert [d["state"] for d in doses(client, session, world)] == ["given"]

    def test_a_nurse_may_not_order(
        self, client: TestClient, session: Session, world: World, ordered: dict[str, Any]
    ) -> None:
        answer = client.patch(
            f"/api/v1/medications/{ordered['id']}",
            json={"dose": "3 g"},
            headers=auth(session, world.nurse),
        )
        assert answer.status_code == 403


class TestPaper:
    def test_the_paper_list_is_read_back(
        self,
        client: TestClient,
        session: Session,
        world: World,
        ordered: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        listed = doses(client, session, world)
        pin(monkeypatch, local(2026, 3, 4, 21))
        entered = client.post(
            f"/api/v1/doses/{listed[1]['id']}/paper-signature",
            json={
                "outcome": "given",
                "signed_by_id": str(world.other_nurse.id),
                "given_at": local(2026, 3, 4, 14, 10).isoformat(),
            },
            headers=auth(session, world.nurse),
        )
        assert entered.status_code == 201, entered.text
        body = entered.json()
        assert body["source"] == "paper"
        assert body["signed_by_id"] == str(world.other_nurse.id)
        assert body["entered_by_id"] == str(world.nurse.id)
        no_time = client.post(
            f"/api/v1/doses/{listed[2]['id']}/paper-signature",
            json={"outcome": "given", "signed_by_id": str(world.other_nurse.id)},
            headers=auth(session, world.nurse),
        )
        assert no_time.status_code == 422
        stranger = client.post(
            f"/api/v1/doses/{listed[2]['id']}/paper-signature",
            json={
                "outcome": "given",
                "signed_by_id": str(world.physician.id),
                "given_at": local(2026, 3, 4, 20).isoformat(),
            },
            headers=auth(session, world.nurse),
        )
        assert stranger.status_code == 422
        assert stranger.json()["field"] == "signed_by_id"


class TestAsNeeded:
    def test_given_followed_up_and_alerted_when_not(
        self,
        client: TestClient,
        session: Session,
        session_factory: sessionmaker[Session],
        world: World,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        pin(monkeypatch, local(2026, 3, 4, 6))
        morphine = add_medication(
            client, session, world, drug="Morfin", dose="2,5 mg", route="sc", schedule="vid behov"
        )
        assert signing_list(client, session, world)["doses"] == []
        pin(monkeypatch, local(2026, 3, 4, 10))
        url = f"/api/v1/episodes/{world.episode.id}/as-needed-doses"
        given = client.post(
            url,
            json={"medication_id": morphine["id"], "indication": "smärta 7/10", "amount": "2,5 mg"},
            headers=auth(session, world.nurse),
        )
        assert given.status_code == 201, given.text
        assert given.json()["followup_due_at"].startswith("2026-03-04T09:30")  # 30 min, sc
        listed = signing_list(client, session, world)
        assert [a["indication"] for a in listed["as_needed"]] == ["smärta 7/10"]
        # a scheduled medication is not given as needed
        scheduled = add_medication(client, session, world)
        refused = client.post(
            url,
            json={"medication_id": scheduled["id"], "indication": "x", "amount": "1 g"},
            headers=auth(session, world.nurse),
        )
        assert refused.status_code == 422
        # past its follow-up time: a low alert, once
        result = periodic.run_checks(session_factory, local(2026, 3, 4, 10, 31))
        assert result.followups == 1
        alert = session.scalars(
            select(Alert).where(Alert.episode_id == world.episode.id, Alert.kind == "dose_followup")
        ).one()
        assert alert.severity == "low"
        assert "Morfin" in alert.reason
        assert periodic.run_checks(session_factory, local(2026, 3, 4, 10, 32)).followups == 0
        followed = client.post(
            f"/api/v1/dose-administrations/{given.json()['id']}/follow-up",
            json={"effect": "good", "note": "smärta 2/10"},
            headers=auth(session, world.nurse),
        )
        assert followed.status_code == 200
        assert followed.json()["followup_effect"] == "good"
        again = client.post(
            f"/api/v1/dose-administrations/{given.json()['id']}/follow-up",
            json={"effect": "none"},
            headers=auth(session, world.nurse),
        )
        assert again.status_code == 409


class TestCareRequestList:
    def test_the_receiver_acknowledges_the_version_and_sees_a_newer_one(
        self,
        client: TestClient,
        session: Session,
        world: World,
        ordered: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        sent = client.post(
            "/api/v1/care-requests",
            json={
                "episode_id": str(world.episode.id),
                "kind": "home_health_care",
                "to_organisation_id": str(world.municipality.id),
                "message": "IV antibiotika 3 gånger om dagen",
            },
            headers=auth(session, world.physician),
        )
        if sent.status_code == 409:  # the world's episode may already have one open
            request = session.scalars(select(CareRequest)).first()
            pytest.skip(f"care request not sent: {sent.text} {request}")
        assert sent.status_code == 201, sent.text
        request_id = sent.json()["id"]
        assert sent.json()["medication_list_version"] == 1
        url = f"/api/v1/care-requests/{request_id}/medication-acknowledgement"
        by_sender = client.post(url, json={"version": 1}, headers=auth(session, world.physician))
        assert by_sender.status_code == 403
        acknowledged = client.post(url, json={"version": 1}, headers=auth(session, world.nurse))
        assert acknowledged.status_code == 200, acknowledged.text
        assert acknowledged.json()["newer_not_acknowledged"] is False
        client.patch(
            f"/api/v1/medications/{ordered['id']}",
            json={"dose": "1 g"},
            headers=auth(session, world.physician),
        )
        status = client.get(
            f"/api/v1/care-requests/{request_id}/medication-list",
            headers=auth(session, world.nurse),
        )
        assert status.json()["current_version"] == 2
        assert status.json()["newer_not_acknowledged"] is True
        old = client.post(url, json={"version": 1}, headers=auth(session, world.nurse))
        assert old.status_code == 409
        assert old.json()["current_version"] == 2
        assert (
            client.post(url, json={"version": 2}, headers=auth(session, world.nurse)).json()[
                "acknowledged_version"
            ]
            == 2
        )


class TestFhir:
    def test_the_order_and_a_signed_dose_are_valid_fhir(
        self, client: TestClient, session: Session, world: World, ordered: dict[str, Any]
    ) -> None:
        first = doses(client, session, world)[0]
        signed = sign(client, session, world.nurse, first["id"]).json()
        headers = auth(session, world.nurse)
        request = client.get(f"/fhir/R4/MedicationRequest/{ordered['id']}", headers=headers)
        assert request.status_code == 200
        parsed = MedicationRequest.model_validate(request.json())
        assert parsed.intent == "order"
        assert parsed.status == "active"
        administration = client.get(
            f"/fhir/R4/MedicationAdministration/{signed['id']}", headers=headers
        )
        shaped = MedicationAdministration.model_validate(administration.json())
        assert shaped.status == "completed"
        assert shaped.request.reference == f"MedicationRequest/{ordered['id']}"
        found = client.get(
            "/fhir/R4/MedicationAdministration",
            params={"patient": str(world.patient.id)},
            headers=headers,
        )
        bundle = Bundle.model_validate(found.json())
        assert bundle.total == 1
        orders = client.get(
            "/fhir/R4/MedicationRequest", params={"patient": str(world.patient.id)}, headers=headers
        )
        assert Bundle.model_validate(orders.json()).total == 1
        not_done = sign(
            client,
            session,
            world.nurse,
            doses(client, session, world)[1]["id"],
            outcome="not_given",
            reason="patient_absent",
            given_at=local(2026, 3, 4, 8, 0).isoformat(),
        )
        assert not_done.status_code == 422  # before the 14:00 window less an hour


class TestOutsiders:
    def test_an_outsider_gets_404_and_is_logged(
        self, client: TestClient, session: Session, world: World, ordered: dict[str, Any]
    ) -> None:
        first = doses(client, session, world)[0]
        for answer in (
            client.get(
                f"/api/v1/episodes/{world.episode.id}/doses", headers=auth(session, world.outsider)
            ),
            sign(client, session, world.outsider, first["id"]),
            client.get(
                f"/fhir/R4/MedicationRequest/{ordered['id']}", headers=auth(session, world.outsider)
            ),
            client.get(
                "/fhir/R4/MedicationAdministration",
                params={"patient": str(world.patient.id)},
                headers=auth(session, world.outsider),
            ),
        ):
            assert answer.status_code == 404, answer.text
        refused = session.scalars(
            select(AuditEvent).where(
                AuditEvent.user_id == world.outsider.id, AuditEvent.allowed.is_(False)
            )
        ).all()
        assert len(refused) >= 4
        assert all(e.patient_id in (world.patient.id, None) for e in refused)
        assert rows(session, DoseAdministration) == 0

    def test_unknown_ids_are_404(self, client: TestClient, session: Session, world: World) -> None:
        headers = auth(session, world.nurse)
        assert client.get(f"/api/v1/doses/{uuid.uuid4()}", headers=headers).status_code == 404
        assert (
            client.post(
                f"/api/v1/doses/{uuid.uuid4()}/sign", json={"outcome": "given"}, headers=headers
            ).status_code
            == 404
        )
