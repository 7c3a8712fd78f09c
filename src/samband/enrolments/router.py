"""HTTP for enrolments in home health care and the patient's fixed physician and care
contact: parse, call the service, shape the answer."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, status

from samband.deps import ContextDep
from samband.enrolments import service
from samband.enrolments.schemas import (
    AssignmentRead,
    AssignmentWrite,
    EnrolmentCreate,
    EnrolmentEnd,
    EnrolmentRead,
    FixedStaffRead,
    ParticipantRead,
    StaffRead,
)
from samband.models import Episode, Patient
from samband.security.context import Context

router = APIRouter(prefix="/api/v1", tags=["enrolments"])

_ENROL: dict[int | str, dict[str, Any]] = {
    403: {
        "description": "your role may not enrol (episode:create), or your organisation is "
        "not a municipal home health care"
    },
    404: {"description": "no such patient"},
    409: {"description": "the patient is already enrolled"},
    422: {
        "description": "no care relationship and no reason; a unit, physician or care "
        "contact that does not fit"
    },
}
_ASSIGN: dict[int | str, dict[str, Any]] = {
    403: {"description": "your role may not set it (patient:assign)"},
    404: {"description": "no such patient, or no care relationship with the patient"},
    422: {"description": "not an active physician / licensed member of staff"},
}


def _staff(found: service.Staff | None) -> StaffRead | None:
    return StaffRead(**found.__dict__) if found is not None else None


def _read(ctx: Context, episode: Episode) -> EnrolmentRead:
    shown = service.view(ctx, episode)
    return EnrolmentRead(
        id=episode.id,
        patient_id=episode.patient_id,
        kind=episode.kind,
        state=episode.state,
        started_at=episode.started_at,
        ended_at=episode.ended_at,
        end_reason=episode.end_reason,
        responsible_unit_id=episode.responsible_unit_id,
        unit_name=shown.unit_name,
        organisation_id=shown.organisation_id,
        organisation_name=shown.organisation_name,
        care_contact=_staff(shown.care_contact),
        fixed_physician=_staff(shown.fixed_physician),
        shared_records_consent=episode.shared_records_consent,
        participants=[ParticipantRead.model_validate(p) for p in episode.participants],
        version=episode.version,
        created_at=episode.created_at,
    )


def _fixed(ctx: Context, patient: Patient) -> FixedStaffRead:
    physician, contact = service.fixed_staff(ctx, patient)
    return FixedStaffRead(
        patient_id=patient.id,
        fixed_physician=_staff(physician),
        fixed_care_contact=_staff(contact),
    )


@router.post(
    "/patients/{patient_id}/enrolment",
    response_model=EnrolmentRead,
    status_code=status.HTTP_201_CREATED,
    responses=_ENROL,
)
def enrol(ctx: ContextDep, patient_id: uuid.UUID, data: EnrolmentCreate) -> EnrolmentRead:
    """Enrol the patient in your organisation's home health care (inskriven i
    hemsjukvården), without a hospital episode. The enrolment is an episode of kind
    `home_health_care`; its visits, vital signs, medications and care plan work as any
    episode's."""
    return _read(ctx, service.enrol(ctx, patient_id, data))


@router.get(
    "/patients/{patient_id}/enrolment",
    response_model=EnrolmentRead,
    responses={404: {"description": "no such patient, or not enrolled"}},
)
def current_enrolment(ctx: ContextDep, patient_id: uuid.UUID) -> EnrolmentRead:
    """The patient's open enrolment in home health care."""
    return _read(ctx, service.current(ctx, patient_id))


@router.post(
    "/enrolments/{episode_id}/end",
    response_model=EnrolmentRead,
    responses={
        403: {"description": "not the enrolment's responsible organisation, or your role"},
        409: {"description": "not an enrolment, or ended already"},
    },
)
def end_enrolment(ctx: ContextDep, episode_id: uuid.UUID, data: EnrolmentEnd) -> EnrolmentRead:
    """End the enrolment, with the reason: its future visits are cancelled."""
    return _read(ctx, service.end(ctx, episode_id, data))


@router.put(
    "/patients/{patient_id}/fixed-physician", response_model=FixedStaffRead, responses=_ASSIGN
)
def set_fixed_physician(
    ctx: ContextDep, patient_id: uuid.UUID, data: AssignmentWrite
) -> FixedStaffRead:
    """Set (or, with `user_id: null`, remove) the patient's fixed physician (patientansvarig
    läkare). Logged in the assignment history; their organisation takes part in the open
    enrolment."""
    return _fixed(ctx, service.set_fixed_physician(ctx, patient_id, data))


@router.put(
    "/patients/{patient_id}/fixed-care-contact", response_model=FixedStaffRead, responses=_ASSIGN
)
def set_fixed_care_contact(
    ctx: ContextDep, patient_id: uuid.UUID, data: AssignmentWrite
) -> FixedStaffRead:
    """Set (or remove) the patient's fixed care contact (fast vårdkontakt)."""
    return _fixed(ctx, service.set_fixed_care_contact(ctx, patient_id, data))


@router.get("/patients/{patient_id}/assignments", response_model=list[AssignmentRead])
def list_assignments(ctx: ContextDep, patient_id: uuid.UUID) -> list[AssignmentRead]:
    """Every change of the patient's fixed physician and care contact, newest first."""
    return [
        AssignmentRead(
            id=v.assignment.id,
            patient_id=v.assignment.patient_id,
            kind=v.assignment.kind,
            from_user=_staff(v.from_user),
            to_user=_staff(v.to_user),
            by_user_id=v.assignment.by_user_id,
            by_name=v.by_name,
            by_organisation_id=v.assignment.by_organisation_id,
            by_organisation_name=v.by_organisation_name,
            reason=v.assignment.reason,
            created_at=v.assignment.created_at,
        )
        for v in service.assignments(ctx, patient_id)
    ]
