"""Every query of organisations, units and users."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from samband.models import Organisation, Unit, User


def list_all(session: Session) -> list[Organisation]:
    return list(
        session.scalars(
            select(Organisation)
            .options(selectinload(Organisation.units))
            .order_by(Organisation.code)
        )
    )


def get(session: Session, organisation_id: uuid.UUID) -> Organisation | None:
    return session.get(Organisation, organisation_id)


def get_by_code(session: Session, code: str) -> Organisation | None:
    return session.scalar(select(Organisation).where(Organisation.code == code))


def get_unit_by_code(session: Session, code: str) -> Unit | None:
    return session.scalar(select(Unit).where(Unit.code == code))


def get_unit(session: Session, unit_id: uuid.UUID) -> Unit | None:
    return session.get(Unit, unit_id)


def get_user(session: Session, user_id: uuid.UUID) -> User | None:
    return session.get(User, user_id)


def get_user_by_username(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def users_of(session: Session, organisation_id: uuid.UUID) -> list[User]:
    return list(
        session.scalars(
            select(User).where(User.organisation_id == organisation_id).order_by(User.username)
        )
    )


def add(session: Session, thing: Organisation | Unit | User) -> None:
    session.add(thing)
    session.flush()


def units_with_organisation(session: Session, kinds: set[str] | None = None) -> list[Unit]:
    """Units with their organisation loaded, optionally only of organisations of these kinds."""
    query = select(Unit).join(Organisation, Organisation.id == Unit.organisation_id)
    if kinds is not None:
        query = query.where(Organisation.kind.in_(sorted(kinds)))
    return list(
        session.scalars(
            query.options(selectinload(Unit.organisation)).order_by(Organisation.name, Unit.name)
        )
    )


def users_by_ids(session: Session, ids: set[uuid.UUID]) -> list[User]:
    if not ids:
        return []
    return list(session.scalars(select(User).where(User.id.in_(sorted(ids)))))


def active_users_of(session: Session, organisation_ids: set[uuid.UUID]) -> list[User]:
    if not organisation_ids:
        return []
    return list(
        session.scalars(
            select(User)
            .where(User.organisation_id.in_(sorted(organisation_ids)), User.active.is_(True))
            .order_by(User.full_name)
        )
    )
