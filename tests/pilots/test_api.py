"""The pilots API (pilots/): create, read, list, log, assumptions; refusals write nothing."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from samband.models import Organisation, Pilot, PilotLogEntry, User
from tests.factories import auth, make_municipality, make_organisation, make_user


@dataclass
class World:
    clinic: Organisation
    municipality: Organisation
    nurse: User
    coordinator: User
    analyst: User
    assistant: User
    outsider: User
    partner: User


@pytest.fixture
def world(session: Session) -> World:
    clinic = make_organisation(session)
    municipality = make_municipality(session)
    other = make_organisation(session)
    return World(
        clinic=clinic,
        municipality=municipality,
        nurse=make_user(session, clinic),
        coordinator=make_user(session, clinic, role="coordinator"),
        analyst=make_user(session, clinic, role="analyst"),
        assistant=make_user(session, clinic, role="assistant_nurse"),
        outsider=make_user(session, other, role="physician"),
        partner=make_user(session, municipality, role="registered_nurse"),
    )


def body(w: World, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Hjärtsvikt hemma 2030",
        "purpose": "Pröva tidig utskrivning för hjärtsvikt med kommunens hemsjukvård",
        "organisations": [w.municipality.code],
        "pathways": ["heart-failure"],
        "period_start": "2030-01-01",
        "period_end": "2030-06-30",
        "comparison_kind": "period",
        "comparison_start": "2029-01-01",
        "comparison_end": "2029-06-30",
        "assumptions": [
            "Kommunens sjuksköterskor kan ge diuretika i.v.",
            "Patienterna känner sig trygga",
        ],
    }
    data.update(changes)
    return data


def create(client: TestClient, session: Session, w: World) -> dict[str, Any]:
    response = client.post("/api/v1/pilots", json=body(w), headers=auth(session, w.nurse))
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


class TestCreateAndRead:
    def test_created_with_scope_and_assumptions(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        pilot = create(client, session, world)

        assert pilot["organisations"] == [world.clinic.code, world.municipality.code]
        assert [a["status"] for a in pilot["assumptions"]] == ["open", "open"]
        assert pilot["created_by_id"] == str(world.nurse.id)
        read = client.get(f"/api/v1/pilots/{pilot['id']}", headers=auth(session, world.analyst))
        assert read.status_code == 200
        assert read.json()["name"] == "Hjärtsvikt hemma 2030"

    def test_partner_organisation_sees_it_in_its_list(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        pilot = create(client, session, world)

        listed = client.get("/api/v1/pilots", headers=auth(session, world.partner)).json()

        assert [p["id"] for p in listed] == [pilot["id"]]

    def test_comparison_unit(self, client: TestClient, session: Session, world: World) -> None:
        data = body(world, comparison_kind="unit", comparison_organisation=world.municipality.code)
        del data["comparison_start"], data["comparison_end"]

        response = client.post(
            "/api/v1/pilots", json=data, headers=auth(session, world.coordinator)
        )

        assert response.status_code == 201, response.text
        assert response.json()["comparison_organisation"] == world.municipality.code


class TestRefusals:
    @pytest.mark.parametrize("who", ["analyst", "assistant"])
    def test_role_may_not_create(
        self, client: TestClient, session: Session, world: World, who: str
    ) -> None:
        before = count(session, Pilot)

        response = client.post(
            "/api/v1/pilots", json=body(world), headers=auth(session, getattr(world, who))
        )

        assert response.status_code == 403
        assert count(session, Pilot) == before

    @pytest.mark.parametrize(
        "changes",
        [
            {"period_end": "2029-01-01"},
            {"comparison_start": None},
            {"organisations": ["NOPE"]},
            {"name": ""},
        ],
    )
    def test_bad_pilot_is_422(
        self, client: TestClient, session: Session, world: World, changes: dict[str, Any]
    ) -> None:
        before = count(session, Pilot)

        response = client.post(
            "/api/v1/pilots", json=body(world, **changes), headers=auth(session, world.nurse)
        )

        assert response.status_code == 422
        assert count(session, Pilot) == before

    @pytest.mark.parametrize(
        ("changes", "code"),
        [
            ({"period_end": "2029-01-01"}, "pilot.period_reversed"),
            ({"comparison_start": None}, "pilot.comparison_period_missing"),
            ({"comparison_end": "2028-01-01"}, "pilot.comparison_reversed"),
            ({"comparison_kind": "unit"}, "pilot.comparison_unit_missing"),
        ],
    )
    def test_bad_periods_answer_their_code(
        self,
        client: TestClient,
        session: Session,
        world: World,
        changes: dict[str, Any],
        code: str,
    ) -> None:
        response = client.post(
            "/api/v1/pilots", json=body(world, **changes), headers=auth(session, world.nurse)
        )

        assert response.status_code == 422
        assert [e["code"] for e in response.json()["errors"]] == [code]

    def test_unknown_pilot_is_404(self, client: TestClient, session: Session, world: World) -> None:
        headers = auth(session, world.nurse)
        url = f"/api/v1/pilots/{uuid.uuid4()}"

        assert client.get(url, headers=headers).status_code == 404
        entry = {
            "kind": "barrier",
            "classification": "culture",
            "description": "x",
            "occurred_on": "2030-02-01",
        }
        assert client.post(f"{url}/log", json=entry, headers=headers).status_code == 404

    def test_other_organisation_can_neither_see_nor_edit(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        pilot = create(client, session, world)
        headers = auth(session, world.outsider)
        url = f"/api/v1/pilots/{pilot['id']}"
        entry = {
            "kind": "barrier",
            "classification": "culture",
            "description": "x",
            "occurred_on": "2030-02-01",
        }

        assert client.get(url, headers=headers).status_code == 404
        assert client.post(f"{url}/log", json=entry, headers=headers).status_code == 404
        assert client.get("/api/v1/pilots", headers=headers).json() == []
        assert count(session, PilotLogEntry) == 0


class TestLogAndAssumptions:
    def test_log_entry_classified(self, client: TestClient, session: Session, world: World) -> None:
        pilot = create(client, session, world)
        entry = {
            "kind": "barrier",
            "classification": "structure",
            "description": "Journalsystemen kan inte läsa varandras anteckningar",
            "action_taken": "Gemensam rondanteckning i Samband",
            "occurred_on": "2030-02-03",
        }

        response = client.post(
            f"/api/v1/pilots/{pilot['id']}/log", json=entry, headers=auth(session, world.partner)
        )

        assert response.status_code == 201, response.text
        assert response.json()["recorded_by_id"] == str(world.partner.id)
        read = client.get(f"/api/v1/pilots/{pilot['id']}", headers=auth(session, world.nurse))
        assert [e["classification"] for e in read.json()["log"]] == ["structure"]

    def test_bad_classification_is_422_and_writes_nothing(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        pilot = create(client, session, world)
        entry = {
            "kind": "barrier",
            "classification": "economy",
            "description": "x",
            "occurred_on": "2030-02-01",
        }

        response = client.post(
            f"/api/v1/pilots/{pilot['id']}/log", json=entry, headers=auth(session, world.nurse)
        )

        assert response.status_code == 422
        assert "classification" in response.text
        assert count(session, PilotLogEntry) == 0

    def test_analyst_may_not_log(self, client: TestClient, session: Session, world: World) -> None:
        pilot = create(client, session, world)
        entry = {
            "kind": "observation",
            "classification": "practice",
            "description": "x",
            "occurred_on": "2030-02-01",
        }

        response = client.post(
            f"/api/v1/pilots/{pilot['id']}/log", json=entry, headers=auth(session, world.analyst)
        )

        assert response.status_code == 403
        assert count(session, PilotLogEntry) == 0

    def test_assumption_confirmed_with_note(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        pilot = create(client, session, world)
        first = pilot["assumptions"][0]["id"]
        url = f"/api/v1/pilots/{pilot['id']}/assumptions/{first}"

        response = client.patch(
            url,
            json={"status": "refuted", "note": "Kräver delegering"},
            headers=auth(session, world.coordinator),
        )
        bad = client.patch(url, json={"status": "maybe"}, headers=auth(session, world.coordinator))
        unknown = client.patch(
            f"/api/v1/pilots/{pilot['id']}/assumptions/{uuid.uuid4()}",
            json={"status": "confirmed"},
            headers=auth(session, world.coordinator),
        )

        assert response.status_code == 200, response.text
        assert response.json()["status"] == "refuted"
        assert response.json()["updated_by_id"] == str(world.coordinator.id)
        assert bad.status_code == 422
        assert unknown.status_code == 404

    def test_next_iteration(self, client: TestClient, session: Session, world: World) -> None:
        pilot = create(client, session, world)

        response = client.patch(
            f"/api/v1/pilots/{pilot['id']}",
            json={"next_iteration": "Delegering före start"},
            headers=auth(session, world.nurse),
        )

        assert response.status_code == 200
        assert response.json()["next_iteration"] == "Delegering före start"
