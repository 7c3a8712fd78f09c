"""Batch ingestion throughput (issue 5): observation sets per second, scored (NEWS2), checked
for plausibility, alerted on and access-logged, for 1 000 patients at home.

Not a test. For each database (SQLite file, PostgreSQL database ``samband_bench_ingest``,
both made fresh and the PostgreSQL one dropped afterwards) and each way in:

- ``service``: ``monitoring.intake.ingest`` in this process, exactly as one request does
  it (the token checked, the items validated by the Pydantic schema, ingest, the access log
  written, one commit), without HTTP: what the ingestion code itself takes in;
- ``http``: ``POST /api/v1/observations/batch`` to a real uvicorn server (one worker, one
  process, pinned to core 1; this client on core 0), one request at a time: what one
  server process takes in, the request's JSON parsed and validated and the answer (the
  stored set for each item) written. The honest "single process" figure. The client's
  own JSON work is kept out of the timing (bodies encoded before, answers only checked
  for their count; the database is counted afterwards);
- ``testclient``: the same requests through FastAPI's TestClient (server and client share
  this process and its core).

Every way runs with the garbage collector as the app's start-up leaves it
(``app.settle_garbage_collector``; ``service`` calls it after its warm-up).

Before measuring, each patient's last ``--history-days`` days (3 normal sets a day) are
taken in and the database is ANALYZEd, as a service that has run for a while (not timed).
Every batch holds ``--batch`` sets (default 500) of distinct patients with a client_id each;
about 3 % raise an alert (NEWS2 high or medium, or a care-plan limit) and 0.5 % hold an
implausible value. The first batch warms up and is not counted. The background alert checks
are off (``SAMBAND_ALERT_TICK_SECONDS=0``): they are not part of ingestion.

    taskset -c 1 .venv/bin/python bench/ingest.py                         # everything
    taskset -c 1 .venv/bin/python bench/ingest.py --db postgresql --via service \
        --profile var/bench/ingest.prof
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import time
from datetime import timedelta
from typing import Any

os.environ["SAMBAND_ALERT_TICK_SECONDS"] = "0"

import httpx  # noqa: E402
from monitoring_world import (  # noqa: E402
    World,
    build_world,
    database,
    load_history,
    observation,
    token,
    uvicorn_server,
)
from sqlalchemy import func, select  # noqa: E402

from samband.app import settle_garbage_collector  # noqa: E402
from samband.db import make_engine, make_sessionmaker  # noqa: E402
from samband.kit.time import utcnow  # noqa: E402
from samband.models import Alert, AlertCause, AuditEvent, ObservationSet  # noqa: E402
from samband.monitoring import intake as service  # noqa: E402
from samband.observations.schemas import ObservationBatch  # noqa: E402
from samband.security import service as security  # noqa: E402
from samband.security.context import AccessLog, Context  # noqa: E402

PATH = "/api/v1/observations/batch"


def batches(
    world: World, count: int, size: int, *, alert_share: float, seed: int = 1
) -> list[list[dict[str, Any]]]:
    """``count`` batches of ``size`` sets, each batch of distinct patients, measured one
    second apart over the last hours."""
    rng = random.Random(seed)
    homes = world.homes
    start = utcnow() - timedelta(seconds=count * size + 600)
    out: list[list[dict[str, Any]]] = []
    n = 0
    for b in range(count):
        batch = []
        for i in range(size):
            home = homes[(b * size + i) % len(homes)]
            batch.append(
                observation(
                    rng,
                    home,
                    at=start + timedelta(seconds=n),
                    client_id=f"bench/{b}/{i}",
                    alert=rng.random() < alert_share,
                    implausible=rng.random() < 0.005,
                )
            )
            n += 1
        out.append(batch)
    return out


def run_service(url: str, world: World, work: list[list[dict[str, Any]]]) -> list[float]:
    engine = make_engine(url)
    factory = make_sessionmaker(engine)
    bearer = token(url, world.device_id)
    times: list[float] = []
    for n, batch in enumerate(work):
        if n == 1:  # after the warm-up, as the app does at start-up (app._lifespan)
            settle_garbage_collector()
        started = time.perf_counter()
        session = factory()
        try:
            log = AccessLog()
            actor = security.authenticate_token(session, bearer)
            items = ObservationBatch.model_validate({"items": batch}).items
            results = service.ingest(Context(session, actor, log), items)
            log.write(session, actor, method="POST", path=PATH, status_code=None)
            session.commit()
        finally:
            session.close()
        times.append(time.perf_counter() - started)
        if sum(r.created for r in results) != len(batch):
            raise SystemExit("a batch was not stored whole")
    engine.dispose()
    return times


def run_http(
    url: str, world: World, work: list[list[dict[str, Any]]], *, testclient: bool
) -> list[float]:
    bearer = token(url, world.device_id)
    headers = {"Authorization": f"Bearer {bearer}", "Content-Type": "application/json"}
    # the client's own work (JSON in and out) is kept out of the timing: encoded before,
    # and the answer only checked for its count (the database is counted afterwards)
    bodies = [json.dumps({"items": batch}).encode() for batch in work]
    times: list[float] = []

    def send(client: Any) -> None:
        for batch, body in zip(work, bodies, strict=True):
            started = time.perf_counter()
            response = client.post(PATH, content=body, headers=headers)
            times.append(time.perf_counter() - started)
            created = f'{{"created":{len(batch)},'.encode()
            if response.status_code != 200 or not response.content.startswith(created):
                raise SystemExit(f"batch refused: {response.status_code} {response.text[:300]}")

    if testclient:
        from fastapi.testclient import TestClient

        from samband.app import create_app

        with TestClient(create_app(database_url=url)) as client:
            send(client)
        return times
    with Pinned(0), uvicorn_server(url, cpu=1) as base:
        with httpx.Client(base_url=base, timeout=120) as client:
            send(client)
    return times


class Pinned:
    """Run this process on ``cpu`` for a while (the server gets the other core)."""

    def __init__(self, cpu: int) -> None:
        self.cpu = cpu
        self.before: set[int] | None = None

    def __enter__(self) -> None:
        if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 1:
            self.before = os.sched_getaffinity(0)
            os.sched_setaffinity(0, {self.cpu})

    def __exit__(self, *_: object) -> None:
        if self.before is not None:
            os.sched_setaffinity(0, self.before)


def stored(url: str) -> dict[str, int]:
    """What the measured batches left in the database (the history not counted)."""
    engine = make_engine(url)
    mine = ObservationSet.client_id.like("bench/%")

    def count(query: Any) -> int:
        return int(session.scalar(query) or 0)

    with make_sessionmaker(engine)() as session:
        counts = {
            "stored": count(select(func.count()).where(mine)),
            "client_ids": count(
                select(func.count(func.distinct(ObservationSet.client_id))).where(mine)
            ),
            "alerts": count(select(func.count()).select_from(Alert)),
            "causes": count(select(func.count()).select_from(AlertCause)),
            "flagged": count(
                select(func.count()).where(mine, ObservationSet.needs_confirmation.is_(True))
            ),
            "access_log": count(select(func.count()).where(AuditEvent.path == PATH)),
        }
    engine.dispose()
    return counts


def measure(kind: str, via: str, args: argparse.Namespace) -> dict[str, Any]:
    name = f"samband_bench_ingest_{via}" if kind == "postgresql" else f"ingest-{via}"
    with database(kind, name, keep=args.keep) as url:
        t0 = time.perf_counter()
        world = build_world(url, args.patients)
        history = load_history(url, world, days=args.history_days)
        built = time.perf_counter() - t0
        work = batches(world, args.batches + 1, args.batch, alert_share=args.alert_share)
        profiler = None
        if args.profile and via == "service":
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        if via == "service":
            times = run_service(url, world, work)
        else:
            times = run_http(url, world, work, testclient=via == "testclient")
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(f"{args.profile}.{kind}")
        counts = stored(url)
    measured = times[1:]  # the first batch warms up
    sets = args.batch * len(measured)
    total = sum(measured)
    expected = args.batch * len(times)
    if not counts["stored"] == expected == counts["client_ids"]:
        raise SystemExit(f"stored {counts}, expected {expected} sets")
    return {
        "db": kind,
        "via": via,
        "sets": sets,
        "seconds": total,
        "rate": sets / total,
        "median_ms": statistics.median(measured) * 1000,
        "max_ms": max(measured) * 1000,
        "built_s": built,
        "history": history,
        **counts,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument(
        "--via", default="service,http,testclient", help="service, http, testclient"
    )
    parser.add_argument("--patients", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--batches", type=int, default=20, help="measured, after one warm-up")
    parser.add_argument("--alert-share", type=float, default=0.03)
    parser.add_argument(
        "--history-days", type=int, default=3, help="3 normal sets a day per patient before"
    )
    parser.add_argument("--profile", help="cProfile output prefix (service only)")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    args = parser.parse_args()

    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    rows = []
    for kind in kinds:
        for via in [v.strip() for v in args.via.split(",") if v.strip()]:
            row = measure(kind, via, args)
            rows.append(row)
            print(
                f"{kind:10} {via:10} {row['rate']:8.0f} sets/s  "
                f"(batch median {row['median_ms']:.0f} ms)",
                flush=True,
            )
    print()
    print(
        f"Batch ingestion, {args.patients} patients at home, batches of {args.batch} "
        f"({args.batches} measured after one warm-up), {args.alert_share:.0%} alerting; "
        f"Python {platform.python_version()}, {os.cpu_count()} cores."
    )
    print()
    print(
        "| database | way in | sets | seconds | sets/s | batch median ms | batch max ms "
        "| alerts (causes) | flagged | access-log rows |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(
            f"| {r['db']} | {r['via']} | {r['sets']} | {r['seconds']:.2f} | **{r['rate']:.0f}** "
            f"| {r['median_ms']:.0f} | {r['max_ms']:.0f} | {r['alerts']} ({r['causes']}) "
            f"| {r['flagged']} | {r['access_log']} |"
        )


if __name__ == "__main__":
    main()
