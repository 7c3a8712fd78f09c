"""The rules for vital signs from home (docs/decisions/0006-observations-and-alerts.md).

- **Ingestion** (``ingest``) takes one set or a batch, all or nothing: every item is
  validated, the caller's access to every patient checked and logged, and only then is
  anything written. The sets are scored (NEWS2, with the episode's SpO2 scale), flagged
  when a value is implausible, and the alerts they trigger are raised in the same
  transaction: a stored measurement and its alert are committed together or not at all.
- **Exactly once**: a set may carry a ``client_id``, unique per sending organisation. Sent
  again, it stores nothing and answers with the stored set (the same id). The same
  client_id with *other* content is refused (409): the sender has a bug, and silently
  keeping either version could lose a real measurement. Race-safe: the sets are inserted
  in one statement that skips a client_id already stored (``ON CONFLICT DO NOTHING``); a
  set skipped so lost the race to a concurrent delivery, and the winner's row is read and
  answered.
- **Episodes**: a set belongs to an open episode of the patient (the one named, or the
  patient's open episode). Alerts are raised only while the episode is at home.
- **SpO2 scale 2** only when a physician has set it for the episode (``set_spo2_scale``).
- Reads for the pages: ``list_for_patient`` / ``list_for_episode`` (a time range, oldest
  first, with NEWS2), ``get``; every patient read is logged.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlalchemy.orm import Session

from samband.alerts import rules as alert_rules
from samband.alerts.service import Raiser
from samband.config import get_settings
from samband.episodes.access import episode_for, not_found, record_event
from samband.episodes.states import OPEN_STATES, State
from samband.kit.errors import Conflict, InvalidInput, not_visible
from samband.kit.time import utcnow
from samband.models import ObservationSet, Spo2ScaleDecision
from samband.observations import fhir, news2, plausibility, repository
from samband.observations.repository import LockedEpisode
from samband.observations.schemas import (
    ObservationConfirm,
    ObservationCreate,
    Source,
    Spo2ScaleSet,
    Status,
)
from samband.pathways.definition import AlertLimit
from samband.security.context import Context
from samband.security.roles import Permission, Role
from samband.security.service import log_listed, require_patient_access, visibility

RESOURCE = "observation"
LIST_LIMIT = 2000
NEWS2_FIELDS = news2.PARAMETERS

# Names a field of item ``index`` for an error: "spo2" for a single set, "items.3.spo2" in a
# batch, a FHIRPath expression for FHIR.
Where = Callable[[int, str], str]


def single(_index: int, name: str) -> str:
    return name


def in_batch(index: int, name: str) -> str:
    return f"items.{index}.{name}"


@dataclass(frozen=True)
class ObservationView:
    observation: ObservationSet
    alert_ids: list[uuid.UUID]


@dataclass(frozen=True)
class Ingested:
    view: ObservationView
    created: bool  # False: a duplicate of a set already stored under its client_id


@dataclass(frozen=True)
class Spo2Scale:
    episode_id: uuid.UUID
    decision: Spo2ScaleDecision | None

    @property
    def scale(self) -> int:
        return self.decision.scale if self.decision else 1


# -- ingestion ---------------------------------------------------------------------------------


def ingest_one(ctx: Context, data: ObservationCreate) -> Ingested:
    return ingest(ctx, [data], where=single)[0]


def ingest(
    ctx: Context,
    items: Sequence[ObservationCreate],
    *,
    where: Where = in_batch,
    named: Callable[[int], str] | None = None,
) -> list[Ingested]:
    """Take in sets of vital signs, all or nothing; one result per item, in order.
    ``named``: how the caller named the patient of item i (e.g. by personnummer), for the
    404, so that it reads the same whether or not the patient exists."""
    session, actor = ctx.session, ctx.actor
    now = utcnow()
    _check_sender(ctx, items, where)
    _check_access(ctx, items, where, now, named)

    # exactly once: answered from what is stored, or from an earlier item of this batch
    hashes = [content_hash(item) for item in items]
    stored = repository.by_client_ids(
        session, actor.organisation_id, {i.client_id for i in items if i.client_id}
    )
    first_of: dict[str, int] = {}
    duplicate_of: dict[int, ObservationSet | int] = {}
    for index, item in enumerate(items):
        if item.client_id is None:
            continue
        earlier = stored.get(item.client_id)
        if earlier is not None:
            _same_content(earlier.content_hash, hashes[index], item, earlier.id, index, where)
            duplicate_of[index] = earlier
        elif item.client_id in first_of:
            first = first_of[item.client_id]
            _same_content(hashes[first], hashes[index], item, None, index, where)
            duplicate_of[index] = first
        else:
            first_of[item.client_id] = index

    new = [index for index in range(len(items)) if index not in duplicate_of]
    episodes = _episodes(ctx, items, new, where)
    _check_visits(ctx, items, new, episodes, where)
    scales = {e.id: e.spo2_scale for e in episodes.values()}
    versions = {e.id: e.plan_version_id for e in episodes.values()}
    values: dict[int, dict[str, Any]] = {}
    for index in new:
        item, episode = items[index], episodes[index]
        values[index] = _values(ctx, item, episode, scales.get(episode.id, 1), hashes[index], now)
    rows = _insert(ctx, items, values, hashes, duplicate_of, where)

    alert_ids = _raise_alerts(ctx, [(rows[i], episodes[i]) for i in sorted(rows)], versions, now)
    earlier_ids = repository.alert_ids_of_sets(
        session, {s.id for s in duplicate_of.values() if not isinstance(s, int)}
    )
    results: list[Ingested] = []
    for index in range(len(items)):
        if index in rows:
            row = rows[index]
            results.append(Ingested(ObservationView(row, alert_ids.get(row.id, [])), True))
            continue
        target = duplicate_of[index]
        while isinstance(target, int):  # an earlier item of the batch: stored, or itself a
            target = rows[target] if target in rows else duplicate_of[target]  # lost race
        row = target
        ids = alert_ids.get(row.id) or earlier_ids.get(row.id, [])
        results.append(Ingested(ObservationView(row, ids), False))
    return results


def content_hash(item: ObservationCreate) -> str:
    """The set's content, normalised (times in UTC, units left out): equal for a retry of
    the same measurement however it is written (JSON or FHIR, 37 or 37.0)."""
    values = item.model_dump(mode="json", exclude={"units", "client_id"})
    values["measured_at"] = item.measured_at.astimezone(UTC).isoformat()
    for name in plausibility.BOUNDS:
        if values.get(name) is not None:
            values[name] = float(values[name])
    text = json.dumps(values, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _same_content(
    stored_hash: str,
    new_hash: str,
    item: ObservationCreate,
    stored_id: uuid.UUID | None,
    index: int,
    where: Where,
) -> None:
    if stored_hash != new_hash:
        what = f"set {stored_id}" if stored_id else "another item of this batch"
        raise Conflict(
            f"client_id {item.client_id!r} was already used for {what} with other values; "
            "a client_id names one measurement: send a new client_id for a new measurement",
            field=where(index, "client_id"),
            **({"observation_id": str(stored_id)} if stored_id else {}),
        )


def _check_sender(ctx: Context, items: Sequence[ObservationCreate], where: Where) -> None:
    """The role may send measurements (a refusal is logged per patient), and a device
    account only sends device readings or self-reports."""
    actor = ctx.actor
    if not actor.can(Permission.OBSERVATION_WRITE):
        for patient_id in dict.fromkeys(item.patient_id for item in items):
            ctx.log.record(
                patient_id=patient_id,
                action="create",
                resource_type=RESOURCE,
                allowed=False,
                reason=f"role {actor.role} lacks {Permission.OBSERVATION_WRITE.value}",
            )
        actor.require(Permission.OBSERVATION_WRITE)
    if actor.role == Role.DEVICE:
        for index, item in enumerate(items):
            if item.source == Source.VISIT or item.visit_id is not None:
                raise InvalidInput(
                    "a device account sends device readings or self-reports; measurements "
                    "from a visit are recorded by the staff member who made it",
                    field=where(index, "source"),
                )


def _check_access(
    ctx: Context,
    items: Sequence[ObservationCreate],
    where: Where,
    now: datetime,
    named: Callable[[int], str] | None = None,
) -> None:
    """Every patient must be in the caller's care (or under their emergency access); each is
    logged once, allowed or not. One refused patient refuses the whole request (404)."""
    actor = ctx.actor
    first: dict[uuid.UUID, int] = {}
    for index, item in enumerate(items):
        first.setdefault(item.patient_id, index)
    access = repository.access_to_patients(
        ctx.session,
        first,
        organisation_id=actor.organisation_id,
        care_provider=actor.care_provider,
        user_id=actor.user_id,
        now=now,
        days_after_end=get_settings().care_relationship_days_after_end,
    )
    refused: tuple[uuid.UUID, int] | None = None
    for patient_id, index in first.items():
        related, emergency = access.get(patient_id, (False, False))
        allowed = related or emergency
        ctx.log.record(
            patient_id=patient_id,
            action="create",
            resource_type=RESOURCE,
            allowed=allowed,
            emergency=emergency and not related,
            reason=None
            if allowed
            else ("no care relationship" if patient_id in access else "no such patient"),
        )
        if not allowed and refused is None:
            refused = (patient_id, index)
    if refused is not None:
        patient_id, index = refused
        what = named(index) if named else f"patient {patient_id}"
        raise not_visible(what, field=where(index, "patient_id"))


def _episodes(
    ctx: Context, items: Sequence[ObservationCreate], new: list[int], where: Where
) -> dict[int, LockedEpisode]:
    """The episode of each new set, locked: the one named, or the patient's open episode
    (with its SpO2 scale and current care-plan version)."""
    named = {e for e in (items[i].episode_id for i in new) if e is not None}
    unnamed = {items[i].patient_id for i in new if items[i].episode_id is None}
    rows = repository.episodes_for_update(
        ctx.session,
        episode_ids=named,
        open_of_patients=unnamed,
        open_states=[s.value for s in OPEN_STATES],
    )
    by_id = {row.id: row for row in rows}
    open_of = {row.patient_id: row for row in rows if row.state in OPEN_STATES}
    result: dict[int, LockedEpisode] = {}
    for index in new:
        item = items[index]
        if item.episode_id is not None:
            found = by_id.get(item.episode_id)
            if found is None or found.patient_id != item.patient_id:
                raise InvalidInput(
                    f"episode {item.episode_id} is not an episode of patient {item.patient_id}",
                    field=where(index, "episode_id"),
                )
            if found.state not in OPEN_STATES:
                raise Conflict(
                    f"the episode is {found.state}: measurements are recorded in an open episode",
                    field=where(index, "episode_id"),
                )
        else:
            found = open_of.get(item.patient_id)
            if found is None:
                raise Conflict(
                    f"patient {item.patient_id} has no open episode; measurements are "
                    "recorded in an episode of care at home",
                    field=where(index, "patient_id"),
                )
        result[index] = found
    return result


def _check_visits(
    ctx: Context,
    items: Sequence[ObservationCreate],
    new: list[int],
    episodes: dict[int, LockedEpisode],
    where: Where,
) -> None:
    wanted = {items[i].visit_id for i in new if items[i].visit_id is not None}
    visits = repository.visits(ctx.session, {v for v in wanted if v is not None})
    for index in new:
        visit_id = items[index].visit_id
        if visit_id is None:
            continue
        visit = visits.get(visit_id)
        if visit is None or visit.episode_id != episodes[index].id:
            raise InvalidInput(
                f"visit {visit_id} is not a visit of this episode", field=where(index, "visit_id")
            )


def _values(
    ctx: Context,
    item: ObservationCreate,
    episode: LockedEpisode,
    scale: int,
    digest: str,
    now: datetime,
) -> dict[str, Any]:
    """The row of a new set: its values, NEWS2 (with the episode's scale) and flags."""
    on_oxygen = item.on_oxygen
    if on_oxygen is None and item.oxygen_flow is not None:
        on_oxygen = item.oxygen_flow > 0
    values: dict[str, Any] = {
        "respiratory_rate": item.respiratory_rate,
        "spo2": item.spo2,
        "on_oxygen": on_oxygen,
        "systolic_bp": item.systolic_bp,
        "pulse": item.pulse,
        "consciousness": item.consciousness,
        "temperature": item.temperature,
    }
    score = None
    if any(values[name] is not None for name in NEWS2_FIELDS):
        score = news2.score(news2.VitalSigns(spo2_scale=scale, **values))
    found = plausibility.flags({name: getattr(item, name) for name in plausibility.BOUNDS})
    return dict(
        id=uuid.uuid4(),
        patient_id=item.patient_id,
        episode_id=episode.id,
        measured_at=item.measured_at,
        source=item.source.value,
        device_id=item.device_id,
        visit_id=item.visit_id,
        client_id=item.client_id,
        content_hash=digest,
        source_organisation_id=ctx.actor.organisation_id,
        recorded_by_id=ctx.actor.user_id,
        respiratory_rate=item.respiratory_rate,
        spo2=item.spo2,
        on_oxygen=on_oxygen,
        oxygen_flow=item.oxygen_flow,
        systolic_bp=item.systolic_bp,
        diastolic_bp=item.diastolic_bp,
        pulse=item.pulse,
        consciousness=item.consciousness,
        temperature=item.temperature,
        weight=item.weight,
        symptoms=item.symptoms,
        spo2_scale=scale,
        news2_total=score.total if score else None,
        news2_risk=score.risk if score else None,
        news2_partial=score.partial if score else None,
        news2_detail={
            "parameters": score.parameters,
            "missing": list(score.missing),
            "red_score": score.red_score,
            "monitoring": score.monitoring,
            "response": score.response,
        }
        if score
        else {},
        status=(Status.PRELIMINARY if found else Status.FINAL).value,
        needs_confirmation=bool(found),
        flags=[f.as_dict() for f in found],
        created_at=now,
        confirmed_by_id=None,
        confirmed_at=None,
        confirmation_note=None,
    )


def _insert(
    ctx: Context,
    items: Sequence[ObservationCreate],
    values: dict[int, dict[str, Any]],
    hashes: list[str],
    duplicate_of: dict[int, ObservationSet | int],
    where: Where,
) -> dict[int, ObservationSet]:
    """Insert the new sets in one statement that skips a set whose client_id is already
    stored (``ON CONFLICT DO NOTHING``): a concurrent delivery committed it between our
    look-up and our insert. Those lost the race: they are answered with the winner's row (or
    409 if its content differs), like any duplicate. Nothing else is rolled back, and the
    unique constraint still decides: two deliveries never both insert."""
    if not values:
        return {}
    session = ctx.session
    inserted = repository.insert_sets(session, list(values.values()))
    lost = {i: row for i, row in values.items() if row["id"] not in inserted}
    if lost:
        winners = repository.by_client_ids(
            session, ctx.actor.organisation_id, {row["client_id"] for row in lost.values()}
        )
        for index, row in lost.items():
            winner = winners.get(row["client_id"])
            if winner is None:  # pragma: no cover - the constraint skipped it: it is stored
                raise Conflict(
                    "this set was sent at the same time by another delivery; send it again",
                    field=where(index, "client_id"),
                )
            _same_content(winner.content_hash, hashes[index], items[index], winner.id, index, where)
            duplicate_of[index] = winner
    return {i: _stored(row) for i, row in values.items() if i not in lost}


_MANAGER = ObservationSet.__mapper__.class_manager


def _stored(row: dict[str, Any]) -> ObservationSet:
    """A read-only copy of a set just inserted, for the answer and the alerts: built the way
    the ORM's loader builds instances (its attributes set directly, no change events), and
    never added to the session. Some 25 times faster than the constructor, which matters at
    a thousand sets a request."""
    copy: ObservationSet = _MANAGER.new_instance()
    copy.__dict__.update(row)
    return copy


def _raise_alerts(
    ctx: Context,
    rows: list[tuple[ObservationSet, LockedEpisode]],
    plan_versions: dict[uuid.UUID, uuid.UUID | None],
    now: datetime,
) -> dict[uuid.UUID, list[uuid.UUID]]:
    """NEWS2 and care-plan-limit alerts of the new sets of episodes at home, in the order
    measured; the ids of the alerts each set opened or added to. The triggers are worked out
    first (pure); only the episodes with one have their active alerts locked and changed
    (their episodes are already locked, so the order episode → alerts holds)."""
    at_home = [(row, e) for row, e in rows if e.state == State.AT_HOME]
    if not at_home:
        return {}
    session = ctx.session
    limits = _limits(session, {e.id: plan_versions.get(e.id) for _, e in at_home})
    gains = _weight_gains(ctx, at_home, limits)
    pending: list[tuple[ObservationSet, LockedEpisode, alert_rules.Trigger]] = []
    for row, episode in sorted(at_home, key=lambda pair: (pair[0].measured_at, str(pair[0].id))):
        for trigger in _triggers(row, limits.get(episode.id, []), gains):
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


def _triggers(
    row: ObservationSet,
    episode_limits: list[AlertLimit],
    gains: dict[tuple[uuid.UUID, int], float | None],
) -> list[alert_rules.Trigger]:
    """What a set triggers: its NEWS2 band, and the care plan's limits it crosses."""
    triggers = []
    if row.news2_total is not None and row.news2_risk is not None:
        found = alert_rules.news2_trigger(
            row.news2_total,
            row.news2_risk,
            row.news2_detail.get("parameters", {}),
            row.news2_detail.get("missing", []),
        )
        if found is not None:
            triggers.append(found)
    if episode_limits:
        values: dict[str, float | None] = {name: getattr(row, name) for name in _LIMIT_VALUES}
        values["news2_total"] = row.news2_total
        crossed = alert_rules.limit_trigger(
            values, [lim for lim in episode_limits if lim.parameter != "weight_gain"]
        )
        for limit in (lim for lim in episode_limits if lim.parameter == "weight_gain"):
            gain = gains.get((row.id, limit.within_hours or 0))
            over = alert_rules.limit_trigger({"weight_gain": gain}, [limit])
            if over is not None:
                crossed = _merge(crossed, over)
        if crossed is not None:
            triggers.append(crossed)
    return triggers


def _merge(a: alert_rules.Trigger | None, b: alert_rules.Trigger) -> alert_rules.Trigger:
    if a is None:
        return b
    severity = alert_rules.highest([a.severity, b.severity])
    reason = a.reason + "; " + b.reason.removeprefix("care plan limit: ")
    return alert_rules.Trigger(a.kind, severity, reason)


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
    ctx: Context,
    rows: list[tuple[ObservationSet, LockedEpisode]],
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
        ctx.session,
        [
            (row.id, row.episode_id, row.measured_at - timedelta(hours=hours), row.measured_at)
            for row, hours in wanted
        ],
        excluded_status=Status.ENTERED_IN_ERROR.value,
    )
    gains: dict[tuple[uuid.UUID, int], float | None] = {}
    for (row, hours), low in zip(wanted, lowest, strict=True):
        assert row.weight is not None  # noqa: S101 - selected above
        gains[(row.id, hours)] = alert_rules.weight_gain(row.weight, [] if low is None else [low])
    return gains


# -- reading ---------------------------------------------------------------------------------


def get(ctx: Context, observation_id: uuid.UUID) -> ObservationView:
    row = repository.get(ctx.session, observation_id)
    if row is None:
        raise not_found(ctx, "observation", observation_id, action="read", resource_type=RESOURCE)
    require_patient_access(
        ctx,
        row.patient_id,
        permission=Permission.PATIENT_READ,
        action="read",
        resource_type=RESOURCE,
        resource_id=row.id,
        subject=f"observation {row.id}",
        episode_id=row.episode_id,
    )
    return _views(ctx, [row])[0]


def list_for_patient(
    ctx: Context,
    patient_id: uuid.UUID,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    include_entered_in_error: bool = False,
    limit: int = LIST_LIMIT,
) -> list[ObservationView]:
    """A patient's sets measured in [since, until], oldest first (a trend), with NEWS2 and
    the alerts each caused. Access checked and logged."""
    require_patient_access(
        ctx, patient_id, permission=Permission.PATIENT_READ, action="list", resource_type=RESOURCE
    )
    return _search(
        ctx,
        patient_id=patient_id,
        since=since,
        until=until,
        include_entered_in_error=include_entered_in_error,
        limit=limit,
    )


def list_for_episode(
    ctx: Context,
    episode_id: uuid.UUID,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    include_entered_in_error: bool = False,
    limit: int = LIST_LIMIT,
) -> list[ObservationView]:
    """An episode's sets measured in [since, until], oldest first. Access checked and logged."""
    episode = episode_for(
        ctx, episode_id, permission=Permission.PATIENT_READ, action="list", resource_type=RESOURCE
    )
    return _search(
        ctx,
        episode_id=episode.id,
        since=since,
        until=until,
        include_entered_in_error=include_entered_in_error,
        limit=limit,
    )


def search(
    ctx: Context,
    *,
    patient_id: uuid.UUID | None = None,
    episode_id: uuid.UUID | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    needs_confirmation: bool | None = None,
    include_entered_in_error: bool = False,
    limit: int = LIST_LIMIT,
) -> list[ObservationView]:
    """``GET /observations``: by patient, by episode, or every set awaiting confirmation of
    the patients the caller may see."""
    if episode_id is not None:
        views = list_for_episode(
            ctx,
            episode_id,
            since=since,
            until=until,
            include_entered_in_error=include_entered_in_error,
            limit=limit,
        )
        if patient_id is not None:
            views = [v for v in views if v.observation.patient_id == patient_id]
    elif patient_id is not None:
        views = list_for_patient(
            ctx,
            patient_id,
            since=since,
            until=until,
            include_entered_in_error=include_entered_in_error,
            limit=limit,
        )
    else:
        ctx.actor.require(Permission.PATIENT_READ)
        if needs_confirmation is None:
            raise InvalidInput(
                "name a patient_id or an episode_id, or ask for needs_confirmation=true",
                field="patient_id",
            )
        views = _search(
            ctx,
            since=since,
            until=until,
            needs_confirmation=needs_confirmation,
            include_entered_in_error=include_entered_in_error,
            limit=limit,
        )
        log_listed(ctx, [v.observation.patient_id for v in views], resource_type=RESOURCE)
        return views
    if needs_confirmation is not None:
        views = [v for v in views if v.observation.needs_confirmation == needs_confirmation]
    return views


def _search(
    ctx: Context,
    *,
    patient_id: uuid.UUID | None = None,
    episode_id: uuid.UUID | None = None,
    since: datetime | None,
    until: datetime | None,
    needs_confirmation: bool | None = None,
    include_entered_in_error: bool,
    limit: int,
) -> list[ObservationView]:
    rows = repository.search(
        ctx.session,
        visibility(ctx),
        patient_id=patient_id,
        episode_id=episode_id,
        since=since,
        until=until,
        needs_confirmation=needs_confirmation,
        excluded_status=None if include_entered_in_error else Status.ENTERED_IN_ERROR.value,
        limit=limit,
    )
    return _views(ctx, rows)


def _views(ctx: Context, rows: list[ObservationSet]) -> list[ObservationView]:
    alert_ids = repository.alert_ids_of_sets(ctx.session, {r.id for r in rows})
    return [ObservationView(r, alert_ids.get(r.id, [])) for r in rows]


# -- confirmation and the SpO2 scale -----------------------------------------------------------


def confirm(ctx: Context, observation_id: uuid.UUID, data: ObservationConfirm) -> ObservationView:
    """Confirm a flagged set's values, or mark any set entered in error."""
    row = repository.get(ctx.session, observation_id)
    if row is None:
        raise not_found(ctx, "observation", observation_id, action="update", resource_type=RESOURCE)
    episode_for(
        ctx,
        row.episode_id,
        permission=Permission.OBSERVATION_CONFIRM,
        action="update",
        resource_type=RESOURCE,
        resource_id=row.id,
        lock=True,
    )
    locked = repository.get(ctx.session, observation_id, lock=True)
    assert locked is not None  # noqa: S101 - sets are never deleted
    row = locked
    if row.status == Status.ENTERED_IN_ERROR:
        raise Conflict("the set is already marked entered in error", field="decision")
    if data.decision == "confirmed":
        if not row.needs_confirmation:
            raise Conflict(
                "the set has no value awaiting confirmation", field="decision", status=row.status
            )
        row.status = Status.FINAL.value
    else:
        if data.note is None:
            raise InvalidInput("say what was wrong with the measurement", field="note")
        row.status = Status.ENTERED_IN_ERROR.value
    row.needs_confirmation = False
    row.confirmed_by_id = ctx.actor.user_id
    row.confirmed_at = utcnow()
    row.confirmation_note = data.note
    ctx.session.flush()
    return _views(ctx, [row])[0]


def spo2_scale(ctx: Context, episode_id: uuid.UUID) -> Spo2Scale:
    episode = episode_for(
        ctx, episode_id, permission=Permission.PATIENT_READ, action="read", resource_type="spo2"
    )
    return Spo2Scale(episode.id, repository.latest_spo2_decision(ctx.session, episode.id))


def set_spo2_scale(ctx: Context, episode_id: uuid.UUID, data: Spo2ScaleSet) -> Spo2Scale:
    """A physician sets the SpO2 scale of the episode; later sets are scored with it."""
    episode = episode_for(
        ctx,
        episode_id,
        permission=Permission.SPO2_SCALE_SET,
        action="update",
        resource_type="spo2",
        lock=True,
    )
    if episode.state not in OPEN_STATES:
        raise Conflict(f"the episode is {episode.state}: its SpO2 scale can no longer change")
    decision = Spo2ScaleDecision(
        episode_id=episode.id,
        scale=data.scale,
        reason=data.reason,
        decided_by_id=ctx.actor.user_id,
        created_at=utcnow(),
    )
    repository.add(ctx.session, decision)
    record_event(
        ctx,
        episode,
        "spo2_scale.set",
        reason=data.reason,
        data={"scale": data.scale},
    )
    return Spo2Scale(episode.id, decision)


# -- FHIR ------------------------------------------------------------------------------------


def ingest_fhir(ctx: Context, occasions: Sequence[fhir.Parsed]) -> list[Ingested]:
    """Take in measurement occasions read from FHIR (``fhir.parse_*``), all or nothing:
    subjects named by personnummer are looked up, each occasion becomes an
    ``ObservationCreate`` (plausibility errors name the FHIR element), then ``ingest``."""
    actor = ctx.actor
    if not actor.can(Permission.OBSERVATION_WRITE):
        ctx.log.record(
            patient_id=None,
            action="create",
            resource_type=RESOURCE,
            allowed=False,
            reason=f"role {actor.role} lacks {Permission.OBSERVATION_WRITE.value}",
        )
        actor.require(Permission.OBSERVATION_WRITE)
    numbers = {o.personnummer for o in occasions if o.personnummer is not None}
    found = repository.patient_ids_by_personnummer(ctx.session, numbers)
    default = Source.DEVICE if actor.role == Role.DEVICE else Source.VISIT
    items: list[ObservationCreate] = []
    for occasion in occasions:
        patient_id = occasion.subject_id
        if patient_id is None and occasion.personnummer is not None:
            patient_id = found.get(occasion.personnummer)
            if patient_id is None:
                ctx.log.record(
                    patient_id=None,
                    action="create",
                    resource_type=RESOURCE,
                    allowed=False,
                    reason="no such patient (personnummer)",
                )
                raise not_visible(_named_by(occasion), field=occasion.expression("patient_id"))
        assert patient_id is not None  # noqa: S101 - fhir.parse_* requires a subject
        items.append(fhir.to_create(occasion, patient_id, default))
    return ingest(
        ctx,
        items,
        where=lambda index, name: occasions[index].expression(name),
        named=lambda index: _named_by(occasions[index]),
    )


def _named_by(occasion: fhir.Parsed) -> str:
    """The patient as the FHIR resource named it."""
    number = occasion.personnummer
    if number is not None:
        return f"patient with personnummer {number[:8]}-{number[8:]}"
    return f"patient {occasion.subject_id}"
