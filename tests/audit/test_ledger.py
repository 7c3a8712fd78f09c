"""Writing the access log keeps its hash chain whole: through the app, in large batches,
from two threads at once (SQLite), and the checkpoints the app and the CLI take."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from samband import migrate
from samband.app import create_app
from samband.audit import chain, integrity, ledger
from samband.db import make_engine, make_sessionmaker, unit_of_work
from samband.models import AuditChainHead, AuditEvent
from samband.security.context import AccessLog
from tests.factories import auth, make_organisation, make_patient, make_unit, make_user


def chain_of(session: Session) -> list[tuple[int | None, str | None, str | None]]:
    return [
        (r.seq, r.prev_hash, r.row_hash)
        for r in session.execute(
            select(AuditEvent.seq, AuditEvent.prev_hash, AuditEvent.row_hash).order_by(
                AuditEvent.seq
            )
        )
    ]


def write(session: Session, n: int) -> None:
    log = AccessLog()
    for _ in range(n):
        log.record(
            patient_id=uuid.uuid4(), action="create", resource_type="observation", allowed=True
        )
    log.write(session, None, method="POST", path="/api/v1/observations/batch", status_code=None)


class TestWriting:
    def test_requests_through_the_app_extend_one_chain(
        self, client: TestClient, session: Session
    ) -> None:
        hospital = make_organisation(session)
        nurse = make_user(session, hospital, unit=make_unit(session, hospital))
        patient = make_patient(session, registered_by=nurse)
        stranger = make_user(session, make_organisation(session, kind="primary_care_centre"))
        headers, other = auth(session, nurse), auth(session, stranger)
        session.commit()

        for path, who in [
            (f"/api/v1/patients/{patient.id}", headers),
            (f"/api/v1/patients/{patient.id}", other),  # no care relationship: denied, logged
            (f"/api/v1/patients/{uuid.uuid4()}", headers),
        ]:
            assert client.get(path, headers=who).status_code < 500

        seqs = [seq for seq, _, _ in chain_of(session)]
        assert len(seqs) >= 3
        assert seqs == list(range(1, len(seqs) + 1))
        report = integrity.verify(session)
        assert report.intact, report.problems
        assert report.head == chain.Head(
            len(seqs), chain_of(session)[-1][2], report.head.logged_at if report.head else None
        )

    def test_a_batch_of_a_thousand_entries_is_one_stretch_of_the_chain(
        self, session: Session
    ) -> None:
        write(session, 2)
        write(session, 1000)
        session.flush()

        links = chain_of(session)
        assert [seq for seq, _, _ in links] == list(range(1, 1003))
        assert all(b[1] == a[2] for a, b in zip(links, links[1:], strict=False))
        head = session.execute(select(AuditChainHead.seq, AuditChainHead.row_hash)).one()
        assert tuple(head) == (1002, links[-1][2])
        assert integrity.verify(session, batch=300).intact  # read back in batches

    def test_a_row_the_factories_add_around_the_chain_is_named(self, session: Session) -> None:
        from tests.factories import make_audit_event

        write(session, 2)
        stray = make_audit_event(session)

        report = integrity.verify(session)

        assert [(p.kind, p.seq, p.id) for p in report.problems] == [
            (chain.INSERTED, None, str(stray.id))
        ]


class TestTwoWritersAtOnce:
    """SQLite: two requests writing at once both succeed (BEGIN IMMEDIATE: they take turns)
    instead of one answering 503 "database not reachable"."""

    def test_two_threads_two_connections(self, tmp_path: Path) -> None:
        url = f"sqlite:///{tmp_path / 'two.db'}"
        engine = make_engine(url)
        with engine.begin() as connection:
            migrate.upgrade(connection=connection)
        factory = make_sessionmaker(engine)
        with unit_of_work(factory) as session:
            hospital = make_organisation(session)
            nurse = make_user(session, hospital, unit=make_unit(session, hospital))
            patient = make_patient(session, registered_by=nurse)
            headers = auth(session, nurse)
            path = f"/api/v1/patients/{patient.id}"
        app = create_app(session_factory=factory)
        start = threading.Barrier(2)
        statuses: list[int] = []

        def requests() -> None:
            client = TestClient(app, raise_server_exceptions=False)
            start.wait()
            for _ in range(15):
                statuses.append(client.get(path, headers=headers).status_code)

        threads = [threading.Thread(target=requests) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

        assert len(statuses) == 30
        assert set(statuses) == {200}
        with unit_of_work(factory) as session:
            assert session.scalar(select(func.count()).select_from(AuditEvent)) == 30
            assert integrity.verify(session).intact
        engine.dispose()


class TestCheckpoints:
    @pytest.fixture
    def factory(self, tmp_path: Path) -> Iterator[sessionmaker[Session]]:
        engine = make_engine(f"sqlite:///{tmp_path / 'cp.db'}")
        with engine.begin() as connection:
            migrate.upgrade(connection=connection)
        yield make_sessionmaker(engine)
        engine.dispose()

    def test_written_when_the_chain_moved(
        self, factory: sessionmaker[Session], tmp_path: Path
    ) -> None:
        folder = tmp_path / "checkpoints"
        with unit_of_work(factory) as session:
            write(session, 3)

        first = integrity.take_checkpoint(factory, folder)
        again = integrity.take_checkpoint(factory, folder)
        with unit_of_work(factory) as session:
            write(session, 2)
        later = integrity.take_checkpoint(factory, folder)

        assert first is not None
        assert first.seq == 3
        assert again is None  # nothing new
        assert later is not None
        assert later.seq == 5
        lines = (folder / "checkpoints.jsonl").read_text().splitlines()
        assert [json.loads(line)["seq"] for line in lines] == [3, 5]
        source = folder / "checkpoints.jsonl"
        assert integrity.read_checkpoints(integrity.checkpoint_files(folder)) == [
            dataclasses.replace(first, source=f"{source}:1"),
            dataclasses.replace(later, source=f"{source}:2"),
        ]

    def test_the_app_takes_them_in_the_background(
        self, factory: sessionmaker[Session], tmp_path: Path
    ) -> None:
        folder = tmp_path / "checkpoints"
        with unit_of_work(factory) as session:
            write(session, 4)

        async def run_briefly() -> None:
            task = asyncio.create_task(integrity.loop(factory, 0.001, folder))  # 60 ms
            for _ in range(100):
                await asyncio.sleep(0.05)
                if (folder / "checkpoints.jsonl").exists():
                    break
            task.cancel()

        asyncio.run(run_briefly())

        line = (folder / "checkpoints.jsonl").read_text().splitlines()[0]
        assert json.loads(line)["seq"] == 4

    def test_none_of_a_head_that_does_not_match_the_log(
        self, factory: sessionmaker[Session]
    ) -> None:
        with unit_of_work(factory) as session:
            write(session, 2)
            session.execute(text("DROP TRIGGER audit_chain_head_forward"))  # as the owner
            session.execute(ledger.HEADS.update().values(row_hash="f" * 64))
        with unit_of_work(factory) as session, pytest.raises(integrity.ChainBroken):
            integrity.current_checkpoint(session)
