"""The rules for medication administration (issue 14; docs/medication-administration.md).

- **Doses from the medication list** (``materialise``): each active medication with times
  (``doses.planned``: the visit schedule's times and windows) gives a ``ScheduledDose`` for
  every time of today and tomorrow (Europe/Stockholm). Made when a physician adds or changes a
  medication (``medication_changed``, called by ``medications.service``), by the periodic
  tick (``check_doses``) and when an episode's signing list is read; only for episodes at
  home. A dose whose window ended before the order was written is not made.
- **A physician's change** cancels the medication's unsigned doses whose window has not
  ended (stopped: with the stop; changed: replaced by the new order's doses). Signed doses
  and doses already overdue are never touched.
- **Signing** (``sign``): ``medication:administer`` and a care relationship; an assistant
  nurse needs a valid delegation (``MedicationDelegation``) for the route or the medication
  (403 ``medadmin.no_delegation`` otherwise). Given / not given (a reason) / partly given
  (amount, reason); the time given not in the future and not before the window less an hour.
  A second signature of a dose answers 409 naming the first signer. A dose the patient or
  next of kin gives is shown, not signed by staff (409).
- **Entered in error** (``entered_in_error``): the only correction; the signature stays with
  the reason, and the dose may be signed again.
- **Paper** (``paper_sign``): the printed list's signatures entered afterwards: who signed on
  paper (staff of the caller's organisation), the time given, and the entering user.
- **As needed** (``give_as_needed``, ``follow_up``): indication, amount, time; the effect is
  due for follow-up after ``doses.followup_minutes`` (or the nurse's own minutes).
- **Alerts** (``check_doses``): a staff dose not signed by the end of its window raises
  (or adds to) the episode's ``unsigned_dose`` alert (medium) through ``alerts.service.Raiser``
  (its escalation and notifications); an as-needed dose's effect not followed up in time a
  ``dose_followup`` alert (low). Signing late writes a line in the alert's history; when no
  dose behind an unacknowledged alert is left unsigned its escalation stops (closing stays a
  person's decision, as for every alert).
- **The medication list's version** (``list_version``): the number of changes the list has
  had. A care request carries the version sent; the receiving organisation acknowledges the
  version it read (``acknowledge_list``); a newer one shows as not acknowledged.

Services take ``now`` where time matters; without it they read the clock.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from samband.episodes.access import child_of_episode, episode_for, not_found, require_open
from samband.episodes.states import State
from samband.kit.errors import Conflict, Forbidden, InvalidInput, problem
from samband.kit.i18n import msg
from samband.kit.time import STOCKHOLM, as_utc, utcnow
from samband.medadmin import doses, repository
from samband.medadmin.schemas import (
    AsNeededCreate,
    DelegationCreate,
    DelegationRevoke,
    DoseSign,
    DoseState,
    EnteredInError,
    FollowUp,
    MedicationAcknowledge,
    Outcome,
    PaperSign,
)
from samband.models import CareRequest, Episode, Medication
from samband.models.medadmin import DoseAdministration, MedicationDelegation, ScheduledDose
from samband.security.context import Context
from samband.security.roles import Permission, Role
from samband.security.service import log_listed, require_patient_access, visibility

DOSE = "dose"
ADMINISTRATION = "dose_administration"
DELEGATION = "medication_delegation"
LIST = "medication_list"
VALID = "valid"
ENTERED_IN_ERROR = "entered_in_error"
SIGNERS_ON_PAPER = {Role.REGISTERED_NURSE.value, Role.ASSISTANT_NURSE.value, Role.PHYSICIAN.value}
ALERT_LOOKBACK = timedelta(hours=24)


# -- views ---------------------------------------------------------------------------------------


@dataclass
class DoseView:
    dose: ScheduledDose
    state: DoseState
    administration: DoseAdministration | None
    errors: list[DoseAdministration] = field(default_factory=list)
    # it may be signed now: not signed, staff's, and its window opens within the hour
    signable: bool = False

    @property
    def opens_at(self) -> datetime:
        """From when it may be signed."""
        return as_utc(self.dose.window_start) - doses.EARLY_MARGIN


@dataclass
class DayList:
    episode: Episode
    day: date
    doses: list[DoseView]
    as_needed: list[DoseAdministration]
    as_needed_medications: list[Medication]
    names: dict[uuid.UUID, str]
    now: datetime

    @property
    def overdue(self) -> int:
        return sum(1 for v in self.doses if v.state == DoseState.OVERDUE)

    @property
    def followups_overdue(self) -> int:
        return sum(1 for a in self.as_needed if followup_overdue(a, self.now))


def local_day(at: datetime) -> date:
    return as_utc(at).astimezone(STOCKHOLM).date()


def followup_overdue(administration: DoseAdministration, now: datetime) -> bool:
    return (
        administration.kind == "as_needed"
        and administration.status == VALID
        and administration.followup_at is None
        and administration.followup_due_at is not None
        and as_utc(administration.followup_due_at) < now
    )


def _views(session: Session, found: Sequence[ScheduledDose], now: datetime) -> list[DoseView]:
    signatures = repository.administrations_of_doses(session, [d.id for d in found])
    valid: dict[uuid.UUID, DoseAdministration] = {}
    errors: dict[uuid.UUID, list[DoseAdministration]] = {}
    for a in signatures:
        if a.scheduled_dose_id is None:
            continue
        if a.status == VALID:
            valid[a.scheduled_dose_id] = a
        else:
            errors.setdefault(a.scheduled_dose_id, []).append(a)
    views = []
    for d in found:
        signed = valid.get(d.id)
        state = doses.state(
            cancelled=d.status == repository.CANCELLED,
            outcome=signed.outcome if signed else None,
            by_staff=d.by_staff,
            overdue_now=doses.overdue(
                as_utc(d.window_end), now, signed=signed is not None, by_staff=d.by_staff
            ),
        )
        opens = as_utc(d.window_start) - doses.EARLY_MARGIN
        signable = state in (DoseState.DUE, DoseState.OVERDUE) and now >= opens
        views.append(DoseView(d, DoseState(state), signed, errors.get(d.id, []), signable))
    return views


def names_of(
    session: Session, administrations: Sequence[DoseAdministration]
) -> dict[uuid.UUID, str]:
    ids = {a.signed_by_id for a in administrations} | {a.entered_by_id for a in administrations}
    return repository.user_names(session, ids)


# -- the doses: made from the medication list ----------------------------------------------------


def _start(episode: Episode, today: date) -> date:
    """Day 1 of the episode: the local date the patient went home."""
    if episode.started_at is not None:
        return local_day(episode.started_at)
    return episode.planned_home_date or today


def _order(medication: Medication) -> doses.Order:
    return doses.Order(
        route=medication.route,
        schedule=medication.schedule,
        given_by=medication.given_by,
        active=medication.status == "active",
        start_date=medication.start_date,
        days=medication.days,
    )


def materialise(
    session: Session,
    episode: Episode,
    medications: Sequence[Medication],
    now: datetime,
    *,
    since: datetime | None = None,
    existing: set[tuple[uuid.UUID, datetime]] | None = None,
) -> list[ScheduledDose]:
    """Make the missing doses of today and tomorrow for the episode's active medications.
    A dose is made only if its window ends after ``since`` (default: when the medication was
    last written), so an order never asks for a dose before it existed. Idempotent.
    ``existing``: the (medication, time) of the live doses, when the caller read them for
    many episodes at once (the tick)."""
    if episode.state != State.AT_HOME.value:
        return []
    today = local_day(now)
    start = _start(episode, today)
    days = doses.horizon(today)
    active = [m for m in medications if m.status == "active" and m.episode_id == episode.id]
    if existing is None:
        earliest = datetime.combine(today - timedelta(days=1), datetime.min.time(), STOCKHOLM)
        existing = repository.live_due_times(session, [m.id for m in active], earliest)
    made = []
    for medication in active:
        written = as_utc(since or medication.updated_at or medication.created_at)
        for planned in doses.planned_for(_order(medication), days, start):
            if planned.window_end <= written or (medication.id, planned.due_at) in existing:
                continue
            dose = ScheduledDose(
                id=uuid.uuid4(),
                episode_id=episode.id,
                patient_id=episode.patient_id,
                medication_id=medication.id,
                local_date=planned.local_date,
                due_at=planned.due_at,
                window_start=planned.window_start,
                window_end=planned.window_end,
                drug=medication.drug,
                dose=medication.dose,
                route=medication.route,
                given_by=medication.given_by,
                by_staff=planned.by_staff,
                status=repository.PLANNED,
                created_at=now,
            )
            existing.add((medication.id, planned.due_at))
            made.append(dose)
    if not made:
        return made
    try:
        with session.begin_nested():
            for dose in made:
                repository.stage(session, dose)
            session.flush()
    except IntegrityError:
        # made at the same moment by another transaction (the tick, a page): theirs stand
        return []
    return made


# what a dose copies or follows of the order (a change of e.g. the note leaves the doses)
DOSE_FIELDS = frozenset({"drug", "dose", "route", "schedule", "given_by", "days", "start_date"})


def medication_changed(
    ctx: Context,
    medication: Medication,
    episode: Episode,
    *,
    changed: set[str] | None = None,
    now: datetime | None = None,
) -> None:
    """A physician added, changed or stopped a medication (``medications.service``, in its
    transaction, with the episode locked): its unsigned doses whose window has not ended are
    cancelled, and the order as it is now gives the doses from now on."""
    if changed is not None and not changed & DOSE_FIELDS:
        return
    now = now or utcnow()
    reason = (
        f"stopped: {medication.stop_reason or ''}".strip()
        if medication.status != "active"
        else "the medication was changed"
    )
    for dose in repository.future_unsigned_for_update(ctx.session, medication.id, now):
        dose.status = repository.CANCELLED
        dose.cancelled_at = now
        dose.cancel_reason = reason[:2000]
    ctx.session.flush()
    if medication.status == "active":
        materialise(ctx.session, episode, [medication], now, since=now)


# -- reading -------------------------------------------------------------------------------------


def day_list(
    ctx: Context, episode_id: uuid.UUID, day: date | None = None, *, now: datetime | None = None
) -> DayList:
    """The episode's signing list of a day (default today): each dose with its state, the
    as-needed doses given that day, and the as-needed medications that may be given."""
    now = now or utcnow()
    episode = episode_for(
        ctx, episode_id, permission=Permission.PATIENT_READ, action="list", resource_type=DOSE
    )
    return _day_list(ctx, episode, day or local_day(now), now)


def _day_list(ctx: Context, episode: Episode, day: date, now: datetime) -> DayList:
    medications = repository.medications_of(ctx.session, [episode.id])
    if day in doses.horizon(local_day(now)):
        materialise(ctx.session, episode, medications, now)
    found = repository.doses_of_days(ctx.session, [episode.id], [day])
    since = datetime.combine(day, datetime.min.time(), STOCKHOLM)
    as_needed = repository.as_needed_between(
        ctx.session, [episode.id], since, since + timedelta(days=1)
    )
    views = _views(ctx.session, found, now)
    every = [a for v in views for a in ([v.administration] if v.administration else []) + v.errors]
    return DayList(
        episode=episode,
        day=day,
        doses=views,
        as_needed=as_needed,
        as_needed_medications=[m for m in medications if doses.is_as_needed(m.schedule)],
        names=names_of(ctx.session, [*every, *as_needed]),
        now=now,
    )


def doses_for_visits(
    ctx: Context,
    episode_ids: Sequence[uuid.UUID],
    days: Sequence[date],
    *,
    now: datetime | None = None,
) -> list[DoseView]:
    """The doses of the episodes on the days (Mina besök: the visits' doses), made first
    when the days are today or tomorrow. The caller read the visits through
    ``visits.service.my_visits`` (access checked); the doses' patients are logged."""
    now = now or utcnow()
    if set(days) & set(doses.horizon(local_day(now))):
        medications = repository.medications_of(ctx.session, episode_ids)
        for episode in repository.episodes_by_id(ctx.session, episode_ids):
            mine = [m for m in medications if m.episode_id == episode.id]
            if mine:
                materialise(ctx.session, episode, mine, now)
    found = repository.doses_of_days(ctx.session, episode_ids, days)
    log_listed(ctx, [d.patient_id for d in found], resource_type=DOSE)
    return _views(ctx.session, found, now)


def get_dose(ctx: Context, dose_id: uuid.UUID, *, now: datetime | None = None) -> DoseView:
    dose, _episode = _load_dose(ctx, dose_id, Permission.PATIENT_READ, "read")
    (view,) = _views(ctx.session, [dose], now or utcnow())
    return view


def get_administration(ctx: Context, administration_id: uuid.UUID) -> DoseAdministration:
    found, _episode = _load_administration(ctx, administration_id, Permission.PATIENT_READ, "read")
    return found


def search_administrations(
    ctx: Context,
    *,
    patient_id: uuid.UUID | None,
    episode_id: uuid.UUID | None,
    limit: int = 200,
) -> list[DoseAdministration]:
    """Signatures of a patient or an episode (FHIR MedicationAdministration search)."""
    if episode_id is not None:
        episode = episode_for(
            ctx,
            episode_id,
            permission=Permission.PATIENT_READ,
            action="list",
            resource_type=ADMINISTRATION,
        )
        if patient_id is not None and patient_id != episode.patient_id:
            return []
    elif patient_id is not None:
        require_patient_access(
            ctx,
            patient_id,
            permission=Permission.PATIENT_READ,
            action="list",
            resource_type=ADMINISTRATION,
        )
    else:
        raise InvalidInput(problem("medadmin.search_needs_patient", field="patient"))
    return repository.search_administrations(
        ctx.session, visibility(ctx), patient_id=patient_id, episode_id=episode_id, limit=limit
    )


def medication_order(ctx: Context, medication_id: uuid.UUID) -> tuple[Medication, uuid.UUID]:
    """A medication order (FHIR MedicationRequest) and its patient."""
    found = repository.medication(ctx.session, medication_id)
    if found is None:
        raise not_found(ctx, "medication", medication_id, action="read", resource_type="medication")
    episode = episode_for(
        ctx,
        found.episode_id,
        permission=Permission.PATIENT_READ,
        action="read",
        resource_type="medication",
        resource_id=found.id,
    )
    return found, episode.patient_id


def medication_orders(ctx: Context, patient_id: uuid.UUID) -> list[Medication]:
    require_patient_access(
        ctx,
        patient_id,
        permission=Permission.PATIENT_READ,
        action="list",
        resource_type="medication",
    )
    return repository.medications_of_patient(ctx.session, visibility(ctx), patient_id)


# -- signing -------------------------------------------------------------------------------------


def _load_dose(
    ctx: Context, dose_id: uuid.UUID, permission: Permission, action: str, *, lock: bool = False
) -> tuple[ScheduledDose, Episode]:
    return child_of_episode(
        ctx,
        dose_id,
        what="dose",
        load=repository.get_dose,
        load_for_update=repository.get_dose_for_update,
        permission=permission,
        action=action,
        resource_type=DOSE,
        lock=lock,
    )


def _load_administration(
    ctx: Context,
    administration_id: uuid.UUID,
    permission: Permission,
    action: str,
    *,
    lock: bool = False,
) -> tuple[DoseAdministration, Episode]:
    return child_of_episode(
        ctx,
        administration_id,
        what="dose administration",
        load=repository.get_administration,
        load_for_update=repository.get_administration_for_update,
        permission=permission,
        action=action,
        resource_type=ADMINISTRATION,
        lock=lock,
    )


def _delegation(
    ctx: Context,
    medication_id: uuid.UUID,
    route: str,
    drug: str,
    now: datetime,
    *,
    signer_id: uuid.UUID | None = None,
    signer_role: str | None = None,
) -> uuid.UUID | None:
    """The delegation an assistant nurse gives under (None for licensed staff); 403 without
    a valid one for this route or medication."""
    role = signer_role or ctx.actor.role
    if role != Role.ASSISTANT_NURSE.value:
        return None
    who = signer_id or ctx.actor.user_id
    for found in repository.valid_delegations(
        ctx.session, who, ctx.actor.organisation_id, local_day(now)
    ):
        if route in (found.routes or []) or str(medication_id) in (found.medication_ids or []):
            return found.id
    ctx.log.record(
        patient_id=None,
        action="sign_dose",
        resource_type=DOSE,
        resource_id=medication_id,
        allowed=False,
        reason="no valid delegation for this medication",
    )
    raise Forbidden(
        problem("medadmin.no_delegation", drug=drug, route=msg(f"medadmin.route.{route}")),
        reason_code="no_delegation",
    )


def _check_time(given_at: datetime, now: datetime, window_start: datetime | None) -> None:
    code = doses.time_given_problem(given_at, now, window_start)
    if code is not None:
        local = as_utc(window_start or now).astimezone(STOCKHOLM)
        raise InvalidInput(
            problem(
                code,
                field="given_at",
                earliest=f"{(local - doses.EARLY_MARGIN):%Y-%m-%d %H:%M}",
                now=f"{as_utc(now).astimezone(STOCKHOLM):%Y-%m-%d %H:%M}",
            )
        )


def _signable(ctx: Context, dose: ScheduledDose, episode: Episode) -> None:
    require_open(episode, msg("doing.sign_doses"))
    if dose.status == repository.CANCELLED:
        raise Conflict(
            problem("medadmin.dose_cancelled", drug=dose.drug, reason=dose.cancel_reason or "–")
        )
    if not dose.by_staff:
        raise Conflict(
            problem(
                "medadmin.given_by_patient", drug=dose.drug, by=msg(f"medadmin.by.{dose.given_by}")
            )
        )
    first = repository.valid_for_dose(ctx.session, dose.id)
    if first is not None:
        signer = repository.user(ctx.session, first.signed_by_id)
        raise Conflict(
            problem(
                "medadmin.already_signed",
                drug=dose.drug,
                by=signer.full_name if signer else str(first.signed_by_id),
                at=f"{as_utc(first.created_at).astimezone(STOCKHOLM):%Y-%m-%d %H:%M}",
                outcome=msg(f"medadmin.outcome.{first.outcome}"),
            ),
            signed_by_id=str(first.signed_by_id),
            administration_id=str(first.id),
        )


def sign(
    ctx: Context, dose_id: uuid.UUID, data: DoseSign, *, now: datetime | None = None
) -> DoseAdministration:
    """Sign a dose at the visit."""
    now = now or utcnow()
    dose, episode = _load_dose(
        ctx, dose_id, Permission.MEDICATION_ADMINISTER, "sign_dose", lock=True
    )
    _signable(ctx, dose, episode)
    delegation_id = _delegation(ctx, dose.medication_id, dose.route, dose.drug, now)
    given_at = data.given_at or now
    _check_time(given_at, now, as_utc(dose.window_start))
    return _record(
        ctx,
        dose,
        data,
        given_at,
        now,
        source="app",
        signer_id=ctx.actor.user_id,
        delegation_id=delegation_id,
    )


def paper_sign(
    ctx: Context, dose_id: uuid.UUID, data: PaperSign, *, now: datetime | None = None
) -> DoseAdministration:
    """Enter a signature made on the printed signing list during downtime."""
    now = now or utcnow()
    dose, episode = _load_dose(
        ctx, dose_id, Permission.MEDICATION_ADMINISTER, "sign_dose", lock=True
    )
    _signable(ctx, dose, episode)
    signer = repository.user(ctx.session, data.signed_by_id)
    if (
        signer is None
        or signer.organisation_id != ctx.actor.organisation_id
        or signer.role not in SIGNERS_ON_PAPER
    ):
        raise InvalidInput(
            problem(
                "medadmin.paper_signer_unknown",
                field="signed_by_id",
                user_id=str(data.signed_by_id),
            )
        )
    delegation_id = _delegation(
        ctx,
        dose.medication_id,
        dose.route,
        dose.drug,
        now,
        signer_id=signer.id,
        signer_role=signer.role,
    )
    assert data.given_at is not None  # noqa: S101 - PaperSign requires it
    _check_time(data.given_at, now, as_utc(dose.window_start))
    return _record(
        ctx,
        dose,
        data,
        data.given_at,
        now,
        source="paper",
        signer_id=signer.id,
        delegation_id=delegation_id,
    )


def _record(
    ctx: Context,
    dose: ScheduledDose,
    data: DoseSign,
    given_at: datetime,
    now: datetime,
    *,
    source: str,
    signer_id: uuid.UUID,
    delegation_id: uuid.UUID | None,
) -> DoseAdministration:
    administration = DoseAdministration(
        id=uuid.uuid4(),
        episode_id=dose.episode_id,
        patient_id=dose.patient_id,
        medication_id=dose.medication_id,
        scheduled_dose_id=dose.id,
        kind="scheduled",
        outcome=data.outcome.value,
        status=VALID,
        given_at=given_at,
        drug=dose.drug,
        dose=dose.dose,
        route=dose.route,
        amount=data.amount if data.outcome == Outcome.PARTLY_GIVEN else None,
        reason=data.reason.value if data.reason and data.outcome != Outcome.GIVEN else None,
        note=data.note,
        source=source,
        signed_by_id=signer_id,
        entered_by_id=ctx.actor.user_id,
        organisation_id=ctx.actor.organisation_id,
        delegation_id=delegation_id,
        history=[_entry(ctx, now, "signed", outcome=data.outcome.value, source=source)],
        created_at=now,
    )
    repository.add(ctx.session, administration)
    if dose.alert_id is not None:
        _signed_late(ctx, dose, administration, now)
    return administration


def _signed_late(
    ctx: Context, dose: ScheduledDose, administration: DoseAdministration, now: datetime
) -> None:
    """A dose signed after its alert: a line in the alert's history; with nothing behind an
    unacknowledged alert left unsigned, its escalation stops."""
    from samband.alerts.service import _entry as alert_entry

    assert dose.alert_id is not None  # noqa: S101 - the caller checked
    alert = repository.alert_for_update(ctx.session, dose.alert_id)
    if alert is None or alert.status == "closed":
        return
    local = as_utc(dose.due_at).astimezone(STOCKHOLM)
    entries = [
        alert_entry(
            now,
            ctx.actor.user_id,
            "dose signed late",
            note=problem(
                "medadmin.alert.signed_late",
                drug=dose.drug,
                dose=dose.dose,
                time=f"{local:%H:%M}",
                outcome=msg(f"medadmin.outcome.{administration.outcome}"),
            ),
        )
    ]
    if alert.status == "open" and alert.due_at is not None:
        if repository.alerted_unsigned_left(ctx.session, alert.id) == 0:
            alert.due_at = None
            entries.append(
                alert_entry(
                    now, None, "escalation stopped", note=problem("medadmin.alert.all_signed")
                )
            )
    alert.history = [*alert.history, *entries]
    alert.updated_at = now
    ctx.session.flush()


def entered_in_error(
    ctx: Context, administration_id: uuid.UUID, data: EnteredInError, *, now: datetime | None = None
) -> DoseAdministration:
    """Mark a signature entered in error (the one correction there is). It stays, with the
    reason; the dose may be signed again."""
    now = now or utcnow()
    found, episode = _load_administration(
        ctx, administration_id, Permission.MEDICATION_ADMINISTER, "dose_in_error", lock=True
    )
    require_open(episode, msg("doing.sign_doses"))
    if found.status == ENTERED_IN_ERROR:
        raise Conflict(problem("medadmin.already_in_error", reason=found.error_reason or "–"))
    found.status = ENTERED_IN_ERROR
    found.error_reason = data.reason
    found.error_at = now
    found.error_by_id = ctx.actor.user_id
    found.history = [*found.history, _entry(ctx, now, "entered_in_error", note=data.reason)]
    ctx.session.flush()
    return found


# -- as needed -----------------------------------------------------------------------------------


def give_as_needed(
    ctx: Context, episode_id: uuid.UUID, data: AsNeededCreate, *, now: datetime | None = None
) -> DoseAdministration:
    now = now or utcnow()
    episode = episode_for(
        ctx,
        episode_id,
        permission=Permission.MEDICATION_ADMINISTER,
        action="sign_dose",
        resource_type=ADMINISTRATION,
        lock=True,
    )
    require_open(episode, msg("doing.sign_doses"))
    medication = repository.medication(ctx.session, data.medication_id)
    if medication is None or medication.episode_id != episode.id:
        raise InvalidInput(
            problem(
                "medadmin.medication_unknown",
                field="medication_id",
                medication_id=str(data.medication_id),
            )
        )
    if medication.status != "active":
        raise Conflict(problem("medication.stopped", drug=medication.drug))
    if not doses.is_as_needed(medication.schedule):
        raise InvalidInput(
            problem(
                "medadmin.not_as_needed",
                field="medication_id",
                drug=medication.drug,
                schedule=medication.schedule,
            )
        )
    delegation_id = _delegation(ctx, medication.id, medication.route, medication.drug, now)
    given_at = data.given_at or now
    _check_time(given_at, now, None)
    minutes = data.followup_minutes or doses.followup_minutes(medication.route)
    administration = DoseAdministration(
        id=uuid.uuid4(),
        episode_id=episode.id,
        patient_id=episode.patient_id,
        medication_id=medication.id,
        scheduled_dose_id=None,
        kind="as_needed",
        outcome=Outcome.GIVEN.value,
        status=VALID,
        given_at=given_at,
        drug=medication.drug,
        dose=medication.dose,
        route=medication.route,
        amount=data.amount,
        indication=data.indication,
        note=data.note,
        source="app",
        signed_by_id=ctx.actor.user_id,
        entered_by_id=ctx.actor.user_id,
        organisation_id=ctx.actor.organisation_id,
        delegation_id=delegation_id,
        followup_due_at=given_at + timedelta(minutes=minutes),
        history=[_entry(ctx, now, "given as needed", followup_minutes=minutes)],
        created_at=now,
    )
    repository.add(ctx.session, administration)
    return administration


def follow_up(
    ctx: Context, administration_id: uuid.UUID, data: FollowUp, *, now: datetime | None = None
) -> DoseAdministration:
    now = now or utcnow()
    found, episode = _load_administration(
        ctx, administration_id, Permission.MEDICATION_ADMINISTER, "dose_follow_up", lock=True
    )
    if found.kind != "as_needed" or found.status != VALID:
        raise Conflict(problem("medadmin.no_followup"))
    if found.followup_at is not None:
        raise Conflict(
            problem(
                "medadmin.followup_done",
                effect=msg(f"medadmin.effect.{found.followup_effect}"),
                at=f"{as_utc(found.followup_at).astimezone(STOCKHOLM):%Y-%m-%d %H:%M}",
            )
        )
    found.followup_effect = data.effect.value
    found.followup_note = data.note
    found.followup_at = now
    found.followup_by_id = ctx.actor.user_id
    found.history = [*found.history, _entry(ctx, now, "followed up", effect=data.effect.value)]
    ctx.session.flush()
    return found


def _entry(ctx: Context, now: datetime, event: str, **extra: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "at": now.isoformat(),
        "event": event,
        "by": str(ctx.actor.user_id),
        "by_name": ctx.actor.full_name,
        "organisation": ctx.actor.organisation_code,
    }
    entry.update({k: v for k, v in extra.items() if v is not None})
    return entry


# -- delegations ---------------------------------------------------------------------------------


def delegations(ctx: Context, *, now: datetime | None = None) -> list[MedicationDelegation]:
    """The caller's organisation's delegations (an assistant nurse: her own)."""
    ctx.actor.require(Permission.MEDICATION_ADMINISTER)
    delegate = ctx.actor.user_id if ctx.actor.role == Role.ASSISTANT_NURSE.value else None
    return repository.delegations_of(
        ctx.session, delegate_id=delegate, organisation_id=ctx.actor.organisation_id
    )


def delegation_names(ctx: Context, found: Sequence[MedicationDelegation]) -> dict[uuid.UUID, str]:
    ids = {d.delegate_id for d in found} | {d.delegated_by_id for d in found}
    return repository.user_names(ctx.session, ids)


def delegation_valid(found: MedicationDelegation, day: date) -> bool:
    return found.revoked_at is None and found.valid_from <= day <= found.valid_until


def _require_delegating_nurse(ctx: Context, action: str) -> None:
    ctx.actor.require(Permission.MEDICATION_ADMINISTER)
    if ctx.actor.role != Role.REGISTERED_NURSE.value:
        ctx.log.record(
            patient_id=None,
            action=action,
            resource_type=DELEGATION,
            allowed=False,
            reason="only a registered nurse delegates giving medications",
        )
        raise Forbidden(problem("medadmin.delegation_by_nurse"), reason_code="not_a_nurse")


def delegate(
    ctx: Context, data: DelegationCreate, *, now: datetime | None = None
) -> MedicationDelegation:
    now = now or utcnow()
    _require_delegating_nurse(ctx, "create")
    delegate_user = repository.user(ctx.session, data.delegate_id)
    if (
        delegate_user is None
        or delegate_user.organisation_id != ctx.actor.organisation_id
        or delegate_user.role != Role.ASSISTANT_NURSE.value
        or not delegate_user.active
    ):
        raise InvalidInput(
            problem("medadmin.delegate_unknown", field="delegate_id", user_id=str(data.delegate_id))
        )
    today = local_day(now)
    valid_from = data.valid_from or today
    if data.valid_until < valid_from or data.valid_until > valid_from + timedelta(days=366):
        raise InvalidInput(
            problem(
                "medadmin.delegation_period",
                field="valid_until",
                start=valid_from.isoformat(),
                latest=(valid_from + timedelta(days=366)).isoformat(),
            )
        )
    if valid_from < today:
        raise InvalidInput(problem("medadmin.delegation_backdated", field="valid_from"))
    found = MedicationDelegation(
        id=uuid.uuid4(),
        organisation_id=ctx.actor.organisation_id,
        delegate_id=delegate_user.id,
        delegated_by_id=ctx.actor.user_id,
        routes=sorted({r.value for r in data.routes}),
        medication_ids=sorted({str(m) for m in data.medication_ids}),
        valid_from=valid_from,
        valid_until=data.valid_until,
        note=data.note,
        created_at=now,
    )
    repository.add(ctx.session, found)
    ctx.log.record(
        patient_id=None,
        action="create",
        resource_type=DELEGATION,
        resource_id=found.id,
        allowed=True,
    )
    return found


def revoke(
    ctx: Context, delegation_id: uuid.UUID, data: DelegationRevoke, *, now: datetime | None = None
) -> MedicationDelegation:
    now = now or utcnow()
    _require_delegating_nurse(ctx, "delegation_revoke")
    found = repository.get_delegation(ctx.session, delegation_id)
    if found is None or found.organisation_id != ctx.actor.organisation_id:
        raise not_found(
            ctx,
            "medication delegation",
            delegation_id,
            action="delegation_revoke",
            resource_type=DELEGATION,
        )
    if found.revoked_at is not None:
        raise Conflict(problem("medadmin.delegation_revoked"))
    found.revoked_at = now
    found.revoked_by_id = ctx.actor.user_id
    found.revoke_reason = data.reason
    found.version += 1
    ctx.session.flush()
    ctx.log.record(
        patient_id=None,
        action="delegation_revoke",
        resource_type=DELEGATION,
        resource_id=found.id,
        allowed=True,
    )
    return found


def assistant_nurses(ctx: Context) -> list[Any]:
    return repository.staff_of(ctx.session, ctx.actor.organisation_id, [Role.ASSISTANT_NURSE.value])


def paper_signers(ctx: Context) -> list[Any]:
    return repository.staff_of(ctx.session, ctx.actor.organisation_id, SIGNERS_ON_PAPER)


# -- the medication list's version on a care request ---------------------------------------------


def list_version(session: Session, episode_id: uuid.UUID) -> int:
    """The version of the episode's medication list (the caller checked access)."""
    return repository.list_version(session, episode_id)


def episode_list_version(ctx: Context, episode_id: uuid.UUID) -> int:
    episode_for(
        ctx, episode_id, permission=Permission.PATIENT_READ, action="read", resource_type=LIST
    )
    return repository.list_version(ctx.session, episode_id)


@dataclass
class ListAcknowledgement:
    request: CareRequest
    current: int

    @property
    def newer_not_acknowledged(self) -> bool:
        acknowledged = self.request.medication_acknowledged_version or 0
        return self.current > acknowledged and self.current > 0


def _own_request(ctx: Context, request: CareRequest) -> bool:
    return ctx.actor.organisation_id in (request.to_organisation_id, request.from_organisation_id)


def care_request_list(ctx: Context, request_id: uuid.UUID) -> ListAcknowledgement:
    request, _episode = child_of_episode(
        ctx,
        request_id,
        what="care request",
        load=repository.care_request,
        load_for_update=repository.care_request_for_update,
        permission=Permission.PATIENT_READ,
        action="read",
        resource_type=LIST,
        record=lambda found: not _own_request(ctx, found),
    )
    return ListAcknowledgement(request, repository.list_version(ctx.session, request.episode_id))


def acknowledge_list(
    ctx: Context, request_id: uuid.UUID, data: MedicationAcknowledge, *, now: datetime | None = None
) -> ListAcknowledgement:
    """The receiving organisation acknowledges the medication list version it read: the
    current one (an older one: 409 naming the current)."""
    now = now or utcnow()
    request, _episode = child_of_episode(
        ctx,
        request_id,
        what="care request",
        load=repository.care_request,
        load_for_update=repository.care_request_for_update,
        permission=Permission.CARE_REQUEST_ANSWER,
        action="acknowledge",
        resource_type=LIST,
        lock=True,
        record=lambda found: not _own_request(ctx, found),
    )
    if ctx.actor.organisation_id != request.to_organisation_id:
        raise Forbidden(problem("medadmin.receiver_acknowledges"), reason_code="receiver_only")
    if not request.medication_list_version and not request.medication_snapshot:
        raise Conflict(problem("medadmin.no_list_sent"))
    current = repository.list_version(ctx.session, request.episode_id)
    if data.version != current:
        raise Conflict(
            problem(
                "medadmin.not_current_list", field="version", version=data.version, current=current
            ),
            current_version=current,
        )
    if request.medication_acknowledged_version == current:
        raise Conflict(problem("medadmin.list_already_acknowledged", version=current))
    request.medication_acknowledged_version = current
    request.medication_acknowledgements = [
        *(request.medication_acknowledgements or []),
        {
            "version": current,
            "at": now.isoformat(),
            "by": str(ctx.actor.user_id),
            "by_name": ctx.actor.full_name,
            "organisation": ctx.actor.organisation_code,
        },
    ]
    request.updated_at = now
    request.updated_by_id = ctx.actor.user_id
    ctx.session.flush()
    return ListAcknowledgement(request, current)


def stamp_care_request(session: Session, request: CareRequest) -> None:
    """When a care request is sent with the medication list: the list's version with it."""
    request.medication_list_version = repository.list_version(session, request.episode_id)


# -- the periodic check (no user: the system) ----------------------------------------------------


@dataclass
class Checked:
    made: int = 0
    unsigned: int = 0
    followups: int = 0


def check_doses(session: Session, now: datetime | None = None) -> Checked:
    """Make the coming doses of every episode at home, then raise an ``unsigned_dose``
    alert for every staff dose not signed by the end of its window, and a ``dose_followup``
    alert for every as-needed dose whose effect was not followed up in time. Idempotent:
    a dose or a follow-up is alerted once (``alerted_at``)."""
    from samband.alerts.rules import Kind, Trigger
    from samband.alerts.service import Raiser

    now = now or utcnow()
    result = Checked()
    at_home = repository.episodes_in_state(session, State.AT_HOME.value)
    by_episode: dict[uuid.UUID, list[Medication]] = {}
    for m in repository.medications_of(session, [e.id for e in at_home]):
        by_episode.setdefault(m.episode_id, []).append(m)
    earliest = datetime.combine(local_day(now) - timedelta(days=1), datetime.min.time(), STOCKHOLM)
    existing = repository.live_due_times(
        session, [m.id for found in by_episode.values() for m in found], earliest
    )
    for episode in at_home:
        if by_episode.get(episode.id):
            made = materialise(session, episode, by_episode[episode.id], now, existing=existing)
            result.made += len(made)
    since = now - ALERT_LOOKBACK
    overdue = repository.overdue_unalerted(session, now, since)
    followups = repository.followups_unalerted(session, now, since)
    if not overdue and not followups:
        return result
    episodes = repository.lock_episodes(
        session, {d.episode_id for d in overdue} | {a.episode_id for a in followups}
    )
    raiser = Raiser(session, now, None)
    raised: list[tuple[ScheduledDose, uuid.UUID]] = []
    for dose in overdue:
        locked = episodes.get(dose.episode_id)
        if locked is None or locked.state != State.AT_HOME.value:
            continue
        local = as_utc(dose.due_at).astimezone(STOCKHOLM)
        reason = problem(
            "medadmin.alert.unsigned",
            drug=dose.drug,
            dose=dose.dose,
            route=msg(f"medadmin.route.{dose.route}"),
            date=f"{local:%Y-%m-%d}",
            time=f"{local:%H:%M}",
            until=f"{as_utc(dose.window_end).astimezone(STOCKHOLM):%H:%M}",
        )
        alert = raiser.raise_(locked, Trigger(Kind.UNSIGNED_DOSE, "medium", reason))
        raised.append((dose, alert.id))
        result.unsigned += 1
    for given in followups:
        locked = episodes.get(given.episode_id)
        if locked is None or locked.state != State.AT_HOME.value:
            continue
        assert given.followup_due_at is not None  # noqa: S101 - selected by it
        reason = problem(
            "medadmin.alert.followup",
            drug=given.drug,
            amount=given.amount or given.dose,
            given=f"{as_utc(given.given_at).astimezone(STOCKHOLM):%H:%M}",
            due=f"{as_utc(given.followup_due_at).astimezone(STOCKHOLM):%H:%M}",
        )
        raiser.raise_(locked, Trigger(Kind.DOSE_FOLLOWUP, "low", reason))
        given.followup_alerted_at = now
        result.followups += 1
    raiser.flush()
    # the alerts exist now: their ids on the doses
    for dose, alert_id in raised:
        dose.alert_id = alert_id
        dose.alerted_at = now
    session.flush()
    return result
