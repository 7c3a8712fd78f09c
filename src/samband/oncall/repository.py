"""Every query of the on-call roster: its entries, and the units, organisations and users they
name."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from samband.models import (
    EpisodeParticipant,
    OnCallEntry,
    Organisation,
    Unit,
    User,
)


def add(session: Session, entry: OnCallEntry) -> None:
    session.add(entry)
    session.flush()


def delete(session: Session, entry: OnCallEntry) -> None:
    session.delete(entry)
    session.flush()


def entry(session: Session, entry_id: uuid.UUID, *, lock: bool = False) -> OnCallEntry | None:
    query = select(OnCallEntry).where(OnCallEntry.id == entry_id)
    if lock:
        query = query.with_for_update()
    return session.scalar(query)


def unit(session: Session, unit_id: uuid.UUID) -> Unit | None:
    return session.get(Unit, unit_id)


def organisation(session: Session, organisation_id: uuid.UUID) -> Organisation | None:
    return session.get(Organisation, organisation_id)


def units_of(session: Session, organisation_id: uuid.UUID) -> Sequence[Unit]:
    return session.scalars(
        select(Unit).where(Unit.organisation_id == organisation_id).order_by(Unit.code)
    ).all()


def unit_by_code(session: Session, code: str) -> Unit | None:
    return session.scalar(select(Unit).where(Unit.code == code))


def organisation_by_code(session: Session, code: str) -> Organisation | None:
    return session.scalar(select(Organisation).where(Organisation.code == code))


def users(session: Session, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, User]:
    if not ids:
        return {}
    rows = session.scalars(select(User).where(User.id.in_(list(ids)))).all()
    return {u.id: u for u in rows}


def staff_of(session: Session, organisation_id: uuid.UUID) -> Sequence[User]:
    """The organisation's active physicians and registered nurses (who can be on call)."""
    return session.scalars(
        select(User)
        .where(
            User.organisation_id == organisation_id,
            User.active.is_(True),
            User.role.in_(("physician", "registered_nurse")),
        )
        .order_by(User.full_name)
    ).all()


def entries_in_force(
    session: Session,
    organisation_id: uuid.UUID,
    unit_ids: Sequence[uuid.UUID | None],
    *,
    first: date,
    last: date,
    roles: Sequence[str] | None = None,
    slots: Sequence[str] | None = None,
) -> Sequence[OnCallEntry]:
    """Entries of the organisation's roster (unit None) and of the given units that are valid
    on some day of [first, last]."""
    scopes = []
    if None in unit_ids:
        scopes.append(OnCallEntry.unit_id.is_(None))
    named = [u for u in unit_ids if u is not None]
    if named:
        scopes.append(OnCallEntry.unit_id.in_(named))
    query = select(OnCallEntry).where(
        OnCallEntry.organisation_id == organisation_id,
        or_(*scopes),
        OnCallEntry.starts_on <= last,
        or_(OnCallEntry.ends_on.is_(None), OnCallEntry.ends_on >= first),
    )
    if roles is not None:
        query = query.where(OnCallEntry.role.in_(list(roles)))
    if slots is not None:
        query = query.where(OnCallEntry.slot.in_(list(slots)))
    return session.scalars(query).all()


def roster(
    session: Session,
    organisation_id: uuid.UUID,
    unit_id: uuid.UUID | None,
    *,
    since: date | None = None,
) -> Sequence[OnCallEntry]:
    """The entries of one roster (the organisation's: unit None), those still in force since
    ``since``, in a stable order."""
    query = select(OnCallEntry).where(
        OnCallEntry.organisation_id == organisation_id,
        OnCallEntry.unit_id.is_(None) if unit_id is None else OnCallEntry.unit_id == unit_id,
    )
    if since is not None:
        query = query.where(or_(OnCallEntry.ends_on.is_(None), OnCallEntry.ends_on >= since))
    return session.scalars(
        query.order_by(
            OnCallEntry.role,
            OnCallEntry.slot,
            OnCallEntry.ends_on.is_not(None),
            OnCallEntry.starts_on,
            OnCallEntry.created_at,
        )
    ).all()


def home_health_participants(session: Session, episode_id: uuid.UUID) -> Sequence[Organisation]:
    """The municipal home health care organisations taking part in an episode."""
    return session.scalars(
        select(Organisation)
        .join(EpisodeParticipant, EpisodeParticipant.organisation_id == Organisation.id)
        .where(
            EpisodeParticipant.episode_id == episode_id,
            Organisation.kind == "municipal_home_health_care",
        )
        .order_by(Organisation.code)
    ).all()
