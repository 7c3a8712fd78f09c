"""What the race tests share: a migrated database of their own, committed, as the service
connects to it (on PostgreSQL a fresh database ``<test database>_<suffix>`` used as the
service's role; otherwise a SQLite file), and calls run in threads released together."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from samband import migrate
from samband.db import make_engine
from tests.conftest import APP_ROLE, postgres_admin

PG_URL = os.environ.get("SAMBAND_TEST_DATABASE_URL", "")


def own_database(tmp_path_factory: pytest.TempPathFactory, suffix: str) -> Iterator[Engine]:
    """For a module-scoped fixture: ``yield from own_database(tmp_path_factory, "x")``."""
    if PG_URL.startswith("postgresql"):
        name = f"{make_url(PG_URL).database}_{suffix}"
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
    path = tmp_path_factory.mktemp(suffix) / "race.db"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        migrate.upgrade(connection=connection)
    yield engine
    engine.dispose()


def together(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released at the same moment; their results in order (an
    exception a call raised is its result)."""
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
