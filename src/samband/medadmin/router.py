"""HTTP for medication administration (issue 14): the JSON API (/api/v1) and the FHIR R4
shapes (/fhir/R4: MedicationRequest, MedicationAdministration). Parse, call the service,
shape the answer. ``router`` holds both (app.py includes it once)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from fastapi.responses import JSONResponse

from samband.deps import ContextDep
from samband.kit.time import as_utc, utcnow
from samband.medadmin import doses, fhir, service
from samband.medadmin.schemas import (
    AdministrationRead,
    AsNeededCreate,
    AsNeededMedication,
    DelegationCreate,
    DelegationRead,
    DelegationRevoke,
    DoseRead,
    DoseSign,
    EnteredInError,
    FollowUp,
    MedicationAcknowledge,
    MedicationAcknowledgementRead,
    MedicationListVersion,
    PaperSign,
    SigningList,
)
from samband.models import Medication
from samband.models.medadmin import DoseAdministration, MedicationDelegation
from samband.observations.fhir import MEDIA_TYPE

api = APIRouter(prefix="/api/v1", tags=["medication administration"])
fhir_router = APIRouter(prefix="/fhir/R4", tags=["fhir"])

REFUSALS: dict[int | str, dict[str, Any]] = {
    403: {"description": "your role may not do this, or an assistant nurse has no delegation"},
    404: {"description": "no such dose or episode, or no care relationship with the patient"},
    409: {"description": "signed already (the first signer named), cancelled, or not staff's"},
    422: {"description": "a reason or amount missing, or a time given that cannot be right"},
}


def administration_read(
    a: DoseAdministration, names: dict[uuid.UUID, str] | None = None
) -> AdministrationRead:
    names = names or {}
    read = AdministrationRead.model_validate(a)
    read.signed_by_name = names.get(a.signed_by_id)
    read.entered_by_name = names.get(a.entered_by_id)
    read.followup_overdue = service.followup_overdue(a, utcnow())
    return read


def dose_read(view: service.DoseView, names: dict[uuid.UUID, str]) -> DoseRead:
    d = view.dose
    return DoseRead(
        id=d.id,
        episode_id=d.episode_id,
        patient_id=d.patient_id,
        medication_id=d.medication_id,
        local_date=d.local_date,
        due_at=d.due_at,
        window_start=d.window_start,
        window_end=d.window_end,
        drug=d.drug,
        dose=d.dose,
        route=d.route,
        given_by=d.given_by,
        by_staff=d.by_staff,
        status=d.status,
        state=view.state,
        alert_id=d.alert_id,
        administration=administration_read(view.administration, names)
        if view.administration
        else None,
        entered_in_error=[administration_read(e, names) for e in view.errors],
    )


def _signed(ctx: ContextDep, a: DoseAdministration) -> AdministrationRead:
    return administration_read(a, service.names_of(ctx.session, [a]))


@api.get("/episodes/{episode_id}/doses", response_model=SigningList, responses=REFUSALS)
def signing_list(ctx: ContextDep, episode_id: uuid.UUID, date: date | None = None) -> SigningList:
    """The episode's signing list of a day (default today, Europe/Stockholm): each dose
    with its window and state (due, overdue, given, not_given, partly_given, by_patient),
    the as-needed doses given that day and the as-needed medications that may be given."""
    found = service.day_list(ctx, episode_id, date)
    return SigningList(
        episode_id=found.episode.id,
        patient_id=found.episode.patient_id,
        date=found.day,
        doses=[dose_read(v, found.names) for v in found.doses],
        as_needed=[administration_read(a, found.names) for a in found.as_needed],
        as_needed_medications=[
            AsNeededMedication(
                id=m.id,
                drug=m.drug,
                dose=m.dose,
                route=m.route,
                followup_minutes=doses.followup_minutes(m.route),
            )
            for m in found.as_needed_medications
        ],
    )


@api.get("/doses/{dose_id}", response_model=DoseRead, responses=REFUSALS)
def get_dose(ctx: ContextDep, dose_id: uuid.UUID) -> DoseRead:
    """A dose with its signature and any signatures entered in error."""
    view = service.get_dose(ctx, dose_id)
    every = ([view.administration] if view.administration else []) + view.errors
    return dose_read(view, service.names_of(ctx.session, every))


@api.post(
    "/doses/{dose_id}/sign",
    response_model=AdministrationRead,
    status_code=status.HTTP_201_CREATED,
    responses=REFUSALS,
)
def sign_dose(ctx: ContextDep, dose_id: uuid.UUID, data: DoseSign) -> AdministrationRead:
    """Sign a dose at the visit: ``given``; ``not_given`` with a ``reason``; or
    ``partly_given`` with the ``amount`` given and a ``reason``. ``given_at`` defaults to
    now; it may not be in the future nor more than an hour before the window opens. An
    assistant nurse needs a valid delegation (403 otherwise). Signed already: 409 naming
    the first signer."""
    return _signed(ctx, service.sign(ctx, dose_id, data))


@api.post(
    "/doses/{dose_id}/paper-signature",
    response_model=AdministrationRead,
    status_code=status.HTTP_201_CREATED,
    responses=REFUSALS,
)
def paper_signature(ctx: ContextDep, dose_id: uuid.UUID, data: PaperSign) -> AdministrationRead:
    """Enter a signature made on the printed signing list (downtime): who signed on paper
    (``signed_by_id``, staff of your organisation) and ``given_at``; you are recorded as the
    one who entered it (source ``paper``)."""
    return _signed(ctx, service.paper_sign(ctx, dose_id, data))


@api.get(
    "/dose-administrations/{administration_id}",
    response_model=AdministrationRead,
    responses=REFUSALS,
)
def get_administration(ctx: ContextDep, administration_id: uuid.UUID) -> AdministrationRead:
    return _signed(ctx, service.get_administration(ctx, administration_id))


@api.post(
    "/dose-administrations/{administration_id}/entered-in-error",
    response_model=AdministrationRead,
    responses=REFUSALS,
)
def mark_entered_in_error(
    ctx: ContextDep, administration_id: uuid.UUID, data: EnteredInError
) -> AdministrationRead:
    """The one correction of a signature: it is marked entered in error with the reason and
    kept; the dose may then be signed again."""
    return _signed(ctx, service.entered_in_error(ctx, administration_id, data))


@api.post(
    "/episodes/{episode_id}/as-needed-doses",
    response_model=AdministrationRead,
    status_code=status.HTTP_201_CREATED,
    responses=REFUSALS,
)
def give_as_needed(
    ctx: ContextDep, episode_id: uuid.UUID, data: AsNeededCreate
) -> AdministrationRead:
    """An as-needed (vid behov) dose given: the medication (its schedule ``as needed``),
    the indication, the amount and the time; its effect is due for follow-up after
    ``followup_minutes`` (default 30 for iv/sc/im, else 60)."""
    return _signed(ctx, service.give_as_needed(ctx, episode_id, data))


@api.post(
    "/dose-administrations/{administration_id}/follow-up",
    response_model=AdministrationRead,
    responses=REFUSALS,
)
def follow_up(ctx: ContextDep, administration_id: uuid.UUID, data: FollowUp) -> AdministrationRead:
    """The effect of an as-needed dose: good, partial or none (and a note)."""
    return _signed(ctx, service.follow_up(ctx, administration_id, data))


def delegation_read(found: MedicationDelegation) -> DelegationRead:
    read = DelegationRead.model_validate(found)
    read.valid_today = service.delegation_valid(found, service.local_day(utcnow()))
    return read


@api.get("/medication-delegations", response_model=list[DelegationRead])
def list_delegations(ctx: ContextDep) -> list[DelegationRead]:
    """Your organisation's delegations to give medications (an assistant nurse: her own)."""
    return [delegation_read(d) for d in service.delegations(ctx)]


@api.post(
    "/medication-delegations",
    response_model=DelegationRead,
    status_code=status.HTTP_201_CREATED,
    responses=REFUSALS,
)
def create_delegation(ctx: ContextDep, data: DelegationCreate) -> DelegationRead:
    """A registered nurse delegates giving medications to an assistant nurse of her
    organisation: by route and/or by medication, from ``valid_from`` (default today) until
    ``valid_until`` (at most a year)."""
    return delegation_read(service.delegate(ctx, data))


@api.post(
    "/medication-delegations/{delegation_id}/revoke",
    response_model=DelegationRead,
    responses=REFUSALS,
)
def revoke_delegation(
    ctx: ContextDep, delegation_id: uuid.UUID, data: DelegationRevoke
) -> DelegationRead:
    return delegation_read(service.revoke(ctx, delegation_id, data))


@api.get(
    "/episodes/{episode_id}/medication-list-version",
    response_model=MedicationListVersion,
    responses=REFUSALS,
)
def medication_list_version(ctx: ContextDep, episode_id: uuid.UUID) -> MedicationListVersion:
    """The version of the episode's medication list: how many changes it has had."""
    return MedicationListVersion(
        episode_id=episode_id, version=service.episode_list_version(ctx, episode_id)
    )


def acknowledgement_read(found: service.ListAcknowledgement) -> MedicationAcknowledgementRead:
    r = found.request
    return MedicationAcknowledgementRead(
        care_request_id=r.id,
        episode_id=r.episode_id,
        sent_version=r.medication_list_version,
        acknowledged_version=r.medication_acknowledged_version,
        current_version=found.current,
        newer_not_acknowledged=found.newer_not_acknowledged,
        acknowledgements=list(r.medication_acknowledgements or []),
    )


@api.get(
    "/care-requests/{request_id}/medication-list",
    response_model=MedicationAcknowledgementRead,
    responses=REFUSALS,
)
def care_request_medication_list(
    ctx: ContextDep, request_id: uuid.UUID
) -> MedicationAcknowledgementRead:
    """The medication list version sent with the care request, the one the receiver
    acknowledged and the current one (``newer_not_acknowledged``)."""
    return acknowledgement_read(service.care_request_list(ctx, request_id))


@api.post(
    "/care-requests/{request_id}/medication-acknowledgement",
    response_model=MedicationAcknowledgementRead,
    responses=REFUSALS,
)
def acknowledge_medication_list(
    ctx: ContextDep, request_id: uuid.UUID, data: MedicationAcknowledge
) -> MedicationAcknowledgementRead:
    """The receiving organisation acknowledges the medication list ``version`` it read
    (the current one; an older one answers 409 with ``current_version``)."""
    return acknowledgement_read(service.acknowledge_list(ctx, request_id, data))


# -- FHIR R4 -----------------------------------------------------------------------------------

FHIR_ANSWERS: dict[int | str, dict[str, Any]] = {
    403: {"description": "your role may not do this (OperationOutcome)"},
    404: {"description": "no such resource, or no care relationship (OperationOutcome)"},
    422: {"description": "a search needs patient or context (OperationOutcome)"},
}


def _fhir(content: dict[str, Any]) -> JSONResponse:
    return JSONResponse(content, media_type=MEDIA_TYPE)


def order_values(m: Medication, patient_id: uuid.UUID) -> dict[str, Any]:
    return {
        "id": m.id,
        "episode_id": m.episode_id,
        "patient_id": patient_id,
        "drug": m.drug,
        "dose": m.dose,
        "route": m.route,
        "schedule": m.schedule,
        "status": m.status,
        "start_date": m.start_date,
        "days": m.days,
        "created_at": as_utc(m.created_at),
        "created_by_id": m.created_by_id,
        "note": m.note,
        "stop_reason": m.stop_reason,
        "as_needed": doses.is_as_needed(m.schedule),
    }


def administration_values(a: DoseAdministration) -> dict[str, Any]:
    return {
        name: getattr(a, name)
        for name in (
            "id",
            "patient_id",
            "episode_id",
            "medication_id",
            "outcome",
            "status",
            "given_at",
            "drug",
            "dose",
            "route",
            "amount",
            "reason",
            "note",
            "indication",
            "source",
            "signed_by_id",
            "entered_by_id",
            "kind",
            "followup_effect",
            "followup_note",
            "error_reason",
        )
    }


@fhir_router.get("/MedicationRequest/{medication_id}", response_model=None, responses=FHIR_ANSWERS)
def fhir_medication_request(ctx: ContextDep, medication_id: uuid.UUID) -> JSONResponse:
    """A medication order as a MedicationRequest."""
    m, patient_id = service.medication_order(ctx, medication_id)
    return _fhir(fhir.medication_request(order_values(m, patient_id)))


@fhir_router.get("/MedicationRequest", response_model=None, responses=FHIR_ANSWERS)
def fhir_medication_requests(
    ctx: ContextDep, patient: Annotated[uuid.UUID, Query(description="Patient id")]
) -> JSONResponse:
    """A patient's medication orders (of the episodes you may see) as a searchset."""
    found = service.medication_orders(ctx, patient)
    return _fhir(fhir.searchset([fhir.medication_request(order_values(m, patient)) for m in found]))


@fhir_router.get(
    "/MedicationAdministration/{administration_id}", response_model=None, responses=FHIR_ANSWERS
)
def fhir_medication_administration(ctx: ContextDep, administration_id: uuid.UUID) -> JSONResponse:
    """A signature as a MedicationAdministration."""
    found = service.get_administration(ctx, administration_id)
    return _fhir(fhir.medication_administration(administration_values(found)))


@fhir_router.get("/MedicationAdministration", response_model=None, responses=FHIR_ANSWERS)
def fhir_medication_administrations(
    ctx: ContextDep,
    patient: Annotated[uuid.UUID | None, Query(description="Patient id")] = None,
    context: Annotated[uuid.UUID | None, Query(description="EpisodeOfCare id")] = None,
) -> JSONResponse:
    """Signatures of a patient and/or an episode (``context``), newest first."""
    found = service.search_administrations(ctx, patient_id=patient, episode_id=context)
    return _fhir(
        fhir.searchset([fhir.medication_administration(administration_values(a)) for a in found])
    )


router = APIRouter()
router.include_router(api)
router.include_router(fhir_router)
