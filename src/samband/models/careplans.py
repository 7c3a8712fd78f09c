"""The documented agreement (dokumenterad överenskommelse; FHIR CarePlan), versioned."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from samband.models.base import Base, CreatedMixin, IdMixin


class CarePlan(IdMixin, CreatedMixin, Base):
    __tablename__ = "care_plans"

    episode_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("episodes.id"), unique=True)
    current_version: Mapped[int] = mapped_column(Integer, default=0)

    versions: Mapped[list[CarePlanVersion]] = relationship(
        back_populates="care_plan", order_by="CarePlanVersion.number"
    )


class CarePlanVersion(IdMixin, CreatedMixin, Base):
    """An immutable version. Content: goals, activities, contacts, if_worse, discharge_criteria."""

    __tablename__ = "care_plan_versions"
    __table_args__ = (UniqueConstraint("care_plan_id", "number"),)

    care_plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_plans.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict[str, Any]] = mapped_column()
    change_note: Mapped[str | None] = mapped_column(String(500))
    created_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))

    care_plan: Mapped[CarePlan] = relationship(back_populates="versions")
    acknowledgements: Mapped[list[CarePlanAcknowledgement]] = relationship(
        back_populates="version", order_by="CarePlanAcknowledgement.at"
    )


class CarePlanAcknowledgement(IdMixin, Base):
    """The patient, next of kin or a participating organisation has read and agreed a version."""

    __tablename__ = "care_plan_acknowledgements"
    __table_args__ = (UniqueConstraint("version_id", "party", "organisation_id"),)

    version_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_plan_versions.id"), index=True)
    party: Mapped[str] = mapped_column(String(20))  # patient | next_of_kin | organisation
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id"))
    name: Mapped[str | None] = mapped_column(String(200))  # who, for patient / next of kin
    recorded_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime]

    version: Mapped[CarePlanVersion] = relationship(back_populates="acknowledgements")
