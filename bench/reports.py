"""Reports for a year of a busy region: generate the history, import it, make the reports.

Not a test. ``generate`` writes a year of episode history in the import format
(docs/import-format.md), deterministic for a seed: a region's hospital-at-home services on
four pathways (OPAT and heart failure as early supported discharge, COPD and palliative care
as admission avoidance), spread over the year with more in winter, through the whole funnel
(not eligible, declined, withdrawn before home), 1–3 visits a day at home, stays with a
median of about 4–5 days, ED visits and readmissions during the episode (some resumed at
home), deaths (mostly palliative) and follow-up readmissions, ED visits and deaths after
discharge. ``run`` times, on each database given, `samband db upgrade`, `samband import
episodes` (and importing the same file again), and `samband report` as CSV and HTML (and
PDF and Parquet), each as its own process, as an operator would run them:

    .venv/bin/python bench/reports.py generate --episodes 6000 --seed 1 > var/year.csv
    .venv/bin/python bench/reports.py run --episodes 6000 \\
        --database sqlite:///var/bench-reports.db \\
        --database postgresql+psycopg://postgres@127.0.0.1:5432/samband_bench

Each database is emptied first (SQLite: the file is removed; PostgreSQL: the public schema
is dropped and created again), so give one that holds nothing else.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
SAMBAND = Path(sys.executable).parent / "samband"
STOCKHOLM = ZoneInfo("Europe/Stockholm")
HEADER = "episode,personnummer,pathway,type,event,at"

# pathway: (type, share of episodes, median stay at home in days, visits a day, death risk)
PATHWAYS = {
    "opat": ("early_supported_discharge", 0.35, 5.0, 3.0, 0.002),
    "heart-failure": ("early_supported_discharge", 0.20, 5.0, 1.5, 0.02),
    "copd": ("admission_avoidance", 0.30, 4.0, 1.5, 0.01),
    "palliative": ("admission_avoidance", 0.15, 8.0, 2.0, 0.35),
}


def _luhn(nine: str) -> int:
    total = 0
    for i, c in enumerate(nine):
        p = int(c) * (2 if i % 2 == 0 else 1)
        total += p // 10 + p % 10
    return (10 - total % 10) % 10


def _personnummer(rng: random.Random) -> str:
    born = date(1925, 1, 1) + timedelta(days=rng.randrange(0, 365 * 70))
    serial = rng.randrange(0, 1000)
    nine = f"{born:%y%m%d}{serial:03d}"
    return f"{born:%Y%m%d}-{serial:03d}{_luhn(nine)}"


def _when(t: datetime) -> str:
    return t.astimezone(STOCKHOLM).strftime("%Y-%m-%dT%H:%M:%S%z")


def _start(rng: random.Random, year: int) -> datetime:
    """A time in the year, more often in winter (the seasonal peak of infections and COPD)."""
    while True:
        day = rng.randrange(0, 365)
        if rng.random() < 0.6 + 0.4 * math.cos(2 * math.pi * (day - 15) / 365):
            break
    minute = rng.randrange(7 * 60, 17 * 60)
    local = datetime(year, 1, 1, tzinfo=STOCKHOLM) + timedelta(days=day, minutes=minute)
    return local


def _later(rng: random.Random, t: datetime, hours_low: float, hours_high: float) -> datetime:
    return t + timedelta(hours=rng.uniform(hours_low, hours_high))


def episode_rows(n: int, rng: random.Random, year: int) -> list[str]:
    rows: list[str] = []
    names = list(PATHWAYS)
    weights = [PATHWAYS[p][1] for p in names]
    for i in range(n):
        pathway = rng.choices(names, weights)[0]
        kind, _, median_stay, visits_a_day, death_risk = PATHWAYS[pathway]
        episode = f"R{year}-{i + 1:05d}"
        pnr = _personnummer(rng)
        events: list[tuple[str, datetime]] = []
        t = _start(rng, year)

        add = events.append
        add(("candidate", t))
        t = _later(rng, t, 1, 20)
        if rng.random() < 0.10:
            add(("not_eligible", t))
        else:
            add(("assessed", t))
            t = _later(rng, t, 1, 24)
            r = rng.random()
            if r < 0.08:
                add(("declined", t))
            elif r < 0.11:
                add(("withdrawn", t))
            else:
                add(("consented", t))
                t = _later(rng, t, 1, 12)
                add(("planned", t))
                t = _later(rng, t, 2, 30)
                add(("at_home", t))
                stay = rng.lognormvariate(math.log(median_stay), 0.5)
                end = t + timedelta(days=stay)
                day = t
                while day < end:
                    for _ in range(max(0, round(rng.gauss(visits_a_day, 0.7)))):
                        visit = day + timedelta(hours=rng.uniform(0.5, 10))
                        if visit < end:
                            add(("visit_done", visit))
                    day += timedelta(days=1)
                if rng.random() < 0.03:
                    add(("ed_visit", t + (end - t) * rng.uniform(0.1, 0.9)))
                outcome = rng.random()
                if outcome < death_risk:
                    add(("deceased", end))
                elif outcome < death_risk + 0.07:
                    add(("readmitted", end))
                    if rng.random() < 0.3:  # back home after a short stay
                        back = end + timedelta(days=rng.uniform(1, 3))
                        add(("at_home", back))
                        add(("discharged", back + timedelta(days=rng.uniform(1, 4))))
                elif outcome < death_risk + 0.09:
                    add(("withdrawn", end))
                else:
                    add(("discharged", end))
                    f = rng.random()
                    if f < 0.10:
                        add(("readmitted", end + timedelta(days=rng.uniform(1, 40))))
                    elif f < 0.15:
                        add(("ed_visit", end + timedelta(days=rng.uniform(1, 40))))
                    elif f < 0.16:
                        add(("deceased", end + timedelta(days=rng.uniform(1, 40))))
        for event, at in events:
            rows.append(f"{episode},{pnr},{pathway},{kind},{event},{_when(at)}")
    return rows


def generate(n: int, seed: int, year: int) -> str:
    rng = random.Random(seed)
    return HEADER + "\n" + "\n".join(episode_rows(n, rng, year)) + "\n"


# -- run --------------------------------------------------------------------------------------


def _empty(url: str) -> None:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        return
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _timed(url: str, *args: str) -> tuple[float, str]:
    env = dict(os.environ, SAMBAND_DATABASE_URL=url)
    start = time.perf_counter()
    done = subprocess.run(  # noqa: S603 - our own command
        [str(SAMBAND), *args], env=env, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"samband {' '.join(args)} failed:\n{done.stderr}")
    return seconds, (done.stdout + done.stderr).strip()


def run(urls: list[str], n: int, seed: int, year: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        history = folder / "year.csv"
        history.write_text(generate(n, seed, year), encoding="utf-8")
        rows = history.read_text(encoding="utf-8").count("\n") - 1
        print(f"{n} episodes, {rows} rows ({history.stat().st_size / 1e6:.1f} MB), seed {seed}")
        print()
        print(
            "| database | import | import again | report csv | report html | report pdf "
            "| report parquet |"
        )
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        period = ("--from", f"{year}-01-01", "--to", f"{year}-12-31")
        for url in urls:
            _empty(url)
            _timed(url, "db", "upgrade")
            imported, said = _timed(url, "import", "episodes", str(history))
            again, said_again = _timed(url, "import", "episodes", str(history))
            times = []
            for fmt in ("csv", "html", "pdf", "parquet"):
                out = folder / f"report.{fmt}"
                seconds, _ = _timed(url, "report", *period, "--format", fmt, "--out", str(out))
                times.append(seconds)
            csv_rows = (folder / "report.csv").read_text(encoding="utf-8").count("\n") - 1
            name = url.split(":", 1)[0].split("+")[0]
            print(
                f"| {name} | {imported:.1f} s | {again:.1f} s | "
                + " | ".join(f"{t:.1f} s" for t in times)
                + " |"
            )
            print(f"<!-- {said} / {said_again} / {csv_rows} CSV rows -->", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("generate", help="print a year of history as CSV")
    r = sub.add_parser("run", help="import and report on each database, print the timings")
    for p in (g, r):
        p.add_argument("--episodes", type=int, default=6000)
        p.add_argument("--seed", type=int, default=1)
        p.add_argument("--year", type=int, default=2025)
    r.add_argument("--database", action="append", required=True, help="a database URL")
    args = parser.parse_args()
    if args.command == "generate":
        sys.stdout.write(generate(args.episodes, args.seed, args.year))
    else:
        run(args.database, args.episodes, args.seed, args.year)


if __name__ == "__main__":
    main()
