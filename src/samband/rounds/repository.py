"""Every query of the daily round: rounds, their notes and the patients on a unit's round (what
the round shows of each patient's monitoring is read by ``samband.monitoring.repository``)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from samband.episodes.states import Kind
from samband.models import (
    CarePlan,
    CarePlanVersion,
    Episode,
    Organisation,
    Patient,
    ReservedBed,
    Round,
    RoundNote,
    Unit,
    User,
)
from samband.security.repository import (
    Visibility,
    visible_patients_clause,
)


def add(session: Session, thing: object) -> None:
    session.add(thing)
    session.flush()


def get_round(session: Session, round_id: uuid.UUID) -> Round | None:
    return session.scalar(
        select(Round)
        .where(Round.id == round_id)
        .options(selectinload(Round.unit).selectinload(Unit.organisation))
    )


def round_of(session: Session, unit_id: uuid.UUID, day: date) -> Round | None:
    return session.scalar(
        select(Round)
        .where(Round.unit_id == unit_id, Round.day == day)
        .options(selectinload(Round.unit).selectinload(Unit.organisation))
    )


def get_unit(session: Session, unit_id: uuid.UUID) -> Unit | None:
    return session.scalar(
        select(Unit).where(Unit.id == unit_id).options(selectinload(Unit.organisation))
    )


def shares_patients_of_unit(session: Session, unit_id: uuid.UUID, visibility: Visibility) -> bool:
    """Whether the caller may see a patient whose episode the unit is responsible for."""
    return bool(
        session.scalar(
            select(
                exists(
                    select(Episode.id)
                    .join(Patient, Patient.id == Episode.patient_id)
                    .where(
                        Episode.responsible_unit_id == unit_id,
                        visible_patients_clause(Patient.id, visibility),
                    )
                )
            )
        )
    )


def round_episodes(
    session: Session, round_: Round, visibility: Visibility, at_home: str
) -> list[tuple[Episode, Patient]]:
    """The unit's patients at home that the caller may see, and those already decided on in
    this round (a patient discharged in today's round stays on today's list)."""
    noted = exists(
        select(RoundNote.id).where(
            RoundNote.round_id == round_.id, RoundNote.episode_id == Episode.id
        )
    )
    rows = session.execute(
        select(Episode, Patient)
        .join(Patient, Patient.id == Episode.patient_id)
        .where(
            Episode.responsible_unit_id == round_.unit_id,
            # the round is hospital care at home's: not an enrolment in home health care
            Episode.kind == Kind.HOSPITAL_AT_HOME.value,
            or_(Episode.state == at_home, noted),
            # Patient.id, not Episode.patient_id: the clause's own subquery selects from
            # episodes, and would compare that table's column with itself
            visible_patients_clause(Patient.id, visibility),
        )
        .order_by(Episode.started_at, Patient.family_name, Patient.given_name, Episode.id)
    )
    return [(episode, patient) for episode, patient in rows.tuples()]


def latest_notes(session: Session, episode_ids: list[uuid.UUID]) -> dict[uuid.UUID, RoundNote]:
    """The newest note of each episode, over all rounds."""
    if not episode_ids:
        return {}
    notes = session.scalars(
        select(RoundNote)
        .where(RoundNote.episode_id.in_(episode_ids))
        .options(selectinload(RoundNote.round), selectinload(RoundNote.created_by))
        .order_by(RoundNote.created_at.desc(), RoundNote.id)
    )
    latest: dict[uuid.UUID, RoundNote] = {}
    for note in notes:
        latest.setdefault(note.episode_id, note)
    return latest


def current_plan_versions(
    session: Session, episode_ids: list[uuid.UUID]
) -> dict[uuid.UUID, CarePlanVersion]:
    if not episode_ids:
        return {}
    rows = session.execute(
        select(CarePlan.episode_id, CarePlanVersion)
        .join(CarePlanVersion, CarePlanVersion.care_plan_id == CarePlan.id)
        .where(
            CarePlan.episode_id.in_(episode_ids),
            CarePlanVersion.number == CarePlan.current_version,
        )
    )
    return {episode_id: version for episode_id, version in rows.tuples()}


def current_plan_version(session: Session, episode_id: uuid.UUID) -> CarePlanVersion | None:
    return current_plan_versions(session, [episode_id]).get(episode_id)


def users_by_id(session: Session, ids: set[uuid.UUID]) -> dict[uuid.UUID, User]:
    if not ids:
        return {}
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(sorted(ids))))}


def notes_of_episode(session: Session, episode_id: uuid.UUID) -> list[RoundNote]:
    """The episode's round notes, newest first, with their round (and unit) and author."""
    return list(
        session.scalars(
            select(RoundNote)
            .where(RoundNote.episode_id == episode_id)
            .options(
                selectinload(RoundNote.round).selectinload(Round.unit),
                selectinload(RoundNote.created_by),
            )
            .order_by(RoundNote.created_at.desc(), RoundNote.id)
        )
    )


def units_for_rounds(
    session: Session, organisation_id: uuid.UUID, visibility: Visibility, kinds: set[str]
) -> list[Unit]:
    """Units of hospital organisations (of these kinds) that the caller may hold a round for:
    their own organisation's units, and units responsible for patients the caller sees."""
    shared = (
        select(Episode.responsible_unit_id)
        .join(Patient, Patient.id == Episode.patient_id)
        .where(visible_patients_clause(Patient.id, visibility))
    )
    return list(
        session.scalars(
            select(Unit)
            .join(Organisation, Organisation.id == Unit.organisation_id)
            .where(
                Organisation.kind.in_(sorted(kinds)),
                or_(Unit.organisation_id == organisation_id, Unit.id.in_(shared)),
            )
            .options(selectinload(Unit.organisation))
            .order_by(Organisation.name, Unit.name)
        )
    )


def ward_units(session: Session, kinds: set[str]) -> list[tuple[Unit, int, int]]:
    """Units that can admit a patient, with (free, total) reserved beds."""
    free = func.count(ReservedBed.id).filter(ReservedBed.occupied_by_episode_id.is_(None))
    rows = session.execute(
        select(Unit, free, func.count(ReservedBed.id))
        .join(Organisation, Organisation.id == Unit.organisation_id)
        .outerjoin(ReservedBed, ReservedBed.unit_id == Unit.id)
        .where(Organisation.kind.in_(sorted(kinds)))
        .group_by(Unit.id)
        .order_by(Unit.name)
    )
    return [(unit, int(f), int(total)) for unit, f, total in rows.tuples()]
