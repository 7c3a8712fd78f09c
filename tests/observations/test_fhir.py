"""FHIR R4: vital-signs Observations and transaction Bundles in, Observations and
OperationOutcomes out (validated with fhir.resources)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.operationoutcome import OperationOutcome
from sqlalchemy.orm import Session

from samband.kit.time import utcnow
from samband.observations import fhir
from tests.observations.world import World, alerts_of, audit_rows, count_sets, make_world

FHIR_JSON = {"Content-Type": "application/fhir+json"}
VITAL_SIGNS = [{"coding": [{"system": fhir.CATEGORY, "code": "vital-signs"}]}]


@pytest.fixture
def world(session: Session) -> World:
    return make_world(session)


def quantity(value: float, code: str) -> dict[str, Any]:
    return {"value": value, "unit": code, "system": fhir.UCUM, "code": code}


def loinc(code: str) -> dict[str, Any]:
    return {"coding": [{"system": fhir.LOINC, "code": code}]}


def observation(
    world: World,
    code: str,
    value: dict[str, Any] | None = None,
    *,
    at: datetime | None = None,
    identifier: str | None = None,
    subject: dict[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "status": "final",
        "category": VITAL_SIGNS,
        "code": loinc(code),
        "subject": subject or {"reference": f"Patient/{world.patient.id}"},
        "effectiveDateTime": (at or utcnow() - timedelta(minutes=4)).isoformat(),
        **extra,
    }
    if value is not None:
        resource["valueQuantity"] = value
    if identifier is not None:
        resource["identifier"] = [{"system": "urn:example:gateway", "value": identifier}]
    return resource


def acvpu(world: World, snomed: str, at: datetime) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": fhir.SNOMED, "code": "1104441000000107"}]},
        "subject": {"reference": f"Patient/{world.patient.id}"},
        "effectiveDateTime": at.isoformat(),
        "valueCodeableConcept": {"coding": [{"system": fhir.SNOMED, "code": snomed}]},
    }


def full_set(world: World, at: datetime, *, high: bool = False) -> list[dict[str, Any]]:
    """The seven NEWS2 parameters as single Observations of one occasion."""
    return [
        observation(world, "9279-1", quantity(26 if high else 16, "/min"), at=at, identifier="rr"),
        observation(world, "59408-5", quantity(90 if high else 97, "%"), at=at, identifier="spo2"),
        observation(world, "3151-8", quantity(0, "L/min"), at=at, identifier="o2"),
        {
            **observation(world, "85354-9", at=at, identifier="bp"),
            "component": [
                {"code": loinc("8480-6"), "valueQuantity": quantity(95 if high else 125, "mm[Hg]")},
                {"code": loinc("8462-4"), "valueQuantity": quantity(70, "mm[Hg]")},
            ],
        },
        observation(world, "8867-4", quantity(72, "/min"), at=at, identifier="hr"),
        observation(world, "8310-5", quantity(37.0, "Cel"), at=at, identifier="temp"),
        {**acvpu(world, "248234008", at), "identifier": [{"value": "acvpu"}]},
    ]


def bundle(*resources: dict[str, Any]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {"resource": r, "request": {"method": "POST", "url": "Observation"}} for r in resources
        ],
    }


def outcome(response: Any) -> OperationOutcome:
    assert response.headers["content-type"].startswith("application/fhir+json")
    return OperationOutcome.model_validate(response.json())


class TestObservation:
    def test_a_single_vital_sign_is_stored_and_answered_as_an_observation(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        resource = observation(world, "8867-4", quantity(88, "/min"), identifier="hr-1")

        response = client.post(
            "/fhir/R4/Observation",
            json=resource,
            headers={**world.headers(session, "device"), **FHIR_JSON},
        )

        assert response.status_code == 201, response.text
        assert response.headers["content-type"].startswith("application/fhir+json")
        stored = Observation.model_validate(response.json())
        assert response.headers["location"] == f"Observation/{stored.id}/_history/1"
        components = {c.code.coding[0].code: c for c in stored.component}
        assert components["8867-4"].valueQuantity.value == 88
        assert components["1104051000000101"].valueInteger == 0  # NEWS2, partial
        assert count_sets(session, world.patient) == 1

    def test_the_same_identifier_again_is_200_with_the_stored_resource(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        resource = observation(world, "8310-5", quantity(37.4, "Cel"), identifier="t-1")
        headers = {**world.headers(session, "device"), **FHIR_JSON}

        first = client.post("/fhir/R4/Observation", json=resource, headers=headers)
        again = client.post("/fhir/R4/Observation", json=resource, headers=headers)

        assert (first.status_code, again.status_code) == (201, 200)
        assert again.json()["id"] == first.json()["id"]
        assert count_sets(session, world.patient) == 1

    def test_a_panel_with_components_is_one_set(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        at = utcnow() - timedelta(minutes=2)
        resource = {
            **observation(world, "85353-1", at=at),
            "component": [
                {"code": loinc("9279-1"), "valueQuantity": quantity(26, "/min")},
                {"code": loinc("2708-6"), "valueQuantity": quantity(90, "%")},
                {"code": loinc("8480-6"), "valueQuantity": quantity(95, "mm[Hg]")},
                {"code": loinc("8867-4"), "valueQuantity": quantity(72, "/min")},
                {"code": loinc("8310-5"), "valueQuantity": quantity(37.0, "Cel")},
                {"code": loinc("3151-8"), "valueQuantity": quantity(0, "L/min")},
                {
                    "code": {"coding": [{"system": fhir.SNOMED, "code": "1104441000000107"}]},
                    "valueCodeableConcept": {"coding": [{"code": "A"}]},
                },
            ],
        }

        response = client.post(
            "/fhir/R4/Observation", json=resource, headers=world.headers(session, "device")
        )

        assert response.status_code == 201, response.text
        stored = Observation.model_validate(response.json())
        news2 = {c.code.coding[0].code: c for c in stored.component}["1104051000000101"]
        assert news2.valueInteger == 8
        assert [a.severity for a in alerts_of(session, world.episode)] == ["high"]

    def test_the_subject_may_be_a_personnummer(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        subject = {"identifier": {"system": fhir.PERSONNUMMER, "value": world.patient.personnummer}}
        unknown = {"identifier": {"system": fhir.PERSONNUMMER, "value": "19121212-1212"}}
        headers = world.headers(session, "device")

        found = client.post(
            "/fhir/R4/Observation",
            json=observation(world, "8867-4", quantity(70, "/min"), subject=subject),
            headers=headers,
        )
        missing = client.post(
            "/fhir/R4/Observation",
            json=observation(world, "8867-4", quantity(70, "/min"), subject=unknown),
            headers=headers,
        )

        assert found.status_code == 201, found.text
        assert found.json()["subject"]["reference"] == f"Patient/{world.patient.id}"
        assert missing.status_code == 404
        assert outcome(missing).issue[0].code == "not-found"

    @pytest.mark.parametrize(
        ("snomed", "letter"),
        [("248234008", "A"), ("130987000", "C"), ("300202002", "V"), ("422768004", "U")],
    )
    def test_acvpu_as_snomed(
        self, client: TestClient, session: Session, world: World, snomed: str, letter: str
    ) -> None:
        response = client.post(
            "/fhir/R4/Observation",
            json=acvpu(world, snomed, utcnow() - timedelta(minutes=1)),
            headers=world.headers(session, "device"),
        )

        assert response.status_code == 201, response.text
        read = client.get(
            f"/api/v1/observations/{response.json()['id']}", headers=world.headers(session)
        )
        assert read.json()["consciousness"] == letter

    def test_a_stored_set_reads_back_as_fhir(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        stored = client.post(
            "/fhir/R4/Observation",
            json=observation(world, "8310-5", quantity(38.0, "Cel")),
            headers=world.headers(session, "device"),
        ).json()

        read = client.get(f"/fhir/R4/Observation/{stored['id']}", headers=world.headers(session))
        outsider = client.get(
            f"/fhir/R4/Observation/{stored['id']}", headers=world.headers(session, "outsider")
        )

        assert read.status_code == 200
        Observation.model_validate(read.json())
        assert outsider.status_code == 404
        assert outcome(outsider).issue[0].code == "not-found"


class TestBundle:
    def test_a_transaction_of_single_vital_signs_is_one_set_scored_together(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        at = utcnow() - timedelta(minutes=3)
        headers = world.headers(session, "device")

        response = client.post(
            "/fhir/R4", json=bundle(*full_set(world, at, high=True)), headers=headers
        )
        again = client.post(
            "/fhir/R4", json=bundle(*full_set(world, at, high=True)), headers=headers
        )

        assert response.status_code == 200, response.text
        answer = Bundle.model_validate(response.json())
        assert answer.type == "transaction-response"
        assert len(answer.entry) == 7
        assert {e.response.status for e in answer.entry} == {"201 Created"}
        assert len({e.response.location for e in answer.entry}) == 1  # one occasion
        assert count_sets(session, world.patient) == 1
        stored = client.get(
            f"/api/v1/observations?patient_id={world.patient.id}", headers=world.headers(session)
        ).json()
        assert stored[0]["news2"]["total"] == 8
        assert stored[0]["news2"]["partial"] is False
        assert {e["response"]["status"] for e in again.json()["entry"]} == {"200 OK"}
        assert count_sets(session, world.patient) == 1
        assert len(alerts_of(session, world.episode)) == 1

    def test_two_times_are_two_sets(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        now = utcnow()
        first = observation(world, "8867-4", quantity(70, "/min"), at=now - timedelta(hours=2))
        second = observation(world, "8867-4", quantity(75, "/min"), at=now - timedelta(hours=1))

        response = client.post(
            "/fhir/R4", json=bundle(first, second), headers=world.headers(session, "device")
        )

        assert response.status_code == 200
        assert count_sets(session, world.patient) == 2

    def test_one_bad_entry_and_nothing_is_stored(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        at = utcnow() - timedelta(minutes=3)
        entries = full_set(world, at)
        entries[1] = observation(world, "59408-5", quantity(104, "%"), at=at)

        response = client.post(
            "/fhir/R4", json=bundle(*entries), headers=world.headers(session, "device")
        )

        assert response.status_code == 422
        issue = outcome(response).issue[0]
        assert issue.expression == ["Bundle.entry[1].resource.valueQuantity.value"]
        assert "SpO2" in issue.diagnostics
        assert count_sets(session, world.patient) == 0

    @pytest.mark.parametrize(
        ("change", "status", "where"),
        [
            ({"type": "batch"}, 422, "type"),
            ({"entry": []}, 422, "Bundle.entry"),
            ({"resourceType": "Observation"}, 422, "resourceType"),
        ],
    )
    def test_a_bundle_that_is_not_a_transaction_is_refused(
        self,
        client: TestClient,
        session: Session,
        world: World,
        change: dict[str, Any],
        status: int,
        where: str,
    ) -> None:
        body = {**bundle(*full_set(world, utcnow() - timedelta(minutes=1))), **change}

        response = client.post("/fhir/R4", json=body, headers=world.headers(session, "device"))

        assert response.status_code == status
        assert outcome(response).issue[0].expression == [where]

    def test_only_observation_posts(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        body = bundle(*full_set(world, utcnow() - timedelta(minutes=1)))
        body["entry"][0]["request"] = {"method": "DELETE", "url": "Observation/1"}

        response = client.post("/fhir/R4", json=body, headers=world.headers(session, "device"))

        assert response.status_code == 422
        assert outcome(response).issue[0].expression == ["Bundle.entry[0].request"]


class TestBadResources:
    @pytest.mark.parametrize(
        ("resource", "status", "where"),
        [
            ({"resourceType": "Observation", "status": "final"}, 422, "Observation.code"),
            ({"resourceType": "Patient"}, 422, "Observation"),
            ("not an object", 422, "Observation"),
        ],
    )
    def test_structure(
        self,
        client: TestClient,
        session: Session,
        world: World,
        resource: Any,
        status: int,
        where: str,
    ) -> None:
        response = client.post(
            "/fhir/R4/Observation", json=resource, headers=world.headers(session, "device")
        )

        assert response.status_code == status
        assert outcome(response).issue[0].expression == [where]

    def test_malformed_json_is_an_operation_outcome(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        response = client.post(
            "/fhir/R4/Observation",
            content=b'{"resourceType": "Observation", ',
            headers={**world.headers(session, "device"), **FHIR_JSON},
        )

        assert response.status_code == 422
        assert outcome(response).issue[0].code == "structure"

    @pytest.mark.parametrize(
        ("change", "where", "words"),
        [
            ({"valueQuantity": quantity(98.6, "[degF]")}, "valueQuantity.code", "°C"),
            ({"valueQuantity": {"value": 37.0}}, "valueQuantity", "unit"),
            ({"valueQuantity": quantity(60, "Cel")}, "valueQuantity.value", "impossible"),
            ({"status": "entered-in-error"}, "status", "final"),
            ({"effectiveDateTime": "2030-01-01"}, "effectiveDateTime", "time zone"),
            ({"code": loinc("1234-5")}, "code", "not a vital sign"),
            ({"subject": {"reference": "Patient/123"}}, "subject.reference", "Patient/<id>"),
        ],
    )
    def test_values_codes_and_units(
        self,
        client: TestClient,
        session: Session,
        world: World,
        change: dict[str, Any],
        where: str,
        words: str,
    ) -> None:
        resource = {**observation(world, "8310-5", quantity(37.0, "Cel")), **change}

        response = client.post(
            "/fhir/R4/Observation", json=resource, headers=world.headers(session, "device")
        )

        assert response.status_code == 422, response.text
        issue = outcome(response).issue[0]
        assert issue.expression == [f"Observation.{where}"]
        assert words in issue.diagnostics
        assert count_sets(session, world.patient) == 0

    def test_xml_is_not_supported(self, client: TestClient, session: Session, world: World) -> None:
        response = client.post(
            "/fhir/R4/Observation",
            content=b"<Observation/>",
            headers={**world.headers(session, "device"), "Content-Type": "application/fhir+xml"},
        )

        assert response.status_code == 415
        assert outcome(response).issue[0].code == "not-supported"

    def test_no_login_and_no_relationship_are_operation_outcomes(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        resource = observation(world, "8867-4", quantity(70, "/min"))

        anonymous = client.post("/fhir/R4/Observation", json=resource)
        outsider = client.post(
            "/fhir/R4/Observation", json=resource, headers=world.headers(session, "outsider")
        )
        unknown_path = client.get("/fhir/R4/Patient", headers=world.headers(session))

        assert anonymous.status_code == 401
        assert outcome(anonymous).issue[0].code == "login"
        assert outsider.status_code == 404
        assert outcome(outsider).issue[0].code == "not-found"
        assert unknown_path.status_code in (404, 405)
        outcome(unknown_path)
        assert [r.allowed for r in audit_rows(session, world.outsider, "observation")] == [False]
        assert count_sets(session, world.patient) == 0

    def test_an_auditor_is_refused_and_logged(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        from tests.factories import auth, make_user

        auditor = make_user(session, world.clinic, role="auditor")

        response = client.post(
            "/fhir/R4/Observation",
            json=observation(world, "8867-4", quantity(70, "/min")),
            headers=auth(session, auditor),
        )

        assert response.status_code == 403
        assert outcome(response).issue[0].code == "forbidden"
        assert [r.allowed for r in audit_rows(session, auditor, "observation")] == [False]


class TestMapping:
    """The pure mapping, without a database."""

    def test_the_rendered_observation_is_valid_r4(self) -> None:
        from samband.observations.schemas import News2Read, ObservationRead

        read = ObservationRead(
            id=uuid.uuid4(),
            patient_id=uuid.uuid4(),
            episode_id=uuid.uuid4(),
            measured_at=utcnow(),
            received_at=utcnow(),
            source="device",
            device_id="Device/oximeter-7",
            visit_id=None,
            client_id="urn:example|1",
            respiratory_rate=18,
            spo2=95,
            on_oxygen=True,
            oxygen_flow=None,
            systolic_bp=120,
            diastolic_bp=80,
            pulse=80,
            consciousness="C",
            temperature=37.2,
            weight=80.5,
            symptoms="Trött",
            news2=News2Read(
                total=7,
                risk="high",
                partial=False,
                parameters={},
                missing=[],
                red_score=True,
                monitoring="continuous",
                response="emergency",
                spo2_scale=1,
            ),
            status="preliminary",
            needs_confirmation=True,
            flags=[],
            confirmed_by_id=None,
            confirmed_at=None,
            confirmation_note=None,
            recorded_by_id=uuid.uuid4(),
            alert_ids=[],
        )

        resource = Observation.model_validate(fhir.render(read))

        assert resource.status == "preliminary"
        assert len(resource.component) == 11  # 7 quantities, air/oxygen, ACVPU, symptoms, NEWS2

    def test_identifiers_of_an_occasion_make_one_key(self) -> None:
        assert fhir.client_id(["a|1", "a|2"]) == "a|1,a|2"
        assert fhir.client_id(["with space"]).startswith("sha256:")
        assert fhir.client_id(["x" * 300]).startswith("sha256:")
