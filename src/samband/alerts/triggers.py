"""Whether new measurements raise alerts: the alerts' decision on the sets the observations
domain stored and scored (``observations.service.store``), in the same transaction
(docs/decisions/0006-observations-and-alerts.md).

A set of an episode at home triggers its NEWS2 band and the limits of the episode's current
care plan it crosses (``rules``); the triggers are worked out first (pure), and only the
episodes with one have their active alerts locked and changed (the episodes are already
locked by ingestion, so the order episode → alerts holds). Alerts are raised only while the
episode is at home: the ward looks after inpatients.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol

from pydantic import TypeAdapter, ValidationError
from sqlalchemy.orm import Session

from samband.alerts import repository, rules
from samband.alerts.service import EpisodeRef, Raiser
from samband.episodes.states import State
from samband.kit.errors import Problem
from samband.kit.i18n import Msg
from samband.models import ObservationSet
from samband.pathways.definition import AlertLimit
from samband.security.context import Context

ENTERED_IN_ERROR = "entered_in_error"


class MeasuredEpisode(EpisodeRef, Protocol):
    """The episode of a new set as ingestion locked it (``observations.repository``)."""

    @property
    def state(self) -> str: ...
    @property
    def plan_version_id(self) -> uuid.UUID | None: ...


def raise_for_sets(
    ctx: Context, rows: Sequence[tuple[ObservationSet, MeasuredEpisode]], now: datetime
) -> dict[uuid.UUID, list[uuid.UUID]]:
    """NEWS2 and care-plan-limit alerts of new sets of episodes at home, in the order
    measured; the ids of the alerts each set opened or added to."""
    at_home = [(row, e) for row, e in rows if e.state == State.AT_HOME]
    if not at_home:
        return {}
    session = ctx.session
    limits = _limits(session, {e.id: e.plan_version_id for _, e in at_home})
    gains = _weight_gains(session, at_home, limits)
    pending: list[tuple[ObservationSet, MeasuredEpisode, rules.Trigger]] = []
    for row, episode in sorted(at_home, key=lambda pair: (pair[0].measured_at, str(pair[0].id))):
        for trigger in triggers(row, limits.get(episode.id, []), gains):
            pending.append((row, episode, trigger))
    if not pending:
        return {}
    raiser = Raiser(session, now, ctx.actor.user_id)
    raiser.lock(sorted({episode.id for _, episode, _ in pending}))
    result: dict[uuid.UUID, list[uuid.UUID]] = {}
    for row, episode, trigger in pending:
        alert = raiser.raise_(episode, trigger, observation_set_id=row.id)
        result.setdefault(row.id, []).append(alert.id)
    raiser.flush()
    return result


_LIMIT_VALUES = (
    "respiratory_rate",
    "spo2",
    "systolic_bp",
    "diastolic_bp",
    "pulse",
    "temperature",
    "weight",
)


def triggers(
    row: ObservationSet,
    episode_limits: list[AlertLimit],
    gains: dict[tuple[uuid.UUID, int], float | None],
) -> list[rules.Trigger]:
    """What a set triggers: its NEWS2 band, and the care plan's limits it crosses."""
    found: list[rules.Trigger] = []
    if row.news2_total is not None and row.news2_risk is not None:
        news2 = rules.news2_trigger(
            row.news2_total,
            row.news2_risk,
            row.news2_detail.get("parameters", {}),
            row.news2_detail.get("missing", []),
        )
        if news2 is not None:
            found.append(news2)
    if episode_limits:
        values: dict[str, float | None] = {name: getattr(row, name) for name in _LIMIT_VALUES}
        values["news2_total"] = row.news2_total
        crossed = rules.limit_trigger(
            values, [lim for lim in episode_limits if lim.parameter != "weight_gain"]
        )
        for limit in (lim for lim in episode_limits if lim.parameter == "weight_gain"):
            gain = gains.get((row.id, limit.within_hours or 0))
            over = rules.limit_trigger({"weight_gain": gain}, [limit])
            if over is not None:
                crossed = _merge(crossed, over)
        if crossed is not None:
            found.append(crossed)
    return found


def _limits_of(trigger: rules.Trigger) -> list[Msg]:
    reason = trigger.problem
    if isinstance(reason, Problem):
        return list(reason.params.get("limits", []))
    return []


def _merge(a: rules.Trigger | None, b: rules.Trigger) -> rules.Trigger:
    """Two crossed-limit triggers of one set as one (the highest severity)."""
    if a is None:
        return b
    severity = rules.highest([a.severity, b.severity])
    return rules.Trigger(a.kind, severity, rules.limit_reason([*_limits_of(a), *_limits_of(b)]))


_LIMITS = TypeAdapter(list[AlertLimit])


# The alert limits of care-plan versions already read, by version id. A version never
# changes (a change to a plan is a new version), so an entry never goes stale; the cache only
# spares reading and validating the same plans again at every batch.
_VERSION_LIMITS: dict[uuid.UUID, list[AlertLimit]] = {}
_VERSION_LIMITS_MAX = 50_000


def _limits(
    session: Session, plan_versions: dict[uuid.UUID, uuid.UUID | None]
) -> dict[uuid.UUID, list[AlertLimit]]:
    """The alert limits of each episode's current care-plan version (validated when the
    plan was saved; a plan stored before limits existed has none). Plans made from one
    pathway template share their limits: each distinct list is validated once."""
    versions = {e: v for e, v in plan_versions.items() if v is not None}
    unknown = {v for v in versions.values() if v not in _VERSION_LIMITS}
    if unknown:
        if len(_VERSION_LIMITS) + len(unknown) > _VERSION_LIMITS_MAX:
            _VERSION_LIMITS.clear()
        parsed: dict[str | None, list[AlertLimit]] = {None: []}
        for version_id, text in repository.alert_limits_of_versions(session, unknown).items():
            if text not in parsed:
                try:
                    parsed[text] = _LIMITS.validate_json(text) if text else []
                except ValidationError:
                    parsed[text] = []
            _VERSION_LIMITS[version_id] = parsed[text]
    return {
        episode_id: found
        for episode_id, version_id in versions.items()
        if (found := _VERSION_LIMITS.get(version_id))
    }


def _weight_gains(
    session: Session,
    rows: list[tuple[ObservationSet, MeasuredEpisode]],
    limits: dict[uuid.UUID, list[AlertLimit]],
) -> dict[tuple[uuid.UUID, int], float | None]:
    """For each weighed set of an episode with a weight_gain limit: its rise over the lowest
    weight of the limit's period before it, keyed by (set id, hours)."""
    wanted = [
        (row, lim.within_hours or 0)
        for row, e in rows
        if row.weight is not None
        for lim in limits.get(e.id, [])
        if lim.parameter == "weight_gain"
    ]
    if not wanted:
        return {}
    lowest = repository.lowest_weights(
        session,
        [
            (row.id, row.episode_id, row.measured_at - timedelta(hours=hours), row.measured_at)
            for row, hours in wanted
        ],
        excluded_status=ENTERED_IN_ERROR,
    )
    gains: dict[tuple[uuid.UUID, int], float | None] = {}
    for (row, hours), low in zip(wanted, lowest, strict=True):
        assert row.weight is not None  # noqa: S101 - selected above
        gains[(row.id, hours)] = rules.weight_gain(row.weight, [] if low is None else [low])
    return gains
