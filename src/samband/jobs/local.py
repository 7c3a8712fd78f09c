"""The embedded job runner (SQLite, or PostgreSQL with SAMBAND_JOBS_IN_APP=true): the app
process defers the periodic tasks and runs the due jobs, off the event loop, in two lanes so
a long solve never holds up a notification: ``fast`` (deliveries, the alert tick) and
``slow`` (day-plan solves, reports). Each lane runs in a thread of its own."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from samband.jobs import queue, repository
from samband.kit.time import utcnow

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0
STUCK_AFTER = timedelta(minutes=15)


def tick(factory: sessionmaker[Session], lane: str) -> queue.RunResult:
    if lane == "fast":
        queue.defer_periodic(factory, utcnow())
    # deliveries wait on mail servers and gateways: a few at a time; solves one at a time
    return queue.run_pending(
        factory, lanes=[lane], limit=100, concurrency=4 if lane == "fast" else 1
    )


def housekeeping(factory: sessionmaker[Session]) -> None:
    now = utcnow()
    with factory() as session, session.begin():
        if not queue.uses_procrastinate(session):
            repository.prune(session, now - repository.KEEP_FINISHED)
            for job in repository.stuck(session, now - STUCK_AFTER):
                # its process stopped while running it: run it again
                job.status, job.started_at = "todo", None


async def _lane(factory: sessionmaker[Session], lane: str, poll: float) -> None:
    rounds = 0
    while True:
        try:
            result = await asyncio.to_thread(tick, factory, lane)
            if lane == "fast" and rounds % 3600 == 0:
                await asyncio.to_thread(housekeeping, factory)
        except Exception:  # noqa: BLE001 - never let the runner die
            log.exception("the job runner (%s) failed", lane)
            result = queue.RunResult()
        rounds += 1
        if not result.ran:
            await asyncio.sleep(poll)


@contextlib.asynccontextmanager
async def running(
    factory: sessionmaker[Session], poll: float = POLL_SECONDS
) -> AsyncIterator[None]:
    """Run both lanes while the app runs (its lifespan)."""
    tasks = [asyncio.create_task(_lane(factory, lane, poll)) for lane in ("fast", "slow")]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
