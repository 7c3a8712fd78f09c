"""The hidden check of issue 14's samples and results, end to end through the API: a CRP
result posted as a FHIR Observation appears on the round, and the criterion "CRP falling"
follows it (120, then 80: met; then 95: not met)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from fhir.resources.R4B.observation import Observation
from sqlalchemy.orm import Session

from tests.factories import auth
from tests.labresults.world import ago, build, crp_observation

FHIR = {"Content-Type": "application/fhir+json"}


def _round_patient(client: TestClient, headers: dict[str, str], world: Any) -> dict[str, Any]:
    answer = client.get(f"/api/v1/rounds?unit_id={world.ward.id}", headers=headers)
    assert answer.status_code == 200, answer.text
    [patient] = [p for p in answer.json()["patients"] if p["episode_id"] == str(world.episode.id)]
    return patient


def _crp_criterion(patient: dict[str, Any]) -> dict[str, Any]:
    [criterion] = [c for c in patient["discharge_criteria"] if "CRP" in c["criterion"]]
    [rule] = [r for r in criterion["rules"] if r["rule"] == "crp_falling"]
    return {"criterion": criterion, "rule": rule}


class TestCrpFallingOnTheRound:
    def test_a_fhir_crp_appears_on_the_round_and_the_criterion_follows_it(
        self, client: TestClient, session: Session
    ) -> None:
        world = build(session)
        lab = {**auth(session, world.nurse), **FHIR}
        physician = auth(session, world.physician)

        # before any result: not enough data
        before = _crp_criterion(_round_patient(client, physician, world))
        assert before["rule"]["status"] == "not_enough_data"
        assert before["criterion"]["data"] is True

        first = client.post(
            "/fhir/R4/Observation", json=crp_observation(world, 120, ago(hours=44)), headers=lab
        )
        assert first.status_code == 201, first.text
        Observation.model_validate(first.json())  # a valid R4 Observation back
        patient = _round_patient(client, physician, world)
        [crp] = [t for t in patient["lab_results"] if t["test"] == "crp"]
        assert [p["value"] for p in crp["results"]] == [120]
        assert crp["results"][0]["flag"] == "H"
        assert _crp_criterion(patient)["rule"]["status"] == "not_enough_data"

        second = client.post(
            "/fhir/R4/Observation", json=crp_observation(world, 80, ago(hours=2)), headers=lab
        )
        assert second.status_code == 201, second.text
        patient = _round_patient(client, physician, world)
        [crp] = [t for t in patient["lab_results"] if t["test"] == "crp"]
        assert [p["value"] for p in crp["results"]] == [120, 80]
        met = _crp_criterion(patient)
        assert met["rule"]["status"] == "met"
        assert "120" in met["rule"]["why"]
        assert "80" in met["rule"]["why"]

        third = client.post(
            "/fhir/R4/Observation", json=crp_observation(world, 95, ago(hours=1)), headers=lab
        )
        assert third.status_code == 201, third.text
        patient = _round_patient(client, physician, world)
        not_met = _crp_criterion(patient)
        assert not_met["rule"]["status"] == "not_met"
        assert "95" in not_met["rule"]["why"]
        # the criterion as a whole is not met (its afebrile part lacks data anyway)
        assert not_met["criterion"]["status"] == "not_met"

    def test_the_fhir_read_returns_the_result_as_a_valid_r4_observation(
        self, client: TestClient, session: Session
    ) -> None:
        world = build(session)
        lab = {**auth(session, world.nurse), **FHIR}
        posted = client.post(
            "/fhir/R4/Observation",
            json=crp_observation(world, 42, ago(hours=20), identifier="lab-1"),
            headers=lab,
        )
        assert posted.status_code == 201, posted.text
        result_id = posted.json()["id"]
        read = client.get(
            f"/fhir/R4/Observation/{result_id}", headers=auth(session, world.physician)
        )
        assert read.status_code == 200, read.text
        obs = Observation.model_validate(read.json())
        assert obs.category[0].coding[0].code == "laboratory"
        assert obs.code.coding[0].code == "1988-5"
        assert float(obs.valueQuantity.value) == 42
        assert obs.valueQuantity.code == "mg/L"
        assert obs.referenceRange[0].high.value == 5
        assert obs.interpretation[0].coding[0].code == "H"
        # the outsider gets 404
        hidden = client.get(
            f"/fhir/R4/Observation/{result_id}", headers=auth(session, world.outsider)
        )
        assert hidden.status_code == 404
        assert hidden.json()["resourceType"] == "OperationOutcome"
