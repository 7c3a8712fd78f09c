"""The periodic dose check, in a transaction of its own: make the coming doses of every
episode at home, alert the doses not signed by the end of their window and the as-needed
doses whose effect was not followed up. Run as the job queue's periodic task
``medadmin.tick`` (every ``SAMBAND_ALERT_TICK_SECONDS``, once per interval across every
process: decision 0013) and by ``samband doses tick`` (cron). Errors are logged and
reported, never raised: the next run tries again."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from samband.db import unit_of_work
from samband.jobs.queue import task
from samband.kit.time import utcnow
from samband.medadmin import service

log = logging.getLogger(__name__)
TICK = "medadmin.tick"


@dataclass
class TickResult:
    at: datetime
    made: int = 0  # doses made for today and tomorrow
    unsigned: int = 0  # doses alerted as not signed
    followups: int = 0  # as-needed doses alerted as not followed up
    errors: list[str] = field(default_factory=list)


def run_checks(factory: sessionmaker[Session], now: datetime | None = None) -> TickResult:
    now = now or utcnow()
    result = TickResult(at=now)
    try:
        with unit_of_work(factory) as session:
            checked = service.check_doses(session, now)
    except Exception as exc:  # noqa: BLE001 - logged and reported; the next run retries
        log.exception("the dose check failed")
        result.errors.append(f"doses: {exc}")
        return result
    result.made, result.unsigned, result.followups = (
        checked.made,
        checked.unsigned,
        checked.followups,
    )
    return result


@task(TICK, max_attempts=1)
def tick(factory: sessionmaker[Session], timestamp: int | None = None, **_: object) -> None:
    """The periodic job: the dose check, and what it found in the log."""
    result = run_checks(factory)
    if result.unsigned or result.followups or result.errors:
        log.info(
            "doses: %d made, %d unsigned alerted, %d follow-ups alerted, %d errors",
            result.made,
            result.unsigned,
            result.followups,
            len(result.errors),
        )
