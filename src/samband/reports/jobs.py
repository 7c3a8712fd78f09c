"""The report as a job (decision 0013, "Long reports"): never inside a request.

``reports.render`` is deferred by ``service.order`` in the request's transaction. It runs in
three short transactions, with the rendering (PDF, Parquet: the slow part) between them and
no transaction open (on SQLite every transaction is BEGIN IMMEDIATE and holds the write
lock):

1. claim the report (``running``, one attempt more);
2. read the data AS the person who asked and write their access-log rows (``compute``);
3. store the file (``done``), or why it failed: ``queued`` again while an attempt is left (the
   queue retries), ``failed`` after the last one. A refusal (the role or the account changed
   since the order) fails at once: trying again would not help.

Each run also deletes the reports past their ``expires_at`` (in its first transaction): the
files do not outlive their week for longer than until the next report is made.
"""

from __future__ import annotations

import logging
import uuid

from sqlalchemy.orm import Session, sessionmaker

from samband.db import unit_of_work
from samband.jobs.queue import task
from samband.reports import service

log = logging.getLogger(__name__)


@task(service.RENDER_TASK, lane="slow", max_attempts=service.MAX_ATTEMPTS, backoff_seconds=10)
def render(factory: sessionmaker[Session], report_id: str) -> None:
    """Make one report and store its file."""
    this = uuid.UUID(report_id)
    try:
        with unit_of_work(factory) as session:
            service.purge(session)
            claimed = service.claim(session, this)
        if claimed is None:
            log.info("report %s: gone, expired or already settled", this)
            return
        with unit_of_work(factory) as session:
            report = service.compute(session, claimed)
        if report is None:
            log.info("report %s: refused (see its error)", this)
            return
        _, _, _, trace = service.filters_of(claimed.parameters)
        content = service.render_file(report, claimed.format, trace=trace)  # no transaction
        with unit_of_work(factory) as session:
            service.finish(session, claimed, content)
    except Exception as exc:
        # the page says why; the queue retries (max_attempts) and a success replaces it
        with unit_of_work(factory) as session:
            service.fail(session, this, f"the report could not be made: {exc}", final=False)
        raise
