"""Two bookings of a slot's last place at the same moment, on two real connections: one is
made, the other refused as full (the slot's row is locked while its places are counted:
SELECT … FOR UPDATE on PostgreSQL, BEGIN IMMEDIATE on SQLite). A database of its own for the
module, committed, as tests/messaging/test_race.py does."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from samband.app import create_app
from samband.db import make_sessionmaker
from samband.kit.time import local_today
from samband.models import SlotBooking, Visit
from tests.factories import (
    auth,
    make_episode,
    make_municipality,
    make_organisation,
    make_patient,
    make_unit,
    make_user,
)
from tests.races import own_database, together


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    yield from own_database(tmp_path_factory, "physicianvisits_race")


def test_two_bookings_of_the_last_place_make_one(database: Engine) -> None:
    factory: sessionmaker[Session] = make_sessionmaker(database)
    with factory() as session:
        municipality = make_municipality(session, authority_name="Racetorps kommun")
        unit = make_unit(session, municipality)
        nurses = [make_user(session, municipality, unit=unit) for _ in range(2)]
        centre = make_organisation(session, kind="primary_care_centre")
        physician = make_user(session, centre, role="physician")
        patients = []
        for nurse in nurses:
            patient = make_patient(session, registered_by=nurse, latitude=60.6, longitude=15.6)
            episode = make_episode(
                session, patient, unit=unit, state="at_home", participants={centre: "primary_care"}
            )
            episode.shared_records_consent = True
            patients.append(patient.id)
        headers = [auth(session, nurse) for nurse in nurses]
        slot_headers = auth(session, physician)
        session.commit()

    app = create_app(session_factory=factory)
    day = (local_today() + timedelta(days=1)).isoformat()
    with TestClient(app, raise_server_exceptions=False) as client:
        slot = client.post(
            "/api/v1/physician-slots",
            json={
                "physician_id": str(physician.id),
                "weekdays": [1, 2, 3, 4, 5, 6, 7],
                "start_time": "11:00",
                "end_time": "12:00",
                "book_by": "08:30",
                "capacity": 1,
                "valid_from": local_today().isoformat(),
                "start_location": {"lat": 60.6, "lon": 15.63},
            },
            headers=slot_headers,
        )
        assert slot.status_code == 201, slot.text
        slot_id = slot.json()["id"]

        def book(index: int) -> Any:
            return client.post(
                f"/api/v1/physician-slots/{slot_id}/bookings",
                json={"date": day, "patient_id": str(patients[index])},
                headers=headers[index],
            )

        answers = together(lambda: book(0), lambda: book(1))

    statuses = sorted(a.status_code for a in answers)
    assert statuses == [201, 409], [a.text for a in answers]
    refused = next(a for a in answers if a.status_code == 409)
    assert refused.json()["code"] == "physicianvisit.slot_full"
    with factory() as session:
        assert len(session.scalars(select(SlotBooking)).all()) == 1
        assert len(session.scalars(select(Visit).where(Visit.source == "booking")).all()) == 1
