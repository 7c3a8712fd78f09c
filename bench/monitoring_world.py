"""Shared by the remote-monitoring benchmarks (issue 5): fresh databases, a world of patients
at home, realistic vital-sign sets and a uvicorn server in a subprocess.

Not a benchmark itself. The world is made with the test factories (``tests/factories.py``):
a hospital clinic with a ward, a physician, a nurse (the care contact) and a device account
(the home gateway), and ``n`` patients at home on the OPAT, COPD and heart-failure pathways,
each with the pathway's care plan (so its alert limits apply: OPAT temperature >= 38.5, COPD
SpO2 < 88, heart failure weight +2 kg in 72 h).

Databases: a SQLite file under ``var/bench/``, or a PostgreSQL database created on the server
``SAMBAND_BENCH_PG`` (default ``postgresql+psycopg://postgres@127.0.0.1:5432``) and dropped
afterwards. Never the database ``test``: other people's test runs use it.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # the factories live in tests/
    sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from sqlalchemy import Engine  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402
from tests.factories import (  # noqa: E402
    make_care_plan,
    make_episode,
    make_organisation,
    make_patient,
    make_unit,
    make_user,
    valid_personnummer,
)

from samband import migrate  # noqa: E402
from samband.db import make_engine, make_sessionmaker  # noqa: E402
from samband.kit.time import utcnow  # noqa: E402
from samband.models import User  # noqa: E402
from samband.security import service as security  # noqa: E402

PG_SERVER = os.environ.get("SAMBAND_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")
PATHWAYS = ("opat", "copd", "heart-failure")
PROTECTED = {"test", "postgres", "template0", "template1"}


# -- databases -------------------------------------------------------------------------------------


def _conninfo(server: str) -> dict[str, Any]:
    url = make_url(server)
    info = {
        "host": url.host or "127.0.0.1",
        "port": url.port or 5432,
        "user": url.username or "postgres",
        "password": url.password,
        "connect_timeout": 10,
    }
    return {k: v for k, v in info.items() if v is not None}


def fresh_postgres(name: str, server: str = PG_SERVER) -> str:
    """Drop (if left over) and create the database ``name``; its URL, schema migrated."""
    if name in PROTECTED or not name.startswith("samband_bench"):
        raise SystemExit(f"refusing to recreate the database {name!r}")
    with psycopg.connect(dbname="postgres", autocommit=True, **_conninfo(server)) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    migrate.upgrade(url)
    return url


def drop_postgres(name: str, server: str = PG_SERVER) -> None:
    if name in PROTECTED or not name.startswith("samband_bench"):
        return
    with psycopg.connect(dbname="postgres", autocommit=True, **_conninfo(server)) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def fresh_sqlite(name: str) -> str:
    folder = ROOT / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        (folder / f"{name}.db{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{folder / f'{name}.db'}"
    migrate.upgrade(url)
    return url


@contextlib.contextmanager
def database(kind: str, name: str, *, keep: bool = False) -> Iterator[str]:
    """A fresh database of ``kind`` (sqlite | postgresql) for one run, dropped afterwards."""
    if kind == "sqlite":
        yield fresh_sqlite(name)
        return
    url = fresh_postgres(name)
    try:
        yield url
    finally:
        if not keep:
            drop_postgres(name)


# -- the world -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Home:
    patient_id: uuid.UUID
    episode_id: uuid.UUID
    pathway: str
    weight: float  # the heart-failure patient's dry weight (others: not weighed)


@dataclass(frozen=True)
class World:
    device_id: uuid.UUID  # the home gateway's account
    nurse_id: uuid.UUID  # the care contact: reads the overview
    homes: list[Home]


def build_world(url: str, patients: int, *, home_since: timedelta = timedelta(days=2)) -> World:
    """``patients`` patients at home (episodes started ``home_since`` ago), with care plans."""
    engine = make_engine(url)
    rng = random.Random(7)
    with make_sessionmaker(engine)() as session:
        clinic = make_organisation(session, kind="hospital_clinic")
        ward = make_unit(session, clinic, beds=4)
        ward.phone = "+46 23 49 00 00"
        physician = make_user(session, clinic, role="physician", unit=ward)
        nurse = make_user(session, clinic, role="registered_nurse", unit=ward)
        device = make_user(session, clinic, role="device")
        started = utcnow() - home_since
        homes: list[Home] = []
        for i in range(patients):
            patient = make_patient(
                session,
                registered_by=nurse,
                personnummer=valid_personnummer(
                    year=1925 + i // 1000, month=1 + i % 12, day=1 + i % 28, serial=i % 1000
                ),
            )
            pathway = PATHWAYS[i % len(PATHWAYS)]
            episode = make_episode(
                session,
                patient,
                unit=ward,
                state="at_home",
                pathway=pathway,
                physician=physician,
                care_contact=nurse,
                with_checklist=False,
            )
            episode.started_at = started
            make_care_plan(session, episode, by=physician)
            homes.append(Home(patient.id, episode.id, pathway, round(rng.uniform(60, 95), 1)))
        session.commit()
        world = World(device.id, nurse.id, homes)
    engine.dispose()
    return world


def load_history(url: str, world: World, *, days: int = 3, per_day: int = 3) -> int:
    """Each patient's normal sets of the last ``days`` days (``per_day`` a day), taken in
    through the ingestion service in batches, then ``ANALYZE``: the database has the size
    and the planner statistics of a service that has run for a while (autovacuum keeps
    statistics up to date in production; a table that grew from nothing seconds ago has
    none, and the planner's choices for it are not the ones production makes)."""
    from samband.monitoring import intake as service
    from samband.observations.schemas import ObservationCreate
    from samband.security.context import AccessLog, Context

    rng = random.Random(11)
    now = utcnow()
    bodies = [
        observation(
            rng,
            home,
            at=now - timedelta(days=days) + timedelta(hours=24 / per_day * k + rng.random()),
            client_id=f"history/{i}/{k}",
        )
        for k in range(days * per_day)
        for i, home in enumerate(world.homes)
    ]
    bodies = [b for b in bodies if b["measured_at"] < (now - timedelta(minutes=30)).isoformat()]
    engine = make_engine(url)
    factory = make_sessionmaker(engine)
    for start in range(0, len(bodies), 1000):
        with factory() as session:
            device = session.get(User, world.device_id)
            if device is None:
                raise SystemExit("no device account")
            ctx = Context(session, security.actor_of(device), AccessLog())
            items = [ObservationCreate.model_validate(b) for b in bodies[start : start + 1000]]
            service.ingest(ctx, items)
            ctx.log.write(session, ctx.actor, method="POST", path="history", status_code=None)
            session.commit()
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
        else:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
    engine.dispose()
    return len(bodies)


def token(url: str, user_id: uuid.UUID) -> str:
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        user = session.get(User, user_id)
        if user is None:
            raise SystemExit(f"no user {user_id}")
        issued = security.issue_token(session, user)
        session.commit()
    engine.dispose()
    return issued.access_token


def engine_for(url: str) -> Engine:
    return make_engine(url)


def session_for(engine: Engine) -> Session:
    return make_sessionmaker(engine)()


# -- vital signs -----------------------------------------------------------------------------------

# NEWS2 8 (high): respiratory rate 26 → 3, SpO2 90 → 3, systolic 95 → 2
HIGH = {"respiratory_rate": 26, "spo2": 90, "systolic_bp": 95, "diastolic_bp": 60}
# NEWS2 5-6 (medium): respiratory rate 22 → 2, pulse 115 → 2, temperature 38.2 → 1
MEDIUM = {"respiratory_rate": 22, "pulse": 115, "temperature": 38.2}


def normal(rng: random.Random, home: Home) -> dict[str, Any]:
    """An unremarkable set (NEWS2 0-2, no limit crossed)."""
    values: dict[str, Any] = {
        "respiratory_rate": rng.randint(12, 20),
        "spo2": rng.randint(96, 99),
        "on_oxygen": False,
        "systolic_bp": rng.randint(112, 160),
        "diastolic_bp": rng.randint(60, 95),
        "pulse": rng.randint(55, 90),
        "consciousness": "A",
        "temperature": round(rng.uniform(36.2, 37.8), 1),
    }
    if home.pathway == "heart-failure":
        values["weight"] = round(home.weight + rng.uniform(-0.6, 0.6), 1)
    return values


def alerting(rng: random.Random, home: Home) -> dict[str, Any]:
    """A set that raises an alert: NEWS2 high or medium, or the pathway's own limit."""
    values = normal(rng, home)
    roll = rng.random()
    if roll < 0.4:
        values.update(HIGH)
    elif roll < 0.8:
        values.update(MEDIUM)
    elif home.pathway == "opat":
        values["temperature"] = 38.7  # care-plan limit (high), NEWS2 1
    elif home.pathway == "copd":
        values["spo2"] = 86  # care-plan limit (high), NEWS2 3: a single 3 (medium)
    else:
        values["weight"] = round(home.weight + 2.8, 1)  # +2.8 kg in 72 h: limit (medium)
    return values


def observation(
    rng: random.Random,
    home: Home,
    *,
    at: datetime,
    client_id: str | None,
    alert: bool = False,
    implausible: bool = False,
) -> dict[str, Any]:
    """A JSON body for POST /api/v1/observations (an item of a batch)."""
    values = alerting(rng, home) if alert else normal(rng, home)
    if implausible:
        values["pulse"] = 36  # possible but implausible: stored, flagged for confirmation
    body: dict[str, Any] = {
        "patient_id": str(home.patient_id),
        "measured_at": at.isoformat(),
        "source": "device",
        "device_id": f"gw-{str(home.patient_id)[:8]}",
        **values,
    }
    if client_id is not None:
        body["client_id"] = client_id
    return body


# -- a server in a subprocess ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def uvicorn_server(
    url: str,
    *,
    cpu: int | None = 1,
    env: dict[str, str] | None = None,
    log: Path | None = None,
) -> Iterator[str]:
    """``uvicorn samband.app:create_app --factory``, one worker, pinned to ``cpu`` when
    ``taskset`` is there; yields its base URL and stops it afterwards."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "samband.app:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    if cpu is not None and shutil.which("taskset"):
        command = ["taskset", "-c", str(cpu), *command]
    environment = {**os.environ, "SAMBAND_DATABASE_URL": url, **(env or {})}
    out = open(log, "w") if log else subprocess.DEVNULL  # noqa: SIM115 - closed below
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        command, env=environment, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base, process)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if log:
            out.close()  # type: ignore[union-attr]


def _wait_for(base: str, process: subprocess.Popen[bytes]) -> None:
    import httpx

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server stopped at once (exit {process.returncode})")
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise SystemExit("the server did not answer /health within 30 s")
