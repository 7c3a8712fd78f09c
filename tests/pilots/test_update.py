"""Editing a pilot through the API (issue 14): every field, checked as it stands after the
change; adding assumptions; the organisations taking part may edit, nobody else."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from samband.models import Pilot, PilotAssumption
from tests.factories import auth
from tests.pilots.support import World, count, make_pilot, make_world


@pytest.fixture
def world(session: Session) -> World:
    return make_world(session)


def patch(client: TestClient, session: Session, user: Any, pilot: Pilot, **body: Any) -> Any:
    return client.patch(f"/api/v1/pilots/{pilot.id}", json=body, headers=auth(session, user))


class TestEdit:
    def test_every_field_may_change(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        pilot = make_pilot(session, world, finished=False)

        response = patch(
            client,
            session,
            world.nurse,
            pilot,
            name="KOL hemma",
            pathways=["copd"],
            episode_types=["admission_avoidance"],
            units=["AVD-1"],
            period_start="2031-01-01",
            period_end="2031-03-31",
            comparison_kind="unit",
            comparison_organisation=world.other.code,
            organisations=[world.other.code],
        )

        assert response.status_code == 200, response.text
        body = response.json()
        assert body["name"] == "KOL hemma"
        assert body["pathways"] == ["copd"]
        assert body["episode_types"] == ["admission_avoidance"]
        assert body["units"] == ["AVD-1"]
        assert (body["period_start"], body["period_end"]) == ("2031-01-01", "2031-03-31")
        assert body["comparison_kind"] == "unit"
        assert body["comparison_organisation"] == world.other.code
        assert body["comparison_start"] is None
        # the pilot's own organisation stays first; the municipality was left out
        assert body["organisations"] == [world.clinic.code, world.other.code]
        assert body["updated_by_id"] == str(world.nurse.id)

    def test_a_participating_organisation_keeps_itself_and_the_owner(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        pilot = make_pilot(session, world, finished=False)

        response = patch(client, session, world.partner, pilot, organisations=[])

        assert response.status_code == 200, response.text
        assert response.json()["organisations"] == [world.clinic.code, world.municipality.code]

    @pytest.mark.parametrize(
        ("body", "code"),
        [
            ({"period_end": "2000-01-01"}, "pilot.period_reversed"),
            ({"comparison_kind": "unit"}, "pilot.comparison_unit_missing"),
            ({"comparison_end": "1990-01-01"}, "pilot.comparison_reversed"),
            ({"name": None}, "pilot.name_missing"),
            ({"purpose": None}, "pilot.purpose_missing"),
            ({"period_start": None}, "pilot.period_missing"),
            ({"organisations": ["NOPE"]}, "pilot.organisations_unknown"),
            ({"comparison_organisation": "NOPE"}, "pilot.organisations_unknown"),
        ],
    )
    def test_a_bad_change_is_422_and_nothing_changes(
        self,
        client: TestClient,
        session: Session,
        world: World,
        body: dict[str, Any],
        code: str,
    ) -> None:
        pilot = make_pilot(session, world, finished=False)
        before = (pilot.name, pilot.period_end, pilot.comparison_kind, len(pilot.organisations))

        response = patch(client, session, world.nurse, pilot, **body)

        assert response.status_code == 422, response.text
        assert response.json()["code"] == code
        session.expire_all()
        again = session.get(Pilot, pilot.id)
        assert again is not None
        after = (again.name, again.period_end, again.comparison_kind, len(again.organisations))
        assert after == before

    @pytest.mark.parametrize("who", ["analyst", "assistant"])
    def test_roles_without_pilot_write_are_403(
        self, client: TestClient, session: Session, world: World, who: str
    ) -> None:
        pilot = make_pilot(session, world, finished=False)

        response = patch(client, session, getattr(world, who), pilot, name="Nej")

        assert response.status_code == 403


class TestAssumptions:
    def test_added_open_and_last(self, client: TestClient, session: Session, world: World) -> None:
        pilot = make_pilot(session, world, finished=False)

        response = client.post(
            f"/api/v1/pilots/{pilot.id}/assumptions",
            json={"text": "Närstående avlastas"},
            headers=auth(session, world.partner),
        )

        assert response.status_code == 201, response.text
        assert response.json()["status"] == "open"
        read = client.get(f"/api/v1/pilots/{pilot.id}", headers=auth(session, world.nurse))
        assert [a["text"] for a in read.json()["assumptions"]] == [
            "Kommunens sjuksköterskor kan ge diuretika i.v.",
            "Närstående avlastas",
        ]

    def test_empty_text_is_422(self, client: TestClient, session: Session, world: World) -> None:
        pilot = make_pilot(session, world, finished=False)
        before = count(session, PilotAssumption)

        response = client.post(
            f"/api/v1/pilots/{pilot.id}/assumptions",
            json={"text": "  "},
            headers=auth(session, world.nurse),
        )

        assert response.status_code == 422
        assert count(session, PilotAssumption) == before

    def test_unknown_pilot_is_404(self, client: TestClient, session: Session, world: World) -> None:
        response = client.post(
            f"/api/v1/pilots/{uuid.uuid4()}/assumptions",
            json={"text": "x"},
            headers=auth(session, world.nurse),
        )

        assert response.status_code == 404
