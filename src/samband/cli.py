"""The `samband` command: database, serving, demo data, the directory, the access log.

Every command that touches the database runs in one transaction (``unit_of_work``): it
commits when the command succeeds and changes nothing when it fails. Errors a person can
fix are printed to standard error with what to do, and the command exits with status 1.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from sqlalchemy.orm import Session

from samband.security.roles import Role

if TYPE_CHECKING:
    from samband.audit.chain import Report

app = typer.Typer(
    name="samband",
    help="Samband: the shared command centre for hospital care at home (sjukhusvård i hemmet).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _group(name: str, help: str) -> typer.Typer:
    group = typer.Typer(help=help, no_args_is_help=True)
    app.add_typer(group, name=name)
    return group


db_app = _group("db", "The database: apply migrations, compare models and migrations.")
orgs_app = _group("orgs", "Organisations (hospital clinics, home health care, ...).")
users_app = _group("users", "Staff accounts.")
audit_app = _group("audit", "The access log (HSLF-FS 2016:40 4 kap. 9 §).")
pathways_app = _group("pathways", "Care pathways (vårdflöden): the YAML definitions.")
plan_app = _group(
    "plan", "Visit planning and routing: solve a day's plan, Solomon VRPTW instances."
)


# -- helpers ---------------------------------------------------------------------------------


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def _database_url() -> str:
    from samband.config import get_settings

    return get_settings().resolved_database_url()


def _safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - only for display
        return url


@contextmanager
def _transaction() -> Iterator[Session]:
    """One session and one transaction for a command; the engine is closed afterwards."""
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from samband.db import make_engine, make_sessionmaker, unit_of_work

    url = _database_url()
    engine = make_engine(url)
    try:
        with unit_of_work(make_sessionmaker(engine)) as session:
            yield session
    except (OperationalError, ProgrammingError) as exc:
        _fail(
            f"the database {_safe_url(url)} cannot be used: {exc.orig}\n"
            "Check SAMBAND_DATABASE_URL, and run `samband db upgrade` to create the tables."
        )
    finally:
        engine.dispose()


def _upgrade() -> None:
    """Migrate as the owner (SAMBAND_MIGRATION_DATABASE_URL, else SAMBAND_DATABASE_URL),
    then grant the service's role (SAMBAND_DATABASE_APP_ROLE) what it needs (PostgreSQL)."""
    from samband import migrate
    from samband.config import get_settings

    settings = get_settings()
    url = settings.resolved_migration_database_url()
    try:
        notes = migrate.upgrade_and_grant(url, settings.database_app_role)
    except Exception as exc:  # noqa: BLE001 - report, don't trace back
        _fail(f"could not upgrade the database {_safe_url(url)}: {exc}")
    service = _database_url()
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


# -- db --------------------------------------------------------------------------------------


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every migration to SAMBAND_DATABASE_URL (default: var/samband.db), as
    SAMBAND_MIGRATION_DATABASE_URL when set (the owner); on PostgreSQL then grant the
    service's role SAMBAND_DATABASE_APP_ROLE its privileges (docs/deployment.md)."""
    from samband.config import get_settings

    _upgrade()
    url = get_settings().resolved_migration_database_url()
    typer.echo(f"database is up to date: {_safe_url(url)}")


@db_app.command("grant")
def db_grant() -> None:
    """PostgreSQL: grant the service's role (SAMBAND_DATABASE_APP_ROLE, default samband_app)
    what it needs, as the owner (SAMBAND_MIGRATION_DATABASE_URL): SELECT and INSERT only on
    the access log; created when missing and allowed. `db upgrade` does this too."""
    from samband import migrate
    from samband.config import get_settings
    from samband.db import make_engine

    settings = get_settings()
    url = settings.resolved_migration_database_url()
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            notes = migrate.grant_app_role(connection, settings.database_app_role)
            dialect = connection.dialect.name
    except Exception as exc:  # noqa: BLE001 - report, don't trace back
        _fail(f"could not grant on {_safe_url(url)}: {exc}")
    finally:
        engine.dispose()
    for note in notes:
        typer.echo(f"note: {note}", err=True)
    if dialect != "postgresql":
        typer.echo(f"nothing to grant: {dialect} has no roles")
    else:
        typer.echo(f"granted {settings.database_app_role} its privileges on {_safe_url(url)}")


@db_app.command("check")
def db_check() -> None:
    """Compare the models with the migrations (alembic check); exit 1 if they differ.

    The database must be at the newest migration (run `samband db upgrade` first)."""
    from alembic.util import AutogenerateDiffsDetected, CommandError

    from samband import migrate

    url = _database_url()
    try:
        migrate.check(url)
    except AutogenerateDiffsDetected as exc:
        _fail(
            f"the models and the migrations differ:\n{exc}\n"
            "Write a migration for the change (src/samband/migrations/versions/)."
        )
    except CommandError as exc:
        _fail(f"cannot compare with {_safe_url(url)}: {exc} Run `samband db upgrade` first.")
    typer.echo("models and migrations agree")


# -- serve and demo ---------------------------------------------------------------------------


def _serve(host: str, port: int, workers: int = 1, job_workers: int = 0) -> None:
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


@app.command()
def serve(
    host: HostOption = "127.0.0.1",
    port: PortOption = 8000,
    workers: WorkersOption = 1,
    job_workers: JobWorkersOption = 0,
) -> None:
    """Serve the API (and the pages) with uvicorn, in ``--workers`` processes."""
    _serve(host, port, workers, job_workers)


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

    url = _database_url()
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
    typer.echo(f"procrastinate worker on {_safe_url(url)} (concurrency {concurrency})")
    run_worker(url, concurrency=concurrency, keep_finished=keep_finished)


jobs_app = _group("jobs", "The job queue: run due jobs now, see what waits.")


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

    engine = make_engine(_database_url())
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

    _upgrade()
    with _transaction() as session:
        result = demo_data.load(session)
    typer.echo("demo data loaded" if result else "demo data was already loaded")
    typer.echo(f"\nDemo logins (password for all: {demo_data.DEMO_PASSWORD}):")
    _table(["username", "name", "role", "organisation"], demo_data.demo_logins())
    if serve:
        _serve(host, port, workers, job_workers)


# -- organisations and users ------------------------------------------------------------------


@orgs_app.command("list")
def orgs_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list.")] = False,
) -> None:
    """List organisations: code, name, kind and the authority (huvudman) that owns them."""
    from samband.organisations import service

    with _transaction() as session:
        rows = [
            {
                "code": o.code,
                "name": o.name,
                "kind": o.kind,
                "authority_kind": o.authority_kind,
                "authority": o.authority_name,
                "units": [u.code for u in o.units],
            }
            for o in service.all_organisations(session)
        ]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        typer.echo("no organisations yet (load the demo data with `samband demo --no-serve`)")
        return
    _table(["code", "name", "kind", "authority"], rows)


@orgs_app.command("add")
def orgs_add(
    code: Annotated[str, typer.Argument(help="Short unique code, e.g. INF-FALUN.")],
    name: Annotated[str, typer.Option(help="Full name.")],
    kind: Annotated[str, typer.Option(help="Organisation kind, e.g. hospital_clinic.")],
    authority_name: Annotated[
        str, typer.Option(help="The owning authority, e.g. 'Region Dalarna'.")
    ],
    authority_kind: Annotated[str, typer.Option(help="region or municipality.")] = "region",
) -> None:
    """Add an organisation."""
    from pydantic import ValidationError

    from samband.kit.errors import SambandError
    from samband.organisations import service
    from samband.organisations.schemas import OrganisationCreate
    from samband.security.roles import AuthorityKind, OrganisationKind

    _choice("kind", kind, [k.value for k in OrganisationKind])
    _choice("authority kind", authority_kind, [k.value for k in AuthorityKind])
    try:
        data = OrganisationCreate(
            code=code,
            name=name,
            kind=OrganisationKind(kind),
            authority_kind=AuthorityKind(authority_kind),
            authority_name=authority_name,
        )
        with _transaction() as session:
            service.create_organisation(session, data)
    except ValidationError as exc:
        _fail(_validation_message(exc))
    except SambandError as exc:
        _fail(exc.message)
    typer.echo(f"added organisation {code}")


@users_app.command("add")
def users_add(
    username: Annotated[str, typer.Argument(help="Login name: lower case letters, digits, . _ -")],
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(Role)}.")],
    organisation: Annotated[str, typer.Option(help="The organisation's code.")],
    unit: Annotated[str | None, typer.Option(help="A unit code inside the organisation.")] = None,
    name: Annotated[str | None, typer.Option(help="Full name (default: the username).")] = None,
    skill: Annotated[
        list[str] | None, typer.Option(help="A skill, e.g. iv_therapy; repeat for more.")
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from one line of stdin.")
    ] = False,
) -> None:
    """Create a staff user. The password is asked for (twice), or read from standard input.
    The access log gets a row without an actor (the system), naming the account's fields."""
    from pydantic import ValidationError

    from samband.kit.errors import SambandError
    from samband.organisations import service
    from samband.organisations.schemas import UserCreate
    from samband.security.passwords import MIN_LENGTH

    _choice("role", role, [r.value for r in Role])
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif not sys.stdin.isatty():
        _fail(
            "there is no terminal to ask for the password: give it on one line of standard "
            "input with --password-stdin"
        )
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < MIN_LENGTH:
        _fail(f"the password must have at least {MIN_LENGTH} characters")
    try:
        data = UserCreate(
            username=username,
            full_name=name or username,
            role=Role(role),
            organisation_code=organisation,
            unit_code=unit,
            skills=skill or [],
            password=password,
        )
        with _transaction() as session:
            user = service.system_create_user(session, data, command="samband users add")
            summary = f"added user {user.username} ({user.role}) in {organisation}"
    except ValidationError as exc:
        _fail(_validation_message(exc))
    except SambandError as exc:
        _fail(exc.message)
    typer.echo(summary)


def _choice(what: str, value: str, allowed: list[str]) -> None:
    if value not in allowed:
        _fail(f"unknown {what} '{value}'; use one of: {', '.join(allowed)}")


def _validation_message(exc: Any) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'input'}: {e['msg']}" for e in exc.errors()
    )


# -- audit -----------------------------------------------------------------------------------


def _parse_day(value: str | None, option: str) -> datetime | None:
    """A date (YYYY-MM-DD, midnight in Europe/Stockholm) or an ISO date-time, as UTC."""
    from samband.kit.time import STOCKHOLM, as_utc

    if value is None:
        return None
    try:
        if len(value) == 10:
            return as_utc(datetime.combine(date.fromisoformat(value), time(), tzinfo=STOCKHOLM))
        parsed = datetime.fromisoformat(value)
    except ValueError:
        _fail(f"{option} '{value}' is not a date; write YYYY-MM-DD (or an ISO date-time)")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=STOCKHOLM)
    return as_utc(parsed)


@audit_app.command("sample")
def audit_sample(
    n: Annotated[int, typer.Option("--n", "-n", min=1, help="How many accesses to draw.")] = 20,
    since: Annotated[str | None, typer.Option(help="From this date (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="Before this date (YYYY-MM-DD).")] = None,
    seed: Annotated[int | None, typer.Option(help="Seed, to draw the same sample again.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list.")] = False,
) -> None:
    """Draw a random sample of allowed accesses to patient data, for the systematic review
    of the access log that HSLF-FS 2016:40 requires."""
    from samband.kit.errors import SambandError
    from samband.kit.time import STOCKHOLM, as_utc

    try:
        from samband.audit.service import sample
    except ImportError:  # pragma: no cover - while the audit domain is being written
        _fail("drawing a sample needs samband.audit.service.sample, which is not installed")

    start, end = _parse_day(since, "--since"), _parse_day(until, "--until")
    if start and end and start >= end:
        _fail("--since must be before --until")
    with _transaction() as session:
        try:
            events = sample(session, n, since=start, until=end, seed=seed)
        except SambandError as exc:
            _fail(exc.message)
        rows = [
            {
                "id": str(e.id),
                "at": as_utc(e.at).astimezone(STOCKHOLM).isoformat(timespec="seconds"),
                "username": e.username,
                "role": e.role,
                "organisation": e.organisation_code,
                "unit": e.unit_code,
                "patient_id": str(e.patient_id) if e.patient_id else None,
                "action": e.action,
                "resource": e.resource_type,
                "resource_id": e.resource_id,
                "allowed": e.allowed,
                "emergency": e.emergency,
                "reason": e.reason,
            }
            for e in events
        ]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        typer.echo("no accesses in that period")
        return
    _table(
        ["at", "username", "role", "organisation", "unit", "action", "resource", "allowed"],
        [{**r, "allowed": "yes" if r["allowed"] else "DENIED"} for r in rows],
    )
    flagged = sum(1 for r in rows if r["emergency"])
    typer.echo(f"\n{len(rows)} accesses drawn; {flagged} through emergency access")


@audit_app.command("verify")
def audit_verify(
    checkpoint: Annotated[
        list[Path] | None,
        typer.Option(
            "--checkpoint",
            help="A checkpoint file (JSON lines), in addition to those in "
            "SAMBAND_AUDIT_CHECKPOINT_DIR; may be given more than once.",
        ),
    ] = None,
    no_checkpoint_dir: Annotated[
        bool,
        typer.Option(
            "--no-checkpoint-dir", help="Skip SAMBAND_AUDIT_CHECKPOINT_DIR's checkpoints."
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Check the access log's hash chain (decision 0009) and name every row changed,
    inserted, removed or backdated, the newest ones included (against the chain's head and
    the checkpoints). Exit status 0: intact; 1: problems found; 2: could not check."""
    from samband.audit import integrity

    found = [] if no_checkpoint_dir else integrity.checkpoint_files(_checkpoint_dir())
    given = list(checkpoint or [])
    for path in given:
        if not path.is_file():
            typer.echo(f"error: the checkpoint file {path} does not exist", err=True)
            raise typer.Exit(2)
    files = given + [path for path in found if path not in given]
    try:
        # a file the person names must be of this database's chain; the folder may hold others
        checkpoints = integrity.read_checkpoints(given, given=True)
        seen = {(c.seq, c.row_hash, c.chain_id) for c in checkpoints}
        checkpoints += [
            c
            for c in integrity.read_checkpoints(p for p in found if p not in given)
            if (c.seq, c.row_hash, c.chain_id) not in seen
        ]
    except (OSError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    try:
        with _transaction() as session:
            if session.get_bind().dialect.name == "postgresql":
                # one state of the log for the whole walk
                session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            report = integrity.verify(session, checkpoints)
    except typer.Exit as exc:  # the database could not be used (said on stderr)
        raise typer.Exit(2) from exc
    if as_json:
        typer.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        _print_report(report, files)
    if not report.intact:
        raise typer.Exit(1)


def _checkpoint_dir() -> Path:
    from samband.config import get_settings

    return get_settings().resolved_audit_checkpoint_dir()


def _print_report(report: Report, files: list[Path]) -> None:
    head = report.head
    span = f"seq {report.first_seq}–{report.last_seq}" if report.last_seq is not None else "empty"
    typer.echo(
        f"access log: {report.rows} rows ({span}); head "
        + (f"seq {head.seq} ({head.row_hash[:16]}…)" if head else "MISSING")
        + f"; {report.checkpoints} checkpoints from {len(files)} files"
    )
    for note in report.notes:
        typer.echo(f"note: {note}")
    if report.intact:
        typer.echo("intact: every row is as it was written, and none is missing")
        return
    count = len(report.problems)
    typer.echo(f"NOT INTACT: {count} problem{'' if count == 1 else 's'}")
    for problem in report.problems:
        seq = "-" if problem.seq is None else str(problem.seq)
        if problem.seq_to is not None:
            seq = f"{seq}–{problem.seq_to}"
        row = problem.id or "(gone)"
        typer.echo(f"  {problem.kind:<26} seq {seq:<8} id {row:<36}  {problem.detail}")


@audit_app.command("checkpoint")
def audit_checkpoint(
    file: Annotated[
        Path | None,
        typer.Option(
            "--file",
            help="Append to this file instead of SAMBAND_AUDIT_CHECKPOINT_DIR/checkpoints.jsonl.",
        ),
    ] = None,
) -> None:
    """Print the access log chain's head (seq, hash, time) as one JSON line and append it
    to a checkpoint file outside the database. Keep it apart from the database (print it,
    mail it to the auditor): `samband audit verify` then names rows changed or removed
    up to it, the newest ones too. Refused (exit 1) when the head does not match the log."""
    from samband.audit import integrity

    path = file or integrity.checkpoint_file(_checkpoint_dir())
    with _transaction() as session:
        try:
            checkpoint = integrity.current_checkpoint(session)
        except integrity.ChainBroken as exc:
            _fail(str(exc))
    try:
        integrity.append_checkpoint(path, checkpoint)
    except OSError as exc:
        _fail(f"could not write the checkpoint to {path}: {exc}")
    typer.echo(json.dumps(checkpoint.to_json(), separators=(",", ":")))
    typer.echo(f"appended to {path}", err=True)


# -- pathways --------------------------------------------------------------------------------


@pathways_app.command("list")
def pathways_list() -> None:
    """List the pathways in force (shipped, plus SAMBAND_PATHWAYS_DIR)."""
    from samband.pathways.definition import PathwayError, registry

    try:
        pathways = registry()
    except PathwayError as exc:
        _fail(str(exc))
    _table(
        ["key", "title", "episode types"],
        [
            {"key": p.key, "title": p.title, "episode types": ", ".join(p.episode_types)}
            for p in pathways.values()
        ],
    )


@pathways_app.command("check")
def pathways_check(
    directory: Annotated[
        Path | None,
        typer.Argument(help="A folder of pathway YAML files (default: the ones in force)."),
    ] = None,
) -> None:
    """Validate pathway YAML files; exit 1 with what is wrong."""
    from samband.config import get_settings
    from samband.pathways.definition import SHIPPED, PathwayError, load_file

    if directory is not None:
        if not directory.is_dir():
            _fail(f"{directory} is not a folder")
        folders = [directory]
    else:
        extra = get_settings().pathways_dir
        folders = [SHIPPED] + ([extra] if extra else [])
    files = [path for folder in folders for path in sorted(folder.glob("*.yaml"))]
    if not files:
        _fail(f"no *.yaml files in {', '.join(str(f) for f in folders)}")
    problems = []
    keys: dict[str, Path] = {}
    for path in files:
        try:
            pathway = load_file(path)
        except PathwayError as exc:
            problems.append(str(exc))
            continue
        if pathway.key in keys and directory is not None:
            problems.append(f"{path.name}: key '{pathway.key}' is also used by {keys[pathway.key]}")
        keys[pathway.key] = path
        typer.echo(f"ok  {path.name}  ({pathway.key})")
    if problems:
        for problem in problems:
            typer.echo(f"error: {problem}", err=True)
        raise typer.Exit(1)


# -- plan ------------------------------------------------------------------------------------

SecondsOption = Annotated[
    float, typer.Option("--seconds", min=0.1, max=3600, help="Time the solver may use (seconds).")
]
SeedOption = Annotated[int, typer.Option("--seed", help="Random seed of the solver.")]


def _read_input(path: Path) -> str:
    if not path.is_file():
        _fail(f"{path}: no such file")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        _fail(f"{path}: not UTF-8 text")
    except OSError as exc:
        _fail(f"{path}: cannot be read ({exc.strerror})")


@plan_app.command("solve")
def plan_solve(
    problem_file: Annotated[Path, typer.Argument(help="The planning problem (JSON).")],
    seconds: SecondsOption = 5.0,
    seed: SeedOption = 0,
    osrm_url: Annotated[
        str | None,
        typer.Option(
            "--osrm-url",
            help="OSRM routing server for travel times (default: SAMBAND_OSRM_URL; "
            "none: the embedded great-circle model).",
        ),
    ] = None,
    allow_unknown_skills: Annotated[
        bool,
        typer.Option(
            "--allow-unknown-skills",
            help="Report visits needing a skill nobody has as unassigned instead of refusing "
            "the problem.",
        ),
    ] = False,
) -> None:
    """Plan a day's visits (docs/planning-format.md) and print the plan as JSON."""
    from samband.config import get_settings
    from samband.planning.osrm import OSRMError, OSRMTravel
    from samband.planning.problem import ProblemError, load_problem, require_known_skills
    from samband.planning.solver import PlanningError, PyVRPSolver

    text = _read_input(problem_file)
    try:
        problem = load_problem(text)
        if not allow_unknown_skills:
            require_known_skills(problem)
    except ProblemError as exc:
        _fail(f"{problem_file}: {exc}")
    url = osrm_url or get_settings().osrm_url
    try:
        travel = OSRMTravel(url).prepare_problem(problem) if url else None
        plan = PyVRPSolver(travel).solve(problem, seconds, seed)
    except OSRMError as exc:
        _fail(str(exc))
    except PlanningError as exc:  # a bug, but still no traceback and no broken plan
        _fail(str(exc))
    typer.echo(json.dumps(plan.to_dict(), ensure_ascii=False, indent=2))


@plan_app.command("vrptw")
def plan_vrptw(
    instance_file: Annotated[Path, typer.Argument(help="A Solomon-format VRPTW instance.")],
    seconds: SecondsOption = 10.0,
    seed: SeedOption = 0,
) -> None:
    """Solve a Solomon VRPTW instance; print {"instance", "distance", "routes"} as JSON."""
    from samband.planning.solomon import InstanceError, parse_instance, solve

    text = _read_input(instance_file)
    try:
        result = solve(parse_instance(text, instance_file.stem), seconds, seed)
    except InstanceError as exc:
        _fail(f"{instance_file}: {exc}")
    typer.echo(
        json.dumps(
            {"instance": result.instance, "distance": result.distance, "routes": result.routes}
        )
    )


# -- news2 -----------------------------------------------------------------------------------

news2_app = _group("news2", "NEWS2 (RCP National Early Warning Score 2): score vital signs.")

_NEWS2_EXAMPLE = '[{"respiratory_rate": 18, "spo2": 95, "on_oxygen": false, "pulse": 80}]'


@news2_app.command("score")
def news2_score() -> None:
    """Score a JSON list of vital-sign sets read from standard input (docs/news2.md).

    Prints a JSON list in the same order: total, risk, partial, parameters, missing,
    monitoring and red_score for each set, or {"error": ...} for a set that cannot be scored
    (the others are still scored, and the exit status is 0)."""
    from samband.observations.news2 import News2InputError, parse_set, score

    try:
        text = sys.stdin.read()
    except UnicodeDecodeError:
        _fail("standard input is not UTF-8 text")
    if not text.strip():
        _fail(
            f"standard input is empty; give a JSON list of vital-sign sets, e.g. {_NEWS2_EXAMPLE}"
        )
    try:
        sets = json.loads(text)
    except json.JSONDecodeError as exc:
        _fail(
            f"standard input is not valid JSON: {exc.msg} (line {exc.lineno}, column "
            f"{exc.colno}); give a list of vital-sign sets, e.g. {_NEWS2_EXAMPLE}"
        )
    except RecursionError:
        _fail("standard input is nested too deeply to be a list of vital-sign sets")
    if not isinstance(sets, list):
        hint = " (put a single set in [ ])" if isinstance(sets, dict) else ""
        _fail(f"standard input must be a JSON list of vital-sign sets{hint}, e.g. {_NEWS2_EXAMPLE}")
    results: list[dict[str, Any]] = []
    for raw in sets:
        try:
            news2 = score(parse_set(raw))
        except News2InputError as exc:
            results.append({"error": str(exc)})
            continue
        results.append(
            {
                "total": news2.total,
                "risk": news2.risk,
                "partial": news2.partial,
                "parameters": news2.parameters,
                "missing": list(news2.missing),
                "monitoring": news2.monitoring,
                "red_score": news2.red_score,
            }
        )
    typer.echo(json.dumps(results, ensure_ascii=False, indent=2))


# -- simulate and potential ------------------------------------------------------------------

FormatOption = Annotated[str, typer.Option("--format", help="text or json.")]


def _sek_int(value: float) -> str:
    return f"{value:,.0f}".replace(",", " ")


def _span_text(low: float, high: float, fmt: Any) -> str:
    return fmt(low) if fmt(low) == fmt(high) else f"{fmt(low)} – {fmt(high)}"


@app.command()
def simulate(
    scenario_file: Annotated[Path, typer.Argument(help="The scenario (YAML, docs/simulation.md).")],
    replications: Annotated[
        int | None,
        typer.Option("--replications", min=1, max=10_000, help="Override the scenario's."),
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", min=0, help="Override the scenario's seed.")
    ] = None,
    output: FormatOption = "text",
) -> None:
    """Simulate a hospital-at-home service (SimPy): occupancy, patients turned away, staff
    utilisation and overtime, with 95 % confidence intervals over replications."""
    from samband.simulation.model import simulate as run
    from samband.simulation.scenario import ScenarioError, load_scenario

    _choice("format", output, ["text", "json"])
    text = _read_input(scenario_file)
    try:
        result = run(load_scenario(text), replications=replications, seed=seed)
    except ScenarioError as exc:
        _fail(f"{scenario_file}: {exc}")
    if output == "json":
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return

    s = result.scenario
    metrics = result.metrics()
    typer.echo(s.name)
    typer.echo(
        f"{s.places} places · {s.horizon_days} days measured after {s.warmup_days} days of "
        f"warm-up · {len(result.replications)} replications · seed {s.seed}"
    )
    if s.travel is not None:
        line = f"travel: {s.travel.minutes_per_visit:.1f} min a visit"
        if s.travel.area is not None:
            a = s.travel.area
            line += (
                f" (planner's great-circle model: random points within {a.radius_km:g} km of "
                f"{a.centre.lat:g}, {a.centre.lon:g}; × {a.travel.road_factor:g} at "
                f"{a.travel.speed_kmh:g} km/h)"
            )
        typer.echo(line)

    def pct(x: float) -> str:
        return f"{100 * x:.1f} %"

    def num(x: float) -> str:
        return f"{x:,.1f}".replace(",", " ")

    def row(label: str, name: str, fmt: Any) -> dict[str, Any] | None:
        e = metrics.get(name)
        if e is None:
            return None
        ci = "—" if e.low is None or e.high is None else f"{fmt(e.low)} – {fmt(e.high)}"
        return {"": label, "mean": fmt(e.mean), "95 % CI": ci}

    rows = [
        row("occupancy", "occupancy", pct),
        row("turned away", "turned_away_share", pct),
        row("arrivals", "arrivals", num),
        row("turned away (patients)", "turned_away", num),
        row("patient-days", "patient_days", num),
        row("visits a day", "visits_per_day", num),
        row("staff utilisation", "utilisation", pct),
    ]
    roles = [r.role for r in result.replications[0].roles]
    rows += [row(f"  {role}", f"utilisation.{role}", pct) for role in roles]
    rows.append(row("overtime, minutes a day", "overtime_minutes_per_day", num))
    rows += [row(f"  {role}", f"overtime_minutes_per_day.{role}", num) for role in roles]
    rows += [
        row(f"  per {role} on duty", f"overtime_minutes_per_staff_day.{role}", num)
        for role in roles
    ]
    rows.append(row("days with overtime", "days_with_overtime_share", pct))
    typer.echo("")
    _table(["", "mean", "95 % CI"], [r for r in rows if r is not None])
    turned = metrics["turned_away_share"]
    if turned.low is None:
        verdict = "one replication: no confidence interval to compare with"
    elif turned.contains(result.erlang_b):
        verdict = "inside the 95 % CI"
    else:
        verdict = "outside the 95 % CI"
    typer.echo("")
    typer.echo(
        f"Erlang-B: {pct(result.erlang_b)} turned away for an offered load of "
        f"{result.offered_load:.2f} on {s.places} places ({verdict}).\n"
        "Erlang-B holds for Poisson arrivals and any distribution of stays: a check on the model."
    )


@app.command()
def potential(
    potential_file: Annotated[
        Path, typer.Argument(help="Target groups, effects and unit costs (YAML).")
    ],
    output: FormatOption = "text",
) -> None:
    """The regional potential calculator: bed-days, emergency visits and costs saved a year,
    as low–high ranges (docs/simulation.md)."""
    from samband.simulation.potential import PotentialError, load_potential

    _choice("format", output, ["text", "json"])
    text = _read_input(potential_file)
    try:
        calc = load_potential(text)
    except PotentialError as exc:
        _fail(f"{potential_file}: {exc}")
    if output == "json":
        typer.echo(json.dumps(calc.to_dict(), ensure_ascii=False, indent=2))
        return

    def msek(x: float) -> str:
        return f"{x / 1e6:,.1f}".replace(",", " ")

    u = calc.unit_costs
    typer.echo(calc.name)
    typer.echo(
        f"unit costs: {_sek_int(u.bed_day_sek)} SEK a bed-day, "
        f"{_sek_int(u.emergency_visit_sek)} SEK an emergency visit ({u.price_year} prices; "
        f"{u.source})"
    )
    typer.echo("")
    rows: list[dict[str, Any]] = []
    for g in calc.groups:
        reached = g.reached
        rows.append(
            {
                "group": g.name,
                "persons reached": "—" if reached is None else _span_text(*reached, _sek_int),
                "bed-days saved": _span_text(*g.bed_days_saved, _sek_int),
                "emergency visits saved": _span_text(*g.emergency_visits_saved, _sek_int),
                "costs saved, MSEK": _span_text(*g.costs_saved(u), msek),
            }
        )
    rows.append(
        {
            "group": "total",
            "persons reached": "",
            "bed-days saved": _span_text(*calc.bed_days_saved, _sek_int),
            "emergency visits saved": _span_text(*calc.emergency_visits_saved, _sek_int),
            "costs saved, MSEK": _span_text(*calc.costs_saved, msek),
        }
    )
    _table(list(rows[0]), rows)
    typer.echo("")
    typer.echo(f"added costs of the new care, MSEK: {_span_text(*calc.added_costs_sek, msek)}")
    typer.echo(f"net saving a year, MSEK: {_span_text(*calc.net_saving, msek)}")


# -- alerts ----------------------------------------------------------------------------------

alerts_app = _group("alerts", "Remote-monitoring alerts: missed measurements and escalation.")


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
            _fail(f"--now {now!r} is not an ISO 8601 time, e.g. 2030-03-06T09:45:00+01:00")
        if at.tzinfo is None:
            _fail(f"--now {now!r} has no time zone; add one, e.g. +01:00 or Z")
    engine = make_engine(_database_url())
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


# -- import and report (outcomes, issue 6) ---------------------------------------------------

import_app = _group("import", "Import history from another system (docs/import-format.md).")


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
        _fail(f"{csv_file}: no such file")
    try:
        data = csv_file.read_bytes()
    except OSError as exc:
        _fail(f"{csv_file}: cannot be read ({exc.strerror})")
    _schema_for_an_empty_database()
    try:
        with _transaction() as session:
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
        _fail(exc.message)
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

    url = _database_url()
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            empty = not inspect(conn).get_table_names()
    except SQLAlchemyError:
        return  # the command itself reports a database it cannot use
    finally:
        engine.dispose()
    if empty:
        _upgrade()
        typer.echo(f"note: the database was empty; created its tables ({_safe_url(url)})", err=True)


def _report_day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        _fail(f"{option} '{value}' is not a date; write YYYY-MM-DD")


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
    type=…, organisation=…. CSV: indicator,group,value (NA where the data does not exist)."""
    from samband.kit.errors import SambandError
    from samband.outcomes import render
    from samband.outcomes.config import ConfigError
    from samband.outcomes.history import TYPE_ALIASES, TYPES
    from samband.outcomes.report import Filters
    from samband.outcomes.service import build_report, settings

    _choice("format", output, ["csv", "html", "pdf", "parquet"])
    _choice("source", source, ["all", "live", "import"])
    first, last = _report_day(date_from, "--from"), _report_day(date_to, "--to")
    if last < first:
        _fail("--to is before --from")
    types = tuple(TYPE_ALIASES.get(t, t) for t in episode_type or [])
    for t in types:
        _choice("type", t, list(TYPES))
    if output in ("pdf", "parquet") and out is None:
        _fail(f"--format {output} writes a file: give it with --out FILE")
    try:
        outcome_settings = settings(config_file)
    except ConfigError as exc:
        _fail(str(exc))
    _schema_for_an_empty_database()
    filters = Filters(
        pathways=tuple(pathway or ()),
        types=types,
        organisations=tuple(organisation or ()),
        source=source,
    )
    with _progress() as progress:
        try:
            with _transaction() as session:
                result = build_report(
                    session,
                    first,
                    last,
                    filters=filters,
                    outcome_settings=outcome_settings,
                    progress=progress,
                )
        except SambandError as exc:
            _fail(exc.message)
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
            _fail(f"cannot write {exc.filename}: {exc.strerror}")
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


# -- output ----------------------------------------------------------------------------------


def _table(columns: list[str], rows: list[dict[str, Any]]) -> None:
    cells = [[("" if r.get(c) is None else str(r.get(c))) for c in columns] for r in rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    typer.echo("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip())
    for row in cells:
        typer.echo("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())


if __name__ == "__main__":  # pragma: no cover
    app()
