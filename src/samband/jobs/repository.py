"""The embedded job queue's queries (``local_jobs``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session

from samband.models import LocalJob


def add(session: Session, job: LocalJob) -> None:
    session.add(job)
    session.flush()


def waiting_with_lock(session: Session, lock: str) -> bool:
    return bool(
        session.scalar(
            select(exists().where(LocalJob.queueing_lock == lock, LocalJob.status == "todo"))
        )
    )


def any_with_lock(session: Session, lock: str) -> bool:
    return bool(session.scalar(select(exists().where(LocalJob.queueing_lock == lock))))


def due(session: Session, now: datetime, tasks: list[str], count: int) -> list[LocalJob]:
    """The oldest ``count`` due jobs of these tasks (SQLite: the write lock of BEGIN
    IMMEDIATE makes the claim exclusive across processes)."""
    return list(
        session.scalars(
            select(LocalJob)
            .where(
                LocalJob.status == "todo", LocalJob.scheduled_at <= now, LocalJob.task.in_(tasks)
            )
            .order_by(LocalJob.scheduled_at, LocalJob.created_at)
            .limit(count)
        )
    )


def prune(session: Session, before: datetime) -> int:
    """Forget finished jobs older than ``before`` (the periodic ones add up)."""
    result = session.execute(
        delete(LocalJob).where(
            LocalJob.status.in_(["succeeded", "failed"]), LocalJob.finished_at < before
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def stuck(session: Session, before: datetime) -> list[LocalJob]:
    """Jobs claimed before ``before`` and never finished (their process died)."""
    return list(
        session.scalars(
            select(LocalJob).where(LocalJob.status == "doing", LocalJob.started_at < before)
        )
    )


KEEP_FINISHED = timedelta(days=1)
