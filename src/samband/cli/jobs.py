"""`samband jobs`: run the due jobs of the queue now."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from samband.cli.base import database_url, group

jobs_app = group("jobs", "The job queue: run due jobs now, see what waits.")


@jobs_app.command("run")
def jobs_run(
    periodic: Annotated[
        bool, typer.Option("--periodic/--no-periodic", help="Defer the periodic tasks first.")
    ] = False,
) -> None:
    """Run every due job now in this process, then stop (cron, or an operator's nudge).
    Prints {"succeeded", "retried", "failed", "errors"} as JSON; exit 1 if a job failed."""
    from samband.db import make_engine, make_sessionmaker
    from samband.jobs.queue import run_pending

    engine = make_engine(database_url())
    try:
        result = run_pending(make_sessionmaker(engine), periodic_too=periodic)
    finally:
        engine.dispose()
    typer.echo(
        json.dumps(
            {
                "succeeded": result.succeeded,
                "retried": result.retried,
                "failed": result.failed,
                "errors": result.errors,
            }
        )
    )
    if result.failed:
        raise typer.Exit(1)
