"""The periodic checks, each in a transaction of its own: missed measurements, then
escalations. Run as the job queue's periodic task ``alerts.tick`` (every
``SAMBAND_ALERT_TICK_SECONDS``, once per interval across every process: decision 0013) and
by ``samband alerts tick`` (cron). Errors are logged and reported, never raised: one failing
check must not stop the other, nor the next run."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from samband.alerts import service
from samband.db import unit_of_work
from samband.jobs.queue import task
from samband.kit.time import utcnow

log = logging.getLogger(__name__)


@dataclass
class TickResult:
    at: datetime
    missed: int = 0  # missed measurements reported (alerts opened or added to)
    escalated: int = 0  # alerts raised to a higher level
    errors: list[str] = field(default_factory=list)


def run_checks(factory: sessionmaker[Session], now: datetime | None = None) -> TickResult:
    now = now or utcnow()
    result = TickResult(at=now)
    checks: list[tuple[str, Callable[[Session, datetime], Sequence[object]]]] = [
        ("missed measurements", service.check_missed),
        ("escalation", service.escalate_due),
    ]
    for name, check in checks:
        try:
            with unit_of_work(factory) as session:
                found = len(check(session, now))
        except Exception as exc:  # noqa: BLE001 - logged and reported; the next run retries
            log.exception("the %s check failed", name)
            result.errors.append(f"{name}: {exc}")
            continue
        if name == "escalation":
            result.escalated = found
        else:
            result.missed = found
    return result


@task("alerts.tick", max_attempts=1)
def tick(factory: sessionmaker[Session], timestamp: int | None = None, **_: object) -> None:
    """The periodic job (once per SAMBAND_ALERT_TICK_SECONDS across every process): the
    checks, and what they found in the log."""
    result = run_checks(factory)
    if result.missed or result.escalated or result.errors:
        log.info(
            "alert checks: %d missed measurements, %d escalations, %d errors",
            result.missed,
            result.escalated,
            len(result.errors),
        )
