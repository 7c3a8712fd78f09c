"""Pydantic shapes of deviations (avvikelser) across organisations (issue 14)."""

from __future__ import annotations

import datetime as dt
import uuid
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from samband.kit.errors import problem
from samband.kit.schemas import ShortText, Text, refused

MEASURES_MAX = 20


class Category(StrEnum):
    MEDICATION = "medication"
    INFORMATION_TRANSFER = "information_transfer"  # information transfer / communication
    CARE_TREATMENT = "care_treatment"
    FALL = "fall"
    EQUIPMENT = "equipment"  # equipment / medical device
    COORDINATION = "coordination"  # coordination / planning
    OTHER = "other"


class Consequence(StrEnum):
    """The consequence for the patient, mildest first."""

    NONE = "none"
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"
    DEATH = "death"


class Status(StrEnum):
    REPORTED = "reported"
    INVESTIGATING = "investigating"
    ANSWERED = "answered"
    CLOSED = "closed"


class Box(StrEnum):
    CONCERNING = "concerning"  # concerning the caller's organisation (to handle)
    REPORTED = "reported"  # reported by the caller's organisation


class LexMariaDecisionKind(StrEnum):
    REPORTED = "reported"  # reported to IVO (Inspektionen för vård och omsorg)
    NOT_REPORTED = "not_reported"


class PatientSafetyRole(StrEnum):
    """The organisation's responsible role for patient safety, told of a possible Lex Maria
    case: the chief physician (verksamhetschef / chefläkare) in a region, the MAS (medicinskt
    ansvarig sjuksköterska) in a municipality."""

    CHIEF_PHYSICIAN = "chief_physician"
    MAS = "mas"


class PilotClassification(StrEnum):
    """The four kinds of barrier in a pilot's log (docs/pilots.md)."""

    STRUCTURE = "structure"
    CULTURE = "culture"
    PRACTICE = "practice"
    SOCIETY = "society"


class DeviationCreate(BaseModel):
    """A deviation reported about a patient (and one of their episodes, when known)."""

    model_config = ConfigDict(extra="forbid")

    patient_id: uuid.UUID
    episode_id: uuid.UUID | None = Field(
        default=None, description="the episode it happened in (one of the patient's)"
    )
    category: Category
    occurred_at: datetime = Field(description="when it happened (not in the future)")
    description: Text = Field(description="what happened")
    consequence: Consequence = Field(description="for the patient: none … death")
    immediate_action: Text | None = Field(default=None, description="what was done at once")
    concerned_organisation_id: uuid.UUID | None = Field(
        default=None,
        description="the organisation it concerns: the reporter's own (the default) or one "
        "taking part in the episode (the patient's episodes, when no episode is named)",
    )
    lex_maria: bool = Field(
        default=False, description="may need a Lex Maria report (serious harm or its risk)"
    )
    lex_maria_reason: Text | None = Field(
        default=None, validate_default=True, description="why (required with lex_maria)"
    )

    @field_validator("occurred_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise refused(problem("deviation.occurred_at_naive", field="occurred_at"))
        return value

    @field_validator("lex_maria_reason")
    @classmethod
    def _reason(cls, value: str | None, info: ValidationInfo) -> str | None:
        if info.data.get("lex_maria") and not value:
            raise refused(problem("deviation.lex_maria_reason_missing", field="lex_maria_reason"))
        return value


class DeviationInvestigate(BaseModel):
    """The concerned organisation starts investigating; the caller is the investigator."""

    model_config = ConfigDict(extra="forbid")

    note: Text | None = None


class MeasureCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    what: Text = Field(description="what will be done")
    responsible: ShortText = Field(description="who is responsible (a name or a role)")
    due_on: dt.date = Field(description="by when")


class DeviationAnswer(BaseModel):
    """The concerned organisation's answer: what was found, and the measures."""

    model_config = ConfigDict(extra="forbid")

    answer: Text
    measures: list[MeasureCreate] = Field(default_factory=list, max_length=MEASURES_MAX)


class DeviationClose(BaseModel):
    model_config = ConfigDict(extra="forbid")

    closing_note: Text


class LexMariaFlag(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Text = Field(description="why it may need a Lex Maria report")


class LexMariaDecision(BaseModel):
    """The decision about reporting to IVO: reported on a date, or not reported with the
    reason."""

    model_config = ConfigDict(extra="forbid")

    decision: LexMariaDecisionKind
    reported_on: dt.date | None = Field(
        default=None, validate_default=True, description="reported: the date it was sent to IVO"
    )
    reason: Text | None = Field(
        default=None, validate_default=True, description="not_reported: why not"
    )

    @field_validator("reported_on")
    @classmethod
    def _reported_on(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        decision = info.data.get("decision")
        if decision == LexMariaDecisionKind.REPORTED and value is None:
            raise refused(problem("deviation.reported_on_missing", field="reported_on"))
        if decision == LexMariaDecisionKind.NOT_REPORTED and value is not None:
            raise refused(problem("deviation.reported_on_only_reported", field="reported_on"))
        return value

    @field_validator("reason")
    @classmethod
    def _why_not(cls, value: str | None, info: ValidationInfo) -> str | None:
        if info.data.get("decision") == LexMariaDecisionKind.NOT_REPORTED and not value:
            raise refused(problem("deviation.not_reported_reason_missing", field="reason"))
        return value


class PilotLink(BaseModel):
    """Log the deviation as a barrier in a pilot's log. The pilot holds no patient data: the
    description is written for the pilot (the deviation's own text is not copied)."""

    model_config = ConfigDict(extra="forbid")

    pilot_id: uuid.UUID
    classification: PilotClassification
    description: Text = Field(description="the barrier, without patient data")


class PatientSafetyRoleSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: PatientSafetyRole | None = Field(description="chief_physician | mas | null (none)")


class PatientSafetyRoleRead(BaseModel):
    user_id: uuid.UUID
    role: PatientSafetyRole | None


class MeasureRead(BaseModel):
    id: uuid.UUID
    what: str
    responsible: str
    due_on: dt.date


class Person(BaseModel):
    user_id: uuid.UUID
    name: str


class Organisation(BaseModel):
    id: uuid.UUID
    code: str
    name: str


class HistoryEntry(BaseModel):
    model_config = ConfigDict(extra="allow")

    at: datetime
    event: str
    by: uuid.UUID | None = None
    by_name: str | None = None
    organisation: str | None = None
    note: str | None = None


class LexMariaRead(BaseModel):
    flagged: bool
    reason: str | None = None
    flagged_by: Person | None = None
    flagged_at: datetime | None = None
    decision: LexMariaDecisionKind | None = None
    reported_on: dt.date | None = None
    decision_reason: str | None = None
    decided_by: Person | None = None
    decided_at: datetime | None = None
    responsible: list[Person] = Field(
        default_factory=list,
        description="the concerned organisation's chief physician / MAS, told of the flag",
    )
    no_responsible: bool = Field(
        default=False,
        description="flagged, but the concerned organisation has no responsible person "
        "registered (an administrator sets one on the user)",
    )


class DeviationRead(BaseModel):
    id: uuid.UUID
    reference: str
    patient_id: uuid.UUID
    patient_name: str
    episode_id: uuid.UUID | None
    pathway: str | None
    category: Category
    occurred_at: datetime
    description: str
    consequence: Consequence
    immediate_action: str | None
    reported_by: Person
    reporter_organisation: Organisation
    concerned_organisation: Organisation
    cross_organisation: bool = Field(description="a samverkansavvikelse: concerns another")
    status: Status
    investigator: Person | None
    investigation_started_at: datetime | None
    answer: str | None
    answered_by: Person | None
    answered_at: datetime | None
    measures: list[MeasureRead]
    closing_note: str | None
    closed_by: Person | None
    closed_at: datetime | None
    lex_maria: LexMariaRead
    pilot_log_entry_id: uuid.UUID | None
    history: list[HistoryEntry]
    may_handle: bool = Field(description="the caller may investigate, answer and close it")
    created_at: datetime
    updated_at: datetime


class SummaryRow(BaseModel):
    """Counts of one group (no patient data)."""

    key: str
    name: str
    total: int
    by_status: dict[str, int]
    by_consequence: dict[str, int]
    lex_maria: int
    closed: int
    days_to_close_median: float | None


class Summary(BaseModel):
    period_from: dt.date | None
    period_to: dt.date | None
    total: SummaryRow
    by_pathway: list[SummaryRow]
    by_organisation: list[SummaryRow]
    by_category: list[SummaryRow]
