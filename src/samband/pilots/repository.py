"""Every query of the pilots: pilots, their organisations, assumptions and log."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, selectinload

from samband.models import Organisation, Pilot, PilotAssumption, PilotOrganisation


def add(session: Session, thing: object) -> None:
    session.add(thing)
    session.flush()


def _loaded() -> tuple[object, ...]:
    return (
        selectinload(Pilot.organisations),
        selectinload(Pilot.assumptions),
        selectinload(Pilot.log),
    )


def get(session: Session, pilot_id: uuid.UUID, *, lock: bool = False) -> Pilot | None:
    query = select(Pilot).where(Pilot.id == pilot_id).options(*_loaded())  # type: ignore[arg-type]
    if lock:
        query = query.with_for_update(of=Pilot)
    return session.scalar(query)


def of_organisation(session: Session, organisation_id: uuid.UUID) -> Sequence[Pilot]:
    """The pilots the organisation takes part in, newest period first."""
    return session.scalars(
        select(Pilot)
        .join(PilotOrganisation, PilotOrganisation.pilot_id == Pilot.id)
        .where(PilotOrganisation.organisation_id == organisation_id)
        .options(*_loaded())  # type: ignore[arg-type]
        .order_by(Pilot.period_start.desc(), Pilot.name)
    ).all()


def finished_without(session: Session, organisation_id: uuid.UUID, today: date) -> Sequence[Pilot]:
    """The pilots whose period ended before ``today`` that the organisation does not take
    part in, the latest ended first."""
    member = exists().where(
        PilotOrganisation.pilot_id == Pilot.id,
        PilotOrganisation.organisation_id == organisation_id,
    )
    return session.scalars(
        select(Pilot)
        .where(Pilot.period_end < today, ~member)
        .options(*_loaded())  # type: ignore[arg-type]
        .order_by(Pilot.period_end.desc(), Pilot.name)
    ).all()


def organisations_by_code(session: Session, codes: Sequence[str]) -> dict[str, Organisation]:
    if not codes:
        return {}
    rows = session.scalars(select(Organisation).where(Organisation.code.in_(codes))).all()
    return {o.code: o for o in rows}


def organisations_by_id(session: Session, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    rows = session.execute(
        select(Organisation.id, Organisation.code).where(Organisation.id.in_(ids))
    ).all()
    return {row[0]: row[1] for row in rows}


def assumption(
    session: Session, pilot_id: uuid.UUID, assumption_id: uuid.UUID
) -> PilotAssumption | None:
    return session.scalar(
        select(PilotAssumption).where(
            PilotAssumption.id == assumption_id, PilotAssumption.pilot_id == pilot_id
        )
    )
