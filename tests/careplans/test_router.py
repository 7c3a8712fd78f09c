from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from samband.careplans.service import template_content
from samband.episodes import repository as episodes_repository
from samband.kit.errors import InvalidInput
from samband.models import (
    AuditEvent,
    CarePlan,
    CarePlanAcknowledgement,
    CarePlanVersion,
    Episode,
    EpisodeEvent,
    Organisation,
    Patient,
    PatientRegistration,
    User,
)
from samband.pathways.definition import registry
from tests.factories import (
    auth,
    make_care_plan,
    make_episode,
    make_municipality,
    make_organisation,
    make_patient,
    make_unit,
    make_user,
    random_id,
)

URL = "/api/v1/care-plans"


@dataclass
class World:
    hospital: Organisation
    home_care: Organisation
    nurse: User  # hospital registered nurse
    home_nurse: User  # municipal home health care nurse, a participant
    outsider: User  # a nurse of an unrelated organisation
    patient: Patient
    episode: Episode


def _world(session: Session, *, state: str = "consented") -> World:
    hospital = make_organisation(session)
    unit = make_unit(session, hospital)
    home_care = make_municipality(session)
    nurse = make_user(session, hospital, unit=unit)
    patient = make_patient(session, registered_by=nurse)
    episode = make_episode(
        session, patient, unit=unit, state=state, participants={home_care: "home_health_care"}
    )
    return World(
        hospital=hospital,
        home_care=home_care,
        nurse=nurse,
        home_nurse=make_user(session, home_care),
        outsider=make_user(session, make_organisation(session)),
        patient=patient,
        episode=episode,
    )


def _content(**changes: Any) -> dict[str, Any]:
    content = template_content("opat").model_dump(mode="json")
    content["goals"] = ["Be home for my grandson's birthday on Saturday"]
    content.update(changes)
    return content


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
        (user.username, False, "care_plan")
    ]


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def _events(session: Session, episode: Episode) -> list[str]:
    return [e.kind for e in episodes_repository.events(session, episode.id)]


def _create(client: TestClient, session: Session, world: World, **body: Any) -> dict[str, Any]:
    response = client.post(
        URL, json={"episode_id": str(world.episode.id), **body}, headers=auth(session, world.nurse)
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


class TestTemplateContent:
    @pytest.mark.parametrize("key", sorted(registry()))
    def test_every_pathway_template_is_valid_content(self, key: str) -> None:
        content = template_content(key)
        assert content.discharge_criteria
        assert content.if_worse
        assert content.activities

    def test_unknown_pathway_is_invalid_input(self) -> None:
        with pytest.raises(InvalidInput, match="not configured"):
            template_content("no-such-pathway")


class TestCreateCarePlan:
    def test_from_template_creates_version_1_logs_and_adds_event(
        self, client: TestClient, session: Session
    ) -> None:
        world = _world(session)
        body = _create(client, session, world)
        assert body["current_version"] == 1
        version = body["version"]
        assert version["number"] == 1
        assert version["created_by_id"] == str(world.nurse.id)
        template = registry()["opat"].plan_template
        assert version["content"]["discharge_criteria"] == list(template.discharge_criteria)
        assert [a["key"] for a in version["content"]["activities"]] == [
            a.key for a in template.activities
        ]
        assert version["acknowledgements"] == []
        assert body["acknowledged_by_patient"] is False
        assert set(body["organisations_to_acknowledge"]) == {
            str(world.hospital.id),
            str(world.home_care.id),
        }
        assert _events(session, world.episode) == ["care_plan.version"]
        log = _audit(session, world.patient.id)
        assert [(e.action, e.resource_type, e.allowed) for e in log] == [
            ("create", "care_plan", True)
        ]

    def test_given_content_overrides_template(self, client: TestClient, session: Session) -> None:
        world = _world(session)
        content = _content(
            activities=[
                {
                    "key": "iv_antibiotics",
                    "what": "Give IV cefotaxime",
                    "organisation_kind": "municipal_home_health_care",
                    "role": "registered_nurse",
                    "schedule": "3 times a day",
                    "organisation_id": str(world.home_care.id),
                }
            ],
            notes="Daughter Anna helps in the evenings",
        )
        body = _create(client, session, world, content=content, change_note="agreed on the ward")
        saved = body["version"]["content"]
        assert saved["goals"] == ["Be home for my grandson's birthday on Saturday"]
        assert saved["activities"][0]["organisation_id"] == str(world.home_care.id)
        assert saved["activities"][0]["setting"] == "home"
        assert body["version"]["change_note"] == "agreed on the ward"

    def test_second_plan_is_409_naming_the_first(
        self, client: TestClient, session: Session
    ) -> None:
        world = _world(session)
        first = _create(client, session, world)
        response = client.post(
            URL, json={"episode_id": str(world.episode.id)}, headers=auth(session, world.nurse)
        )
        assert response.status_code == 409
        assert response.json()["care_plan_id"] == first["id"]
        assert first["id"] in response.json()["detail"]
        assert _count(session, CarePlanVersion) == 1

    def test_unrelated_organisation_gets_404_logged_and_nothing_written(
        self, client: TestClient, session: Session
    ) -> None:
        world = _world(session)
        response = client.post(
            URL, json={"episode_id": str(world.episode.id)}, headers=auth(session, world.outsider)
        )
        assert response.status_code == 404
        _denied_logged(session, world, world.outsider)
        assert _count(session, CarePlan) == 0

    @pytest.mark.parametrize("role", ["auditor", "analyst", "assistant_nurse", "coordinator"])
    def test_roles_without_care_plan_write_get_403(
        self, client: TestClient, session: Session, role: str
    ) -> None:
        world = _world(session)
        user = make_user(session, world.hospital, role=role)
        response = client.post(
            URL, json={"episode_id": str(world.episode.id)}, headers=auth(session, user)
        )
        assert response.status_code == 403
        assert _count(session, CarePlan) == 0
        assert [e.allowed for e in _audit(session, world.patient.id)] == [False]

    def test_physiotherapist_may_write_the_plan(self, client: TestClient, session: Session) -> None:
        world = _world(session)
        physio = make_user(session, world.hospital, role="physiotherapist")
        response = client.post(
            URL, json={"episode_id": str(world.episode.id)}, headers=auth(session, physio)
        )
        assert response.status_code == 201, response.text

    def test_closed_episode_is_409_and_nothing_written(
        self, client: TestClient, session: Session
    ) -> None:
        world = _world(session, state="discharged")
        response = client.post(
            URL, json={"episode_id": str(world.episode.id)}, headers=auth(session, world.nurse)
        )
        assert response.status_code == 409
        assert response.json()["code"] == "episode.closed"
        assert response.json()["params"]["state"] == "discharged"
        assert _count(session, CarePlan) == 0
        assert _events(session, world.episode) == []
        # The allowed read of the episode is logged, marked as failed.
        [entry] = _audit(session, world.patient.id)
        assert entry.allowed is True
        assert entry.status_code == 409

    def test_unknown_episode_is_404_and_logged(self, client: TestClient, session: Session) -> None:
        world = _world(session)
        unknown = random_id()
        response = client.post(
            URL, json={"episode_id": unknown}, headers=auth(session, world.nurse)
        )
        assert response.status_code == 404
        entry = session.scalar(select(AuditEvent).where(AuditEvent.resource_id == unknown))
        assert entry is not None
        assert entry.allowed is False

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"if_worse": []}, "content.if_worse"),
            ({"discharge_criteria": []}, "content.discharge_criteria"),
            ({"goals": [""]}, "content.goals.0"),
            ({"unknown": 1}, "content.unknown"),
        ],
    )
    def test_invalid_content_is_422_with_the_field(
        self, client: TestClient, session: Session, changes: dict[str, Any], field: str
    ) -> None:
        world = _world(session)
        response = client.post(
            URL,
            json={"episode_id": str(world.episode.id), "content": _content(**changes)},
            headers=auth(session, world.nurse),
        )
        assert response.status_code == 422
        assert field in [e["field"] for e in response.json()["errors"]]
        assert _count(session, CarePlan) == 0

    def test_nul_character_is_422_and_nothing_written(
        self, client: TestClient, session: Session
    ) -> None:
        world = _world(session)
        response = client.post(
            URL,
            json={"episode_id": str(world.episode.id), "content": _content(notes="a\x00b")},
            headers=auth(session, world.nurse),
        )
        assert response.status_code == 422
        assert "NUL" in response.json()["detail"]
        assert _count(session, CarePlan) == 0

    def test_bad_activity_schedule_says_what_is_understood(
        self, client: TestClient, session: Session
    ) -> None:
        world = _world(session)
        content = _content()
        content["activities"][0]["schedule"] = "whenever"
        response = client.post(
            URL,
            json={"episode_id": str(world.episode.id), "content": content},
            headers=auth(session, world.nurse),
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "content.activities.0.schedule"
        assert "daily 08:00" in response.json()["detail"]

    def test_duplicate_activity_keys_are_422(self, client: TestClient, session: Session) -> None:
        world = _world(session)
        content = _content()
        content["activities"].append(dict(content["activities"][0]))
        response = client.post(
            URL,
            json={"episode_id": str(world.episode.id), "content": content},
            headers=auth(session, world.nurse),
        )
        assert response.status_code == 422
        assert "iv_antibiotics" in response.json()["detail"]
        error = response.json()["errors"][0]
        assert error["code"] == "careplan.repeated_activity_key"
        assert error["params"] == {"keys": ["iv_antibiotics"]}

    def test_no_template_and_no_content_is_422(self, client: TestClient, session: Session) -> None:
        world = _world(session)
        response = client.post(
            URL,
            json={"episode_id": str(world.episode.id), "from_template": False},
            headers=auth(session, world.nurse),
        )
        assert response.status_code == 422
        assert response.json()["field"] == "content"
        assert _count(session, CarePlan) == 0

    def test_activity_organisation_must_take_part(
        self, client: TestClient, session: Session
    ) -> None:
        world = _world(session)
        stranger = make_organisation(session, kind="municipal_home_health_care")
        content = _content()
        content["activities"][0]["organisation_id"] = str(stranger.id)
        response = client.post(
            URL,
            json={"episode_id": str(world.episode.id), "content": content},
            headers=auth(session, world.nurse),
        )
        assert response.status_code == 422
        assert response.json()["field"] == "content.activities.0.organisation_id"
        assert "does not take part" in response.json()["detail"]
        assert _count(session, CarePlan) == 0
        assert _events(session, world.episode) == []

    def test_activity_organisation_kind_must_agree(
        self, client: TestClient, session: Session
    ) -> None:
        world = _world(session)
        content = _content()
        content["activities"][0]["organisation_id"] = str(world.hospital.id)  # a clinic
        response = client.post(
            URL,
            json={"episode_id": str(world.episode.id), "content": content},
            headers=auth(session, world.nurse),
        )
        assert response.status_code == 422
        assert response.json()["code"] == "careplan.activity_organisation_kind"
        assert response.json()["params"]["kind"] == "hospital_clinic"


class TestListCarePlans:
    def test_lists_zero_then_one(self, client: TestClient, session: Session) -> None:
        world = _world(session)
        headers = auth(session, world.home_nurse)
        params = {"episode_id": str(world.episode.id)}
        assert client.get(URL, params=params, headers=headers).json() == []
        plan = make_care_plan(session, world.episode, by=world.nurse)
        response = client.get(URL, params=params, headers=headers)
        assert response.status_code == 200
        assert [p["id"] for p in response.json()] == [str(plan.id)]
        log = _audit(session, world.patient.id)
        assert [(e.action, e.resource_type, e.allowed) for e in log] == [
            ("list", "care_plan", True),
            ("list", "care_plan", True),
        ]

    def test_unrelated_organisation_gets_404_and_is_logged(
        self, client: TestClient, session: Session
    ) -> None:
        world = _world(session)
        make_care_plan(session, world.episode, by=world.nurse)
        response = client.get(
            URL,
            params={"episode_id": str(world.episode.id)},
            headers=auth(session, world.outsider),
        )
        assert response.status_code == 404
        _denied_logged(session, world, world.outsider)

    def test_auditor_gets_403(self, client: TestClient, session: Session) -> None:
        world = _world(session)
        auditor = make_user(session, world.hospital, role="auditor")
        response = client.get(
            URL, params={"episode_id": str(world.episode.id)}, headers=auth(session, auditor)
        )
        assert response.status_code == 403

    def test_episode_id_is_required_and_checked(self, client: TestClient, session: Session) -> None:
        world = _world(session)
        headers = auth(session, world.nurse)
        assert client.get(URL, headers=headers).status_code == 422
        bad = client.get(URL, params={"episode_id": "not-a-uuid"}, headers=headers)
        assert bad.status_code == 422
        assert bad.json()["errors"][0]["field"] == "query.episode_id"


class TestReadCarePlan:
    def test_participant_reads_current_version(self, client: TestClient, session: Session) -> None:
        world = _world(session)
        plan = make_care_plan(session, world.episode, by=world.nurse, acknowledged_by=["patient"])
        response = client.get(f"{URL}/{plan.id}", headers=auth(session, world.home_nurse))
        assert response.status_code == 200
        body = response.json()
        assert body["version"]["number"] == 1
        assert body["acknowledged_by_patient"] is True
        assert [a["party"] for a in body["version"]["acknowledgements"]] == ["patient"]
        log = _audit(session, world.patient.id)
        assert [(e.action, e.resource_id, e.allowed) for e in log] == [("read", str(plan.id), True)]

    def test_unrelated_organisation_gets_404_and_is_logged(
        self, client: TestClient, session: Session
    ) -> None:
        world = _world(session)
        plan = make_care_plan(session, world.episode, by=world.nurse)
        response = client.get(f"{URL}/{plan.id}", headers=auth(session, world.outsider))
        assert response.status_code == 404
        _denied_logged(session, world, world.outsider)

    @pytest.mark.parametrize("role", ["auditor", "analyst"])
    def test_auditor_and_analyst_get_403(
        self, client: TestClient, session: Session, role: str
    ) -> None:
        world = _world(session)
        plan = make_care_plan(session, world.episode, by=world.nurse)
        user = make_user(session, world.hospital, role=role)
        assert client.get(f"{URL}/{plan.id}", headers=auth(session, user)).status_code == 403

    def test_unknown_plan_is_404_and_logged_without_patient(
        self, client: TestClient, session: Session
    ) -> None:
        world = _world(session)
        unknown = random_id()
        response = client.get(f"{URL}/{unknown}", headers=auth(session, world.nurse))
        assert response.status_code == 404
        entry = session.scalar(select(AuditEvent).where(AuditEvent.resource_id == unknown))
        assert entry is not None
        assert (entry.patient_id, entry.allowed, entry.resource_type) == (
            None,
            False,
            "care_plan",
        )


class TestUpdateCarePlan:
    def test_new_version_keeps_the_old_one_readable(
        self, client: TestClient, session: Session
    ) -> None:
        world = _world(session)
        plan = _create(client, session, world)
        old_content = plan["version"]["content"]
        headers = auth(session, world.home_nurse)
        response = client.put(
            f"{URL}/{plan['id']}",
            json={
                "base_version": 1,
                "content": _content(),
                "change_note": "goal in the patient's words",
            },
            headers=headers,
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["current_version"] == 2
        assert body["version"]["content"]["goals"] == [
            "Be home for my grandson's birthday on Saturday"
        ]
        assert body["version"]["created_by_id"] == str(world.home_nurse.id)
        v1 = client.get(f"{URL}/{plan['id']}/versions/1", headers=headers)
        assert v1.status_code == 200
        assert v1.json()["content"] == old_content
        assert _events(session, world.episode) == ["care_plan.version", "care_plan.version"]
        event = episodes_repository.events(session, world.episode.id)[-1]
        assert event.data == {"care_plan_id": plan["id"], "version": 2}
        assert event.reason == "goal in the patient's words"

    def test_stale_base_version_is_409_and_nothing_written(
        self, client: TestClient, session: Session
    ) -> None:
        world = _world(session)
        plan = _create(client, session, world)
        headers = auth(session, world.nurse)
        first = client.put(
            f"{URL}/{plan['id']}", json={"base_version": 1, "content": _content()}, headers=headers
        )
        assert first.status_code == 200
        stale = client.put(
            f"{URL}/{plan['id']}",
            json={"base_version": 1, "content": _content(notes="mine")},
            headers=headers,
        )
        assert stale.status_code == 409
        assert "version 2 is current" in stale.json()["detail"]
        assert "reload" in stale.json()["detail"].lower()
        assert stale.json()["current_version"] == 2
        assert _count(session, CarePlanVersion) == 2
        assert len(_events(session, world.episode)) == 2

    def test_unrelated_organisation_gets_404_and_is_logged(
        self, client: TestClient, session: Session
    ) -> None:
        world = _world(session)
        plan = make_care_plan(session, world.episode, by=world.nurse)
        response = client.put(
            f"{URL}/{plan.id}",
            json={"base_version": 1, "content": _content()},
            headers=auth(session, world.outsider),
        )
        assert response.status_code == 404
        _denied_logged(session, world, world.outsider)
        assert _count(session, CarePlanVersion) == 1

    @pytest.mark.parametrize("role", ["auditor", "analyst", "assistant_nurse"])
    def test_roles_without_care_plan_write_get_403(
        self, client: TestClient, session: Session, role: str
    ) -> None:
        world = _world(session)
        plan = make_care_plan(session, world.episode, by=world.nurse)
        user = make_user(session, world.hospital, role=role)
        response = client.put(
            f"{URL}/{plan.id}",
            json={"base_version": 1, "content": _content()},
            headers=auth(session, user),
        )
        assert response.status_code == 403
        assert _count(session, CarePlanVersion) == 1

    def test_closed_episode_is_409(self, client: TestClient, session: Session) -> None:
        world = _world(session, state="withdrawn")
        plan = make_care_plan(session, world.episode, by=world.nurse)
        response = client.put(
            f"{URL}/{plan.id}",
            json={"base_version": 1, "content": _content()},
            headers=auth(session, world.nurse),
        )
        assert response.status_code == 409
        assert _count(session, CarePlanVersion) == 1

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"base_version": 0}, "base_version"),
            ({"base_version": "one"}, "base_version"),
            ({"content": None}, "content"),
            ({"extra": True}, "extra"),
        ],
    )
    def test_invalid_input_is_422_with_the_field(
        self, client: TestClient, session: Session, body: dict[str, Any], field: str
    ) -> None:
        world = _world(session)
        plan = make_care_plan(session, world.episode, by=world.nurse)
        response = client.put(
            f"{URL}/{plan.id}",
            json={"base_version": 1, "content": _content(), **body},
            headers=auth(session, world.nurse),
        )
        assert response.status_code == 422
        assert field in [e["field"] for e in response.json()["errors"]]
        assert _count(session, CarePlanVersion) == 1

    def test_acknowledgements_stay_with_their_version(
        self, client: TestClient, session: Session
    ) -> None:
        world = _world(session)
        plan = make_care_plan(session, world.episode, by=world.nurse, acknowledged_by=["patient"])
        response = client.put(
            f"{URL}/{plan.id}",
            json={"base_version": 1, "content": _content()},
            headers=auth(session, world.nurse),
        )
        assert response.json()["acknowledged_by_patient"] is False
        assert response.json()["version"]["acknowledgements"] == []
        current = episodes_repository.current_plan_version(session, world.episode.id)
        assert current is not None
        assert current.number == 2


class TestVersions:
    def test_summary_and_full_versions(self, client: TestClient, session: Session) -> None:
        world = _world(session)
        plan = make_care_plan(session, world.episode, by=world.nurse, acknowledged_by=["patient"])
        headers = auth(session, world.nurse)
        client.put(
            f"{URL}/{plan.id}",
            json={"base_version": 1, "content": _content(), "change_note": "goals"},
            headers=headers,
        )
        summary = client.get(f"{URL}/{plan.id}/versions", headers=headers)
        assert summary.status_code == 200
        assert [(v["number"], v["change_note"], v["acknowledged_by"]) for v in summary.json()] == [
            (1, None, ["patient"]),
            (2, "goals", []),
        ]
        v2 = client.get(f"{URL}/{plan.id}/versions/2", headers=headers)
        assert v2.status_code == 200
        assert v2.json()["content"]["goals"] == ["Be home for my grandson's birthday on Saturday"]
        actions = [e.action for e in _audit(session, world.patient.id)]
        assert actions == ["update", "list_versions", "read_version"]

    def test_unknown_version_is_404_and_bad_number_422(
        self, client: TestClient, session: Session
    ) -> None:
        world = _world(session)
        plan = make_care_plan(session, world.episode, by=world.nurse)
        headers = auth(session, world.nurse)
        missing = client.get(f"{URL}/{plan.id}/versions/7", headers=headers)
        assert missing.status_code == 404
        assert "versions are 1 to 1" in missing.json()["detail"]
        assert client.get(f"{URL}/{plan.id}/versions/0", headers=headers).status_code == 422
        assert client.get(f"{URL}/{plan.id}/versions/x", headers=headers).status_code == 422

    @pytest.mark.parametrize("path", ["versions", "versions/1"])
    def test_unrelated_organisation_gets_404_and_is_logged(
        self, client: TestClient, session: Session, path: str
    ) -> None:
        world = _world(session)
        plan = make_care_plan(session, world.episode, by=world.nurse)
        response = client.get(f"{URL}/{plan.id}/{path}", headers=auth(session, world.outsider))
        assert response.status_code == 404
        _denied_logged(session, world, world.outsider)

    @pytest.mark.parametrize("path", ["versions", "versions/1"])
    def test_auditor_gets_403(self, client: TestClient, session: Session, path: str) -> None:
        world = _world(session)
        plan = make_care_plan(session, world.episode, by=world.nurse)
        auditor = make_user(session, world.hospital, role="auditor")
        response = client.get(f"{URL}/{plan.id}/{path}", headers=auth(session, auditor))
        assert response.status_code == 403

    def test_unknown_plan_is_404(self, client: TestClient, session: Session) -> None:
        world = _world(session)
        response = client.get(f"{URL}/{random_id()}/versions", headers=auth(session, world.nurse))
        assert response.status_code == 404


class TestAcknowledge:
    def _ack(
        self, client: TestClient, session: Session, plan_id: object, user: User, **body: Any
    ) -> Any:
        return client.post(
            f"{URL}/{plan_id}/versions/{body.pop('number', 1)}/acknowledgements",
            json=body,
            headers=auth(session, user),
        )

    def test_patient_acknowledgement_recorded_by_staff(
        self, client: TestClient, session: Session
    ) -> None:
        world = _world(session)
        plan = make_care_plan(session, world.episode, by=world.nurse)
        response = self._ack(
            client, session, plan.id, world.nurse, party="patient", name="Kim Berg"
        )
        assert response.status_code == 201, response.text
        body = response.json()
        assert (body["party"], body["name"], body["version_number"]) == ("patient", "Kim Berg", 1)
        assert body["recorded_by_id"] == str(world.nurse.id)
        assert body["organisation_id"] is None
        read = client.get(f"{URL}/{plan.id}", headers=auth(session, world.nurse)).json()
        assert read["acknowledged_by_patient"] is True
        assert _events(session, world.episode) == ["care_plan.acknowledged"]
        # What the episode's discharge / "planned" check reads:
        current = episodes_repository.current_plan_version(session, world.episode.id)
        assert current is not None
        assert [a.party for a in current.acknowledgements] == ["patient"]
        log = _audit(session, world.patient.id)
        assert [(e.action, e.allowed) for e in log][0] == ("acknowledge", True)

    def test_assistant_nurse_may_record_next_of_kin(
        self, client: TestClient, session: Session
    ) -> None:
        world = _world(session)
        plan = make_care_plan(session, world.episode, by=world.nurse)
        assistant = make_user(session, world.home_care, role="assistant_nurse")
        response = self._ack(
            client, session, plan.id, assistant, party="next_of_kin", name="Anna Berg"
        )
        assert response.status_code == 201, response.text

    @pytest.mark.parametrize("party", ["patient", "next_of_kin"])
    def test_patient_party_needs_a_name(
        self, client: TestClient, session: Session, party: str
    ) -> None:
        world = _world(session)
        plan = make_care_plan(session, world.episode, by=world.nurse)
        response = self._ack(client, session, plan.id, world.nurse, party=party)
        assert response.status_code == 422
        assert response.json()["field"] == "name"
        assert _count(session, CarePlanAcknowledgement) == 0

    def test_unknown_party_is_422(self, client: TestClient, session: Session) -> None:
        world = _world(session)
        plan = make_care_plan(session, world.episode, by=world.nurse)
        response = self._ack(client, session, plan.id, world.nurse, party="neighbour")
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "party"

    def test_participating_organisation_acknowledges_for_itself(
        self, client: TestClient, session: Session
    ) -> None:
        world = _world(session)
        plan = make_care_plan(session, world.episode, by=world.nurse)
        response = self._ack(client, session, plan.id, world.home_nurse, party="organisation")
        assert response.status_code == 201, response.text
        assert response.json()["organisation_id"] == str(world.home_care.id)
        assert response.json()["name"] == world.home_nurse.full_name
        read = client.get(f"{URL}/{plan.id}", headers=auth(session, world.nurse)).json()
        assert read["organisations_to_acknowledge"] == [str(world.hospital.id)]
        assert read["acknowledged_by_patient"] is False

    def test_organisation_not_taking_part_is_409(
        self, client: TestClient, session: Session
    ) -> None:
        world = _world(session)
        plan = make_care_plan(session, world.episode, by=world.nurse)
        # Registered the patient (so may read), but takes no part in this episode.
        primary = make_organisation(session, kind="primary_care_centre")
        gp_nurse = make_user(session, primary)
        session.add(
            PatientRegistration(
                patient_id=world.patient.id, organisation_id=primary.id, user_id=gp_nurse.id
            )
        )
        session.flush()
        response = self._ack(client, session, plan.id, gp_nurse, party="organisation")
        assert response.status_code == 409
        assert "does not take part" in response.json()["detail"]
        assert _count(session, CarePlanAcknowledgement) == 0

    @pytest.mark.parametrize(
        ("party", "name"), [("patient", "Kim"), ("next_of_kin", "Anna"), ("organisation", None)]
    )
    def test_twice_is_409(
        self, client: TestClient, session: Session, party: str, name: str | None
    ) -> None:
        world = _world(session)
        plan = make_care_plan(session, world.episode, by=world.nurse)
        first = self._ack(client, session, plan.id, world.nurse, party=party, name=name)
        assert first.status_code == 201
        again = self._ack(client, session, plan.id, world.nurse, party=party, name=name)
        assert again.status_code == 409
        assert "already acknowledged version 1" in again.json()["detail"]
        assert _count(session, CarePlanAcknowledgement) == 1

    def test_old_version_is_409_naming_the_current(
        self, client: TestClient, session: Session
    ) -> None:
        world = _world(session)
        plan = make_care_plan(session, world.episode, by=world.nurse)
        client.put(
            f"{URL}/{plan.id}",
            json={"base_version": 1, "content": _content()},
            headers=auth(session, world.nurse),
        )
        response = self._ack(client, session, plan.id, world.nurse, party="patient", name="Kim")
        assert response.status_code == 409
        assert response.json()["detail"] == "version 1 is not current, acknowledge version 2"
        assert _count(session, CarePlanAcknowledgement) == 0

    def test_missing_version_is_404(self, client: TestClient, session: Session) -> None:
        world = _world(session)
        plan = make_care_plan(session, world.episode, by=world.nurse)
        response = self._ack(
            client, session, plan.id, world.nurse, number=3, party="patient", name="Kim"
        )
        assert response.status_code == 404

    def test_unrelated_organisation_gets_404_and_is_logged(
        self, client: TestClient, session: Session
    ) -> None:
        world = _world(session)
        plan = make_care_plan(session, world.episode, by=world.nurse)
        response = self._ack(client, session, plan.id, world.outsider, party="organisation")
        assert response.status_code == 404
        _denied_logged(session, world, world.outsider)
        assert _count(session, CarePlanAcknowledgement) == 0

    @pytest.mark.parametrize("role", ["auditor", "analyst"])
    def test_auditor_and_analyst_get_403(
        self, client: TestClient, session: Session, role: str
    ) -> None:
        world = _world(session)
        plan = make_care_plan(session, world.episode, by=world.nurse)
        user = make_user(session, world.hospital, role=role)
        response = self._ack(client, session, plan.id, user, party="organisation")
        assert response.status_code == 403
        assert _count(session, CarePlanAcknowledgement) == 0

    def test_closed_episode_is_409(self, client: TestClient, session: Session) -> None:
        world = _world(session, state="discharged")
        plan = make_care_plan(session, world.episode, by=world.nurse)
        response = self._ack(client, session, plan.id, world.nurse, party="patient", name="Kim")
        assert response.status_code == 409
        assert _count(session, CarePlanAcknowledgement) == 0
        assert session.scalar(select(func.count()).select_from(EpisodeEvent)) == 0
