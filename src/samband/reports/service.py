"""Long reports as jobs (issue 11, decision 0013 "Long reports").

- **Order** (``order``, ``POST /api/v1/reports``, the outcomes page's "Beställ rapport"): the
  parameters are checked at once (a bad one: 422 naming the field, nothing written); the
  ``ReportFile`` row (``queued``) and the job ``reports.render`` are written in the request's
  transaction, so a refused request defers nothing and a committed one cannot lose its job.
- **Make** (``reports/jobs.py``, as the person who asked): the job rebuilds that person's
  ``Actor`` from their user row and runs ``outcomes.service.report_for`` in a ``Context`` of
  its own, so the same permissions and care-relationship filters apply as on /outcomes (with
  ``trace`` only the episodes they may see, logged; a role that lost ``directory:read`` or
  ``patient:read`` meanwhile is refused). Its access-log rows are written with the method
  ``JOB`` and the path ``reports.render``. Three short transactions (claim; read the data
  and log; store the file) and the rendering in between with none open: on SQLite every
  transaction holds the write lock.
- **Read** (``mine``, ``get``, ``download``): only the person who asked (another's: 404, as
  one that does not exist); an expired report is gone (410), and deleted by the next
  ``reports.render`` job (``purge``).
"""

from __future__ import annotations

import tempfile
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from samband.jobs.queue import defer
from samband.kit.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    SambandError,
    problem,
)
from samband.kit.i18n import msg
from samband.kit.time import as_utc, utcnow
from samband.models import ReportFile
from samband.outcomes import render as outcome_render
from samband.outcomes import service as outcomes
from samband.outcomes.report import Filters, Report
from samband.reports import repository
from samband.reports.schemas import ReportCreate, ReportFormat
from samband.security.context import AccessLog, Context
from samband.security.roles import Permission
from samband.security.service import actor_of

RENDER_TASK = "reports.render"
MAX_ATTEMPTS = 2
KEEP = timedelta(days=7)  # a report's file is kept this long after it was ordered
LONGEST = timedelta(days=3 * 366)  # the longest period one report covers
WAITING = ("queued", "running")

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "parquet": "application/vnd.apache.parquet",
}


class Gone(SambandError):
    """The report expired: its file was (or will shortly be) deleted."""

    status_code = 410
    code = "gone"


# -- ordering and reading (the request's transaction) -------------------------------------------


def order(ctx: Context, data: ReportCreate) -> ReportFile:
    """Check the parameters, store the order (``queued``) and defer its job, in the caller's
    transaction. The same permissions as /outcomes: ``directory:read``, and ``patient:read``
    for ``trace``."""
    ctx.actor.require(Permission.DIRECTORY_READ)
    if data.trace:
        ctx.actor.require(Permission.PATIENT_READ)
    if data.last_day < data.first_day:
        raise InvalidInput(problem("outcomes.period_reversed", field="to"))
    if data.last_day - data.first_day > LONGEST:
        raise InvalidInput(problem("reports.too_long", field="to"))
    if data.trace and data.format == ReportFormat.PDF:
        raise InvalidInput(problem("reports.pdf_without_trace", field="trace"))
    if data.pathway is not None and data.pathway not in outcomes.known_pathways():
        raise InvalidInput(
            problem("reports.unknown_pathway", field="pathway", pathway=data.pathway)
        )
    if data.organisation is not None and not repository.organisation_exists(
        ctx.session, data.organisation
    ):
        raise InvalidInput(
            problem("reports.unknown_organisation", field="organisation", code=data.organisation)
        )
    now = utcnow()
    report = ReportFile(
        user_id=ctx.actor.user_id,
        kind=data.kind.value,
        format=data.format.value,
        parameters={
            "from": data.first_day.isoformat(),
            "to": data.last_day.isoformat(),
            "pathway": data.pathway,
            "type": data.type.value if data.type else None,
            "organisation": data.organisation,
            "trace": data.trace,
            "language": data.language.value,
        },
        status="queued",
        attempts=0,
        created_at=now,
        expires_at=now + KEEP,
    )
    repository.add(ctx.session, report)
    defer(ctx.session, RENDER_TASK, {"report_id": str(report.id)})
    return report


def mine(ctx: Context, limit: int = 50) -> list[ReportFile]:
    """The caller's reports not yet expired, newest first."""
    ctx.actor.require(Permission.DIRECTORY_READ)
    return repository.list_of_user(ctx.session, ctx.actor.user_id, utcnow(), limit)


def get(ctx: Context, report_id: uuid.UUID, *, content: bool = False) -> ReportFile:
    """One of the caller's reports (someone else's: 404; expired: 410)."""
    ctx.actor.require(Permission.DIRECTORY_READ)
    report = repository.of_user(ctx.session, report_id, ctx.actor.user_id, content=content)
    if report is None:
        raise NotFound(problem("reports.not_found"))
    if as_utc(report.expires_at) <= utcnow():
        raise Gone(problem("reports.expired"))
    return report


def download(ctx: Context, report_id: uuid.UUID) -> ReportFile:
    """The caller's report with its file (409 while it is being made or when it failed)."""
    report = get(ctx, report_id, content=True)
    if report.status != "done" or report.content is None:
        if report.status == "failed" and report.error:
            raise Conflict(problem("reports.failed_no_file", field="status", error=report.error))
        raise Conflict(
            problem(
                "reports.not_ready", field="status", status=msg(f"reports.state.{report.status}")
            )
        )
    return report


# -- the job's steps (reports/jobs.py runs each in its own transaction) -------------------------


@dataclass
class Claimed:
    """What the first transaction read: plain data, nothing bound to a session."""

    report_id: uuid.UUID
    user_id: uuid.UUID
    format: str
    parameters: dict[str, Any]
    attempts: int


def claim(session: Session, report_id: uuid.UUID) -> Claimed | None:
    """Mark the report ``running`` (one attempt more); None when it is gone, expired or
    already settled."""
    report = repository.for_job(session, report_id)
    if report is None or report.status in ("done", "failed"):
        return None
    if as_utc(report.expires_at) <= utcnow():
        return None
    report.status = "running"
    report.attempts += 1
    report.started_at = utcnow()
    session.flush()
    return Claimed(
        report.id, report.user_id, report.format, dict(report.parameters), report.attempts
    )


def filters_of(parameters: dict[str, Any]) -> tuple[date, date, Filters, bool]:
    return (
        date.fromisoformat(parameters["from"]),
        date.fromisoformat(parameters["to"]),
        Filters(
            pathways=(parameters["pathway"],) if parameters.get("pathway") else (),
            types=(parameters["type"],) if parameters.get("type") else (),
            organisations=(parameters["organisation"],) if parameters.get("organisation") else (),
        ),
        bool(parameters.get("trace")),
    )


def compute(session: Session, claimed: Claimed) -> Report | None:
    """The report's data, read AS the person who asked (their permissions and care
    relationships), their access-log rows written in this transaction. None when they may
    no longer have it: the report failed for good (and a refused role is logged), in this
    same transaction."""
    user = repository.user(session, claimed.user_id)
    if user is None or not user.active:
        _refuse(session, claimed, "the account that ordered the report is no longer active")
        return None
    ctx = Context(session, actor_of(user), AccessLog())
    first, last, filters, trace = filters_of(claimed.parameters)
    try:
        report = outcomes.report_for(ctx, first, last, filters=filters, trace=trace)
    except (Forbidden, InvalidInput) as exc:
        if isinstance(exc, Forbidden) and all(e.allowed for e in ctx.log.entries):
            ctx.log.record(
                patient_id=None,
                action="read",
                resource_type="outcome_report",
                resource_id=claimed.report_id,
                allowed=False,
                reason=exc.message,
            )
        ctx.log.write(
            session,
            ctx.actor,
            method="JOB",
            path=RENDER_TASK,
            status_code=exc.status_code,
            failed=True,
        )
        _refuse(session, claimed, exc.message)
        return None
    ctx.log.write(session, ctx.actor, method="JOB", path=RENDER_TASK, status_code=None)
    return report


def _refuse(session: Session, claimed: Claimed, reason: str) -> None:
    fail(session, claimed.report_id, f"the report cannot be made: {reason}", final=True)


def render_file(report: Report, format: str, *, trace: bool) -> bytes:
    """The file's bytes (no database: run it with no transaction open)."""
    if format == "csv":
        return outcome_render.to_csv(report, trace=trace).encode("utf-8")
    if format == "html":
        return outcome_render.to_html(report, trace=trace).encode("utf-8")
    if format == "pdf":
        return outcome_render.to_pdf(report)
    if format == "parquet":
        with tempfile.TemporaryDirectory(prefix="samband-report-") as folder:
            path = Path(folder) / "report.parquet"
            outcome_render.to_parquet(report, path, trace=trace)
            return path.read_bytes()
    raise ValueError(f"no format {format!r}")


def filename_of(claimed: Claimed) -> str:
    p = claimed.parameters
    return f"samband-outcomes-{p['from']}-{p['to']}.{claimed.format}"


def finish(session: Session, claimed: Claimed, content: bytes) -> None:
    report = repository.for_job(session, claimed.report_id)
    if report is None:  # deleted meanwhile (expired and purged)
        return
    report.status = "done"
    report.error = None
    report.content = content
    report.media_type = MEDIA_TYPES[claimed.format]
    report.filename = filename_of(claimed)
    report.size = len(content)
    report.finished_at = utcnow()


def fail(session: Session, report_id: uuid.UUID, reason: str, *, final: bool) -> None:
    """Record why the attempt failed: ``failed`` for good, or ``queued`` again (the queue
    retries the job) with the reason kept."""
    report = repository.for_job(session, report_id)
    if report is None or report.status == "done":
        return
    report.error = reason[:2000]
    if final or report.attempts >= MAX_ATTEMPTS:
        report.status = "failed"
        report.finished_at = utcnow()
    else:
        report.status = "queued"


def purge(session: Session) -> int:
    """Delete the expired reports (their files with them)."""
    return repository.delete_expired(session, utcnow())
