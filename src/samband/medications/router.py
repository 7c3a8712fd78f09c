"""HTTP for the medication list: parse, call the service, shape the answer."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from samband.deps import ContextDep
from samband.medications import service
from samband.medications.schemas import (
    MedicationCreate,
    MedicationRead,
    MedicationStop,
    MedicationUpdate,
)

router = APIRouter(prefix="/api/v1/medications", tags=["medications"])


@router.post("", response_model=MedicationRead, status_code=status.HTTP_201_CREATED)
def add_medication(ctx: ContextDep, data: MedicationCreate) -> MedicationRead:
    """Add a medication to the episode's list: what, how much, how, when, who gives it and
    who supplies it."""
    return MedicationRead.model_validate(service.add(ctx, data))


@router.get("", response_model=list[MedicationRead])
def list_medications(
    ctx: ContextDep,
    episode_id: Annotated[uuid.UUID, Query()],
    include_stopped: bool = False,
) -> list[MedicationRead]:
    """The episode's medication list (active ones only unless include_stopped)."""
    medications = service.list_for_episode(ctx, episode_id, include_stopped=include_stopped)
    return [MedicationRead.model_validate(m) for m in medications]


@router.get("/{medication_id}", response_model=MedicationRead)
def get_medication(ctx: ContextDep, medication_id: uuid.UUID) -> MedicationRead:
    return MedicationRead.model_validate(service.get(ctx, medication_id))


@router.patch("/{medication_id}", response_model=MedicationRead)
def update_medication(
    ctx: ContextDep, medication_id: uuid.UUID, data: MedicationUpdate
) -> MedicationRead:
    """Change an active medication; only the fields you send change."""
    return MedicationRead.model_validate(service.update(ctx, medication_id, data))


@router.post("/{medication_id}/stop", response_model=MedicationRead)
def stop_medication(
    ctx: ContextDep, medication_id: uuid.UUID, data: MedicationStop
) -> MedicationRead:
    """Stop a medication (it stays on the list as stopped, with the reason)."""
    return MedicationRead.model_validate(service.stop(ctx, medication_id, data))
