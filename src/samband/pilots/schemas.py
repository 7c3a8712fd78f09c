"""The shapes of the pilots API."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from samband.kit.errors import problem
from samband.kit.schemas import FREE_TEXT, NAME, ReadModel, refused
from samband.pilots.rules import looks_like_identifier

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
    """What a log entry is (seed 000: barriers *and* enablers, unintended effects, stories)."""

    OBSERVATION = "observation"
    BARRIER = "barrier"  # hinder
    ENABLER = "enabler"  # möjliggörare
    UNINTENDED_EFFECT = "unintended_effect"  # oavsedd effekt
    PATIENT_STORY = "patient_story"  # patientberättelse (no patient identifiers)


# the kinds that must be classified structure | culture | practice | society
CLASSIFIED = (EntryKind.OBSERVATION, EntryKind.BARRIER, EntryKind.ENABLER)


class Phase(StrEnum):
    """Where a barrier or an enabler was met (seed 000, tables 4 and 5)."""

    START = "start"  # från noll till ett: getting something new going
    SCALE = "scale"  # från ett till hundra: spreading what works


class Valence(StrEnum):
    POSITIVE = "positive"
    NEGATIVE = "negative"


class ToldBy(StrEnum):
    PATIENT = "patient"
    NEXT_OF_KIN = "next_of_kin"
    STAFF = "staff"


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
    language: Literal["sv", "en"] = Field(
        default="sv", description="the language the pilot's texts are written in"
    )

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
    """Any of the pilot's fields; what is not sent stays. The periods and the comparison are
    checked as they are after the change (service.update)."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    purpose: Text | None = None
    organisations: list[Key] | None = Field(
        default=None,
        max_length=20,
        description="organisation codes taking part; the first (the pilot's own) and yours stay",
    )
    pathways: list[Key] | None = Field(default=None, max_length=20)
    episode_types: list[Key] | None = Field(default=None, max_length=2)
    units: list[Key] | None = Field(default=None, max_length=50)
    period_start: date | None = None
    period_end: date | None = None
    comparison_kind: ComparisonKind | None = None
    comparison_start: date | None = None
    comparison_end: date | None = None
    comparison_organisation: Key | None = None
    next_iteration: Text | None = None
    language: Literal["sv", "en"] | None = None


class LogEntryCreate(BaseModel):
    """A log entry. Observations, barriers and enablers are classified; barriers and enablers
    may say their phase; an unintended effect says whether it was good or bad; a patient story
    says who told it, has no classification, and (like every entry) no personnummer."""

    model_config = ConfigDict(extra="forbid")

    kind: EntryKind
    classification: Classification | None = None
    description: Text
    action_taken: Text | None = None
    occurred_on: date
    phase: Phase | None = None
    valence: Valence | None = None
    told_by: ToldBy | None = None

    @model_validator(mode="after")
    def _fields_of_the_kind(self) -> LogEntryCreate:
        kind = self.kind
        if kind in CLASSIFIED and self.classification is None:
            raise refused(problem("pilot.log.classification_missing", field="classification"))
        if kind is EntryKind.PATIENT_STORY:
            if self.classification is not None:
                raise refused(problem("pilot.log.story_unclassified", field="classification"))
            if self.told_by is None:
                raise refused(problem("pilot.log.told_by_missing", field="told_by"))
        elif self.told_by is not None:
            raise refused(problem("pilot.log.told_by_only_stories", field="told_by"))
        if kind is EntryKind.UNINTENDED_EFFECT and self.valence is None:
            raise refused(problem("pilot.log.valence_missing", field="valence"))
        if kind is not EntryKind.UNINTENDED_EFFECT and self.valence is not None:
            raise refused(problem("pilot.log.valence_only_effects", field="valence"))
        if self.phase is not None and kind not in (EntryKind.BARRIER, EntryKind.ENABLER):
            raise refused(problem("pilot.log.phase_only_barriers", field="phase"))
        return self

    @field_validator("description", "action_taken")
    @classmethod
    def _no_identifier(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value and looks_like_identifier(value):
            raise refused(problem("pilot.log.identifier", field=info.field_name))
        return value


class AssumptionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: Text


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
    classification: str | None
    description: str
    action_taken: str | None
    occurred_on: date
    phase: str | None
    valence: str | None
    told_by: str | None
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
    language: str
    finished: bool = Field(description="the period has ended (others may then read it)")
    taking_part: bool = Field(description="your organisation takes part (and may edit it)")
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


class FinishedPilotSummary(PilotSummary):
    """Another organisation's finished pilot, to learn from (read only)."""

    purpose: str
    assumptions: dict[str, int] = Field(description="how many are confirmed, refuted, open")
    log: dict[str, int] = Field(description="how many entries of each kind")


class IndicatorRead(ReadModel):
    name: str
    pilot: float | None
    comparison: float | None


class PilotReportRead(ReadModel):
    """A pilot's report: the care form's results next to the comparison (aggregates, no
    episode or patient) and what was learnt (the pilot with its assumptions and log)."""

    pilot: PilotRead
    comparison_label: str
    indicators: list[IndicatorRead]
    notes: list[str]
