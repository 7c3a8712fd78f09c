"""The day plan's solve as a job (decision 0015): never inside a request.

``dayplans.solve`` is deferred by ``dayplans.create_day_plan`` / ``dayplans.replan`` in the
request's transaction. It runs in three steps so that no transaction is open while the
solver works (on SQLite every transaction is BEGIN IMMEDIATE and holds the write lock):

1. a short transaction reads the problem and marks the plan ``solving`` (``begin_solve``);
2. the solver runs with no transaction open (``solve_prepared``);
3. a short transaction writes the routes, ``done`` (or ``failed`` with why), unless a newer
   request superseded this one (``finish_solve`` checks the plan's ``solve_ticket``).
"""

from __future__ import annotations

import logging
import uuid

from sqlalchemy.orm import Session, sessionmaker

from samband.db import unit_of_work
from samband.jobs.queue import task
from samband.kit.errors import problem
from samband.planning.problem import ProblemError
from samband.visits import dayplans

log = logging.getLogger(__name__)


@task(dayplans.SOLVE_TASK, lane="slow", max_attempts=2)
def solve(factory: sessionmaker[Session], plan_id: str, ticket: str, mode: str = "new") -> None:
    """Solve one day plan (``mode``: new or replan, for the log)."""
    plan, this = uuid.UUID(plan_id), uuid.UUID(ticket)
    try:
        with unit_of_work(factory) as session:
            prepared = dayplans.begin_solve(session, plan, this)
        if prepared is None:
            log.info("day plan %s: solve %s superseded or gone (%s)", plan, this, mode)
            return
        try:
            dayplans.solve_prepared(prepared)  # no transaction open
        except ProblemError as exc:
            prepared.error = problem("dayplan.cannot_plan", detail=str(exc))
        except Exception as exc:  # noqa: BLE001 - the solver is deterministic: say why, once
            prepared.error = problem("dayplan.solver_failed", detail=str(exc))
        with unit_of_work(factory) as session:
            dayplans.finish_solve(session, prepared)
    except Exception as exc:
        # the page says why; the queue retries (max_attempts) and a success replaces it
        with unit_of_work(factory) as session:
            dayplans.fail_solve(session, plan, this, problem("dayplan.not_made", detail=str(exc)))
        raise
