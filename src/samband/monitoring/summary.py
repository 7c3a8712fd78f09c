"""What the monitoring knows of an episode, as the pages that summarise a patient show it
(issue 11, "what staff see is true"): the NEWS2 trend of the last 72 hours, the latest scored
set with its time and whether it is stale for the pathway's schedule, the active alerts by
severity, the day's visits and the patient's own latest report.

``summarise`` reads it for a list of episodes (the round) with one query per kind, whatever the
number of episodes; ``of_episode`` for one (the patient page). It is the episode's record: an
episode whose record the caller may not read (another care provider without the patient's
consent, a block, social services) gets no summary, and the pages say it is not shown to them,
never "none". Reading it logs nothing by itself: the page that shows it logs the patient.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from samband.alerts.rules import ACTIVE as ACTIVE_ALERTS
from samband.alerts.rules import SEVERITY_RANK
from samband.kit.time import local_today, utcnow
from samband.models import Alert, Episode, ObservationSet, Visit
from samband.monitoring import repository
from samband.observations.schemas import Source
from samband.observations.schemas import Status as ObservationStatus
from samband.pathways.definition import Pathway, registry
from samband.security.context import Context
from samband.security.service import visibility

# The NEWS2 trend shown for each patient: the scored sets of this many hours.
TREND_HOURS = 72
# A latest set older than this is stale when the pathway is unknown.
DEFAULT_STALE_AFTER = timedelta(hours=24)
# Visits not yet made (started is under way).
VISITS_AHEAD = {"planned", "assigned", "started"}


@dataclass(frozen=True)
class LatestSet:
    set: ObservationSet  # the newest set holding a NEWS2 score
    stale: bool  # older than the pathway's schedule allows (``stale_after``)
    stale_after: timedelta


@dataclass(frozen=True)
class AlertSummary:
    alerts: list[Alert]  # the active ones (not closed), the most severe first, then the oldest

    @property
    def total(self) -> int:
        return len(self.alerts)

    @property
    def by_severity(self) -> dict[str, int]:
        """Counts per severity, the most severe first (every severity, zeros included)."""
        counts = {s: 0 for s in sorted(SEVERITY_RANK, key=SEVERITY_RANK.__getitem__)[::-1]}
        for alert in self.alerts:
            counts[alert.severity] = counts.get(alert.severity, 0) + 1
        return counts

    @property
    def unacknowledged(self) -> int:
        return sum(1 for a in self.alerts if a.status == "open")

    @property
    def most_severe(self) -> Alert | None:
        return self.alerts[0] if self.alerts else None


@dataclass(frozen=True)
class VisitSummary:
    day: date
    done: int
    planned: int  # not made yet: planned, assigned or under way
    missed: int
    cancelled: int
    next_at: datetime | None  # the next visit not yet started: its planned start or window
    visits: tuple[Visit, ...] = field(default=(), repr=False)  # the day's, in time order

    @property
    def total(self) -> int:
        return self.done + self.planned + self.missed + self.cancelled


@dataclass(frozen=True)
class Monitoring:
    """What the monitoring knows of the episode."""

    trend: list[ObservationSet]  # scored sets of the last TREND_HOURS, oldest first
    latest: LatestSet | None  # None: no scored set at all
    alerts: AlertSummary
    visits: VisitSummary
    self_report: ObservationSet | None  # the patient's own newest report
    # the newest set of any kind (a weight alone, symptoms alone: not scored); shown when
    # there is no scored set, so a page never says "nothing measured" when something was
    newest: ObservationSet | None = None

    @property
    def trend_hours(self) -> int:
        return TREND_HOURS


def summarise(
    ctx: Context, episodes: Sequence[Episode], day: date | None = None
) -> dict[uuid.UUID, Monitoring]:
    """What the monitoring knows of each episode whose record the caller may read (the others
    are left out), with the visits of ``day`` (today in Europe/Stockholm by default): one query
    per kind for the whole list."""
    if ctx.actor.is_social_services or not episodes:
        return {}
    day = day or local_today()
    session, now = ctx.session, utcnow()
    ids = sorted(repository.readable_episodes(session, [e.id for e in episodes], visibility(ctx)))
    if not ids:
        return {}
    excluded = ObservationStatus.ENTERED_IN_ERROR.value
    trends = repository.scored_sets_since(
        session, ids, now - timedelta(hours=TREND_HOURS), excluded
    )
    latest = repository.latest_sets(session, ids, excluded, scored=True)
    reports = repository.latest_sets(session, ids, excluded, source=Source.SELF_REPORT.value)
    newest = repository.latest_sets(session, ids, excluded)
    alerts = repository.active_alerts(session, ids, [s.value for s in ACTIVE_ALERTS])
    visits = repository.visits_on(session, ids, day)
    pathways = registry()
    result = {}
    for episode in episodes:
        if episode.id not in ids:
            continue
        scored = latest.get(episode.id)
        stale_after = stale_after_of(pathways.get(episode.pathway))
        result[episode.id] = Monitoring(
            trend=trends.get(episode.id, []),
            latest=LatestSet(scored, now - scored.measured_at > stale_after, stale_after)
            if scored
            else None,
            alerts=AlertSummary(
                sorted(
                    alerts.get(episode.id, []),
                    key=lambda a: (-SEVERITY_RANK.get(a.severity, 0), a.created_at, a.id),
                )
            ),
            visits=_visits(day, visits.get(episode.id, [])),
            self_report=reports.get(episode.id),
            newest=newest.get(episode.id),
        )
    return result


def of_episode(ctx: Context, episode: Episode, day: date | None = None) -> Monitoring | None:
    """What the monitoring knows of one episode; None when the caller may not read its record
    (the page then says it is not shown to them)."""
    return summarise(ctx, [episode], day).get(episode.id)


def hidden_episodes(ctx: Context, patient_id: uuid.UUID, shown: int) -> int:
    """How many of the patient's episodes the caller does not see, of which ``shown`` (the
    number the caller's own search found) are visible: a page that shows none of them says they
    are not shown to the caller rather than that there are none."""
    return max(repository.episode_count(ctx.session, patient_id) - shown, 0)


def stale_after_of(pathway: Pathway | None) -> timedelta:
    """How old the latest set may be before the next scheduled one is overdue: the longest
    pause between the pathway's scheduled times, and its grace time."""
    if pathway is None:
        return DEFAULT_STALE_AFTER
    schedule = pathway.vital_signs
    minutes = sorted(int(t[:2]) * 60 + int(t[3:5]) for t in schedule.times)
    pauses = [b - a for a, b in zip(minutes, minutes[1:], strict=False)]
    pauses.append(minutes[0] + 24 * 60 - minutes[-1])
    return timedelta(minutes=max(pauses) + schedule.grace_minutes)


def _visits(day: date, visits: list[Visit]) -> VisitSummary:
    counts = {"done": 0, "planned": 0, "missed": 0, "cancelled": 0}
    upcoming: list[datetime] = []
    for visit in visits:
        if visit.status in VISITS_AHEAD:
            counts["planned"] += 1
            if visit.status != "started":
                upcoming.append(visit.planned_start or visit.window_start)
        elif visit.status in counts:
            counts[visit.status] += 1
    return VisitSummary(
        day=day, next_at=min(upcoming) if upcoming else None, visits=tuple(visits), **counts
    )
