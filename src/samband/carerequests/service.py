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
    episode_for,
    not_found,
    record_event,
    require_open,
    require_responsible,
)
from samband.kit.errors import Conflict, Forbidden, InvalidInput, NotFound
from samband.kit.time import utcnow
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
    require_responsible(ctx, episode, action="create", doing="send care requests from it")
    require_open(episode, "send care requests from it")
    target = repository.get_organisation(ctx.session, data.to_organisation_id)
    if target is None:
        raise InvalidInput(
            f"organisation {data.to_organisation_id} does not exist", field="to_organisation_id"
        )
    if target.id == actor.organisation_id:
        raise InvalidInput(
            "a care request goes to another organisation, not to your own",
            field="to_organisation_id",
        )
    if (
        care_provider_of(target) != actor.care_provider
        and episode.shared_records_consent is not True
    ):
        raise Conflict(
            f"{target.code} belongs to another care provider ({target.authority_name}): record "
            "the patient's consent to shared records on the episode first (sammanhållen "
            "journalföring), then send the request",
            field="to_organisation_id",
        )
    fits = lifecycle.FITS[data.kind]
    if target.kind not in fits:
        raise InvalidInput(
            f"{target.code} is a {target.kind}; a {data.kind.value} request goes to a "
            f"{' or a '.join(fits)}",
            field="to_organisation_id",
        )
    if repository.open_request_exists(
        ctx.session,
        episode.id,
        to_organisation_id=target.id,
        kind=data.kind.value,
        open_states=frozenset(s.value for s in lifecycle.OPEN),
    ):
        raise Conflict(
            f"{target.code} already has an open {data.kind.value} request for this episode; "
            "wait for its answer or cancel it first"
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
    request = _load(ctx, request_id, action="read")
    episode = episode_for(
        ctx,
        request.episode_id,
        permission=Permission.PATIENT_READ,
        action="read",
        resource_type=RESOURCE,
        resource_id=request.id,
        record=not _own(ctx, request),
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
    request = _load(ctx, request_id, action="transition")
    by_receiver = target in lifecycle.BY_RECEIVER
    episode = episode_for(
        ctx,
        request.episode_id,
        permission=Permission.CARE_REQUEST_ANSWER if by_receiver else Permission.CARE_REQUEST_SEND,
        action="transition",
        resource_type=RESOURCE,
        resource_id=request.id,
        lock=True,
        record=not _own(ctx, request),
    )
    locked = repository.get_for_update(ctx.session, request.id)
    if locked is None:  # pragma: no cover - the episode lock keeps it
        raise NotFound(f"care request {request_id} was not found")
    request = locked

    if target == S.SENT or not lifecycle.can_move(request.state, target):
        allowed = lifecycle.allowed_next(request.state)
        raise Conflict(
            f"the care request is {request.state}: it cannot become {target.value}; "
            + (f"allowed now: {', '.join(allowed)}" if allowed else "it is finished"),
            allowed=allowed,
        )
    actor = ctx.actor
    if by_receiver and actor.organisation_id != request.to_organisation_id:
        raise Forbidden(
            f"only a user of the receiving organisation can mark a care request {target.value}"
        )
    if not by_receiver and actor.organisation_id != request.from_organisation_id:
        raise Forbidden("only a user of the sending organisation can cancel a care request")
    if target in lifecycle.NEEDS_REASON and not data.reason:
        raise InvalidInput(
            f"give the reason the care request is {target.value} "
            "(the other organisation will read it)",
            field="reason",
        )
    if target == S.ACCEPTED:
        require_open(episode, "accept care requests for it")

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


def _load(ctx: Context, request_id: uuid.UUID, *, action: str) -> CareRequest:
    request = repository.get(ctx.session, request_id)
    if request is None:
        raise not_found(ctx, "care request", request_id, action=action, resource_type=RESOURCE)
    return request


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
        request.history = [*request.history, _history_entry(ctx, target, reason)]
        closed.append(str(request.id))
    return closed


def _history_entry(ctx: Context, state: CareRequestState, reason: str | None) -> dict[str, Any]:
    return {
        "state": state.value,
        "at": utcnow().isoformat(),
        "by": ctx.actor.username,
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
