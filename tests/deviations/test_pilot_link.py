"""A deviation linked to a pilot's barrier log (issue 14): the barrier entry is made through
the pilots' own service (their rules: pilot:write and taking part), without the deviation's
text, and its id is kept on the deviation."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.kit.time import local_today
from samband.models import PilotLogEntry
from samband.pilots import service as pilots
from samband.pilots.schemas import PilotCreate
from samband.security import service as security
from samband.security.context import AccessLog, Context
from tests.deviations.helpers import World, build, report_body
from tests.factories import auth


def a_pilot(session: Session, world: World) -> Any:
    session.refresh(world.clinic_coordinator)
    ctx = Context(
        session=session, actor=security.actor_of(world.clinic_coordinator), log=AccessLog()
    )
    today = local_today()
    pilot = pilots.create(
        ctx,
        PilotCreate(
            name="Tidig hemgång OPAT",
            purpose="Fler patienter hem tidigare",
            period_start=today - timedelta(days=30),
            period_end=today + timedelta(days=30),
            comparison_kind="period",  # type: ignore[arg-type]
            comparison_start=today - timedelta(days=400),
            comparison_end=today - timedelta(days=340),
            assumptions=["Läkemedlen följer med hem"],
        ),
    )
    session.flush()
    return pilot


def reported(client: TestClient, session: Session, world: World) -> str:
    made = client.post(
        "/api/v1/deviations", json=report_body(world), headers=auth(session, world.home_nurse)
    )
    assert made.status_code == 201
    found: str = made.json()["id"]
    return found


LINK = {
    "classification": "structure",
    "description": "Läkemedelslistan följer inte med vid hemgång: ingen fast rutin.",
}


class TestPilotLink:
    def test_logged_as_a_barrier_without_patient_data(
        self, client: TestClient, session: Session
    ) -> None:
        world = build(session)
        pilot = a_pilot(session, world)
        deviation = reported(client, session, world)

        answer = client.post(
            f"/api/v1/deviations/{deviation}/pilot-link",
            json={"pilot_id": str(pilot.id), **LINK},
            headers=auth(session, world.clinic_nurse),
        )

        assert answer.status_code == 200, answer.text
        entry_id = answer.json()["pilot_log_entry_id"]
        entry = session.scalar(select(PilotLogEntry).where(PilotLogEntry.pilot_id == pilot.id))
        assert entry is not None
        assert str(entry.id) == entry_id
        assert entry.kind == "barrier"
        assert entry.classification == "structure"
        assert entry.description.startswith(LINK["description"])
        assert answer.json()["reference"] in entry.description
        assert world.patient.family_name not in entry.description
        assert "kvällsdosen" not in entry.description  # the deviation's own text stays
        assert answer.json()["history"][-1]["event"] == "pilot_linked"
        twice = client.post(
            f"/api/v1/deviations/{deviation}/pilot-link",
            json={"pilot_id": str(pilot.id), **LINK},
            headers=auth(session, world.clinic_nurse),
        )
        assert twice.status_code == 409
        assert twice.json()["code"] == "deviation.pilot_linked"

    def test_a_pilot_of_another_organisation_is_not_found_and_nothing_is_linked(
        self, client: TestClient, session: Session
    ) -> None:
        world = build(session)
        pilot = a_pilot(session, world)  # the clinic's
        deviation = reported(client, session, world)

        answer = client.post(
            f"/api/v1/deviations/{deviation}/pilot-link",
            json={"pilot_id": str(pilot.id), **LINK},
            headers=auth(session, world.home_nurse),  # the municipality takes no part
        )

        assert answer.status_code == 404
        assert session.scalars(select(PilotLogEntry)).all() == []
        seen = client.get(
            f"/api/v1/deviations/{deviation}", headers=auth(session, world.home_nurse)
        )
        assert seen.json()["pilot_log_entry_id"] is None

    def test_an_outsider_cannot_link_the_deviation(
        self, client: TestClient, session: Session
    ) -> None:
        world = build(session)
        pilot = a_pilot(session, world)
        deviation = reported(client, session, world)

        answer = client.post(
            f"/api/v1/deviations/{deviation}/pilot-link",
            json={"pilot_id": str(pilot.id), **LINK},
            headers=auth(session, world.outsider_nurse),
        )

        assert answer.status_code == 404
        assert session.scalars(select(PilotLogEntry)).all() == []


class TestPilotLinkRefusesPatientData:
    def test_a_personnummer_in_the_barrier_text_is_refused_and_nothing_is_written(
        self, client: TestClient, session: Session
    ) -> None:
        world = build(session)
        pilot = a_pilot(session, world)
        deviation = reported(client, session, world)

        answer = client.post(
            f"/api/v1/deviations/{deviation}/pilot-link",
            json={
                "pilot_id": str(pilot.id),
                "classification": "structure",
                "description": "Gällde 19121212-1212, listan saknades",
            },
            headers=auth(session, world.clinic_nurse),
        )

        assert answer.status_code == 422, answer.text
        assert answer.json()["field"] == "description", answer.json()
        assert (
            session.scalar(select(PilotLogEntry).where(PilotLogEntry.pilot_id == pilot.id)) is None
        )
        read = client.get(
            f"/api/v1/deviations/{deviation}", headers=auth(session, world.clinic_nurse)
        )
        assert read.json()["pilot_log_entry_id"] is None
