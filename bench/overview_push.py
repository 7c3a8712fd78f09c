"""The live overview (issue 11): push (Server-Sent Events) vs. today's polling.

Not a test. A fresh PostgreSQL database ``samband_bench_push`` with 1 000 patients at home and
50 nurses of the clinic, each logged in (a page session), a real uvicorn server in a
subprocess (one worker, pinned to core 1; the periodic alert checks off, so the runs differ
only in how the pages are kept live) and, in this process, a load generator sending
``--sets-per-minute`` vital-sign sets (default 200; 1 in ``--alert-every`` alerting) as the
home gateway. Three runs of ``--seconds`` each (default 60) after ``--warmup`` seconds:

- ``ingest only``: no page open (the baseline: what the sets cost by themselves);
- ``polling``: 50 pages each fetch ``GET /overview/live`` every 10 s, as the page does today
  (SAMBAND_LIVE_FEED_SECONDS=0, staggered over the 10 s);
- ``push``: 50 pages each hold ``GET /overview/events`` open (SAMBAND_LIVE_FEED_SECONDS=1.5)
  and are sent what changed.

Measured over the window: the bytes the server sent to the pages (response bodies as read by
the clients, headers not counted), and the server process's CPU seconds (utime + stime from
/proc/<pid>/stat), both per minute. The initial page loads are outside the window.

    taskset -c 0 .venv/bin/python bench/overview_push.py --seconds 60
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import shutil
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from monitoring_world import ROOT, _wait_for, build_world, database, free_port, observation, token
from tests.factories import make_user

from samband.db import make_engine, make_sessionmaker
from samband.kit.time import utcnow
from samband.models import User
from samband.security import service as security

CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime


@contextlib.contextmanager
def server(url: str, env: dict[str, str]) -> Iterator[tuple[str, int]]:
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "samband.app:create_app", "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
    command += ["--no-access-log", "--log-level", "warning"]
    if shutil.which("taskset"):
        command = ["taskset", "-c", "1", *command]
    environment = {**os.environ, "SAMBAND_DATABASE_URL": url, **env}
    process = subprocess.Popen(command, env=environment, cwd=ROOT)  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base, process)
        yield base, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def nurses(url: str, device_id: uuid.UUID, nurse_id: uuid.UUID, n: int) -> list[str]:
    """``n`` nurses of the clinic (the world's and n-1 more), each with a page session."""
    engine = make_engine(url)
    tokens = []
    with make_sessionmaker(engine)() as session:
        first = session.get(User, nurse_id)
        assert first is not None  # noqa: S101
        users = [first]
        from samband.models import Organisation, Unit

        org = session.get(Organisation, first.organisation_id)
        unit = session.get(Unit, first.unit_id) if first.unit_id else None
        assert org is not None  # noqa: S101
        users += [make_user(session, org, unit=unit) for _ in range(n - 1)]
        for user in users:
            tokens.append(security.issue_token(session, user, kind="session").access_token)
        session.commit()
    engine.dispose()
    return tokens


@dataclass
class Counter:
    bytes: int = 0
    events: int = 0
    failures: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail(self) -> None:
        with self.lock:
            self.failures += 1

    def add(self, n: int, events: int = 0) -> None:
        with self.lock:
            self.bytes += n
            self.events += events


def sender(
    base: str,
    device_token: str,
    homes: list[Any],
    per_minute: int,
    alert_every: int,
    stop: threading.Event,
) -> None:
    rng = random.Random(11)
    interval = 60.0 / per_minute
    n = 0
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {device_token}"}) as client:
        next_at = time.monotonic()
        while not stop.is_set():
            home = rng.choice(homes)
            n += 1
            body = observation(
                rng, home, at=utcnow(), client_id=uuid.uuid4().hex, alert=n % alert_every == 0
            )
            client.post("/api/v1/observations", json=body, timeout=30)
            next_at += interval
            time.sleep(max(0.0, next_at - time.monotonic()))


def poller(
    base: str, session_token: str, offset: float, counter: Counter, stop: threading.Event
) -> None:
    cookies = {"samband_session": session_token}
    headers = {"X-Requested-With": "fetch"}
    with httpx.Client(base_url=base, cookies=cookies, headers=headers, timeout=60) as client:
        time.sleep(offset)
        while not stop.is_set():
            started = time.monotonic()
            try:
                response = client.get("/overview/live")
            except httpx.HTTPError:
                counter.fail()  # the server is saturated: the connection was dropped
            else:
                counter.add(len(response.content), 1)
            stop.wait(max(0.0, 10.0 - (time.monotonic() - started)))


def listener(base: str, session_token: str, counter: Counter, stop: threading.Event) -> None:
    cookies = {"samband_session": session_token}
    headers = {"Accept": "text/event-stream"}
    with (
        httpx.Client(
            base_url=base, cookies=cookies, headers=headers, timeout=httpx.Timeout(60, read=None)
        ) as client,
        client.stream("GET", "/overview/events") as response,
    ):
        if response.status_code != 200:
            raise SystemExit(f"no stream: {response.status_code}")
        for chunk in response.iter_raw():
            counter.add(len(chunk), chunk.count(b"\n\n"))
            if stop.is_set():
                return


def run(
    mode: str, url: str, world: Any, tokens: list[str], device: str, args: Any
) -> dict[str, float]:
    env = {"SAMBAND_ALERT_TICK_SECONDS": "0", "SAMBAND_AUDIT_CHECKPOINT_MINUTES": "0"}
    env["SAMBAND_LIVE_FEED_SECONDS"] = "1.5" if mode == "push" else "0"
    env["SAMBAND_JOBS_IN_APP"] = "false"
    counter, stop = Counter(), threading.Event()
    with server(url, env) as (base, pid):
        threads = [
            threading.Thread(
                target=sender,
                args=(base, device, world.homes, args.sets_per_minute, args.alert_every, stop),
                daemon=True,
            )
        ]
        for i, t in enumerate(tokens):
            if mode == "polling":
                threads.append(
                    threading.Thread(
                        target=poller,
                        args=(base, t, 10.0 * i / len(tokens), counter, stop),
                        daemon=True,
                    )
                )
            elif mode == "push":
                threads.append(
                    threading.Thread(target=listener, args=(base, t, counter, stop), daemon=True)
                )
        for thread in threads:
            thread.start()
        time.sleep(args.warmup)
        cpu0, bytes0, events0, t0 = (
            cpu_seconds(pid),
            counter.bytes,
            counter.events,
            time.monotonic(),
        )
        time.sleep(args.seconds)
        cpu1, bytes1, events1, t1 = (
            cpu_seconds(pid),
            counter.bytes,
            counter.events,
            time.monotonic(),
        )
        stop.set()
    minutes = (t1 - t0) / 60
    return {
        "bytes_per_min": (bytes1 - bytes0) / minutes,
        "cpu_per_min": (cpu1 - cpu0) / minutes,
        "answers_per_min": (events1 - events0) / minutes,
        "failures": counter.failures,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patients", type=int, default=1000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--sets-per-minute", type=int, default=200)
    parser.add_argument("--alert-every", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--warmup", type=float, default=15)
    parser.add_argument("--modes", default="ingest,polling,push")
    args = parser.parse_args()
    with database("postgresql", "samband_bench_push") as url:
        world = build_world(url, args.patients)
        tokens = nurses(url, world.device_id, world.nurse_id, args.users)
        device = token(url, world.device_id)
        print(
            f"{args.patients} patients at home, {args.users} pages, {args.sets_per_minute} sets/min"
        )  # noqa: T201
        print(f"{'mode':10} {'kB/min':>10} {'CPU s/min':>10} {'answers|events/min':>20}")  # noqa: T201
        for mode in args.modes.split(","):
            result = run(mode, url, world, tokens, device, args)
            print(  # noqa: T201
                f"{mode:10} {result['bytes_per_min'] / 1000:10.1f} {result['cpu_per_min']:10.2f} "
                f"{result['answers_per_min']:20.1f}  failed requests: {result['failures']}",
                flush=True,
            )


if __name__ == "__main__":
    main()
