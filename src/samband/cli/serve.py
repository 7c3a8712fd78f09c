"""`samband serve` and `samband worker`: the app (uvicorn) and the job queue's worker."""

from __future__ import annotations

import contextlib
from typing import Annotated

import typer

from samband.cli.base import app, database_url, safe_url

HostOption = Annotated[str, typer.Option(help="Address to listen on.")]
PortOption = Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")]
WorkersOption = Annotated[
    int, typer.Option("--workers", min=1, max=64, help="App processes (uvicorn workers).")
]
JobWorkersOption = Annotated[
    int,
    typer.Option(
        "--job-workers",
        min=0,
        max=16,
        help="PostgreSQL: procrastinate workers to start beside the app (0: run "
        "`samband worker` yourself). SQLite: the app runs the jobs itself.",
    ),
]


def run_server(host: str, port: int, workers: int = 1, job_workers: int = 0) -> None:
    """uvicorn with ``workers`` app processes; and ``job_workers`` procrastinate workers
    beside it when the jobs do not run in the app (PostgreSQL), stopped with it."""
    import subprocess
    import sys

    import uvicorn

    from samband.config import get_settings

    settings = get_settings()
    children: list[subprocess.Popen[bytes]] = []
    if settings.runs_jobs_in_app():
        typer.echo("jobs: run by the app process (embedded queue)")
    elif job_workers:
        for _ in range(job_workers):
            children.append(subprocess.Popen([sys.executable, "-m", "samband", "worker"]))  # noqa: S603
        typer.echo(f"jobs: {job_workers} procrastinate worker(s) started beside the app")
    else:
        typer.echo("jobs: none run here — start `samband worker` (PostgreSQL)")
    typer.echo(f"Samband on http://{host}:{port}  (API docs: /docs, OpenAPI: /openapi.json)")
    try:
        uvicorn.run("samband.app:create_app", factory=True, host=host, port=port, workers=workers)
    finally:
        for child in children:
            child.terminate()
        for child in children:
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()


@app.command()
def serve(
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
    workers: WorkersOption = 1,
    job_workers: JobWorkersOption = 0,
) -> None:
    """Serve the API (and the pages) with uvicorn, in ``--workers`` processes."""
    run_server(host, port, workers, job_workers)


@app.command()
def worker(
    concurrency: Annotated[
        int, typer.Option(min=1, max=64, help="Jobs run at the same time in this worker.")
    ] = 4,
    keep_finished: Annotated[
        bool,
        typer.Option(
            "--keep-finished",
            help="PostgreSQL: keep the jobs that succeeded in procrastinate_jobs (default: "
            "deleted; failed jobs are always kept).",
        ),
    ] = False,
) -> None:
    """Run the job queue's worker (PostgreSQL: procrastinate): notification deliveries with
    retries, the alert checks every SAMBAND_ALERT_TICK_SECONDS (once per interval however
    many workers run), day-plan solves and long reports. Stop with Ctrl-C (running jobs end
    first). With SQLite the app process runs the jobs itself; this then runs them too."""
    from samband.jobs import local
    from samband.jobs.worker import run_worker

    url = database_url()
    if not url.startswith("postgresql"):
        import asyncio

        from samband.db import make_engine, make_sessionmaker

        typer.echo("SQLite: running the embedded job queue in this process (Ctrl-C stops)")
        factory = make_sessionmaker(make_engine(url))

        async def forever() -> None:
            async with local.running(factory):
                while True:
                    await asyncio.sleep(3600)

        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(forever())
        return
    typer.echo(f"procrastinate worker on {safe_url(url)} (concurrency {concurrency})")
    run_worker(url, concurrency=concurrency, keep_finished=keep_finished)
