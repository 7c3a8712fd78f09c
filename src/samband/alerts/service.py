"""The rules for alerts: raising them, their life cycle, missed measurements, escalation.

- **One active alert per episode and kind** (news2, limit, missed_measurement). A new
  trigger while one is active (open, acknowledged or action taken) is added to it as a cause
  instead of opening another; if it is *more severe*, the alert takes the new severity and,
  when somebody had already acknowledged it, goes back to ``open`` so that it escalates
  again: a worsening patient never hides behind an earlier acknowledgement. After an alert is
  closed, the next trigger opens a new one. A partial unique index keeps it so under races.
- **Alerts are raised only for episodes at home.** Measurements before going home are
  stored and scored; the ward looks after inpatients.
- **Life cycle** (``rules.MOVES``): open → acknowledged → action_taken → closed; an action on
  an open alert acknowledges it too; more actions may follow; closing needs an action.
- **Escalation**: an unacknowledged alert goes up one level every
  ``SAMBAND_ESCALATE_<SEVERITY>_MIN`` minutes, to at most level 3; each level records whom it
  notifies (``notified``). Acknowledging stops it. Alerts of episodes no longer at home stop
  escalating.
- **Direct admission** is the episode's own readmission transition
  (``episodes.service.transition``), run in a SAVEPOINT: when no reserved bed is free the
  transition's refusal is kept on the alert with the alternative (the emergency department)
  and the caller gets it back as ``refused``.

Locks are taken episode first, then its alerts, everywhere (no deadlocks with ingestion).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from samband.alerts import repository, rules
from samband.alerts.rules import (
    ACTIVE,
    LEVELS,
    MAX_LEVEL,
    SEVERITY_RANK,
    Action,
    Kind,
    Move,
    Status,
    Trigger,
)
from samband.alerts.schemas import AlertAcknowledge, AlertActionCreate, AlertClose
from samband.config import get_settings
from samband.episodes.access import episode_for, not_found
from samband.episodes.schemas import TransitionCreate
from samband.episodes.states import State
from samband.kit.errors import Conflict, InvalidInput, Problem, problem
from samband.kit.i18n import Msg, msg
from samband.kit.stored import dump_params
from samband.kit.time import utcnow
from samband.models import Alert, AlertCause, Episode, ObservationSet, Patient
from samband.notifications import service as notifications
from samband.oncall import service as oncall
from samband.pathways.definition import registry
from samband.security.context import Context
from samband.security.roles import Permission
from samband.security.service import log_listed, require_patient_access, visibility

log = logging.getLogger(__name__)

RESOURCE = "alert"
ENTERED_IN_ERROR = "entered_in_error"
# the measurements a scheduled set is expected to hold (free-text symptoms alone do not count)
MEASURED_FIELDS = frozenset(
    {
        "respiratory_rate",
        "spo2",
        "on_oxygen",
        "systolic_bp",
        "diastolic_bp",
        "pulse",
        "consciousness",
        "temperature",
        "weight",
    }
)


@dataclass(frozen=True)
class AlertView:
    alert: Alert
    patient: Patient
    causes: list[AlertCause]


@dataclass(frozen=True)
class AlertDetailView:
    view: AlertView
    observations: list[ObservationSet]


@dataclass(frozen=True)
class ActionResult:
    view: AlertView
    refused: Problem | str | None = None  # a direct admission that could not be made, and why


# -- raising alerts (in the transaction that stored the measurement) ----------------------------


class EpisodeRef(Protocol):
    """What raising an alert reads of an episode: an ORM ``Episode``, or ingestion's row of
    a locked episode (``observations.repository.LockedEpisode``)."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def patient_id(self) -> uuid.UUID: ...
    @property
    def responsible_unit_id(self) -> uuid.UUID: ...
    @property
    def responsible_physician_id(self) -> uuid.UUID | None: ...
    @property
    def care_contact_id(self) -> uuid.UUID | None: ...


@dataclass
class Raiser:
    """Raises alerts for one transaction: the active alerts of the episodes involved are
    locked once, and the units and staff named in notifications are read once. New rows are
    staged; the caller flushes once (``flush``)."""

    session: Session
    now: datetime
    by_user_id: uuid.UUID | None
    active: dict[tuple[uuid.UUID, str], Alert] = field(default_factory=dict)
    _locked: set[uuid.UUID] = field(default_factory=set)
    _cache: dict[tuple[str, uuid.UUID], Any] = field(default_factory=dict)
    _covers: dict[tuple[uuid.UUID, str], list[oncall.Cover]] = field(default_factory=dict)
    # (alert, level, user ids, NEWS2 score, severity then) to notify when flushed
    pending: list[tuple[Alert, int, list[uuid.UUID], int | None, str]] = field(default_factory=list)

    def lock(self, episode_ids: Sequence[uuid.UUID]) -> None:
        """Lock the episodes' active alerts (call with the episodes already locked)."""
        todo = [e for e in episode_ids if e not in self._locked]
        if todo:
            self.active.update(repository.active_for_update(self.session, todo, Status.CLOSED))
            self._locked.update(todo)

    def raise_(
        self,
        episode: EpisodeRef,
        trigger: Trigger,
        *,
        observation_set_id: uuid.UUID | None = None,
        expected_at: datetime | None = None,
    ) -> Alert:
        self.lock([episode.id])
        now, by = self.now, self.by_user_id
        key = (episode.id, trigger.kind.value)
        alert = self.active.get(key)
        if alert is None:
            interval = _interval(trigger.severity)
            alert = Alert(
                id=uuid.uuid4(),
                patient_id=episode.patient_id,
                episode_id=episode.id,
                kind=trigger.kind.value,
                severity=trigger.severity,
                **_reason_columns(trigger.problem),
                status=Status.OPEN.value,
                trigger_count=1,
                last_triggered_at=now,
                escalation_level=1,
                escalated_at=now,
                due_at=now + interval,
                notified=[],
                history=[_entry(now, by, "opened", to=Status.OPEN, severity=trigger.severity)],
                created_at=now,
            )
            alert.notified = self.reach(alert, episode, 1, trigger.score)
            repository.stage(self.session, alert)
            self.active[key] = alert
        else:
            alert.trigger_count += 1
            alert.last_triggered_at = now
            if not rules.higher(alert.severity, trigger.severity):
                # the latest trigger at the alert's severity
                for name, value in _reason_columns(trigger.problem).items():
                    setattr(alert, name, value)
            entry = _entry(now, by, "triggered", severity=trigger.severity, note=trigger.problem)
            if rules.higher(trigger.severity, alert.severity):
                entry["severity_from"] = alert.severity
                alert.severity = trigger.severity
                interval = _interval(trigger.severity)
                if alert.status != Status.OPEN:
                    entry["from"], entry["to"] = alert.status, Status.OPEN.value
                    entry["event"] = "reopened: more severe"
                    alert.status = Status.OPEN.value
                    alert.due_at = now + interval if alert.escalation_level < MAX_LEVEL else None
                    alert.notified = [
                        *alert.notified,
                        *self.reach(alert, episode, alert.escalation_level, trigger.score),
                    ]
                else:
                    # more severe while still open: whom the level reaches at this severity
                    # is told now (a high alert reaches the physician on call at once, RCP
                    # 2017), not only at the next level
                    level = alert.escalation_level
                    alert.notified = [
                        *alert.notified,
                        *self.reach(alert, episode, level, trigger.score),
                    ]
                    if level < MAX_LEVEL:
                        due = now + interval
                        alert.due_at = min(alert.due_at, due) if alert.due_at else due
            alert.history = [*alert.history, entry]
            alert.updated_at = now
        repository.stage(
            self.session,
            AlertCause(
                alert_id=alert.id,
                episode_id=episode.id,
                observation_set_id=observation_set_id,
                expected_at=expected_at,
                at=now,
                severity=trigger.severity,
                **_reason_columns(trigger.problem),
            ),
        )
        return alert

    def flush(self) -> None:
        """Write the staged alerts, then notify whom they reach (in this transaction: the
        notifications and their delivery jobs commit with the alerts)."""
        self.session.flush()
        pending, self.pending = self.pending, []
        for alert, level, user_ids, score, severity in pending:
            if not user_ids:
                continue
            notifications.notify(
                self.session,
                user_ids=user_ids,
                kind="alert" if level == 1 else "alert_escalated",
                severity=severity,
                reference=notifications.reference("alert", alert.id),
                link=f"/alerts/{alert.id}",
                params={"alert_kind": alert.kind, "score": score, "level": level},
                alert_id=alert.id,
                now=self.now,
            )

    def reach(
        self, alert: Alert, episode: EpisodeRef, level: int, score: int | None = None
    ) -> list[dict[str, Any]]:
        """Whom the alert reaches at ``level`` now: recorded on the alert (``notified``) and
        notified when the transaction flushes (``flush``)."""
        found = self.recipients(episode, level, alert.severity)
        ids = [uuid.UUID(r["user_id"]) for r in found if r.get("user_id")]
        self.pending.append((alert, level, ids, score, alert.severity))
        return found

    def recipients(self, episode: EpisodeRef, level: int, severity: str) -> list[dict[str, Any]]:
        """Whom a level reaches, as it was at that moment: the people on call now for the
        responsible unit (oncall.covering: the unit's roster, else its organisation's),
        named with their number, and the named people of the episode (decision 0013):

        - level 1: the care contact and the nurse on call; for a ``high`` alert (NEWS2 7 or
          more, RCP 2017: an emergency response) the physician on call at once as well;
        - level 2: the responsible physician and the physician on call;
        - level 3: the physician on call and the nurse on call, with the unit's number.

        When nobody is on call, the entry says so and carries the unit's number."""
        unit = self.get("unit", episode.responsible_unit_id)
        roles = {1: ["registered_nurse"], 2: ["physician"], 3: ["physician", "registered_nurse"]}[
            level
        ]
        if level == 1 and severity == "high":
            roles = ["physician", "registered_nurse"]
        named = {1: episode.care_contact_id, 2: episode.responsible_physician_id}.get(level)
        base: dict[str, Any] = {
            "level": level,
            "at": self.now.isoformat(),
            "to": LEVELS[level],
            "unit_id": str(episode.responsible_unit_id),
            "unit": unit.name if unit else None,
        }
        entries: list[dict[str, Any]] = []
        seen: set[str] = set()
        if named is not None:
            person = self.get("user", named)
            if person is not None and person.active:
                entries.append(
                    {
                        **base,
                        "user_id": str(person.id),
                        "name": person.full_name,
                        "phone": person.phone or (unit.phone if unit else None),
                        "as": "care_contact" if level == 1 else "responsible_physician",
                    }
                )
                seen.add(str(person.id))
        for role in roles:
            covers = self.on_call(episode.responsible_unit_id, role)
            if not covers:
                entries.append(
                    {
                        **base,
                        "as": f"on_call_{role}",
                        "name": None,
                        "phone": unit.phone if unit else None,
                        "gap": True,
                    }
                )
                continue
            for cover in covers:
                key = str(cover.user_id) if cover.user_id else f"{cover.name}:{cover.phone}"
                if key in seen:
                    continue
                seen.add(key)
                entry = {**base, "as": f"on_call_{role}", "name": cover.name}
                entry["phone"] = cover.phone or (unit.phone if unit else None)
                if cover.user_id is not None:
                    entry["user_id"] = str(cover.user_id)
                entries.append(entry)
        if level == MAX_LEVEL and unit is not None and not any(e.get("phone") for e in entries):
            organisation = self.get("organisation", unit.organisation_id)
            for entry in entries:
                entry["phone"] = organisation.phone if organisation else None
        return entries

    def on_call(self, unit_id: uuid.UUID, role: str) -> list[oncall.Cover]:
        """Who covers the unit in ``role`` now, read once per transaction (a batch of sets
        raising many alerts for one ward asks the roster once)."""
        key = (unit_id, role)
        if key not in self._covers:
            self._covers[key] = oncall.covering(
                self.session, unit_id=unit_id, at=self.now, role=role
            )
        return self._covers[key]

    def get(self, what: str, thing_id: uuid.UUID) -> Any:
        key = (what, thing_id)
        if key not in self._cache:
            read = {
                "unit": repository.unit,
                "user": repository.user,
                "organisation": repository.organisation,
            }[what]
            self._cache[key] = read(self.session, thing_id)
        return self._cache[key]


def _interval(severity: str) -> timedelta:
    settings = get_settings()
    minutes = {
        "high": settings.escalate_high_min,
        "medium": settings.escalate_medium_min,
        "low": settings.escalate_low_min,
    }
    return rules.escalation_minutes(severity, minutes)


def _reason_columns(reason: Problem | str) -> dict[str, Any]:
    """An alert's (or a cause's) reason as stored: the English text, and the problem's code
    and parameters to show it in the reader's language (kit/stored.py)."""
    if isinstance(reason, Problem):
        return {
            "reason": reason.text("en"),
            "reason_code": reason.code,
            "reason_params": dump_params(reason.params),
        }
    return {"reason": reason, "reason_code": None, "reason_params": None}


def _entry(
    at: datetime,
    by: uuid.UUID | None,
    event: str,
    *,
    to: str | None = None,
    note: str | Problem | None = None,
    **data: Any,
) -> dict[str, Any]:
    """A line of the alert's history. A note the system writes is a problem: kept as its
    English text (``note``) with its code and parameters (``note_code``, ``note_params``);
    a person's note is kept as written (``rules.entry_note`` reads either)."""
    entry: dict[str, Any] = {"at": at.isoformat(), "by": str(by) if by else None, "event": event}
    if to is not None:
        entry["to"] = str(to)
    if isinstance(note, Problem):
        entry["note"] = note.text("en")
        entry["note_code"] = note.code
        entry["note_params"] = dump_params(note.params)
    elif note is not None:
        entry["note"] = note
    entry.update(data)
    return entry


# -- reading -------------------------------------------------------------------------------


def list_alerts(
    ctx: Context,
    *,
    statuses: Sequence[Status] | None = None,
    patient_id: uuid.UUID | None = None,
    episode_id: uuid.UUID | None = None,
    severities: Sequence[str] | None = None,
    kinds: Sequence[Kind] | None = None,
    limit: int = 200,
    offset: int = 0,
) -> list[AlertView]:
    """Alerts of the patients the caller may see (each patient logged), the most severe
    first, then the oldest. Default: the active ones (not closed)."""
    ctx.actor.require(Permission.PATIENT_READ)
    ctx.actor.require_record()
    rows = repository.search(
        ctx.session,
        visibility(ctx),
        statuses=[s.value for s in statuses] if statuses else [s.value for s in ACTIVE],
        patient_id=patient_id,
        episode_id=episode_id,
        severities=severities,
        kinds=[k.value for k in kinds] if kinds else None,
        severity_order=SEVERITY_RANK,
        limit=limit,
        offset=offset,
    )
    log_listed(ctx, [patient.id for _, patient in rows], resource_type=RESOURCE)
    causes = repository.causes(ctx.session, [alert.id for alert, _ in rows])
    return [AlertView(alert, patient, causes.get(alert.id, [])) for alert, patient in rows]


def open_alerts(ctx: Context) -> list[AlertView]:
    """The command centre's list: every active alert the caller may see."""
    return list_alerts(ctx, limit=500)


def alerts_of_patient(
    ctx: Context, patient_id: uuid.UUID, *, include_closed: bool = True
) -> list[AlertView]:
    """A patient's alerts (the patient page), with the access checked and logged."""
    require_patient_access(
        ctx,
        patient_id,
        permission=Permission.PATIENT_READ,
        action="list",
        resource_type=RESOURCE,
    )
    statuses = list(Status) if include_closed else sorted(ACTIVE)
    rows = repository.search(
        ctx.session,
        visibility(ctx),
        statuses=[s.value for s in statuses],
        patient_id=patient_id,
        episode_id=None,
        severities=None,
        kinds=None,
        severity_order=SEVERITY_RANK,
        limit=500,
        offset=0,
    )
    causes = repository.causes(ctx.session, [alert.id for alert, _ in rows])
    return [AlertView(alert, patient, causes.get(alert.id, [])) for alert, patient in rows]


def get(ctx: Context, alert_id: uuid.UUID) -> AlertDetailView:
    """An alert with its causes and the measurements that caused it."""
    alert = repository.get(ctx.session, alert_id)
    if alert is None:
        raise not_found(ctx, "alert", alert_id, action="read", resource_type=RESOURCE)
    require_patient_access(
        ctx,
        alert.patient_id,
        permission=Permission.PATIENT_READ,
        action="read",
        resource_type=RESOURCE,
        resource_id=alert.id,
        subject=f"alert {alert.id}",
    )
    view = _view(ctx, alert)
    set_ids = [c.observation_set_id for c in view.causes if c.observation_set_id is not None]
    return AlertDetailView(view, repository.observation_sets(ctx.session, set_ids))


def _view(ctx: Context, alert: Alert) -> AlertView:
    patient = repository.patients(ctx.session, [alert.patient_id])[alert.patient_id]
    return AlertView(alert, patient, repository.causes(ctx.session, [alert.id]).get(alert.id, []))


# -- the life cycle ----------------------------------------------------------------------------


def acknowledge(ctx: Context, alert_id: uuid.UUID, data: AlertAcknowledge) -> AlertView:
    alert, _episode = _handle(ctx, alert_id, Move.ACKNOWLEDGE)
    now = utcnow()
    _acknowledge(ctx, alert, now, data.note)
    return _view(ctx, alert)


def record_action(ctx: Context, alert_id: uuid.UUID, data: AlertActionCreate) -> ActionResult:
    """Record what was done. A direct admission carries out the readmission; when it is
    refused (no reserved bed free) the refusal is recorded and returned, nothing else."""
    if data.action == Action.NONE_NEEDED and data.note is None:
        raise InvalidInput(problem("alert.say_why_no_action", field="note"))
    if data.action == Action.DIRECT_ADMISSION and data.ward_unit_id is None:
        raise InvalidInput(problem("alert.name_the_ward", field="ward_unit_id"))
    alert, episode = _handle(ctx, alert_id, Move.ACTION)
    now = utcnow()
    if alert.status == Status.OPEN:
        _acknowledge(ctx, alert, now, problem("alert.acknowledged_with_action"))
    admission: dict[str, Any] | None = None
    if data.action == Action.DIRECT_ADMISSION:
        refused, admission = _admit(ctx, alert, episode, data, now)
        if refused is not None:
            return ActionResult(_view(ctx, alert), refused=refused)
    entry = _entry(
        now,
        ctx.actor.user_id,
        "action",
        to=Status.ACTION_TAKEN,
        note=data.note,
        action=data.action.value,
    )
    entry["from"] = alert.status
    if admission is not None:
        entry["admission"] = admission
        alert.admission = admission
    alert.history = [*alert.history, entry]
    alert.action = data.action.value
    alert.action_note = data.note
    alert.action_by_id = ctx.actor.user_id
    alert.action_at = now
    alert.status = Status.ACTION_TAKEN.value
    alert.due_at = None
    _touched(ctx, alert, now)
    return ActionResult(_view(ctx, alert))


def close(ctx: Context, alert_id: uuid.UUID, data: AlertClose) -> AlertView:
    alert, _episode = _handle(ctx, alert_id, Move.CLOSE)
    now = utcnow()
    entry = _entry(now, ctx.actor.user_id, "closed", to=Status.CLOSED, note=data.note)
    entry["from"] = alert.status
    alert.history = [*alert.history, entry]
    alert.status = Status.CLOSED.value
    alert.closed_by_id = ctx.actor.user_id
    alert.closed_at = now
    alert.close_note = data.note
    alert.due_at = None
    _touched(ctx, alert, now)
    return _view(ctx, alert)


def _handle(ctx: Context, alert_id: uuid.UUID, move: Move) -> tuple[Alert, Episode]:
    """Load the alert for a change: access checked and logged, the episode then the alert
    locked, and the move allowed by the alert's status (else 409 with the allowed moves)."""
    found = repository.get(ctx.session, alert_id)
    if found is None:
        raise not_found(ctx, "alert", alert_id, action="update", resource_type=RESOURCE)
    episode = episode_for(
        ctx,
        found.episode_id,
        permission=Permission.ALERT_HANDLE,
        action="update",
        resource_type=RESOURCE,
        resource_id=found.id,
        lock=True,
    )
    alert = repository.get(ctx.session, alert_id, lock=True)
    if alert is None:  # pragma: no cover - alerts are never deleted
        raise not_found(ctx, "alert", alert_id, action="update", resource_type=RESOURCE)
    allowed = rules.allowed_moves(alert.status)
    if move.value not in allowed:
        status = msg(f"alert.status_term.{alert.status}")
        if alert.status == Status.CLOSED:
            refusal = problem("alert.closed_cannot_move", status=status, move=_done(move))
        elif move == Move.CLOSE:
            refusal = problem(
                "alert.cannot_close_yet",
                status=status,
                allowed=[msg(f"alert.move_term.{m}") for m in allowed],
            )
        else:
            refusal = problem(
                "alert.cannot_move",
                status=status,
                move=_done(move),
                allowed=[msg(f"alert.move_term.{m}") for m in allowed],
            )
        raise Conflict(refusal, allowed_moves=allowed)
    return alert, episode


def _done(move: Move) -> Msg:
    return msg(f"alert.done_term.{move.value}")


def _acknowledge(ctx: Context, alert: Alert, now: datetime, note: str | Problem | None) -> None:
    entry = _entry(now, ctx.actor.user_id, "acknowledged", to=Status.ACKNOWLEDGED, note=note)
    entry["from"] = alert.status
    alert.history = [*alert.history, entry]
    alert.status = Status.ACKNOWLEDGED.value
    alert.acknowledged_by_id = ctx.actor.user_id
    alert.acknowledged_at = now
    alert.due_at = None
    _touched(ctx, alert, now)
    notifications.acknowledge_alert(ctx.session, alert.id, now)


def _touched(ctx: Context, alert: Alert, now: datetime) -> None:
    alert.updated_at = now
    alert.updated_by_id = ctx.actor.user_id
    ctx.session.flush()


def _admit(
    ctx: Context, alert: Alert, episode: Episode, data: AlertActionCreate, now: datetime
) -> tuple[Problem | str | None, dict[str, Any] | None]:
    """Readmit through the episode's transition; (the refusal, None) or (None, admission)."""
    from samband.episodes import service as episodes  # the episode's own rules, reused

    if episode.state != State.AT_HOME:
        raise Conflict(
            problem(
                "alert.admission_not_at_home", field="action", state=msg(f"state.{episode.state}")
            )
        )
    assert data.ward_unit_id is not None  # noqa: S101 - checked by record_action
    reason = f"direct admission from alert: {alert.reason}" + (
        f" ({data.note})" if data.note else ""
    )
    transition = TransitionCreate(
        to=State.READMITTED,
        reason=reason[:2000],
        ward_unit_id=data.ward_unit_id,
        use_reserved_bed=data.use_reserved_bed,
    )
    try:
        with ctx.session.begin_nested():
            episodes.transition(ctx, episode.id, transition)
    except Conflict as exc:
        if exc.field != "ward_unit_id":  # not the reserved bed: a refusal like any other
            raise
        refusal: dict[str, Any] = {
            "outcome": "refused",
            "at": now.isoformat(),
            "by": str(ctx.actor.user_id),
            "ward_unit_id": str(data.ward_unit_id),
            "reason": exc.message,
            "alternative": "emergency_department",
        }
        if exc.problem is not None:
            refusal["reason_code"] = exc.problem.code
            refusal["reason_params"] = dump_params(exc.problem.params)
        alert.admission = refusal
        alert.history = [
            *alert.history,
            _entry(
                now,
                ctx.actor.user_id,
                "direct admission refused",
                note=exc.problem or exc.message,
                alternative="emergency_department",
            ),
        ]
        _touched(ctx, alert, now)
        return exc.problem or exc.message, None
    bed = repository.reserved_bed_of(ctx.session, episode.id) if data.use_reserved_bed else None
    unit = repository.unit(ctx.session, data.ward_unit_id)
    admission = {
        "outcome": "admitted",
        "at": now.isoformat(),
        "by": str(ctx.actor.user_id),
        "ward_unit_id": str(data.ward_unit_id),
        "ward": unit.name if unit else None,
        "reserved_bed": bed.label if bed else None,
        "route": "direct_admission" if bed else "emergency_department",
    }
    alert.notified = [
        *alert.notified,
        {
            "level": None,
            "at": now.isoformat(),
            "to": f"the receiving ward: {unit.name if unit else data.ward_unit_id}",
            "unit_id": str(data.ward_unit_id),
            "phone": unit.phone if unit else None,
            "event": "admission",
        },
    ]
    return None, admission


# -- the periodic checks (no user: the system) ----------------------------------------------------


def check_missed(session: Session, now: datetime | None = None) -> list[Alert]:
    """Open (or add to) a missed_measurement alert for every scheduled measurement of an
    episode at home that did not arrive within its grace time. Idempotent: a scheduled time
    is reported once (``AlertCause.expected_at``), however often this runs."""
    now = now or utcnow()
    settings = get_settings()
    tz = ZoneInfo(settings.timezone)
    lookback = timedelta(hours=settings.missed_lookback_hours)
    pathways = registry()
    due: dict[uuid.UUID, tuple[Episode, list[datetime], timedelta, list[str], frozenset[str]]] = {}
    for episode in repository.episodes_in_state(session, State.AT_HOME.value):
        pathway = pathways.get(episode.pathway)
        if pathway is None or episode.started_at is None:
            continue
        schedule = pathway.vital_signs
        grace = timedelta(minutes=schedule.grace_minutes)
        slots = rules.due_slots(
            schedule.times, grace, tz, since=episode.started_at, now=now, lookback=lookback
        )
        expected = frozenset(str(p) for p in schedule.parameters) & MEASURED_FIELDS
        if slots:
            due[episode.id] = (episode, slots, grace, list(schedule.times), expected)
    if not due:
        return []
    earliest = min(slots[0] - grace for _, slots, grace, _, _ in due.values())
    measured = repository.measured(
        session,
        due,
        since=earliest,
        until=now,
        excluded_status=ENTERED_IN_ERROR,
        fields=MEASURED_FIELDS,
    )
    reported = repository.reported_slots(session, due, earliest)
    raised: list[Alert] = []
    raiser = Raiser(session, now, None)
    for episode_id, (_episode, slots, grace, times, expected) in due.items():
        arrived = [at for at, present in measured.get(episode_id, []) if present & expected]
        missed = [
            slot
            for slot in slots
            if (episode_id, slot) not in reported and not rules.covered(slot, grace, arrived)
        ]
        if not missed:
            continue
        locked = repository.lock_episode(session, episode_id)
        if locked is None or locked.state != State.AT_HOME:
            continue
        # read again under the episode's lock: another check may have reported them meanwhile
        done = repository.reported_slots(session, [episode_id], earliest)
        for slot in missed:
            if (episode_id, slot) in done:
                continue
            before = rules.previous_slot(times, tz, slot)
            repeated = (
                before is not None
                and locked.started_at is not None
                and before >= locked.started_at
                and (episode_id, before) in done
            )
            trigger = rules.missed_trigger(slot, tz, grace, repeated=repeated)
            raised.append(raiser.raise_(locked, trigger, expected_at=slot))
            done.add((episode_id, slot))
    raiser.flush()
    return raised


def escalate_due(session: Session, now: datetime | None = None) -> list[Alert]:
    """Raise every unacknowledged alert whose time is up to its next level, recording whom
    that level notifies; at level 3 it stays (and stays on the overview) until handled."""
    now = now or utcnow()
    escalated: list[Alert] = []
    raiser = Raiser(session, now, None)
    for alert in repository.due_for_update(session, now, Status.OPEN.value):
        episode = repository.episode(session, alert.episode_id)
        if episode is None or episode.state != State.AT_HOME:
            alert.due_at = None
            alert.history = [
                *alert.history,
                _entry(
                    now,
                    None,
                    "escalation stopped",
                    note=problem(
                        "alert.escalation_stopped",
                        state=msg(f"state.{episode.state}") if episode else msg("alert.gone"),
                    ),
                ),
            ]
            continue
        if alert.due_at is None:  # pragma: no cover - selected by due_at
            continue
        before = alert.escalation_level
        level, next_due = rules.catch_up(before, alert.due_at, now, _interval(alert.severity))
        for reached in range(before + 1, level + 1):
            alert.notified = [*alert.notified, *raiser.reach(alert, episode, reached)]
            alert.history = [
                *alert.history,
                _entry(
                    now,
                    None,
                    "escalated",
                    level=reached,
                    note=problem("alert.escalated_to", to=msg(f"alert.level.{reached}")),
                ),
            ]
        alert.escalation_level = level
        alert.escalated_at = now if level > before else alert.escalated_at
        alert.due_at = next_due
        alert.updated_at = now
        if level > before:
            escalated.append(alert)
    raiser.flush()
    return escalated
