"""The care relationship as the law shapes it (issue 10, docs/decisions/0010).

A hospital clinic (region) leads an episode of a patient at home; the municipality's home
health care takes part; the municipality's home care (social services) has a care request;
an outsider clinic of the same region has nothing. Each finding of the penetration test is
tried again here and must hold.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.kit.time import utcnow
from samband.models import AuditEvent, CareRequest, Episode, Organisation, Patient, Unit, User
from tests.factories import (
    auth,
    make_care_plan,
    make_episode,
    make_medication,
    make_organisation,
    make_patient,
    make_unit,
    make_user,
    valid_personnummer,
)

MUNICIPALITY = {"authority_kind": "municipality", "authority_name": "Testkommun"}


@dataclass
class World:
    clinic: Organisation
    unit: Unit
    physician: User
    nurse: User
    home_health: Organisation
    municipal_nurse: User
    home_care: Organisation
    home_care_coordinator: User
    outsider: Organisation
    outsider_nurse: User
    outsider_physician: User
    patient: Patient
    episode: Episode
    medication_id: uuid.UUID
    plan_id: uuid.UUID


@pytest.fixture
def world(session: Session) -> World:
    clinic = make_organisation(session, kind="hospital_clinic")
    unit = make_unit(session, clinic)
    physician = make_user(session, clinic, role="physician", unit=unit)
    nurse = make_user(session, clinic, role="registered_nurse", unit=unit)
    home_health = make_organisation(session, kind="municipal_home_health_care", **MUNICIPALITY)
    municipal_nurse = make_user(session, home_health, role="registered_nurse")
    home_care = make_organisation(session, kind="municipal_home_care", **MUNICIPALITY)
    coordinator = make_user(session, home_care, role="coordinator")
    outsider = make_organisation(session, kind="hospital_clinic")
    make_unit(session, outsider)
    outsider_nurse = make_user(session, outsider, role="registered_nurse")
    outsider_physician = make_user(session, outsider, role="physician")
    patient = make_patient(
        session,
        street_address="Hemliga gatan 1",
        phone="070-1234567",
        what_matters="Att få vara hemma med katten",
    )
    episode = make_episode(
        session,
        patient,
        unit=unit,
        state="at_home",
        participants={home_health: "home_health_care", home_care: "home_care"},
        physician=physician,
    )
    plan = make_care_plan(session, episode, by=physician)
    medication = make_medication(session, episode, by=physician)
    session.add(
        CareRequest(
            episode_id=episode.id,
            kind="home_care",
            from_organisation_id=clinic.id,
            to_organisation_id=home_care.id,
            state="accepted",
            message="help with shopping",
            answer_by=episode.created_at,
            care_plan_version=1,
            medication_snapshot=[],
            created_by_id=nurse.id,
            history=[],
        )
    )
    session.flush()
    return World(
        clinic=clinic,
        unit=unit,
        physician=physician,
        nurse=nurse,
        home_health=home_health,
        municipal_nurse=municipal_nurse,
        home_care=home_care,
        home_care_coordinator=coordinator,
        outsider=outsider,
        outsider_nurse=outsider_nurse,
        outsider_physician=outsider_physician,
        patient=patient,
        episode=episode,
        medication_id=medication.id,
        plan_id=plan.id,
    )


def _log(session: Session, user: User) -> list[AuditEvent]:
    return list(
        session.scalars(
            select(AuditEvent).where(AuditEvent.user_id == user.id).order_by(AuditEvent.at)
        )
    )


def _patient_body(personnummer: str, **fields: object) -> dict[str, object]:
    return {"personnummer": personnummer, "given_name": "Eva", "family_name": "Probe", **fields}


class TestRegisteringRevealsNothing:
    def test_a_known_personnummer_answers_like_a_new_one(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        headers = auth(session, world.outsider_nurse)
        known = client.post(
            "/api/v1/patients", json=_patient_body(world.patient.personnummer), headers=headers
        )
        new = client.post(
            "/api/v1/patients",
            json=_patient_body(valid_personnummer(1961, 2, 3, 456)),
            headers=headers,
        )
        assert known.status_code == new.status_code == 201
        body = known.json()
        assert set(body) == set(new.json())
        # only what was sent comes back: nothing of the stored record
        assert body["family_name"] == "Probe"
        assert body["street_address"] is None
        assert body["phone"] is None
        assert body["what_matters"] is None
        assert body["next_of_kin"] == []
        for secret in ("Hemliga gatan", "070-1234567", "katten", world.patient.family_name):
            assert secret not in known.text
        # the stored record is unchanged
        session.refresh(world.patient)
        assert world.patient.family_name != "Probe"
        # and what follows cannot tell them apart: neither gives a care relationship
        known_read = client.get(f"/api/v1/patients/{body['id']}", headers=headers)
        new_read = client.get(f"/api/v1/patients/{new.json()['id']}", headers=headers)
        assert known_read.status_code == new_read.status_code == 404
        assert known_read.json()["detail"].replace(body["id"], "X") == new_read.json()[
            "detail"
        ].replace(new.json()["id"], "X")

    def test_no_care_relationship_follows(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        headers = auth(session, world.outsider_nurse)
        client.post(
            "/api/v1/patients", json=_patient_body(world.patient.personnummer), headers=headers
        )
        pid, eid = world.patient.id, world.episode.id
        assert client.get(f"/api/v1/patients/{pid}", headers=headers).status_code == 404
        assert client.get(f"/api/v1/episodes/{eid}", headers=headers).status_code == 404
        listed = client.get(f"/api/v1/episodes?patient_id={pid}", headers=headers).json()
        assert listed["total"] == 0
        meds = client.get(f"/api/v1/medications?episode_id={eid}", headers=headers)
        assert meds.status_code == 404
        added = client.post(
            f"/api/v1/episodes/{eid}/participants",
            json={"organisation_id": str(world.outsider.id), "role": "other"},
            headers=headers,
        )
        assert added.status_code == 404
        withdrawn = client.post(
            f"/api/v1/episodes/{eid}/transitions",
            json={"to": "withdrawn", "reason": "probe"},
            headers=headers,
        )
        assert withdrawn.status_code == 404
        session.refresh(world.episode)
        assert world.episode.state == "at_home"
        # the lookup is logged with the patient, as refused, and so is every attempt after it
        rows = _log(session, world.outsider_nurse)
        assert rows[0].patient_id == pid
        assert rows[0].action == "register"
        assert rows[0].allowed is False
        assert all(not row.allowed for row in rows if row.patient_id == pid)


class TestFlaggingACandidate:
    def _flag(self, client: TestClient, headers: dict[str, str], world: World, **extra: object):  # type: ignore[no-untyped-def]
        body = {
            "patient_id": str(world.patient.id),
            "pathway": "opat",
            "type": "early_supported_discharge",
            "responsible_unit_id": str(world.unit.id),
            **extra,
        }
        return client.post("/api/v1/episodes", json=body, headers=headers)

    def test_needs_a_reason_and_is_logged_as_a_new_care_relationship(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        world.episode.state = "discharged"
        session.flush()
        headers = auth(session, world.nurse)
        refused = self._flag(client, headers, world)
        assert refused.status_code == 422
        assert refused.json()["field"] == "reason"
        done = self._flag(client, headers, world, reason="Erysipelas, IV antibiotics at home")
        assert done.status_code == 201, done.text
        rows = [r for r in _log(session, world.nurse) if r.action == "relationship_start"]
        assert len(rows) == 1
        assert rows[0].resource_type == "care_relationship"
        assert rows[0].patient_id == world.patient.id
        assert "Erysipelas" in (rows[0].reason or "")

    def test_a_second_open_episode_is_refused_without_details(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        headers = auth(session, world.outsider_nurse)
        outsider_unit = session.scalars(
            select(Unit).where(Unit.organisation_id == world.outsider.id)
        ).one()
        body = {
            "patient_id": str(world.patient.id),
            "pathway": "opat",
            "type": "early_supported_discharge",
            "responsible_unit_id": str(outsider_unit.id),
            "reason": "probe",
        }
        refused = client.post("/api/v1/episodes", json=body, headers=headers)
        assert refused.status_code == 409
        assert str(world.episode.id) not in refused.text
        assert "at_home" not in refused.text

    def test_only_the_responsible_organisation_names_participants(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        world.episode.state = "discharged"
        session.flush()
        headers = auth(session, world.outsider_nurse)
        refused = self._flag(
            client,
            headers,
            world,
            reason="probe",
            participants=[{"organisation_id": str(world.outsider.id), "role": "other"}],
        )
        assert refused.status_code == 403


class TestTheResponsibleOrganisationLeads:
    def test_a_participant_cannot_add_participants_or_end_the_episode(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        eid = world.episode.id
        headers = auth(session, world.municipal_nurse)
        added = client.post(
            f"/api/v1/episodes/{eid}/participants",
            json={"organisation_id": str(world.outsider.id), "role": "primary_care"},
            headers=headers,
        )
        assert added.status_code == 403
        for target in ("withdrawn", "deceased", "discharged"):
            ended = client.post(
                f"/api/v1/episodes/{eid}/transitions",
                json={"to": target, "reason": "probe"},
                headers=headers,
            )
            assert ended.status_code == 403, target
        session.refresh(world.episode)
        assert world.episode.state == "at_home"
        assert {p.organisation_id for p in world.episode.participants} == {
            world.clinic.id,
            world.home_health.id,
            world.home_care.id,
        }
        refusals = [r for r in _log(session, world.municipal_nurse) if not r.allowed]
        assert len(refusals) >= 4
        assert all(r.patient_id == world.patient.id for r in refusals)

    def test_a_participant_may_ask_and_may_leave(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        eid = world.episode.id
        headers = auth(session, world.municipal_nurse)
        asked = client.post(
            f"/api/v1/episodes/{eid}/end-requests",
            json={"to": "readmitted", "reason": "worse since this morning"},
            headers=headers,
        )
        assert asked.status_code == 201, asked.text
        assert asked.json()["kind"] == "end.requested"
        left = client.delete(
            f"/api/v1/episodes/{eid}/participants/{world.home_health.id}", headers=headers
        )
        assert left.status_code == 200, left.text
        assert client.get(f"/api/v1/episodes/{eid}", headers=headers).status_code == 404

    def test_the_responsible_organisation_adds_and_removes(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        eid = world.episode.id
        headers = auth(session, world.nurse)
        added = client.post(
            f"/api/v1/episodes/{eid}/participants",
            json={"organisation_id": str(world.outsider.id), "role": "other"},
            headers=headers,
        )
        assert added.status_code == 201
        removed = client.delete(
            f"/api/v1/episodes/{eid}/participants/{world.outsider.id}", headers=headers
        )
        assert removed.status_code == 200
        itself = client.delete(
            f"/api/v1/episodes/{eid}/participants/{world.clinic.id}", headers=headers
        )
        assert itself.status_code == 409


class TestMedicationOrdersArePhysicians:
    @pytest.mark.parametrize("who", ["nurse", "municipal_nurse"])
    def test_nurses_may_not_order(
        self, client: TestClient, session: Session, world: World, who: str
    ) -> None:
        headers = auth(session, getattr(world, who))
        body = {
            "episode_id": str(world.episode.id),
            "drug": "Kåvepenin",
            "dose": "1 g",
            "route": "oral",
            "schedule": "3 times a day",
            "given_by": "patient",
            "supplied_by": "pharmacy",
        }
        assert client.post("/api/v1/medications", json=body, headers=headers).status_code == 403
        stopped = client.post(
            f"/api/v1/medications/{world.medication_id}/stop",
            json={"reason": "probe"},
            headers=headers,
        )
        assert stopped.status_code == 403

    def test_a_physician_orders(self, client: TestClient, session: Session, world: World) -> None:
        headers = auth(session, world.physician)
        body = {
            "episode_id": str(world.episode.id),
            "drug": "Kåvepenin",
            "dose": "1 g",
            "route": "oral",
            "schedule": "3 times a day",
            "given_by": "patient",
            "supplied_by": "pharmacy",
        }
        created = client.post("/api/v1/medications", json=body, headers=headers)
        assert created.status_code == 201, created.text


class TestSocialServicesSeeWhatThePlanShares:
    def test_identity_and_own_request_but_not_the_record(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        headers = auth(session, world.home_care_coordinator)
        pid, eid = world.patient.id, world.episode.id
        patient = client.get(f"/api/v1/patients/{pid}", headers=headers)
        assert patient.status_code == 200
        assert patient.json()["street_address"] == "Hemliga gatan 1"
        requests = client.get("/api/v1/care-requests?direction=incoming", headers=headers).json()
        assert requests["total"] == 1
        for path in (
            f"/api/v1/episodes/{eid}",
            f"/api/v1/medications?episode_id={eid}",
            f"/api/v1/episodes/{eid}/events",
            f"/api/v1/care-plans/{world.plan_id}",
            f"/api/v1/medications/{world.medication_id}",
        ):
            assert client.get(path, headers=headers).status_code == 404, path
        assert client.get("/api/v1/episodes", headers=headers).json()["total"] == 0
        # the record's lists are refused outright rather than shown empty
        assert client.get("/api/v1/alerts", headers=headers).status_code == 403


class TestConsentToSharedRecords:
    def test_another_care_provider_reads_only_with_consent(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        world.episode.shared_records_consent = None
        session.flush()
        headers = auth(session, world.municipal_nurse)
        eid = world.episode.id
        assert client.get(f"/api/v1/episodes/{eid}", headers=headers).status_code == 404
        assert client.get(f"/api/v1/care-plans/{world.plan_id}", headers=headers).status_code == 404
        nurse = auth(session, world.nurse)
        given = client.patch(
            f"/api/v1/episodes/{eid}", json={"shared_records_consent": True}, headers=nurse
        )
        assert given.status_code == 200, given.text
        assert given.json()["shared_records_consent"] is True
        assert client.get(f"/api/v1/episodes/{eid}", headers=headers).status_code == 200

    def test_a_care_request_to_another_care_provider_needs_it(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        world.episode.shared_records_consent = False
        session.flush()
        other = make_organisation(session, kind="municipal_home_health_care", **MUNICIPALITY)
        sent = client.post(
            "/api/v1/care-requests",
            json={
                "episode_id": str(world.episode.id),
                "to_organisation_id": str(other.id),
                "kind": "home_health_care",
                "message": "IV antibiotics at 16",
            },
            headers=auth(session, world.nurse),
        )
        assert sent.status_code == 409, sent.text
        assert sent.json()["field"] == "to_organisation_id"


class TestBlocks:
    def test_a_block_holds_and_emergency_access_overrides_it(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        pid, eid = world.patient.id, world.episode.id
        clinic = auth(session, world.nurse)
        block = client.post(
            f"/api/v1/patients/{pid}/blocks", json={"reason": "patientens begäran"}, headers=clinic
        )
        assert block.status_code == 201, block.text
        municipal = auth(session, world.municipal_nurse)
        assert client.get(f"/api/v1/episodes/{eid}", headers=municipal).status_code == 404
        assert client.get("/api/v1/episodes", headers=municipal).json()["total"] == 0
        # the clinic itself still reads its own documentation
        assert client.get(f"/api/v1/episodes/{eid}", headers=clinic).status_code == 200
        # the block also ends the municipality's relationship through the clinic's episode
        assert client.get(f"/api/v1/patients/{pid}", headers=municipal).status_code == 404
        emergency = client.post(
            f"/api/v1/patients/{pid}/emergency-access",
            json={"reason": "Medvetslös patient, behöver läkemedelslistan"},
            headers=municipal,
        )
        assert emergency.status_code == 201, emergency.text
        assert client.get(f"/api/v1/episodes/{eid}", headers=municipal).status_code == 200
        overrides = [
            r for r in _log(session, world.municipal_nurse) if r.action == "block_override"
        ]
        assert overrides
        assert overrides[0].emergency
        assert overrides[0].patient_id == pid
        # only the blocking organisation lifts it, even under emergency access
        lift = client.post(
            f"/api/v1/patients/{pid}/blocks/{block.json()['id']}/lift",
            json={"reason": "probe"},
            headers=municipal,
        )
        assert lift.status_code == 403
        lifted = client.post(
            f"/api/v1/patients/{pid}/blocks/{block.json()['id']}/lift",
            json={"reason": "patienten häver spärren"},
            headers=clinic,
        )
        assert lifted.status_code == 200
        assert lifted.json()["lifted_at"] is not None

    def test_a_block_holds_in_lists_when_another_relationship_remains(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        """The municipality also took part in another clinic's earlier episode of the
        patient: it keeps the patient, but not the blocked clinic's episode."""
        outsider_unit = session.scalars(
            select(Unit).where(Unit.organisation_id == world.outsider.id)
        ).one()
        earlier = make_episode(
            session,
            world.patient,
            unit=outsider_unit,
            state="discharged",
            participants={world.home_health: "home_health_care"},
        )
        earlier.ended_at = utcnow() - timedelta(days=3)
        session.flush()
        pid, eid = world.patient.id, world.episode.id
        created = client.post(
            f"/api/v1/patients/{pid}/blocks", json={}, headers=auth(session, world.nurse)
        )
        assert created.status_code == 201
        municipal = auth(session, world.municipal_nurse)
        assert client.get(f"/api/v1/patients/{pid}", headers=municipal).status_code == 200
        listed = client.get(f"/api/v1/episodes?patient_id={pid}", headers=municipal).json()
        assert [e["id"] for e in listed["items"]] == [str(earlier.id)]
        assert client.get(f"/api/v1/episodes/{eid}", headers=municipal).status_code == 404
        events = client.get(f"/api/v1/episodes/{eid}/events", headers=municipal)
        assert events.status_code == 404
        assert client.get(f"/api/v1/episodes/{earlier.id}", headers=municipal).status_code == 200


class TestOneAnswerForMissingAndHidden:
    @pytest.mark.parametrize(
        ("template", "known"),
        [
            ("/api/v1/episodes/{}", "episode"),
            ("/api/v1/care-plans/{}", "plan_id"),
            ("/api/v1/medications/{}", "medication_id"),
            ("/api/v1/patients/{}", "patient"),
        ],
    )
    def test_the_same_text(
        self, client: TestClient, session: Session, world: World, template: str, known: str
    ) -> None:
        headers = auth(session, world.outsider_nurse)
        thing = getattr(world, known)
        thing_id = thing if isinstance(thing, uuid.UUID) else thing.id
        missing_id = uuid.uuid4()
        hidden = client.get(template.format(thing_id), headers=headers)
        missing = client.get(template.format(missing_id), headers=headers)
        assert hidden.status_code == missing.status_code == 404
        assert hidden.json()["detail"].replace(str(thing_id), "X") == missing.json()[
            "detail"
        ].replace(str(missing_id), "X")

    def test_fhir_by_personnummer(self, client: TestClient, session: Session, world: World) -> None:
        headers = {**auth(session, world.outsider_nurse), "Content-Type": "application/fhir+json"}

        def observation(number: str) -> dict[str, object]:
            return {
                "resourceType": "Observation",
                "status": "final",
                "code": {"coding": [{"system": "http://loinc.org", "code": "8867-4"}]},
                "subject": {
                    "identifier": {
                        "system": "http://electronichealth.se/identifier/personnummer",
                        "value": number,
                    }
                },
                "effectiveDateTime": "2026-12-04T08:00:00+01:00",
                "valueQuantity": {
                    "value": 80,
                    "unit": "/min",
                    "code": "/min",
                    "system": "http://unitsofmeasure.org",
                },
            }

        unknown = valid_personnummer(1944, 4, 4, 321)
        hidden = client.post(
            "/fhir/R4/Observation", json=observation(world.patient.personnummer), headers=headers
        )
        missing = client.post("/fhir/R4/Observation", json=observation(unknown), headers=headers)
        assert hidden.status_code == missing.status_code == 404

        def text(response) -> str:  # type: ignore[no-untyped-def]
            return str(response.json()["issue"][0]["diagnostics"])

        pn, un = world.patient.personnummer, unknown
        assert text(hidden).replace(f"{pn[:8]}-{pn[8:]}", "X") == text(missing).replace(
            f"{un[:8]}-{un[8:]}", "X"
        )
        assert str(world.patient.id) not in hidden.text


class TestLogGaps:
    def test_an_invalid_body_on_another_organisations_patient_is_logged(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        headers = auth(session, world.outsider_nurse)
        answer = client.post(
            f"/api/v1/episodes/{world.episode.id}/transitions",
            json={"to": "no-such-state"},
            headers=headers,
        )
        assert answer.status_code == 422
        rows = _log(session, world.outsider_nurse)
        assert rows
        assert rows[-1].patient_id == world.patient.id
        assert rows[-1].allowed is False


class TestDayPlansOfOwnOrganisation:
    def test_another_organisations_day_plan_is_refused(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        headers = auth(session, world.nurse)
        answer = client.post(
            "/api/v1/day-plans",
            json={"date": "2026-12-05", "organisation_ids": [str(world.home_health.id)]},
            headers=headers,
        )
        assert answer.status_code == 403
        generated = client.post(
            "/api/v1/visits/generate",
            json={"date": "2026-12-05", "organisation_ids": [str(world.home_health.id)]},
            headers=headers,
        )
        assert generated.status_code == 403
