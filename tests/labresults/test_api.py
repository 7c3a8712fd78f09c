"""Samples and results through the API and FHIR: entering, receiving, refusing, ordering."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from samband.models import AuditEvent
from samband.models.labresults import LabResult, SampleOrder
from tests.factories import auth
from tests.labresults.world import World, ago, build, crp_observation

FHIR = {"Content-Type": "application/fhir+json"}


def count(session: Session, model: Any) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def entry(resource: dict[str, Any]) -> dict[str, Any]:
    return {"resource": resource, "request": {"method": "POST", "url": "Observation"}}


class TestFhirIntake:
    def test_a_wrong_unit_is_refused_naming_the_right_one_and_nothing_is_written(
        self, client: TestClient, session: Session
    ) -> None:
        world = build(session)
        before = count(session, LabResult)
        answer = client.post(
            "/fhir/R4/Observation",
            json=crp_observation(world, 40, ago(hours=3), unit="mg/dL"),
            headers={**auth(session, world.nurse), **FHIR},
        )
        assert answer.status_code == 422, answer.text
        body = answer.json()
        assert body["resourceType"] == "OperationOutcome"
        assert "'mg/L'" in body["issue"][0]["diagnostics"]
        assert body["issue"][0]["expression"] == ["Observation.valueQuantity.code"]
        assert count(session, LabResult) == before

    def test_an_unknown_laboratory_code_is_refused_naming_the_codes_taken(
        self, client: TestClient, session: Session
    ) -> None:
        world = build(session)
        answer = client.post(
            "/fhir/R4/Observation",
            json=crp_observation(world, 40, ago(hours=3), code="99999-9"),
            headers={**auth(session, world.nurse), **FHIR},
        )
        assert answer.status_code == 422, answer.text
        assert "LOINC 1988-5 (crp, mg/L)" in answer.json()["issue"][0]["diagnostics"]
        assert count(session, LabResult) == 0

    def test_the_same_identifier_again_stores_nothing_and_other_content_is_refused(
        self, client: TestClient, session: Session
    ) -> None:
        world = build(session)
        headers = {**auth(session, world.nurse), **FHIR}
        at = ago(hours=3)
        first = client.post(
            "/fhir/R4/Observation",
            json=crp_observation(world, 40, at, identifier="x1"),
            headers=headers,
        )
        again = client.post(
            "/fhir/R4/Observation",
            json=crp_observation(world, 40, at, identifier="x1"),
            headers=headers,
        )
        assert (first.status_code, again.status_code) == (201, 200)
        assert first.json()["id"] == again.json()["id"]
        other = client.post(
            "/fhir/R4/Observation",
            json=crp_observation(world, 41, at, identifier="x1"),
            headers=headers,
        )
        assert other.status_code == 409, other.text
        assert count(session, LabResult) == 1

    def test_the_patient_by_personnummer_and_a_transaction_bundle(
        self, client: TestClient, session: Session
    ) -> None:
        world = build(session)
        bundle = {
            "resourceType": "Bundle",
            "type": "transaction",
            "entry": [
                entry(crp_observation(world, 120, ago(hours=30), by_personnummer=True)),
                entry(crp_observation(world, 80, ago(hours=2), by_personnummer=True)),
            ],
        }
        answer = client.post(
            "/fhir/R4", json=bundle, headers={**auth(session, world.nurse), **FHIR}
        )
        assert answer.status_code == 200, answer.text
        assert [e["response"]["status"] for e in answer.json()["entry"]] == ["201 Created"] * 2
        results = client.get(
            f"/api/v1/episodes/{world.episode.id}/lab-results",
            headers=auth(session, world.physician),
        ).json()
        assert [r["value"] for r in results] == [120, 80]

    def test_a_bundle_mixing_results_and_vital_signs_is_refused(
        self, client: TestClient, session: Session
    ) -> None:
        world = build(session)
        vital = {
            "resourceType": "Observation",
            "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": "8867-4"}]},
            "subject": {"reference": f"Patient/{world.patient.id}"},
            "effectiveDateTime": ago(hours=1).isoformat(),
            "valueQuantity": {"value": 70, "system": "http://unitsofmeasure.org", "code": "/min"},
        }
        bundle = {
            "resourceType": "Bundle",
            "type": "transaction",
            "entry": [entry(crp_observation(world, 50, ago(hours=2))), entry(vital)],
        }
        answer = client.post(
            "/fhir/R4", json=bundle, headers={**auth(session, world.nurse), **FHIR}
        )
        assert answer.status_code == 422, answer.text
        assert count(session, LabResult) == 0

    def test_vital_signs_still_go_to_the_observations(
        self, client: TestClient, session: Session
    ) -> None:
        world = build(session)
        vital = {
            "resourceType": "Observation",
            "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": "8310-5"}]},
            "subject": {"reference": f"Patient/{world.patient.id}"},
            "effectiveDateTime": ago(hours=1).isoformat(),
            "valueQuantity": {"value": 37.1, "system": "http://unitsofmeasure.org", "code": "Cel"},
        }
        answer = client.post(
            "/fhir/R4/Observation", json=vital, headers={**auth(session, world.nurse), **FHIR}
        )
        assert answer.status_code == 201, answer.text
        assert answer.json()["category"][0]["coding"][0]["code"] == "vital-signs"
        assert count(session, LabResult) == 0

    def test_a_device_account_may_not_post_results_and_an_outsider_gets_404(
        self, client: TestClient, session: Session
    ) -> None:
        world = build(session)
        device = client.post(
            "/fhir/R4/Observation",
            json=crp_observation(world, 40, ago(hours=3)),
            headers={**auth(session, world.device), **FHIR},
        )
        assert device.status_code == 403
        outsider = client.post(
            "/fhir/R4/Observation",
            json=crp_observation(world, 40, ago(hours=3)),
            headers={**auth(session, world.outsider), **FHIR},
        )
        assert outsider.status_code == 404
        refused = session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(
                AuditEvent.patient_id == world.patient.id,
                AuditEvent.resource_type == "lab_result",
                AuditEvent.allowed.is_(False),
            )
        )
        assert refused == 1
        assert count(session, LabResult) == 0


class TestManualEntry:
    def body(self, world: World, **changes: Any) -> dict[str, Any]:
        return {
            "episode_id": str(world.episode.id),
            "test": "crp",
            "value": 84,
            "unit": "mg/L",
            "taken_at": ago(hours=5).isoformat(),
            **changes,
        }

    def test_entered_with_the_default_range_and_flagged(
        self, client: TestClient, session: Session
    ) -> None:
        world = build(session)
        answer = client.post(
            "/api/v1/lab-results",
            json=self.body(world),
            headers=auth(session, world.municipal_nurse),
        )
        assert answer.status_code == 201, answer.text
        read = answer.json()
        assert (read["ref_high"], read["flag"], read["loinc"]) == (5, "H", "1988-5")
        low = client.post(
            "/api/v1/lab-results",
            json=self.body(world, test="hb", value=95, unit="g/L"),
            headers=auth(session, world.nurse),
        )
        assert low.json()["flag"] == "L"

    def test_a_wrong_unit_an_unknown_test_and_an_impossible_value_are_422(
        self, client: TestClient, session: Session
    ) -> None:
        world = build(session)
        headers = auth(session, world.nurse)
        unit = client.post(
            "/api/v1/lab-results", json=self.body(world, unit="mmol/L"), headers=headers
        )
        assert unit.status_code == 422
        assert unit.json()["field"] == "unit"
        assert unit.json()["params"]["expected"] == "mg/L"
        test = client.post(
            "/api/v1/lab-results", json=self.body(world, test="xyz"), headers=headers
        )
        assert (test.status_code, test.json()["field"]) == (422, "test")
        value = client.post(
            "/api/v1/lab-results", json=self.body(world, value=5000), headers=headers
        )
        assert (value.status_code, value.json()["field"]) == (422, "value")
        future = client.post(
            "/api/v1/lab-results",
            json=self.body(world, taken_at=ago(hours=-5).isoformat()),
            headers=headers,
        )
        assert (future.status_code, future.json()["field"]) == (422, "taken_at")
        assert count(session, LabResult) == 0

    def test_an_assistant_nurse_may_not_enter(self, client: TestClient, session: Session) -> None:
        world = build(session)
        answer = client.post(
            "/api/v1/lab-results", json=self.body(world), headers=auth(session, world.assistant)
        )
        assert answer.status_code == 403
        assert count(session, LabResult) == 0


class TestSampleOrders:
    def test_the_care_plan_orders_samples_marked_taken_and_answered(
        self, client: TestClient, session: Session
    ) -> None:
        world = build(session, plan=False)
        physician = auth(session, world.physician)
        made = client.post(
            "/api/v1/care-plans", json={"episode_id": str(world.episode.id)}, headers=physician
        )
        assert made.status_code == 201, made.text
        orders = client.get(
            f"/api/v1/episodes/{world.episode.id}/sample-orders", headers=physician
        ).json()
        [order] = orders
        assert order["day"] == 3
        assert order["tests"] == ["crp", "hb", "wbc", "plt", "creatinine"]
        assert order["status"] == "ordered"
        assert order["due_date"] is not None

        taken = client.post(
            f"/api/v1/sample-orders/{order['id']}/taken",
            json={},
            headers=auth(session, world.municipal_nurse),
        )
        assert taken.status_code == 200, taken.text
        assert taken.json()["status"] == "taken"
        assert taken.json()["taken_by_id"] == str(world.municipal_nurse.id)

        result = client.post(
            "/fhir/R4/Observation",
            json=crp_observation(world, 60, ago(hours=1)),
            headers={**auth(session, world.nurse), **FHIR},
        )
        assert result.status_code == 201
        stored = session.get(LabResult, uuid.UUID(result.json()["id"]))
        assert stored is not None
        assert str(stored.sample_order_id) == order["id"]

    def test_a_plan_activity_with_samples_needs_known_tests_and_a_day_schedule(
        self, client: TestClient, session: Session
    ) -> None:
        from samband.careplans.service import template_content

        world = build(session, plan=False)
        content = template_content("opat").model_dump(mode="json")
        content["activities"][2]["samples"] = ["crp", "unicorn"]
        answer = client.post(
            "/api/v1/care-plans",
            json={"episode_id": str(world.episode.id), "content": content},
            headers=auth(session, world.physician),
        )
        assert answer.status_code == 422, answer.text
        content["activities"][2]["samples"] = ["crp"]
        content["activities"][2]["schedule"] = "3 times a day"
        answer = client.post(
            "/api/v1/care-plans",
            json={"episode_id": str(world.episode.id), "content": content},
            headers=auth(session, world.physician),
        )
        assert answer.status_code == 422, answer.text
        assert count(session, SampleOrder) == 0

    def test_a_structured_criterion_is_evaluated(
        self, client: TestClient, session: Session
    ) -> None:
        from samband.careplans.service import template_content

        world = build(session, plan=False)
        content = template_content("opat").model_dump(mode="json")
        content["discharge_criteria"] = [
            {"text": "CRP sjunker tydligt", "rule": "crp_below_50"},
            "Linan borttagen",
        ]
        made = client.post(
            "/api/v1/care-plans",
            json={"episode_id": str(world.episode.id), "content": content},
            headers=auth(session, world.physician),
        )
        assert made.status_code == 201, made.text
        assert made.json()["version"]["content"]["discharge_criteria"][0] == "CRP sjunker tydligt"
        client.post(
            "/fhir/R4/Observation",
            json=crp_observation(world, 30, ago(hours=1)),
            headers={**auth(session, world.nurse), **FHIR},
        )
        found = client.get(
            f"/api/v1/episodes/{world.episode.id}/discharge-criteria",
            headers=auth(session, world.physician),
        ).json()
        assert found[0]["status"] == "met"
        assert found[0]["rules"][0]["rule"] == "crp_below_50"
        assert found[1] == {
            "criterion": "Linan borttagen",
            "data": False,
            "status": None,
            "rules": [],
        }
        hidden = client.get(
            f"/api/v1/episodes/{world.episode.id}/discharge-criteria",
            headers=auth(session, world.outsider),
        )
        assert hidden.status_code == 404
