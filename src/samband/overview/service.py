"""The command centre's first screen: who is at home, what waits, what is free.

Each patient at home shows what the monitoring knows, as the round does (issue 11, "what staff
see is true"): the newest set of any kind with its time (a weight or a symptom report holds no
NEWS2, and says so), the latest scored set with its NEWS2 and whether it is stale for the
pathway's schedule (``monitoring.summary.stale_after_of``), the patient's own latest report,
and today's visits done, to come, missed and cancelled (``monitoring.summary.VisitSummary``).
The alerts themselves come from ``alerts.service`` (the page asks for them). Every kind is
read with one query for all the patients on the page (``monitoring.repository.latest_sets``,
``repository.visit_statuses``), never one per patient.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from samband.alerts.rules import ACTIVE
from samband.config import get_settings
from samband.episodes.states import State
from samband.kit.time import STOCKHOLM, as_utc, local_today, utcnow
from samband.models import CareRequest, Episode, ObservationSet, Organisation, Patient, Unit, User
from samband.monitoring import repository as monitoring
from samband.monitoring.summary import VISITS_AHEAD, LatestSet, VisitSummary, stale_after_of
from samband.observations.schemas import Source
from samband.observations.schemas import Status as ObservationStatus
from samband.overview import repository
from samband.pathways.definition import registry
from samband.security.context import Context
from samband.security.roles import Permission
from samband.security.service import visibility

# The access log's resource for a patient shown on the overview (its alerts included).
RESOURCE = "overview"


@dataclass(frozen=True)
class AtHome:
    episode: Episode
    patient: Patient
    day: int  # day 1 is the day the patient went home
    pathway_title: str
    care_contact: User | None
    visits: VisitSummary  # today's: done, to come, missed, cancelled
    latest: LatestSet | None = None  # the latest scored set (NEWS2), and whether it is stale
    newest: ObservationSet | None = None  # the newest set of any kind, scored or not
    self_report: ObservationSet | None = None  # the patient's own newest report

    @property
    def unscored(self) -> ObservationSet | None:
        """The newest set when it holds no NEWS2 (a weight, symptoms): shown with its time
        and that it was not scored, beside the latest scored set if there is one."""
        if self.newest is None or self.newest.news2_total is not None:
            return None
        return self.newest


@dataclass(frozen=True)
class Waiting:
    episode: Episode
    patient: Patient
    pathway_title: str


@dataclass(frozen=True)
class PendingRequest:
    request: CareRequest
    patient: Patient
    sender: Organisation


@dataclass(frozen=True)
class Beds:
    unit: Unit
    free: int
    total: int


@dataclass(frozen=True)
class Overview:
    at_home: list[AtHome]
    candidates: list[Waiting]
    preparing: list[Waiting]  # assessed, consented or planned: on the way home
    pending_requests: list[PendingRequest]
    beds: list[Beds]


def episode_day(episode: Episode, today: date | None = None) -> int:
    if episode.started_at is None:
        return 0
    start = episode.started_at.astimezone(STOCKHOLM).date()
    return ((today or local_today()) - start).days + 1


def overview(ctx: Context, *, also_shown: Iterable[uuid.UUID] = ()) -> Overview:
    """The overview of the caller's organisation. Every patient on it (and those of
    ``also_shown``: the overview's alerts) is logged once per user and patient per
    SAMBAND_OVERVIEW_LOG_MINUTES (``log_shown``)."""
    ctx.actor.require(Permission.PATIENT_READ)
    session, org = ctx.session, visibility(ctx)  # the caller's organisation, now
    pathways = registry()

    def title(key: str) -> str:
        pathway = pathways.get(key)
        return pathway.title if pathway else key

    at_home_rows = repository.episodes_of_organisation(session, org, [State.AT_HOME.value])
    at_home = _at_home(session, at_home_rows)
    candidates = [
        Waiting(e, p, title(e.pathway))
        for e, p in repository.episodes_of_organisation(session, org, [State.CANDIDATE.value])
    ]
    preparing = [
        Waiting(e, p, title(e.pathway))
        for e, p in repository.episodes_of_organisation(
            session, org, [State.ASSESSED.value, State.CONSENTED.value, State.PLANNED.value]
        )
    ]
    pending = [
        PendingRequest(r, p, o)
        for r, p, o in repository.incoming_requests(session, org, ["sent", "received"])
    ]
    log_shown(
        ctx,
        [*also_shown]
        + [row.patient.id for row in at_home]
        + [row.patient.id for row in candidates]
        + [row.patient.id for row in preparing]
        + [row.patient.id for row in pending],
    )
    beds = [Beds(u, free, total) for u, free, total in repository.reserved_beds(session)]
    return Overview(
        at_home=at_home,
        candidates=candidates,
        preparing=preparing,
        pending_requests=pending,
        beds=beds,
    )


def _at_home(session: Session, rows: list[tuple[Episode, Patient]]) -> list[AtHome]:
    """The rows of these episodes: one query per kind for all of them."""
    pathways = registry()
    ids = [e.id for e, _ in rows]
    contacts = repository.users_by_id(
        session, {e.care_contact_id for e, _ in rows if e.care_contact_id}
    )
    today, now = local_today(), utcnow()
    visits = repository.visit_statuses(session, ids, today)
    excluded = ObservationStatus.ENTERED_IN_ERROR.value
    scored = monitoring.latest_sets(session, ids, excluded, scored=True)
    newest = monitoring.latest_sets(session, ids, excluded)
    reports = monitoring.latest_sets(session, ids, excluded, source=Source.SELF_REPORT.value)

    def title(key: str) -> str:
        pathway = pathways.get(key)
        return pathway.title if pathway else key

    def latest(episode: Episode) -> LatestSet | None:
        found = scored.get(episode.id)
        if found is None:
            return None
        stale_after = stale_after_of(pathways.get(episode.pathway))
        return LatestSet(found, now - as_utc(found.measured_at) > stale_after, stale_after)

    return [
        AtHome(
            e,
            p,
            episode_day(e),
            title(e.pathway),
            contacts.get(e.care_contact_id),  # type: ignore[arg-type]
            visit_summary(today, visits.get(e.id, {})),
            latest(e),
            newest.get(e.id),
            reports.get(e.id),
        )
        for e, p in rows
    ]


def visit_summary(day: date, statuses: dict[str, tuple[int, datetime | None]]) -> VisitSummary:
    """The day's visits counted as the round counts them (``monitoring.summary``): started,
    assigned and planned are still to come; the next is the earliest not yet started."""
    counts = {"done": 0, "planned": 0, "missed": 0, "cancelled": 0}
    upcoming: list[datetime] = []
    for status, (n, first) in statuses.items():
        if status in VISITS_AHEAD:
            counts["planned"] += n
            if status != "started" and first is not None:
                upcoming.append(as_utc(first))
        elif status in counts:
            counts[status] += n
    return VisitSummary(
        day=day,
        done=counts["done"],
        planned=counts["planned"],
        missed=counts["missed"],
        cancelled=counts["cancelled"],
        next_at=min(upcoming) if upcoming else None,
    )


# -- the access log: once per user and patient per period (docs/security.md) -----------------


def log_period() -> timedelta:
    return timedelta(minutes=get_settings().overview_log_minutes)


def logged_in_period(ctx: Context, now: datetime | None = None) -> dict[uuid.UUID, datetime]:
    """Per patient, when the caller was last logged as shown the overview in the period."""
    since = (now or utcnow()) - log_period()
    found = repository.logged_since(ctx.session, ctx.actor.user_id, RESOURCE, since)
    return {patient_id: as_utc(at) for patient_id, at in found.items()}


def log_shown(
    ctx: Context,
    patient_ids: Iterable[uuid.UUID],
    *,
    logged: dict[uuid.UUID, datetime] | None = None,
) -> list[uuid.UUID]:
    """Log that the caller was shown these patients on the overview: once per user and
    patient per SAMBAND_OVERVIEW_LOG_MINUTES. A patient already logged for this user in the
    period (in the access log, or in ``logged``: what a live page's stream wrote) is not
    logged again; the first showing in each period is, with its time. ``logged`` is updated.
    Returns the patients logged now."""
    ids = list(dict.fromkeys(patient_ids))
    if not ids:
        return []
    now = utcnow()
    since = now - log_period()
    if logged is None:
        logged = logged_in_period(ctx, now)
    fresh = [pid for pid in ids if not (pid in logged and logged[pid] > since)]
    minutes = get_settings().overview_log_minutes
    for patient_id in fresh:
        ctx.log.record(
            patient_id=patient_id,
            action="list",
            resource_type=RESOURCE,
            resource_id=None,
            allowed=True,
            reason=f"shown on the overview (logged once per {minutes} min)",
        )
        logged[patient_id] = now
    return fresh


# -- the live overview (samband.live): what a connected page is sent -------------------------


def shown_episode_ids(ctx: Context) -> set[uuid.UUID]:
    """The episodes whose rows the caller's overview shows (patients at home)."""
    ctx.actor.require(Permission.PATIENT_READ)
    return repository.episode_ids_of_organisation(
        ctx.session, visibility(ctx), [State.AT_HOME.value]
    )


def visible_episodes(ctx: Context, episode_ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these episodes the caller may see (no logging: nothing is shown yet)."""
    return repository.visible_episode_ids(ctx.session, visibility(ctx), episode_ids)


@dataclass(frozen=True)
class LiveRow:
    """One patient's row at home, and the episode's active alerts (the row's alert count)."""

    row: AtHome
    alerts: int


def live_rows(session: Session, episode_ids: Collection[uuid.UUID]) -> list[LiveRow]:
    """The rows of these episodes that are at home, read once for every connected page (the
    system reads; each page is sent only the rows its own overview shows, and each patient
    sent is logged for that user: ``log_shown``)."""
    rows = _at_home(session, repository.at_home_rows(session, episode_ids, State.AT_HOME.value))
    counts = repository.active_alert_counts(
        session, [r.episode.id for r in rows], [s.value for s in ACTIVE]
    )
    return [LiveRow(r, counts.get(r.episode.id, 0)) for r in rows]
