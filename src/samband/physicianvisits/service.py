"""Physician visits (issue 13, decision 0019): bookable slots for acute home visits, their
bookings, and planned regular visits and medication reviews.

- **Slots** (``create_slot`` …): a physician's or a centre's recurring time for home visits
  (e.g. Monday–Friday 11:00–12:00, bookable until 08:30, two visits). Written by
  ``physician_slot:manage`` (physicians, coordinators) of the slot's own organisation only
  (another's is 404); read by anyone who books (``physician_visit:book``) from any
  organisation, as the on-call roster is: a slot holds no patient data. Times are checked
  by ``rules.slot_problems``, every problem answered at once with its field.
- **Booking** (``book``): ``physician_visit:book`` and a care relationship with the patient
  (an outsider gets 404, and the attempt is logged). Refused, each with its problem: a date
  not on the slot's weekdays or outside its validity, booking closed (after ``book_by`` on
  that date, or a past date), the slot full, the patient already booked in it that day, no
  open care at home (an enrolment in home health care or a hospital-at-home episode), or the
  slot's organisation is another care provider and the patient has not consented to shared
  records. The slot's row is locked (``SELECT … FOR UPDATE``) while its places are counted,
  so two bookings of the last place cannot both succeed. A booking makes a ``Visit``
  (role physician, source ``booking``, priority 2) on the patient's open episode at home —
  the hospital-at-home episode if there is one, else the enrolment — in the slot's window on
  that date, made by the slot's organisation, asking for the slot's physician by name (or,
  for a centre slot, the patient's fixed physician when they work there). The slot's
  organisation is made to take part in the episode if it did not (so its staff see the
  patient, as a care request's receiver does), and the physician is made available: a
  shift for the slot's window when they have none that day, widened to cover it when they
  have one (decision 0019). The physician is told (no patient identity in the text).
- **Cancelling a booking** frees its place and cancels its visit (a visit under way or done
  is not cancelled); the day plans that held the visit are marked out of date as for any
  cancellation (``dayplans.mark_out_of_date``).
- **Planned reviews** (``create_review`` …): a regular visit or a medication review
  (*läkemedelsgenomgång*) every ``interval_days`` from ``first_date``. When a date's visits
  are made (``visits.service.generate``, for the caller's organisation), each active review
  of that organisation due on the date (``next_due`` on or before it) whose patient has open
  care at home makes one physician visit that day, and ``next_due`` moves to
  ``interval_days`` after it (``made`` records it): making the date's visits twice makes one.

Refusals are problems (``physicianvisit.*``, catalogue ``physicianvisits.po``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from samband.enrolments.service import ROLE_FOR_KIND
from samband.episodes.access import not_found, record_event
from samband.episodes.states import Kind, State
from samband.kit.errors import Conflict, InvalidInput, Problem, not_visible, problem
from samband.kit.i18n import msg
from samband.kit.time import STOCKHOLM, as_utc, utcnow
from samband.models import (
    Episode,
    EpisodeParticipant,
    Organisation,
    Patient,
    PhysicianReview,
    PhysicianSlot,
    SlotBooking,
    StaffShift,
    User,
    Visit,
)
from samband.notifications import service as notifications
from samband.physicianvisits import repository, rules
from samband.physicianvisits.schemas import (
    BookingCreate,
    ReviewCreate,
    ReviewUpdate,
    SlotWrite,
)
from samband.planning.problem import DEFAULT_PRIORITY
from samband.security.context import Context, role_refusal
from samband.security.roles import Permission, Role
from samband.security.service import (
    care_provider_of,
    log_listed,
    require_patient_access,
    visibility,
)
from samband.visits import dayplans
from samband.visits.schemas import Location, VisitStatus
from samband.visits.service import FIXED, OPEN, _move

S = VisitStatus
PHYSICIAN = Role.PHYSICIAN.value
SLOT = "physician_slot"
BOOKING = "slot_booking"
REVIEW = "physician_review"
VISIT = "visit"
SOURCE_BOOKING = "booking"
SOURCE_REVIEW = "review"
BOOKED_PRIORITY = 2  # an acute visit: before the day's routine ones, after the urgent
CANCELLED_CAUSE = "booking_cancelled"  # dayplan.ood.booking_cancelled
REVIEW_ENDED_CAUSE = "review_ended"  # dayplan.ood.review_ended


@dataclass(frozen=True)
class SlotView:
    slot: PhysicianSlot
    organisation_name: str
    physician_name: str | None

    @property
    def start_location(self) -> Location | None:
        slot = self.slot
        if slot.start_lat is None or slot.start_lon is None:
            return None
        return Location(lat=slot.start_lat, lon=slot.start_lon)


@dataclass(frozen=True)
class Available:
    """A slot on one date: how many are booked and whether it may still be booked."""

    view: SlotView
    date: date
    booked: int
    free: int
    open: bool
    book_by_at: datetime

    @property
    def bookable(self) -> bool:
        return self.open and self.free > 0


@dataclass(frozen=True)
class BookingView:
    booking: SlotBooking
    slot: PhysicianSlot
    visit: Visit
    patient: Patient | None = None  # on lists of a day's bookings

    @property
    def window_local(self) -> tuple[str, str]:
        lo = self.visit.window_start.astimezone(STOCKHOLM)
        hi = self.visit.window_end.astimezone(STOCKHOLM)
        return f"{lo:%H:%M}", f"{hi:%H:%M}"


@dataclass(frozen=True)
class ReviewView:
    review: PhysicianReview
    physician_name: str | None  # the review's physician, else None (the fixed physician)


# -- slots --------------------------------------------------------------------------------------


def create_slot(ctx: Context, data: SlotWrite) -> SlotView:
    """A new slot of the caller's organisation."""
    ctx.actor.require(Permission.PHYSICIAN_SLOT_MANAGE)
    organisation_id = ctx.actor.organisation_id
    _check_slot(ctx.session, data, organisation_id)
    slot = PhysicianSlot(
        organisation_id=organisation_id,
        created_by_id=ctx.actor.user_id,
        created_at=utcnow(),
        **_slot_fields(data),
    )
    repository.add(ctx.session, slot)
    return _slot_view(ctx.session, slot)


def update_slot(ctx: Context, slot_id: uuid.UUID, data: SlotWrite) -> SlotView:
    """Replace a slot's times, physician and validity. Bookings already made keep their
    visits as they were booked."""
    slot = _own_slot(ctx, slot_id, action="update")
    _check_slot(ctx.session, data, slot.organisation_id)
    for name, value in _slot_fields(data).items():
        setattr(slot, name, value)
    slot.updated_by_id = ctx.actor.user_id
    slot.updated_at = utcnow()
    ctx.session.flush()
    return _slot_view(ctx.session, slot)


def deactivate_slot(ctx: Context, slot_id: uuid.UUID) -> SlotView:
    """Stop offering a slot (it is kept: its bookings name it). Bookings already made stand;
    cancel them one by one if the visits will not be made."""
    slot = _own_slot(ctx, slot_id, action="delete")
    slot.active = False
    slot.updated_by_id = ctx.actor.user_id
    slot.updated_at = utcnow()
    ctx.session.flush()
    return _slot_view(ctx.session, slot)


def get_slot(ctx: Context, slot_id: uuid.UUID) -> SlotView:
    """One slot: any organisation's active one for those who book, one's own inactive ones
    too for those who manage them."""
    _require_reader(ctx)
    slot = repository.slot(ctx.session, slot_id)
    if slot is None or not (slot.active or _manages(ctx, slot.organisation_id)):
        raise not_visible(f"physician slot {slot_id}")
    return _slot_view(ctx.session, slot)


def list_slots(
    ctx: Context, organisation_id: uuid.UUID | None = None, *, include_inactive: bool = False
) -> list[SlotView]:
    """An organisation's slots (default: the caller's); inactive ones only of one's own."""
    _require_reader(ctx)
    org_id = organisation_id or ctx.actor.organisation_id
    if repository.organisation(ctx.session, org_id) is None:
        raise not_visible(f"organisation {org_id}", field="organisation_id")
    found = repository.slots(
        ctx.session, org_id, include_inactive=include_inactive and _manages(ctx, org_id)
    )
    return _slot_views(ctx.session, found)


def available(
    ctx: Context,
    day: date,
    organisation_id: uuid.UUID | None = None,
    *,
    now: datetime | None = None,
) -> list[Available]:
    """The organisation's slots offered on the date, with their free places and whether
    booking is still open (local time against ``book_by`` on that date)."""
    _require_reader(ctx)
    now = now or utcnow()
    org_id = organisation_id or ctx.actor.organisation_id
    if repository.organisation(ctx.session, org_id) is None:
        raise not_visible(f"organisation {org_id}", field="organisation_id")
    offered = [
        s
        for s in repository.slots(ctx.session, org_id)
        if rules.runs_on(s.weekdays, s.valid_from, s.valid_to, day)
    ]
    counts = _booked_counts(ctx.session, [s.id for s in offered], day)
    result = []
    for view in _slot_views(ctx.session, offered):
        slot = view.slot
        times = rules.times_of(slot.start_time, slot.end_time, slot.book_by)
        booked = counts.get(slot.id, 0)
        result.append(
            Available(
                view=view,
                date=day,
                booked=booked,
                free=rules.free_places(slot.capacity, booked),
                open=rules.booking_open(day, times.book_by, now),
                book_by_at=rules.deadline(day, times.book_by),
            )
        )
    return result


def offering(ctx: Context) -> list[Organisation]:
    """The organisations that offer slots (for the booking page's choice)."""
    _require_reader(ctx)
    return repository.organisations_with_slots(ctx.session)


def fixed_physician_organisation(ctx: Context, patient: Patient) -> uuid.UUID | None:
    """The organisation of the patient's fixed physician, if any (the caller read the
    patient)."""
    if patient.fixed_physician_id is None:
        return None
    user = repository.user(ctx.session, patient.fixed_physician_id)
    return user.organisation_id if user is not None else None


def physicians(ctx: Context) -> list[User]:
    """The caller's organisation's physicians (for the slots page's choice)."""
    ctx.actor.require(Permission.PHYSICIAN_SLOT_MANAGE)
    return repository.physicians_of(ctx.session, ctx.actor.organisation_id, PHYSICIAN)


def _require_reader(ctx: Context) -> None:
    """Those who book read any organisation's slots; those who manage, their own."""
    actor = ctx.actor
    if not (
        actor.can(Permission.PHYSICIAN_VISIT_BOOK) or actor.can(Permission.PHYSICIAN_SLOT_MANAGE)
    ):
        raise role_refusal(actor.role, Permission.PHYSICIAN_VISIT_BOOK)


def _manages(ctx: Context, organisation_id: uuid.UUID) -> bool:
    return (
        ctx.actor.can(Permission.PHYSICIAN_SLOT_MANAGE)
        and organisation_id == ctx.actor.organisation_id
    )


def _own_slot(ctx: Context, slot_id: uuid.UUID, *, action: str) -> PhysicianSlot:
    """A slot of the caller's organisation, locked; another's is "not found"."""
    ctx.actor.require(Permission.PHYSICIAN_SLOT_MANAGE)
    slot = repository.slot(ctx.session, slot_id, lock=True)
    if slot is None or slot.organisation_id != ctx.actor.organisation_id:
        ctx.log.record(
            patient_id=None,
            action=action,
            resource_type=SLOT,
            resource_id=slot_id,
            allowed=False,
            reason="no such slot of the caller's organisation",
        )
        raise not_visible(f"physician slot {slot_id}")
    return slot


def _check_slot(session: Session, data: SlotWrite, organisation_id: uuid.UUID) -> None:
    found = rules.slot_problems(
        weekdays=data.weekdays,
        start_time=data.start_time,
        end_time=data.end_time,
        book_by=data.book_by,
        capacity=data.capacity,
        visit_minutes=data.visit_minutes,
        valid_from=data.valid_from,
        valid_to=data.valid_to,
    )
    if data.physician_id is not None:
        user = repository.user(session, data.physician_id)
        if not _physician_of(user, organisation_id):
            found.append(
                problem(
                    "physicianvisit.not_a_physician_here",
                    field="physician_id",
                    user=str(data.physician_id),
                )
            )
    if found:
        raise InvalidInput(found[0], problems=found)


def _physician_of(user: User | None, organisation_id: uuid.UUID) -> bool:
    return (
        user is not None
        and user.active
        and user.role == PHYSICIAN
        and user.organisation_id == organisation_id
    )


def _slot_fields(data: SlotWrite) -> dict[str, object]:
    place = data.start_location
    return {
        "physician_id": data.physician_id,
        "weekdays": sorted(data.weekdays),
        "start_time": data.start_time,
        "end_time": data.end_time,
        "book_by": data.book_by,
        "capacity": data.capacity,
        "visit_minutes": data.visit_minutes,
        "valid_from": data.valid_from,
        "valid_to": data.valid_to,
        "start_lat": place.lat if place else None,
        "start_lon": place.lon if place else None,
    }


def _slot_view(session: Session, slot: PhysicianSlot) -> SlotView:
    return _slot_views(session, [slot])[0]


def _slot_views(session: Session, slots: list[PhysicianSlot]) -> list[SlotView]:
    orgs = repository.organisations(session, {s.organisation_id for s in slots})
    people = repository.users(session, {s.physician_id for s in slots if s.physician_id})
    return [
        SlotView(
            slot=s,
            organisation_name=orgs[s.organisation_id].name,
            physician_name=people[s.physician_id].full_name if s.physician_id in people else None,
        )
        for s in slots
    ]


def _booked_counts(session: Session, slot_ids: list[uuid.UUID], day: date) -> dict[uuid.UUID, int]:
    counts: dict[uuid.UUID, int] = {}
    for booking, _ in repository.active_bookings(session, slot_ids, day, S.CANCELLED.value):
        counts[booking.slot_id] = counts.get(booking.slot_id, 0) + 1
    return counts


# -- bookings -----------------------------------------------------------------------------------


def book(
    ctx: Context,
    *,
    slot_id: uuid.UUID,
    date: date,
    patient_id: uuid.UUID,
    request_id: uuid.UUID | None = None,
    reason: str | None = None,
    now: datetime | None = None,
) -> SlotBooking:
    """Book a physician home visit for the patient in the slot on the date: a visit in the
    day plan of the slot's organisation (see the module's docstring for the rules)."""
    session, day = ctx.session, date
    now = now or utcnow()
    booking_id = uuid.uuid4()
    require_patient_access(
        ctx,
        patient_id,
        permission=Permission.PHYSICIAN_VISIT_BOOK,
        action="create",
        resource_type=BOOKING,
        resource_id=booking_id,
        subject=f"patient {patient_id}",
    )
    # the slot's row lock serialises its bookings: the places are counted under it
    slot = repository.slot(session, slot_id, lock=True)
    if slot is None:
        raise not_visible(f"physician slot {slot_id}", field="slot_id")
    if not slot.active:
        raise Conflict(problem("physicianvisit.slot_inactive", field="slot_id"))
    _check_date(slot, day, now)
    episode = _care_at_home(session, patient_id)
    if episode is None:
        raise Conflict(problem("physicianvisit.no_care_at_home", field="patient_id"))
    organisation = repository.organisation(session, slot.organisation_id)
    assert organisation is not None  # noqa: S101 - a foreign key keeps it
    refusal = _cannot_take_part(session, episode, organisation)
    if refusal is not None:
        raise Conflict(refusal)
    if request_id is not None:
        request = repository.physician_request(session, request_id)
        if request is None or request.patient_id != patient_id:
            raise InvalidInput(problem("physicianvisit.request_not_of_patient", field="request_id"))
    held = repository.active_bookings(session, [slot.id], day, S.CANCELLED.value)
    if any(b.patient_id == patient_id for b, _ in held):
        raise Conflict(problem("physicianvisit.already_booked", field="date", date=day))
    if len(held) >= slot.capacity:
        raise Conflict(
            problem("physicianvisit.slot_full", field="date", date=day, capacity=slot.capacity)
        )
    patient = repository.patient(session, patient_id)
    assert patient is not None  # noqa: S101 - require_patient_access found the patient
    physician_id = _booked_physician(session, slot, patient)
    _take_part(ctx, episode, organisation)
    times = rules.times_of(slot.start_time, slot.end_time, slot.book_by)
    window = rules.window(day, times)
    visit = Visit(
        episode_id=episode.id,
        patient_id=patient_id,
        date=day,
        activity_key=None,
        occurrence=None,
        what=rules.WHAT_BOOKED,
        window_start=window[0],
        window_end=window[1],
        duration_min=slot.visit_minutes,
        skills=[],
        role=PHYSICIAN,
        organisation_kind=organisation.kind,
        organisation_id=organisation.id,
        priority=BOOKED_PRIORITY,
        source=SOURCE_BOOKING,
        status=S.PLANNED.value,
        requested_user_id=physician_id,
        history=[],
        created_by_id=ctx.actor.user_id,
        created_at=now,
    )
    repository.add(session, visit)
    booking = SlotBooking(
        id=booking_id,
        slot_id=slot.id,
        date=day,
        patient_id=patient_id,
        visit_id=visit.id,
        request_id=request_id,
        reason=reason,
        booked_by_id=ctx.actor.user_id,
        created_at=now,
    )
    repository.add(session, booking)
    if physician_id is not None:
        _make_available(ctx, slot, physician_id, day, patient, times, now)
        notifications.notify(
            session,
            user_ids=[physician_id],
            kind="physician_visit_booked",
            severity="info",
            reference=notifications.reference("visit", visit.id),
            link=f"/physician-slots?date={day.isoformat()}",
            params={"date": day.isoformat()},
            now=now,
        )
    session.flush()
    return booking


def book_from(ctx: Context, slot_id: uuid.UUID, data: BookingCreate) -> BookingView:
    """``book`` with the API's body; the booking with its slot and visit."""
    booking = book(
        ctx,
        slot_id=slot_id,
        date=data.date,
        patient_id=data.patient_id,
        request_id=data.request_id,
        reason=data.reason,
    )
    slot, visit = repository.slot_and_visit(ctx.session, booking)
    return BookingView(booking, slot, visit)


def cancel_booking(
    ctx: Context, booking_id: uuid.UUID, *, now: datetime | None = None
) -> BookingView:
    """Cancel a booking: its place is free again and its visit cancelled (the day plans
    holding it are marked out of date). A visit under way or done is not cancelled."""
    now = now or utcnow()
    booking = repository.booking(ctx.session, booking_id, lock=True)
    if booking is None:
        raise not_found(ctx, "slot booking", booking_id, action="update", resource_type=BOOKING)
    require_patient_access(
        ctx,
        booking.patient_id,
        permission=Permission.PHYSICIAN_VISIT_BOOK,
        action="update",
        resource_type=BOOKING,
        resource_id=booking.id,
        subject=f"slot booking {booking.id}",
    )
    if booking.cancelled_at is not None:
        raise Conflict(problem("physicianvisit.already_cancelled"))
    slot, visit = repository.slot_and_visit(ctx.session, booking, lock=True)
    if visit.status in FIXED:
        raise Conflict(
            problem("physicianvisit.visit_under_way", status=msg(f"visit.state.{visit.status}"))
        )
    booking.cancelled_at = now
    booking.cancelled_by_id = ctx.actor.user_id
    if visit.status in OPEN:
        _move(ctx, visit, S.CANCELLED, "the physician visit booking was cancelled")
        ctx.session.flush()
        dayplans.mark_out_of_date(ctx, [visit], CANCELLED_CAUSE)
        if visit.requested_user_id is not None:
            notifications.notify(
                ctx.session,
                user_ids=[visit.requested_user_id],
                kind="physician_visit_cancelled",
                severity="info",
                reference=notifications.reference("visit", visit.id),
                link=f"/physician-slots?date={booking.date.isoformat()}",
                params={"date": booking.date.isoformat()},
                now=now,
            )
    ctx.session.flush()
    return BookingView(booking, slot, visit)


def patient_bookings(
    ctx: Context, patient_id: uuid.UUID, *, since: date | None = None
) -> list[BookingView]:
    """The patient's bookings from ``since`` (default today) on, cancelled ones too."""
    require_patient_access(
        ctx,
        patient_id,
        permission=Permission.PATIENT_READ,
        action="read",
        resource_type=BOOKING,
        subject=f"patient {patient_id}",
    )
    start = since or utcnow().astimezone(STOCKHOLM).date()
    rows = repository.bookings_of_patient(ctx.session, patient_id, start)
    return [BookingView(b, s, v) for b, s, v in rows]


def day_bookings(ctx: Context, day: date) -> list[BookingView]:
    """The date's bookings of the caller's organisation's slots (for the slots page), of the
    patients the caller may see (each one logged)."""
    ctx.actor.require(Permission.PHYSICIAN_SLOT_MANAGE)
    rows = repository.bookings_of_organisation(
        ctx.session, ctx.actor.organisation_id, day, visibility(ctx)
    )
    log_listed(ctx, [p.id for _, _, _, p in rows], resource_type=BOOKING)
    return [BookingView(b, s, v, p) for b, s, v, p in rows]


def _check_date(slot: PhysicianSlot, day: date, now: datetime) -> None:
    times = rules.times_of(slot.start_time, slot.end_time, slot.book_by)
    if not rules.on_weekday(slot.weekdays, day):
        raise InvalidInput(
            problem(
                "physicianvisit.not_on_weekday",
                field="date",
                date=day,
                weekday=msg(f"physicianvisit.weekday.{day.isoweekday()}"),
                weekdays=[msg(f"physicianvisit.weekday.{d}") for d in sorted(slot.weekdays)],
            )
        )
    if not rules.within(slot.valid_from, slot.valid_to, day):
        raise InvalidInput(
            problem(
                "physicianvisit.outside_validity",
                field="date",
                date=day,
                valid_from=slot.valid_from,
                valid_to=slot.valid_to or msg("physicianvisit.until_further_notice"),
            )
        )
    if day < now.astimezone(STOCKHOLM).date():
        raise Conflict(problem("physicianvisit.date_past", field="date", date=day))
    if not rules.booking_open(day, times.book_by, now):
        raise Conflict(
            problem("physicianvisit.booking_closed", field="date", date=day, book_by=slot.book_by)
        )


def _care_at_home(session: Session, patient_id: uuid.UUID) -> Episode | None:
    """The episode a physician visit belongs to: the patient's hospital-at-home episode at
    home if there is one, else their enrolment in home health care (None: neither)."""
    episodes = repository.episodes_in_state(session, patient_id, State.AT_HOME.value)
    for kind in (Kind.HOSPITAL_AT_HOME.value, Kind.HOME_HEALTH_CARE.value):
        for episode in episodes:
            if episode.kind == kind:
                return episode
    return None


def _cannot_take_part(
    session: Session, episode: Episode, organisation: Organisation
) -> Problem | None:
    """Why the organisation may not see the episode's patient to make the visit: another care
    provider than the responsible one, and no consent to shared records (decision 0010)."""
    responsible = repository.responsible_organisation(session, episode)
    if responsible is None or care_provider_of(responsible) == care_provider_of(organisation):
        return None
    if episode.shared_records_consent is True:
        return None
    return problem(
        "physicianvisit.no_shared_records_consent",
        field="patient_id",
        organisation=organisation.name,
    )


def _take_part(ctx: Context, episode: Episode, organisation: Organisation) -> None:
    """The organisation that makes the visit takes part in the episode (its staff must see
    the patient, as a care request's receiver does); a line on the timeline says so."""
    if repository.participant(ctx.session, episode.id, organisation.id) is not None:
        return
    role = ROLE_FOR_KIND.get(organisation.kind, "other")
    repository.add(
        ctx.session,
        EpisodeParticipant(episode_id=episode.id, organisation_id=organisation.id, role=role),
    )
    record_event(
        ctx,
        episode,
        "participant.added",
        reason="physician visit",
        data={"organisation_id": str(organisation.id), "role": role},
    )


def _booked_physician(session: Session, slot: PhysicianSlot, patient: Patient) -> uuid.UUID | None:
    """Whom the visit asks for: the slot's physician; for a centre's slot, the patient's fixed
    physician when they work there; else nobody by name (any physician of the centre)."""
    if slot.physician_id is not None:
        return slot.physician_id
    fixed = patient.fixed_physician_id
    if fixed is not None and _physician_of(repository.user(session, fixed), slot.organisation_id):
        return fixed
    return None


def _make_available(
    ctx: Context,
    slot: PhysicianSlot,
    physician_id: uuid.UUID,
    day: date,
    patient: Patient,
    times: rules.SlotTimes,
    now: datetime,
) -> None:
    """The physician works the slot's window that day (the day plan routes only staff on a
    shift): a shift from the slot's place (else their latest shift's, else the patient's
    home) when they have none, or theirs widened to cover the window (decision 0019)."""
    lo, hi = rules.shift_span(times, slot.visit_minutes)
    start, end = rules.local_moment(day, lo), rules.local_moment(day, hi)
    shift = repository.shift_of(ctx.session, physician_id, day)
    if shift is not None:
        if as_utc(shift.start) > start or as_utc(shift.end) < end:
            shift.start = min(as_utc(shift.start), start)
            shift.end = max(as_utc(shift.end), end)
            shift.updated_by_id = ctx.actor.user_id
            shift.updated_at = now
        return
    place = _start_place(ctx.session, slot, physician_id, day, patient)
    if place is None:
        return  # nowhere to set out from: the day plan says the visit has no staff
    repository.add(
        ctx.session,
        StaffShift(
            user_id=physician_id,
            organisation_id=slot.organisation_id,
            date=day,
            start=start,
            end=end,
            start_lat=place[0],
            start_lon=place[1],
            end_lat=place[0],
            end_lon=place[1],
            created_by_id=ctx.actor.user_id,
            created_at=now,
        ),
    )


def _start_place(
    session: Session, slot: PhysicianSlot, physician_id: uuid.UUID, day: date, patient: Patient
) -> tuple[float, float] | None:
    if slot.start_lat is not None and slot.start_lon is not None:
        return slot.start_lat, slot.start_lon
    latest = repository.latest_shift_before(session, physician_id, day)
    if latest is not None:
        return latest.start_lat, latest.start_lon
    if patient.latitude is not None and patient.longitude is not None:
        return patient.latitude, patient.longitude
    return None


# -- planned reviews ----------------------------------------------------------------------------


def create_review(
    ctx: Context, patient_id: uuid.UUID, data: ReviewCreate, *, now: datetime | None = None
) -> ReviewView:
    """Plan regular physician visits or medication reviews for the patient."""
    now = now or utcnow()
    review_id = uuid.uuid4()
    require_patient_access(
        ctx,
        patient_id,
        permission=Permission.PHYSICIAN_VISIT_BOOK,
        action="create",
        resource_type=REVIEW,
        resource_id=review_id,
        subject=f"patient {patient_id}",
    )
    session = ctx.session
    patient = repository.patient(session, patient_id)
    assert patient is not None  # noqa: S101 - require_patient_access found the patient
    today = now.astimezone(STOCKHOLM).date()
    if data.first_date < today:
        raise InvalidInput(
            problem(
                "physicianvisit.first_date_past",
                field="first_date",
                date=data.first_date,
                today=today,
            )
        )
    physician = _review_physician(session, data.physician_id, patient)
    organisation = repository.organisation(session, physician.organisation_id)
    assert organisation is not None  # noqa: S101 - a foreign key keeps it
    episode = _care_at_home(session, patient_id)
    if episode is not None:
        refusal = _cannot_take_part(session, episode, organisation)
        if refusal is not None:
            raise Conflict(refusal)
        _take_part(ctx, episode, organisation)
    review = PhysicianReview(
        id=review_id,
        patient_id=patient_id,
        kind=data.kind.value,
        interval_days=data.interval_days,
        next_due=data.first_date,
        physician_id=data.physician_id,
        organisation_id=organisation.id,
        duration_min=data.duration_min,
        note=data.note,
        active=True,
        made=[],
        created_by_id=ctx.actor.user_id,
        created_at=now,
    )
    repository.add(session, review)
    return _review_view(session, review)


def list_reviews(ctx: Context, patient_id: uuid.UUID) -> list[ReviewView]:
    """The patient's planned reviews, the active ones first."""
    require_patient_access(
        ctx,
        patient_id,
        permission=Permission.PATIENT_READ,
        action="read",
        resource_type=REVIEW,
        subject=f"patient {patient_id}",
    )
    return [
        _review_view(ctx.session, r) for r in repository.reviews_of_patient(ctx.session, patient_id)
    ]


def update_review(ctx: Context, review_id: uuid.UUID, data: ReviewUpdate) -> ReviewView:
    """Change a review's interval, next date, physician, length or note."""
    review = _review_for_change(ctx, review_id)
    given = data.model_fields_set
    if "physician_id" in given:
        patient = repository.patient(ctx.session, review.patient_id)
        assert patient is not None  # noqa: S101 - a foreign key keeps it
        physician = _review_physician(ctx.session, data.physician_id, patient)
        review.physician_id = data.physician_id
        review.organisation_id = physician.organisation_id
    if data.interval_days is not None:
        review.interval_days = data.interval_days
    if data.next_due is not None:
        review.next_due = data.next_due
    if data.duration_min is not None:
        review.duration_min = data.duration_min
    if "note" in given:
        review.note = data.note
    review.updated_by_id = ctx.actor.user_id
    review.updated_at = utcnow()
    ctx.session.flush()
    return _review_view(ctx.session, review)


def deactivate_review(ctx: Context, review_id: uuid.UUID) -> ReviewView:
    """End a planned review: no more visits are made from it, and those made for today or
    later that are not under way are cancelled (their day plans marked out of date)."""
    review = _review_for_change(ctx, review_id)
    review.active = False
    review.updated_by_id = ctx.actor.user_id
    review.updated_at = utcnow()
    today = utcnow().astimezone(STOCKHOLM).date()
    ids = [uuid.UUID(m["visit"]) for m in review.made if date.fromisoformat(m["date"]) >= today]
    open_visits = [v for v in repository.visits(ctx.session, ids, lock=True) if v.status in OPEN]
    for visit in open_visits:
        _move(ctx, visit, S.CANCELLED, "the planned physician review was ended")
    ctx.session.flush()
    dayplans.mark_out_of_date(ctx, open_visits, REVIEW_ENDED_CAUSE)
    return _review_view(ctx.session, review)


def make_review_visits(
    ctx: Context, day: date, organisation_ids: Iterable[uuid.UUID]
) -> list[Visit]:
    """The date's visits from planned reviews of these organisations (called by
    ``visits.service.generate``, which checked the caller's permission and organisations).
    A review due on the date or before, active, whose patient has open care at home, makes
    one physician visit on the date and moves on by its interval; made twice, one visit."""
    session = ctx.session
    made: list[Visit] = []
    now = utcnow()
    for review, patient in repository.due_reviews(session, list(organisation_ids), day):
        made_on = [date.fromisoformat(m["date"]) for m in review.made]
        if not rules.review_due(review.next_due, day, made_on):
            continue
        episode = _care_at_home(session, patient.id)
        if episode is None:
            continue  # waits until the patient is cared for at home again
        organisation = repository.organisation(session, review.organisation_id)
        if organisation is None or _cannot_take_part(session, episode, organisation):
            continue
        _take_part(ctx, episode, organisation)
        physician_id = review.physician_id
        if physician_id is None and _physician_of(
            repository.user(session, patient.fixed_physician_id)
            if patient.fixed_physician_id
            else None,
            organisation.id,
        ):
            physician_id = patient.fixed_physician_id
        lo, hi = rules.REVIEW_WINDOW
        visit = Visit(
            episode_id=episode.id,
            patient_id=patient.id,
            date=day,
            activity_key=None,
            occurrence=None,
            what=rules.WHAT_REVIEW[review.kind],
            window_start=rules.local_moment(day, lo),
            window_end=rules.local_moment(day, hi),
            duration_min=review.duration_min,
            skills=[],
            role=PHYSICIAN,
            organisation_kind=organisation.kind,
            organisation_id=organisation.id,
            priority=DEFAULT_PRIORITY,
            source=SOURCE_REVIEW,
            status=S.PLANNED.value,
            requested_user_id=physician_id,
            history=[],
            created_by_id=ctx.actor.user_id,
            created_at=now,
        )
        repository.add(session, visit)
        review.made = [*review.made, {"date": day.isoformat(), "visit": str(visit.id)}]
        review.next_due = rules.next_due_after(day, review.interval_days)
        review.updated_at = now
        review.updated_by_id = ctx.actor.user_id
        ctx.log.record(
            patient_id=patient.id,
            action="create",
            resource_type=VISIT,
            resource_id=visit.id,
            allowed=True,
            reason="visit made from a planned physician review",
        )
        made.append(visit)
    session.flush()
    return made


def _review_for_change(ctx: Context, review_id: uuid.UUID) -> PhysicianReview:
    review = repository.review(ctx.session, review_id, lock=True)
    if review is None:
        raise not_found(ctx, "physician review", review_id, action="update", resource_type=REVIEW)
    require_patient_access(
        ctx,
        review.patient_id,
        permission=Permission.PHYSICIAN_VISIT_BOOK,
        action="update",
        resource_type=REVIEW,
        resource_id=review.id,
        subject=f"physician review {review.id}",
    )
    return review


def _review_physician(session: Session, physician_id: uuid.UUID | None, patient: Patient) -> User:
    """The physician a review names, else the patient's fixed physician (who must exist)."""
    if physician_id is not None:
        user = repository.user(session, physician_id)
        if user is None or not user.active or user.role != PHYSICIAN:
            raise InvalidInput(
                problem(
                    "physicianvisit.not_a_physician", field="physician_id", user=str(physician_id)
                )
            )
        return user
    fixed = (
        repository.user(session, patient.fixed_physician_id) if patient.fixed_physician_id else None
    )
    if fixed is None or not fixed.active:
        raise InvalidInput(problem("physicianvisit.no_physician", field="physician_id"))
    return fixed


def _review_view(session: Session, review: PhysicianReview) -> ReviewView:
    person = repository.user(session, review.physician_id) if review.physician_id else None
    return ReviewView(review, person.full_name if person else None)
