"""The job queue: a job deferred in a transaction runs only if it commits; a queueing lock
keeps one waiting; a periodic task is deferred once per slot however many processes ask;
a failing job is retried with backoff; on PostgreSQL procrastinate's own worker runs what
was deferred, and two runners at once run each job once."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from samband import migrate
from samband.db import make_engine, make_sessionmaker
from samband.jobs import local, queue
from samband.kit.time import utcnow
from tests.conftest import APP_ROLE, postgres_admin

PG_URL = os.environ.get("SAMBAND_TEST_DATABASE_URL", "")
CALLS: list[dict[str, Any]] = []
FAILS: dict[str, int] = {}


@queue.task("tests.record", max_attempts=3, backoff_seconds=1)
def record(_factory: sessionmaker[Session], **args: Any) -> None:
    key = str(args.get("key"))
    if FAILS.get(key, 0) > 0:
        FAILS[key] -= 1
        raise RuntimeError(f"failing on purpose ({key})")
    CALLS.append(args)


@queue.task("tests.slow", lane="slow")
def slow(_factory: sessionmaker[Session], **args: Any) -> None:
    CALLS.append({"slow": True, **args})


@pytest.fixture(autouse=True)
def _clean() -> Iterator[None]:
    CALLS.clear()
    FAILS.clear()
    yield
    queue.PERIODIC.pop("tests.record", None)


def waiting(session: Session) -> int:
    if queue.uses_procrastinate(session):
        query = "SELECT count(*) FROM procrastinate_jobs WHERE status = 'todo'"
    else:
        query = "SELECT count(*) FROM local_jobs WHERE status = 'todo'"
    return int(session.execute(text(query)).scalar_one())


class TestDefer:
    def test_a_job_runs_only_when_its_transaction_commits(
        self, session: Session, session_factory: sessionmaker[Session]
    ) -> None:
        before = waiting(session)
        savepoint = session.begin_nested()
        queue.defer(session, "tests.record", {"key": "rolled back"})
        savepoint.rollback()
        queue.defer(session, "tests.record", {"key": "kept"})

        assert waiting(session) == before + 1
        result = queue.run_pending(session_factory)
        assert [c["key"] for c in CALLS] == ["kept"]
        assert result.succeeded == 1

    def test_an_unknown_task_is_refused(self, session: Session) -> None:
        with pytest.raises(KeyError):
            queue.defer(session, "no.such.task", {})

    def test_a_queueing_lock_keeps_one_waiting(
        self, session: Session, session_factory: sessionmaker[Session]
    ) -> None:
        first = queue.defer(session, "tests.record", {"key": "a"}, queueing_lock="L1")
        second = queue.defer(session, "tests.record", {"key": "b"}, queueing_lock="L1")
        other = queue.defer(session, "tests.record", {"key": "c"}, queueing_lock="L2")

        assert (first, second, other) == (True, False, True)
        queue.run_pending(session_factory)
        assert sorted(c["key"] for c in CALLS) == ["a", "c"]
        assert queue.defer(session, "tests.record", {"key": "d"}, queueing_lock="L1")

    def test_a_job_scheduled_later_waits(
        self, session: Session, session_factory: sessionmaker[Session]
    ) -> None:
        queue.defer(session, "tests.record", {"key": "later"}, at=utcnow() + timedelta(hours=1))

        assert queue.run_pending(session_factory).ran == 0
        assert queue.run_pending(session_factory, now=utcnow() + timedelta(hours=2)).ran == 1
        assert [c["key"] for c in CALLS] == ["later"]


class TestRunning:
    def test_a_failing_job_is_retried_then_given_up(
        self, session: Session, session_factory: sessionmaker[Session]
    ) -> None:
        FAILS["flaky"] = 1
        FAILS["broken"] = 10
        queue.defer(session, "tests.record", {"key": "flaky"})
        queue.defer(session, "tests.record", {"key": "broken"})

        first = queue.run_pending(session_factory)
        later = [
            queue.run_pending(session_factory, now=utcnow() + timedelta(minutes=m))
            for m in (1, 2, 3)
        ]

        assert (first.retried, first.succeeded) == (2, 0)
        assert sum(r.succeeded for r in later) == 1
        assert sum(r.failed for r in later) == 1  # broken: 3 attempts, then given up
        assert [c["key"] for c in CALLS] == ["flaky"]

    def test_the_lanes_keep_a_slow_job_apart(
        self, session: Session, session_factory: sessionmaker[Session]
    ) -> None:
        queue.defer(session, "tests.slow", {"key": "solve"})
        queue.defer(session, "tests.record", {"key": "mail"})

        fast = queue.run_pending(session_factory, lanes=["fast"])
        assert [c["key"] for c in CALLS] == ["mail"]
        assert fast.ran == 1
        queue.run_pending(session_factory, lanes=["slow"])
        assert [c["key"] for c in CALLS] == ["mail", "solve"]

    def test_a_periodic_task_is_deferred_once_per_slot(
        self, session_factory: sessionmaker[Session]
    ) -> None:
        queue.periodic("tests.record", 30)
        at = utcnow().replace(second=5, microsecond=0)

        first = queue.defer_periodic(session_factory, at)
        again = queue.defer_periodic(session_factory, at + timedelta(seconds=10))
        next_slot = queue.defer_periodic(session_factory, at + timedelta(seconds=30))

        assert (first, again, next_slot) == (1, 0, 1)
        queue.run_pending(session_factory, now=at + timedelta(minutes=1))
        assert len(CALLS) == 2
        assert all("timestamp" in c for c in CALLS)

    def test_cron_of_an_interval(self) -> None:
        assert queue.Periodic("x", 30).cron == "* * * * * */30"
        assert queue.Periodic("x", 7).cron == "* * * * * */10"
        assert queue.Periodic("x", 300).cron == "*/5 * * * *"
        assert queue.Periodic("x", 3600).cron == "0 * * * *"

    def test_the_app_lane_runs_periodic_tasks_and_jobs(
        self, session: Session, session_factory: sessionmaker[Session]
    ) -> None:
        queue.periodic("tests.record", 3600)
        queue.defer(session, "tests.record", {"key": "queued"})

        local.tick(session_factory, "fast")

        assert sorted(str(c.get("key")) for c in CALLS) == ["None", "queued"]


# -- a database of its own: real connections, committed jobs ------------------------------------


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, str]]:
    if PG_URL.startswith("postgresql"):
        name = f"{make_url(PG_URL).database}_jobs"
        with postgres_admin(PG_URL) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
        owner_url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
        migrate.upgrade_and_grant(owner_url, APP_ROLE)
        app_url = make_url(owner_url).set(username=APP_ROLE, password=None)
        url = app_url.render_as_string(hide_password=False)
        engine = make_engine(url)
        yield engine, url
        engine.dispose()
        with postgres_admin(PG_URL) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        return
    path: Path = tmp_path_factory.mktemp("jobs") / "jobs.db"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    with engine.begin() as connection:
        migrate.upgrade(connection=connection)
    yield engine, url
    engine.dispose()


def test_two_runners_at_once_run_each_job_once(database: tuple[Engine, str]) -> None:
    engine, _url = database
    factory = make_sessionmaker(engine)
    with factory() as session, session.begin():
        for n in range(40):
            queue.defer(session, "tests.record", {"key": f"job{n}"})

    barrier = threading.Barrier(2)

    def runner() -> None:
        barrier.wait()
        queue.run_pending(factory)

    threads = [threading.Thread(target=runner) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    keys = [c["key"] for c in CALLS]
    assert sorted(keys) == sorted(f"job{n}" for n in range(40))


@pytest.mark.skipif(not PG_URL.startswith("postgresql"), reason="procrastinate: PostgreSQL")
def test_procrastinate_s_worker_runs_what_was_deferred(database: tuple[Engine, str]) -> None:
    from samband.jobs.worker import build_app

    engine, url = database
    factory = make_sessionmaker(engine)
    with factory() as session, session.begin():
        queue.defer(session, "tests.record", {"key": "by the worker"})

    app = build_app(url, factory)
    assert {"tests.record", "notifications.deliver", "alerts.tick"} <= set(app.tasks)
    app.run_worker(wait=False, install_signal_handlers=False, concurrency=2)

    assert [c["key"] for c in CALLS] == ["by the worker"]
    with factory() as session:
        assert waiting(session) == 0
