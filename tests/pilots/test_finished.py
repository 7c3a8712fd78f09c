"""Learning from another organisation's finished pilot (issue 14): readable once its period
has ended, never writable; a running pilot of another organisation stays "not found"."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from samband.models import Pilot, PilotAssumption, PilotLogEntry
from tests.factories import auth
from tests.pilots.support import World, count, log, make_pilot, make_world


@pytest.fixture
def world(session: Session) -> World:
    return make_world(session)


def finished_with_log(session: Session, w: World) -> Pilot:
    pilot = make_pilot(session, w, finished=True)
    log(session, w.nurse, pilot, kind="barrier", classification="structure", description="IT")
    log(session, w.nurse, pilot, kind="enabler", classification="culture", description="Tillit")
    log(session, w.nurse, pilot, kind="unintended_effect", valence="positive", description="Färre")
    log(session, w.nurse, pilot, kind="patient_story", told_by="patient", description="Hemma")
    return pilot


class TestFinishedList:
    def test_another_organisation_sees_the_finished_pilot(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        finished = finished_with_log(session, world)
        make_pilot(session, world, finished=False, name="Pågående")

        listed = client.get("/api/v1/pilots/finished", headers=auth(session, world.outsider))

        assert listed.status_code == 200
        rows = listed.json()
        assert [r["id"] for r in rows] == [str(finished.id)]
        assert rows[0]["purpose"] == finished.purpose
        assert rows[0]["assumptions"] == {"open": 1}
        assert rows[0]["log"] == {
            "barrier": 1,
            "enabler": 1,
            "unintended_effect": 1,
            "patient_story": 1,
        }

    def test_ones_own_finished_pilots_are_not_in_the_list_of_others(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        finished_with_log(session, world)

        for user in (world.nurse, world.partner):
            listed = client.get("/api/v1/pilots/finished", headers=auth(session, user))
            assert listed.json() == []

    def test_an_analyst_may_read_it(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        finished = finished_with_log(session, world)

        listed = client.get(
            "/api/v1/pilots/finished", headers=auth(session, world.outsider_analyst)
        )

        assert [r["id"] for r in listed.json()] == [str(finished.id)]


class TestReadOnly:
    def test_the_pilot_and_its_report_are_readable(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        pilot = finished_with_log(session, world)
        headers = auth(session, world.outsider)

        read = client.get(f"/api/v1/pilots/{pilot.id}", headers=headers)
        report = client.get(f"/api/v1/pilots/{pilot.id}/report", headers=headers)

        assert read.status_code == 200, read.text
        assert read.json()["finished"] is True
        assert read.json()["taking_part"] is False
        assert {e["kind"] for e in read.json()["log"]} == {
            "barrier",
            "enabler",
            "unintended_effect",
            "patient_story",
        }
        assert report.status_code == 200, report.text
        body = report.json()
        names = [i["name"] for i in body["indicators"]]
        assert "episodes_started" in names
        # aggregates only: no episode ids anywhere in the report
        assert "episodes" not in {k for i in body["indicators"] for k in i}

    def test_a_running_pilot_of_another_organisation_is_not_found(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        pilot = make_pilot(session, world, finished=False)
        headers = auth(session, world.outsider)

        assert client.get(f"/api/v1/pilots/{pilot.id}", headers=headers).status_code == 404
        assert client.get(f"/api/v1/pilots/{pilot.id}/report", headers=headers).status_code == 404

    @pytest.mark.parametrize(
        ("method", "path", "body"),
        [
            ("PATCH", "", {"purpose": "Kapat"}),
            (
                "POST",
                "/log",
                {
                    "kind": "barrier",
                    "classification": "culture",
                    "description": "x",
                    "occurred_on": "2030-01-01",
                },
            ),
            ("POST", "/assumptions", {"text": "Nytt"}),
        ],
    )
    def test_no_write_for_another_organisation(
        self,
        client: TestClient,
        session: Session,
        world: World,
        method: str,
        path: str,
        body: dict[str, Any],
    ) -> None:
        pilot = finished_with_log(session, world)
        before = (count(session, PilotLogEntry), count(session, PilotAssumption), pilot.purpose)

        response = client.request(
            method,
            f"/api/v1/pilots/{pilot.id}{path}",
            json=body,
            headers=auth(session, world.outsider),
        )

        assert response.status_code == 404
        session.expire_all()
        after = (
            count(session, PilotLogEntry),
            count(session, PilotAssumption),
            session.get(Pilot, pilot.id).purpose,  # type: ignore[union-attr]
        )
        assert after == before

    def test_the_organisations_taking_part_still_write_after_the_end(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        pilot = finished_with_log(session, world)

        response = client.patch(
            f"/api/v1/pilots/{pilot.id}",
            json={"next_iteration": "Delegering före start"},
            headers=auth(session, world.partner),
        )

        assert response.status_code == 200
        assert response.json()["taking_part"] is True
