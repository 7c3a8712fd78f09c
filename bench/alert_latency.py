"""Alert latency (issue 5): from the accepted request to the alert being visible on the
command centre's live feed, at a steady load of vital-sign sets.

Not a test. A fresh PostgreSQL database ``samband_bench_latency`` with 1 000 patients at home
(they came home 10 minutes ago, so no scheduled measurement is missed during the run), a
real uvicorn server in a subprocess (one worker, pinned to core 1, the background alert
checks on as in production), and in this process (core 0):

- a load generator sending ``--rate`` sets a second (default 200) as ``--per-request`` sets
  per POST (default 1: ``POST /api/v1/observations``; more: the batch endpoint), from
  ``--senders`` threads, each on a fixed schedule; every ``--alert-every``-th set (default 1
  in 100) is alerting (NEWS2 high or medium, or a care-plan limit) for a patient that has no
  active alert, so each one opens a new alert;
- a poller of the overview's live feed (``GET /overview/live``, the HTML the page fetches
  every 10 s, logged in as the care-contact nurse), polling back to back, and optionally of
  ``GET /api/v1/alerts`` (``--also-api``).

An alert's latency is the time from the moment its set's 2xx answer arrived (accepted:
committed) to the end of the first poll whose answer shows the alert. This is server-side
visibility: a browser polls every 10 s, so a person sees it up to 10 s later; what is
measured is the first poll that *could* show it. Median and p99 over every alert of the run.

    taskset -c 0 .venv/bin/python bench/alert_latency.py --seconds 60
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
from monitoring_world import (
    Home,
    build_world,
    database,
    observation,
    token,
    uvicorn_server,
)

from samband.kit.time import utcnow

ALERT_LINK = re.compile(r"/alerts/([0-9a-f-]{36})")


@dataclass
class Sent:
    accepted: float  # monotonic time the 2xx answer arrived
    sent: float
    alert_ids: list[str]


@dataclass
class Polls:
    name: str
    first_seen: dict[str, float] = field(default_factory=dict)
    durations: list[float] = field(default_factory=list)
    errors: int = 0


@dataclass
class Load:
    sent: int = 0
    refused: dict[int, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)  # request round trips
    alerting: list[Sent] = field(default_factory=list)
    late: float = 0.0  # how far behind schedule the senders fell, at most
    lock: threading.Lock = field(default_factory=threading.Lock)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def sender(
    base: str,
    bearer: str,
    homes: list[Home],
    alert_homes: list[Home],
    *,
    rate: float,
    per_request: int,
    alert_every: int,
    until: float,
    load: Load,
    seed: int,
) -> None:
    rng = random.Random(seed)
    headers = {"Authorization": f"Bearer {bearer}"}
    interval = per_request / rate
    next_at = time.monotonic()
    n = 0
    with httpx.Client(base_url=base, timeout=30) as client:
        while next_at < until:
            delay = next_at - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            else:
                load.late = max(load.late, -delay)
            items: list[dict[str, Any]] = []
            alerting = False
            for _ in range(per_request):
                n += 1
                alert = n % alert_every == 0 and bool(alert_homes)
                home = alert_homes.pop() if alert else rng.choice(homes)
                alerting = alerting or alert
                items.append(
                    observation(
                        rng,
                        home,
                        at=utcnow() - timedelta(seconds=5),
                        client_id=f"lat/{seed}/{n}/{uuid.uuid4().hex[:8]}",
                        alert=alert,
                    )
                )
            started = time.monotonic()
            if per_request == 1:
                response = client.post("/api/v1/observations", json=items[0], headers=headers)
            else:
                response = client.post(
                    "/api/v1/observations/batch", json={"items": items}, headers=headers
                )
            done = time.monotonic()
            with load.lock:
                load.latencies.append(done - started)
                if response.status_code >= 300:
                    load.refused[response.status_code] = (
                        load.refused.get(response.status_code, 0) + 1
                    )
                else:
                    load.sent += len(items)
                    if alerting:
                        body = response.json()
                        reads = (
                            [body]
                            if per_request == 1
                            else [i["observation"] for i in body["items"]]
                        )
                        ids = [str(a) for read in reads for a in read["alert_ids"]]
                        if ids:
                            load.alerting.append(Sent(done, started, ids))
            next_at += interval


def poller(
    base: str,
    path: str,
    cookies: dict[str, str],
    headers: dict[str, str],
    polls: Polls,
    until: float,
) -> None:
    with httpx.Client(base_url=base, timeout=30, cookies=cookies) as client:
        while time.monotonic() < until:
            started = time.monotonic()
            try:
                response = client.get(path, headers=headers)
            except httpx.HTTPError:
                polls.errors += 1
                continue
            done = time.monotonic()
            polls.durations.append(done - started)
            if response.status_code != 200:
                polls.errors += 1
                continue
            if path.startswith("/api/"):
                found = {str(a["id"]) for a in response.json()}
            else:
                found = set(ALERT_LINK.findall(response.text))
            for alert_id in found:
                polls.first_seen.setdefault(alert_id, done)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patients", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=200.0, help="sets a second")
    parser.add_argument("--per-request", type=int, default=10)
    parser.add_argument("--senders", type=int, default=8)
    parser.add_argument("--alert-every", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds before measuring")
    parser.add_argument("--also-api", action="store_true", help="poll GET /api/v1/alerts too")
    parser.add_argument("--server-cpu", type=int, default=1)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(0, {1 - args.server_cpu})

    with database("postgresql", "samband_bench_latency", keep=args.keep) as url:
        world = build_world(url, args.patients, home_since=timedelta(minutes=10))
        device, nurse = token(url, world.device_id), token(url, world.nurse_id)
        homes = list(world.homes)
        random.Random(3).shuffle(homes)
        with uvicorn_server(
            url, cpu=args.server_cpu, env={"SAMBAND_ALERT_TICK_SECONDS": "30"}
        ) as base:
            # warm up: the first requests compile queries and fill the pool
            warm = time.monotonic() + args.warmup
            load = Load()
            threads = [
                threading.Thread(
                    target=sender,
                    args=(base, device, homes, []),
                    kwargs={
                        "rate": args.rate / args.senders,
                        "per_request": args.per_request,
                        "alert_every": 10**9,
                        "until": warm,
                        "load": load,
                        "seed": 1000 + i,
                    },
                )
                for i in range(args.senders)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()

            start = time.monotonic()
            until = start + args.seconds
            load = Load()
            # each sender gets its own patients for alerting sets: one new alert each
            alert_homes = [homes[i :: args.senders] for i in range(args.senders)]
            polls = [Polls("/overview/live")]
            if args.also_api:
                polls.append(Polls("/api/v1/alerts"))
            threads = [
                threading.Thread(
                    target=sender,
                    args=(base, device, homes, alert_homes[i]),
                    kwargs={
                        "rate": args.rate / args.senders,
                        "per_request": args.per_request,
                        "alert_every": args.alert_every,
                        "until": until,
                        "load": load,
                        "seed": i,
                    },
                )
                for i in range(args.senders)
            ]
            threads += [
                threading.Thread(
                    target=poller,
                    args=(
                        base,
                        p.name,
                        {"samband_session": nurse},
                        {"Authorization": f"Bearer {nurse}"} if p.name.startswith("/api/") else {},
                        p,
                        until + 5,
                    ),
                )
                for p in polls
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.monotonic() - start

    print(
        f"Load: {load.sent} sets in {args.seconds:.0f} s = {load.sent / args.seconds:.0f} sets/s "
        f"({args.per_request} per request, {args.senders} senders); refused: {load.refused or 0}; "
        f"request round trip median {statistics.median(load.latencies) * 1000:.0f} ms, "
        f"p99 {percentile(load.latencies, 99) * 1000:.0f} ms; senders at most "
        f"{load.late * 1000:.0f} ms behind schedule; run {elapsed:.0f} s"
    )
    print()
    print(
        "| feed | polls | poll median ms | poll p99 ms | alerts | seen | latency median ms "
        "| latency p99 ms | latency max ms |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for p in polls:
        latencies = []
        for s in load.alerting:
            seen = [p.first_seen[a] for a in s.alert_ids if a in p.first_seen]
            if seen:
                latencies.append(min(seen) - s.accepted)
        median, p99 = statistics.median(latencies), percentile(latencies, 99)
        print(
            f"| `{p.name}` | {len(p.durations)} | {statistics.median(p.durations) * 1000:.0f} "
            f"| {percentile(p.durations, 99) * 1000:.0f} | {len(load.alerting)} "
            f"| {len(latencies)} | **{median * 1000:.0f}** | **{p99 * 1000:.0f}** "
            f"| {max(latencies) * 1000:.0f} |"
        )


if __name__ == "__main__":
    main()
