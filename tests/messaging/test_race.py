"""Two first messages about a patient at the same moment, on two real connections: one thread,
both messages in it (the unique constraint on patient, topic and topic id decides; the second
insert skips and finds the first's thread). A database of its own for the module, committed,
as tests/security/test_concurrency.py does."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from samband.app import create_app
from samband.db import make_sessionmaker
from samband.models import Message, MessageThread
from tests.factories import (
    auth,
    make_episode,
    make_municipality,
    make_patient,
    make_unit,
    make_user,
)
from tests.races import own_database, together


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    yield from own_database(tmp_path_factory, "messaging_race")


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
