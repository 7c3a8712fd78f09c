"""`samband doses`: the dose check once (for cron)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated

import typer

from samband.cli.base import database_url, fail, group

doses_app = group(
    "doses", "Medication administration: doses to sign, unsigned doses alerted (issue 14)."
)


@doses_app.command("tick")
def doses_tick(
    now: Annotated[
        str | None,
        typer.Option("--now", help="Check as at this time (ISO 8601 with a time zone)."),
    ] = None,
) -> None:
    """Make the doses of today and tomorrow for every episode at home, and raise an alert
    for every dose not signed by the end of its window and every as-needed dose whose
    effect was not followed up (for cron; the app also runs it every
    SAMBAND_ALERT_TICK_SECONDS). Prints {"at", "made", "unsigned", "followups", "errors"}
    as JSON; exit 1 if the check failed."""
    from samband.db import make_engine, make_sessionmaker
    from samband.medadmin.periodic import run_checks

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
            {
                "at": result.at.isoformat(),
                "made": result.made,
                "unsigned": result.unsigned,
                "followups": result.followups,
                "errors": result.errors,
            }
        )
    )
    if result.errors:
        raise typer.Exit(1)
