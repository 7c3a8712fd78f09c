"""The shapes of the pilots API."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from samband.kit.errors import problem
from samband.kit.schemas import FREE_TEXT, NAME, ReadModel, refused

Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000), FREE_TEXT
]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), NAME]
Key = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64), NAME]


class Classification(StrEnum):
    """The four kinds of barrier of the seed report (docs/pilots.md)."""

    STRUCTURE = "structure"  # struktur
    CULTURE = "culture"  # kultur
    PRACTICE = "practice"  # praktik
    SOCIETY = "society"  # samhälle/kontext


class EntryKind(StrEnum):
    OBSERVATION = "observation"
    BARRIER = "barrier"


class AssumptionStatus(StrEnum):
    OPEN = "open"
    CONFIRMED = "confirmed"
    REFUTED = "refuted"


class ComparisonKind(StrEnum):
    PERIOD = "period"  # the same scope in another period
    UNIT = "unit"  # the same period in another organisation


class PilotCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    purpose: Text
    organisations: list[Key] = Field(
        default_factory=list,
        max_length=20,
        description="organisation codes taking part (yours is always included)",
    )
    pathways: list[Key] = Field(default_factory=list, max_length=20)
    episode_types: list[Key] = Field(default_factory=list, max_length=2)
    units: list[Key] = Field(default_factory=list, max_length=50, description="unit codes")
    period_start: date
    period_end: date
    comparison_kind: ComparisonKind
    comparison_start: date | None = None
    comparison_end: date | None = None
    comparison_organisation: Key | None = Field(
        default=None, description="organisation code (comparison_kind unit)"
    )
    assumptions: list[Text] = Field(default_factory=list, max_length=30)

    @model_validator(mode="after")
    def _periods(self) -> PilotCreate:
        if self.period_end < self.period_start:
            raise refused(problem("pilot.period_reversed", field="period_end"))
        if self.comparison_kind is ComparisonKind.PERIOD:
            if self.comparison_start is None or self.comparison_end is None:
                raise refused(problem("pilot.comparison_period_missing", field="comparison_start"))
            if self.comparison_end < self.comparison_start:
                raise refused(problem("pilot.comparison_reversed", field="comparison_end"))
        elif self.comparison_organisation is None:
            raise refused(problem("pilot.comparison_unit_missing", field="comparison_organisation"))
        return self


class PilotUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    purpose: Text | None = None
    next_iteration: Text | None = None


class LogEntryCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: EntryKind
    classification: Classification
    description: Text
    action_taken: Text | None = None
    occurred_on: date


class AssumptionUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: AssumptionStatus
    note: Text | None = None


class AssumptionRead(ReadModel):
    id: uuid.UUID
    text: str
    status: str
    note: str | None
    updated_by_id: uuid.UUID
    updated_at: datetime


class LogEntryRead(ReadModel):
    id: uuid.UUID
    kind: str
    classification: str
    description: str
    action_taken: str | None
    occurred_on: date
    recorded_by_id: uuid.UUID
    created_at: datetime


class PilotRead(ReadModel):
    id: uuid.UUID
    name: str
    purpose: str
    organisations: list[str]
    pathways: list[str]
    episode_types: list[str]
    units: list[str]
    period_start: date
    period_end: date
    comparison_kind: str
    comparison_start: date | None
    comparison_end: date | None
    comparison_organisation: str | None
    next_iteration: str | None
    assumptions: list[AssumptionRead]
    log: list[LogEntryRead]
    created_by_id: uuid.UUID
    created_at: datetime
    updated_by_id: uuid.UUID
    updated_at: datetime


class PilotSummary(ReadModel):
    id: uuid.UUID
    name: str
    period_start: date
    period_end: date
    organisations: list[str]
