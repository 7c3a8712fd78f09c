from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from samband.episodes.states import EpisodeType, Kind, State
from samband.kit.schemas import ReadModel, ShortText, Text

PARTICIPANT_ROLES = (
    "responsible",
    "home_health_care",
    "home_care",
    "primary_care",
    "mobile_team",
    "rehabilitation",
    "other",
)
ParticipantRole = str


class ParticipantCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    organisation_id: uuid.UUID
    role: str = Field(pattern="^(" + "|".join(PARTICIPANT_ROLES[1:]) + ")$")


class EndRequestCreate(BaseModel):
    """Ask the responsible organisation to end the episode."""

    model_config = ConfigDict(extra="forbid")

    to: Literal[State.DISCHARGED, State.WITHDRAWN, State.READMITTED, State.DECEASED]
    reason: Text


class ParticipantRead(ReadModel):
    organisation_id: uuid.UUID
    role: str


class EpisodeCreate(BaseModel):
    """Flag a candidate for care at home."""

    model_config = ConfigDict(extra="forbid")

    patient_id: uuid.UUID
    pathway: str = Field(max_length=40, examples=["opat"])
    type: EpisodeType
    responsible_unit_id: uuid.UUID
    responsible_physician_id: uuid.UUID | None = None
    care_contact_id: uuid.UUID | None = Field(default=None, description="fast vårdkontakt")
    participants: list[ParticipantCreate] = Field(
        default_factory=list,
        max_length=10,
        description="only when your organisation is the responsible one",
    )
    reason: Text | None = Field(
        default=None,
        description="why the patient is a candidate (required: flagging starts a care "
        "relationship, which the auditor reviews)",
    )


class EpisodeUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    responsible_physician_id: uuid.UUID | None = None
    care_contact_id: uuid.UUID | None = None
    planned_home_date: date | None = None
    shared_records_consent: bool | None = Field(
        default=None,
        description="the patient's consent to shared records (sammanhållen journalföring), "
        "given or withdrawn: other care providers taking part read the episode's record only "
        "with it",
    )


class TransitionCreate(BaseModel):
    """Move the episode to another state. Which fields are needed depends on the target."""

    model_config = ConfigDict(extra="forbid")

    to: State
    reason: Text | None = None
    base_version: int | None = Field(
        default=None, ge=1, description="the episode version you saw; 409 if it changed since"
    )
    # assessed / not_eligible
    eligible: bool | None = None
    answers: dict[str, bool] | None = Field(default=None, description="criterion key → met")
    # consented
    shared_records_consent: bool | None = Field(
        default=None,
        description="consented: the patient's consent to shared records, so that the "
        "municipality's home health care (another care provider) can read the episode",
    )
    patient_informed: bool = False
    next_of_kin_informed: bool = False
    patient_consents: bool = False
    # readmitted
    ward_unit_id: uuid.UUID | None = None
    use_reserved_bed: bool = True
    # deceased
    death_expected: bool | None = None
    # discharged: the plan's discharge criteria that are not met, which the physician
    # confirmed discharging without (recorded in the transition's event)
    unmet_discharge_criteria: list[Text] | None = Field(default=None, max_length=50)


class EpisodeRead(ReadModel):
    id: uuid.UUID
    patient_id: uuid.UUID
    kind: Kind = Field(
        default=Kind.HOSPITAL_AT_HOME,
        description="hospital_at_home, or home_health_care: an enrolment in the municipality's "
        "home health care (no pathway, no type, no transitions: decision 0018)",
    )
    pathway: str
    type: EpisodeType | None = Field(description="None for an enrolment in home health care")
    state: State
    fhir_status: str
    responsible_unit_id: uuid.UUID
    responsible_physician_id: uuid.UUID | None
    care_contact_id: uuid.UUID | None
    eligible: bool | None
    assessment_answers: dict[str, bool]
    planned_home_date: date | None
    started_at: datetime | None
    ended_at: datetime | None
    end_reason: str | None
    version: int
    shared_records_consent: bool | None = None
    participants: list[ParticipantRead]
    allowed_transitions: list[State]
    created_at: datetime


class EventRead(ReadModel):
    id: uuid.UUID
    at: datetime
    kind: str
    from_state: str | None
    to_state: str | None
    by_user_id: uuid.UUID | None
    by_organisation_id: uuid.UUID | None
    reason: str | None
    data: dict[str, Any]


class ChecklistItemRead(ReadModel):
    id: uuid.UUID
    key: str
    label: str
    position: int
    blocking: bool
    signer_roles: list[str]
    done: bool
    signed_by_id: uuid.UUID | None
    signed_at: datetime | None
    note: str | None


class ChecklistSign(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: Text | None = None


class ChecklistUnsign(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Text


class ContactCreate(BaseModel):
    """A phone or video contact with the patient at home, e.g. the ward's call in the evening
    of day 1."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["day1", "phone"] = Field(
        default="day1", description="day1: the ward's call in the evening of day 1"
    )
    at: AwareDatetime | None = Field(
        default=None, description="when the call took place (default: now); not in the future"
    )
    caller: ShortText | None = Field(
        default=None, description="who called, if not the user recording it"
    )
    spoke_with: Literal["patient", "next_of_kin", "nobody"] = "patient"
    outcome: Literal["well", "concerns", "not_reached"] = Field(
        description="well: all is well; concerns: something to follow up; not_reached"
    )
    note: Text | None = None
