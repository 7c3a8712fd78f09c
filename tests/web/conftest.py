"""BROWSER FIXTURES ONLY (the browser tests of tests/web): a live Samband server with the demo
data, and Debian's headless chromium driven by Playwright's sync API.

Page tests with the TestClient use the `client` fixture of tests/conftest.py instead.

The live server always has a database of its own, never the one of the other tests (they
use theirs inside rolled-back transactions, which a second process-like server thread
cannot see and must not disturb):
- with SAMBAND_TEST_DATABASE_URL on PostgreSQL, a fresh database `<that name>_browser` on the
  same server, dropped and created for the run; if we may not create databases there, a
  fresh SQLite file instead (said on standard error);
- otherwise a fresh SQLite file in a temporary folder.
It is migrated with Alembic (samband.migrate.upgrade) and loaded with samband.demo.load.

Without /usr/bin/chromium the browser tests are skipped with the reason; with CI=true they
fail instead, because CI must run them.
"""

from __future__ import annotations

import os
import socket
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from samband import demo, migrate
from samband.app import create_app
from samband.db import make_engine, make_sessionmaker, unit_of_work

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT = {"width": 1024, "height": 768}  # a 10-inch tablet in landscape


def _missing(reason: str) -> None:
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"{reason} (CI=true: the browser tests must run in CI)", pytrace=False)
    pytest.skip(reason)


def _browser_database(tmp_dir: Path) -> str:
    """A fresh database for the live server (see the module docstring)."""
    sqlite = f"sqlite:///{tmp_dir / 'browser.db'}"
    url = os.environ.get("SAMBAND_TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        return sqlite
    import psycopg
    from sqlalchemy.engine import make_url

    server = make_url(url)
    name = f"{server.database or 'samband'}_browser"
    conninfo = {
        "host": server.host or "127.0.0.1",
        "port": server.port or 5432,
        "user": server.username or "postgres",
        "password": server.password,
        "connect_timeout": 10,
    }
    try:
        with psycopg.connect(
            dbname="postgres", autocommit=True, **{k: v for k, v in conninfo.items() if v}
        ) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        sys.stderr.write(f"browser tests: could not create {name} ({exc}); using SQLite\n")
        return sqlite
    return server.set(database=name).render_as_string(hide_password=False)


def _run_jobs(factory: Any) -> threading.Event:
    """Run the queued jobs every half second in a background thread, as the app's own runner
    does (the live server runs with lifespan off); set the event to stop."""
    from samband.jobs.queue import run_pending

    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(0.5):
            try:
                run_pending(factory)
            except Exception:  # noqa: BLE001, S112 - a busy database: try again next time
                continue

    threading.Thread(target=loop, daemon=True).start()
    return stop


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of Samband served by uvicorn in a background thread, with the demo data."""
    import uvicorn

    url = _browser_database(tmp_path_factory.mktemp("browser"))
    engine = make_engine(url)
    with engine.begin() as conn:
        migrate.upgrade(connection=conn)
    with unit_of_work(make_sessionmaker(engine)) as session:
        demo.load(session)

    app = create_app(session_factory=make_sessionmaker(engine))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    jobs = _run_jobs(make_sessionmaker(engine))  # day-plan solves are jobs (decision 0015)
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the live Samband server did not start", pytrace=False)
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    jobs.set()
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()
    engine.dispose()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Debian's chromium, headless, launched once for the run."""
    if not CHROMIUM.exists():
        _missing("Debian's chromium is not installed: apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed: pip install -e '.[test]'")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(chromium: Any, live_server: str) -> Iterator[Any]:
    """A factory of pages, each in its own browser context (own cookies = own login)."""
    contexts: list[Any] = []

    def make(viewport: dict[str, int] | None = None) -> Any:
        context = chromium.new_context(
            base_url=live_server,
            viewport=viewport or VIEWPORT,
            locale="sv-SE",
            timezone_id="Europe/Stockholm",
            accept_downloads=True,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Any) -> Any:
    """One page, 1024 x 768, not logged in."""
    return new_page()
