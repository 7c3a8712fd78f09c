"""HTTP for care plans (the documented agreement): parse, call the service, shape the answer."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from samband.careplans import service
from samband.careplans.schemas import (
    AcknowledgementCreate,
    AcknowledgementRead,
    CarePlanCreate,
    CarePlanRead,
    CarePlanUpdate,
    CarePlanVersionRead,
    CarePlanVersionSummary,
)
from samband.deps import ContextDep
from samband.models import CarePlanAcknowledgement, CarePlanVersion

router = APIRouter(prefix="/api/v1/care-plans", tags=["care-plans"])

VersionNumber = Annotated[int, Path(ge=1, le=1_000_000)]


@router.post("", response_model=CarePlanRead, status_code=status.HTTP_201_CREATED)
def create_care_plan(ctx: ContextDep, data: CarePlanCreate) -> CarePlanRead:
    """Make the episode's documented agreement (one per episode), as version 1. Without
    `content` it starts from the pathway's plan template."""
    return _plan(service.create(ctx, data))


@router.get("", response_model=list[CarePlanRead])
def list_care_plans(
    ctx: ContextDep, episode_id: Annotated[uuid.UUID, Query()]
) -> list[CarePlanRead]:
    """The episode's care plan, if it has one (a list of 0 or 1)."""
    return [_plan(view) for view in service.list_for_episode(ctx, episode_id)]


@router.get("/{care_plan_id}", response_model=CarePlanRead)
def get_care_plan(ctx: ContextDep, care_plan_id: uuid.UUID) -> CarePlanRead:
    """The plan with its current version and that version's acknowledgements."""
    return _plan(service.get(ctx, care_plan_id))


@router.put(
    "/{care_plan_id}",
    response_model=CarePlanRead,
    responses={409: {"description": "base_version is not the current version"}},
)
def update_care_plan(
    ctx: ContextDep, care_plan_id: uuid.UUID, data: CarePlanUpdate
) -> CarePlanRead:
    """Save a new version. `base_version` is the version you changed: if somebody saved a
    newer one meanwhile, the answer is 409 and nothing is saved."""
    return _plan(service.update(ctx, care_plan_id, data))


@router.get("/{care_plan_id}/versions", response_model=list[CarePlanVersionSummary])
def list_versions(ctx: ContextDep, care_plan_id: uuid.UUID) -> list[CarePlanVersionSummary]:
    return [
        CarePlanVersionSummary(
            number=v.number,
            change_note=v.change_note,
            created_by_id=v.created_by_id,
            created_at=v.created_at,
            acknowledged_by=[a.party for a in service.acknowledgements_of(ctx, v)],
        )
        for v in service.list_versions(ctx, care_plan_id)
    ]


@router.get("/{care_plan_id}/versions/{number}", response_model=CarePlanVersionRead)
def get_version(
    ctx: ContextDep, care_plan_id: uuid.UUID, number: VersionNumber
) -> CarePlanVersionRead:
    """One version, as it was saved (versions never change)."""
    version = service.get_version(ctx, care_plan_id, number)
    return _version(version, service.acknowledgements_of(ctx, version))


@router.post(
    "/{care_plan_id}/versions/{number}/acknowledgements",
    response_model=AcknowledgementRead,
    status_code=status.HTTP_201_CREATED,
)
def acknowledge(
    ctx: ContextDep, care_plan_id: uuid.UUID, number: VersionNumber, data: AcknowledgementCreate
) -> AcknowledgementRead:
    """Record that the patient, a next of kin (recorded by you, with their name) or your own
    organisation (which must take part in the episode) has agreed to the current version."""
    return _acknowledgement(service.acknowledge(ctx, care_plan_id, number, data), number)


def _acknowledgement(ack: CarePlanAcknowledgement, number: int) -> AcknowledgementRead:
    return AcknowledgementRead(
        id=ack.id,
        version_number=number,
        party=ack.party,
        organisation_id=ack.organisation_id,
        name=ack.name,
        recorded_by_id=ack.recorded_by_id,
        at=ack.at,
    )


def _version(
    version: CarePlanVersion, acknowledgements: list[CarePlanAcknowledgement]
) -> CarePlanVersionRead:
    return CarePlanVersionRead(
        number=version.number,
        content=version.content,
        change_note=version.change_note,
        created_by_id=version.created_by_id,
        created_at=version.created_at,
        acknowledgements=[_acknowledgement(a, version.number) for a in acknowledgements],
    )


def _plan(view: service.PlanView) -> CarePlanRead:
    return CarePlanRead(
        id=view.plan.id,
        episode_id=view.plan.episode_id,
        created_at=view.plan.created_at,
        current_version=view.plan.current_version,
        version=_version(view.version, view.acknowledgements),
        acknowledged_by_patient=view.acknowledged_by_patient,
        organisations_to_acknowledge=view.organisations_to_acknowledge,
    )
