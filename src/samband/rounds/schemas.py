"""The shapes of the daily round's API: the round, its list of patients, the structured note."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from samband.kit.schemas import FREE_TEXT, ReadModel, ShortText

Note = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000), FREE_TEXT
]
Criterion = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500), FREE_TEXT
]
VideoUrl = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=500, pattern=r"^https?://[^\s<>\"']+$"),
]


class Decision(StrEnum):
    CONTINUE = "continue"
    CHANGE_PLAN = "change_plan"
    DISCHARGE = "discharge"
    READMIT = "readmit"


class ParticipantRole(StrEnum):
    PHYSICIAN = "physician"
    WARD_NURSE = "ward_nurse"
    HOME_HEALTH_NURSE = "home_health_nurse"
    PATIENT = "patient"
    NEXT_OF_KIN = "next_of_kin"
    OTHER = "other"


class PresentBy(StrEnum):
    ON_SITE = "on_site"
    VIDEO = "video"
    PHONE = "phone"


class RoundParticipant(BaseModel):
    """Who took part in the round for this patient, and how."""

    model_config = ConfigDict(extra="forbid")

    role: ParticipantRole
    name: ShortText | None = Field(default=None, description="optional for patient / next of kin")
    present_by: PresentBy


class RoundNoteCreate(BaseModel):
    """A structured round note (situation, assessment, decision). The decision carries out
    its transition: discharge → discharged (physician only), readmit → readmitted (needs
    ward_unit_id; use_reserved_bed takes a reserved bed, trygghetsplats)."""

    model_config = ConfigDict(extra="forbid")

    episode_id: uuid.UUID
    situation: Note
    assessment: Note
    decision: Decision
    decision_note: Note | None = Field(
        default=None, description="the reason, shown on the timeline with the transition"
    )
    participants: list[RoundParticipant] = Field(min_length=1, max_length=20)
    criteria_met: list[Criterion] = Field(
        default_factory=list,
        max_length=30,
        description="discharge criteria of the current care plan that are met",
    )
    ward_unit_id: uuid.UUID | None = Field(default=None, description="for decision 'readmit'")
    use_reserved_bed: bool = Field(default=True, description="for decision 'readmit'")


class RoundUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    video_url: VideoUrl | None = Field(
        default=None, description="the video meeting link (https://…); null removes it"
    )


class RoundRead(ReadModel):
    id: uuid.UUID
    unit_id: uuid.UUID
    unit_name: str
    day: date
    video_url: str | None
    created_by_id: uuid.UUID
    created_at: datetime


class RoundNoteRead(ReadModel):
    id: uuid.UUID
    round_id: uuid.UUID
    round_day: date
    episode_id: uuid.UUID
    situation: str
    assessment: str
    decision: Decision
    decision_note: str | None
    transition_to: str | None
    participants: list[RoundParticipant]
    criteria_met: list[str]
    plan_version: int | None
    created_by_id: uuid.UUID
    created_by_name: str
    created_at: datetime


class RuleEvaluationRead(BaseModel):
    rule: str = Field(description="crp_falling | afebrile_48h | <test>_below_<N>")
    status: str = Field(description="met | not_met | not_enough_data")
    why: str = Field(description="e.g. 'CRP 84 → 52 mg/L (3/12 → 5/12)'")


class CriterionRead(BaseModel):
    criterion: str
    met: bool = Field(description="marked met in the latest round note")
    data: bool = Field(default=False, description="a data criterion (issue 14): see status")
    status: str | None = Field(
        default=None,
        description="a data criterion evaluated now: met | not_met | not_enough_data (a "
        "person still confirms it in the round note); null for a manual criterion",
    )
    rules: list[RuleEvaluationRead] = Field(default_factory=list)


class LabPointRead(BaseModel):
    id: uuid.UUID
    taken_at: datetime = Field(description="in Europe/Stockholm (with its UTC offset)")
    value: float
    flag: str | None = Field(description="H above the reference range, L below it")


class LabTrendRead(BaseModel):
    test: str = Field(description="crp, hb, wbc, … (GET /api/v1/lab-tests)")
    loinc: str
    unit: str
    ref_low: float | None
    ref_high: float | None
    results: list[LabPointRead] = Field(description="the episode's, oldest first")


class PersonRead(BaseModel):
    id: uuid.UUID
    full_name: str


class News2Point(BaseModel):
    observation_id: uuid.UUID
    measured_at: datetime = Field(description="in Europe/Stockholm (with its UTC offset)")
    news2: int
    risk: str | None = Field(description="low | low-medium | medium | high")


class LatestSetRead(News2Point):
    source: str = Field(description="device | visit | self_report")
    partial: bool | None = Field(description="some NEWS2 parameter was not measured")
    stale: bool = Field(description="older than the pathway's measurement schedule allows")
    stale_after_minutes: int


class AlertBrief(BaseModel):
    id: uuid.UUID
    kind: str
    severity: str
    status: str
    reason: str
    created_at: datetime
    link: str = Field(description="the alert's page, /alerts/{id}")


class AlertSummaryRead(BaseModel):
    total: int = Field(description="active alerts: open, acknowledged or action taken")
    unacknowledged: int
    by_severity: dict[str, int] = Field(description="high, medium, low (zeros included)")
    most_severe: AlertBrief | None = Field(description="the most severe, then the oldest")


class VisitSummaryRead(BaseModel):
    day: date
    done: int
    planned: int = Field(description="not made yet: planned, assigned or under way")
    missed: int
    cancelled: int
    next_at: datetime | None = Field(
        description="the next visit not yet started (Europe/Stockholm): planned start or window"
    )


class SelfReportRead(BaseModel):
    observation_id: uuid.UUID
    measured_at: datetime = Field(description="in Europe/Stockholm (with its UTC offset)")
    news2: int | None
    symptoms: str | None


class RoundPatientRead(BaseModel):
    episode_id: uuid.UUID
    patient_id: uuid.UUID
    patient_name: str
    state: str
    episode_day: int = Field(description="day 1 is the day the patient went home")
    pathway: str
    pathway_title: str
    care_contact: PersonRead | None
    responsible_physician: PersonRead | None
    plan_version: int | None
    discharge_criteria: list[CriterionRead]
    latest_note: RoundNoteRead | None
    monitoring_shown: bool = Field(
        description="false: you may not read this episode's record (another care provider "
        "without the patient's consent, a block, social services); the monitoring fields "
        "below are then null because they are not shown, not because there is nothing"
    )
    monitoring_not_shown: str | None = Field(
        default=None, description="why the monitoring is not shown (when monitoring_shown is false)"
    )
    news2_trend: list[News2Point] | None = Field(
        default=None,
        description="the scored sets of the last trend_hours, oldest first ([]: none in that time)",
    )
    trend_hours: int | None = None
    latest_set: LatestSetRead | None = Field(
        default=None,
        description="the newest scored set, however old (null with monitoring_shown: none yet)",
    )
    open_alerts: AlertSummaryRead | None = None
    visits: VisitSummaryRead | None = Field(default=None, description="the round day's visits")
    latest_self_report: SelfReportRead | None = Field(
        default=None,
        description="the patient's own newest report (null with monitoring_shown: none yet)",
    )
    lab_results: list[LabTrendRead] | None = Field(
        default=None,
        description="issue 14: the episode's laboratory results per test (null when the "
        "monitoring is not shown)",
    )


class RoundListRead(BaseModel):
    round: RoundRead
    patients: list[RoundPatientRead]
