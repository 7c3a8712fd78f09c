"""The shapes of the samples-and-results API (issue 14)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from samband.kit.schemas import FREE_TEXT, ReadModel

TestKey = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=30)]
Note = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000), FREE_TEXT
]


class Source(StrEnum):
    MANUAL = "manual"
    FHIR = "fhir"


class OrderStatus(StrEnum):
    ORDERED = "ordered"
    TAKEN = "taken"
    CANCELLED = "cancelled"


class LabResultCreate(BaseModel):
    """A result entered by hand: the test (its key, e.g. crp, or its LOINC code), the value in
    the test's UCUM unit, when the sample was taken; the reference range is the test's
    default unless given."""

    model_config = ConfigDict(extra="forbid")

    episode_id: uuid.UUID | None = Field(
        default=None, description="the episode (else the patient's open episode)"
    )
    patient_id: uuid.UUID | None = Field(default=None, description="when no episode is named")
    test: TestKey = Field(description="crp, hb, wbc, plt, creatinine, … or a LOINC code")
    value: float = Field(allow_inf_nan=False)
    unit: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)]
    taken_at: AwareDatetime = Field(description="when the sample was taken, with a time zone")
    ref_low: float | None = Field(default=None, allow_inf_nan=False)
    ref_high: float | None = Field(default=None, allow_inf_nan=False)
    sample_order_id: uuid.UUID | None = Field(
        default=None, description="the order it answers (else the open order of its test)"
    )
    client_id: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
        | None
    ) = Field(default=None, description="your key: the same key again stores nothing new")
    note: Note | None = None


class LabResultRead(ReadModel):
    id: uuid.UUID
    patient_id: uuid.UUID
    episode_id: uuid.UUID
    test: str
    loinc: str
    value: float
    unit: str
    ref_low: float | None
    ref_high: float | None
    flag: str | None = Field(description="H above the reference range, L below it")
    taken_at: datetime
    received_at: datetime
    source: Source
    status: str
    sample_order_id: uuid.UUID | None
    identifier: str | None
    recorded_by_id: uuid.UUID
    note: str | None


class SampleOrderCreate(BaseModel):
    """Samples ordered by hand for a day of the episode."""

    model_config = ConfigDict(extra="forbid")

    tests: list[TestKey] = Field(min_length=1, max_length=20, description="e.g. crp, blood_count")
    due_date: date
    note: Note | None = None


class SampleTaken(BaseModel):
    model_config = ConfigDict(extra="forbid")

    taken_at: AwareDatetime | None = Field(default=None, description="now when not given")
    note: Note | None = None


class SampleOrderRead(BaseModel):
    id: uuid.UUID
    episode_id: uuid.UUID
    patient_id: uuid.UUID
    activity_key: str
    day: int = Field(description="the episode day it is due (day 1: the day home)")
    due_date: date | None = Field(description="null until the episode's start is known")
    tests: list[str]
    status: OrderStatus
    plan_version: int | None
    taken_at: datetime | None
    taken_by_id: uuid.UUID | None
    results: list[uuid.UUID] = Field(description="results linked to it")


class RuleRead(BaseModel):
    rule: str
    status: str = Field(description="met | not_met | not_enough_data")
    why: str = Field(description="in English; the pages show it in the reader's language")


class CriterionEvaluationRead(BaseModel):
    criterion: str
    data: bool = Field(description="checked by the data (false: a manual criterion)")
    status: str | None = Field(description="met | not_met | not_enough_data; null when manual")
    rules: list[RuleRead]


class TestInfo(BaseModel):
    key: str
    loinc: str
    display: str
    unit: str
    ref_low: float | None
    ref_high: float | None
    also_received_as: list[str]
