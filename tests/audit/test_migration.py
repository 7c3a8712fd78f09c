"""Migration 0008 chains an access log that exists already, so a database made before it
(e.g. the demo's) upgrades cleanly and verifies."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import insert, select, table
from sqlalchemy.engine import make_url

from samband import migrate
from samband.audit import integrity
from samband.db import make_engine, make_sessionmaker, unit_of_work
from samband.kit.time import utcnow
from samband.models import AuditEvent
from tests.audit.test_tamper import ON_POSTGRESQL, PG_URL
from tests.conftest import postgres_admin

EVENTS = AuditEvent.__table__


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    if not ON_POSTGRESQL:
        pytest.skip("PostgreSQL: set SAMBAND_TEST_DATABASE_URL")
    name = f"{make_url(PG_URL).database}_backfill"
    with postgres_admin(PG_URL) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    with postgres_admin(PG_URL) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_an_existing_log_is_chained_in_the_order_it_happened(fresh_url: str) -> None:
    engine = make_engine(fresh_url)
    with engine.begin() as connection:
        command.upgrade(migrate.alembic_config(connection=connection), "0007")
    now = utcnow()
    old_rows = [
        {
            "id": uuid.uuid4(),
            "at": now - timedelta(minutes=minutes),
            "action": "read",
            "resource_type": "patient",
            "allowed": True,
            "emergency": False,
            "username": "nurse.anna" if minutes % 2 else None,
        }
        for minutes in (5, 50, 20, 1, 30)  # written in another order than they happened
    ]
    before_0008 = table("audit_events", *[EVENTS.c[name].copy() for name in old_rows[0]])
    with engine.begin() as connection:
        connection.execute(insert(before_0008), old_rows)
    with engine.begin() as connection:
        migrate.upgrade(connection=connection)

    with unit_of_work(make_sessionmaker(engine)) as session:
        order = list(session.scalars(select(EVENTS.c.id).order_by(EVENTS.c.seq)))
        report = integrity.verify(session)
    engine.dispose()

    assert order == [r["id"] for r in sorted(old_rows, key=lambda r: r["at"])]
    assert report.intact, report.problems
    assert report.head is not None
    assert report.head.seq == 5
