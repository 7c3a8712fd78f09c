"""The shapes of medication administration: doses, signatures, delegations, the medication
list's version on a care request."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from samband.kit.errors import problem
from samband.kit.schemas import FREE_TEXT, NAME, ReadModel, Text, refused
from samband.medications.schemas import Route


class Outcome(StrEnum):
    GIVEN = "given"
    NOT_GIVEN = "not_given"
    PARTLY_GIVEN = "partly_given"


class Reason(StrEnum):
    """Why a dose was not (or only partly) given."""

    PATIENT_DECLINED = "patient_declined"
    PATIENT_ABSENT = "patient_absent"
    NOT_AVAILABLE = "not_available"  # the medicine is missing at home
    ACCESS_PROBLEM = "access_problem"  # the PVK/PICC does not work
    ADVERSE_REACTION = "adverse_reaction"
    VOMITED = "vomited"
    PHYSICIAN_PAUSED = "physician_paused"
    OTHER = "other"


class Effect(StrEnum):
    GOOD = "good"
    PARTIAL = "partial"
    NONE = "none"


class DoseState(StrEnum):
    DUE = "due"
    OVERDUE = "overdue"
    GIVEN = "given"
    NOT_GIVEN = "not_given"
    PARTLY_GIVEN = "partly_given"
    BY_PATIENT = "by_patient"
    CANCELLED = "cancelled"


Amount = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), NAME
]
Note = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000), FREE_TEXT
]


class DoseSign(BaseModel):
    """Sign a scheduled dose: given, not given (a reason) or partly given (the amount given
    and a reason); ``given_at`` defaults to now."""

    model_config = ConfigDict(extra="forbid")

    outcome: Outcome
    given_at: AwareDatetime | None = Field(
        default=None, description="when it was given (or due, for not given); default now"
    )
    amount: Amount | None = Field(default=None, description="partly given: how much was given")
    reason: Reason | None = Field(default=None, description="not / partly given: why")
    note: Note | None = Field(default=None, description="free text; required with reason other")

    @model_validator(mode="after")
    def _complete(self) -> DoseSign:
        if self.outcome != Outcome.GIVEN and self.reason is None:
            raise refused(
                problem(
                    "medadmin.reason_required",
                    field="reason",
                    allowed=", ".join(r.value for r in Reason),
                )
            )
        if self.outcome == Outcome.PARTLY_GIVEN and self.amount is None:
            raise refused(problem("medadmin.amount_required", field="amount"))
        if self.reason == Reason.OTHER and self.note is None:
            raise refused(problem("medadmin.note_required", field="note"))
        return self


class PaperSign(DoseSign):
    """A signature made on the printed signing list, entered afterwards: who signed on
    paper (a member of staff) and when it was given."""

    signed_by_id: uuid.UUID = Field(description="the member of staff who signed on paper")
    given_at: AwareDatetime | None = Field(default=None, description="required: when it was given")

    @model_validator(mode="after")
    def _time(self) -> PaperSign:
        if self.given_at is None:
            raise refused(problem("medadmin.given_at_required", field="given_at"))
        return self


class EnteredInError(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Text = Field(description="why the signature was wrong")


class AsNeededCreate(BaseModel):
    """An as-needed (vid behov) dose given: why, how much, when."""

    model_config = ConfigDict(extra="forbid")

    medication_id: uuid.UUID
    indication: Note = Field(examples=["pain 6/10 in the left hip"])
    amount: Amount = Field(examples=["5 mg"])
    given_at: AwareDatetime | None = None
    followup_minutes: int | None = Field(
        default=None, ge=5, le=720, description="when to follow up the effect (default by route)"
    )
    note: Note | None = None


class FollowUp(BaseModel):
    model_config = ConfigDict(extra="forbid")

    effect: Effect
    note: Note | None = None


class DelegationCreate(BaseModel):
    """A registered nurse delegates giving medications to an assistant nurse of her
    organisation: routes and/or single medications, until a date (at most a year)."""

    model_config = ConfigDict(extra="forbid")

    delegate_id: uuid.UUID
    routes: list[Route] = Field(default_factory=list, max_length=10)
    medication_ids: list[uuid.UUID] = Field(default_factory=list, max_length=50)
    valid_from: date | None = Field(default=None, description="default today")
    valid_until: date
    note: Note | None = None

    @model_validator(mode="after")
    def _something(self) -> DelegationCreate:
        if not self.routes and not self.medication_ids:
            raise refused(problem("medadmin.delegation_empty", field="routes"))
        return self


class DelegationRevoke(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Text


class MedicationAcknowledge(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, description="the medication list version read")


class AdministrationRead(ReadModel):
    id: uuid.UUID
    episode_id: uuid.UUID
    patient_id: uuid.UUID
    medication_id: uuid.UUID
    scheduled_dose_id: uuid.UUID | None
    kind: str
    outcome: Outcome
    status: str
    given_at: datetime
    drug: str
    dose: str
    route: str
    amount: str | None
    reason: str | None
    note: str | None
    indication: str | None
    source: str
    signed_by_id: uuid.UUID
    signed_by_name: str | None = None
    entered_by_id: uuid.UUID
    entered_by_name: str | None = None
    organisation_id: uuid.UUID
    delegation_id: uuid.UUID | None
    followup_due_at: datetime | None
    followup_effect: str | None
    followup_note: str | None
    followup_at: datetime | None
    followup_by_id: uuid.UUID | None
    followup_overdue: bool = False
    error_reason: str | None
    error_at: datetime | None
    error_by_id: uuid.UUID | None
    created_at: datetime
    history: list[Any]


class DoseRead(BaseModel):
    id: uuid.UUID
    episode_id: uuid.UUID
    patient_id: uuid.UUID
    medication_id: uuid.UUID
    local_date: date
    due_at: datetime
    window_start: datetime
    window_end: datetime
    drug: str
    dose: str
    route: str
    given_by: str
    by_staff: bool
    status: str
    state: DoseState
    alert_id: uuid.UUID | None
    administration: AdministrationRead | None
    entered_in_error: list[AdministrationRead] = Field(default_factory=list)


class AsNeededMedication(BaseModel):
    id: uuid.UUID
    drug: str
    dose: str
    route: str
    followup_minutes: int


class SigningList(BaseModel):
    episode_id: uuid.UUID
    patient_id: uuid.UUID
    date: date
    doses: list[DoseRead]
    as_needed: list[AdministrationRead]
    as_needed_medications: list[AsNeededMedication]


class DelegationRead(ReadModel):
    id: uuid.UUID
    organisation_id: uuid.UUID
    delegate_id: uuid.UUID
    delegated_by_id: uuid.UUID
    routes: list[str]
    medication_ids: list[uuid.UUID]
    valid_from: date
    valid_until: date
    note: str | None
    revoked_at: datetime | None
    revoked_by_id: uuid.UUID | None
    revoke_reason: str | None
    valid_today: bool = False
    created_at: datetime


class MedicationListVersion(BaseModel):
    episode_id: uuid.UUID
    version: int


class MedicationAcknowledgementRead(BaseModel):
    care_request_id: uuid.UUID
    episode_id: uuid.UUID
    sent_version: int | None
    acknowledged_version: int | None
    current_version: int
    newer_not_acknowledged: bool
    acknowledgements: list[dict[str, Any]]
