"""`samband alerts`: run the periodic alert checks once (for cron)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated

import typer

from samband.cli.base import database_url, fail, group

alerts_app = group("alerts", "Remote-monitoring alerts: missed measurements and escalation.")


@alerts_app.command("tick")
def alerts_tick(
    now: Annotated[
        str | None,
        typer.Option("--now", help="Check as at this time (ISO 8601 with a time zone)."),
    ] = None,
) -> None:
    """Run the periodic alert checks once (for cron): open missed-measurement alerts and
    escalate unacknowledged ones. Prints {"missed", "escalated", "errors"} as JSON; exit 1
    if a check failed (the app also runs them every SAMBAND_ALERT_TICK_SECONDS)."""
    from samband.alerts.periodic import run_checks
    from samband.db import make_engine, make_sessionmaker

    at = None
    if now is not None:
        try:
            at = datetime.fromisoformat(now)
        except ValueError:
            fail(f"--now {now!r} is not an ISO 8601 time, e.g. 2030-03-06T09:45:00+01:00")
        if at.tzinfo is None:
            fail(f"--now {now!r} has no time zone; add one, e.g. +01:00 or Z")
    engine = make_engine(database_url())
    try:
        result = run_checks(make_sessionmaker(engine), at)
    finally:
        engine.dispose()
    typer.echo(
        json.dumps(
            {
                "at": result.at.isoformat(),
                "missed": result.missed,
                "escalated": result.escalated,
                "errors": result.errors,
            }
        )
    )
    if result.errors:
        raise typer.Exit(1)
