"""A fault run (issue 5): PostgreSQL restarted twice under a steady load of vital signs, with
clients that retry; then every set a client was told was accepted must be stored exactly
once, and nothing else.

Not a test. The run starts a PostgreSQL server of its own (``initdb`` into a temporary
folder, a free port on 127.0.0.1, PostgreSQL's default durability: fsync and synchronous
commit on), so that restarting it disturbs nobody else's database; a fresh database
``samband_fault`` in it with ``--patients`` patients at home; a real uvicorn server (one
worker, core 1) in front of it; and ``--clients`` client threads (core 0), each sending
sets at a steady rate, one set per request and batches of 10 in turn, each set with its own
client_id. A request that fails (no answer, a 5xx) is sent again unchanged (same
client_ids) after an exponential back-off (0.1 s doubling to at most 5 s, with jitter),
until it is answered 2xx or ``--give-up`` seconds have passed.

During the load the database is restarted twice: once with ``pg_ctl stop -m fast``
(connections ended, a clean shutdown) and once with ``-m immediate`` (a crash: recovery from
the WAL on start), each time down for ``--down`` seconds. While it is down the server must
answer 503, never 500.

At the end: accepted (client_ids answered 2xx) against stored (client_ids in the table):
equal sets, no client_id twice, each stored row the id that was answered.

    taskset -c 0 .venv/bin/python bench/fault_run.py --seconds 60
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
from monitoring_world import Home, build_world, free_port, observation, token, uvicorn_server

from samband import migrate
from samband.kit.time import utcnow

PG_BIN = Path(os.environ.get("SAMBAND_PG_BIN", "/usr/lib/postgresql/15/bin"))
DATABASE = "samband_fault"


class Cluster:
    """A PostgreSQL server of this run's own, in a temporary folder (run as the user
    ``postgres`` when this runs as root: PostgreSQL refuses to run as root)."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="samband-fault-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0 if hasattr(os, "geteuid") else False
        if self.as_postgres:
            shutil.chown(self.root, "postgres", "postgres")

    def _run(self, *args: str) -> None:
        command = [str(PG_BIN / args[0]), *args[1:]]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True)  # noqa: S603

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
        log = str(self.root / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "start")

    def stop(self, mode: str) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str) -> psycopg.Connection[Any]:
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname=database, autocommit=True
        )

    def remove(self) -> None:
        try:
            self.stop("immediate")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.root, ignore_errors=True)


@dataclass
class Tally:
    accepted: dict[str, str] = field(default_factory=dict)  # client_id → the id answered
    answers: Counter[str] = field(default_factory=Counter)
    replayed: int = 0  # sets answered as already stored (a retry whose first try committed)
    given_up: list[str] = field(default_factory=list)
    sent_sets: int = 0
    retries: int = 0
    up_again: list[float] = field(default_factory=list)  # when 2xx answers were seen
    lock: threading.Lock = field(default_factory=threading.Lock)


def client(
    base: str,
    bearer: str,
    homes: list[Home],
    *,
    number: int,
    rate: float,
    until: float,
    give_up: float,
    tally: Tally,
) -> None:
    rng = random.Random(number)
    headers = {"Authorization": f"Bearer {bearer}"}
    next_at = time.monotonic()
    n = 0
    requests = 0
    with httpx.Client(base_url=base, timeout=10) as http:
        while next_at < until:
            requests += 1
            batch = requests % 2 == 0
            size = 10 if batch else 1
            items = []
            for _ in range(size):
                n += 1
                items.append(
                    observation(
                        rng,
                        rng.choice(homes),
                        at=utcnow() - timedelta(seconds=5),
                        client_id=f"fault/{number}/{n}/{uuid.uuid4().hex[:6]}",
                        alert=rng.random() < 0.02,
                    )
                )
            with tally.lock:
                tally.sent_sets += size
            deadline = time.monotonic() + give_up
            delay = 0.1
            while True:
                outcome = "no answer"
                try:
                    if batch:
                        response = http.post(
                            "/api/v1/observations/batch", json={"items": items}, headers=headers
                        )
                    else:
                        response = http.post("/api/v1/observations", json=items[0], headers=headers)
                    outcome = str(response.status_code)
                except httpx.HTTPError:
                    response = None
                with tally.lock:
                    tally.answers[outcome] += 1
                if response is not None and response.status_code < 300:
                    body = response.json()
                    reads = [i for i in body["items"]] if batch else [None]
                    with tally.lock:
                        tally.up_again.append(time.monotonic())
                        if batch:
                            for item, read in zip(items, reads, strict=True):
                                tally.accepted[item["client_id"]] = read["observation"]["id"]
                                tally.replayed += read["result"] == "duplicate"
                        else:
                            tally.accepted[items[0]["client_id"]] = body["id"]
                            tally.replayed += response.status_code == 200
                    break
                if response is not None and response.status_code < 500:
                    raise SystemExit(f"refused: {response.status_code} {response.text[:300]}")
                if time.monotonic() > deadline:
                    with tally.lock:
                        tally.given_up += [item["client_id"] for item in items]
                    break
                with tally.lock:
                    tally.retries += 1
                time.sleep(delay * rng.uniform(0.5, 1.0))
                delay = min(delay * 2, 5.0)
            next_at = max(next_at + 1 / rate, time.monotonic() - 1)
            pause = next_at - time.monotonic()
            if pause > 0:
                time.sleep(pause)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patients", type=int, default=200)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rate", type=float, default=40.0, help="requests a second, all clients")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--down", type=float, default=5.0, help="seconds the database is down")
    parser.add_argument("--give-up", type=float, default=120.0)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(0, {0})

    cluster = Cluster()
    try:
        cluster.init()
        cluster.start()
        with cluster.connect("postgres") as conn:
            conn.execute(f"CREATE DATABASE {DATABASE}")
        url = cluster.url(DATABASE)
        migrate.upgrade(url)
        world = build_world(url, args.patients, home_since=timedelta(minutes=10))
        bearer = token(url, world.device_id)
        tally = Tally()
        events: list[tuple[float, str]] = []
        log = cluster.root / "uvicorn.log"
        with uvicorn_server(url, cpu=1, log=log) as base:
            start = time.monotonic()
            until = start + args.seconds
            threads = [
                threading.Thread(
                    target=client,
                    args=(base, bearer, world.homes),
                    kwargs={
                        "number": i,
                        "rate": args.rate / args.clients,
                        "until": until,
                        "give_up": args.give_up,
                        "tally": tally,
                    },
                )
                for i in range(args.clients)
            ]
            for t in threads:
                t.start()
            for at, mode in ((args.seconds / 3, "fast"), (2 * args.seconds / 3, "immediate")):
                time.sleep(max(0.0, start + at - time.monotonic()))
                events.append((time.monotonic() - start, f"stop -m {mode}"))
                cluster.stop(mode)
                time.sleep(args.down)
                events.append((time.monotonic() - start, "start"))
                cluster.start()
                events.append((time.monotonic() - start, "accepting connections"))
            for t in threads:
                t.join()
            elapsed = time.monotonic() - start
        with cluster.connect(DATABASE) as conn:
            rows = conn.execute(
                "SELECT client_id, count(*), min(id::text) FROM observation_sets "
                "WHERE client_id LIKE 'fault/%' GROUP BY client_id"
            ).fetchall()
        server_errors = log.read_text().count("unexpected error")
    finally:
        cluster.remove()

    stored = {client_id: set_id for client_id, _, set_id in rows}
    twice = [client_id for client_id, count, _ in rows if count > 1]
    accepted = set(tally.accepted)
    missing = accepted - set(stored)
    unaccepted = set(stored) - accepted
    other_id = [c for c in accepted & set(stored) if stored[c] != tally.accepted[c]]
    recovery = []
    for at, what in events:
        if what == "accepting connections":
            later = [t - start for t in tally.up_again if t - start >= at]
            recovery.append(f"{min(later) - at:.2f} s" if later else "never")

    print(f"Fault run: {args.seconds:.0f} s of load, {args.clients} clients, {args.rate:.0f} req/s")
    for at, what in events:
        print(f"  {at:6.1f} s  database {what}")
    print(f"  first 2xx after each restart: {', '.join(recovery)} after it accepted connections")
    print(f"  ran {elapsed:.0f} s (clients finish their retries)")
    print()
    print(
        "| sets sent | accepted (2xx) | stored | stored twice | accepted, not stored "
        "| stored, not accepted | other id | given up | replayed | retries |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    print(
        f"| {tally.sent_sets} | {len(accepted)} | {len(stored)} | {len(twice)} | {len(missing)} "
        f"| {len(unaccepted)} | {len(other_id)} | {len(tally.given_up)} | {tally.replayed} "
        f"| {tally.retries} |"
    )
    print()
    answers = ", ".join(f"{code}: {n}" for code, n in sorted(tally.answers.items()))
    print(f"Answers: {answers}; unexpected errors in the server log: {server_errors}")
    ok = (
        accepted == set(stored)
        and not twice
        and not other_id
        and "500" not in tally.answers
        and not server_errors
    )
    print("RESULT:", "accepted == stored, no duplicates, no 500" if ok else "FAILED")
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
