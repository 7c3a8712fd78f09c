"""The periodic escalation of unanswered physician requests, in a transaction of its own.
Run as the job queue's periodic task ``physicianrequests.tick`` (every
``SAMBAND_ALERT_TICK_SECONDS``, as the alert checks, once per interval across every process:
decision 0013) and by ``samband requests tick`` (cron). Errors are logged and reported,
never raised: the next run tries again."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from samband.db import unit_of_work
from samband.jobs.queue import task
from samband.kit.time import utcnow
from samband.physicianrequests import service

log = logging.getLogger(__name__)
TICK = "physicianrequests.tick"


@dataclass
class TickResult:
    at: datetime
    escalated: int = 0  # requests given to the next level
    errors: list[str] = field(default_factory=list)


def run_checks(factory: sessionmaker[Session], now: datetime | None = None) -> TickResult:
    now = now or utcnow()
    result = TickResult(at=now)
    try:
        with unit_of_work(factory) as session:
            result.escalated = len(service.escalate_due(session, now))
    except Exception as exc:  # noqa: BLE001 - logged and reported; the next run retries
        log.exception("the physician request escalation failed")
        result.errors.append(f"escalation: {exc}")
    return result


@task(TICK, max_attempts=1)
def tick(factory: sessionmaker[Session], timestamp: int | None = None, **_: object) -> None:
    """The periodic job: escalate what is due, and say so in the log."""
    result = run_checks(factory)
    if result.escalated or result.errors:
        log.info(
            "physician requests: %d escalated, %d errors", result.escalated, len(result.errors)
        )
