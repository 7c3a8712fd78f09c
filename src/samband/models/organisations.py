"""Organisations (huvudmännens verksamheter), their units, staff users and tokens."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from samband.models.base import Base, CreatedMixin, IdMixin


class Organisation(IdMixin, CreatedMixin, Base):
    __tablename__ = "organisations"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # OrganisationKind value: hospital_clinic, hospital_ward, mobile_team, primary_care_centre,
    # municipal_home_health_care, municipal_home_care
    kind: Mapped[str] = mapped_column(String(40))
    # AuthorityKind value: region or municipality; authority_name e.g. "Region Dalarna"
    authority_kind: Mapped[str] = mapped_column(String(20))
    authority_name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))

    units: Mapped[list[Unit]] = relationship(back_populates="organisation", order_by="Unit.code")


class Unit(IdMixin, CreatedMixin, Base):
    __tablename__ = "units"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))

    organisation: Mapped[Organisation] = relationship(back_populates="units")
    reserved_beds: Mapped[list[ReservedBed]] = relationship(
        back_populates="unit", order_by="ReservedBed.label"
    )


class ReservedBed(IdMixin, Base):
    """A trygghetsplats: a ward bed kept free for direct admission of patients at home."""

    __tablename__ = "reserved_beds"

    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("units.id"), index=True)
    label: Mapped[str] = mapped_column(String(40))
    occupied_by_episode_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("episodes.id", use_alter=True), index=True
    )
    occupied_since: Mapped[datetime | None]

    unit: Mapped[Unit] = relationship(back_populates="reserved_beds")


class User(IdMixin, CreatedMixin, Base):
    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    # Role value: physician, registered_nurse, assistant_nurse, ...
    role: Mapped[str] = mapped_column(String(40))
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    unit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("units.id"))
    skills: Mapped[list[Any]] = mapped_column(default=list)
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    # the channels notifications go out on, in order of preference (issue 11): app always,
    # then e.g. ["sms", "email"]; a failed channel falls back to the next
    notify_channels: Mapped[list[Any]] = mapped_column(default=list)
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # issue 14 (deviations): the organisation's responsible role for patient safety, told of
    # a deviation that may need a Lex Maria report: chief_physician (verksamhetschef /
    # chefläkare, a region) or mas (medicinskt ansvarig sjuksköterska, a municipality)
    patient_safety_role: Mapped[str | None] = mapped_column(String(20))

    organisation: Mapped[Organisation] = relationship()
    unit: Mapped[Unit | None] = relationship()


class ApiToken(Base):
    """A bearer token, a page session or a tablet's pairing; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    # api: a bearer token (POST /api/v1/auth/token); session: a page login (the session
    # cookie), which also ends after SAMBAND_SESSION_IDLE_MINUTES without use; self_report:
    # a tablet paired with an episode (selfreport.service)
    kind: Mapped[str] = mapped_column(String(20), default="api", server_default="api")
    # when it was last used, at most a minute off (written at most once a minute)
    last_used_at: Mapped[datetime | None]
