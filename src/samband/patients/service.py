"""The rules for patients: registration, reading, updating, emergency access."""

from __future__ import annotations

import uuid
from datetime import timedelta

from samband.config import get_settings
from samband.kit import personnummer
from samband.kit.errors import InvalidInput, NotFound
from samband.kit.time import utcnow
from samband.models import EmergencyAccess, Patient, PatientRegistration
from samband.patients import repository
from samband.patients.schemas import EmergencyAccessCreate, PatientCreate, PatientUpdate
from samband.security.context import Context
from samband.security.roles import Permission
from samband.security.service import log_listed, require_patient_access, visibility


def register(ctx: Context, data: PatientCreate) -> tuple[Patient, bool]:
    """Register a patient, or, if the personnummer is known, start a provisional care
    relationship with the existing record. Returns (patient, created)."""
    ctx.actor.require(Permission.PATIENT_WRITE)
    _check_primary_care(ctx, data.listed_primary_care_id)
    existing = repository.get_by_personnummer(ctx.session, data.personnummer)
    if existing is not None:
        repository.add_registration(
            ctx.session,
            PatientRegistration(
                patient_id=existing.id,
                organisation_id=ctx.actor.organisation_id,
                user_id=ctx.actor.user_id,
            ),
        )
        ctx.log.record(
            patient_id=existing.id,
            action="register",
            resource_type="patient",
            resource_id=existing.id,
            allowed=True,
            reason="already registered: provisional care relationship started",
        )
        return existing, False

    parsed = personnummer.parse(data.personnummer)
    fields = data.model_dump(exclude_unset=True, exclude={"personnummer", "next_of_kin"})
    patient = Patient(
        personnummer=parsed.digits,
        identifier_kind=parsed.kind,
        next_of_kin=[n.model_dump() for n in data.next_of_kin or []],
        created_by_id=ctx.actor.user_id,
        **fields,
    )
    repository.add(ctx.session, patient)
    repository.add_registration(
        ctx.session,
        PatientRegistration(
            patient_id=patient.id,
            organisation_id=ctx.actor.organisation_id,
            user_id=ctx.actor.user_id,
        ),
    )
    ctx.log.record(
        patient_id=patient.id,
        action="create",
        resource_type="patient",
        resource_id=patient.id,
        allowed=True,
    )
    return patient, True


def get(ctx: Context, patient_id: uuid.UUID) -> Patient:
    require_patient_access(
        ctx, patient_id, permission=Permission.PATIENT_READ, action="read", resource_type="patient"
    )
    patient = repository.get(ctx.session, patient_id)
    if patient is None:  # pragma: no cover - require_patient_access checked it exists
        raise NotFound(f"patient {patient_id} was not found")
    return patient


def search(ctx: Context, *, text: str | None, limit: int, offset: int) -> tuple[list[Patient], int]:
    ctx.actor.require(Permission.PATIENT_READ)
    patients, total = repository.search(
        ctx.session, visibility(ctx), text=text, limit=limit, offset=offset
    )
    log_listed(ctx, [p.id for p in patients], resource_type="patient")
    return patients, total


def update(ctx: Context, patient_id: uuid.UUID, data: PatientUpdate) -> Patient:
    require_patient_access(
        ctx,
        patient_id,
        permission=Permission.PATIENT_WRITE,
        action="update",
        resource_type="patient",
    )
    patient = get_unlogged(ctx, patient_id)
    changes = data.model_dump(exclude_unset=True)
    for name in ("given_name", "family_name", "language", "interpreter_needed"):
        if name in changes and changes[name] is None:
            raise InvalidInput(f"{name} cannot be emptied", field=name)
    if "listed_primary_care_id" in changes:
        _check_primary_care(ctx, data.listed_primary_care_id)
    if "next_of_kin" in changes:
        changes["next_of_kin"] = [n.model_dump() for n in data.next_of_kin or []]
    for name, value in changes.items():
        setattr(patient, name, value)
    patient.updated_at = utcnow()
    patient.updated_by_id = ctx.actor.user_id
    return patient


def get_unlogged(ctx: Context, patient_id: uuid.UUID) -> Patient:
    """For services that have already checked and logged access."""
    patient = repository.get(ctx.session, patient_id)
    if patient is None:
        raise NotFound(f"patient {patient_id} was not found")
    return patient


def grant_emergency_access(
    ctx: Context, patient_id: uuid.UUID, data: EmergencyAccessCreate
) -> EmergencyAccess:
    if not ctx.actor.can(Permission.EMERGENCY_ACCESS):
        ctx.log.record(
            patient_id=patient_id,
            action="emergency_access",
            resource_type="patient",
            resource_id=patient_id,
            allowed=False,
            reason=f"role {ctx.actor.role} lacks {Permission.EMERGENCY_ACCESS.value}",
        )
        ctx.actor.require(Permission.EMERGENCY_ACCESS)
    if repository.get(ctx.session, patient_id) is None:
        ctx.log.record(
            patient_id=patient_id,
            action="emergency_access",
            resource_type="patient",
            resource_id=patient_id,
            allowed=False,
            reason="no such patient",
        )
        raise NotFound(f"patient {patient_id} was not found")
    now = utcnow()
    access = EmergencyAccess(
        user_id=ctx.actor.user_id,
        patient_id=patient_id,
        reason=data.reason,
        created_at=now,
        expires_at=now + timedelta(hours=get_settings().emergency_access_hours),
    )
    repository.add_emergency_access(ctx.session, access)
    ctx.log.record(
        patient_id=patient_id,
        action="emergency_access",
        resource_type="patient",
        resource_id=patient_id,
        allowed=True,
        emergency=True,
        reason=data.reason,
    )
    return access


def _check_primary_care(ctx: Context, organisation_id: uuid.UUID | None) -> None:
    if organisation_id is None:
        return
    kind = repository.organisation_kind(ctx.session, organisation_id)
    if kind is None:
        raise InvalidInput(
            f"organisation {organisation_id} does not exist", field="listed_primary_care_id"
        )
    if kind != "primary_care_centre":
        raise InvalidInput(
            f"organisation {organisation_id} is a {kind}, not a primary care centre",
            field="listed_primary_care_id",
        )
