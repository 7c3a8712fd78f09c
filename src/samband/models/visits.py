"""Home visits (FHIR Task/Encounter-like), staff shifts, and the routed plan of a day."""

from __future__ import annotations

import datetime as dt
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from samband.models.base import Base, CreatedMixin, IdMixin


class Visit(IdMixin, CreatedMixin, Base):
    """One visit to a patient's home on one date: from the care plan or added ad hoc."""

    __tablename__ = "visits"
    # a plan visit is made once per (episode, date, activity, occurrence): generate is idempotent
    __table_args__ = (UniqueConstraint("episode_id", "date", "activity_key", "occurrence"),)

    episode_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("episodes.id"))
    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id"), index=True)
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    # the care plan activity's key (None for an ad-hoc visit) and its n-th visit that day
    activity_key: Mapped[str | None] = mapped_column(String(40))
    occurrence: Mapped[int | None] = mapped_column(Integer)
    what: Mapped[str] = mapped_column(String(500))
    # the visit must start inside [window_start, window_end]
    window_start: Mapped[datetime]
    window_end: Mapped[datetime]
    duration_min: Mapped[int] = mapped_column(Integer)
    skills: Mapped[list[Any]] = mapped_column(default=list)
    role: Mapped[str] = mapped_column(String(40))
    organisation_kind: Mapped[str] = mapped_column(String(40))
    # the organisation that makes the visit
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    priority: Mapped[int] = mapped_column(Integer, default=3)  # 1 most important .. 5
    # the route (e.g. "iv") of the medication this visit gives, from the care-plan activity's
    # medication_route; None: no medication (docs/decisions/0015)
    medication_route: Mapped[str | None] = mapped_column(String(40))
    # plan | ad_hoc | booking (a physician slot) | review (a planned physician review)
    source: Mapped[str] = mapped_column(String(10))
    # planned | assigned | started | done | missed | cancelled
    status: Mapped[str] = mapped_column(String(20))
    assigned_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), index=True)
    # asked for by name: the physician of a booked slot or a planned review (decision 0019);
    # every new day plan prefers them, whoever made the patient's visits lately
    requested_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    planned_start: Mapped[datetime | None]
    route_order: Mapped[int | None] = mapped_column(Integer)
    day_plan_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("day_plans.id"))
    started_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    # [{"at", "by", "from", "to", "note"}]: every status change
    history: Mapped[list[Any]] = mapped_column(default=list)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    updated_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime | None]


class StaffShift(IdMixin, CreatedMixin, Base):
    """Who works when and from where on one date (one shift per person and date)."""

    __tablename__ = "staff_shifts"
    __table_args__ = (UniqueConstraint("user_id", "date"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    start: Mapped[datetime]
    end: Mapped[datetime]
    start_lat: Mapped[float] = mapped_column(Float)
    start_lon: Mapped[float] = mapped_column(Float)
    end_lat: Mapped[float] = mapped_column(Float)
    end_lon: Mapped[float] = mapped_column(Float)
    max_minutes: Mapped[int | None] = mapped_column(Integer)
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    updated_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime | None]


class DayPlan(IdMixin, CreatedMixin, Base):
    """The routed plan of one date for a set of organisations: who makes which visit when."""

    __tablename__ = "day_plans"

    date: Mapped[dt.date] = mapped_column(Date, index=True)
    organisation_ids: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(20))  # draft | published
    version: Mapped[int] = mapped_column(Integer, default=1)  # +1 on every replan
    seconds: Mapped[float] = mapped_column(Float)  # the solver's time limit
    travel_minutes: Mapped[int] = mapped_column(Integer, default=0)
    # what was solved (the planning format) and the solver's plan, ids as text UUIDs
    problem: Mapped[dict[str, Any]] = mapped_column(default=dict)
    solution: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # started and done visits kept as they were: [{"staff", "visit", "start", "end"}]
    fixed: Mapped[list[Any]] = mapped_column(default=list)
    # [{"visit": id, "reason": "…"}], the visits left out and why
    unassigned: Mapped[list[Any]] = mapped_column(default=list)
    note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    published_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime | None]
    updated_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime | None]
    # out of date: visits it holds were cancelled since it was made (the patient readmitted,
    # discharged, deceased, withdrawn); [{"at", "cause", "visits"}], cleared by a replan
    out_of_date_at: Mapped[datetime | None]
    out_of_date_reasons: Mapped[list[Any]] = mapped_column(default=list)
    # the solve runs as a job (dayplans.solve): queued | solving | done | failed
    solve_status: Mapped[str] = mapped_column(String(20), default="done")
    solve_error: Mapped[str | None] = mapped_column(Text)
    # why it failed as a code and its parameters ({"code", "params"}), shown in either language
    solve_problem: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # the request the job answers: a newer request (a replan) supersedes an older job
    solve_ticket: Mapped[uuid.UUID | None]
    solve_requested_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    solve_started_at: Mapped[datetime | None]
    solved_at: Mapped[datetime | None]
