"""Fuzz every operation of the app's own OpenAPI document (schemathesis): no input gives a 5xx.

The app runs on the test database (rolled back afterwards). Requests are sent by a logged-in
physician or auditor, and half of the generated cases are pointed at records that exist (a
patient in the caller's care, an open episode), so the fuzzing reaches past the 404s.
The run is bounded and derandomised: the same cases every time, a few seconds per operation.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from sqlalchemy.orm import Session, sessionmaker

from samband.app import create_app
from samband.pathways.definition import registry
from tests.factories import (
    auth,
    make_episode,
    make_organisation,
    make_patient,
    make_unit,
    make_user,
)


@dataclass
class World:
    """What the fuzzed requests may point at, and whom they are sent as."""

    ids: dict[str, str]
    headers: list[dict[str, str]]


@pytest.fixture
def world(session: Session) -> World:
    clinic = make_organisation(session, code="FUZZ-CLINIC")
    unit = make_unit(session, clinic, code="FUZZ-WARD", beds=2)
    physician = make_user(session, clinic, role="physician", unit=unit, username="fuzz.physician")
    auditor = make_user(session, clinic, role="auditor", username="fuzz.auditor")
    patient = make_patient(session, registered_by=physician)
    episode = make_episode(session, patient, unit=unit, physician=physician, care_contact=physician)
    ids = {
        "patient_id": str(patient.id),
        "episode_id": str(episode.id),
        "organisation_id": str(clinic.id),
        "unit_id": str(unit.id),
        "user_id": str(physician.id),
        "pathway": "opat",
        "checklist_key": registry()["opat"].checklist[0].key,
    }
    headers = [auth(session, physician), auth(session, auditor)]
    session.commit()
    return World(ids=ids, headers=headers)


# The schema is read once, from an app whose database is set per test (below): every
# operation is its own pytest test, on its own rolled-back transaction.
app = create_app(database_url="sqlite://")
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.fixture(autouse=True)
def _app_on_the_test_database(session_factory: sessionmaker[Session]) -> Iterator[None]:
    previous = app.state.sessionmaker
    app.state.sessionmaker = session_factory
    yield
    app.state.sessionmaker = previous


def _coin(case: Any, salt: str) -> int:
    """0 or 1, fixed by the case's content, so a failing case replays the same way when
    Hypothesis shrinks it (Python's hash() would change between runs)."""
    text = repr((salt, case.path_parameters, case.query, case.body))
    return zlib.crc32(text.encode()) % 2


def _point_at_real_records(case: Any, ids: dict[str, str]) -> None:
    for name in list(case.path_parameters or {}):
        if name == "key":
            on_checklist = "/checklist/" in case.path
            case.path_parameters[name] = ids["checklist_key" if on_checklist else "pathway"]
        elif name in ids:
            case.path_parameters[name] = ids[name]
    for values in (case.body, case.query):
        if isinstance(values, dict):
            for name in list(values):
                if name in ids:
                    values[name] = ids[name]


@schema.parametrize()
@settings(
    max_examples=15,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_input_gives_a_server_error(case: Any, world: World) -> None:
    if _coin(case, "real records"):
        _point_at_real_records(case, world.ids)
    headers = dict(world.headers[_coin(case, "user")])
    if case.headers and "authorization" in {k.lower() for k in case.headers}:
        headers = {}  # the case tests its own (broken) credentials
    case.call_and_validate(headers=headers, checks=[not_a_server_error])


def test_the_fuzzed_schema_covers_the_api() -> None:
    """Guard against fuzzing nothing: the schema holds the core operations."""
    paths = set(schema.raw_schema["paths"])
    assert {"/api/v1/patients", "/api/v1/patients/{patient_id}", "/api/v1/auth/token"} <= paths
