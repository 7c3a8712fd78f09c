"""`samband demo`: upgrade the database, load the demo data and serve."""

from __future__ import annotations

from typing import Annotated

import typer

from samband.cli.base import app, table, transaction, upgrade
from samband.cli.serve import HostOption, PortOption, WorkersOption, run_server


@app.command()
def demo(
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
    serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Start the server after loading.")
    ] = True,
    workers: WorkersOption = 1,
    job_workers: Annotated[
        int,
        typer.Option(
            "--job-workers",
            min=0,
            max=16,
            help="PostgreSQL: procrastinate workers started beside the app (SQLite: the app "
            "runs the jobs).",
        ),
    ] = 1,
) -> None:
    """Upgrade the database, load the demo data (once; it is idempotent) and serve."""
    from samband import demo as demo_data

    upgrade()
    with transaction() as session:
        result = demo_data.load(session)
    typer.echo("demo data loaded" if result else "demo data was already loaded")
    typer.echo(f"\nDemo logins (password for all: {demo_data.DEMO_PASSWORD}):")
    table(["username", "name", "role", "organisation"], demo_data.demo_logins())
    if serve:
        run_server(host, port, workers, job_workers)
