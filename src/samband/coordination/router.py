"""HTTP for coordination at discharge (lag 2017:612) and the morning list: parse, call the
service, shape the answer."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, status

from samband.coordination import service
from samband.coordination.schemas import (
    Discharge,
    HistoryEntry,
    HospitalStayCreate,
    HospitalStayRead,
    MorningEventRead,
    MorningListRead,
    MorningPatientRead,
    ReadyForDischarge,
    SipInvitation,
    StayStatus,
)
from samband.deps import ContextDep
from samband.kit.schemas import Limit, Offset, Page

router = APIRouter(prefix="/api/v1", tags=["coordination at discharge"])

_WRITE: dict[int | str, dict[str, Any]] = {
    403: {
        "description": "your role may not (hospital_stay:write), or your organisation is not "
        "the side that does this step"
    },
    404: {"description": "no such stay or patient, or no care relationship with the patient"},
    409: {"description": "the stay's state does not allow it (e.g. already discharged)"},
    422: {"description": "the field, what was wrong and what is allowed; nothing is written"},
}


def _read(view: service.StayView) -> HospitalStayRead:
    stay, due = view.stay, view.deadlines
    return HospitalStayRead(
        id=stay.id,
        patient_id=stay.patient_id,
        episode_id=stay.episode_id,
        hospital_organisation_id=stay.hospital_organisation_id,
        hospital_name=view.hospital.name,
        ward=stay.ward,
        status=view.status,
        admitted_at=stay.admitted_at,
        expected_discharge_on=stay.expected_discharge_on,
        admission_notice_sent_at=stay.admission_notice_sent_at,
        admission_notice_by_id=stay.admission_notice_by_id,
        notice_to=[uuid.UUID(str(o)) for o in stay.notice_to or []],
        notice_due_at=due.notice_due_at,
        notice_overdue=due.notice_overdue,
        notice_late=due.notice_late,
        ready_for_discharge_on=stay.ready_for_discharge_on,
        ready_set_at=stay.ready_set_at,
        ready_set_by_id=stay.ready_set_by_id,
        days_past_ready=due.days_past_ready,
        discharged_at=stay.discharged_at,
        sip_needed=stay.sip_needed,
        sip_due_at=due.sip_due_at,
        sip_overdue=due.sip_overdue,
        sip_invited_at=stay.sip_invited_at,
        sip_invited_by_id=stay.sip_invited_by_id,
        sip_meeting_at=stay.sip_meeting_at,
        history=[HistoryEntry.model_validate(h) for h in stay.history or []],
        created_at=stay.created_at,
        created_by_id=stay.created_by_id,
        updated_at=stay.updated_at,
        updated_by_id=stay.updated_by_id,
    )


@router.post(
    "/patients/{patient_id}/hospital-stays",
    response_model=HospitalStayRead,
    status_code=status.HTTP_201_CREATED,
    responses=_WRITE,
)
def admit_patient(
    ctx: ContextDep, patient_id: uuid.UUID, data: HospitalStayCreate
) -> HospitalStayRead:
    """A hospital (clinic, ward or mobile team) registers that the patient was admitted: the
    admission notice is then due within 24 hours. One open stay per patient (409)."""
    return _read(service.admit(ctx, patient_id, data))


@router.post(
    "/hospital-stays/{stay_id}/admission-notice", response_model=HospitalStayRead, responses=_WRITE
)
def send_admission_notice(ctx: ContextDep, stay_id: uuid.UUID) -> HospitalStayRead:
    """The hospital sends the admission notice (inskrivningsmeddelande) to the municipality's
    home health care and primary care taking part with the patient; the fixed physician and
    the fixed care contact are notified."""
    return _read(service.send_notice(ctx, stay_id))


@router.post("/hospital-stays/{stay_id}/ready", response_model=HospitalStayRead, responses=_WRITE)
def ready_for_discharge(
    ctx: ContextDep, stay_id: uuid.UUID, data: ReadyForDischarge
) -> HospitalStayRead:
    """A physician of the hospital sets the date the patient is ready for discharge
    (utskrivningsklar); the days past it are counted until discharge."""
    return _read(service.set_ready(ctx, stay_id, data))


@router.post(
    "/hospital-stays/{stay_id}/discharge", response_model=HospitalStayRead, responses=_WRITE
)
def discharge_patient(ctx: ContextDep, stay_id: uuid.UUID, data: Discharge) -> HospitalStayRead:
    """The hospital discharges the patient and says whether a SIP meeting is needed (the
    invitation is then due within 3 days)."""
    return _read(service.discharge(ctx, stay_id, data))


@router.post(
    "/hospital-stays/{stay_id}/sip-invitation", response_model=HospitalStayRead, responses=_WRITE
)
def invite_to_sip(
    ctx: ContextDep, stay_id: uuid.UUID, data: SipInvitation | None = None
) -> HospitalStayRead:
    """Primary care or the municipality's home health care records the invitation to the SIP
    meeting (samordnad individuell plan)."""
    return _read(service.invite_sip(ctx, stay_id, data or SipInvitation()))


@router.get("/hospital-stays", response_model=Page[HospitalStayRead])
def list_hospital_stays(
    ctx: ContextDep,
    status: StayStatus = StayStatus.OPEN,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[HospitalStayRead]:
    """The stays that concern your organisation (patients it has a care relationship with):
    ``open`` (in hospital, or a SIP invitation still to send), ``overdue`` (an admission
    notice or a SIP invitation past its deadline) or ``all``; newest admission first."""
    views, total = service.search(ctx, status=status, limit=limit, offset=offset)
    return Page(items=[_read(v) for v in views], total=total, limit=limit, offset=offset)


@router.get(
    "/hospital-stays/{stay_id}",
    response_model=HospitalStayRead,
    responses={404: {"description": "no such stay, or no care relationship with its patient"}},
)
def get_hospital_stay(ctx: ContextDep, stay_id: uuid.UUID) -> HospitalStayRead:
    return _read(service.get(ctx, stay_id))


@router.get(
    "/morning-list",
    response_model=MorningListRead,
    responses={403: {"description": "the morning list is for physicians"}},
)
def morning_list(ctx: ContextDep) -> MorningListRead:
    """Your patients (you are their fixed physician) admitted to or discharged from hospital,
    gone home with hospital care or back from it, or starting or ending home health care in
    the last 24 hours; each patient shown is an access-log read."""
    found = service.morning_list(ctx)
    return MorningListRead(
        since=found.since,
        until=found.until,
        not_shown=found.not_shown,
        patients=[
            MorningPatientRead(
                patient_id=entry.patient.id,
                personnummer=entry.patient.personnummer,
                given_name=entry.patient.given_name,
                family_name=entry.patient.family_name,
                events=[MorningEventRead(**event.__dict__) for event in entry.events],
            )
            for entry in found.patients
        ],
    )
