"""The rules for vital signs from home (docs/decisions/0006-observations-and-alerts.md).

- **Ingestion** (``store``) takes one set or a batch, all or nothing: every item is
  validated, the caller's access to every patient checked and logged, and only then is
  anything written. The sets are scored (NEWS2, with the episode's SpO2 scale) and flagged
  when a value is implausible. This domain stores and scores; whether a set raises an alert
  is the alerts' decision (``alerts.triggers``), taken in the same transaction by the caller
  of ``store`` (``monitoring.intake``): a stored measurement and its alert are committed
  together or not at all.
- **Exactly once**: a set may carry a ``client_id``, unique per sending organisation. Sent
  again, it stores nothing and answers with the stored set (the same id). The same
  client_id with *other* content is refused (409): the sender has a bug, and silently
  keeping either version could lose a real measurement. Race-safe: the sets are inserted
  in one statement that skips a client_id already stored (``ON CONFLICT DO NOTHING``); a
  set skipped so lost the race to a concurrent delivery, and the winner's row is read and
  answered.
- **Episodes**: a set belongs to an open episode of the patient (the one named, or the
  patient's open episode).
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
from datetime import UTC, datetime
from typing import Any

from samband.episodes.access import episode_for, not_found, record_event
from samband.episodes.states import OPEN_STATES, Kind
from samband.kit.errors import Conflict, InvalidInput, not_visible, problem
from samband.kit.i18n import msg
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
from samband.security.context import Context
from samband.security.roles import Permission, Role
from samband.security.service import (
    log_listed,
    require_patient_access,
    require_patients_access,
    visibility,
)

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
class Stored:
    """What ``store`` did: one result per item, in order (a new set's ``alert_ids`` are for
    the alerts to fill), and the new sets with their locked episodes, for the alerts."""

    results: list[Ingested]
    new: list[tuple[ObservationSet, LockedEpisode]]
    now: datetime


@dataclass(frozen=True)
class Spo2Scale:
    episode_id: uuid.UUID
    decision: Spo2ScaleDecision | None

    @property
    def scale(self) -> int:
        return self.decision.scale if self.decision else 1


# -- ingestion ---------------------------------------------------------------------------------


def store(
    ctx: Context,
    items: Sequence[ObservationCreate],
    *,
    where: Where = in_batch,
    named: Callable[[int], str] | None = None,
) -> Stored:
    """Take in sets of vital signs, all or nothing: validated, access checked, stored and
    scored. ``named``: how the caller named the patient of item i (e.g. by personnummer),
    for the 404, so that it reads the same whether or not the patient exists. Alerts are not
    raised here: call ``monitoring.intake`` to take in measurements."""
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
    values: dict[int, dict[str, Any]] = {}
    for index in new:
        item, episode = items[index], episodes[index]
        values[index] = _values(ctx, item, episode, scales.get(episode.id, 1), hashes[index], now)
    rows = _insert(ctx, items, values, hashes, duplicate_of, where)

    earlier_ids = repository.alert_ids_of_sets(
        session, {s.id for s in duplicate_of.values() if not isinstance(s, int)}
    )
    results: list[Ingested] = []
    for index in range(len(items)):
        if index in rows:
            row = rows[index]
            results.append(Ingested(ObservationView(row, []), True))
            continue
        target = duplicate_of[index]
        while isinstance(target, int):  # an earlier item of the batch: stored, or itself a
            target = rows[target] if target in rows else duplicate_of[target]  # lost race
        row = target
        results.append(Ingested(ObservationView(row, earlier_ids.get(row.id, [])), False))
    return Stored(results, [(rows[i], episodes[i]) for i in sorted(rows)], now)


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
        field = where(index, "client_id")
        if stored_id is None:
            found = problem(
                "observation.client_id_reused_in_batch", field=field, client_id=item.client_id
            )
            raise Conflict(found)
        found = problem(
            "observation.client_id_reused",
            field=field,
            client_id=item.client_id,
            observation_id=str(stored_id),
        )
        raise Conflict(found, observation_id=str(stored_id))


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
                    problem("observation.device_sends_no_visit", field=where(index, "source"))
                )


def _check_access(
    ctx: Context,
    items: Sequence[ObservationCreate],
    where: Where,
    now: datetime,
    named: Callable[[int], str] | None = None,
) -> None:
    """Every patient must be in the caller's care (or under their emergency access); each is
    logged once, allowed or not (``security.service.require_patients_access``). One refused
    patient refuses the whole request (404)."""
    first: dict[uuid.UUID, int] = {}
    for index, item in enumerate(items):
        first.setdefault(item.patient_id, index)
    refused = require_patients_access(
        ctx, list(first), action="create", resource_type=RESOURCE, now=now
    )
    if refused is not None:
        index = first[refused]
        what = named(index) if named else f"patient {refused}"
        raise not_visible(what, field=where(index, "patient_id"))


def _rank(episode: LockedEpisode) -> tuple[bool, bool]:
    """Which of a patient's open episodes takes an unnamed measurement: one at home before one
    not yet at home, and hospital care at home before the enrolment in home health care."""
    return (episode.state == "at_home", episode.kind == Kind.HOSPITAL_AT_HOME.value)


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
    # A patient enrolled in home health care may have a hospital-at-home episode on top
    # (decision 0018): a measurement goes to the episode at home, the hospital-at-home one
    # first (rows are in id order, so the choice is made by rank, never by that order).
    open_of: dict[uuid.UUID, LockedEpisode] = {}
    for row in rows:
        if row.state in OPEN_STATES:
            chosen = open_of.get(row.patient_id)
            if chosen is None or _rank(row) > _rank(chosen):
                open_of[row.patient_id] = row
    result: dict[int, LockedEpisode] = {}
    for index in new:
        item = items[index]
        if item.episode_id is not None:
            found = by_id.get(item.episode_id)
            if found is None or found.patient_id != item.patient_id:
                raise InvalidInput(
                    problem(
                        "observation.not_an_episode_of_patient",
                        field=where(index, "episode_id"),
                        episode_id=str(item.episode_id),
                        patient_id=str(item.patient_id),
                    )
                )
            if found.state not in OPEN_STATES:
                raise Conflict(
                    problem(
                        "observation.episode_not_open",
                        field=where(index, "episode_id"),
                        state=msg(f"state.{found.state}"),
                    )
                )
        else:
            found = open_of.get(item.patient_id)
            if found is None:
                raise Conflict(
                    problem(
                        "observation.no_open_episode",
                        field=where(index, "patient_id"),
                        patient_id=str(item.patient_id),
                    )
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
                problem(
                    "observation.visit_of_another_episode",
                    field=where(index, "visit_id"),
                    visit_id=str(visit_id),
                )
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
                    problem("observation.sent_concurrently", field=where(index, "client_id"))
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
            raise InvalidInput(problem("observation.name_a_patient", field="patient_id"))
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
        raise Conflict(problem("observation.already_entered_in_error", field="decision"))
    if data.decision == "confirmed":
        if not row.needs_confirmation:
            raise Conflict(
                problem("observation.nothing_to_confirm", field="decision"), status=row.status
            )
        row.status = Status.FINAL.value
    else:
        if data.note is None:
            raise InvalidInput(problem("observation.say_what_was_wrong", field="note"))
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
        raise Conflict(
            problem("observation.spo2_scale_closed", state=msg(f"state.{episode.state}"))
        )
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


def store_fhir(ctx: Context, occasions: Sequence[fhir.Parsed]) -> Stored:
    """Take in measurement occasions read from FHIR (``fhir.parse_*``), all or nothing:
    subjects named by personnummer are looked up, each occasion becomes an
    ``ObservationCreate`` (plausibility errors name the FHIR element), then ``store``."""
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
    return store(
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
