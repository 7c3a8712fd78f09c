"""`samband requests`: escalate unanswered physician requests once (for cron)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated

import typer

from samband.cli.base import database_url, fail, group

requests_app = group(
    "requests", "Physician requests (läkarkontakt): escalation of unanswered ones."
)


@requests_app.command("tick")
def requests_tick(
    now: Annotated[
        str | None,
        typer.Option("--now", help="Check as at this time (ISO 8601 with a time zone)."),
    ] = None,
) -> None:
    """Escalate the open physician requests past their limit whose level has waited the
    agreement's escalate_after (for cron; the app also runs it every
    SAMBAND_ALERT_TICK_SECONDS). Prints {"at", "escalated", "errors"} as JSON; exit 1 if
    the check failed."""
    from samband.db import make_engine, make_sessionmaker
    from samband.physicianrequests.periodic import run_checks

    at = None
    if now is not None:
        try:
            at = datetime.fromisoformat(now)
        except ValueError:
            fail(f"--now {now!r} is not an ISO 8601 time, e.g. 2030-03-06T16:05:00+01:00")
        if at.tzinfo is None:
            fail(f"--now {now!r} has no time zone; add one, e.g. +01:00 or Z")
    engine = make_engine(database_url())
    try:
        result = run_checks(make_sessionmaker(engine), at)
    finally:
        engine.dispose()
    typer.echo(
        json.dumps(
            {"at": result.at.isoformat(), "escalated": result.escalated, "errors": result.errors}
        )
    )
    if result.errors:
        raise typer.Exit(1)
