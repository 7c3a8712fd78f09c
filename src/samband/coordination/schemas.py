"""Pydantic shapes of hospital stays (lag 2017:612) and the morning list."""

from __future__ import annotations

import datetime as dt
import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from samband.kit.schemas import ShortText, Text


class StayStatus(StrEnum):
    """Which stays a list shows: ``open`` (in hospital, or a SIP invitation still to send),
    ``overdue`` (an admission notice or a SIP invitation past its deadline), ``all``."""

    OPEN = "open"
    OVERDUE = "overdue"
    ALL = "all"


class HospitalStayCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    admitted_at: AwareDatetime | None = Field(
        default=None, description="when the patient was admitted (default now); not in the future"
    )
    ward: ShortText | None = Field(default=None, description="the ward, as the hospital names it")
    expected_discharge_on: date | None = Field(
        default=None, description="the expected discharge date, if known; not before admission"
    )
    reason: Text | None = Field(
        default=None,
        description="needed when your organisation has no care relationship with the patient "
        "yet (an enrolled patient admitted to your hospital): why the patient is in your care; "
        "your organisation then takes part in the home health care enrolment, and the auditor "
        "reviews the new care relationship",
    )


class ReadyForDischarge(BaseModel):
    model_config = ConfigDict(extra="forbid")

    date: dt.date = Field(
        description="the date the physician judged the patient ready for discharge "
        "(utskrivningsklar): not before admission, not after today"
    )


class Discharge(BaseModel):
    model_config = ConfigDict(extra="forbid")

    at: AwareDatetime | None = Field(
        default=None, description="when the patient left hospital (default now)"
    )
    sip_needed: bool = Field(
        description="a SIP meeting (samordnad individuell plan) is needed: the invitation is "
        "then due within 3 days"
    )


class SipInvitation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    meeting_at: AwareDatetime | None = Field(
        default=None, description="when the SIP meeting is to be held, if set"
    )


class HistoryEntry(BaseModel):
    at: datetime
    event: str
    by: str | None = None
    by_name: str | None = None
    organisation: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)


class HospitalStayRead(BaseModel):
    id: uuid.UUID
    patient_id: uuid.UUID
    episode_id: uuid.UUID | None
    hospital_organisation_id: uuid.UUID
    hospital_name: str
    ward: str | None
    status: str = Field(description="in_hospital | discharged")
    admitted_at: datetime
    expected_discharge_on: date | None
    admission_notice_sent_at: datetime | None
    admission_notice_by_id: uuid.UUID | None
    notice_to: list[uuid.UUID] = Field(description="the organisations the notice was sent to")
    notice_due_at: datetime = Field(description="admitted_at + 24 hours")
    notice_overdue: bool = Field(description="not sent, and notice_due_at has passed")
    notice_late: bool = Field(description="sent after notice_due_at")
    ready_for_discharge_on: date | None
    ready_set_at: datetime | None
    ready_set_by_id: uuid.UUID | None
    days_past_ready: int | None = Field(
        description="whole days from ready_for_discharge_on to the discharge date (today while "
        "in hospital), never negative; null without a ready date"
    )
    discharged_at: datetime | None
    sip_needed: bool | None
    sip_due_at: datetime | None = Field(
        description="discharged_at + 3 days (Stockholm calendar days) when a SIP is needed"
    )
    sip_overdue: bool = Field(description="needed, not invited, and sip_due_at has passed")
    sip_invited_at: datetime | None
    sip_invited_by_id: uuid.UUID | None
    sip_meeting_at: datetime | None
    history: list[HistoryEntry]
    created_at: datetime
    created_by_id: uuid.UUID
    updated_at: datetime | None
    updated_by_id: uuid.UUID | None


class MorningEventRead(BaseModel):
    at: datetime
    kind: str = Field(
        description="admitted | discharged | home_started | home_ended | enrolment_started | "
        "enrolment_ended"
    )
    organisation_id: uuid.UUID
    organisation_name: str
    hospital_stay_id: uuid.UUID | None = None
    episode_id: uuid.UUID | None = None
    state: str | None = Field(
        default=None, description="an ended episode's state (discharged, readmitted …)"
    )
    ward: str | None = None


class MorningPatientRead(BaseModel):
    patient_id: uuid.UUID
    personnummer: str
    given_name: str
    family_name: str
    events: list[MorningEventRead]


class MorningListRead(BaseModel):
    since: datetime
    until: datetime
    patients: list[MorningPatientRead] = Field(
        description="your patients (you are their fixed physician) with an event in the last "
        "24 hours, newest event first"
    )
    not_shown: int = Field(
        description="patients of yours your organisation has no care relationship with (not shown)"
    )
