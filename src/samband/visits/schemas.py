"""The shapes of the visits API: visits, shifts, and the day's routed plan."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from samband.kit.schemas import ReadModel

Clock = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$"),
]
Skill = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
What = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=500)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class VisitStatus(StrEnum):
    PLANNED = "planned"
    ASSIGNED = "assigned"
    STARTED = "started"
    DONE = "done"
    MISSED = "missed"
    CANCELLED = "cancelled"


class StatusMove(StrEnum):
    """The moves staff make by hand (assigned is set by publishing a day plan)."""

    STARTED = "started"
    DONE = "done"
    MISSED = "missed"
    CANCELLED = "cancelled"


class StaffRole(StrEnum):
    PHYSICIAN = "physician"
    REGISTERED_NURSE = "registered_nurse"
    ASSISTANT_NURSE = "assistant_nurse"
    PHYSIOTHERAPIST = "physiotherapist"
    OCCUPATIONAL_THERAPIST = "occupational_therapist"


class Location(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class GenerateVisits(BaseModel):
    """Expand the care plans of the patients at home into the date's visits."""

    model_config = ConfigDict(extra="forbid")

    date: date
    organisation_ids: list[uuid.UUID] | None = Field(
        default=None,
        max_length=20,
        description="the organisations whose visits to make (default: your own); each must be "
        "yours or share an open episode with yours",
    )


class VisitCreate(BaseModel):
    """An ad-hoc visit (e.g. urgent, from the command centre) to a patient at home."""

    model_config = ConfigDict(extra="forbid")

    episode_id: uuid.UUID
    date: date
    window: tuple[Clock, Clock] = Field(
        description='local times ["HH:MM", "HH:MM"]: the visit must start inside it'
    )
    what: What
    duration_min: int = Field(default=30, ge=1, le=480)
    skills: list[Skill] = Field(default_factory=list, max_length=20)
    role: StaffRole = StaffRole.REGISTERED_NURSE
    priority: int = Field(default=1, ge=1, le=5, description="1 is the most important")
    organisation_id: uuid.UUID | None = Field(
        default=None,
        description="the organisation that makes it (default: yours); it must take part in "
        "the episode",
    )


class VisitStatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to: StatusMove
    note: Note | None = None


class VisitRead(ReadModel):
    id: uuid.UUID
    episode_id: uuid.UUID
    patient_id: uuid.UUID
    patient_name: str
    date: date
    activity_key: str | None
    occurrence: int | None
    what: str
    window_start: datetime
    window_end: datetime
    window_local: tuple[str, str] = Field(description="the window in local time, HH:MM")
    duration_min: int
    skills: list[str]
    role: str
    organisation_kind: str
    organisation_id: uuid.UUID
    priority: int
    source: str
    status: VisitStatus
    assigned_user_id: uuid.UUID | None
    planned_start: datetime | None
    route_order: int | None
    day_plan_id: uuid.UUID | None
    started_at: datetime | None
    ended_at: datetime | None
    created_by_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime | None


class GenerateRead(BaseModel):
    date: date
    organisation_ids: list[uuid.UUID]
    created: int = Field(description="visits made now")
    kept: int = Field(description="visits that were already there (whatever their status)")
    cancelled: int = Field(
        description="planned visits no longer asked for by the care plan, now cancelled"
    )
    visits: list[VisitRead] = Field(description="the date's visits of these organisations")


class ShiftCreate(BaseModel):
    """A staff member's shift on a date (replaces their shift of that date, if any)."""

    model_config = ConfigDict(extra="forbid")

    user_id: uuid.UUID
    date: date
    start: Clock = Field(description="local time, HH:MM")
    end: Clock = Field(description="local time, HH:MM (24:00 for midnight)")
    start_location: Location = Field(description="where the day starts (the base or home)")
    end_location: Location | None = Field(default=None, description="default: start_location")
    max_minutes: int | None = Field(default=None, ge=1, le=1440)


class ShiftRead(ReadModel):
    id: uuid.UUID
    user_id: uuid.UUID
    user_name: str
    role: str
    skills: list[str]
    organisation_id: uuid.UUID
    date: date
    start: datetime
    end: datetime
    start_local: str
    end_local: str
    start_location: Location
    end_location: Location
    max_minutes: int | None


class DayPlanCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    date: date
    organisation_ids: list[uuid.UUID] | None = Field(
        default=None, max_length=20, description="default: your own organisation"
    )


class StopRead(BaseModel):
    visit: uuid.UUID
    patient_id: uuid.UUID
    what: str
    status: VisitStatus
    arrival: str = Field(description="local HH:MM")
    start: str
    end: str
    fixed: bool = Field(description="started or done: kept as it was when (re)planning")


class RouteRead(BaseModel):
    staff: uuid.UUID
    staff_name: str
    leave: str | None
    back: str | None
    stops: list[StopRead]


class UnassignedRead(BaseModel):
    visit: uuid.UUID
    patient_id: uuid.UUID
    what: str
    reason: str = Field(description="why the visit was left out, in English")
    code: str = Field(description="the reason's stable code, e.g. planning.could_not_fit")
    params: dict[str, Any] = Field(default_factory=dict, description="the reason's parameters")


class MovedRead(BaseModel):
    """An announced visit (a visit of the published plan: the patient was told who comes and
    when) that the last replan moved."""

    visit: uuid.UUID
    patient_id: uuid.UUID
    what: str
    announced_staff: uuid.UUID | None = Field(description="who the patient was told comes")
    announced_start: str = Field(description="the start the patient was told, local HH:MM")
    staff: uuid.UUID | None = Field(description="who comes now (null: left out of the plan)")
    start: str | None = Field(description="the start now, local HH:MM (null: left out)")


class OutOfDateRead(BaseModel):
    at: datetime
    cause: str = Field(
        description="readmitted | discharged | deceased | withdrawn (a patient's episode "
        "ended), or changed_while_solving"
    )
    visits: int = Field(description="visits of the plan cancelled for this cause")


class DayPlanRead(BaseModel):
    id: uuid.UUID
    date: date
    organisation_ids: list[uuid.UUID]
    status: str
    version: int
    solve_status: str = Field(
        description="queued | solving: poll GET /day-plans/{id} until done (the routes are "
        "there) or failed (solve_error says why)"
    )
    solve_error: str | None
    solve_error_code: str | None = Field(
        default=None, description="the failure's stable code, e.g. dayplan.solver_failed"
    )
    out_of_date: bool = Field(
        description="visits of the plan were cancelled since it was made: replan it"
    )
    out_of_date_reasons: list[OutOfDateRead]
    travel_minutes: int
    routes: list[RouteRead]
    unassigned: list[UnassignedRead]
    hidden_visits: int = Field(
        description="visits in the plan of patients your organisation may not see (not shown)"
    )
    moved_count: int = Field(
        default=0,
        description="announced visits the last replan of the published plan moved (to another "
        "staff member, more than 15 minutes from the announced start, or out of the plan), "
        "with those of patients your organisation may not see",
    )
    moved: list[MovedRead] = Field(
        default_factory=list,
        description="those moved announced visits of patients you may see: call the patients",
    )
    created_by_id: uuid.UUID
    created_at: datetime
    published_at: datetime | None
    updated_at: datetime | None


class DayPlanSummary(BaseModel):
    """A day plan without its routes (GET /day-plans/{id} has them)."""

    id: uuid.UUID
    date: date
    organisation_ids: list[uuid.UUID]
    status: str
    version: int
    solve_status: str
    out_of_date: bool
    travel_minutes: int
    moved_count: int = Field(default=0, description="announced visits the last replan moved")
    created_by_id: uuid.UUID
    created_at: datetime
    published_at: datetime | None
    updated_at: datetime | None
