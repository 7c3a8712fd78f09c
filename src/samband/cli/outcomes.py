"""`samband import episodes` and `samband report`: the outcomes domain's history import and
the indicators of a period (issue 6)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from samband.cli.base import app, choice, database_url, fail, group, safe_url, transaction, upgrade

import_app = group("import", "Import history from another system (docs/import-format.md).")


@import_app.command("episodes")
def import_episodes_command(
    csv_file: Annotated[
        Path, typer.Argument(help="CSV: episode,personnummer,pathway,type,event,at")
    ],
    organisation: Annotated[
        str | None,
        typer.Option(help="The code of the organisation the history belongs to (optional)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check the file only; store nothing.")
    ] = False,
) -> None:
    """Import episode histories. Every row is checked; if any is wrong, each problem is
    printed with its line, nothing is stored and the exit status is 1. Importing the same
    rows again adds nothing."""
    from samband.kit.errors import SambandError
    from samband.outcomes.service import ImportRejected, import_episodes

    if not csv_file.is_file():
        fail(f"{csv_file}: no such file")
    try:
        data = csv_file.read_bytes()
    except OSError as exc:
        fail(f"{csv_file}: cannot be read ({exc.strerror})")
    _schema_for_an_empty_database()
    try:
        with transaction() as session:
            result = import_episodes(
                session, data, csv_file.name, organisation_code=organisation, dry_run=dry_run
            )
    except ImportRejected as exc:
        for warning in exc.warnings:
            typer.echo(f"warning: {warning}", err=True)
        for error in exc.errors:
            typer.echo(f"{csv_file}: {error}", err=True)
        typer.echo(
            f"error: {csv_file}: {len(exc.errors)} problem(s); nothing was imported", err=True
        )
        raise typer.Exit(1) from None
    except SambandError as exc:
        fail(exc.message)
    for warning in result.warnings:
        typer.echo(f"warning: {warning}", err=True)
    verb = "would import" if dry_run else "imported"
    typer.echo(
        f"{csv_file}: {verb} {result.new_rows} new row(s) of {result.rows} "
        f"({result.episodes} episode(s), {result.new_episodes} new)"
        + ("; everything was already imported" if result.rows and not result.new_rows else "")
    )


def _schema_for_an_empty_database() -> None:
    """An empty database (no tables at all, e.g. a new SQLite file) gets the schema first, as
    `samband db upgrade` would make it; a database with tables is left as it is."""
    from sqlalchemy import inspect
    from sqlalchemy.exc import SQLAlchemyError

    from samband.db import make_engine

    url = database_url()
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            empty = not inspect(conn).get_table_names()
    except SQLAlchemyError:
        return  # the command itself reports a database it cannot use
    finally:
        engine.dispose()
    if empty:
        upgrade()
        typer.echo(f"note: the database was empty; created its tables ({safe_url(url)})", err=True)


def _report_day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{option} '{value}' is not a date; write YYYY-MM-DD")


@app.command()
def report(
    date_from: Annotated[str, typer.Option("--from", help="First day, YYYY-MM-DD (Swedish time).")],
    date_to: Annotated[str, typer.Option("--to", help="Last day, YYYY-MM-DD (included).")],
    output: Annotated[str, typer.Option("--format", help="csv, html, pdf or parquet.")] = "csv",
    out: Annotated[
        Path | None, typer.Option("--out", help="Write here (csv and html: default stdout).")
    ] = None,
    pathway: Annotated[
        list[str] | None, typer.Option(help="Only this pathway; repeat for more.")
    ] = None,
    organisation: Annotated[
        list[str] | None,
        typer.Option(help="Only this responsible organisation (code); repeat for more."),
    ] = None,
    episode_type: Annotated[
        list[str] | None,
        typer.Option("--type", help="admission_avoidance or early_supported_discharge."),
    ] = None,
    source: Annotated[
        str, typer.Option(help="all, live (Samband's own episodes) or import (history).")
    ] = "all",
    config_file: Annotated[
        Path | None,
        typer.Option("--config", help="Settings and unit costs laid over the shipped ones."),
    ] = None,
    figures: Annotated[
        Path | None,
        typer.Option("--figures", help="Also write the figures here (SVG; PNG with matplotlib)."),
    ] = None,
    trace: Annotated[
        bool, typer.Option("--trace", help="List the episode ids behind each number.")
    ] = False,
) -> None:
    """The outcome indicators of a period (docs/indicators.md), per group: all, pathway=…,
    type=…, organisation=…; the physician-support ones (requests, time to answer, visits,
    continuity, admission notices, days past ready-for-discharge) also per urgency=…,
    asking_organisation=…, physician_organisation=…, hospital=…. CSV: indicator,group,value
    (NA where the data does not exist)."""
    from samband.kit.errors import SambandError
    from samband.outcomes import render
    from samband.outcomes.config import ConfigError
    from samband.outcomes.history import TYPE_ALIASES, TYPES
    from samband.outcomes.report import Filters
    from samband.outcomes.service import build_report, settings

    choice("format", output, ["csv", "html", "pdf", "parquet"])
    choice("source", source, ["all", "live", "import"])
    first, last = _report_day(date_from, "--from"), _report_day(date_to, "--to")
    if last < first:
        fail("--to is before --from")
    types = tuple(TYPE_ALIASES.get(t, t) for t in episode_type or [])
    for t in types:
        choice("type", t, list(TYPES))
    if output in ("pdf", "parquet") and out is None:
        fail(f"--format {output} writes a file: give it with --out FILE")
    try:
        outcome_settings = settings(config_file)
    except ConfigError as exc:
        fail(str(exc))
    _schema_for_an_empty_database()
    filters = Filters(
        pathways=tuple(pathway or ()),
        types=types,
        organisations=tuple(organisation or ()),
        source=source,
    )
    with _progress() as progress:
        try:
            with transaction() as session:
                result = build_report(
                    session,
                    first,
                    last,
                    filters=filters,
                    outcome_settings=outcome_settings,
                    progress=progress,
                )
        except SambandError as exc:
            fail(exc.message)
        progress("writing", 0, 1)
        try:
            if output == "csv":
                text = render.to_csv(result, trace=trace)
            elif output == "html":
                text = render.to_html(result, trace=trace)
            if output in ("csv", "html"):
                if out is None:
                    sys.stdout.write(text)
                else:
                    out.write_text(text, encoding="utf-8")
            elif output == "pdf":
                assert out is not None  # noqa: S101 - checked above
                out.write_bytes(render.to_pdf(result))
            else:
                assert out is not None  # noqa: S101 - checked above
                render.to_parquet(result, out, trace=trace)
            written = render.write_figures(result, figures) if figures else []
        except OSError as exc:
            fail(f"cannot write {exc.filename}: {exc.strerror}")
        progress("writing", 1, 1)
    if out is not None:
        typer.echo(f"wrote {out} ({result.episodes} episodes)", err=True)
    if figures:
        typer.echo(f"wrote {len(written)} figure file(s) to {figures}", err=True)


@contextmanager
def _progress() -> Iterator[Any]:
    """A progress bar on standard error when it is a terminal; silent otherwise."""
    if not sys.stderr.isatty():
        yield lambda what, done, total: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description:<12}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        tasks: dict[str, Any] = {}

        def update(what: str, done: int, total: int) -> None:
            if what not in tasks:
                tasks[what] = bar.add_task(what, total=total)
            bar.update(tasks[what], completed=done, total=total)

        yield update
