"""The rules for patients: registration, reading, updating, emergency access."""

from __future__ import annotations

import uuid
from datetime import timedelta

from samband.config import get_settings
from samband.enrolments.service import Staff, staff_of
from samband.kit import personnummer
from samband.kit.errors import Conflict, Forbidden, InvalidInput, NotFound, not_visible, problem
from samband.kit.i18n import Msg, msg
from samband.kit.time import utcnow
from samband.models import EmergencyAccess, Patient, RecordBlock
from samband.patients import repository
from samband.patients.schemas import (
    BlockCreate,
    BlockLift,
    EmergencyAccessCreate,
    PatientCreate,
    PatientUpdate,
)
from samband.security.context import Context
from samband.security.roles import Permission
from samband.security.service import log_listed, require_patient_access, visibility

# The fields that keep a value once given, as the pages name them.
FIELD_NAMES: dict[str, Msg] = {
    "given_name": msg("patient.given_name"),
    "family_name": msg("patient.family_name"),
    "language": msg("patient.language"),
    "interpreter_needed": msg("patient.interpreter"),
}


def register(ctx: Context, data: PatientCreate) -> tuple[Patient, bool]:
    """Register a patient. Returns (patient, created).

    Registering reveals nothing (docs/decisions/0010): the answer is built from what the
    caller sent, with the record's id, the same for a new and a known personnummer; a known
    record is not changed; and neither starts a care relationship, so that what follows
    (reading the record) cannot tell them apart either. The caller's organisation gets one by
    flagging the patient as a candidate (with a written reason, reviewed by the auditor) or
    by being made a participant of an episode.
    """
    ctx.actor.require(Permission.PATIENT_WRITE)
    _check_primary_care(ctx, data.listed_primary_care_id)
    parsed = personnummer.parse(data.personnummer)
    fields = data.model_dump(exclude_unset=True, exclude={"personnummer", "next_of_kin"})
    echo = Patient(
        personnummer=parsed.digits,
        identifier_kind=parsed.kind,
        next_of_kin=[n.model_dump() for n in data.next_of_kin or []],
        created_by_id=ctx.actor.user_id,
        created_at=utcnow(),
        **fields,
    )
    for name, column in Patient.__table__.columns.items():  # the columns' defaults, unsaved
        if getattr(echo, name) is None and column.default is not None and column.default.is_scalar:
            setattr(echo, name, column.default.arg)
    existing = repository.get_by_personnummer(ctx.session, parsed.digits)
    if existing is not None:
        echo.id = existing.id
        ctx.log.record(
            patient_id=existing.id,
            action="register",
            resource_type="patient",
            resource_id=existing.id,
            allowed=False,
            reason="personnummer already registered: nothing disclosed, no care relationship "
            "started",
        )
        return echo, False
    if echo.id is None:
        echo.id = uuid.uuid4()
    repository.add(ctx.session, echo)
    # No care relationship either: whether the next read answers 200 or 404 must not tell
    # a new personnummer from a known one. Flagging the candidate starts the relationship.
    ctx.log.record(
        patient_id=echo.id,
        action="create",
        resource_type="patient",
        resource_id=echo.id,
        allowed=True,
    )
    return echo, True


def get(ctx: Context, patient_id: uuid.UUID) -> Patient:
    require_patient_access(
        ctx,
        patient_id,
        permission=Permission.PATIENT_READ,
        action="read",
        resource_type="patient",
        record=False,  # identity, address and contacts: shared with home care too
    )
    patient = repository.get(ctx.session, patient_id)
    if patient is None:  # pragma: no cover - require_patient_access checked it exists
        raise NotFound(problem("patient.not_found", patient_id=str(patient_id)))
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
        record=False,
    )
    patient = get_unlogged(ctx, patient_id)
    changes = data.model_dump(exclude_unset=True)
    for name in ("given_name", "family_name", "language", "interpreter_needed"):
        if name in changes and changes[name] is None:
            raise InvalidInput(problem("patient.required", field=name, name=FIELD_NAMES[name]))
    if "listed_primary_care_id" in changes:
        _check_primary_care(ctx, data.listed_primary_care_id)
    if "next_of_kin" in changes:
        changes["next_of_kin"] = [n.model_dump() for n in data.next_of_kin or []]
    for name, value in changes.items():
        setattr(patient, name, value)
    patient.updated_at = utcnow()
    patient.updated_by_id = ctx.actor.user_id
    return patient


def contacts(ctx: Context, found: list[Patient]) -> dict[uuid.UUID, Staff]:
    """The fixed physicians and care contacts of patients the caller has read, by user id
    (name, role, organisation and phone: the patient's contacts)."""
    ids: set[uuid.UUID | None] = set()
    for patient in found:
        ids |= {patient.fixed_physician_id, patient.fixed_care_contact_id}
    return staff_of(ctx.session, ids)


def get_unlogged(ctx: Context, patient_id: uuid.UUID) -> Patient:
    """For services that have already checked and logged access."""
    patient = repository.get(ctx.session, patient_id)
    if patient is None:
        raise NotFound(problem("patient.not_found", patient_id=str(patient_id)))
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
        raise NotFound(problem("patient.not_found", patient_id=str(patient_id)))
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
            problem(
                "organisation.unknown",
                field="listed_primary_care_id",
                organisation_id=str(organisation_id),
            )
        )
    if kind != "primary_care_centre":
        raise InvalidInput(
            problem(
                "patient.not_primary_care",
                field="listed_primary_care_id",
                organisation_id=str(organisation_id),
                kind=msg(f"kind.{kind}"),
            )
        )


# -- blocks (spärr) ----------------------------------------------------------------------------


def blocks(ctx: Context, patient_id: uuid.UUID) -> list[RecordBlock]:
    """The blocks the patient set on your organisation's documentation."""
    require_patient_access(
        ctx,
        patient_id,
        permission=Permission.PATIENT_READ,
        action="read",
        resource_type="record_block",
        record=False,
    )
    return repository.blocks_of(ctx.session, patient_id, ctx.actor.organisation_id)


def block(ctx: Context, patient_id: uuid.UUID, data: BlockCreate) -> RecordBlock:
    """At the patient's request, block your organisation's documentation from every other
    organisation (docs/decisions/0010). Only emergency access overrides it."""
    require_patient_access(
        ctx,
        patient_id,
        permission=Permission.PATIENT_WRITE,
        action="create",
        resource_type="record_block",
        record=False,
    )
    for existing in repository.blocks_of(ctx.session, patient_id, ctx.actor.organisation_id):
        if existing.lifted_at is None:
            raise Conflict(problem("patient.already_blocked"), block_id=str(existing.id))
    created = RecordBlock(
        patient_id=patient_id,
        organisation_id=ctx.actor.organisation_id,
        reason=data.reason,
        created_by_id=ctx.actor.user_id,
    )
    repository.add_block(ctx.session, created)
    ctx.log.record(
        patient_id=patient_id,
        action="block",
        resource_type="record_block",
        resource_id=created.id,
        allowed=True,
        reason=data.reason,
    )
    return created


def lift_block(
    ctx: Context, patient_id: uuid.UUID, block_id: uuid.UUID, data: BlockLift
) -> RecordBlock:
    """Lift a block: only the patient, through the organisation whose documentation it blocks."""
    require_patient_access(
        ctx,
        patient_id,
        permission=Permission.PATIENT_WRITE,
        action="update",
        resource_type="record_block",
        resource_id=block_id,
        record=False,
    )
    found = repository.get_block(ctx.session, block_id)
    if found is None or found.patient_id != patient_id:
        raise not_visible(f"block {block_id}")
    if found.organisation_id != ctx.actor.organisation_id:
        ctx.log.record(
            patient_id=patient_id,
            action="update",
            resource_type="record_block",
            resource_id=block_id,
            allowed=False,
            reason="a block is lifted through the organisation it blocks",
        )
        raise Forbidden(problem("patient.block_lifted_elsewhere"))
    if found.lifted_at is not None:
        raise Conflict(problem("patient.block_already_lifted"))
    found.lifted_at = utcnow()
    found.lifted_by_id = ctx.actor.user_id
    found.lift_reason = data.reason
    ctx.log.record(
        patient_id=patient_id,
        action="unblock",
        resource_type="record_block",
        resource_id=block_id,
        allowed=True,
        reason=data.reason,
    )
    return found
