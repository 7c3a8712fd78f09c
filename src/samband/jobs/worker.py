"""procrastinate on PostgreSQL: the app that knows Samband's tasks, and ``samband worker``.

Every registered task (``queue.TASKS``) becomes a procrastinate task of the same name that
runs the plain function with a sessionmaker of its own (a sync function: procrastinate runs
it in a thread). Every periodic task (``queue.PERIODIC``) is deferred by procrastinate's
periodic deferrer, which records each slot in ``procrastinate_periodic_defers``: however
many workers run, a slot is deferred once."""

from __future__ import annotations

from typing import Any

import procrastinate
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from samband.db import make_engine, make_sessionmaker
from samband.jobs.queue import PERIODIC, TASKS, Task


def conninfo(url: str) -> str:
    """A SQLAlchemy URL (postgresql+psycopg://…) as libpq's conninfo URL."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def build_app(url: str, factory: sessionmaker[Session] | None = None) -> procrastinate.App:
    from samband.jobs import tasks as _registered  # noqa: F401 - registers the tasks

    if not url.startswith("postgresql"):
        raise ValueError(
            "the procrastinate worker needs PostgreSQL (SAMBAND_DATABASE_URL=postgresql+psycopg:"
            "//…); with SQLite `samband serve` runs the jobs itself"
        )
    factory = factory or make_sessionmaker(make_engine(url))
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=conninfo(url)))
    for spec in TASKS.values():
        registered = app.task(
            name=spec.name,
            queue=spec.queue,
            retry=procrastinate.RetryStrategy(
                max_attempts=spec.max_attempts - 1,  # procrastinate counts the retries
                wait=int(spec.backoff_seconds),
                linear_wait=int(spec.backoff_seconds),
            ),
        )(_runner(spec, factory))
        periodic = PERIODIC.get(spec.name)
        if periodic is not None:
            app.periodic(cron=periodic.cron, periodic_id="")(registered)
    return app


def _runner(spec: Task, factory: sessionmaker[Session]) -> Any:
    def run(**args: Any) -> None:
        spec.function(factory, **args)

    run.__name__ = spec.name.replace(".", "_")
    return run


def run_worker(
    url: str, *, concurrency: int = 2, wait: bool = True, keep_finished: bool = False
) -> None:
    """Run procrastinate's worker until stopped (Ctrl-C / SIGTERM finish the jobs running).
    Jobs that succeeded are deleted unless ``keep_finished`` (failed ones are always kept)."""
    app = build_app(url)
    app.run_worker(
        concurrency=concurrency,
        wait=wait,
        name="samband",
        delete_jobs="never" if keep_finished else "successful",
        install_signal_handlers=True,
    )
