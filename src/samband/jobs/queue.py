"""Tasks, deferring a job in the caller's transaction, and running due jobs in-process."""

from __future__ import annotations

import logging
import math
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from samband.jobs import repository
from samband.kit.time import utcnow
from samband.models import LocalJob

log = logging.getLogger(__name__)

LANES = ("fast", "slow")  # the queues: notifications and ticks / solves and reports
TaskFunction = Callable[..., Any]  # fn(factory: sessionmaker[Session], **args)


@dataclass(frozen=True)
class Task:
    name: str
    function: TaskFunction
    max_attempts: int = 5
    # the wait before attempt n+1 is backoff_seconds * 2**(n-1), at most max_wait_seconds
    backoff_seconds: float = 5.0
    max_wait_seconds: float = 300.0
    queue: str = "fast"

    def wait(self, attempts: int) -> timedelta:
        seconds = min(self.backoff_seconds * 2 ** max(0, attempts - 1), self.max_wait_seconds)
        return timedelta(seconds=seconds)


@dataclass(frozen=True)
class Periodic:
    """A task deferred once per ``seconds`` (aligned to the epoch), whatever the number of
    processes: the slot's key is unique (procrastinate's periodic defers, or
    ``local_jobs.queueing_lock`` on SQLite)."""

    task: str
    seconds: float

    @property
    def cron(self) -> str:
        """The interval as procrastinate's cron (seconds in croniter's sixth field)."""
        s = max(1, round(self.seconds))
        if s < 60:
            step = next(d for d in range(s, 61) if 60 % d == 0)
            return f"* * * * * */{step}"
        minutes = max(1, round(s / 60))
        step = next(d for d in range(minutes, 61) if 60 % d == 0)
        return f"*/{step} * * * *" if step < 60 else "0 * * * *"


TASKS: dict[str, Task] = {}
PERIODIC: dict[str, Periodic] = {}


def task(
    name: str,
    *,
    max_attempts: int = 5,
    backoff_seconds: float = 5.0,
    max_wait_seconds: float = 300.0,
    lane: str = "fast",
) -> Callable[[TaskFunction], TaskFunction]:
    if lane not in LANES:
        raise ValueError(f"lane {lane!r}: one of {', '.join(LANES)}")

    def register(function: TaskFunction) -> TaskFunction:
        TASKS[name] = Task(
            name, function, max_attempts, backoff_seconds, max_wait_seconds, queue=lane
        )
        return function

    return register


def periodic(name: str, seconds: float) -> None:
    """Run the (registered) task ``name`` every ``seconds``; 0 or less: never."""
    if seconds > 0:
        PERIODIC[name] = Periodic(name, seconds)
    else:
        PERIODIC.pop(name, None)


def uses_procrastinate(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def defer(
    session: Session,
    name: str,
    args: dict[str, Any] | None = None,
    *,
    queueing_lock: str | None = None,
    at: datetime | None = None,
) -> bool:
    """Enqueue ``name(**args)`` in the session's transaction: it runs after the transaction
    commits, never when it rolls back. With a ``queueing_lock``, a job with the same lock
    still waiting is not enqueued again (returns False)."""
    from samband.jobs import tasks as _registered  # noqa: F401 - registers the tasks

    if name not in TASKS:
        raise KeyError(f"no task named {name!r}")
    payload = orjson.loads(orjson.dumps(args or {}))
    if uses_procrastinate(session):
        statement = text(
            "SELECT procrastinate_defer_jobs_v1(ARRAY[ROW("
            "CAST(:queue AS varchar), CAST(:task AS varchar), 0, CAST(NULL AS text), "
            "CAST(:lock AS text), CAST(:args AS jsonb), CAST(:at AS timestamptz)"
            ")::procrastinate_job_to_defer_v1])"
        )
        params = {
            "queue": TASKS[name].queue,
            "task": name,
            "lock": queueing_lock,
            "args": orjson.dumps(payload).decode(),
            "at": at,
        }
        if queueing_lock is None:
            session.execute(statement, params)
            return True
        try:
            with session.begin_nested():
                session.execute(statement, params)
        except IntegrityError:
            return False
        return True
    if queueing_lock is not None and repository.waiting_with_lock(session, queueing_lock):
        return False
    repository.add(
        session,
        LocalJob(
            task=name,
            args=payload,
            queueing_lock=queueing_lock,
            status="todo",
            attempts=0,
            scheduled_at=at or utcnow(),
            created_at=utcnow(),
        ),
    )
    return True


# -- running jobs in this process ----------------------------------------------------------------


@dataclass
class RunResult:
    succeeded: int = 0
    failed: int = 0  # failed for good (no attempts left)
    retried: int = 0  # failed, scheduled again
    errors: list[str] = field(default_factory=list)

    @property
    def ran(self) -> int:
        return self.succeeded + self.failed + self.retried


def execute(factory: sessionmaker[Session], name: str, args: dict[str, Any]) -> None:
    """Run one job's task (its own transactions are the task's business)."""
    from samband.jobs import tasks as _registered  # noqa: F401 - registers the tasks

    TASKS[name].function(factory, **args)


BATCH = 16  # jobs claimed (and settled) per transaction


@dataclass
class _Outcome:
    job_id: Any
    attempts: int
    error: BaseException | None = None
    retry_in: timedelta | None = None  # failed, to run again after this wait


def run_pending(
    factory: sessionmaker[Session],
    *,
    now: datetime | None = None,
    limit: int = 1000,
    periodic_too: bool = False,
    lanes: list[str] | None = None,
    concurrency: int = 1,
) -> RunResult:
    """Run every job due at ``now`` in this process until none is left (jobs a job defers
    run too), ``concurrency`` at a time. The same claim/finish protocol as the workers: on
    PostgreSQL procrastinate's functions (a registered worker fetching with SKIP LOCKED),
    on SQLite ``local_jobs`` rows; up to ``BATCH`` jobs are claimed in one transaction and
    their outcomes recorded in another (on SQLite every transaction waits for the write
    lock: fewer of them keep the queue moving under load)."""
    from samband.jobs import tasks as _registered  # noqa: F401 - registers the tasks

    result = RunResult()
    if periodic_too:
        defer_periodic(factory, now or utcnow())
    with factory() as probe:
        postgres = uses_procrastinate(probe)
    lanes = list(lanes or LANES)
    runner = _ProcrastinateRunner(factory, lanes) if postgres else _LocalRunner(factory, lanes)
    pool = ThreadPoolExecutor(max_workers=concurrency) if concurrency > 1 else None
    try:
        while result.ran < limit:
            claimed = runner.claim(now, min(BATCH, limit - result.ran))
            if not claimed:
                break

            def one(job: tuple[Any, str, dict[str, Any], int]) -> _Outcome:
                job_id, name, args, attempts = job
                try:
                    execute(factory, name, args)
                except Exception as exc:  # noqa: BLE001 - recorded on the job, retried
                    log.warning("job %s (%s) failed: %s", job_id, name, exc)
                    spec = TASKS.get(name)
                    retry = spec is not None and attempts + 1 < spec.max_attempts
                    wait = spec.wait(attempts + 1) if spec is not None and retry else None
                    return _Outcome(job_id, attempts + 1, exc, wait)
                return _Outcome(job_id, attempts + 1)

            outcomes = list(pool.map(one, claimed)) if pool else [one(j) for j in claimed]
            runner.settle(outcomes)
            for (_, name, _, _), outcome in zip(claimed, outcomes, strict=True):
                if outcome.error is None:
                    result.succeeded += 1
                    continue
                result.errors.append(f"{name}: {outcome.error}")
                if outcome.retry_in is not None:
                    result.retried += 1
                else:
                    result.failed += 1
    finally:
        if pool is not None:
            pool.shutdown(wait=True)
        runner.close()
    return result


def defer_periodic(factory: sessionmaker[Session], now: datetime) -> int:
    """Defer each periodic task whose current slot has no job yet (once per slot, across
    processes): what ``samband serve`` does on SQLite every second. On PostgreSQL
    procrastinate's worker defers periodic tasks itself; this does the same through
    ``procrastinate_defer_periodic_job_v2`` for ``run_pending(periodic_too=True)``."""
    from samband.jobs import tasks as _registered  # noqa: F401 - registers the tasks

    deferred = 0
    stamp = now.timestamp()
    for spec in list(PERIODIC.values()):
        slot = math.floor(stamp / spec.seconds) * spec.seconds
        with factory() as session, session.begin():
            if uses_procrastinate(session):
                job_id = session.execute(
                    text(
                        "SELECT procrastinate_defer_periodic_job_v2(:queue, NULL, NULL, "
                        ":task, 0, :pid, :ts, CAST(:args AS jsonb))"
                    ),
                    {
                        "queue": TASKS[spec.task].queue,
                        "task": spec.task,
                        "pid": "",
                        "ts": int(slot),
                        "args": orjson.dumps({"timestamp": int(slot)}).decode(),
                    },
                ).scalar()
                deferred += job_id is not None
            else:
                key = f"periodic:{spec.task}:{int(slot)}"
                if repository.any_with_lock(session, key):
                    continue
                repository.add(
                    session,
                    LocalJob(
                        task=spec.task,
                        args={"timestamp": int(slot)},
                        queueing_lock=key,
                        status="todo",
                        attempts=0,
                        scheduled_at=now,
                        created_at=now,
                    ),
                )
                deferred += 1
    return deferred


class _LocalRunner:
    def __init__(self, factory: sessionmaker[Session], lanes: list[str]) -> None:
        self.factory = factory
        self.tasks = [t.name for t in TASKS.values() if t.queue in lanes]

    def claim(self, now: datetime | None, count: int) -> list[tuple[Any, str, dict[str, Any], int]]:
        with self.factory() as session, session.begin():
            jobs = repository.due(session, now or utcnow(), self.tasks, count)
            started = utcnow()
            for job in jobs:
                job.status = "doing"
                job.started_at = started
            return [(j.id, j.task, dict(j.args or {}), j.attempts) for j in jobs]

    def settle(self, outcomes: list[_Outcome]) -> None:
        with self.factory() as session, session.begin():
            now = utcnow()
            for outcome in outcomes:
                job = session.get(LocalJob, outcome.job_id)
                if job is None:  # pragma: no cover - deleted meanwhile
                    continue
                job.attempts = outcome.attempts
                job.error = _describe(outcome.error) if outcome.error else None
                if outcome.retry_in is not None:
                    job.status = "todo"
                    job.scheduled_at = now + outcome.retry_in
                    job.started_at = None
                else:
                    job.status = "failed" if outcome.error else "succeeded"
                    job.finished_at = now

    def close(self) -> None:
        return None


class _ProcrastinateRunner:
    """procrastinate's worker protocol through its SQL functions, in this process."""

    def __init__(self, factory: sessionmaker[Session], lanes: list[str]) -> None:
        self.factory = factory
        self.lanes = lanes
        with factory() as session, session.begin():
            self.worker_id = session.execute(
                text("SELECT procrastinate_register_worker_v1()")
            ).scalar_one()

    def claim(self, now: datetime | None, count: int) -> list[tuple[Any, str, dict[str, Any], int]]:
        with self.factory() as session, session.begin():
            if now is not None:
                # a moved clock (tests, simulations): what is due by ``now`` is due at once
                # (procrastinate compares scheduled_at with the database's own clock)
                session.execute(
                    text(
                        "UPDATE procrastinate_jobs SET scheduled_at = now() "
                        "WHERE status = 'todo' AND scheduled_at > now() AND scheduled_at <= :at"
                    ),
                    {"at": now},
                )
            claimed = []
            for _ in range(count):
                row = (
                    session.execute(
                        text(
                            "SELECT id, task_name, args, attempts FROM "
                            "procrastinate_fetch_job_v2(CAST(:lanes AS varchar[]), :worker)"
                        ),
                        {"worker": self.worker_id, "lanes": self.lanes},
                    )
                    .mappings()
                    .one_or_none()
                )
                if row is None or row["id"] is None:
                    break
                claimed.append(
                    (row["id"], row["task_name"], dict(row["args"] or {}), row["attempts"])
                )
            return claimed

    def settle(self, outcomes: list[_Outcome]) -> None:
        with self.factory() as session, session.begin():
            for outcome in outcomes:
                if outcome.retry_in is not None:
                    session.execute(
                        text("SELECT procrastinate_retry_job_v2(:id, :at, NULL, NULL, NULL)"),
                        {"id": outcome.job_id, "at": utcnow() + outcome.retry_in},
                    )
                    continue
                session.execute(
                    text(
                        "SELECT procrastinate_finish_job_v1(:id, "
                        "CAST(:status AS procrastinate_job_status), false)"
                    ),
                    {"id": outcome.job_id, "status": "failed" if outcome.error else "succeeded"},
                )

    def close(self) -> None:
        with self.factory() as session, session.begin():
            session.execute(
                text("SELECT procrastinate_unregister_worker_v1(:worker)"),
                {"worker": self.worker_id},
            )


def _describe(error: BaseException) -> str:
    lines = traceback.format_exception_only(type(error), error)
    return "".join(lines).strip()[:2000]
