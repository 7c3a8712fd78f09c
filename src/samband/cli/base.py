"""The `samband` typer application and what its sub-commands share.

Every command that touches the database runs in one transaction (``transaction``): it
commits when the command succeeds and changes nothing when it fails. Errors a person can
fix are printed to standard error with what to do (``fail``), and the command exits with
status 1.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from sqlalchemy.orm import Session

app = typer.Typer(
    name="samband",
    help="Samband: the shared command centre for hospital care at home (sjukhusvård i hemmet).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def group(name: str, help: str) -> typer.Typer:
    """A sub-command group (``samband <name> …``) of the application."""
    sub = typer.Typer(help=help, no_args_is_help=True)
    app.add_typer(sub, name=name)
    return sub


FormatOption = Annotated[str, typer.Option("--format", help="text or json.")]


def fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def database_url() -> str:
    from samband.config import get_settings

    return get_settings().resolved_database_url()


def safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - only for display
        return url


@contextmanager
def transaction() -> Iterator[Session]:
    """One session and one transaction for a command; the engine is closed afterwards."""
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from samband.db import make_engine, make_sessionmaker, unit_of_work

    url = database_url()
    engine = make_engine(url)
    try:
        with unit_of_work(make_sessionmaker(engine)) as session:
            yield session
    except (OperationalError, ProgrammingError) as exc:
        fail(
            f"the database {safe_url(url)} cannot be used: {exc.orig}\n"
            "Check SAMBAND_DATABASE_URL, and run `samband db upgrade` to create the tables."
        )
    finally:
        engine.dispose()


def upgrade() -> None:
    """Migrate as the owner (SAMBAND_MIGRATION_DATABASE_URL, else SAMBAND_DATABASE_URL),
    then grant the service's role (SAMBAND_DATABASE_APP_ROLE) what it needs (PostgreSQL)."""
    from samband import migrate
    from samband.config import get_settings

    settings = get_settings()
    url = settings.resolved_migration_database_url()
    try:
        notes = migrate.upgrade_and_grant(url, settings.database_app_role)
    except Exception as exc:  # noqa: BLE001 - report, don't trace back
        fail(f"could not upgrade the database {safe_url(url)}: {exc}")
    service = database_url()
    if service.startswith("postgresql"):
        from sqlalchemy.engine import make_url

        user = make_url(service).username
        if user != settings.database_app_role:
            notes.append(
                f"SAMBAND_DATABASE_URL connects as {user}, not as {settings.database_app_role}:"
                " the service could change the access log (docs/deployment.md)"
            )
    for note in notes:
        typer.echo(f"note: {note}", err=True)


def choice(what: str, value: str, allowed: list[str]) -> None:
    if value not in allowed:
        fail(f"unknown {what} '{value}'; use one of: {', '.join(allowed)}")


def validation_message(exc: Any) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'input'}: {e['msg']}" for e in exc.errors()
    )


def read_input(path: Path) -> str:
    if not path.is_file():
        fail(f"{path}: no such file")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        fail(f"{path}: not UTF-8 text")
    except OSError as exc:
        fail(f"{path}: cannot be read ({exc.strerror})")


def echo_lines(lines: list[str]) -> None:
    for line in lines:
        typer.echo(line)


def table(columns: list[str], rows: list[dict[str, Any]]) -> None:
    from samband.kit.table import table_lines

    echo_lines(table_lines(columns, rows))
