"""Pydantic shapes of palliative care: ESAS-r symptom assessments and the expected death."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from samband.kit.schemas import ShortText, Text


class AssessedBy(StrEnum):
    PATIENT = "patient"
    NEXT_OF_KIN = "next_of_kin"
    STAFF_ASSISTED = "staff_assisted"


class ConfirmedByRole(StrEnum):
    PHYSICIAN = "physician"
    REGISTERED_NURSE = "registered_nurse"


# the care after death (omhändertagande efter döden): what the checklist asks
AFTER_DEATH_ITEMS = (
    "relatives_informed",
    "physician_informed",
    "id_band",
    "pacemaker_checked",
    "lines_removed",
    "body_cared_for",
    "belongings_handed_over",
    "undertaker_contacted",
    "injection_kit_returned",
)


class _Scores(BaseModel):
    pain: int = Field(ge=0, le=10, description="smärta, 0 = ingen, 10 = värsta tänkbara")
    tiredness: int = Field(ge=0, le=10, description="trötthet")
    drowsiness: int = Field(ge=0, le=10, description="dåsighet")
    nausea: int = Field(ge=0, le=10, description="illamående")
    lack_of_appetite: int = Field(ge=0, le=10, description="aptitlöshet")
    shortness_of_breath: int = Field(ge=0, le=10, description="andnöd")
    depression: int = Field(ge=0, le=10, description="nedstämdhet")
    anxiety: int = Field(ge=0, le=10, description="oro/ångest")
    wellbeing: int = Field(ge=0, le=10, description="välbefinnande, 0 = bästa, 10 = sämsta")


class SymptomAssessmentCreate(_Scores):
    """An ESAS-r assessment: the nine items 0-10 and, optionally, another problem."""

    model_config = ConfigDict(extra="forbid")

    assessed_by: AssessedBy = AssessedBy.STAFF_ASSISTED
    assessed_at: datetime | None = Field(default=None, description="default: now")
    other_problem: ShortText | None = None
    other_score: int | None = Field(default=None, ge=0, le=10)
    note: Text | None = None


class EnteredInError(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Text


class SymptomAssessmentRead(_Scores):
    id: uuid.UUID
    patient_id: uuid.UUID
    episode_id: uuid.UUID
    scale: str
    assessed_at: datetime
    assessed_by: AssessedBy
    source: str
    recorded_by_id: uuid.UUID | None
    other_problem: str | None
    other_score: int | None
    total: int = Field(description="total symptom distress score: the sum of the nine, 0-90")
    note: str | None
    status: str
    error_reason: str | None
    alert_ids: list[uuid.UUID]
    created_at: datetime


class TrendPoint(BaseModel):
    at: datetime
    value: int


class SymptomTrend(BaseModel):
    """Each item's and the total's values in time order (valid assessments only)."""

    episode_id: uuid.UUID
    count: int
    items: dict[str, list[TrendPoint]]
    total: list[TrendPoint]
    latest: SymptomAssessmentRead | None
    limits: list[dict[str, object]]


class ExpectedDeathCreate(BaseModel):
    """The physician's decision, documented in advance, that death is expected."""

    model_config = ConfigDict(extra="forbid")

    no_resuscitation: bool
    no_hospital_transfer: bool
    conversation_on: date = Field(description="the brytpunktssamtal was held on")
    conversation_with: ShortText = Field(description="with whom: the patient, next of kin")
    note: Text | None = None


class DeathCreate(BaseModel):
    """The death: when, who confirmed it, the care after death. Ends the episode (deceased)."""

    model_config = ConfigDict(extra="forbid")

    died_at: datetime
    confirmed_by_role: ConfirmedByRole | None = Field(
        default=None, description="default: the caller's role (physician or registered nurse)"
    )
    care_after_death: dict[str, bool] = Field(
        default_factory=dict, description=f"checklist: {', '.join(AFTER_DEATH_ITEMS)}"
    )
    relatives_present: bool | None = None
    note: Text | None = None


class FollowupPlan(BaseModel):
    """The next of kin's follow-up conversation (efterlevandesamtal)."""

    model_config = ConfigDict(extra="forbid")

    on: date
    by: ShortText


class ExpectedDeathRead(BaseModel):
    id: uuid.UUID
    patient_id: uuid.UUID
    episode_id: uuid.UUID
    decided_by_id: uuid.UUID
    decided_by_name: str | None
    decided_at: datetime
    no_resuscitation: bool
    no_hospital_transfer: bool
    conversation_on: date
    conversation_with: str
    decision_note: str | None
    died_at: datetime | None
    confirmed_by_id: uuid.UUID | None
    confirmed_by_role: str | None
    physician_confirmed_by_id: uuid.UUID | None
    physician_confirmed_at: datetime | None
    care_after_death: dict[str, bool]
    relatives_present: bool | None
    death_note: str | None
    followup_on: date | None
    followup_by: str | None
    followup_held_at: datetime | None
    history: list[dict[str, object]]
