"""HTTP for episodes: flag a candidate, read, change, transitions, timeline, checklist."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, status

from samband.deps import ContextDep
from samband.episodes import service
from samband.episodes.schemas import (
    ChecklistItemRead,
    ChecklistSign,
    ChecklistUnsign,
    ContactCreate,
    EndRequestCreate,
    EpisodeCreate,
    EpisodeRead,
    EpisodeUpdate,
    EventRead,
    ParticipantCreate,
    ParticipantRead,
    TransitionCreate,
)
from samband.episodes.states import FHIR_STATUS, EpisodeType, Kind, State
from samband.kit.schemas import Limit, Offset, Page
from samband.models import Episode

router = APIRouter(prefix="/api/v1/episodes", tags=["episodes"])

CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"description": "Not allowed in the episode's current state; says why"}
}


def to_read(episode: Episode) -> EpisodeRead:
    state = State(episode.state)
    return EpisodeRead(
        id=episode.id,
        patient_id=episode.patient_id,
        kind=Kind(episode.kind),
        pathway=episode.pathway,
        type=None if service.is_enrolment(episode) else EpisodeType(episode.type),
        state=state,
        fhir_status=FHIR_STATUS[state],
        responsible_unit_id=episode.responsible_unit_id,
        responsible_physician_id=episode.responsible_physician_id,
        care_contact_id=episode.care_contact_id,
        eligible=episode.eligible,
        assessment_answers=episode.assessment_answers,
        planned_home_date=episode.planned_home_date,
        started_at=episode.started_at,
        ended_at=episode.ended_at,
        end_reason=episode.end_reason,
        version=episode.version,
        shared_records_consent=episode.shared_records_consent,
        participants=[ParticipantRead.model_validate(p) for p in episode.participants],
        allowed_transitions=service.allowed_transitions(episode),
        created_at=episode.created_at,
    )


@router.post(
    "", response_model=EpisodeRead, status_code=status.HTTP_201_CREATED, responses=CONFLICT
)
def create_episode(ctx: ContextDep, data: EpisodeCreate) -> EpisodeRead:
    """Flag a possible candidate for care at home on a pathway."""
    return to_read(service.create(ctx, data))


@router.get("", response_model=Page[EpisodeRead])
def list_episodes(
    ctx: ContextDep,
    patient_id: uuid.UUID | None = None,
    state: Annotated[list[State] | None, Query()] = None,
    pathway: Annotated[str | None, Query(max_length=40)] = None,
    kind: Kind | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[EpisodeRead]:
    """Episodes of patients your organisation has a care relationship with; ``kind``:
    hospital_at_home, or home_health_care (enrolments in home health care)."""
    episodes, total = service.search(
        ctx,
        patient_id=patient_id,
        states=state,
        pathway=pathway,
        limit=limit,
        offset=offset,
        kind=kind,
    )
    return Page(items=[to_read(e) for e in episodes], total=total, limit=limit, offset=offset)


@router.get("/{episode_id}", response_model=EpisodeRead)
def get_episode(ctx: ContextDep, episode_id: uuid.UUID) -> EpisodeRead:
    return to_read(service.get(ctx, episode_id))


@router.patch("/{episode_id}", response_model=EpisodeRead, responses=CONFLICT)
def update_episode(ctx: ContextDep, episode_id: uuid.UUID, data: EpisodeUpdate) -> EpisodeRead:
    """Name the responsible physician, the care contact (fast vårdkontakt), the planned date."""
    return to_read(service.update(ctx, episode_id, data))


@router.post(
    "/{episode_id}/participants",
    response_model=EpisodeRead,
    status_code=status.HTTP_201_CREATED,
    responses=CONFLICT,
)
def add_participant(ctx: ContextDep, episode_id: uuid.UUID, data: ParticipantCreate) -> EpisodeRead:
    """Let another organisation take part in the episode (gives it the care relationship)."""
    return to_read(service.add_participant(ctx, episode_id, data))


@router.delete(
    "/{episode_id}/participants/{organisation_id}", response_model=EpisodeRead, responses=CONFLICT
)
def remove_participant(
    ctx: ContextDep,
    episode_id: uuid.UUID,
    organisation_id: uuid.UUID,
    reason: Annotated[str | None, Query(max_length=500)] = None,
) -> EpisodeRead:
    """The responsible organisation removes another organisation from the episode; any other
    organisation may leave it (its own id). Its care relationship through the episode ends."""
    return to_read(service.remove_participant(ctx, episode_id, organisation_id, reason))


@router.post(
    "/{episode_id}/end-requests",
    response_model=EventRead,
    status_code=status.HTTP_201_CREATED,
    responses=CONFLICT,
)
def request_end(ctx: ContextDep, episode_id: uuid.UUID, data: EndRequestCreate) -> EventRead:
    """Ask the responsible organisation to end the episode (discharge, withdraw, readmit or
    register a death): only it ends the episode. A line on the timeline."""
    return EventRead.model_validate(service.request_end(ctx, episode_id, data))


@router.post("/{episode_id}/transitions", response_model=EpisodeRead, responses=CONFLICT)
def transition(ctx: ContextDep, episode_id: uuid.UUID, data: TransitionCreate) -> EpisodeRead:
    """Move the episode on: candidate → assessed (or not_eligible) → consented (or declined)
    → planned → at_home → discharged | readmitted | deceased; withdrawn from any open state.
    A transition that is not allowed now answers 409 with every reason."""
    return to_read(service.transition(ctx, episode_id, data))


@router.get("/{episode_id}/events", response_model=list[EventRead])
def list_events(ctx: ContextDep, episode_id: uuid.UUID) -> list[EventRead]:
    """The episode's timeline: every transition and change, with who, when and why."""
    return [EventRead.model_validate(e) for e in service.events(ctx, episode_id)]


@router.get("/{episode_id}/checklist", response_model=list[ChecklistItemRead])
def get_checklist(ctx: ContextDep, episode_id: uuid.UUID) -> list[ChecklistItemRead]:
    return [ChecklistItemRead.model_validate(i) for i in service.checklist(ctx, episode_id)]


@router.post(
    "/{episode_id}/checklist/{key}/sign", response_model=ChecklistItemRead, responses=CONFLICT
)
def sign_checklist_item(
    ctx: ContextDep, episode_id: uuid.UUID, key: str, data: ChecklistSign
) -> ChecklistItemRead:
    """Sign an item as done (by one of the item's signer roles, e.g. pharmacist or nurse)."""
    return ChecklistItemRead.model_validate(service.sign_item(ctx, episode_id, key, data))


@router.post(
    "/{episode_id}/checklist/{key}/unsign", response_model=ChecklistItemRead, responses=CONFLICT
)
def unsign_checklist_item(
    ctx: ContextDep, episode_id: uuid.UUID, key: str, data: ChecklistUnsign
) -> ChecklistItemRead:
    """Take a signature back before the patient goes home (with a reason)."""
    return ChecklistItemRead.model_validate(service.unsign_item(ctx, episode_id, key, data))


@router.post(
    "/{episode_id}/contacts",
    response_model=EventRead,
    status_code=status.HTTP_201_CREATED,
    responses=CONFLICT,
)
def record_contact(ctx: ContextDep, episode_id: uuid.UUID, data: ContactCreate) -> EventRead:
    """Record a call with the patient at home, e.g. the ward's call in the evening of day 1
    (`kind: day1`): who called, when, whom they spoke with, how it went. A line on the
    timeline; only while the patient is at home."""
    return EventRead.model_validate(service.record_contact(ctx, episode_id, data))
