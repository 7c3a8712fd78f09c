"""Every query of physician slots, bookings and planned reviews."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from samband.models import (
    Episode,
    EpisodeParticipant,
    Organisation,
    Patient,
    PhysicianRequest,
    PhysicianReview,
    PhysicianSlot,
    SlotBooking,
    StaffShift,
    Unit,
    User,
    Visit,
)
from samband.security.repository import Visibility, visible_patients_clause


def add(session: Session, thing: object) -> None:
    session.add(thing)
    session.flush()


# -- the directory ------------------------------------------------------------------------------


def organisation(session: Session, organisation_id: uuid.UUID) -> Organisation | None:
    return session.get(Organisation, organisation_id)


def organisations(session: Session, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Organisation]:
    if not ids:
        return {}
    rows = session.scalars(select(Organisation).where(Organisation.id.in_(sorted(ids))))
    return {o.id: o for o in rows}


def user(session: Session, user_id: uuid.UUID) -> User | None:
    return session.get(User, user_id)


def users(session: Session, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, User]:
    if not ids:
        return {}
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(sorted(ids))))}


def physicians_of(session: Session, organisation_id: uuid.UUID, role: str) -> list[User]:
    """The organisation's active users of the role, by name."""
    return list(
        session.scalars(
            select(User)
            .where(
                User.organisation_id == organisation_id,
                User.role == role,
                User.active.is_(True),
            )
            .order_by(User.full_name, User.id)
        )
    )


def patient(session: Session, patient_id: uuid.UUID) -> Patient | None:
    return session.get(Patient, patient_id)


def physician_request(session: Session, request_id: uuid.UUID) -> PhysicianRequest | None:
    return session.get(PhysicianRequest, request_id)


# -- episodes -----------------------------------------------------------------------------------


def episodes_in_state(session: Session, patient_id: uuid.UUID, state: str) -> list[Episode]:
    """The patient's episodes in this state (the open ones at home), with participants."""
    return list(
        session.scalars(
            select(Episode)
            .where(Episode.patient_id == patient_id, Episode.state == state)
            .options(selectinload(Episode.participants))
            .order_by(Episode.created_at, Episode.id)
        )
    )


def responsible_organisation(session: Session, episode: Episode) -> Organisation | None:
    return session.scalar(
        select(Organisation)
        .join(Unit, Unit.organisation_id == Organisation.id)
        .where(Unit.id == episode.responsible_unit_id)
    )


def participant(
    session: Session, episode_id: uuid.UUID, organisation_id: uuid.UUID
) -> EpisodeParticipant | None:
    return session.scalar(
        select(EpisodeParticipant).where(
            EpisodeParticipant.episode_id == episode_id,
            EpisodeParticipant.organisation_id == organisation_id,
        )
    )


# -- slots --------------------------------------------------------------------------------------


def slot(session: Session, slot_id: uuid.UUID, *, lock: bool = False) -> PhysicianSlot | None:
    """One slot; ``lock``: SELECT … FOR UPDATE, which serialises the slot's bookings."""
    query = select(PhysicianSlot).where(PhysicianSlot.id == slot_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.scalar(query)


def slots(
    session: Session, organisation_id: uuid.UUID, *, include_inactive: bool = False
) -> list[PhysicianSlot]:
    query = select(PhysicianSlot).where(PhysicianSlot.organisation_id == organisation_id)
    if not include_inactive:
        query = query.where(PhysicianSlot.active.is_(True))
    return list(
        session.scalars(
            query.order_by(PhysicianSlot.active.desc(), PhysicianSlot.start_time, PhysicianSlot.id)
        )
    )


def organisations_with_slots(session: Session) -> list[Organisation]:
    """The organisations that offer at least one active slot, by name."""
    offering = select(PhysicianSlot.organisation_id).where(PhysicianSlot.active.is_(True))
    return list(
        session.scalars(
            select(Organisation)
            .where(Organisation.id.in_(offering))
            .order_by(Organisation.name, Organisation.id)
        )
    )


# -- bookings -----------------------------------------------------------------------------------


def booking(session: Session, booking_id: uuid.UUID, *, lock: bool = False) -> SlotBooking | None:
    query = select(SlotBooking).where(SlotBooking.id == booking_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.scalar(query)


def active_bookings(
    session: Session, slot_ids: Collection[uuid.UUID], day: date, cancelled: str
) -> list[tuple[SlotBooking, Visit]]:
    """The slots' bookings on the date that hold a place: not cancelled, and their visit not
    cancelled either (e.g. when the episode ended)."""
    if not slot_ids:
        return []
    rows = session.execute(
        select(SlotBooking, Visit)
        .join(Visit, Visit.id == SlotBooking.visit_id)
        .where(
            SlotBooking.slot_id.in_(sorted(slot_ids)),
            SlotBooking.date == day,
            SlotBooking.cancelled_at.is_(None),
            Visit.status != cancelled,
        )
        .order_by(SlotBooking.created_at, SlotBooking.id)
    )
    return [(b, v) for b, v in rows.tuples()]


def bookings_of_organisation(
    session: Session, organisation_id: uuid.UUID, day: date, visibility: Visibility
) -> list[tuple[SlotBooking, PhysicianSlot, Visit, Patient]]:
    """The date's bookings of the organisation's slots, of patients the caller may see."""
    rows = session.execute(
        select(SlotBooking, PhysicianSlot, Visit, Patient)
        .join(PhysicianSlot, PhysicianSlot.id == SlotBooking.slot_id)
        .join(Visit, Visit.id == SlotBooking.visit_id)
        .join(Patient, Patient.id == SlotBooking.patient_id)
        .where(
            PhysicianSlot.organisation_id == organisation_id,
            SlotBooking.date == day,
            visible_patients_clause(Patient.id, visibility),
        )
        .order_by(PhysicianSlot.start_time, SlotBooking.created_at, SlotBooking.id)
    )
    return [(b, s, v, p) for b, s, v, p in rows.tuples()]


def bookings_of_patient(
    session: Session, patient_id: uuid.UUID, since: date
) -> list[tuple[SlotBooking, PhysicianSlot, Visit]]:
    rows = session.execute(
        select(SlotBooking, PhysicianSlot, Visit)
        .join(PhysicianSlot, PhysicianSlot.id == SlotBooking.slot_id)
        .join(Visit, Visit.id == SlotBooking.visit_id)
        .where(SlotBooking.patient_id == patient_id, SlotBooking.date >= since)
        .order_by(SlotBooking.date, PhysicianSlot.start_time, SlotBooking.id)
    )
    return [(b, s, v) for b, s, v in rows.tuples()]


def slot_and_visit(
    session: Session, booking: SlotBooking, *, lock: bool = False
) -> tuple[PhysicianSlot, Visit]:
    visit_query = select(Visit).where(Visit.id == booking.visit_id)
    if lock:
        visit_query = visit_query.with_for_update().execution_options(populate_existing=True)
    found_slot = session.get(PhysicianSlot, booking.slot_id)
    found_visit = session.scalar(visit_query)
    assert found_slot is not None  # noqa: S101 - a foreign key keeps the slot
    assert found_visit is not None  # noqa: S101 - and the visit
    return found_slot, found_visit


# -- visits and shifts --------------------------------------------------------------------------


def visits(session: Session, ids: Collection[uuid.UUID], *, lock: bool = False) -> list[Visit]:
    if not ids:
        return []
    query = select(Visit).where(Visit.id.in_(sorted(ids))).order_by(Visit.date, Visit.id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return list(session.scalars(query))


def shift_of(session: Session, user_id: uuid.UUID, day: date) -> StaffShift | None:
    """The user's shift on the date, locked (one per person and date)."""
    return session.scalar(
        select(StaffShift)
        .where(StaffShift.user_id == user_id, StaffShift.date == day)
        .with_for_update()
    )


def latest_shift_before(session: Session, user_id: uuid.UUID, day: date) -> StaffShift | None:
    """The user's most recent shift before the date (where they usually set out from)."""
    return session.scalar(
        select(StaffShift)
        .where(StaffShift.user_id == user_id, StaffShift.date < day)
        .order_by(StaffShift.date.desc(), StaffShift.id)
        .limit(1)
    )


# -- planned reviews ----------------------------------------------------------------------------


def review(session: Session, review_id: uuid.UUID, *, lock: bool = False) -> PhysicianReview | None:
    query = select(PhysicianReview).where(PhysicianReview.id == review_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.scalar(query)


def reviews_of_patient(session: Session, patient_id: uuid.UUID) -> list[PhysicianReview]:
    return list(
        session.scalars(
            select(PhysicianReview)
            .where(PhysicianReview.patient_id == patient_id)
            .order_by(PhysicianReview.active.desc(), PhysicianReview.next_due, PhysicianReview.id)
        )
    )


def due_reviews(
    session: Session, organisation_ids: Collection[uuid.UUID], day: date
) -> list[tuple[PhysicianReview, Patient]]:
    """The organisations' active reviews due on the date or before, locked: two makings of
    the same date's visits are serialised, so a review makes one visit."""
    if not organisation_ids:
        return []
    rows = session.execute(
        select(PhysicianReview, Patient)
        .join(Patient, Patient.id == PhysicianReview.patient_id)
        .where(
            PhysicianReview.organisation_id.in_(sorted(organisation_ids)),
            PhysicianReview.active.is_(True),
            PhysicianReview.next_due <= day,
        )
        .order_by(PhysicianReview.next_due, PhysicianReview.id)
        .with_for_update(of=PhysicianReview)
        .execution_options(populate_existing=True)
    )
    return [(r, p) for r, p in rows.tuples()]
