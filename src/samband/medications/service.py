"""The rules for the episode's medication list (läkemedelslista).

Medications are added, changed and stopped, never deleted: a stopped medication stays on the
list with its reason. Every change keeps who made it and adds a line to the episode's
timeline.
"""

from __future__ import annotations

import uuid
from datetime import date
from enum import Enum
from typing import Any

from sqlalchemy.orm import Session

from samband.episodes.access import child_of_episode, episode_for, record_event, require_open
from samband.kit.errors import Conflict, InvalidInput, problem
from samband.kit.i18n import msg
from samband.kit.time import utcnow
from samband.medadmin import service as medadmin
from samband.medications import repository
from samband.medications.schemas import MedicationCreate, MedicationStop, MedicationUpdate
from samband.models import Episode, Medication
from samband.security.context import Context
from samband.security.roles import Permission

RESOURCE = "medication"
# Fields that must keep a value once set (PATCH may not send null for them).
REQUIRED = ("drug", "dose", "route", "schedule", "given_by", "supplied_by")
# What the snapshot attached to a care request holds.
SNAPSHOT_FIELDS = (
    "drug",
    "dose",
    "route",
    "schedule",
    "given_by",
    "given_by_organisation_id",
    "supplied_by",
    "days",
    "start_date",
    "note",
)


def add(ctx: Context, data: MedicationCreate) -> Medication:
    episode = episode_for(
        ctx,
        data.episode_id,
        permission=Permission.MEDICATION_WRITE,
        action="create",
        resource_type=RESOURCE,
        lock=True,
    )
    require_open(episode, msg("doing.change_medications"))
    if data.given_by_organisation_id is not None:
        _check_organisation(ctx, episode, data.given_by_organisation_id)
    medication = Medication(
        **_columns(data.model_dump(mode="python")),
        status="active",
        created_by_id=ctx.actor.user_id,
        created_at=utcnow(),
    )
    repository.add(ctx.session, medication)
    record_event(
        ctx,
        episode,
        "medication.added",
        reason=f"{medication.drug} {medication.dose} {medication.route}, {medication.schedule}",
        data={"medication_id": str(medication.id), **_plain(medication)},
    )
    medadmin.medication_changed(ctx, medication, episode)  # its doses to sign (issue 14)
    return medication


def list_for_episode(
    ctx: Context, episode_id: uuid.UUID, *, include_stopped: bool
) -> list[Medication]:
    episode_for(
        ctx, episode_id, permission=Permission.PATIENT_READ, action="list", resource_type=RESOURCE
    )
    return repository.for_episode(ctx.session, episode_id, include_stopped=include_stopped)


def get(ctx: Context, medication_id: uuid.UUID) -> Medication:
    medication, _episode = _load(
        ctx, medication_id, permission=Permission.PATIENT_READ, action="read"
    )
    return medication


def update(ctx: Context, medication_id: uuid.UUID, data: MedicationUpdate) -> Medication:
    medication, episode = _load(
        ctx, medication_id, permission=Permission.MEDICATION_WRITE, action="update", lock=True
    )
    require_open(episode, msg("doing.change_medications"))
    if medication.status != "active":
        raise Conflict(problem("medication.stopped", drug=medication.drug))
    changes = _columns(data.model_dump(exclude_unset=True, mode="python"))
    for name in REQUIRED:
        if name in changes and changes[name] is None:
            raise InvalidInput(problem("medication.required", field=name, name=msg(f"med.{name}")))
    organisation_id = changes.get("given_by_organisation_id")
    if organisation_id is not None and organisation_id != medication.given_by_organisation_id:
        _check_organisation(ctx, episode, organisation_id)
    before = _plain(medication)
    for name, value in changes.items():
        setattr(medication, name, value)
    after = _plain(medication)
    changed = {name: [before[name], after[name]] for name in after if before[name] != after[name]}
    if not changed:
        return medication
    medication.updated_at = utcnow()
    medication.updated_by_id = ctx.actor.user_id
    record_event(
        ctx,
        episode,
        "medication.changed",
        reason=f"{medication.drug}: changed {', '.join(sorted(changed))}",
        data={"medication_id": str(medication.id), "changes": changed},
    )
    # future doses replaced (issue 14)
    medadmin.medication_changed(ctx, medication, episode, changed=set(changed))
    return medication


def stop(ctx: Context, medication_id: uuid.UUID, data: MedicationStop) -> Medication:
    medication, episode = _load(
        ctx, medication_id, permission=Permission.MEDICATION_WRITE, action="stop", lock=True
    )
    require_open(episode, msg("doing.change_medications"))
    if medication.status == "stopped":
        raise Conflict(
            problem(
                "medication.already_stopped",
                drug=medication.drug,
                reason=medication.stop_reason or "–",
            )
        )
    medication.status = "stopped"
    medication.stop_reason = data.reason
    medication.updated_at = utcnow()
    medication.updated_by_id = ctx.actor.user_id
    record_event(
        ctx,
        episode,
        "medication.stopped",
        reason=f"{medication.drug} stopped: {data.reason}",
        data={"medication_id": str(medication.id), "drug": medication.drug},
    )
    medadmin.medication_changed(ctx, medication, episode)  # future doses cancelled (issue 14)
    return medication


def medication_snapshot(session: Session, episode_id: uuid.UUID) -> list[dict[str, Any]]:
    """The active medication list as plain JSON-able dicts, e.g. to attach to a care
    request when it is sent. The caller has already checked access to the episode."""
    return [
        {"id": str(m.id), **_plain(m)}
        for m in repository.for_episode(session, episode_id, include_stopped=False)
    ]


def _load(
    ctx: Context,
    medication_id: uuid.UUID,
    *,
    permission: Permission,
    action: str,
    lock: bool = False,
) -> tuple[Medication, Episode]:
    return child_of_episode(
        ctx,
        medication_id,
        what="medication",
        load=repository.get,
        load_for_update=repository.get_for_update,
        permission=permission,
        action=action,
        resource_type=RESOURCE,
        lock=lock,
    )


def _check_organisation(ctx: Context, episode: Episode, organisation_id: uuid.UUID) -> None:
    if not repository.takes_part(ctx.session, episode.id, organisation_id):
        raise InvalidInput(
            problem(
                "medication.organisation_absent",
                field="given_by_organisation_id",
                organisation_id=str(organisation_id),
            )
        )


def _columns(values: dict[str, Any]) -> dict[str, Any]:
    """Enum members as their plain values, for the string columns."""
    return {k: v.value if isinstance(v, Enum) else v for k, v in values.items()}


def _plain(medication: Medication) -> dict[str, Any]:
    """The medication's fields as JSON-able values."""
    plain: dict[str, Any] = {}
    for name in SNAPSHOT_FIELDS + ("status",):
        value = getattr(medication, name)
        if isinstance(value, uuid.UUID):
            value = str(value)
        elif isinstance(value, date):
            value = value.isoformat()
        plain[name] = value
    return plain
