"""Two first messages about a patient at the same moment, on two real connections: one thread,
both messages in it (the unique constraint on patient, topic and topic id decides; the second
insert skips and finds the first's thread). A database of its own for the module, committed,
as tests/security/test_concurrency.py does."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from samband import migrate
from samband.app import create_app
from samband.db import make_engine, make_sessionmaker
from samband.models import Message, MessageThread
from tests.conftest import APP_ROLE, postgres_admin
from tests.factories import (
    auth,
    make_episode,
    make_municipality,
    make_patient,
    make_unit,
    make_user,
)

PG_URL = os.environ.get("SAMBAND_TEST_DATABASE_URL", "")


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    if PG_URL.startswith("postgresql"):
        name = f"{make_url(PG_URL).database}_messaging_race"
        with postgres_admin(PG_URL) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
        owner_url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
        migrate.upgrade_and_grant(owner_url, APP_ROLE)
        app_url = make_url(owner_url).set(username=APP_ROLE, password=None)
        engine = make_engine(app_url.render_as_string(hide_password=False))
        yield engine
        engine.dispose()
        with postgres_admin(PG_URL) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        return
    path: Path = tmp_path_factory.mktemp("messaging") / "race.db"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        migrate.upgrade(connection=connection)
    yield engine
    engine.dispose()


def together(*calls: Callable[[], Any]) -> list[Any]:
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - the test looks at it
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_two_first_messages_make_one_thread(database: Engine) -> None:
    factory: sessionmaker[Session] = make_sessionmaker(database)
    with factory() as session:
        municipality = make_municipality(session, authority_name="Racetorps kommun")
        unit = make_unit(session, municipality)
        nurses = [make_user(session, municipality, unit=unit) for _ in range(2)]
        patient = make_patient(session, registered_by=nurses[0])
        make_episode(session, patient, unit=unit, state="at_home")
        headers = [auth(session, nurse) for nurse in nurses]
        session.commit()
        patient_id = patient.id

    app = create_app(session_factory=factory)
    with TestClient(app, raise_server_exceptions=False) as client:

        def send(index: int) -> Any:
            return client.post(
                f"/api/v1/patients/{patient_id}/messages",
                json={"body": f"Överlämning {index}", "kind": "handover"},
                headers=headers[index],
            )

        answers = together(lambda: send(0), lambda: send(1))

    assert [a.status_code for a in answers] == [201, 201], [a.text for a in answers]
    assert answers[0].json()["thread_id"] == answers[1].json()["thread_id"]
    with factory() as session:
        threads = session.scalars(
            select(MessageThread).where(MessageThread.patient_id == patient_id)
        ).all()
        assert len(threads) == 1
        bodies = session.scalars(select(Message.body).where(Message.thread_id == threads[0].id))
        assert sorted(bodies) == ["Överlämning 0", "Överlämning 1"]
