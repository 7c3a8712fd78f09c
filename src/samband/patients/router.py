"""HTTP for patients: parse, call the service, shape the answer."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from samband.deps import ContextDep
from samband.kit.schemas import Limit, Offset, Page
from samband.patients import service
from samband.patients.schemas import (
    EmergencyAccessCreate,
    EmergencyAccessRead,
    PatientCreate,
    PatientRead,
    PatientUpdate,
)

router = APIRouter(prefix="/api/v1/patients", tags=["patients"])


@router.post(
    "",
    response_model=PatientRead,
    status_code=status.HTTP_201_CREATED,
    responses={200: {"description": "Already registered: the existing patient"}},
)
def register_patient(ctx: ContextDep, data: PatientCreate, response: Response) -> PatientRead:
    """Register a patient. A personnummer that is already registered answers 200 with the
    existing record and starts a provisional care relationship for your organisation."""
    patient, created = service.register(ctx, data)
    if not created:
        response.status_code = status.HTTP_200_OK
    return PatientRead.model_validate(patient)


@router.get("", response_model=Page[PatientRead])
def list_patients(
    ctx: ContextDep,
    search: Annotated[str | None, Query(max_length=100)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[PatientRead]:
    """Patients your organisation has a care relationship with."""
    patients, total = service.search(ctx, text=search, limit=limit, offset=offset)
    return Page(
        items=[PatientRead.model_validate(p) for p in patients],
        total=total,
        limit=limit,
        offset=offset,
    )


@router.get("/{patient_id}", response_model=PatientRead)
def get_patient(ctx: ContextDep, patient_id: uuid.UUID) -> PatientRead:
    return PatientRead.model_validate(service.get(ctx, patient_id))


@router.patch("/{patient_id}", response_model=PatientRead)
def update_patient(ctx: ContextDep, patient_id: uuid.UUID, data: PatientUpdate) -> PatientRead:
    return PatientRead.model_validate(service.update(ctx, patient_id, data))


@router.post(
    "/{patient_id}/emergency-access",
    response_model=EmergencyAccessRead,
    status_code=status.HTTP_201_CREATED,
)
def emergency_access(
    ctx: ContextDep, patient_id: uuid.UUID, data: EmergencyAccessCreate
) -> EmergencyAccessRead:
    """Nödåtkomst: read a patient outside a care relationship. Needs a written reason; it is
    time-limited, and flagged in the access log for the auditor's review."""
    return EmergencyAccessRead.model_validate(service.grant_emergency_access(ctx, patient_id, data))
