"""Every query of organisations, units and users."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session, selectinload

from samband.models import Organisation, Unit, User


@dataclass(frozen=True)
class CareProvider:
    """A care provider (vårdgivare): the authority that owns organisations, e.g. the region
    "Region Dalarna" or the municipality "Falu kommun". Administration and the auditor's
    log are per care provider."""

    authority_kind: str
    authority_name: str

    @property
    def label(self) -> str:
        return self.authority_name


def care_provider_of(session: Session, organisation_id: uuid.UUID) -> CareProvider | None:
    row = session.execute(
        select(Organisation.authority_kind, Organisation.authority_name).where(
            Organisation.id == organisation_id
        )
    ).first()
    return None if row is None else CareProvider(row[0], row[1])


def provider_organisation_ids(provider: CareProvider) -> Select[uuid.UUID]:
    """The ids of the care provider's organisations, as a subquery for ``IN``."""
    return select(Organisation.id).where(
        Organisation.authority_kind == provider.authority_kind,
        Organisation.authority_name == provider.authority_name,
    )


def in_care_provider(organisation_id_column: Any, provider: CareProvider) -> ColumnElement[bool]:
    """SQL condition: the organisation in this column belongs to the care provider."""
    return organisation_id_column.in_(provider_organisation_ids(provider))


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


def organisations_of(session: Session, provider: CareProvider) -> list[Organisation]:
    """The care provider's organisations with their units, by name."""
    return list(
        session.scalars(
            select(Organisation)
            .where(in_care_provider(Organisation.id, provider))
            .options(selectinload(Organisation.units))
            .order_by(Organisation.name)
        )
    )


def users_of_provider(
    session: Session,
    provider: CareProvider,
    *,
    organisation_id: uuid.UUID | None = None,
    active: bool | None = None,
) -> list[User]:
    """The care provider's users (optionally of one organisation), with organisation and unit
    loaded, by organisation and name."""
    query = (
        select(User)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(in_care_provider(User.organisation_id, provider))
        .options(selectinload(User.organisation), selectinload(User.unit))
    )
    if organisation_id is not None:
        query = query.where(User.organisation_id == organisation_id)
    if active is not None:
        query = query.where(User.active.is_(active))
    return list(session.scalars(query.order_by(Organisation.name, User.full_name, User.username)))


def get_user_for_update(session: Session, user_id: uuid.UUID) -> User | None:
    return session.scalar(
        select(User)
        .where(User.id == user_id)
        .options(selectinload(User.organisation), selectinload(User.unit))
        .with_for_update(of=User)
        .execution_options(populate_existing=True)
    )
