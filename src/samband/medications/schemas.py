"""The medication list's shapes."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from samband.kit.schemas import FREE_TEXT, NAME, ReadModel


class Route(StrEnum):
    IV = "iv"
    ORAL = "oral"
    SC = "sc"
    IM = "im"
    INHALATION = "inhalation"
    TOPICAL = "topical"
    RECTAL = "rectal"
    OTHER = "other"


class GivenBy(StrEnum):
    PATIENT = "patient"
    NEXT_OF_KIN = "next_of_kin"
    REGISTERED_NURSE = "registered_nurse"
    ASSISTANT_NURSE = "assistant_nurse"
    PHYSICIAN = "physician"


class Status(StrEnum):
    ACTIVE = "active"
    STOPPED = "stopped"


def _text(max_length: int) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)


Drug = Annotated[str, _text(200), NAME]
Dose = Annotated[str, _text(100), NAME]
Schedule = Annotated[str, _text(200), NAME]
SuppliedBy = Annotated[str, _text(200), NAME]
Note = Annotated[str, _text(2000), FREE_TEXT]
Days = Annotated[int, Field(ge=1, le=365)]
StartDate = Annotated[date, Field(ge=date(2000, 1, 1), le=date(2100, 12, 31))]


class MedicationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    episode_id: uuid.UUID
    drug: Drug = Field(examples=["Cefotaxim 1 g"])
    dose: Dose = Field(examples=["1 g"])
    route: Route
    schedule: Schedule = Field(examples=["3 times a day", "08:00 16:00 24:00"])
    given_by: GivenBy
    given_by_organisation_id: uuid.UUID | None = Field(
        default=None, description="the participating organisation whose staff give it"
    )
    supplied_by: SuppliedBy = Field(examples=["infection ward, packed at discharge"])
    days: Days | None = Field(default=None, description="for how many days")
    start_date: StartDate | None = None
    note: Note | None = None


class MedicationUpdate(BaseModel):
    """Change what is given; only the fields you send change. Send null to clear
    given_by_organisation_id, days, start_date or note."""

    model_config = ConfigDict(extra="forbid")

    drug: Drug | None = None
    dose: Dose | None = None
    route: Route | None = None
    schedule: Schedule | None = None
    given_by: GivenBy | None = None
    given_by_organisation_id: uuid.UUID | None = None
    supplied_by: SuppliedBy | None = None
    days: Days | None = None
    start_date: StartDate | None = None
    note: Note | None = None


class MedicationStop(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Note = Field(description="why the medication is stopped")


class MedicationRead(ReadModel):
    id: uuid.UUID
    episode_id: uuid.UUID
    drug: str
    dose: str
    route: str
    schedule: str
    given_by: str
    given_by_organisation_id: uuid.UUID | None
    supplied_by: str
    days: int | None
    start_date: date | None
    note: str | None
    status: Status
    stop_reason: str | None
    created_at: datetime
    created_by_id: uuid.UUID
    updated_at: datetime | None
    updated_by_id: uuid.UUID | None
