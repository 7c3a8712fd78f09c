"""Every query of visits, staff shifts and day plans."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import date

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, aliased

from samband.models import (
    CarePlan,
    CarePlanVersion,
    DayPlan,
    Episode,
    EpisodeParticipant,
    Medication,
    Organisation,
    Patient,
    StaffShift,
    User,
    Visit,
)
from samband.security.repository import Visibility, visible_patients_clause


def add(session: Session, thing: object) -> None:
    session.add(thing)
    session.flush()


# -- organisations ------------------------------------------------------------------------------


def organisations(session: Session, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Organisation]:
    if not ids:
        return {}
    rows = session.scalars(select(Organisation).where(Organisation.id.in_(sorted(ids))))
    return {o.id: o for o in rows}


def cooperates(
    session: Session, organisation_id: uuid.UUID, other_id: uuid.UUID, open_states: Collection[str]
) -> bool:
    """Whether the two organisations take part in the same open episode."""
    mine, theirs = aliased(EpisodeParticipant), aliased(EpisodeParticipant)
    return bool(
        session.scalar(
            select(
                exists(
                    select(Episode.id)
                    .join(mine, mine.episode_id == Episode.id)
                    .join(theirs, theirs.episode_id == Episode.id)
                    .where(
                        mine.organisation_id == organisation_id,
                        theirs.organisation_id == other_id,
                        Episode.state.in_(sorted(open_states)),
                    )
                )
            )
        )
    )


# -- episodes and their care plans ---------------------------------------------------------------


def episodes_at_home(
    session: Session,
    organisation_ids: Collection[uuid.UUID],
    visibility: Visibility,
    at_home: str,
) -> list[tuple[Episode, CarePlanVersion]]:
    """Episodes at home with a care plan, in which one of these organisations takes part and
    whose patient the caller may see, with the plan's current version."""
    takes_part = exists(
        select(EpisodeParticipant.id).where(
            EpisodeParticipant.episode_id == Episode.id,
            EpisodeParticipant.organisation_id.in_(sorted(organisation_ids)),
        )
    )
    rows = session.execute(
        select(Episode, CarePlanVersion)
        .join(Patient, Patient.id == Episode.patient_id)
        .join(CarePlan, CarePlan.episode_id == Episode.id)
        .join(
            CarePlanVersion,
            (CarePlanVersion.care_plan_id == CarePlan.id)
            & (CarePlanVersion.number == CarePlan.current_version),
        )
        .where(
            Episode.state == at_home,
            takes_part,
            visible_patients_clause(Patient.id, visibility),
        )
        .order_by(Episode.started_at, Episode.id)
    )
    return [(episode, version) for episode, version in rows.tuples()]


def participants(
    session: Session, episode_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, list[tuple[uuid.UUID, str]]]:
    """Each episode's participating organisations as (id, kind), in a stable order."""
    if not episode_ids:
        return {}
    rows = session.execute(
        select(EpisodeParticipant.episode_id, Organisation.id, Organisation.kind)
        .join(Organisation, Organisation.id == EpisodeParticipant.organisation_id)
        .where(EpisodeParticipant.episode_id.in_(sorted(episode_ids)))
        .order_by(EpisodeParticipant.created_at, Organisation.id)
    )
    result: dict[uuid.UUID, list[tuple[uuid.UUID, str]]] = {}
    for episode_id, org_id, kind in rows.tuples():
        result.setdefault(episode_id, []).append((org_id, kind))
    return result


# -- visits -------------------------------------------------------------------------------------


def get_visit(session: Session, visit_id: uuid.UUID, *, lock: bool = False) -> Visit | None:
    query = select(Visit).where(Visit.id == visit_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.scalar(query)


def visits_of_episodes(
    session: Session, episode_ids: Collection[uuid.UUID], day: date
) -> list[Visit]:
    if not episode_ids:
        return []
    return list(
        session.scalars(
            select(Visit)
            .where(Visit.episode_id.in_(sorted(episode_ids)), Visit.date == day)
            .with_for_update()
        )
    )


def search_visits(
    session: Session,
    visibility: Visibility,
    *,
    day: date,
    statuses: Collection[str] | None = None,
    staff_id: uuid.UUID | None = None,
    organisation_ids: Collection[uuid.UUID] | None = None,
) -> list[tuple[Visit, Patient]]:
    """The date's visits of patients the caller may see."""
    query = (
        select(Visit, Patient)
        .join(Patient, Patient.id == Visit.patient_id)
        .where(Visit.date == day, visible_patients_clause(Patient.id, visibility))
    )
    if statuses:
        query = query.where(Visit.status.in_(sorted(statuses)))
    if staff_id is not None:
        query = query.where(Visit.assigned_user_id == staff_id)
    if organisation_ids is not None:
        query = query.where(Visit.organisation_id.in_(sorted(organisation_ids)))
    rows = session.execute(
        query.order_by(Visit.window_start, Visit.priority, Patient.family_name, Visit.id)
    )
    return [(visit, patient) for visit, patient in rows.tuples()]


def visits_for_planning(
    session: Session,
    visibility: Visibility,
    *,
    day: date,
    organisation_ids: Collection[uuid.UUID],
    statuses: Collection[str],
) -> list[tuple[Visit, Patient]]:
    """The visits a day plan takes in, locked: staff assignment is serialised."""
    rows = session.execute(
        select(Visit, Patient)
        .join(Patient, Patient.id == Visit.patient_id)
        .where(
            Visit.date == day,
            Visit.organisation_id.in_(sorted(organisation_ids)),
            Visit.status.in_(sorted(statuses)),
            visible_patients_clause(Patient.id, visibility),
        )
        .order_by(Visit.window_start, Visit.priority, Visit.id)
        .with_for_update(of=Visit)
    )
    return [(visit, patient) for visit, patient in rows.tuples()]


def regular_staff(
    session: Session,
    patient_ids: Collection[uuid.UUID],
    *,
    since: date,
    before: date,
    statuses: Collection[str],
) -> dict[uuid.UUID, list[tuple[uuid.UUID, int]]]:
    """Per patient, who made their visits in [since, before): (user id, visits), most first."""
    if not patient_ids:
        return {}
    visits = func.count(Visit.id)
    rows = session.execute(
        select(Visit.patient_id, Visit.assigned_user_id, visits)
        .where(
            Visit.patient_id.in_(sorted(patient_ids)),
            Visit.date >= since,
            Visit.date < before,
            Visit.status.in_(sorted(statuses)),
            Visit.assigned_user_id.is_not(None),
        )
        .group_by(Visit.patient_id, Visit.assigned_user_id)
        .order_by(Visit.patient_id, visits.desc(), func.max(Visit.date).desc())
    )
    result: dict[uuid.UUID, list[tuple[uuid.UUID, int]]] = {}
    for patient_id, user_id, count in rows.tuples():
        if user_id is not None:
            result.setdefault(patient_id, []).append((user_id, count))
    return result


def visits_by_id(
    session: Session, ids: Collection[uuid.UUID], *, lock: bool = False
) -> dict[uuid.UUID, tuple[Visit, Patient]]:
    if not ids:
        return {}
    query = (
        select(Visit, Patient)
        .join(Patient, Patient.id == Visit.patient_id)
        .where(Visit.id.in_(sorted(ids)))
    )
    if lock:
        query = query.with_for_update(of=Visit)
    return {visit.id: (visit, patient) for visit, patient in session.execute(query).tuples()}


def visible_patient_ids(
    session: Session, patient_ids: Collection[uuid.UUID], visibility: Visibility
) -> set[uuid.UUID]:
    if not patient_ids:
        return set()
    return set(
        session.scalars(
            select(Patient.id).where(
                Patient.id.in_(sorted(patient_ids)),
                visible_patients_clause(Patient.id, visibility),
            )
        )
    )


# -- staff and shifts ----------------------------------------------------------------------------


def get_user(session: Session, user_id: uuid.UUID) -> User | None:
    return session.get(User, user_id)


def users_by_id(session: Session, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, User]:
    if not ids:
        return {}
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(sorted(ids))))}


def shift_of(session: Session, user_id: uuid.UUID, day: date) -> StaffShift | None:
    return session.scalar(
        select(StaffShift)
        .where(StaffShift.user_id == user_id, StaffShift.date == day)
        .with_for_update()
    )


def shifts(
    session: Session, organisation_ids: Collection[uuid.UUID], day: date
) -> list[tuple[StaffShift, User]]:
    """The date's shifts of active staff of these organisations."""
    rows = session.execute(
        select(StaffShift, User)
        .join(User, User.id == StaffShift.user_id)
        .where(
            StaffShift.date == day,
            StaffShift.organisation_id.in_(sorted(organisation_ids)),
            User.active.is_(True),
        )
        .order_by(StaffShift.start, User.full_name, User.id)
    )
    return [(shift, user) for shift, user in rows.tuples()]


# -- day plans ----------------------------------------------------------------------------------


def get_day_plan(session: Session, plan_id: uuid.UUID, *, lock: bool = False) -> DayPlan | None:
    query = select(DayPlan).where(DayPlan.id == plan_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.scalar(query)


def day_plans(session: Session, organisation_id: uuid.UUID, day: date) -> list[DayPlan]:
    """The date's day plans that include this organisation, the newest first.

    ``organisation_ids`` is a JSON list, and JSON containment is written differently on SQLite
    and PostgreSQL, so the organisation is matched here rather than in SQL: a date has a
    handful of plans at most."""
    rows = session.scalars(
        select(DayPlan)
        .where(DayPlan.date == day)
        .order_by(DayPlan.created_at.desc(), DayPlan.id.desc())
    )
    return [plan for plan in rows if str(organisation_id) in (plan.organisation_ids or [])]


def day_plans_on(session: Session, days: Collection[date], *, lock: bool = False) -> list[DayPlan]:
    """Every day plan of these dates (any organisation), optionally locked."""
    if not days:
        return []
    query = select(DayPlan).where(DayPlan.date.in_(sorted(days))).order_by(DayPlan.id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return list(session.scalars(query))


# -- following the patient -------------------------------------------------------------------


def open_visits_from(
    session: Session, episode_id: uuid.UUID, since: date, statuses: Collection[str]
) -> list[Visit]:
    """The episode's visits on ``since`` and later in these statuses, locked."""
    return list(
        session.scalars(
            select(Visit)
            .where(
                Visit.episode_id == episode_id,
                Visit.date >= since,
                Visit.status.in_(sorted(statuses)),
            )
            .order_by(Visit.date, Visit.window_start, Visit.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    )


def medications_of(
    session: Session, episode_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, list[Medication]]:
    """The episodes' medication lists (stopped ones too: a course that ended asks for no
    more doses)."""
    if not episode_ids:
        return {}
    result: dict[uuid.UUID, list[Medication]] = {}
    for medication in session.scalars(
        select(Medication)
        .where(Medication.episode_id.in_(sorted(episode_ids)))
        .order_by(Medication.created_at, Medication.id)
    ):
        result.setdefault(medication.episode_id, []).append(medication)
    return result


def episodes_by_id(
    session: Session, ids: Collection[uuid.UUID], *, lock: bool = False
) -> dict[uuid.UUID, Episode]:
    if not ids:
        return {}
    query = select(Episode).where(Episode.id.in_(sorted(ids))).order_by(Episode.id)
    if lock:
        query = query.with_for_update()
    return {episode.id: episode for episode in session.scalars(query)}
