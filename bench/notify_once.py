"""Every escalation notified exactly once (issue 11): two app processes and two
procrastinate workers on PostgreSQL, alerts raised for ``--minutes`` (default 60) and never
acknowledged, so each climbs level 1 → 2 → 3.

Not a test. A fresh PostgreSQL database ``samband_bench_once`` with ``--patients`` patients
at home, a physician and a nurse on call around the clock, every recipient reached by
e-mail; an SMTP server in this process (aiosmtpd) records each message (its reference
``L-xxxxxxxx``, recipient and level). ``samband serve --workers 2`` and two ``samband
worker`` run as subprocesses with the alert tick every ``--tick`` seconds and escalation
after ``--escalate`` minutes for every severity (so one run shows many escalations). A
load generator sends an alerting set for a new patient every ``60 / --per-minute``
seconds (each opens one new alert), and normal sets in between, through both app processes.

At the end (after the queue drains) it checks, from the database and the mailbox:

- each alert reached each level at most once, in order, and as far as its age allows;
- each (alert, level, person) has exactly one notification, and each e-mail delivery was
  sent exactly once: as many messages arrived as deliveries were sent, none twice;
- the alert tick ran once per slot (procrastinate's periodic defers: no slot twice).

    .venv/bin/python bench/notify_once.py --minutes 60
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from email import message_from_bytes, policy
from typing import Any

import httpx
from aiosmtpd.controller import Controller
from monitoring_world import ROOT, _wait_for, build_world, database, free_port, observation, token
from notify_latency import put_on_call
from sqlalchemy import text

from samband.db import make_engine
from samband.kit.time import utcnow

REFERENCE = re.compile(r"L-([0-9A-F]{8})")
LEVEL = re.compile(r"(?:nivå|level) (\d)")


@dataclass
class Mailbox:
    messages: list[tuple[str, str, int]] = field(default_factory=list)  # (ref, to, level)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = message_from_bytes(envelope.content, policy=policy.default)
        subject = str(message["Subject"])
        ref = REFERENCE.search(subject)
        level = LEVEL.search(subject)
        with self.lock:
            for to in envelope.rcpt_tos:
                self.messages.append(
                    (ref.group(1) if ref else "?", to, int(level.group(1)) if level else 1)
                )
        return "250 OK"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--patients", type=int, default=400)
    parser.add_argument("--per-minute", type=float, default=6.0, help="new alerts a minute")
    parser.add_argument("--normal-per-second", type=float, default=5.0)
    parser.add_argument("--tick", type=int, default=5, help="alert tick, seconds")
    parser.add_argument("--escalate", type=int, default=1, help="minutes to the next level")
    parser.add_argument("--drain", type=float, default=120.0)
    args = parser.parse_args()

    mailbox = Mailbox()
    smtp_port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    env = {
        "SAMBAND_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
        "SAMBAND_ALERT_TICK_SECONDS": str(args.tick),
        "SAMBAND_ESCALATE_HIGH_MIN": str(args.escalate),
        "SAMBAND_ESCALATE_MEDIUM_MIN": str(args.escalate),
        "SAMBAND_ESCALATE_LOW_MIN": str(args.escalate),
        "SAMBAND_AUDIT_CHECKPOINT_MINUTES": "0",
        "SAMBAND_MISSED_LOOKBACK_HOURS": "1",
    }
    processes: list[subprocess.Popen[bytes]] = []
    try:
        with database("postgresql", "samband_bench_once") as url:
            world = build_world(url, args.patients, home_since=timedelta(minutes=5))
            put_on_call(url)
            device = token(url, world.device_id)
            environment = {**os.environ, "SAMBAND_DATABASE_URL": url, **env}
            port = free_port()
            log = open(ROOT / "var" / "bench" / "notify_once.log", "w")  # noqa: SIM115
            processes.append(
                subprocess.Popen(  # noqa: S603
                    [
                        sys.executable,
                        "-m",
                        "samband",
                        "serve",
                        "--port",
                        str(port),
                        "--workers",
                        "2",
                    ],
                    env=environment,
                    cwd=ROOT,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
            for _ in range(2):
                processes.append(
                    subprocess.Popen(  # noqa: S603
                        [
                            sys.executable,
                            "-m",
                            "samband",
                            "worker",
                            "--concurrency",
                            "4",
                            "--keep-finished",
                        ],
                        env=environment,
                        cwd=ROOT,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    )
                )
            base = f"http://127.0.0.1:{port}"
            _wait_for(base, processes[0])
            rng = random.Random(11)
            homes = list(world.homes)
            rng.shuffle(homes)
            fresh = list(homes)
            headers = {"Authorization": f"Bearer {device}"}
            started = time.monotonic()
            until = started + args.minutes * 60
            alert_every = 60.0 / args.per_minute
            next_alert = started
            sent = refused = opened = 0
            with httpx.Client(base_url=base, timeout=30) as client:
                while time.monotonic() < until:
                    now = time.monotonic()
                    alerting = now >= next_alert and bool(fresh)
                    home = fresh.pop() if alerting else rng.choice(homes)
                    if alerting:
                        next_alert += alert_every
                    body = observation(
                        rng,
                        home,
                        at=utcnow() - timedelta(seconds=2),
                        client_id=None,
                        alert=alerting,
                    )
                    response = client.post("/api/v1/observations", json=body, headers=headers)
                    if response.status_code >= 300:
                        refused += 1
                    else:
                        sent += 1
                        opened += len(response.json().get("alert_ids") or []) if alerting else 0
                    time.sleep(max(0.0, 1 / args.normal_per_second - (time.monotonic() - now)))
            # let the last alerts climb, and the queue drain
            time.sleep(min(args.drain, 3 * args.escalate * 60 + 30))
            engine = make_engine(url)
            with engine.connect() as conn:
                for _ in range(int(args.drain)):
                    waiting = conn.execute(
                        text(
                            "SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing')"
                        )
                    ).scalar_one()
                    if not waiting:
                        break
                    time.sleep(1)
                    conn.rollback()
                alerts = conn.execute(
                    text("SELECT id, history, escalation_level, created_at FROM alerts")
                ).all()
                notes = conn.execute(
                    text(
                        "SELECT alert_id, user_id, kind, params FROM notifications WHERE alert_id IS NOT NULL"
                    )
                ).all()
                emails = conn.execute(
                    text(
                        "SELECT d.status, count(*) FROM notification_deliveries d "
                        "WHERE d.channel = 'email' GROUP BY d.status"
                    )
                ).all()
                ticks = conn.execute(
                    text(
                        "SELECT count(*), count(DISTINCT args->>'timestamp') FROM procrastinate_jobs "
                        "WHERE task_name = 'alerts.tick'"
                    )
                ).one()
            engine.dispose()
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        controller.stop()

    twice_escalated = 0
    levels = collections.Counter()
    for _id, history, level, _created in alerts:
        reached = [e.get("level") for e in history if e.get("event") == "escalated"]
        twice_escalated += len(reached) != len(set(reached))
        levels[level] += 1
    per_person = collections.Counter(
        (str(a), str(u), (p or {}).get("level", 1)) for a, u, _k, p in notes
    )
    duplicate_notes = sum(1 for c in per_person.values() if c > 1)
    per_mail = collections.Counter(mailbox.messages)
    duplicate_mails = sum(1 for c in per_mail.values() if c > 1)
    sent_emails = dict(emails).get("sent", 0)
    print(
        f"{args.minutes:g} min, 2 app processes + 2 workers, PostgreSQL; tick {args.tick} s, escalation after {args.escalate} min"
    )
    print(
        f"sets sent {sent} (refused {refused}); alerts opened {len(alerts)}; by level reached: {dict(sorted(levels.items()))}"
    )
    print(
        f"notifications about alerts: {len(notes)}; (alert, person, level) notified twice: {duplicate_notes}"
    )
    print(f"alerts with a level reached twice: {twice_escalated}")
    print(
        f"e-mail deliveries by status: {dict(emails)}; messages received: {len(mailbox.messages)}; received twice: {duplicate_mails}; sent == received: {sent_emails == len(mailbox.messages)}"
    )
    print(
        f"alert tick slots deferred: {ticks[0]} (distinct {ticks[1]}); expected about {int(args.minutes * 60 / args.tick)}"
    )


if __name__ == "__main__":
    main()
