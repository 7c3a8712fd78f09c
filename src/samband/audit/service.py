"""The rules for reading the access log (HSLF-FS 2016:40 4 kap. 9 §): the auditor's search,
the patient's extract (loggutdrag), the random sample for the systematic review, and the
review of emergency accesses. Nothing here changes or deletes an audit event."""

from __future__ import annotations

import random
import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from samband.audit import repository
from samband.audit.repository import EventFilter
from samband.audit.schemas import (
    AuditExtractRead,
    EmergencyAccessAuditRead,
    EmergencyAccessReviewCreate,
    ExtractEntry,
    ExtractOrganisation,
)
from samband.kit import personnummer as pnr
from samband.kit.errors import Conflict, InvalidInput, NotFound
from samband.kit.time import STOCKHOLM, as_utc, utcnow
from samband.models import AuditEvent, EmergencyAccess, Patient, User
from samband.security.context import Context
from samband.security.roles import Permission

MAX_SAMPLE = 1000


def search(
    ctx: Context,
    *,
    username: str | None = None,
    user_id: uuid.UUID | None = None,
    patient_id: uuid.UUID | None = None,
    personnummer: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    allowed: bool | None = None,
    emergency: bool | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[AuditEvent], int]:
    """The auditor's search, newest first. A personnummer no patient has finds nothing."""
    ctx.actor.require(Permission.AUDIT_READ)
    since, until = _period(since, until)
    if personnummer is not None:
        patient = _patient_by_personnummer(ctx, personnummer)
        if patient is None:
            return [], 0
        if patient_id is not None and patient_id != patient.id:
            return [], 0
        patient_id = patient.id
    if patient_id is not None:
        _log_audit_read(ctx, patient_id, action="audit_search")
    events, total = repository.search(
        ctx.session,
        EventFilter(
            username=username,
            user_id=user_id,
            patient_id=patient_id,
            since=since,
            until=until,
            allowed=allowed,
            emergency=emergency,
        ),
        limit=limit,
        offset=offset,
    )
    return events, total


def get_event(ctx: Context, event_id: uuid.UUID) -> AuditEvent:
    ctx.actor.require(Permission.AUDIT_READ)
    event = repository.get(ctx.session, event_id)
    if event is None:
        raise NotFound(f"audit event {event_id} was not found")
    return event


def extract(
    ctx: Context, *, patient_id: uuid.UUID | None = None, personnummer: str | None = None
) -> AuditExtractRead:
    """The patient's access-log extract: which organisation and unit accessed their data,
    what kind of action, and when (oldest first), with emergency accesses flagged."""
    ctx.actor.require(Permission.AUDIT_READ)
    if (patient_id is None) == (personnummer is None):
        raise InvalidInput(
            "give either patient_id or personnummer (one of them)", field="patient_id"
        )
    if personnummer is not None:
        patient = _patient_by_personnummer(ctx, personnummer)
        if patient is None:
            raise NotFound(f"no patient with personnummer {personnummer} is registered")
    else:
        assert patient_id is not None  # noqa: S101 - checked above
        patient = repository.get_patient(ctx.session, patient_id)
        if patient is None:
            raise NotFound(f"patient {patient_id} was not found")
    _log_audit_read(ctx, patient.id, action="audit_extract")

    entries: list[ExtractEntry] = []
    by_org: dict[str | None, ExtractOrganisation] = {}
    for event, org_name, unit_name in repository.extract(ctx.session, patient.id):
        entries.append(
            ExtractEntry(
                at=event.at,
                organisation_code=event.organisation_code,
                organisation_name=org_name,
                unit_code=event.unit_code,
                unit_name=unit_name,
                action=event.action,
                resource_type=event.resource_type,
                emergency=event.emergency,
            )
        )
        summary = by_org.get(event.organisation_code)
        if summary is None:
            by_org[event.organisation_code] = ExtractOrganisation(
                code=event.organisation_code,
                name=org_name,
                accesses=1,
                first_at=event.at,
                last_at=event.at,
            )
        else:
            summary.accesses += 1
            summary.last_at = event.at
    return AuditExtractRead(
        patient_id=patient.id,
        personnummer=patient.personnummer,
        generated_at=utcnow(),
        organisations=list(by_org.values()),
        entries=entries,
    )


def sample(
    session: Session,
    n: int,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    seed: int | None = None,
) -> list[AuditEvent]:
    """A random sample of ``n`` allowed accesses to patient data (emergency ones included) in
    [since, until), oldest first, for the systematic review. The same seed over the same log
    draws the same sample. Fewer than ``n`` if the period holds fewer accesses.

    Takes a plain session: the caller (the API, or ``samband audit sample``) checks who asks.
    """
    if not 1 <= n <= MAX_SAMPLE:
        raise InvalidInput(f"n must be between 1 and {MAX_SAMPLE}, not {n}", field="n")
    since, until = _period(since, until)
    population = repository.sample_population(session, since=since, until=until)
    chosen = random.Random(seed).sample(population, min(n, len(population)))  # noqa: S311
    return repository.events_by_ids(session, chosen)


def sample_for(
    ctx: Context,
    n: int,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    seed: int | None = None,
) -> list[AuditEvent]:
    ctx.actor.require(Permission.AUDIT_READ)
    return sample(ctx.session, n, since=since, until=until, seed=seed)


def emergency_accesses(
    ctx: Context, *, unreviewed: bool | None, limit: int, offset: int
) -> tuple[list[EmergencyAccessAuditRead], int]:
    ctx.actor.require(Permission.AUDIT_READ)
    rows, total = repository.emergency_accesses(
        ctx.session, unreviewed=unreviewed, limit=limit, offset=offset
    )
    return [_emergency_read(access, user, code) for access, user, code in rows], total


def review(
    ctx: Context, access_id: uuid.UUID, data: EmergencyAccessReviewCreate
) -> EmergencyAccessAuditRead:
    """Mark an emergency access reviewed, with the auditor's note."""
    ctx.actor.require(Permission.AUDIT_REVIEW)
    access = repository.emergency_access_for_update(ctx.session, access_id)
    if access is None:
        raise NotFound(f"emergency access {access_id} was not found")
    if access.reviewed_at is not None:
        raise Conflict(
            f"emergency access {access_id} was already reviewed at "
            f"{access.reviewed_at.astimezone(STOCKHOLM):%Y-%m-%d %H:%M}"
        )
    access.reviewed_at = utcnow()
    access.reviewed_by_id = ctx.actor.user_id
    access.review_note = data.note
    ctx.log.record(
        patient_id=access.patient_id,
        action="review",
        resource_type="emergency_access",
        resource_id=access.id,
        allowed=True,
    )
    found = repository.user_with_organisation(ctx.session, access.user_id)
    if found is None:  # pragma: no cover - a foreign key keeps the user
        raise NotFound(f"user {access.user_id} was not found")
    return _emergency_read(access, *found)


def _emergency_read(access: EmergencyAccess, user: User, code: str) -> EmergencyAccessAuditRead:
    return EmergencyAccessAuditRead(
        id=access.id,
        user_id=access.user_id,
        username=user.username,
        role=user.role,
        organisation_code=code,
        patient_id=access.patient_id,
        reason=access.reason,
        created_at=access.created_at,
        expires_at=access.expires_at,
        reviewed=access.reviewed_at is not None,
        reviewed_by_id=access.reviewed_by_id,
        reviewed_at=access.reviewed_at,
        review_note=access.review_note,
    )


def _patient_by_personnummer(ctx: Context, text: str) -> Patient | None:
    try:
        digits = pnr.parse(text).digits
    except pnr.InvalidIdentityNumber as exc:
        raise InvalidInput(str(exc), field="personnummer") from None
    return repository.get_patient_by_personnummer(ctx.session, digits)


def _log_audit_read(ctx: Context, patient_id: uuid.UUID, *, action: str) -> None:
    """The auditor's look at a patient's log is itself logged (not a read of the record)."""
    ctx.log.record(
        patient_id=patient_id,
        action=action,
        resource_type=repository.AUDIT_LOG,
        resource_id=patient_id,
        allowed=True,
    )


def _period(
    since: datetime | None, until: datetime | None
) -> tuple[datetime | None, datetime | None]:
    """Times without a zone are Stockholm local time; both end up in UTC."""
    since, until = _aware(since, "from"), _aware(until, "to")
    if since is not None and until is not None and since > until:
        raise InvalidInput("'from' must not be later than 'to'", field="from")
    return since, until


def _aware(value: datetime | None, field: str) -> datetime | None:
    if value is None:
        return None
    try:
        return as_utc(value if value.tzinfo else value.replace(tzinfo=STOCKHOLM))
    except (OverflowError, ValueError):
        raise InvalidInput(f"{field}: {value} is out of range", field=field) from None
