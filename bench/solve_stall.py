"""Requests during a day-plan solve (issue 11): the latency of the other requests while one
organisation's day is being planned with a 20-s time limit, against the same load with no
solve running.

Not a test. A fresh database (a SQLite file under ``var/bench/`` or a PostgreSQL database
``samband_bench_stall`` on ``SAMBAND_BENCH_PG``, dropped afterwards) with a municipality's
home health care (a planner and ``--staff`` nurses with IV, PICC and sampling skills, each
with a 07:00–21:30 shift tomorrow from Falun) taking part in ``--patients`` episodes at home of a
hospital clinic (OPAT, COPD and heart-failure care plans; homes spread over Falun and its
villages), their visits of tomorrow generated from the care plans (POST /api/v1/visits/generate),
a real uvicorn server in a subprocess (one worker, pinned to ``--server-cpu``) and, on
PostgreSQL with the job queue, ``python -m samband worker`` in another (pinned to
``--worker-cpu``); on SQLite the app process runs the solve itself in its "slow" job lane.

Two phases, each with the same open-loop load from this process (pinned to the other core):
``--rate`` requests a second of each kind, every request sent at its scheduled time from a
thread pool (a slow answer does not hold back the next request):

- ``GET /`` — the overview page, logged in (cookie ``samband_session``) as the clinic's nurse
  who is the patients' care contact;
- ``POST /api/v1/observations`` — a normal vital-sign set of a random patient, as the home
  gateway (a device account).

1. *baseline*: ``--seconds`` with no solve;
2. *solve*: ``POST /api/v1/day-plans?seconds=<--seconds>`` then the same load until the plan
   is solved. Today's code answers 202 at once and a job solves (polled with GET
   /api/v1/day-plans/{id} once a second); the code before issue 11 (commit 69d35b7) solves
   inside the request, which then takes the whole solve (it is sent from its own thread).

It prints p50/p99/max of each kind in each phase as Markdown. The app under test is whatever
``samband`` the interpreter imports: run the old code with ``PYTHONPATH`` set to its ``src``
and this file copied into its ``bench/`` (its factories and migrations then make the world)::

    .venv/bin/python bench/solve_stall.py --db sqlite
    .venv/bin/python bench/solve_stall.py --db postgresql
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from monitoring_world import (
    ROOT,
    Home,
    database,
    observation,
    token,
)
from tests.factories import (
    make_care_plan,
    make_episode,
    make_organisation,
    make_patient,
    make_unit,
    make_user,
    valid_personnummer,
)

import samband
from samband.db import make_engine, make_sessionmaker
from samband.kit.time import utcnow

FALUN = (60.607, 15.636)
VILLAGES = [(60.690, 15.485), (60.737, 15.445), (60.654, 15.780), (60.545, 15.730)]
PATHWAYS = ("opat", "copd", "heart-failure")
KM_PER_DEG = 111.2


@dataclass(frozen=True)
class World:
    planner_id: Any
    nurse_id: Any  # the clinic's nurse, care contact: reads the overview
    device_id: Any
    staff_ids: list[Any]
    homes: list[Home]


def _near(rng: random.Random, centre: tuple[float, float], km: float) -> tuple[float, float]:
    r, a = km * math.sqrt(rng.random()), rng.uniform(0, 2 * math.pi)
    lat = centre[0] + r * math.sin(a) / KM_PER_DEG
    lon = centre[1] + r * math.cos(a) / (KM_PER_DEG * math.cos(math.radians(centre[0])))
    return round(lat, 5), round(lon, 5)


def build(url: str, patients: int, staff: int) -> World:
    engine = make_engine(url)
    rng = random.Random(5)
    with make_sessionmaker(engine)() as session:
        clinic = make_organisation(session, kind="hospital_clinic")
        ward = make_unit(session, clinic, beds=4)
        physician = make_user(session, clinic, role="physician", unit=ward)
        nurse = make_user(session, clinic, role="registered_nurse", unit=ward)
        device = make_user(session, clinic, role="device")
        town = make_organisation(
            session, kind="municipal_home_health_care", authority_kind="municipality"
        )
        planner = make_user(session, town, role="registered_nurse")
        members = [
            make_user(session, town, skills=["iv_therapy", "picc_care", "sampling", "wound_care"])
            for _ in range(staff)
        ]
        started = utcnow() - timedelta(days=1)  # tomorrow is day 3: the samples are due
        homes: list[Home] = []
        for i in range(patients):
            lat, lon = _near(rng, FALUN if i % 4 else rng.choice(VILLAGES), 5.0)
            patient = make_patient(
                session,
                registered_by=nurse,
                personnummer=valid_personnummer(
                    year=1930 + i // 500, month=1 + i % 12, day=1 + i % 28, serial=i % 1000
                ),
                latitude=lat,
                longitude=lon,
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
                participants={town: "home_health_care"},
                with_checklist=False,
            )
            episode.started_at = started
            make_care_plan(session, episode, by=physician)
            homes.append(Home(patient.id, episode.id, pathway, round(rng.uniform(60, 95), 1)))
        session.commit()
        world = World(planner.id, nurse.id, device.id, [m.id for m in members], homes)
    engine.dispose()
    return world


# -- servers ---------------------------------------------------------------------------------------


def _pinned(command: list[str], cpu: int | None) -> list[str]:
    if cpu is not None and cpu >= 0 and shutil.which("taskset"):
        return ["taskset", "-c", str(cpu), *command]
    return command


def has_job_queue() -> bool:
    """Today's code solves day plans in a job; the code before issue 11 in the request."""
    return importlib.util.find_spec("samband.visits.jobs") is not None


@contextlib.contextmanager
def worker(url: str, cpu: int | None, log: Path) -> Iterator[None]:
    """``python -m samband worker`` (procrastinate) beside the app, stopped afterwards."""
    env = {**os.environ, "SAMBAND_DATABASE_URL": url}
    with open(log, "w") as out:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            _pinned([sys.executable, "-m", "samband", "worker"], cpu),
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
        try:
            time.sleep(2)
            if process.poll() is not None:
                raise SystemExit(f"the worker stopped at once (exit {process.returncode}): {log}")
            yield
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# -- the load --------------------------------------------------------------------------------------


@dataclass
class Kind:
    name: str
    latencies: list[float] = field(default_factory=list)
    failed: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, seconds: float, outcome: str | None) -> None:
        with self.lock:
            self.latencies.append(seconds)
            if outcome is not None:
                self.failed[outcome] = self.failed.get(outcome, 0) + 1


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1))]


def load(
    base: str,
    world: World,
    *,
    nurse: str,
    device: str,
    rate: float,
    stop: threading.Event,
    limit: float,
) -> tuple[Kind, Kind]:
    """Both kinds at ``rate`` a second each, open loop, until ``stop`` is set (or ``limit``
    seconds): each request at its scheduled time from a pool, timed from its send."""
    overview, observe = Kind("GET / (overview)"), Kind("POST /api/v1/observations")
    rng = random.Random(17)
    page = httpx.Client(
        base_url=base,
        timeout=120,
        cookies={"samband_session": nurse},
        limits=httpx.Limits(max_connections=64),
    )
    api = httpx.Client(
        base_url=base,
        timeout=120,
        headers={"Authorization": f"Bearer {device}"},
        limits=httpx.Limits(max_connections=64),
    )

    def get_overview() -> None:
        started = time.monotonic()
        try:
            r = page.get("/")
            bad = (
                None
                if r.status_code == 200 and "<html" in r.text[:500].lower()
                else str(r.status_code)
            )
        except httpx.HTTPError as exc:
            bad = type(exc).__name__
        overview.add(time.monotonic() - started, bad)

    def post_observation() -> None:
        home = rng.choice(world.homes)
        body = observation(
            rng,
            home,
            at=utcnow() - timedelta(seconds=5),
            client_id=f"stall/{uuid.uuid4()}",
        )
        started = time.monotonic()
        try:
            r = api.post("/api/v1/observations", json=body)
            bad = None if r.status_code < 300 else str(r.status_code)
        except httpx.HTTPError as exc:
            bad = type(exc).__name__
        observe.add(time.monotonic() - started, bad)

    interval = 1 / rate
    start = time.monotonic()
    with page, api, ThreadPoolExecutor(max_workers=64) as pool:
        k = 0
        while not stop.is_set() and time.monotonic() - start < limit:
            at = start + k * interval
            delay = at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            pool.submit(get_overview)
            pool.submit(post_observation)
            k += 1
        pool.shutdown(wait=True)
    return overview, observe


# -- the solve -------------------------------------------------------------------------------------


@dataclass
class Solve:
    posted: float = 0.0  # the POST's round trip
    solved: float = 0.0  # from the POST to the plan solved
    status: str = ""
    visits: int = 0
    routed: int = 0
    detail: str = ""


def solve(base: str, planner: str, day: str, seconds: float, result: Solve) -> None:
    headers = {"Authorization": f"Bearer {planner}"}
    with httpx.Client(base_url=base, timeout=seconds * 10 + 60, headers=headers) as client:
        started = time.monotonic()
        r = client.post(f"/api/v1/day-plans?seconds={seconds:g}", json={"date": day})
        result.posted = time.monotonic() - started
        if r.status_code not in (201, 202):
            result.status, result.detail = f"HTTP {r.status_code}", r.text[:300]
            return
        body = r.json()
        while body.get("solve_status", "done") in ("queued", "solving"):
            time.sleep(1)
            body = client.get(f"/api/v1/day-plans/{body['id']}").json()
        result.solved = time.monotonic() - started
        result.status = body.get("solve_status", "done (in the request)")
        result.detail = body.get("solve_error") or ""
        result.routed = sum(len(route["stops"]) for route in body["routes"])
        result.visits = result.routed + len(body["unassigned"])


# -- the run ---------------------------------------------------------------------------------------


def _row(phase: str, kind: Kind) -> str:
    ms = [v * 1000 for v in kind.latencies]
    failed = ", ".join(f"{n}× {why}" for why, n in sorted(kind.failed.items())) or "0"
    return (
        f"| {phase} | {kind.name} | {len(ms)} | {statistics.median(ms):.0f} "
        f"| {percentile(ms, 99):.0f} | {max(ms):.0f} | {failed} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--patients", type=int, default=60)
    parser.add_argument("--staff", type=int, default=12)
    parser.add_argument("--seconds", type=float, default=20.0, help="the solve's time limit")
    parser.add_argument("--rate", type=float, default=5.0, help="requests a second, each kind")
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--server-cpu", type=int, default=1, help="-1: not pinned")
    parser.add_argument("--worker-cpu", type=int, default=0, help="-1: not pinned")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    server_cpu = None if args.server_cpu < 0 else args.server_cpu
    if server_cpu is not None and hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(0, {1 - server_cpu})  # the load on the other core

    jobs = has_job_queue()
    load_before = os.getloadavg()[0]  # other work on the machine skews every figure
    code = "job queue (today)" if jobs else "solve in the request (before issue 11)"
    print(f"samband from {Path(samband.__file__).parent}: {code}; database {args.db}")
    # tomorrow, planned the evening before (today's shifts would start now)
    day = (datetime.now(UTC).astimezone(_local()).date() + timedelta(days=1)).isoformat()
    logs = ROOT / "var" / "bench"
    with database(args.db, "samband_bench_stall", keep=args.keep) as url:
        world = build(url, args.patients, args.staff)
        planner, nurse, device = (
            token(url, world.planner_id),
            token(url, world.nurse_id),
            token(url, world.device_id),
        )
        with contextlib.ExitStack() as stack:
            base = stack.enter_context(
                _server(url, cpu=server_cpu, log=logs / f"stall-server-{args.db}.log")
            )
            if jobs and args.db == "postgresql":
                stack.enter_context(
                    worker(url, args.worker_cpu, logs / f"stall-worker-{args.db}.log")
                )
            _prepare(base, planner, world, day)
            stop = threading.Event()
            load(
                base,
                world,
                nurse=nurse,
                device=device,
                rate=args.rate,
                stop=stop,
                limit=args.warmup,
            )
            baseline = load(
                base,
                world,
                nurse=nurse,
                device=device,
                rate=args.rate,
                stop=stop,
                limit=args.seconds,
            )
            result = Solve()

            def run_solve() -> None:
                try:
                    solve(base, planner, day, args.seconds, result)
                finally:
                    stop.set()

            solver = threading.Thread(target=run_solve)
            solver.start()
            during = load(
                base,
                world,
                nurse=nurse,
                device=device,
                rate=args.rate,
                stop=stop,
                limit=args.seconds * 10,
            )
            solver.join()

    print(
        f"load average (1 min) at the start {load_before:.1f}, at the end {os.getloadavg()[0]:.1f}"
    )
    print(
        f"{args.patients} patients, {result.visits} visits, {args.staff} staff; solve "
        f"{args.seconds:g} s: {result.status} {result.detail}, {result.routed} visits routed; "
        f"POST /day-plans took {result.posted * 1000:.0f} ms, plan solved after "
        f"{result.solved:.1f} s; server on core {server_cpu}"
        + (f", worker on core {args.worker_cpu}" if jobs and args.db == "postgresql" else "")
    )
    print()
    print("| phase | request | n | p50 ms | p99 ms | max ms | failed |")
    print("| --- | --- | ---: | ---: | ---: | ---: | --- |")
    for phase, kinds in (("no solve", baseline), ("during the solve", during)):
        for kind in kinds:
            print(_row(phase, kind))


def _local() -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/Stockholm")


@contextlib.contextmanager
def _server(url: str, *, cpu: int | None, log: Path) -> Iterator[str]:
    from monitoring_world import uvicorn_server

    log.parent.mkdir(parents=True, exist_ok=True)
    with uvicorn_server(url, cpu=cpu, log=log) as base:
        yield base


def _prepare(base: str, planner: str, world: World, day: str) -> None:
    """Today's shifts and visits through the API, as a planner makes them."""
    headers = {"Authorization": f"Bearer {planner}"}
    with httpx.Client(base_url=base, timeout=60, headers=headers) as client:
        for user_id in world.staff_ids:
            r = client.post(
                "/api/v1/shifts",
                json={
                    "user_id": str(user_id),
                    "date": day,
                    "start": "07:00",
                    "end": "21:30",
                    "start_location": {"lat": FALUN[0], "lon": FALUN[1]},
                },
            )
            if r.status_code != 201:
                raise SystemExit(f"shift: {r.status_code} {r.text}")
        r = client.post("/api/v1/visits/generate", json={"date": day})
        if r.status_code != 200:
            raise SystemExit(f"generate: {r.status_code} {r.text}")
        print(f"visits of {day}: {r.json()['created']} generated")


if __name__ == "__main__":
    main()
