from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from samband.episodes import repository as episodes_repository
from samband.medications.service import medication_snapshot
from samband.models import AuditEvent, Episode, Medication, Organisation, Patient, User
from tests.factories import (
    auth,
    make_episode,
    make_medication,
    make_municipality,
    make_organisation,
    make_patient,
    make_unit,
    make_user,
    random_id,
)

URL = "/api/v1/medications"


@dataclass
class World:
    hospital: Organisation
    home_care: Organisation
    nurse: User
    home_nurse: User
    outsider: User
    patient: Patient
    episode: Episode


def _world(session: Session, *, state: str = "planned") -> World:
    hospital = make_organisation(session)
    unit = make_unit(session, hospital)
    home_care = make_municipality(session)
    # a medication order is a physician's (issue 10): the ward's physician writes the list
    nurse = make_user(session, hospital, unit=unit, role="physician")
    patient = make_patient(session, registered_by=nurse)
    episode = make_episode(
        session, patient, unit=unit, state=state, participants={home_care: "home_health_care"}
    )
    return World(
        hospital=hospital,
        home_care=home_care,
        nurse=nurse,
        home_nurse=make_user(session, home_care),
        # a physician (who may order) of an organisation without a care relationship
        outsider=make_user(session, make_organisation(session), role="physician"),
        patient=patient,
        episode=episode,
    )


def _body(world: World, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "episode_id": str(world.episode.id),
        "drug": "Cefotaxim",
        "dose": "1 g",
        "route": "iv",
        "schedule": "08:00 16:00 24:00",
        "given_by": "registered_nurse",
        "given_by_organisation_id": str(world.home_care.id),
        "supplied_by": "infection ward, packed at discharge",
        "days": 7,
        "start_date": "2025-03-01",
    }
    body.update(changes)
    return body


def _audit(session: Session, patient_id: object) -> list[AuditEvent]:
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.patient_id == uuid.UUID(str(patient_id)))
            .order_by(AuditEvent.at)
        )
    )


def _denied_logged(session: Session, world: World, user: User) -> None:
    log = _audit(session, world.patient.id)
    assert [(e.username, e.allowed, e.resource_type) for e in log] == [
        (user.username, False, "medication")
    ]


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Medication)) or 0


def _events(session: Session, episode: Episode) -> list[str]:
    return [e.kind for e in episodes_repository.events(session, episode.id)]


class TestAddMedication:
    def test_adds_keeps_author_logs_and_adds_event(
        self, client: TestClient, session: Session
    ) -> None:
        world = _world(session)
        response = client.post(URL, json=_body(world), headers=auth(session, world.nurse))
        assert response.status_code == 201, response.text
        body = response.json()
        assert (body["drug"], body["route"], body["status"], body["days"]) == (
            "Cefotaxim",
            "iv",
            "active",
            7,
        )
        assert body["created_by_id"] == str(world.nurse.id)
        assert body["start_date"] == "2025-03-01"
        assert _events(session, world.episode) == ["medication.added"]
        event = episodes_repository.events(session, world.episode.id)[0]
        assert event.data["medication_id"] == body["id"]
        assert event.data["route"] == "iv"
        log = _audit(session, world.patient.id)
        assert [(e.action, e.resource_type, e.allowed) for e in log] == [
            ("create", "medication", True)
        ]

    def test_pharmacist_may_not_add(self, client: TestClient, session: Session) -> None:
        world = _world(session)
        pharmacist = make_user(session, world.hospital, role="pharmacist")
        response = client.post(URL, json=_body(world), headers=auth(session, pharmacist))
        assert response.status_code == 403

    def test_unrelated_organisation_gets_404_logged_and_nothing_written(
        self, client: TestClient, session: Session
    ) -> None:
        world = _world(session)
        response = client.post(URL, json=_body(world), headers=auth(session, world.outsider))
        assert response.status_code == 404
        _denied_logged(session, world, world.outsider)
        assert _count(session) == 0

    @pytest.mark.parametrize(
        "role",
        ["auditor", "analyst", "assistant_nurse", "physiotherapist", "registered_nurse"],
    )
    def test_roles_without_medication_write_get_403(
        self, client: TestClient, session: Session, role: str
    ) -> None:
        world = _world(session)
        user = make_user(session, world.hospital, role=role)
        response = client.post(URL, json=_body(world), headers=auth(session, user))
        assert response.status_code == 403
        assert _count(session) == 0
        assert [e.allowed for e in _audit(session, world.patient.id)] == [False]

    def test_closed_episode_is_409_and_nothing_written(
        self, client: TestClient, session: Session
    ) -> None:
        world = _world(session, state="discharged")
        response = client.post(URL, json=_body(world), headers=auth(session, world.nurse))
        assert response.status_code == 409
        assert _count(session) == 0
        assert _events(session, world.episode) == []

    def test_organisation_must_take_part(self, client: TestClient, session: Session) -> None:
        world = _world(session)
        stranger = make_organisation(session, kind="municipal_home_health_care")
        response = client.post(
            URL,
            json=_body(world, given_by_organisation_id=str(stranger.id)),
            headers=auth(session, world.nurse),
        )
        assert response.status_code == 422
        assert response.json()["field"] == "given_by_organisation_id"
        assert _count(session) == 0
        assert _events(session, world.episode) == []

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"route": "intravenous"}, "route"),
            ({"given_by": "neighbour"}, "given_by"),
            ({"days": 0}, "days"),
            ({"days": 366}, "days"),
            ({"drug": ""}, "drug"),
            ({"drug": "x" * 201}, "drug"),
            ({"start_date": "2025-02-30"}, "start_date"),
            ({"episode_id": "nope"}, "episode_id"),
            ({"colour": "blue"}, "colour"),
        ],
    )
    def test_invalid_input_is_422_with_the_field(
        self, client: TestClient, session: Session, changes: dict[str, Any], field: str
    ) -> None:
        world = _world(session)
        response = client.post(
            URL, json=_body(world, **changes), headers=auth(session, world.nurse)
        )
        assert response.status_code == 422
        assert field in [e["field"] for e in response.json()["errors"]]
        assert _count(session) == 0

    def test_nul_character_is_422_and_nothing_written(
        self, client: TestClient, session: Session
    ) -> None:
        world = _world(session)
        response = client.post(
            URL, json=_body(world, dose="1\x00g"), headers=auth(session, world.nurse)
        )
        assert response.status_code == 422
        assert "NUL" in response.json()["detail"]
        assert _count(session) == 0

    def test_missing_fields_are_named(self, client: TestClient, session: Session) -> None:
        world = _world(session)
        response = client.post(
            URL, json={"episode_id": str(world.episode.id)}, headers=auth(session, world.nurse)
        )
        assert response.status_code == 422
        assert {e["field"] for e in response.json()["errors"]} == {
            "drug",
            "dose",
            "route",
            "schedule",
            "given_by",
            "supplied_by",
        }

    def test_unknown_episode_is_404(self, client: TestClient, session: Session) -> None:
        world = _world(session)
        response = client.post(
            URL, json=_body(world, episode_id=random_id()), headers=auth(session, world.nurse)
        )
        assert response.status_code == 404


class TestListMedications:
    def test_lists_active_and_optionally_stopped(
        self, client: TestClient, session: Session
    ) -> None:
        world = _world(session)
        active = make_medication(session, world.episode, by=world.nurse)
        stopped = make_medication(
            session, world.episode, by=world.nurse, drug="Paracetamol", status="stopped"
        )
        headers = auth(session, world.home_nurse)
        params: dict[str, Any] = {"episode_id": str(world.episode.id)}
        response = client.get(URL, params=params, headers=headers)
        assert response.status_code == 200
        assert [m["id"] for m in response.json()] == [str(active.id)]
        everything = client.get(URL, params={**params, "include_stopped": True}, headers=headers)
        assert {m["id"] for m in everything.json()} == {str(active.id), str(stopped.id)}
        assert [(e.action, e.allowed) for e in _audit(session, world.patient.id)] == [
            ("list", True),
            ("list", True),
        ]

    def test_unrelated_organisation_gets_404_and_is_logged(
        self, client: TestClient, session: Session
    ) -> None:
        world = _world(session)
        make_medication(session, world.episode, by=world.nurse)
        response = client.get(
            URL,
            params={"episode_id": str(world.episode.id)},
            headers=auth(session, world.outsider),
        )
        assert response.status_code == 404
        _denied_logged(session, world, world.outsider)

    @pytest.mark.parametrize("role", ["auditor", "analyst"])
    def test_auditor_and_analyst_get_403(
        self, client: TestClient, session: Session, role: str
    ) -> None:
        world = _world(session)
        user = make_user(session, world.hospital, role=role)
        response = client.get(
            URL, params={"episode_id": str(world.episode.id)}, headers=auth(session, user)
        )
        assert response.status_code == 403

    def test_bad_query_is_422(self, client: TestClient, session: Session) -> None:
        world = _world(session)
        headers = auth(session, world.nurse)
        assert client.get(URL, headers=headers).status_code == 422
        response = client.get(
            URL,
            params={"episode_id": str(world.episode.id), "include_stopped": "maybe"},
            headers=headers,
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "query.include_stopped"


class TestReadMedication:
    def test_participant_reads_and_is_logged(self, client: TestClient, session: Session) -> None:
        world = _world(session)
        medication = make_medication(session, world.episode, by=world.nurse)
        response = client.get(f"{URL}/{medication.id}", headers=auth(session, world.home_nurse))
        assert response.status_code == 200
        assert response.json()["drug"] == "Cefotaxim"
        log = _audit(session, world.patient.id)
        assert [(e.action, e.resource_id, e.allowed) for e in log] == [
            ("read", str(medication.id), True)
        ]

    def test_unrelated_organisation_gets_404_and_is_logged(
        self, client: TestClient, session: Session
    ) -> None:
        world = _world(session)
        medication = make_medication(session, world.episode, by=world.nurse)
        response = client.get(f"{URL}/{medication.id}", headers=auth(session, world.outsider))
        assert response.status_code == 404
        _denied_logged(session, world, world.outsider)

    @pytest.mark.parametrize("role", ["auditor", "analyst"])
    def test_auditor_and_analyst_get_403(
        self, client: TestClient, session: Session, role: str
    ) -> None:
        world = _world(session)
        medication = make_medication(session, world.episode, by=world.nurse)
        user = make_user(session, world.hospital, role=role)
        assert client.get(f"{URL}/{medication.id}", headers=auth(session, user)).status_code == 403

    @pytest.mark.parametrize("method", ["get", "patch", "stop"])
    def test_unknown_id_is_404_logged_without_patient(
        self, client: TestClient, session: Session, method: str
    ) -> None:
        world = _world(session)
        headers = auth(session, world.nurse)
        unknown = random_id()
        if method == "get":
            response = client.get(f"{URL}/{unknown}", headers=headers)
        elif method == "patch":
            response = client.patch(f"{URL}/{unknown}", json={"dose": "2 g"}, headers=headers)
        else:
            response = client.post(f"{URL}/{unknown}/stop", json={"reason": "x"}, headers=headers)
        assert response.status_code == 404
        entry = session.scalar(select(AuditEvent).where(AuditEvent.resource_id == unknown))
        assert entry is not None
        assert (entry.patient_id, entry.allowed, entry.resource_type) == (
            None,
            False,
            "medication",
        )


class TestUpdateMedication:
    def test_changes_keep_updated_by_and_add_event(
        self, client: TestClient, session: Session
    ) -> None:
        world = _world(session)
        medication = make_medication(session, world.episode, by=world.nurse, days=7)
        refused = client.patch(
            f"{URL}/{medication.id}",
            json={"dose": "2 g"},
            headers=auth(session, world.home_nurse),
        )
        assert refused.status_code == 403  # the home health nurse gives, does not order
        colleague = make_user(session, world.hospital, role="physician")
        response = client.patch(
            f"{URL}/{medication.id}",
            json={"dose": "2 g", "days": None, "route": "iv"},
            headers=auth(session, colleague),
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["dose"], body["days"], body["route"]) == ("2 g", None, "iv")
        assert body["created_by_id"] == str(world.nurse.id)
        assert body["updated_by_id"] == str(colleague.id)
        assert body["updated_at"] is not None
        [event] = episodes_repository.events(session, world.episode.id)
        assert event.kind == "medication.changed"
        assert event.data["changes"] == {"dose": ["1 g", "2 g"], "days": [7, None]}

    def test_no_change_adds_no_event(self, client: TestClient, session: Session) -> None:
        world = _world(session)
        medication = make_medication(session, world.episode, by=world.nurse)
        response = client.patch(
            f"{URL}/{medication.id}", json={"dose": "1 g"}, headers=auth(session, world.nurse)
        )
        assert response.status_code == 200
        assert response.json()["updated_by_id"] is None
        assert _events(session, world.episode) == []

    def test_organisation_must_take_part(self, client: TestClient, session: Session) -> None:
        world = _world(session)
        medication = make_medication(session, world.episode, by=world.nurse)
        stranger = make_organisation(session)
        response = client.patch(
            f"{URL}/{medication.id}",
            json={"dose": "2 g", "given_by_organisation_id": str(stranger.id)},
            headers=auth(session, world.nurse),
        )
        assert response.status_code == 422
        assert response.json()["field"] == "given_by_organisation_id"
        session.expire_all()
        assert session.get(Medication, medication.id).dose == "1 g"  # type: ignore[union-attr]
        assert _events(session, world.episode) == []

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"drug": None}, "drug"),
            ({"route": None}, "route"),
            ({"route": "nasal"}, "route"),
            ({"days": -1}, "days"),
            ({"status": "stopped"}, "status"),
        ],
    )
    def test_invalid_input_is_422_with_the_field(
        self, client: TestClient, session: Session, body: dict[str, Any], field: str
    ) -> None:
        world = _world(session)
        medication = make_medication(session, world.episode, by=world.nurse)
        response = client.patch(
            f"{URL}/{medication.id}", json=body, headers=auth(session, world.nurse)
        )
        assert response.status_code == 422
        payload = response.json()
        fields = [e["field"] for e in payload.get("errors", [])] + [payload.get("field")]
        assert field in fields
        assert _events(session, world.episode) == []

    def test_unrelated_organisation_gets_404_and_is_logged(
        self, client: TestClient, session: Session
    ) -> None:
        world = _world(session)
        medication = make_medication(session, world.episode, by=world.nurse)
        response = client.patch(
            f"{URL}/{medication.id}", json={"dose": "5 g"}, headers=auth(session, world.outsider)
        )
        assert response.status_code == 404
        _denied_logged(session, world, world.outsider)

    @pytest.mark.parametrize("role", ["auditor", "analyst", "assistant_nurse"])
    def test_roles_without_medication_write_get_403(
        self, client: TestClient, session: Session, role: str
    ) -> None:
        world = _world(session)
        medication = make_medication(session, world.episode, by=world.nurse)
        user = make_user(session, world.hospital, role=role)
        response = client.patch(
            f"{URL}/{medication.id}", json={"dose": "5 g"}, headers=auth(session, user)
        )
        assert response.status_code == 403

    def test_closed_episode_is_409(self, client: TestClient, session: Session) -> None:
        world = _world(session, state="readmitted")
        medication = make_medication(session, world.episode, by=world.nurse)
        response = client.patch(
            f"{URL}/{medication.id}", json={"dose": "5 g"}, headers=auth(session, world.nurse)
        )
        assert response.status_code == 409
        session.expire_all()
        assert session.get(Medication, medication.id).dose == "1 g"  # type: ignore[union-attr]

    def test_stopped_medication_is_409(self, client: TestClient, session: Session) -> None:
        world = _world(session)
        medication = make_medication(session, world.episode, by=world.nurse, status="stopped")
        response = client.patch(
            f"{URL}/{medication.id}", json={"dose": "5 g"}, headers=auth(session, world.nurse)
        )
        assert response.status_code == 409
        assert "stopped" in response.json()["detail"]


class TestStopMedication:
    def test_stops_with_reason_and_event(self, client: TestClient, session: Session) -> None:
        world = _world(session)
        medication = make_medication(session, world.episode, by=world.nurse)
        response = client.post(
            f"{URL}/{medication.id}/stop",
            json={"reason": "switched to oral treatment"},
            headers=auth(session, world.nurse),
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["status"], body["stop_reason"]) == ("stopped", "switched to oral treatment")
        assert body["updated_by_id"] == str(world.nurse.id)
        assert _events(session, world.episode) == ["medication.stopped"]
        assert medication_snapshot(session, world.episode.id) == []

    def test_already_stopped_is_409(self, client: TestClient, session: Session) -> None:
        world = _world(session)
        medication = make_medication(session, world.episode, by=world.nurse, status="stopped")
        response = client.post(
            f"{URL}/{medication.id}/stop",
            json={"reason": "done"},
            headers=auth(session, world.nurse),
        )
        assert response.status_code == 409
        assert _events(session, world.episode) == []

    def test_reason_is_required(self, client: TestClient, session: Session) -> None:
        world = _world(session)
        medication = make_medication(session, world.episode, by=world.nurse)
        response = client.post(
            f"{URL}/{medication.id}/stop", json={"reason": "  "}, headers=auth(session, world.nurse)
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "reason"

    def test_unrelated_organisation_gets_404_and_is_logged(
        self, client: TestClient, session: Session
    ) -> None:
        world = _world(session)
        medication = make_medication(session, world.episode, by=world.nurse)
        response = client.post(
            f"{URL}/{medication.id}/stop",
            json={"reason": "done"},
            headers=auth(session, world.outsider),
        )
        assert response.status_code == 404
        _denied_logged(session, world, world.outsider)

    @pytest.mark.parametrize("role", ["auditor", "analyst"])
    def test_auditor_and_analyst_get_403(
        self, client: TestClient, session: Session, role: str
    ) -> None:
        world = _world(session)
        medication = make_medication(session, world.episode, by=world.nurse)
        user = make_user(session, world.hospital, role=role)
        response = client.post(
            f"{URL}/{medication.id}/stop", json={"reason": "done"}, headers=auth(session, user)
        )
        assert response.status_code == 403

    def test_closed_episode_is_409(self, client: TestClient, session: Session) -> None:
        world = _world(session, state="discharged")
        medication = make_medication(session, world.episode, by=world.nurse)
        response = client.post(
            f"{URL}/{medication.id}/stop",
            json={"reason": "done"},
            headers=auth(session, world.nurse),
        )
        assert response.status_code == 409


class TestMedicationSnapshot:
    def test_active_list_as_plain_json(self, session: Session) -> None:
        world = _world(session)
        make_medication(
            session,
            world.episode,
            by=world.nurse,
            given_by_organisation_id=world.home_care.id,
            days=7,
        )
        make_medication(session, world.episode, by=world.nurse, drug="Old", status="stopped")
        snapshot = medication_snapshot(session, world.episode.id)
        assert [m["drug"] for m in snapshot] == ["Cefotaxim"]
        assert snapshot[0]["given_by_organisation_id"] == str(world.home_care.id)
        assert snapshot[0]["days"] == 7
        assert json.loads(json.dumps(snapshot)) == snapshot
