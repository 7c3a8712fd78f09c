"""Enrolment in the municipality's home health care (inskriven i hemsjukvården), and the
patient's fixed physician and fixed care contact, over HTTP (decision 0018)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from samband.kit.schemas import ReadModel, Text


class EndReason(StrEnum):
    """Why an enrolment ends."""

    NO_LONGER_NEEDED = "no_longer_needed"  # the patient can visit primary care again
    MOVED = "moved"  # moved to another municipality
    SPECIAL_HOUSING = "special_housing"  # särskilt boende: its own home health care
    DECEASED = "deceased"
    OTHER = "other"


class EnrolmentCreate(BaseModel):
    """Enrol the patient in your organisation's home health care (a municipal home health
    care organisation's staff)."""

    model_config = ConfigDict(extra="forbid")

    unit_id: uuid.UUID | None = Field(
        default=None, description="the responsible unit (default: yours); of your organisation"
    )
    care_contact_id: uuid.UUID | None = Field(
        default=None,
        description="the patient's fixed care contact (fast vårdkontakt): an active licensed "
        "member of staff",
    )
    fixed_physician_id: uuid.UUID | None = Field(
        default=None,
        description="the patient's fixed physician (patientansvarig läkare), e.g. at the "
        "primary care centre; their organisation takes part in the enrolment",
    )
    started_at: AwareDatetime | None = Field(
        default=None, description="when the enrolment began (default: now); not in the future"
    )
    shared_records_consent: bool | None = Field(
        default=None,
        description="the patient's consent to shared records (sammanhållen journalföring): "
        "the region's organisations taking part (primary care) read the enrolment's record "
        "only with it",
    )
    reason: Text | None = Field(
        default=None,
        description="required when your organisation has no care relationship with the "
        "patient yet: the enrolment starts one, which the auditor reviews (decision 0010)",
    )


class EnrolmentEnd(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: EndReason
    note: Text | None = None


class AssignmentWrite(BaseModel):
    """Set (a user's id) or remove (null) the patient's fixed physician or care contact."""

    model_config = ConfigDict(extra="forbid")

    user_id: uuid.UUID | None
    reason: Text | None = None


class StaffRead(BaseModel):
    """A named member of staff as the patient's contacts show them."""

    id: uuid.UUID
    name: str
    role: str
    organisation_id: uuid.UUID
    organisation_name: str
    phone: str | None = Field(description="the person's own number, else the organisation's")


class ParticipantRead(ReadModel):
    organisation_id: uuid.UUID
    role: str


class EnrolmentRead(BaseModel):
    id: uuid.UUID = Field(description="the enrolment's id: an episode of kind home_health_care")
    patient_id: uuid.UUID
    kind: str
    state: str = Field(description="at_home while enrolled, ended after")
    started_at: datetime | None
    ended_at: datetime | None
    end_reason: str | None
    responsible_unit_id: uuid.UUID
    unit_name: str
    organisation_id: uuid.UUID
    organisation_name: str
    care_contact: StaffRead | None
    fixed_physician: StaffRead | None
    shared_records_consent: bool | None
    participants: list[ParticipantRead]
    version: int
    created_at: datetime


class FixedStaffRead(BaseModel):
    """The patient's fixed physician and fixed care contact now."""

    patient_id: uuid.UUID
    fixed_physician: StaffRead | None
    fixed_care_contact: StaffRead | None


class AssignmentRead(BaseModel):
    id: uuid.UUID
    patient_id: uuid.UUID
    kind: str = Field(description="fixed_physician | fixed_care_contact")
    from_user: StaffRead | None
    to_user: StaffRead | None
    by_user_id: uuid.UUID
    by_name: str
    by_organisation_id: uuid.UUID
    by_organisation_name: str
    reason: str | None
    created_at: datetime
