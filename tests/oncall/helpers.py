"""Roster entries for the on-call tests, written directly (the API has its own tests)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from samband.kit.time import STOCKHOLM
from samband.models import OnCallEntry, Organisation, Unit, User
from samband.oncall import rules

LONG_AGO = date(2020, 1, 1)


def local(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=STOCKHOLM).astimezone(UTC)


def add_entry(
    session: Session,
    organisation: Organisation,
    role: str,
    slot: str,
    *,
    unit: Unit | None = None,
    user: User | None = None,
    name: str | None = None,
    phone: str | None = None,
    starts_on: date = LONG_AGO,
    ends_on: date | None = None,
) -> OnCallEntry:
    entry = OnCallEntry(
        organisation_id=organisation.id,
        unit_id=unit.id if unit else None,
        role=role,
        slot=slot,
        starts_on=starts_on,
        ends_on=ends_on,
        user_id=user.id if user else None,
        name=name,
        phone=phone,
    )
    session.add(entry)
    session.flush()
    return entry


def full_week(
    session: Session, organisation: Organisation, role: str, who: str, phone: str, **kw: object
) -> None:
    """Every slot covered by one external person, open-ended."""
    for slot in rules.SLOTS:
        add_entry(session, organisation, role, slot, name=who, phone=phone, **kw)  # type: ignore[arg-type]
