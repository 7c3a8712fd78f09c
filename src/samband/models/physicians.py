"""Physician support across organisations (issue 13, decision 0018).

- ``PatientAssignment``: every change of a patient's fixed physician (*patientansvarig
  läkare*) or fixed care contact (*fast vårdkontakt*), who made it and when.
- ``PhysicianRequest``: a nurse asks a physician about a patient (*läkarkontakt*, *avrop*), in
  SBAR form, with an urgency and a limit from the agreement between the organisations; routed
  to the fixed physician or the physician on call, escalated when unanswered.
- ``PhysicianSlot`` / ``SlotBooking``: bookable times for physician home visits (e.g. daily
  11–12, bookable until 08:30); a booking makes a visit in the day plan.
- ``PhysicianReview``: planned regular physician visits and medication reviews
  (*läkemedelsgenomgång*) at an agreed interval per patient.
- ``MessageThread`` / ``Message`` / ``MessageRead``: messages between the organisations that
  take part, per patient and per care request, with read receipts.
- ``HospitalStay``: an inpatient stay of a patient cared for at home, and the coordination the
  law requires at discharge (lag 2017:612): the admission notice within 24 hours, the ready
  for discharge date, the SIP invitation within 3 days.
"""

from __future__ import annotations

import datetime as dt
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from samband.models.base import Base, CreatedMixin, IdMixin


class PatientAssignment(IdMixin, CreatedMixin, Base):
    """One change of the patient's fixed physician or fixed care contact."""

    __tablename__ = "patient_assignments"

    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id"), index=True)
    # fixed_physician | fixed_care_contact
    kind: Mapped[str] = mapped_column(String(30))
    from_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    to_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    by_user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    by_organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    reason: Mapped[str | None] = mapped_column(Text)


class PhysicianRequest(IdMixin, CreatedMixin, Base):
    """A nurse's request to a physician about a patient (SBAR). ``created_at`` is when it was
    asked; ``due_at`` the agreed limit for the answer."""

    __tablename__ = "physician_requests"
    __table_args__ = (
        Index("ix_physician_requests_status_due", "status", "due_at"),
        Index("ix_physician_requests_routed_to", "routed_to_user_id", "status"),
    )

    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id"), index=True)
    # the enrolment or episode the patient was in when asked (None: neither open)
    episode_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("episodes.id"), index=True)
    # the visit it was asked from, if any
    visit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("visits.id"))
    asked_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    asking_organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    # acute | same_day | planned
    urgency: Mapped[str] = mapped_column(String(20))
    situation: Mapped[str] = mapped_column(Text)
    background: Mapped[str | None] = mapped_column(Text)
    assessment: Mapped[str | None] = mapped_column(Text)
    recommendation: Mapped[str | None] = mapped_column(Text)
    # the latest vital signs when asked: the set's id and a copy of its values and NEWS2
    observation_set_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("observation_sets.id"))
    vitals: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # the agreement whose limits apply (its key in agreements.yaml) and the limit itself
    agreement: Mapped[str] = mapped_column(String(80))
    due_at: Mapped[datetime]
    # the physicians' organisation asked (the fixed physician's, else the patient's primary
    # care centre)
    physician_organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organisations.id"), index=True
    )
    # who has it now: a user, or a named person of the roster without an account
    routed_to_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    routed_to_name: Mapped[str | None] = mapped_column(String(200))
    routed_to_phone: Mapped[str | None] = mapped_column(String(40))
    # fixed_physician | on_call | organisation_on_call | escalation | forwarded | nobody
    routed_via: Mapped[str] = mapped_column(String(30))
    level: Mapped[int] = mapped_column(Integer, default=0)  # 0 first, +1 per escalation
    # open | answered | cancelled
    status: Mapped[str] = mapped_column(String(20), index=True)
    escalated_at: Mapped[datetime | None]
    # advice | medication_change | home_visit | video | admission | forwarded
    answer_kind: Mapped[str | None] = mapped_column(String(30))
    answer_text: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    # what the answer made: the physician visit booked, the physician it was forwarded to
    answer_visit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("visits.id"))
    forwarded_to_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    # [{"at", "event", "by", "to", "level", "note"}]: asked, routed, escalated, answered, ...
    history: Mapped[list[Any]] = mapped_column(default=list)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime | None]


class PhysicianSlot(IdMixin, CreatedMixin, Base):
    """A recurring bookable time for physician home visits: e.g. Monday–Friday 11:00–12:00,
    bookable until 08:30 the same day, two visits, for a physician or a whole centre."""

    __tablename__ = "physician_slots"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    # None: any physician of the centre (the planner chooses)
    physician_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    # ISO weekdays 1 (Monday) .. 7 (Sunday)
    weekdays: Mapped[list[Any]] = mapped_column(default=list)
    start_time: Mapped[str] = mapped_column(String(5))  # "11:00", local time
    end_time: Mapped[str] = mapped_column(String(5))  # "12:00"
    book_by: Mapped[str] = mapped_column(String(5))  # "08:30" the same day
    capacity: Mapped[int] = mapped_column(Integer, default=1)  # visits per day
    visit_minutes: Mapped[int] = mapped_column(Integer, default=30)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    # where the physician sets out from (the centre): the place of the shift a booking makes
    # when the physician has none that day (decision 0019); None: their latest shift's
    start_lat: Mapped[float | None] = mapped_column(Float)
    start_lon: Mapped[float | None] = mapped_column(Float)
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    updated_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime | None]


class SlotBooking(IdMixin, CreatedMixin, Base):
    """One booked physician home visit in a slot on a date."""

    __tablename__ = "slot_bookings"
    __table_args__ = (Index("ix_slot_bookings_slot_date", "slot_id", "date"),)

    slot_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("physician_slots.id"))
    date: Mapped[dt.date] = mapped_column(Date)
    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id"), index=True)
    visit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("visits.id"))
    request_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("physician_requests.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    booked_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    cancelled_at: Mapped[datetime | None]
    cancelled_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))


class PhysicianReview(IdMixin, CreatedMixin, Base):
    """A planned, recurring physician contact for one patient: a regular home visit or a
    medication review, every ``interval_days``; the next is due ``next_due``."""

    __tablename__ = "physician_reviews"

    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # regular_visit | medication_review
    interval_days: Mapped[int] = mapped_column(Integer)
    next_due: Mapped[dt.date] = mapped_column(Date)
    # None: the patient's fixed physician at the time
    physician_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    duration_min: Mapped[int] = mapped_column(Integer, default=45)
    note: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)
    # the visits made from it: [{"date", "visit"}]
    made: Mapped[list[Any]] = mapped_column(default=list)
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    updated_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime | None]


class MessageThread(IdMixin, CreatedMixin, Base):
    """A conversation about one patient between the organisations taking part: the patient's
    own thread, or one per care request or physician request."""

    __tablename__ = "message_threads"
    __table_args__ = (UniqueConstraint("patient_id", "topic", "topic_id", name="one_per_topic"),)

    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id"), index=True)
    # patient | care_request | physician_request
    topic: Mapped[str] = mapped_column(String(30))
    # the care request's or physician request's id; the patient's id for the patient thread
    topic_id: Mapped[uuid.UUID]
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    last_message_at: Mapped[datetime | None]


class Message(IdMixin, CreatedMixin, Base):
    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_thread_created", "thread_id", "created_at"),)

    thread_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("message_threads.id"))
    author_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    author_organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    # handover | question | answer | note
    kind: Mapped[str] = mapped_column(String(20), default="note")
    body: Mapped[str] = mapped_column(Text)
    # the named recipients (user ids), notified when it is sent
    recipients: Mapped[list[Any]] = mapped_column(default=list)


class MessageRead(IdMixin, Base):
    """A read receipt: this user read this message at this time (the first time)."""

    __tablename__ = "message_reads"
    __table_args__ = (UniqueConstraint("message_id", "user_id"),)

    message_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("messages.id"), index=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    read_at: Mapped[datetime]


class HospitalStay(IdMixin, CreatedMixin, Base):
    """An inpatient stay (*slutenvård*) of a patient cared for at home, and the coordination
    at its discharge (lag 2017:612)."""

    __tablename__ = "hospital_stays"
    __table_args__ = (Index("ix_hospital_stays_open", "patient_id", "discharged_at"),)

    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id"))
    # the home health care enrolment or hospital-at-home episode the patient came from
    episode_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("episodes.id"), index=True)
    # the ward or clinic that admitted the patient
    hospital_organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    ward: Mapped[str | None] = mapped_column(String(200))
    admitted_at: Mapped[datetime] = mapped_column(index=True)
    # the admission notice (inskrivningsmeddelande) to the municipality and primary care:
    # due 24 hours after admission
    admission_notice_sent_at: Mapped[datetime | None]
    admission_notice_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    # the organisations it was sent to (ids)
    notice_to: Mapped[list[Any]] = mapped_column(default=list)
    expected_discharge_on: Mapped[dt.date | None] = mapped_column(Date)
    # utskrivningsklar: the date the physician judged the patient ready for discharge
    ready_for_discharge_on: Mapped[dt.date | None] = mapped_column(Date)
    ready_set_at: Mapped[datetime | None]
    ready_set_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    discharged_at: Mapped[datetime | None] = mapped_column(index=True)
    # whether a SIP (samordnad individuell plan) is needed; the invitation is due 3 days after
    # discharge
    sip_needed: Mapped[bool | None]
    sip_invited_at: Mapped[datetime | None]
    sip_invited_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    sip_meeting_at: Mapped[datetime | None]
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    updated_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime | None]
    # [{"at", "event", "by", "data"}]: admitted, notice sent, ready, discharged, SIP, ...
    history: Mapped[list[Any]] = mapped_column(default=list)
