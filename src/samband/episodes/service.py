"""The rules of an episode: flag a candidate, move it through the care flow, the checklist."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from samband.carerequests import service as carerequests
from samband.episodes import repository
from samband.episodes import statemachine as sm
from samband.episodes.access import (
    episode_for,
    record_event,
    require_open,
    require_responsible,
    responsible_organisation_id,
)
from samband.episodes.schemas import (
    ChecklistSign,
    ChecklistUnsign,
    ContactCreate,
    EndRequestCreate,
    EpisodeCreate,
    EpisodeUpdate,
    ParticipantCreate,
    TransitionCreate,
)
from samband.episodes.states import CLOSED_STATES, OPEN_STATES, Kind, State
from samband.kit.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    Problem,
    not_visible,
    problem,
)
from samband.kit.i18n import Msg, Source, msg
from samband.kit.time import utcnow
from samband.models import ChecklistItem, Episode, EpisodeEvent, EpisodeParticipant
from samband.pathways.definition import Pathway, registry
from samband.security.context import Context
from samband.security.roles import Permission
from samband.security.service import log_listed, visibility

HOSPITAL_KINDS = {"hospital_clinic", "hospital_ward", "mobile_team"}
ROLE_FOR_KIND = {
    "hospital_clinic": "other",
    "hospital_ward": "other",
    "mobile_team": "mobile_team",
    "primary_care_centre": "primary_care",
    "municipal_home_health_care": "home_health_care",
    "municipal_home_care": "home_care",
    # issue 14: a nursing home / short-term place nurses its residents like home health care
    "nursing_home": "home_health_care",
    "short_term_place": "home_health_care",
}


def pathway_of(key: str, *, field: str = "pathway") -> Pathway:
    pathways = registry()
    if key not in pathways:
        raise InvalidInput(problem("pathway.unknown", field=field, key=key, known=sorted(pathways)))
    return pathways[key]


def create(ctx: Context, data: EpisodeCreate) -> Episode:
    """Flag a candidate: the episode starts as 'candidate' with the pathway's checklist.

    This is how an organisation takes a patient into its care (docs/decisions/0010): it
    needs no earlier care relationship, but a written reason; the flagging organisation and
    the responsible unit's organisation take part, and the new care relationship is logged
    for the auditor's review. Other organisations are added by the responsible one."""
    actor = ctx.actor

    def refused(reason: str) -> None:
        """Every refused flag is in the access log, with the patient it named."""
        ctx.log.record(
            patient_id=data.patient_id,
            action="create",
            resource_type="episode",
            resource_id=data.patient_id,
            allowed=False,
            reason=reason,
        )

    if not actor.can(Permission.EPISODE_CREATE):
        refused(f"role {actor.role} lacks {Permission.EPISODE_CREATE.value}")
        actor.require(Permission.EPISODE_CREATE)
    if actor.is_social_services or not repository.patient_exists(ctx.session, data.patient_id):
        refused(
            "social services do not start episodes of care"
            if actor.is_social_services
            else "no such patient"
        )
        raise not_visible(f"patient {data.patient_id}", field="patient_id")
    if not data.reason:
        refused("flagging without a written reason")
        raise InvalidInput(problem("episode.flag_reason_missing", field="reason"))
    pathway = pathway_of(data.pathway)
    if data.type.value not in pathway.episode_types:
        raise InvalidInput(
            problem(
                "episode.type_not_in_pathway",
                field="type",
                pathway=pathway.key,
                types=[msg(f"type.{t}") for t in pathway.episode_types],
                type=msg(f"type.{data.type.value}"),
            )
        )
    unit = repository.get_unit(ctx.session, data.responsible_unit_id)
    if unit is None:
        raise InvalidInput(
            problem(
                "episode.unit_unknown",
                field="responsible_unit_id",
                unit_id=str(data.responsible_unit_id),
            )
        )
    if unit.organisation.kind not in HOSPITAL_KINDS:
        raise InvalidInput(
            problem(
                "episode.unit_not_hospital",
                field="responsible_unit_id",
                kind=msg(f"kind.{unit.organisation.kind}"),
            )
        )
    if data.participants and unit.organisation_id != actor.organisation_id:
        refused("participants named by an organisation that is not the responsible one")
        raise Forbidden(problem("episode.participants_by_responsible_only"))
    # Serialise flags for one patient (PostgreSQL: a row lock on the patient); the unique
    # index on open episodes is the last line (two concurrent flags: one commits, one 409).
    repository.lock_patient(ctx.session, data.patient_id)
    for open_episode in repository.open_episodes_of(ctx.session, data.patient_id):
        refused(f"the patient already has an open episode ({open_episode.id})")
        raise Conflict(problem("episode.already_open", field="patient_id"))
    _check_staff(ctx, data.responsible_physician_id, "responsible_physician_id", "physician")
    _check_staff(ctx, data.care_contact_id, "care_contact_id", None)

    episode = Episode(
        patient_id=data.patient_id,
        kind=Kind.HOSPITAL_AT_HOME.value,
        pathway=pathway.key,
        type=data.type.value,
        state=State.CANDIDATE.value,
        responsible_unit_id=unit.id,
        responsible_physician_id=data.responsible_physician_id,
        care_contact_id=data.care_contact_id,
        assessment_answers={},
        created_by_id=ctx.actor.user_id,
    )
    repository.add(ctx.session, episode)
    roles = {unit.organisation_id: "responsible"}
    if ctx.actor.organisation_id not in roles:
        roles[ctx.actor.organisation_id] = ROLE_FOR_KIND.get(
            _org_kind(ctx, ctx.actor.organisation_id), "other"
        )
    for participant in data.participants:
        _org_kind(ctx, participant.organisation_id, field="participants")
        roles.setdefault(participant.organisation_id, participant.role)
    for organisation_id, role in roles.items():
        repository.add(
            ctx.session,
            EpisodeParticipant(episode_id=episode.id, organisation_id=organisation_id, role=role),
        )
    ctx.log.record(
        patient_id=data.patient_id,
        action="create",
        resource_type="episode",
        resource_id=episode.id,
        allowed=True,
    )
    ctx.log.record(
        patient_id=data.patient_id,
        action="relationship_start",
        resource_type="care_relationship",
        resource_id=episode.id,
        allowed=True,
        reason=f"flagged as a candidate ({pathway.key}): {data.reason}",
    )
    for position, entry in enumerate(pathway.checklist):
        repository.add(
            ctx.session,
            ChecklistItem(
                episode_id=episode.id,
                key=entry.key,
                label=entry.label,
                position=position,
                blocking=entry.blocking,
                signer_roles=list(entry.signer_roles),
            ),
        )
    record_event(
        ctx,
        episode,
        "transition",
        to_state=State.CANDIDATE.value,
        reason=data.reason,
        data={"pathway": pathway.key, "type": data.type.value},
    )
    episode.version = 1
    ctx.session.refresh(episode)
    return episode


def get(ctx: Context, episode_id: uuid.UUID) -> Episode:
    return episode_for(ctx, episode_id, permission=Permission.PATIENT_READ, action="read")


def search(
    ctx: Context,
    *,
    patient_id: uuid.UUID | None,
    states: list[State] | None,
    pathway: str | None,
    limit: int,
    offset: int,
    kind: Kind | None = None,
) -> tuple[list[Episode], int]:
    ctx.actor.require(Permission.PATIENT_READ)
    episodes, total = repository.search(
        ctx.session,
        visibility(ctx),
        patient_id=patient_id,
        states=[s.value for s in states] if states else None,
        pathway=pathway,
        limit=limit,
        offset=offset,
        kind=kind.value if kind else None,
    )
    log_listed(ctx, [e.patient_id for e in episodes], resource_type="episode")
    return episodes, total


def update(ctx: Context, episode_id: uuid.UUID, data: EpisodeUpdate) -> Episode:
    episode = episode_for(
        ctx, episode_id, permission=Permission.EPISODE_UPDATE, action="update", lock=True
    )
    require_responsible(ctx, episode, action="update", doing=msg("doing.change_who_is_responsible"))
    require_open(episode, msg("doing.change_episode"))
    changes = data.model_dump(exclude_unset=True)
    if is_enrolment(episode) and {"responsible_physician_id", "care_contact_id"} & set(changes):
        # an enrolment's physician and care contact are the patient's fixed ones (decision 0018)
        raise Conflict(problem("enrolment.staff_on_patient", patient_id=str(episode.patient_id)))
    if "responsible_physician_id" in changes:
        if changes["responsible_physician_id"] is None:
            raise InvalidInput(
                problem("episode.physician_not_removable", field="responsible_physician_id")
            )
        _check_staff(ctx, data.responsible_physician_id, "responsible_physician_id", "physician")
    if "care_contact_id" in changes:
        if changes["care_contact_id"] is None:
            raise InvalidInput(
                problem("episode.care_contact_not_removable", field="care_contact_id")
            )
        _check_staff(ctx, data.care_contact_id, "care_contact_id", None)
    consent = changes.pop("shared_records_consent", None)
    if "shared_records_consent" in data.model_fields_set:
        if consent is None:
            raise InvalidInput(
                problem("episode.consent_answer_missing", field="shared_records_consent")
            )
        _set_shared_records_consent(ctx, episode, consent)
        record_event(
            ctx,
            episode,
            "consent.shared_records",
            data={"shared_records_consent": consent},
        )
    for name, value in changes.items():
        setattr(episode, name, value)
    if changes:
        record_event(ctx, episode, "episode.updated", data={k: str(v) for k, v in changes.items()})
    return episode


def _set_shared_records_consent(ctx: Context, episode: Episode, consent: bool) -> None:
    """The patient's consent to shared records (sammanhållen journalföring), or its
    withdrawal: organisations of other care providers in the episode read its record only
    while it holds."""
    episode.shared_records_consent = consent
    episode.shared_records_consent_at = utcnow()
    episode.shared_records_consent_by_id = ctx.actor.user_id


def add_participant(ctx: Context, episode_id: uuid.UUID, data: ParticipantCreate) -> Episode:
    episode = episode_for(
        ctx, episode_id, permission=Permission.EPISODE_UPDATE, action="update", lock=True
    )
    require_responsible(ctx, episode, action="update", doing=msg("doing.add_organisations"))
    require_open(episode, msg("doing.add_organisations"))
    kind = _org_kind(ctx, data.organisation_id, field="organisation_id")
    if repository.participant(ctx.session, episode.id, data.organisation_id) is not None:
        raise Conflict(
            problem(
                "episode.participant_exists",
                field="organisation_id",
                organisation_id=str(data.organisation_id),
            )
        )
    repository.add(
        ctx.session,
        EpisodeParticipant(
            episode_id=episode.id, organisation_id=data.organisation_id, role=data.role
        ),
    )
    record_event(
        ctx,
        episode,
        "participant.added",
        data={"organisation_id": str(data.organisation_id), "role": data.role, "kind": kind},
    )
    ctx.session.refresh(episode)
    return episode


def remove_participant(
    ctx: Context, episode_id: uuid.UUID, organisation_id: uuid.UUID, reason: str | None
) -> Episode:
    """The responsible organisation removes another organisation; any other organisation
    may leave the episode itself. The responsible organisation cannot be removed."""
    episode = episode_for(
        ctx, episode_id, permission=Permission.EPISODE_UPDATE, action="update", lock=True
    )
    leaving = organisation_id == ctx.actor.organisation_id
    responsible = responsible_organisation_id(ctx, episode)
    if not leaving:
        require_responsible(ctx, episode, action="update", doing=msg("doing.remove_organisations"))
    if organisation_id == responsible:
        raise Conflict(problem("episode.responsible_cannot_leave", field="organisation_id"))
    participant = repository.participant(ctx.session, episode.id, organisation_id)
    if participant is None:
        raise NotFound(
            problem(
                "episode.not_participant",
                field="organisation_id",
                organisation_id=str(organisation_id),
            )
        )
    repository.delete(ctx.session, participant)
    record_event(
        ctx,
        episode,
        "participant.left" if leaving else "participant.removed",
        reason=reason,
        data={"organisation_id": str(organisation_id), "role": participant.role},
    )
    ctx.session.refresh(episode)
    return episode


def request_end(ctx: Context, episode_id: uuid.UUID, data: EndRequestCreate) -> EpisodeEvent:
    """A participant that does not lead the episode asks the responsible organisation to end
    it (discharge, withdraw, readmit, or register a death): a line on the timeline that the
    responsible unit sees."""
    episode = episode_for(
        ctx, episode_id, permission=Permission.EPISODE_UPDATE, action="update", lock=True
    )
    require_open(episode, msg("doing.ask_to_end"))
    return record_event(
        ctx, episode, "end.requested", reason=data.reason, data={"to": data.to.value}
    )


def events(ctx: Context, episode_id: uuid.UUID) -> list[EpisodeEvent]:
    episode = episode_for(
        ctx, episode_id, permission=Permission.PATIENT_READ, action="read", resource_type="timeline"
    )
    return repository.events(ctx.session, episode.id)


def leads(ctx: Context, episode: Episode) -> bool:
    """The caller's organisation is the episode's responsible one (it leads the episode)."""
    return responsible_organisation_id(ctx, episode) == ctx.actor.organisation_id


def is_enrolment(episode: Episode) -> bool:
    """An enrolment in home health care (decision 0018): no pathway and no care flow; it is
    ended with POST /api/v1/enrolments/{id}/end."""
    return episode.kind == Kind.HOME_HEALTH_CARE.value


def allowed_transitions(episode: Episode) -> list[State]:
    if is_enrolment(episode):
        return []
    return sm.allowed_targets(State(episode.state))


def blockers(ctx: Context, episode: Episode, target: State) -> list[Problem]:
    """What stands in the way of moving ``episode`` (already read by the caller) to
    ``target`` now, by the state machine's own guards over what is recorded: a page lists it
    before the step is tried. Nothing is written. Empty when the step is not the caller's
    role's; the problems of the form's own fields (a reason, a ward) are the form's."""
    transition = sm.find(State(episode.state), target)
    if transition is None or ctx.actor.role not in transition.roles or is_enrolment(episode):
        return []
    verdict = sm.check(target, _facts(ctx, episode, TransitionCreate(to=target)))
    return [reason for reason in verdict.reasons if reason.field not in ("reason", "ward_unit_id")]


# -- transitions -----------------------------------------------------------------------------


def transition(ctx: Context, episode_id: uuid.UUID, data: TransitionCreate) -> Episode:
    """Carry out a transition, or refuse it with every reason (409; 403 for the wrong role)."""
    episode = episode_for(
        ctx, episode_id, permission=Permission.EPISODE_TRANSITION, action="transition", lock=True
    )
    require_responsible(ctx, episode, action="transition", doing=msg("doing.move_episode"))
    if is_enrolment(episode):
        raise Conflict(problem("enrolment.no_transitions", episode_id=str(episode.id)))
    if data.base_version is not None and data.base_version != episode.version:
        raise Conflict(
            problem(
                "episode.changed",
                field="base_version",
                yours=data.base_version,
                current=episode.version,
            )
        )
    target = State.NOT_ELIGIBLE if data.to == State.ASSESSED and data.eligible is False else data.to
    facts = _facts(ctx, episode, data)
    verdict = sm.check(target, facts)
    if verdict.wrong_role:
        raise Forbidden(verdict.reasons[0])
    if not verdict.allowed:
        raise Conflict(
            problem(
                "episode.transition_refused",
                target=sm.state(target),
                reasons=[Msg(p.code, p.params) for p in verdict.reasons],
            ),
            problems=verdict.reasons,
            allowed_transitions=[s.value for s in allowed_transitions(episode)],
        )
    event_data = _apply(ctx, episode, target, data)
    source = episode.state
    episode.state = target.value
    if target in CLOSED_STATES:
        closed = carerequests.close_for_ended_episode(ctx, episode)
        if closed:
            event_data["care_requests_closed"] = closed
        # plans follow the patient: future visits cancelled, day plans marked out of date
        from samband.visits import dayplans  # visits read episodes: no cycle

        cancelled = dayplans.follow_the_patient(ctx, episode, target.value)
        if cancelled:
            event_data["visits_cancelled"] = cancelled
    event = record_event(
        ctx,
        episode,
        "transition",
        from_state=source,
        to_state=target.value,
        reason=data.reason,
        data=event_data,
    )
    if target == State.DISCHARGED:
        # the discharge summary goes with the referral, or is marked missing (issue 14;
        # dischargesummaries reads episodes: imported here, no cycle)
        from samband.dischargesummaries.service import on_discharge

        event.data = {**event.data, **on_discharge(ctx, episode)}
    return episode


def _facts(ctx: Context, episode: Episode, data: TransitionCreate) -> sm.Facts:
    pathway = pathway_of(episode.pathway)
    state = State(episode.state)
    plan = repository.current_plan_version(ctx.session, episode.id)
    acknowledged = bool(
        plan and any(a.party in ("patient", "next_of_kin") for a in plan.acknowledgements)
    )
    accepted = repository.accepted_request_kinds(ctx.session, episode.id)
    return sm.Facts(
        state=state,
        actor_role=ctx.actor.role,
        criteria=tuple(pathway.criterion_keys()),
        criterion_texts={c.key: c.text for c in pathway.eligibility},
        required_criteria=tuple(c.key for c in pathway.eligibility if c.required),
        answers=dict(data.answers or {}),
        eligible=data.eligible,
        patient_informed=data.patient_informed,
        patient_consents=data.patient_consents,
        has_care_plan=plan is not None,
        plan_has_discharge_criteria=bool(plan and plan.content.get("discharge_criteria")),
        has_care_contact=episode.care_contact_id is not None,
        has_responsible_physician=episode.responsible_physician_id is not None,
        blocking_items_open=tuple(i.label for i in episode.checklist if i.blocking and not i.done),
        care_requests_missing=tuple(
            k for k in pathway.requires_care_request_to if k not in accepted
        ),
        plan_acknowledged_by_patient=acknowledged,
        reason=data.reason,
        ward_unit_given=data.ward_unit_id is not None,
    )


def _apply(ctx: Context, episode: Episode, target: State, data: TransitionCreate) -> dict[str, Any]:
    """The side effects of a transition that the guards allowed; returns the event's data."""
    now = utcnow()
    event: dict[str, Any] = {}
    if target in (State.ASSESSED, State.NOT_ELIGIBLE):
        episode.eligible = target == State.ASSESSED
        episode.assessment_answers = dict(data.answers or {})
        event = {"eligible": episode.eligible, "answers": episode.assessment_answers}
    elif target == State.CONSENTED:
        event = {
            "patient_informed": data.patient_informed,
            "next_of_kin_informed": data.next_of_kin_informed,
            "patient_consents": data.patient_consents,
        }
        if data.shared_records_consent is not None:
            _set_shared_records_consent(ctx, episode, data.shared_records_consent)
            event["shared_records_consent"] = data.shared_records_consent
    elif target == State.AT_HOME:
        episode.started_at = now
    elif target == State.READMITTED:
        event = _readmit(ctx, episode, data)
        # back in hospital: a hospital stay opens, so the 24 hours of the admission notice
        # start (lag 2017:612; coordination reads episodes, so imported here: no cycle)
        from samband.coordination.service import open_on_readmission

        stay = open_on_readmission(ctx, episode, ward_unit_id=data.ward_unit_id, now=now)
        if stay is not None:
            event["hospital_stay_id"] = str(stay.id)
    elif target == State.DECEASED:
        event = {"death_expected": data.death_expected}
    elif target == State.DISCHARGED and data.unmet_discharge_criteria:
        # discharged although these criteria were not met: confirmed by the user of the
        # event (who and when are the event's own)
        event = {"unmet_discharge_criteria": list(data.unmet_discharge_criteria)}
    if target in CLOSED_STATES:
        episode.ended_at = now
        episode.end_reason = data.reason
    return event


def _readmit(ctx: Context, episode: Episode, data: TransitionCreate) -> dict[str, Any]:
    assert data.ward_unit_id is not None  # noqa: S101 - the guard requires it
    unit = repository.get_unit(ctx.session, data.ward_unit_id)
    if unit is None:
        raise InvalidInput(
            problem("episode.unit_unknown", field="ward_unit_id", unit_id=str(data.ward_unit_id))
        )
    if not data.use_reserved_bed:
        return {"ward_unit_id": str(unit.id), "reserved_bed": None, "route": "emergency_department"}
    bed = repository.free_reserved_bed_for_update(ctx.session, unit.id)
    if bed is None:
        raise Conflict(problem("episode.no_reserved_bed", field="ward_unit_id", unit=unit.name))
    bed.occupied_by_episode_id = episode.id
    bed.occupied_since = utcnow()
    return {"ward_unit_id": str(unit.id), "reserved_bed": bed.label, "route": "direct_admission"}


# -- contacts -------------------------------------------------------------------------------


def record_contact(ctx: Context, episode_id: uuid.UUID, data: ContactCreate) -> EpisodeEvent:
    """Record a call with the patient at home (e.g. the ward's call in the evening of day 1)
    as a line on the timeline."""
    episode = episode_for(
        ctx,
        episode_id,
        permission=Permission.EPISODE_UPDATE,
        action="update",
        resource_type="contact",
        lock=True,
    )
    if episode.state != State.AT_HOME.value:
        raise Conflict(problem("contact.not_at_home", state=sm.state(episode.state)))
    now = utcnow()
    at = data.at or now
    if at > now + timedelta(minutes=5):
        raise InvalidInput(problem("contact.in_future", field="at"))
    if data.outcome == "not_reached" and data.spoke_with != "nobody":
        raise InvalidInput(problem("contact.nobody_reached", field="spoke_with"))
    kind = "contact.day1" if data.kind == "day1" else "contact.phone"
    return record_event(
        ctx,
        episode,
        kind,
        reason=data.note,
        data={
            "at": at.isoformat(),
            "caller": data.caller or ctx.actor.full_name,
            "spoke_with": data.spoke_with,
            "outcome": data.outcome,
        },
    )


# -- checklist ----------------------------------------------------------------------------


def checklist(ctx: Context, episode_id: uuid.UUID) -> list[ChecklistItem]:
    episode = episode_for(
        ctx,
        episode_id,
        permission=Permission.PATIENT_READ,
        action="read",
        resource_type="checklist",
    )
    return list(episode.checklist)


def sign_item(ctx: Context, episode_id: uuid.UUID, key: str, data: ChecklistSign) -> ChecklistItem:
    episode = episode_for(
        ctx,
        episode_id,
        permission=Permission.CHECKLIST_SIGN,
        action="update",
        resource_type="checklist",
        lock=True,
    )
    require_open(episode, msg("doing.sign_checklist"))
    item = _item(ctx, episode, key)
    _require_signer(ctx, item)
    if item.done:
        raise Conflict(problem("checklist.already_signed", item=Source(item.label)))
    item.done = True
    item.signed_by_id = ctx.actor.user_id
    item.signed_at = utcnow()
    item.note = data.note
    record_event(ctx, episode, "checklist.signed", data={"key": key, "label": item.label})
    return item


def unsign_item(
    ctx: Context, episode_id: uuid.UUID, key: str, data: ChecklistUnsign
) -> ChecklistItem:
    episode = episode_for(
        ctx,
        episode_id,
        permission=Permission.CHECKLIST_SIGN,
        action="update",
        resource_type="checklist",
        lock=True,
    )
    if episode.state not in (State.CANDIDATE, State.ASSESSED, State.CONSENTED, State.PLANNED):
        raise Conflict(problem("checklist.locked", state=sm.state(episode.state)))
    item = _item(ctx, episode, key)
    _require_signer(ctx, item)
    if not item.done:
        raise Conflict(problem("checklist.not_signed", item=Source(item.label)))
    item.done = False
    item.signed_by_id = None
    item.signed_at = None
    item.note = data.reason
    record_event(
        ctx,
        episode,
        "checklist.unsigned",
        reason=data.reason,
        data={"key": key, "label": item.label},
    )
    return item


def _require_signer(ctx: Context, item: ChecklistItem) -> None:
    if ctx.actor.role not in item.signer_roles:
        raise Forbidden(
            problem(
                "checklist.wrong_signer",
                item=Source(item.label),
                roles=[msg(f"role.{role}") for role in item.signer_roles],
                role=msg(f"role.{ctx.actor.role}"),
            )
        )


def _item(ctx: Context, episode: Episode, key: str) -> ChecklistItem:
    for item in episode.checklist:
        if item.key == key:
            return item
    keys = [i.key for i in episode.checklist]
    raise NotFound(problem("checklist.no_item", key=key, items=keys))


# -- helpers -----------------------------------------------------------------------------


def _check_staff(ctx: Context, user_id: uuid.UUID | None, field: str, role: str | None) -> None:
    if user_id is None:
        return
    user = repository.get_user(ctx.session, user_id)
    if user is None or not user.active:
        raise InvalidInput(problem("episode.user_unknown", field=field, user_id=str(user_id)))
    if role and user.role != role:
        raise InvalidInput(
            problem(
                "episode.user_wrong_role",
                field=field,
                name=user.full_name,
                role=msg(f"role.{user.role}"),
                wanted=msg(f"role.{role}"),
            )
        )


def _org_kind(ctx: Context, organisation_id: uuid.UUID, *, field: str = "organisation_id") -> str:
    organisation = repository.get_organisation(ctx.session, organisation_id)
    if organisation is None:
        raise InvalidInput(
            problem("organisation.unknown", field=field, organisation_id=str(organisation_id))
        )
    return organisation.kind


__all__ = ["OPEN_STATES", "create", "get", "search", "transition"]
