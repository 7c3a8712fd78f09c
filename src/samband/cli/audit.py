"""`samband audit`: sample the access log, verify its hash chain, write a checkpoint."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from samband.cli.base import fail, group, table, transaction

if TYPE_CHECKING:
    from samband.audit.chain import Report

audit_app = group("audit", "The access log (HSLF-FS 2016:40 4 kap. 9 §).")


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
        fail(f"{option} '{value}' is not a date; write YYYY-MM-DD (or an ISO date-time)")
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
        fail("drawing a sample needs samband.audit.service.sample, which is not installed")

    start, end = _parse_day(since, "--since"), _parse_day(until, "--until")
    if start and end and start >= end:
        fail("--since must be before --until")
    with transaction() as session:
        try:
            events = sample(session, n, since=start, until=end, seed=seed)
        except SambandError as exc:
            fail(exc.message)
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
    table(
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
        with transaction() as session:
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
    with transaction() as session:
        try:
            checkpoint = integrity.current_checkpoint(session)
        except integrity.ChainBroken as exc:
            fail(str(exc))
    try:
        integrity.append_checkpoint(path, checkpoint)
    except OSError as exc:
        fail(f"could not write the checkpoint to {path}: {exc}")
    typer.echo(json.dumps(checkpoint.to_json(), separators=(",", ":")))
    typer.echo(f"appended to {path}", err=True)
