"""The rules for reading the access log (HSLF-FS 2016:40 4 kap. 9 §): the auditor's search,
the patient's extract (loggutdrag), the random sample for the systematic review, the rows to
review (new care relationships, overridden blocks, emergency accesses) and their review
marks. Nothing here changes or deletes an audit event.

An auditor reads the log of their own care provider (vårdgivare) only: the events made by
users of its organisations (``repository.in_scope``). A patient the care provider's log has
nothing about is answered like an unknown one (404), and the attempt is logged with the
patient. The auditor's own looks at a patient's log are logged too (resource type
``audit_log``: not an access to the record, so neither in the extract nor in the sample).
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from samband.audit import repository
from samband.audit.repository import AUDIT_LOG, EventFilter
from samband.audit.schemas import (
    AuditEventRead,
    AuditExtractRead,
    AuditReviewCreate,
    AuditReviewRead,
    EmergencyAccessAuditRead,
    EmergencyAccessReviewCreate,
    ExtractEntry,
    ExtractOrganisation,
    FlaggedEventRead,
)
from samband.kit import personnummer as pnr
from samband.kit.errors import Conflict, InvalidInput, NotFound, Problem, problem
from samband.kit.time import STOCKHOLM, as_utc, utcnow
from samband.models import AuditEvent, AuditReview, EmergencyAccess, Patient, User
from samband.organisations import service as organisations
from samband.organisations.repository import CareProvider
from samband.security.context import Context, role_refusal
from samband.security.roles import Permission

MAX_SAMPLE = 1000
FLAGGED_KINDS = tuple(repository.FLAGGED)


def care_provider(ctx: Context) -> CareProvider:
    """The care provider whose log the caller reads: their organisation's."""
    return organisations.care_provider(ctx.session, ctx.actor.organisation_id)


def _require(
    ctx: Context,
    permission: Permission,
    *,
    action: str,
    patient_id: uuid.UUID | None = None,
    personnummer: str | None = None,
) -> None:
    """Refuse a role without the permission (403), logged with the patient when the request
    names one that is known (a valid personnummer of a registered patient, or an id)."""
    if ctx.actor.can(permission):
        return
    if patient_id is None and personnummer is not None:
        try:
            digits = pnr.parse(personnummer).digits
        except pnr.InvalidIdentityNumber:
            digits = None
        patient = repository.get_patient_by_personnummer(ctx.session, digits) if digits else None
        patient_id = patient.id if patient else None
    ctx.log.record(
        patient_id=patient_id,
        action=action,
        resource_type=AUDIT_LOG,
        resource_id=patient_id,
        allowed=False,
        reason=f"role {ctx.actor.role} lacks {permission.value}",
    )
    raise role_refusal(ctx.actor.role, permission)


def search(
    ctx: Context,
    *,
    username: str | None = None,
    user_id: uuid.UUID | None = None,
    patient_id: uuid.UUID | None = None,
    personnummer: str | None = None,
    unit_code: str | None = None,
    organisation_code: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    allowed: bool | None = None,
    emergency: bool | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[AuditEvent], int]:
    """The auditor's search of their care provider's log, newest first. A personnummer no
    patient has finds nothing."""
    _require(
        ctx,
        Permission.AUDIT_READ,
        action="audit_search",
        patient_id=patient_id,
        personnummer=personnummer,
    )
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
    return repository.search(
        ctx.session,
        EventFilter(
            username=username,
            user_id=user_id,
            patient_id=patient_id,
            unit_code=unit_code,
            organisation_code=organisation_code,
            since=since,
            until=until,
            allowed=allowed,
            emergency=emergency,
        ),
        scope=care_provider(ctx),
        limit=limit,
        offset=offset,
    )


def get_event(ctx: Context, event_id: uuid.UUID) -> AuditEvent:
    """One row of the care provider's log (another care provider's → 404, logged)."""
    _require(ctx, Permission.AUDIT_READ, action="audit_read")
    event = repository.get_in_scope(ctx.session, event_id, scope=care_provider(ctx))
    if event is None:
        other = repository.get(ctx.session, event_id)
        ctx.log.record(
            patient_id=other.patient_id if other else None,
            action="audit_read",
            resource_type=AUDIT_LOG,
            resource_id=event_id,
            allowed=False,
            reason="another care provider's log" if other else "no such audit event",
        )
        raise NotFound(problem("audit.event_not_found", event_id=event_id))
    if event.patient_id is not None:
        _log_audit_read(ctx, event.patient_id, action="audit_read")
    return event


def extract(
    ctx: Context, *, patient_id: uuid.UUID | None = None, personnummer: str | None = None
) -> AuditExtractRead:
    """The patient's access-log extract from the care provider's log: which organisation and
    unit accessed their data, what kind of action, and when (oldest first), with emergency
    accesses flagged. A patient the log has nothing about → 404, like an unknown one."""
    _require(
        ctx,
        Permission.AUDIT_READ,
        action="audit_extract",
        patient_id=patient_id,
        personnummer=personnummer,
    )
    if (patient_id is None) == (personnummer is None):
        raise InvalidInput(problem("audit.extract_needs_one", field="patient_id"))
    scope = care_provider(ctx)
    if personnummer is not None:
        patient = _patient_by_personnummer(ctx, personnummer)
        absent = problem(
            "audit.personnummer_not_in_log",
            personnummer=personnummer,
            care_provider=scope.authority_name,
        )
    else:
        assert patient_id is not None  # noqa: S101 - checked above
        patient = repository.get_patient(ctx.session, patient_id)
        absent = problem(
            "audit.patient_not_in_log", patient_id=patient_id, care_provider=scope.authority_name
        )
    if patient is None or not repository.has_events(ctx.session, patient.id, scope=scope):
        ctx.log.record(
            patient_id=patient.id if patient else patient_id,
            action="audit_extract",
            resource_type=AUDIT_LOG,
            resource_id=patient.id if patient else patient_id,
            allowed=False,
            reason="no such patient"
            if patient is None
            else f"no access by {scope.authority_name}'s organisations",
        )
        raise NotFound(absent)
    _log_audit_read(ctx, patient.id, action="audit_extract")

    entries: list[ExtractEntry] = []
    by_org: dict[str | None, ExtractOrganisation] = {}
    for event, org_name, unit_name in repository.extract(ctx.session, patient.id, scope=scope):
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
        care_provider=scope.authority_name,
        generated_at=utcnow(),
        organisations=list(by_org.values()),
        entries=entries,
    )


def sample_size(n: int | str) -> Problem:
    """The problem of a sample size outside 1..MAX_SAMPLE (``n`` as given)."""
    return problem("audit.sample_size", field="n", max=MAX_SAMPLE, n=n)


def sample(
    session: Session,
    n: int,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    seed: int | None = None,
    scope: CareProvider | None = None,
) -> list[AuditEvent]:
    """A random sample of ``n`` allowed accesses to patient data (emergency ones included) in
    [since, until), oldest first, for the systematic review. The same seed over the same log
    draws the same sample. Fewer than ``n`` if the period holds fewer accesses.

    Takes a plain session: the caller (the API, or ``samband audit sample``) checks who asks.
    ``scope``: one care provider's log (an auditor's); None is the whole log (the system).
    """
    if not 1 <= n <= MAX_SAMPLE:
        raise InvalidInput(sample_size(n))
    since, until = _period(since, until)
    population = repository.sample_population(session, since=since, until=until, scope=scope)
    chosen = random.Random(seed).sample(population, min(n, len(population)))  # noqa: S311
    return repository.events_by_ids(session, chosen)


def sample_for(
    ctx: Context,
    n: int,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    seed: int | None = None,
    reviewed: bool | None = None,
) -> tuple[list[AuditEvent], dict[uuid.UUID, AuditReview]]:
    """The auditor's sample of their care provider's log, with the review marks of the rows
    that have one. ``reviewed``: keep only the reviewed (True) or unreviewed (False) rows of
    the drawn sample (the draw itself stays the same)."""
    _require(ctx, Permission.AUDIT_READ, action="audit_sample")
    events = sample(ctx.session, n, since=since, until=until, seed=seed, scope=care_provider(ctx))
    reviews = repository.reviews_of(ctx.session, [e.id for e in events])
    if reviewed is not None:
        events = [e for e in events if (e.id in reviews) is reviewed]
    return events, reviews


def flagged(
    ctx: Context, kind: str, *, reviewed: bool | None, limit: int, offset: int
) -> tuple[list[FlaggedEventRead], int]:
    """The care provider's rows to review of one kind: ``relationship_start`` (a new care
    relationship: a candidate flagged) or ``block_override`` (emergency access past the
    patient's block), newest first, with their review marks."""
    _require(ctx, Permission.AUDIT_READ, action="audit_search")
    if kind not in repository.FLAGGED:
        raise InvalidInput(
            problem("audit.unknown_kind", field="kind", kind=kind, kinds=list(FLAGGED_KINDS))
        )
    rows, total = repository.flagged(
        ctx.session,
        kind,
        scope=care_provider(ctx),
        reviewed=reviewed,
        limit=limit,
        offset=offset,
    )
    return [
        FlaggedEventRead(
            event=AuditEventRead.model_validate(event),
            review=AuditReviewRead.model_validate(review) if review else None,
        )
        for event, review in rows
    ], total


def mark_reviewed(ctx: Context, data: AuditReviewCreate) -> AuditReview:
    """Mark a row of the care provider's log reviewed, with the auditor's note (409 if it
    already is; another care provider's row → 404, logged). The row itself never changes."""
    _require(ctx, Permission.AUDIT_REVIEW, action="audit_review")
    event = repository.get_in_scope(ctx.session, data.event_id, scope=care_provider(ctx))
    if event is None:
        other = repository.get(ctx.session, data.event_id)
        ctx.log.record(
            patient_id=other.patient_id if other else None,
            action="audit_review",
            resource_type=AUDIT_LOG,
            resource_id=data.event_id,
            allowed=False,
            reason="another care provider's log" if other else "no such audit event",
        )
        raise NotFound(problem("audit.event_not_found", event_id=data.event_id))
    existing = repository.review_of(ctx.session, event.id)
    if existing is not None:
        raise Conflict(
            problem("audit.event_already_reviewed", event_id=event.id, at=existing.reviewed_at)
        )
    kind = repository.kind_of(event)
    review = AuditReview(
        event_id=event.id,
        kind=kind,
        reviewed_by_id=ctx.actor.user_id,
        reviewed_at=utcnow(),
        note=data.note,
    )
    repository.add_review(ctx.session, review)
    ctx.log.record(
        patient_id=event.patient_id,
        action="audit_review",
        resource_type=AUDIT_LOG,
        resource_id=event.id,
        allowed=True,
        reason=f"marked reviewed ({kind})",
    )
    return review


def personnummer_of(ctx: Context, patient_ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The personnummer of the patients of the auditor's rows, to show them (the rows
    already name the patients by id; the identity number is what a person can read)."""
    _require(ctx, Permission.AUDIT_READ, action="audit_search")
    return repository.personnummer_of(ctx.session, patient_ids)


def usernames(ctx: Context, user_ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Who reviewed, by username (the review marks keep the user id)."""
    _require(ctx, Permission.AUDIT_READ, action="audit_search")
    return repository.usernames(ctx.session, user_ids)


def emergency_accesses(
    ctx: Context, *, unreviewed: bool | None, limit: int, offset: int
) -> tuple[list[EmergencyAccessAuditRead], int]:
    """The emergency accesses of the care provider's users, newest first."""
    _require(ctx, Permission.AUDIT_READ, action="audit_search")
    rows, total = repository.emergency_accesses(
        ctx.session, scope=care_provider(ctx), unreviewed=unreviewed, limit=limit, offset=offset
    )
    return [_emergency_read(access, user, code) for access, user, code in rows], total


def review(
    ctx: Context, access_id: uuid.UUID, data: EmergencyAccessReviewCreate
) -> EmergencyAccessAuditRead:
    """Mark an emergency access of the care provider's users reviewed, with the auditor's
    note (another care provider's → 404, logged with the patient)."""
    _require(ctx, Permission.AUDIT_REVIEW, action="review")
    access = repository.emergency_access_for_update(ctx.session, access_id)
    found = repository.user_with_organisation(ctx.session, access.user_id) if access else None
    if access is None or found is None or found[2] != care_provider(ctx):
        ctx.log.record(
            patient_id=access.patient_id if access else None,
            action="review",
            resource_type="emergency_access",
            resource_id=access_id,
            allowed=False,
            reason="another care provider's emergency access" if access else "no such access",
        )
        raise NotFound(problem("audit.emergency_not_found", access_id=access_id))
    if access.reviewed_at is not None:
        raise Conflict(
            problem("audit.emergency_already_reviewed", access_id=access_id, at=access.reviewed_at)
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
    user, code, _ = found
    return _emergency_read(access, user, code)


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
        raise InvalidInput(exc.problem, field="personnummer") from None
    return repository.get_patient_by_personnummer(ctx.session, digits)


def _log_audit_read(ctx: Context, patient_id: uuid.UUID, *, action: str) -> None:
    """The auditor's look at a patient's log is itself logged (not a read of the record)."""
    ctx.log.record(
        patient_id=patient_id,
        action=action,
        resource_type=AUDIT_LOG,
        resource_id=patient_id,
        allowed=True,
    )


def _period(
    since: datetime | None, until: datetime | None
) -> tuple[datetime | None, datetime | None]:
    """Times without a zone are Stockholm local time; both end up in UTC."""
    since, until = _aware(since, "from"), _aware(until, "to")
    if since is not None and until is not None and since > until:
        raise InvalidInput(problem("audit.period_reversed", field="from"))
    return since, until


def _aware(value: datetime | None, field: str) -> datetime | None:
    if value is None:
        return None
    try:
        return as_utc(value if value.tzinfo else value.replace(tzinfo=STOCKHOLM))
    except (OverflowError, ValueError):
        if field == "from":
            raise InvalidInput(
                problem("audit.from_out_of_range", field=field, value=str(value))
            ) from None
        raise InvalidInput(
            problem("audit.to_out_of_range", field=field, value=str(value))
        ) from None
