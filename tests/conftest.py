"""A real database for every test: SQLite by default, PostgreSQL when
SAMBAND_TEST_DATABASE_URL is set. The schema is built by the Alembic migrations (not
create_all), once per run; each test runs inside a transaction that is rolled back."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session, sessionmaker

# The app's background alert checks stay off in tests: they run when a test calls them.
os.environ.setdefault("SAMBAND_ALERT_TICK_SECONDS", "0")

from samband import migrate  # noqa: E402
from samband.app import create_app  # noqa: E402
from samband.db import make_engine  # noqa: E402


def _database_url(tmp_dir: Path) -> str:
    return os.environ.get("SAMBAND_TEST_DATABASE_URL") or f"sqlite:///{tmp_dir / 'test.db'}"


@pytest.fixture(scope="session")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    url = _database_url(tmp_path_factory.mktemp("db"))
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    with engine.begin() as conn:
        migrate.upgrade(connection=conn)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn:
        outer = conn.begin()
        yield conn
        outer.rollback()


@pytest.fixture
def session_factory(connection: Connection) -> sessionmaker[Session]:
    """Sessions that share the test's connection: their commits are savepoints."""
    return sessionmaker(
        bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    s = session_factory()
    yield s
    s.close()


@pytest.fixture
def client(session_factory: sessionmaker[Session]) -> Iterator[TestClient]:
    app = create_app(session_factory=session_factory)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c
