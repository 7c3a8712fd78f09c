"""Two requests at the same moment, on two real connections (issue 10).

The rest of the suite runs each test inside one rolled-back transaction, which cannot show a
race. Here a fresh database is migrated for the module (a SQLite file, or on PostgreSQL a new
database as the owner, used by the service's role), the world is committed, and two threads
send their requests through the app together (a barrier releases them at once):

- two "flag candidate" calls for one patient: one episode, the other 409;
- two direct admissions for the last reserved bed: one bed taken, the other 409;
- two alert ticks: each missed measurement reported once;
- the same observation delivered twice with one client_id: stored once.

On SQLite no request may answer 503 "database not reachable": writers wait for each other.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from samband.alerts import periodic
from samband.app import create_app
from samband.db import make_sessionmaker
from samband.kit.time import utcnow
from samband.models import Alert, AlertCause, Episode, ObservationSet, ReservedBed
from tests.factories import (
    auth,
    make_episode,
    make_organisation,
    make_patient,
    make_unit,
    make_user,
)
from tests.races import own_database, together


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A migrated database of its own, as the service connects to it."""
    yield from own_database(tmp_path_factory, "concurrency")


@pytest.fixture
def factory(database: Engine) -> sessionmaker[Session]:
    return make_sessionmaker(database)


@dataclass
class World:
    unit_id: uuid.UUID
    ward_id: uuid.UUID
    nurse_headers: dict[str, str]
    other_nurse_headers: dict[str, str]
    physician_headers: dict[str, str]
    patient_id: uuid.UUID
    at_home: list[uuid.UUID]
    patients_at_home: list[uuid.UUID]


def _world(factory: sessionmaker[Session]) -> World:
    with factory() as session:
        clinic = make_organisation(session)
        unit = make_unit(session, clinic)
        ward = make_unit(session, clinic, beds=1)
        nurse = make_user(session, clinic, unit=unit)
        other_nurse = make_user(session, clinic, unit=unit)
        physician = make_user(session, clinic, role="physician", unit=unit)
        patient = make_patient(session)
        at_home, patients = [], []
        for _ in range(2):
            someone = make_patient(session)
            episode = make_episode(session, someone, unit=unit, state="at_home")
            episode.started_at = utcnow() - timedelta(hours=30)
            at_home.append(episode.id)
            patients.append(someone.id)
        world = World(
            unit_id=unit.id,
            ward_id=ward.id,
            nurse_headers=auth(session, nurse),
            other_nurse_headers=auth(session, other_nurse),
            physician_headers=auth(session, physician),
            patient_id=patient.id,
            at_home=at_home,
            patients_at_home=patients,
        )
        session.commit()
    return world


@pytest.fixture
def world(factory: sessionmaker[Session]) -> World:
    return _world(factory)


@pytest.fixture
def clients(factory: sessionmaker[Session]) -> Iterator[tuple[TestClient, TestClient]]:
    app = create_app(session_factory=factory)
    with TestClient(app, raise_server_exceptions=False) as one:
        two = TestClient(app, raise_server_exceptions=False)
        yield one, two


def test_two_flags_for_one_patient_make_one_episode(
    clients: tuple[TestClient, TestClient], factory: sessionmaker[Session], world: World
) -> None:
    one, two = clients
    body = {
        "patient_id": str(world.patient_id),
        "pathway": "opat",
        "type": "early_supported_discharge",
        "responsible_unit_id": str(world.unit_id),
        "reason": "IV antibiotics at home",
    }
    answers = together(
        lambda: one.post("/api/v1/episodes", json=body, headers=world.nurse_headers),
        lambda: two.post("/api/v1/episodes", json=body, headers=world.other_nurse_headers),
    )
    assert sorted(a.status_code for a in answers) == [201, 409], [a.text for a in answers]
    with factory() as session:
        count = session.scalar(
            select(func.count()).select_from(Episode).where(Episode.patient_id == world.patient_id)
        )
    assert count == 1


def test_two_admissions_for_the_last_reserved_bed(
    clients: tuple[TestClient, TestClient], factory: sessionmaker[Session], world: World
) -> None:
    one, two = clients

    def admit(client: TestClient, episode_id: uuid.UUID) -> Any:
        return client.post(
            f"/api/v1/episodes/{episode_id}/transitions",
            json={
                "to": "readmitted",
                "reason": "NEWS2 7",
                "ward_unit_id": str(world.ward_id),
                "use_reserved_bed": True,
            },
            headers=world.physician_headers,
        )

    answers = together(lambda: admit(one, world.at_home[0]), lambda: admit(two, world.at_home[1]))
    assert sorted(a.status_code for a in answers) == [200, 409], [a.text for a in answers]
    with factory() as session:
        beds = session.scalars(select(ReservedBed).where(ReservedBed.unit_id == world.ward_id))
        occupants = [bed.occupied_by_episode_id for bed in beds]
        states = [session.get(Episode, e).state for e in world.at_home]  # type: ignore[union-attr]
    assert len(occupants) == 1
    assert occupants[0] in world.at_home
    assert sorted(states) == ["at_home", "readmitted"]


def test_two_ticks_report_each_missed_measurement_once(
    factory: sessionmaker[Session], world: World
) -> None:
    now = utcnow()
    results = together(
        lambda: periodic.run_checks(factory, now), lambda: periodic.run_checks(factory, now)
    )
    assert all(not isinstance(r, Exception) for r in results), results
    with factory() as session:
        for episode_id in world.at_home:
            alerts = session.scalars(
                select(Alert).where(
                    Alert.episode_id == episode_id, Alert.kind == "missed_measurement"
                )
            ).all()
            assert len(alerts) == 1, episode_id
            expected = session.scalars(
                select(AlertCause.expected_at).where(AlertCause.alert_id == alerts[0].id)
            ).all()
            assert expected
            assert len(expected) == len(set(expected))


def test_one_client_id_delivered_twice_is_stored_once(
    clients: tuple[TestClient, TestClient], factory: sessionmaker[Session], world: World
) -> None:
    one, two = clients
    body = {
        "patient_id": str(world.patients_at_home[0]),
        "client_id": f"tablet-{uuid.uuid4()}",
        "measured_at": (utcnow() - timedelta(minutes=5)).isoformat(),
        "source": "device",
        "respiratory_rate": 16,
        "pulse": 72,
    }
    answers = together(
        lambda: one.post("/api/v1/observations", json=body, headers=world.nurse_headers),
        lambda: two.post("/api/v1/observations", json=body, headers=world.nurse_headers),
    )
    assert all(a.status_code in (200, 201) for a in answers), [a.text for a in answers]
    assert answers[0].json()["id"] == answers[1].json()["id"]
    with factory() as session:
        stored = session.scalar(
            select(func.count())
            .select_from(ObservationSet)
            .where(ObservationSet.client_id == body["client_id"])
        )
    assert stored == 1
