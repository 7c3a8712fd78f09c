"""A real database for every test: SQLite by default, PostgreSQL when
SAMBAND_TEST_DATABASE_URL is set. The schema is built by the Alembic migrations (not
create_all), once per run; each test runs inside a transaction that is rolled back.

On PostgreSQL, as in production (docs/deployment.md): the migrations run as the owner of
SAMBAND_TEST_DATABASE_URL (``owner_engine``), and the tests as the service's role
(``engine``; samband_app, or SAMBAND_DATABASE_APP_ROLE; created LOGIN when missing), which
may only SELECT and INSERT the access log. Connect as it with the same URL and no password
(trust), or set SAMBAND_TEST_APP_DATABASE_URL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session, sessionmaker

# The app's background alert checks stay off in tests: they run when a test calls them.
os.environ.setdefault("SAMBAND_ALERT_TICK_SECONDS", "0")
# Nor does the app write access-log checkpoints (tests/audit take them themselves).
os.environ.setdefault("SAMBAND_AUDIT_CHECKPOINT_MINUTES", "0")
# the tests run the jobs themselves (samband.jobs.queue.run_pending), never in the background
os.environ.setdefault("SAMBAND_JOBS_IN_APP", "false")
# nor the live overview's change feed: tests/live tick it themselves (feed.tick)
os.environ.setdefault("SAMBAND_LIVE_FEED_SECONDS", "0")
APP_ROLE = os.environ.get("SAMBAND_DATABASE_APP_ROLE") or "samband_app"

from samband import migrate  # noqa: E402
from samband.app import create_app  # noqa: E402
from samband.db import make_engine  # noqa: E402
from tests.webclient import WebClient  # noqa: E402


def _database_url(tmp_dir: Path) -> str:
    return os.environ.get("SAMBAND_TEST_DATABASE_URL") or f"sqlite:///{tmp_dir / 'test.db'}"


_grant_notes: list[str] = []  # what granting the app role said (e.g. it could not be made)


def postgres_admin(url: str) -> Any:
    """An autocommit psycopg connection to the server's `postgres` database, as the owner of
    ``url``: to create and drop a test's own database."""
    import psycopg
    from sqlalchemy.engine import make_url

    server = make_url(url)
    conninfo = {
        "host": server.host or "127.0.0.1",
        "port": server.port or 5432,
        "user": server.username or "postgres",
        "password": server.password,
    }
    return psycopg.connect(
        dbname="postgres", autocommit=True, **{k: v for k, v in conninfo.items() if v}
    )


def app_role_url(owner_url: str) -> str:
    """The URL the service's role connects with: the owner's, as APP_ROLE, no password."""
    from sqlalchemy.engine import make_url

    explicit = os.environ.get("SAMBAND_TEST_APP_DATABASE_URL")
    if explicit:
        return explicit
    url = make_url(owner_url).set(username=APP_ROLE, password=None)
    return url.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def owner_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """The test database as its owner, who runs the migrations (and, in tamper tests,
    changes the access log behind the service's back). SQLite has no roles: the same file."""
    url = _database_url(tmp_path_factory.mktemp("db"))
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    with engine.begin() as conn:
        migrate.upgrade(connection=conn)
        notes = migrate.grant_app_role(conn, APP_ROLE)
    _grant_notes[:] = notes
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def engine(owner_engine: Engine) -> Iterator[Engine]:
    """The test database as the service connects to it: on PostgreSQL the app role (only
    SELECT and INSERT on the access log), unless it could not be made (then the owner, said
    on standard error, and the role tests in tests/audit fail)."""
    if owner_engine.dialect.name != "postgresql":
        yield owner_engine
        return
    missing = [n for n in _grant_notes if "does not exist" in n]
    if missing:
        import sys

        sys.stderr.write(f"tests run as the owner: {missing[0]}\n")
        yield owner_engine
        return
    engine = make_engine(app_role_url(owner_engine.url.render_as_string(hide_password=False)))
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
    """The app over https, as a browser would use its pages: forms posted to a page carry
    the CSRF token (tests/webclient.py)."""
    app = create_app(session_factory=session_factory)
    with WebClient(app, raise_server_exceptions=False) as c:
        yield c
