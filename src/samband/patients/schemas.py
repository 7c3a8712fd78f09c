from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from samband.enrolments.schemas import StaffRead
from samband.kit import personnummer
from samband.kit.schemas import Phone, ReadModel, ShortText, Text, refused


class NextOfKin(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: ShortText
    relation: ShortText | None = None
    phone: Phone | None = None


class _PatientFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    street_address: ShortText | None = None
    postal_code: str | None = Field(default=None, pattern=r"^[0-9]{3} ?[0-9]{2}$")
    city: ShortText | None = None
    latitude: float | None = Field(default=None, ge=55.0, le=69.5, description="WGS84, Sweden")
    longitude: float | None = Field(default=None, ge=10.5, le=24.5, description="WGS84, Sweden")
    phone: Phone | None = None
    next_of_kin: list[NextOfKin] | None = Field(default=None, max_length=10)
    listed_primary_care_id: uuid.UUID | None = None
    home_municipality: ShortText | None = None
    language: str | None = Field(default=None, pattern=r"^[a-z]{2,3}$", description="ISO 639")
    interpreter_needed: bool | None = None
    what_matters: Text | None = Field(default=None, description="'What matters to you?'")


class PatientCreate(_PatientFields):
    personnummer: str = Field(
        description="personnummer or samordningsnummer, 10 or 12 digits, '-' or '+' optional",
        examples=["19121212-1212"],
    )
    given_name: ShortText
    family_name: ShortText

    @field_validator("personnummer")
    @classmethod
    def _valid(cls, value: str) -> str:
        try:
            return personnummer.parse(value).digits
        except personnummer.InvalidIdentityNumber as exc:
            raise refused(exc.problem) from None


class PatientUpdate(_PatientFields):
    given_name: ShortText | None = None
    family_name: ShortText | None = None


class PatientRead(ReadModel):
    id: uuid.UUID
    personnummer: str
    identifier_kind: str
    birth_date: date
    given_name: str
    family_name: str
    street_address: str | None
    postal_code: str | None
    city: str | None
    latitude: float | None
    longitude: float | None
    phone: str | None
    next_of_kin: list[NextOfKin]
    listed_primary_care_id: uuid.UUID | None
    home_municipality: str | None
    language: str
    interpreter_needed: bool
    what_matters: str | None
    created_at: datetime
    updated_at: datetime | None
    # the fixed physician (patientansvarig läkare) and fixed care contact (fast vårdkontakt):
    # on the patient, outlasting episodes (PUT …/fixed-physician, …/fixed-care-contact)
    fixed_physician_id: uuid.UUID | None = None
    fixed_care_contact_id: uuid.UUID | None = None
    fixed_physician: StaffRead | None = None
    fixed_care_contact: StaffRead | None = None


class EmergencyAccessCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(
        min_length=10,
        max_length=2000,
        description="why you need the record without a care relationship (nödåtkomst)",
    )


class EmergencyAccessRead(ReadModel):
    id: uuid.UUID
    patient_id: uuid.UUID
    user_id: uuid.UUID
    reason: str
    created_at: datetime
    expires_at: datetime


class BlockCreate(BaseModel):
    """The patient blocks your organisation's documentation from every other organisation."""

    model_config = ConfigDict(extra="forbid")

    reason: Text | None = None


class BlockLift(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Text = Field(description="the patient's request to lift the block")


class BlockRead(ReadModel):
    id: uuid.UUID
    patient_id: uuid.UUID
    organisation_id: uuid.UUID
    reason: str | None
    created_at: datetime
    lifted_at: datetime | None
    lift_reason: str | None
