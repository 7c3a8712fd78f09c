"""The rules of palliative care at home (ASIH).

- **Symptom assessment (ESAS-r)**: staff record one (``OBSERVATION_WRITE``: an assistant
  nurse helps the patient as with vital signs), or the patient / next of kin on the paired
  tablet (``record``, source tablet). The nine items are 0-10; the total is their sum (0-90).
  An assessment is never changed: a wrong one is marked entered in error (and leaves the
  trend).
- **Alert limits** come from the episode's pathway (``symptom_assessment.alert_limits``):
  an assessment of an episode at home that crosses one raises a ``symptom`` alert through
  the alerts' machinery (``alerts.service.Raiser``): one active alert per episode and kind,
  notifying the care contact and the responsible unit's nurse on call (a high one also the
  physician on call), escalating like the others.
- **The expected death** (``PALLIATIVE_WRITE``): the decision that death is expected is a
  physician's, documented in advance with the *brytpunktssamtal* (when, with whom) and
  whether resuscitation and a hospital transfer are not intended. At death a physician or a
  registered nurse (by the local routine; a physician confirms later) records the time, the
  care after death and ends the episode through the episode's own death registration
  (``episodes.service.transition`` to ``deceased``, ``death_expected``). The next of kin's
  follow-up conversation (*efterlevandesamtal*) is planned and marked held.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from samband.alerts.rules import Kind, Trigger
from samband.alerts.service import Raiser
from samband.episodes import service as episodes
from samband.episodes.access import child_of_episode, episode_for, record_event
from samband.episodes.schemas import TransitionCreate
from samband.episodes.states import OPEN_STATES, State
from samband.kit.errors import Conflict, Forbidden, InvalidInput, problem
from samband.kit.i18n import Msg, msg, source, translate
from samband.kit.time import utcnow
from samband.models import Episode
from samband.models.palliative import ExpectedDeath, SymptomAssessment
from samband.palliative import esas, repository
from samband.palliative.schemas import (
    AFTER_DEATH_ITEMS,
    AssessedBy,
    DeathCreate,
    EnteredInError,
    ExpectedDeathCreate,
    FollowupPlan,
    SymptomAssessmentCreate,
)
from samband.pathways.definition import SymptomLimit, registry
from samband.security.context import Context
from samband.security.roles import Permission, Role

RESOURCE = "symptom_assessment"
DEATH_RESOURCE = "expected_death"
VALID = "valid"
ENTERED_IN_ERROR = "entered_in_error"
# an assessment may be dated back (entered afterwards), not ahead
FUTURE_SLACK = timedelta(minutes=5)
BACKDATE_LIMIT = timedelta(days=7)


@dataclass(frozen=True)
class Trend:
    episode_id: uuid.UUID
    assessments: list[SymptomAssessment]
    limits: list[SymptomLimit]

    @property
    def latest(self) -> SymptomAssessment | None:
        return self.assessments[-1] if self.assessments else None


def limits_of(episode: Episode) -> list[SymptomLimit]:
    """The pathway's ESAS-r alert limits (none for a pathway without symptom assessment)."""
    pathway = registry().get(episode.pathway)
    if pathway is None or pathway.symptom_assessment is None:
        return []
    return list(pathway.symptom_assessment.alert_limits)


def scores_of(row: SymptomAssessment) -> dict[str, int]:
    return {item: int(getattr(row, item)) for item in esas.ITEMS}


# -- symptom assessments ------------------------------------------------------------------------


def record(
    ctx: Context,
    episode_id: uuid.UUID,
    data: SymptomAssessmentCreate,
    *,
    source: str = "staff",
    now: datetime | None = None,
) -> SymptomAssessment:
    """Record an ESAS-r assessment: by staff (assessed by the patient, the next of kin or with
    staff's help), or on the tablet paired with the episode (``source`` tablet: the actor is
    the staff member who paired it; assessed by the patient or the next of kin)."""
    episode = episode_for(
        ctx,
        episode_id,
        permission=Permission.OBSERVATION_WRITE,
        action="create",
        resource_type=RESOURCE,
        lock=True,
    )
    if source == "tablet" and data.assessed_by == AssessedBy.STAFF_ASSISTED:
        data = data.model_copy(update={"assessed_by": AssessedBy.PATIENT})
    return _store(ctx, episode, data, source=source, now=now or utcnow())


def _store(
    ctx: Context,
    episode: Episode,
    data: SymptomAssessmentCreate,
    *,
    source: str,
    now: datetime,
) -> SymptomAssessment:
    if episode.state not in OPEN_STATES:
        raise Conflict(problem("palliative.episode_closed", state=msg(f"state.{episode.state}")))
    at = data.assessed_at or now
    if at.tzinfo is None:
        raise InvalidInput(problem("palliative.time_without_zone", field="assessed_at"))
    if at > now + FUTURE_SLACK or at < now - BACKDATE_LIMIT:
        raise InvalidInput(problem("palliative.time_out_of_range", field="assessed_at", days=7))
    if (data.other_score is None) != (data.other_problem is None):
        raise InvalidInput(problem("palliative.other_needs_both", field="other_score"))
    scores = {item: getattr(data, item) for item in esas.ITEMS}
    total = esas.total(scores)
    previous = repository.previous_valid(ctx.session, episode.id, at)
    row = SymptomAssessment(
        id=uuid.uuid4(),
        episode_id=episode.id,
        patient_id=episode.patient_id,
        scale="esas_r",
        assessed_at=at,
        assessed_by=data.assessed_by.value,
        recorded_by_id=ctx.actor.user_id,
        source=source,
        other_problem=data.other_problem,
        other_score=data.other_score,
        total=total,
        note=data.note,
        alert_ids=[],
        status=VALID,
        created_at=now,
        **scores,
    )
    repository.add(ctx.session, row)
    if episode.state == State.AT_HOME:
        trigger = symptom_trigger(
            scores, limits_of(episode), scores_of(previous) if previous else None
        )
        if trigger is not None:
            raiser = Raiser(ctx.session, now, ctx.actor.user_id)
            alert = raiser.raise_(episode, trigger)
            raiser.flush()
            row.alert_ids = [str(alert.id)]
    ctx.session.flush()
    return row


def symptom_trigger(
    scores: dict[str, int], limits: list[SymptomLimit], previous: dict[str, int] | None
) -> Trigger | None:
    """The alert an assessment raises: every crossed limit in words, the highest severity."""
    found = esas.crossed(scores, limits, previous)
    severity = esas.severity(found)
    if severity is None:
        return None
    parts: list[Msg] = []
    for c in found:
        key = "palliative.alert.rise" if c.limit.rise else "palliative.alert.over"
        parts.append(
            msg(
                key,
                item=msg(f"palliative.item.{c.item}"),
                value=c.value,
                limit=c.limit.value,
            )
        )
    return Trigger(Kind.SYMPTOM, severity, problem("palliative.alert.symptom", limits=parts))


def get(ctx: Context, assessment_id: uuid.UUID) -> SymptomAssessment:
    row, _ = child_of_episode(
        ctx,
        assessment_id,
        what="symptom assessment",
        load=repository.assessment,
        load_for_update=repository.assessment_for_update,
        permission=Permission.PATIENT_READ,
        action="read",
        resource_type=RESOURCE,
    )
    return row


def entered_in_error(
    ctx: Context, assessment_id: uuid.UUID, data: EnteredInError, *, now: datetime | None = None
) -> SymptomAssessment:
    row, episode = child_of_episode(
        ctx,
        assessment_id,
        what="symptom assessment",
        load=repository.assessment,
        load_for_update=repository.assessment_for_update,
        permission=Permission.OBSERVATION_WRITE,
        action="esas_in_error",
        resource_type=RESOURCE,
        lock=True,
    )
    if row.status != VALID:
        raise Conflict(problem("palliative.already_in_error"))
    row.status = ENTERED_IN_ERROR
    row.error_reason = data.reason
    ctx.session.flush()
    return row


def assessments(ctx: Context, episode_id: uuid.UUID) -> list[SymptomAssessment]:
    """An episode's assessments, oldest first (those entered in error too, marked)."""
    episode_for(
        ctx, episode_id, permission=Permission.PATIENT_READ, action="list", resource_type=RESOURCE
    )
    return repository.assessments(ctx.session, episode_id)


def trend(ctx: Context, episode_id: uuid.UUID) -> Trend:
    """The valid assessments in time order, with the pathway's limits."""
    episode = episode_for(
        ctx,
        episode_id,
        permission=Permission.PATIENT_READ,
        action="read",
        resource_type="symptom_trend",
    )
    return Trend(
        episode.id,
        repository.assessments(ctx.session, episode.id, valid_only=True),
        limits_of(episode),
    )


def trend_of_episode(ctx: Context, episode: Episode) -> Trend:
    """The trend of an episode the caller has already been given (the patient page, which
    checked and logged the access)."""
    return Trend(
        episode.id,
        repository.assessments(ctx.session, episode.id, valid_only=True),
        limits_of(episode),
    )


def limit_text(limit: SymptomLimit, lang: str) -> str:
    item = translate(f"palliative.item.{limit.item}", lang)
    key = "palliative.limit.rise" if limit.rise else "palliative.limit.over"
    text = translate(key, lang, item=item, value=limit.value)
    return source(limit.note, lang) if limit.note else text


# -- the expected death ---------------------------------------------------------------------------


def _entry(ctx: Context, now: datetime, event: str, **data: Any) -> dict[str, Any]:
    return {"at": now.isoformat(), "by": str(ctx.actor.user_id), "event": event, **data}


def get_expected_death(ctx: Context, episode_id: uuid.UUID) -> ExpectedDeath | None:
    episode_for(
        ctx,
        episode_id,
        permission=Permission.PATIENT_READ,
        action="read",
        resource_type=DEATH_RESOURCE,
    )
    return repository.expected_death(ctx.session, episode_id)


def decide(
    ctx: Context, episode_id: uuid.UUID, data: ExpectedDeathCreate, *, now: datetime | None = None
) -> ExpectedDeath:
    """The physician documents that death is expected (again: a new decision replaces the
    earlier one, kept in the history)."""
    now = now or utcnow()
    episode = episode_for(
        ctx,
        episode_id,
        permission=Permission.PALLIATIVE_WRITE,
        action="decide_death",
        resource_type=DEATH_RESOURCE,
        lock=True,
    )
    if ctx.actor.role != Role.PHYSICIAN:
        raise Forbidden(problem("palliative.decision_physician_only"))
    if episode.state not in OPEN_STATES:
        raise Conflict(problem("palliative.episode_closed", state=msg(f"state.{episode.state}")))
    if data.conversation_on > now.date() + timedelta(days=1):
        raise InvalidInput(problem("palliative.conversation_in_future", field="conversation_on"))
    found = repository.expected_death_for_update(ctx.session, episode.id)
    decision = {
        "no_resuscitation": data.no_resuscitation,
        "no_hospital_transfer": data.no_hospital_transfer,
        "conversation_on": data.conversation_on.isoformat(),
        "conversation_with": data.conversation_with,
    }
    if found is None:
        found = ExpectedDeath(
            id=uuid.uuid4(),
            episode_id=episode.id,
            patient_id=episode.patient_id,
            care_after_death={},
            history=[],
            created_at=now,
        )
        ctx.session.add(found)
    elif found.died_at is not None:
        raise Conflict(problem("palliative.already_died"))
    found.decided_by_id = ctx.actor.user_id
    found.decided_at = now
    found.no_resuscitation = data.no_resuscitation
    found.no_hospital_transfer = data.no_hospital_transfer
    found.conversation_on = data.conversation_on
    found.conversation_with = data.conversation_with
    found.decision_note = data.note
    found.updated_at = now
    found.history = [*found.history, _entry(ctx, now, "decided", **decision)]
    ctx.session.flush()
    record_event(ctx, episode, "palliative.expected_death", data=decision)
    return found


def _death_record(
    ctx: Context, episode_id: uuid.UUID, action: str
) -> tuple[ExpectedDeath, Episode]:
    episode = episode_for(
        ctx,
        episode_id,
        permission=Permission.PALLIATIVE_WRITE,
        action=action,
        resource_type=DEATH_RESOURCE,
        lock=True,
    )
    found = repository.expected_death_for_update(ctx.session, episode.id)
    if found is None:
        raise Conflict(problem("palliative.no_decision"))
    return found, episode


def register_death(
    ctx: Context, episode_id: uuid.UUID, data: DeathCreate, *, now: datetime | None = None
) -> ExpectedDeath:
    """The expected death: time, who confirmed it, the care after death; the episode ends
    through its own death registration (deceased, death expected)."""
    now = now or utcnow()
    found, episode = _death_record(ctx, episode_id, "register_death")
    if found.died_at is not None:
        raise Conflict(problem("palliative.already_died"))
    role = (data.confirmed_by_role.value if data.confirmed_by_role else None) or ctx.actor.role
    if ctx.actor.role not in (Role.PHYSICIAN, Role.REGISTERED_NURSE) or role != ctx.actor.role:
        raise Forbidden(problem("palliative.death_confirmed_by"))
    if data.died_at.tzinfo is None:
        raise InvalidInput(problem("palliative.time_without_zone", field="died_at"))
    if data.died_at > now + FUTURE_SLACK or data.died_at < found.decided_at - timedelta(days=1):
        raise InvalidInput(problem("palliative.death_time_out_of_range", field="died_at"))
    unknown = sorted(set(data.care_after_death) - set(AFTER_DEATH_ITEMS))
    if unknown:
        raise InvalidInput(
            problem(
                "palliative.unknown_after_death",
                field="care_after_death",
                unknown=unknown,
                allowed=list(AFTER_DEATH_ITEMS),
            )
        )
    reason = data.note or translate("palliative.death_reason", "sv")
    episodes.transition(
        ctx,
        episode.id,
        TransitionCreate(to=State.DECEASED, reason=reason, death_expected=True),
    )
    found.died_at = data.died_at
    found.confirmed_by_id = ctx.actor.user_id
    found.confirmed_by_role = role
    if role == Role.PHYSICIAN:
        found.physician_confirmed_by_id = ctx.actor.user_id
        found.physician_confirmed_at = now
    found.care_after_death = {
        key: bool(data.care_after_death.get(key)) for key in AFTER_DEATH_ITEMS
    }
    found.relatives_present = data.relatives_present
    found.death_note = data.note
    found.updated_at = now
    found.history = [
        *found.history,
        _entry(ctx, now, "died", died_at=data.died_at.isoformat(), confirmed_by_role=role),
    ]
    ctx.session.flush()
    return found


def confirm_by_physician(
    ctx: Context, episode_id: uuid.UUID, *, now: datetime | None = None
) -> ExpectedDeath:
    """The physician confirms a death a registered nurse established."""
    now = now or utcnow()
    found, _ = _death_record(ctx, episode_id, "confirm_death")
    if ctx.actor.role != Role.PHYSICIAN:
        raise Forbidden(problem("palliative.confirm_physician_only"))
    if found.died_at is None:
        raise Conflict(problem("palliative.not_died"))
    if found.physician_confirmed_at is not None:
        raise Conflict(problem("palliative.already_confirmed"))
    found.physician_confirmed_by_id = ctx.actor.user_id
    found.physician_confirmed_at = now
    found.updated_at = now
    found.history = [*found.history, _entry(ctx, now, "physician_confirmed")]
    ctx.session.flush()
    return found


def plan_followup(
    ctx: Context, episode_id: uuid.UUID, data: FollowupPlan, *, now: datetime | None = None
) -> ExpectedDeath:
    """Plan (or move) the next of kin's follow-up conversation."""
    now = now or utcnow()
    found, _ = _death_record(ctx, episode_id, "plan_followup")
    if found.followup_held_at is not None:
        raise Conflict(problem("palliative.followup_held"))
    if data.on < now.date() - timedelta(days=1):
        raise InvalidInput(problem("palliative.followup_in_past", field="on"))
    found.followup_on = data.on
    found.followup_by = data.by
    found.updated_at = now
    found.history = [
        *found.history,
        _entry(ctx, now, "followup_planned", on=data.on.isoformat(), by_name=data.by),
    ]
    ctx.session.flush()
    return found


def followup_held(
    ctx: Context, episode_id: uuid.UUID, *, now: datetime | None = None
) -> ExpectedDeath:
    now = now or utcnow()
    found, _ = _death_record(ctx, episode_id, "followup_held")
    if found.followup_on is None:
        raise Conflict(problem("palliative.followup_not_planned"))
    if found.followup_held_at is not None:
        raise Conflict(problem("palliative.followup_held"))
    found.followup_held_at = now
    found.updated_at = now
    found.history = [*found.history, _entry(ctx, now, "followup_held")]
    ctx.session.flush()
    return found


def names(ctx: Context, ids: list[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    return repository.user_names(ctx.session, {i for i in ids if i is not None})
