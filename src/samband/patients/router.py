"""HTTP for patients: parse, call the service, shape the answer."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from samband.deps import ContextDep
from samband.enrolments.schemas import StaffRead
from samband.kit.schemas import Limit, Offset, Page
from samband.models import Patient
from samband.patients import service
from samband.patients.schemas import (
    BlockCreate,
    BlockLift,
    BlockRead,
    EmergencyAccessCreate,
    EmergencyAccessRead,
    PatientCreate,
    PatientRead,
    PatientUpdate,
)
from samband.security.context import Context

router = APIRouter(prefix="/api/v1/patients", tags=["patients"])


def _reads(ctx: Context, found: list[Patient]) -> list[PatientRead]:
    """The patients, with their fixed physician and care contact named."""
    people = service.contacts(ctx, found)

    def person(user_id: uuid.UUID | None) -> StaffRead | None:
        staff = people.get(user_id) if user_id is not None else None
        return StaffRead(**staff.__dict__) if staff is not None else None

    return [
        PatientRead.model_validate(p).model_copy(
            update={
                "fixed_physician": person(p.fixed_physician_id),
                "fixed_care_contact": person(p.fixed_care_contact_id),
            }
        )
        for p in found
    ]


@router.post("", response_model=PatientRead, status_code=status.HTTP_201_CREATED)
def register_patient(ctx: ContextDep, data: PatientCreate) -> PatientRead:
    """Register a patient. The answer is what you sent, with the patient's id, and is the
    same whether or not the personnummer was already registered: an existing record is
    neither shown nor changed, and no care relationship starts. To take the patient into
    your care, flag a candidate (`POST /api/v1/episodes`, with a reason)."""
    patient, _created = service.register(ctx, data)
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
        items=_reads(ctx, patients),
        total=total,
        limit=limit,
        offset=offset,
    )


@router.get("/{patient_id}", response_model=PatientRead)
def get_patient(ctx: ContextDep, patient_id: uuid.UUID) -> PatientRead:
    return _reads(ctx, [service.get(ctx, patient_id)])[0]


@router.patch("/{patient_id}", response_model=PatientRead)
def update_patient(ctx: ContextDep, patient_id: uuid.UUID, data: PatientUpdate) -> PatientRead:
    return _reads(ctx, [service.update(ctx, patient_id, data)])[0]


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


@router.get("/{patient_id}/blocks", response_model=list[BlockRead])
def list_blocks(ctx: ContextDep, patient_id: uuid.UUID) -> list[BlockRead]:
    """The patient's blocks (spärr) of your organisation's documentation."""
    return [BlockRead.model_validate(b) for b in service.blocks(ctx, patient_id)]


@router.post("/{patient_id}/blocks", response_model=BlockRead, status_code=status.HTTP_201_CREATED)
def create_block(ctx: ContextDep, patient_id: uuid.UUID, data: BlockCreate) -> BlockRead:
    """Spärr: at the patient's request, block your organisation's documentation from every
    other organisation. It holds in every list, page and FHIR answer; only emergency access
    overrides it (logged for the auditor's review)."""
    return BlockRead.model_validate(service.block(ctx, patient_id, data))


@router.post("/{patient_id}/blocks/{block_id}/lift", response_model=BlockRead)
def lift_block(
    ctx: ContextDep, patient_id: uuid.UUID, block_id: uuid.UUID, data: BlockLift
) -> BlockRead:
    """Lift a block, at the patient's request, through the organisation it blocks."""
    return BlockRead.model_validate(service.lift_block(ctx, patient_id, block_id, data))
