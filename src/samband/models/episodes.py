"""Episodes of hospital care at home (FHIR EpisodeOfCare), their timeline and checklist."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from samband.models.base import Base, CreatedMixin, IdMixin

# The states of an open episode (episodes/states.py OPEN_STATES), as SQL for the index below.
OPEN_STATES_SQL = "state IN ('candidate', 'assessed', 'consented', 'planned', 'at_home')"


class Episode(IdMixin, CreatedMixin, Base):
    __tablename__ = "episodes"
    # One open episode per patient and kind, held by the database: of two concurrent "flag
    # candidate" requests one commits, the other gets 409 (docs/decisions/0010); a patient
    # enrolled in home health care may have a hospital-at-home episode on top (decision 0018).
    __table_args__ = (
        Index(
            "uq_episodes_one_open_per_patient",
            "patient_id",
            "kind",
            unique=True,
            postgresql_where=text(OPEN_STATES_SQL),
            sqlite_where=text(OPEN_STATES_SQL),
        ),
        # the live overview's change feed: episodes changed since its cursor (issue 11)
        Index("ix_episodes_updated_at", "updated_at"),
    )

    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patients.id"), index=True)
    # hospital_at_home (sjukhusvård i hemmet) | home_health_care (an enrolment in the
    # municipality's home health care, inskriven i hemsjukvården: decision 0018)
    kind: Mapped[str] = mapped_column(
        String(20), default="hospital_at_home", server_default="hospital_at_home"
    )
    pathway: Mapped[str] = mapped_column(String(40))
    # admission_avoidance | early_supported_discharge
    type: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(20), index=True)
    responsible_unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("units.id"))
    responsible_physician_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    care_contact_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    eligible: Mapped[bool | None]
    # {"criterion key": true/false}
    assessment_answers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    planned_home_date: Mapped[date | None] = mapped_column(Date)
    started_at: Mapped[datetime | None]  # went home
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(Text)
    # The patient's consent to shared records (sammanhållen journalföring, patientdatalagen
    # 6 kap.): without it, organisations of another care provider taking part in the episode
    # see what was sent to them, not this episode's record. None: not asked yet.
    shared_records_consent: Mapped[bool | None]
    shared_records_consent_at: Mapped[datetime | None]
    shared_records_consent_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    # Incremented on every change, so two clients cannot overwrite each other unseen.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    updated_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime | None]

    participants: Mapped[list[EpisodeParticipant]] = relationship(
        back_populates="episode", cascade="all, delete-orphan"
    )
    checklist: Mapped[list[ChecklistItem]] = relationship(
        back_populates="episode", order_by="ChecklistItem.position"
    )


class EpisodeParticipant(IdMixin, CreatedMixin, Base):
    """An organisation taking part in an episode: the care relationship."""

    __tablename__ = "episode_participants"
    __table_args__ = (UniqueConstraint("episode_id", "organisation_id"),)

    episode_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("episodes.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    # responsible | home_health_care | home_care | primary_care | mobile_team | other
    role: Mapped[str] = mapped_column(String(40))

    episode: Mapped[Episode] = relationship(back_populates="participants")


class EpisodeEvent(IdMixin, Base):
    """One line of the episode's timeline: a transition or another event, with who and why."""

    __tablename__ = "episode_events"

    episode_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("episodes.id"), index=True)
    at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(60))  # transition, care_plan.version, ...
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str | None] = mapped_column(String(20))
    by_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    by_organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)


class ChecklistItem(IdMixin, Base):
    """One item of the pathway's discharge checklist for this episode."""

    __tablename__ = "checklist_items"
    __table_args__ = (UniqueConstraint("episode_id", "key"),)

    episode_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("episodes.id"), index=True)
    key: Mapped[str] = mapped_column(String(60))
    label: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(Integer)
    blocking: Mapped[bool]
    # roles allowed to sign, e.g. ["pharmacist", "registered_nurse"]
    signer_roles: Mapped[list[Any]] = mapped_column(default=list)
    done: Mapped[bool] = mapped_column(default=False)
    signed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    signed_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)

    episode: Mapped[Episode] = relationship(back_populates="checklist")
