"""The rules for care requests between organisations (vårdbegäran, remiss; FHIR Task).

The sending organisation takes part in the episode; sending makes the receiving organisation
a participant too (that is its care relationship: it may read the patient and answer). A
decline or a cancellation ends that relationship again, if the request created it and the
organisation has nothing else open in the episode.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from samband.carerequests import lifecycle, repository
from samband.carerequests.schemas import (
    CareRequestCreate,
    CareRequestKind,
    CareRequestState,
    CareRequestTransition,
    Direction,
)
from samband.episodes.access import (
    child_of_episode,
    episode_for,
    record_event,
    require_open,
    require_responsible,
)
from samband.kit.errors import Conflict, Forbidden, InvalidInput, problem
from samband.kit.i18n import msg
from samband.kit.time import utcnow
from samband.medadmin import service as medadmin
from samband.medications.service import medication_snapshot
from samband.models import CareRequest, Episode, EpisodeParticipant
from samband.pathways.definition import registry
from samband.security.context import Context
from samband.security.roles import Permission
from samband.security.service import care_provider_of, log_listed, visibility

S = CareRequestState
RESOURCE = "care_request"
# Marks the "sent" history entry of a request that made the receiver a participant.
ADDED_PARTICIPANT = "added_participant"


def send(ctx: Context, data: CareRequestCreate) -> tuple[CareRequest, uuid.UUID]:
    """Send a care request from the caller's organisation; returns (request, patient id)."""
    request_id = uuid.uuid4()
    episode = episode_for(
        ctx,
        data.episode_id,
        permission=Permission.CARE_REQUEST_SEND,
        action="create",
        resource_type=RESOURCE,
        resource_id=request_id,
        lock=True,
    )
    actor = ctx.actor
    require_responsible(ctx, episode, action="create", doing=msg("doing.send_care_requests"))
    require_open(episode, msg("doing.send_care_requests"))
    target = repository.get_organisation(ctx.session, data.to_organisation_id)
    if target is None:
        raise InvalidInput(
            problem(
                "organisation.unknown",
                field="to_organisation_id",
                organisation_id=str(data.to_organisation_id),
            )
        )
    if target.id == actor.organisation_id:
        raise InvalidInput(problem("carerequest.to_own", field="to_organisation_id"))
    if (
        care_provider_of(target) != actor.care_provider
        and episode.shared_records_consent is not True
    ):
        raise Conflict(
            problem(
                "carerequest.no_shared_records_consent",
                field="to_organisation_id",
                organisation=target.code,
                authority=target.authority_name,
            )
        )
    fits = lifecycle.FITS[data.kind]
    if target.kind not in fits:
        raise InvalidInput(
            problem(
                "carerequest.wrong_receiver",
                field="to_organisation_id",
                organisation=target.code,
                kind=msg(f"kind.{target.kind}"),
                request_kind=msg(f"request_kind.{data.kind.value}"),
                fits=[msg(f"kind.{kind}") for kind in fits],
            )
        )
    if repository.open_request_exists(
        ctx.session,
        episode.id,
        to_organisation_id=target.id,
        kind=data.kind.value,
        open_states=frozenset(s.value for s in lifecycle.OPEN),
    ):
        raise Conflict(
            problem(
                "carerequest.already_open",
                organisation=target.code,
                request_kind=msg(f"request_kind.{data.kind.value}"),
            )
        )

    now = utcnow()
    added = False
    if repository.participant(ctx.session, episode.id, target.id) is None:
        repository.add_participant(
            ctx.session,
            EpisodeParticipant(
                episode_id=episode.id,
                organisation_id=target.id,
                role=lifecycle.PARTICIPANT_ROLE.get(target.kind, "other"),
            ),
        )
        added = True
    sent: dict[str, Any] = _history_entry(ctx, S.SENT, None)
    if added:
        sent[ADDED_PARTICIPANT] = True
    request = CareRequest(
        id=request_id,
        episode_id=episode.id,
        kind=data.kind.value,
        from_organisation_id=actor.organisation_id,
        to_organisation_id=target.id,
        state=S.SENT.value,
        message=data.message,
        answer_by=now + timedelta(hours=data.answer_within_hours),
        care_plan_version=repository.current_care_plan_version(ctx.session, episode.id),
        # Municipal home care (social services) gets what the plan shares with it, not the
        # medication list (docs/decisions/0010).
        medication_snapshot=[]
        if target.kind == "municipal_home_care"
        else medication_snapshot(ctx.session, episode.id),
        # the list's version, for the receiver to acknowledge (issue 14, medadmin)
        medication_list_version=None
        if target.kind == "municipal_home_care"
        else medadmin.list_version(ctx.session, episode.id),
        created_at=now,
        created_by_id=actor.user_id,
        history=[sent],
    )
    repository.add(ctx.session, request)
    record_event(
        ctx,
        episode,
        "care_request.sent",
        reason=data.message,
        data=_event_data(request, target.code),
    )
    return request, episode.patient_id


def get(ctx: Context, request_id: uuid.UUID) -> tuple[CareRequest, uuid.UUID]:
    """A request, for anyone whose organisation has a care relationship with the patient."""
    request, episode = child_of_episode(
        ctx,
        request_id,
        what="care request",
        load=repository.get,
        load_for_update=repository.get_for_update,
        permission=Permission.PATIENT_READ,
        action="read",
        resource_type=RESOURCE,
        record=lambda found: not _own(ctx, found),
    )
    return request, episode.patient_id


def search(
    ctx: Context,
    *,
    direction: Direction | None,
    state: CareRequestState | None,
    episode_id: uuid.UUID | None,
    limit: int,
    offset: int,
) -> tuple[list[tuple[CareRequest, uuid.UUID]], int]:
    """Requests to (incoming) and/or from (outgoing) the caller's organisation."""
    ctx.actor.require(Permission.PATIENT_READ)
    rows, total = repository.search(
        ctx.session,
        visibility(ctx),
        organisation_id=ctx.actor.organisation_id,
        incoming=direction in (None, Direction.INCOMING),
        outgoing=direction in (None, Direction.OUTGOING),
        state=state.value if state else None,
        episode_id=episode_id,
        limit=limit,
        offset=offset,
    )
    log_listed(ctx, [patient_id for _, patient_id in rows], resource_type=RESOURCE)
    return rows, total


def transition(
    ctx: Context, request_id: uuid.UUID, data: CareRequestTransition
) -> tuple[CareRequest, uuid.UUID]:
    target = data.to
    by_receiver = target in lifecycle.BY_RECEIVER
    request, episode = child_of_episode(
        ctx,
        request_id,
        what="care request",
        load=repository.get,
        load_for_update=repository.get_for_update,
        permission=Permission.CARE_REQUEST_ANSWER if by_receiver else Permission.CARE_REQUEST_SEND,
        action="transition",
        resource_type=RESOURCE,
        lock=True,
        record=lambda found: not _own(ctx, found),
    )

    if target == S.SENT or not lifecycle.can_move(request.state, target):
        allowed = lifecycle.allowed_next(request.state)
        state, wanted = msg(f"request_state.{request.state}"), msg(f"request_state.{target.value}")
        raise Conflict(
            problem(
                "carerequest.move_not_allowed",
                state=state,
                target=wanted,
                allowed=[msg(f"request_state.{s}") for s in allowed],
            )
            if allowed
            else problem("carerequest.finished", state=state, target=wanted),
            allowed=allowed,
        )
    actor = ctx.actor
    if by_receiver and actor.organisation_id != request.to_organisation_id:
        raise Forbidden(
            problem("carerequest.receiver_only", target=msg(f"request_state.{target.value}"))
        )
    if not by_receiver and actor.organisation_id != request.from_organisation_id:
        raise Forbidden(problem("carerequest.sender_only"))
    if target in lifecycle.NEEDS_REASON and not data.reason:
        raise InvalidInput(
            problem("carerequest.decline_reason_missing", field="reason")
            if target == S.DECLINED
            else problem("carerequest.cancel_reason_missing", field="reason")
        )
    if target == S.ACCEPTED:
        require_open(episode, msg("doing.accept_care_requests"))

    now = utcnow()
    request.state = target.value
    request.updated_at = now
    request.updated_by_id = actor.user_id
    if target == S.DECLINED:
        request.decline_reason = data.reason
    # A new list: SQLAlchemy sees the JSON column changed.
    request.history = [*request.history, _history_entry(ctx, target, data.reason)]

    event_data = _event_data(request, actor.organisation_code)
    if target == S.ACCEPTED and request.kind == CareRequestKind.HOME_HEALTH_CARE.value:
        signed = _sign_checklist(ctx, episode, request)
        if signed:
            event_data["checklist_items"] = signed
    if target in (S.DECLINED, S.CANCELLED):
        if _end_participation(ctx, episode, request):
            event_data["participation_ended"] = True
    record_event(ctx, episode, f"care_request.{target.value}", reason=data.reason, data=event_data)
    return request, episode.patient_id


def _own(ctx: Context, request: CareRequest) -> bool:
    """The request is to or from the caller's organisation: what was sent to it is shared with
    it even where the rest of the record is not (municipal home care)."""
    return ctx.actor.organisation_id in (request.to_organisation_id, request.from_organisation_id)


def close_for_ended_episode(ctx: Context, episode: Episode) -> list[str]:
    """When an episode ends, its open care requests end with it: an accepted one is completed
    at discharge, anything else open is cancelled. A referral to primary care is left as it
    is — it is the follow-up after the episode. The receiving organisation keeps its care
    relationship for the usual time after the end. Returns the ids closed."""
    closed: list[str] = []
    reason = f"the episode ended ({episode.state})"
    for request in repository.open_of_episode(ctx.session, episode.id):
        if request.kind == "primary_care_referral":
            continue
        accepted = request.state == S.ACCEPTED.value
        target = S.COMPLETED if accepted and episode.state == "discharged" else S.CANCELLED
        request.state = target.value
        request.updated_at = utcnow()
        request.updated_by_id = ctx.actor.user_id
        # the pages word it by the key (the reason stays as it was for the API)
        entry = {**_history_entry(ctx, target, reason), "reason_key": "carerequest.episode_ended"}
        request.history = [*request.history, entry]
        closed.append(str(request.id))
    return closed


def _history_entry(ctx: Context, state: CareRequestState, reason: str | None) -> dict[str, Any]:
    return {
        "state": state.value,
        "at": utcnow().isoformat(),
        "by": ctx.actor.username,
        "by_name": ctx.actor.full_name,  # what the pages show (histories show names)
        "organisation": ctx.actor.organisation_code,
        "reason": reason,
    }


def _event_data(request: CareRequest, organisation_code: str) -> dict[str, Any]:
    return {
        "care_request_id": str(request.id),
        "kind": request.kind,
        "state": request.state,
        "organisation": organisation_code,
    }


def _sign_checklist(ctx: Context, episode: Episode, request: CareRequest) -> list[str]:
    """Mark the pathway's "care request accepted" checklist items done; returns their keys."""
    pathway = registry().get(episode.pathway)
    if pathway is None:
        return []
    signed = []
    for entry in pathway.checklist:
        if entry.automatic != "care_request_accepted":
            continue
        item = repository.checklist_item(ctx.session, episode.id, entry.key)
        if item is None or item.done:
            continue
        item.done = True
        item.signed_by_id = ctx.actor.user_id
        item.signed_at = utcnow()
        item.note = f"care request accepted by {ctx.actor.organisation_code}"
        signed.append(item.key)
    return signed


def _end_participation(ctx: Context, episode: Episode, request: CareRequest) -> bool:
    """Remove the receiver from the episode if a care request made it a participant and
    nothing else keeps it there. Returns whether it was removed."""
    org_id = request.to_organisation_id
    participant = repository.participant(ctx.session, episode.id, org_id)
    if participant is None or participant.role == "responsible":
        return False
    others = repository.requests_to(ctx.session, episode.id, org_id)
    added_by_request = any(
        r.history and r.history[0].get(ADDED_PARTICIPANT) is True for r in others
    )
    still_needed = any(
        r.id != request.id and r.state in {*lifecycle.OPEN, S.COMPLETED} for r in others
    )
    if not added_by_request or still_needed:
        return False
    repository.remove_participant(ctx.session, participant)
    return True
