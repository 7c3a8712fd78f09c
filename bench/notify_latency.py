"""Alert raised → e-mail accepted by the local SMTP server (issue 11), at a steady load of
vital-sign sets.

Not a test. A fresh database (``--db postgresql``: ``samband_bench_notify``; or a SQLite
file) with 1 000 patients at home, a physician and a nurse on call for their ward around the
clock (both reached by e-mail, as is the care contact), an SMTP server in this process
(aiosmtpd) recording when each message arrived, a real uvicorn server in a subprocess, and on
PostgreSQL one ``samband worker`` (procrastinate) beside it; on SQLite the app process runs
the jobs (decision 0013). The load generator of ``alert_latency.py`` sends ``--rate`` sets a
second; every ``--alert-every``-th set opens a new alert (NEWS2 high or medium, or a
care-plan limit).

An alert's latency is the time from the moment its set's 2xx answer arrived (the alert is
committed) to the moment the SMTP server accepted the first e-mail about it (its reference
``L-xxxxxxxx`` is in the subject), and separately the physician on call's e-mail (high
alerts only). p50 / p99 / max over every alert of the run.

    .venv/bin/python bench/notify_latency.py --db postgresql --seconds 60
    .venv/bin/python bench/notify_latency.py --db sqlite --seconds 60
"""

from __future__ import annotations

import argparse
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

from aiosmtpd.controller import Controller
from alert_latency import Load, percentile, sender
from monitoring_world import ROOT, build_world, database, free_port, token, uvicorn_server

from samband.db import make_engine, make_sessionmaker
from samband.kit.time import local_today
from samband.models import Episode, OnCallEntry, User
from samband.oncall.rules import SLOTS

REFERENCE = re.compile(r"L-([0-9A-F]{8})")


@dataclass
class Inbox:
    arrived: list[tuple[float, str, str]] = field(default_factory=list)  # (t, ref, to)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        now = time.monotonic()
        message = message_from_bytes(envelope.content, policy=policy.default)
        found = REFERENCE.search(str(message["Subject"]))
        with self.lock:
            for to in envelope.rcpt_tos:
                self.arrived.append((now, found.group(1) if found else "?", to))
        return "250 OK"


def put_on_call(url: str) -> tuple[str, str]:
    """A physician and a nurse on call for the ward of the world's episodes, every slot; the
    care contact, the physician and the nurse all reached by e-mail."""
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        episode = session.query(Episode).first()
        assert episode is not None  # noqa: S101
        contact = session.get(User, episode.care_contact_id)
        assert contact is not None  # noqa: S101
        contact.email, contact.notify_channels = "kontakt@example.se", ["email"]
        people = {}
        for role, email in (
            ("physician", "jour@example.se"),
            ("registered_nurse", "bered@example.se"),
        ):
            user = User(
                username=f"oncall-{role}",
                full_name=f"On call {role}",
                role=role,
                organisation_id=contact.organisation_id,
                unit_id=episode.responsible_unit_id,
                skills=[],
                password_hash="!",  # noqa: S106 - no password: cannot log in
                active=True,
                email=email,
                notify_channels=["email"],
            )
            session.add(user)
            session.flush()
            for slot in SLOTS:
                session.add(
                    OnCallEntry(
                        organisation_id=contact.organisation_id,
                        unit_id=episode.responsible_unit_id,
                        role=role,
                        slot=slot,
                        starts_on=local_today() - timedelta(days=7),
                        ends_on=None,
                        user_id=user.id,
                    )
                )
            people[role] = email
        session.commit()
    engine.dispose()
    return people["physician"], people["registered_nurse"]


def summary(name: str, values: list[float]) -> str:
    if not values:
        return f"{name}: none"
    ms = [v * 1000 for v in values]
    return (
        f"{name}: n={len(ms)}  p50 {percentile(ms, 50):.0f} ms  p99 {percentile(ms, 99):.0f} ms"
        f"  max {max(ms):.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("--patients", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=200.0, help="sets a second")
    parser.add_argument("--per-request", type=int, default=10)
    parser.add_argument("--senders", type=int, default=8)
    parser.add_argument("--alert-every", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--drain", type=float, default=30.0, help="seconds to wait for mail")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    inbox = Inbox()
    smtp_port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        with database(args.db, "samband_bench_notify", keep=args.keep) as url:
            world = build_world(url, args.patients, home_since=timedelta(minutes=10))
            physician_mail, _nurse_mail = put_on_call(url)
            device = token(url, world.device_id)
            homes = list(world.homes)
            random.Random(3).shuffle(homes)
            env = {
                "SAMBAND_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
                "SAMBAND_ALERT_TICK_SECONDS": "30",
                "SAMBAND_AUDIT_CHECKPOINT_MINUTES": "0",
            }
            worker = None
            if args.db == "postgresql":
                worker = subprocess.Popen(  # noqa: S603
                    [sys.executable, "-m", "samband", "worker", "--concurrency", "4"],
                    env={**os.environ, "SAMBAND_DATABASE_URL": url, **env},
                    cwd=ROOT,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.STDOUT,
                )
            try:
                with uvicorn_server(url, cpu=None, env=env) as base:
                    start = time.monotonic()
                    until = start + args.seconds
                    load = Load()
                    alert_homes = [homes[i :: args.senders] for i in range(args.senders)]
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
                    for t in threads:
                        t.start()
                    for t in threads:
                        t.join()
                    deadline = time.monotonic() + args.drain
                    wanted = {
                        a.replace("-", "")[:8].upper() for s in load.alerting for a in s.alert_ids
                    }
                    while time.monotonic() < deadline:
                        with inbox.lock:
                            got = {ref for _, ref, _ in inbox.arrived}
                        if wanted <= got:
                            break
                        time.sleep(0.2)
            finally:
                if worker is not None:
                    worker.terminate()
                    worker.wait(timeout=30)
    finally:
        controller.stop()

    first: dict[str, float] = {}
    physician: dict[str, float] = {}
    for at, ref, to in inbox.arrived:
        first.setdefault(ref, at)
        if to == physician_mail:
            physician.setdefault(ref, at)
    any_mail, jour_mail, missing = [], [], 0
    for sent in load.alerting:
        for alert_id in sent.alert_ids:
            ref = alert_id.replace("-", "")[:8].upper()
            if ref not in first:
                missing += 1
                continue
            any_mail.append(first[ref] - sent.accepted)
            if ref in physician:
                jour_mail.append(physician[ref] - sent.accepted)
    elapsed = args.seconds
    print(
        f"database: {args.db}; {load.sent} sets in {elapsed:.0f} s ({load.sent / elapsed:.0f}/s); refused {load.refused}"
    )
    print(
        f"alerts opened: {sum(len(s.alert_ids) for s in load.alerting)}; e-mails received: {len(inbox.arrived)}; alerts without an e-mail: {missing}"
    )
    print(summary("alert → first e-mail", any_mail))
    print(summary("alert → physician on call's e-mail (high alerts)", jour_mail))


if __name__ == "__main__":
    main()
