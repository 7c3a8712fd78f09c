"""The documented agreement's content and the shapes of the care-plan API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from samband.kit.errors import problem
from samband.kit.schemas import FREE_TEXT, NAME, ReadModel, refused
from samband.pathways.definition import Activity, AlertLimit, Contact

Line = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500), FREE_TEXT
]
Note = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000), FREE_TEXT
]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), NAME]


class PlanActivity(Activity):
    """An activity of the plan: the pathway's activity, optionally tied to the organisation
    (one taking part in the episode) that does it."""

    what: Line = Field(min_length=2)
    skills: list[Annotated[str, StringConstraints(max_length=60)]] = Field(
        default_factory=list, max_length=20
    )
    organisation_id: uuid.UUID | None = Field(
        default=None, description="the participating organisation that does it"
    )


class PlanContact(Contact):
    """Whom to call at which hours, e.g. 'weekdays 07-16': 'the ward nurse'."""

    when: Name = Field(min_length=2)
    who: Name = Field(min_length=2)
    phone: (
        Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9 ()-]{3,20}$")]
        | None
    ) = None


class CarePlanContent(BaseModel):
    """The documented agreement (dokumenterad överenskommelse), as agreed with the patient."""

    model_config = ConfigDict(extra="forbid")

    goals: list[Line] = Field(
        default_factory=list, max_length=30, description="the patient's goals, in their own words"
    )
    activities: list[PlanActivity] = Field(default_factory=list, max_length=50)
    contacts: list[PlanContact] = Field(default_factory=list, max_length=20)
    if_worse: list[Line] = Field(
        min_length=1, max_length=30, description="what to do if things get worse"
    )
    alert_limits: list[AlertLimit] = Field(
        default_factory=list,
        max_length=30,
        description="patient-specific limits of the escalation plan: a measurement crossing "
        'one opens a limit alert, e.g. {"parameter": "temperature", "op": ">=", "value": 38.5, '
        '"severity": "high"}',
    )
    discharge_criteria: list[Line] = Field(
        min_length=1, max_length=30, description="the individual discharge criteria"
    )
    notes: Note | None = None

    @model_validator(mode="after")
    def _unique_activity_keys(self) -> CarePlanContent:
        keys = [a.key for a in self.activities]
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        if duplicates:
            raise refused(
                problem("careplan.repeated_activity_key", field="activities", keys=duplicates)
            )
        return self


class CarePlanCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    episode_id: uuid.UUID
    from_template: bool = Field(
        default=True, description="start from the pathway's plan template (if no content)"
    )
    content: CarePlanContent | None = Field(
        default=None, description="the plan's content; overrides the template"
    )
    change_note: Line | None = None


class CarePlanUpdate(BaseModel):
    """A new version of the plan. base_version is the version you changed."""

    model_config = ConfigDict(extra="forbid")

    base_version: int = Field(ge=1, le=1_000_000)
    content: CarePlanContent
    change_note: Line | None = None


class AcknowledgementCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    party: Literal["patient", "next_of_kin", "organisation"]
    name: Name | None = Field(
        default=None, description="who acknowledged (required for patient and next of kin)"
    )


class AcknowledgementRead(ReadModel):
    id: uuid.UUID
    version_number: int
    party: str
    organisation_id: uuid.UUID | None
    name: str | None
    recorded_by_id: uuid.UUID
    at: datetime


class CarePlanVersionSummary(ReadModel):
    number: int
    change_note: str | None
    created_by_id: uuid.UUID
    created_at: datetime
    acknowledged_by: list[str] = Field(
        description="parties that acknowledged this version (patient, next_of_kin, organisation)"
    )


class CarePlanVersionRead(ReadModel):
    number: int
    content: dict[str, Any]
    change_note: str | None
    created_by_id: uuid.UUID
    created_at: datetime
    acknowledgements: list[AcknowledgementRead]


class CarePlanRead(ReadModel):
    id: uuid.UUID
    episode_id: uuid.UUID
    created_at: datetime
    current_version: int
    version: CarePlanVersionRead = Field(description="the current version")
    acknowledged_by_patient: bool = Field(
        description="the patient or a next of kin has acknowledged the current version"
    )
    organisations_to_acknowledge: list[uuid.UUID] = Field(
        description="participating organisations that have not acknowledged the current version"
    )
