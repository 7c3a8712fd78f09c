"""Every query of the outcome follow-up: the imported histories, what the report reads
of the live episodes (their timeline, visits, day plans, alerts, care requests and
questionnaires), and the rows of the physician-support indicators (physician requests,
physician visits, hospital stays, the fixed physicians)."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterator, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, insert, or_, select
from sqlalchemy.orm import Session

from samband.episodes.states import Kind
from samband.models import (
    Alert,
    CareRequest,
    DayPlan,
    Episode,
    EpisodeEvent,
    HospitalStay,
    ImportedEpisode,
    ImportedEvent,
    Organisation,
    OutcomeImport,
    Patient,
    PatientAssignment,
    PhysicianRequest,
    QuestionnaireResponse,
    SlotBooking,
    Unit,
    Visit,
)
from samband.security.repository import Visibility, visible_patients_clause

CHUNK = 500  # ids per IN (...) list


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def add(session: Session, thing: object) -> None:
    session.add(thing)
    session.flush()


# -- organisations ------------------------------------------------------------------------------


def organisation_by_code(session: Session, code: str) -> Organisation | None:
    return session.scalar(select(Organisation).where(Organisation.code == code))


def organisations(session: Session) -> dict[uuid.UUID, Organisation]:
    return {o.id: o for o in session.scalars(select(Organisation))}


# -- the historical import ----------------------------------------------------------------------


def imported_episodes(
    session: Session, external_ids: Collection[str]
) -> dict[str, tuple[ImportedEpisode, list[tuple[str, datetime]]]]:
    """The stored episodes with these ids, each with its events (event, at)."""
    out: dict[str, tuple[ImportedEpisode, list[tuple[str, datetime]]]] = {}
    ids = sorted(external_ids)
    by_pk: dict[uuid.UUID, str] = {}
    for chunk in _chunks(ids):
        for episode in session.scalars(
            select(ImportedEpisode).where(ImportedEpisode.external_id.in_(chunk))
        ):
            out[episode.external_id] = (episode, [])
            by_pk[episode.id] = episode.external_id
    pks = sorted(by_pk)
    for chunk in _chunks(pks):
        for episode_id, event, at in session.execute(
            select(ImportedEvent.episode_id, ImportedEvent.event, ImportedEvent.at).where(
                ImportedEvent.episode_id.in_(chunk)
            )
        ):
            out[by_pk[episode_id]][1].append((event, at))
    return out


def insert_episodes(session: Session, rows: list[dict[str, Any]]) -> None:
    for chunk in _chunks(rows):
        session.execute(insert(ImportedEpisode), list(chunk))


def insert_events(session: Session, rows: list[dict[str, Any]]) -> None:
    for chunk in _chunks(rows):
        session.execute(insert(ImportedEvent), list(chunk))


def imports(session: Session) -> list[OutcomeImport]:
    return list(session.scalars(select(OutcomeImport).order_by(OutcomeImport.imported_at)))


def imported_in(
    session: Session,
    start: datetime,
    end: datetime,
    *,
    pathways: Collection[str] = (),
    types: Collection[str] = (),
    organisation_ids: Collection[uuid.UUID] | None = None,
) -> list[tuple[ImportedEpisode, list[tuple[str, datetime]]]]:
    """Imported episodes whose events reach into [start, end) (first event before the end,
    last event at or after the start), with all their events."""
    span = (
        select(
            ImportedEvent.episode_id.label("episode_id"),
            func.min(ImportedEvent.at).label("first_at"),
            func.max(ImportedEvent.at).label("last_at"),
        )
        .group_by(ImportedEvent.episode_id)
        .subquery()
    )
    query = (
        select(ImportedEpisode)
        .join(span, span.c.episode_id == ImportedEpisode.id)
        .where(span.c.first_at < end, span.c.last_at >= start)
    )
    if pathways:
        query = query.where(ImportedEpisode.pathway.in_(sorted(pathways)))
    if types:
        query = query.where(ImportedEpisode.type.in_(sorted(types)))
    if organisation_ids is not None:
        query = query.where(ImportedEpisode.organisation_id.in_(sorted(organisation_ids)))
    episodes: dict[uuid.UUID, tuple[ImportedEpisode, list[tuple[str, datetime]]]] = {
        e.id: (e, []) for e in session.scalars(query)
    }
    events: dict[uuid.UUID, list[tuple[str, datetime]]] = {k: [] for k in episodes}
    for chunk in _chunks(sorted(episodes)):
        for episode_id, event, at in session.execute(
            select(ImportedEvent.episode_id, ImportedEvent.event, ImportedEvent.at)
            .where(ImportedEvent.episode_id.in_(chunk))
            .order_by(ImportedEvent.episode_id, ImportedEvent.at)
        ):
            events[episode_id].append((event, at))
    return [(episode, events[pk]) for pk, (episode, _) in episodes.items()]


# -- live episodes --------------------------------------------------------------------------------


def live_in(
    session: Session,
    start: datetime,
    end: datetime,
    *,
    pathways: Collection[str] = (),
    types: Collection[str] = (),
    organisation_ids: Collection[uuid.UUID] | None = None,
) -> list[tuple[Episode, Organisation]]:
    """Live hospital-at-home episodes that existed in [start, end): created before the end,
    not ended before the start; with the responsible unit's organisation. Enrolments in home
    health care (kind ``home_health_care``) are not episodes of hospital care at home: the
    physician-support indicators read them (``physician_*``)."""
    query = (
        select(Episode, Organisation)
        .join(Unit, Unit.id == Episode.responsible_unit_id)
        .join(Organisation, Organisation.id == Unit.organisation_id)
        .where(
            Episode.created_at < end,
            or_(Episode.ended_at.is_(None), Episode.ended_at >= start),
            # hospital care at home only: an enrolment in home health care (decision 0018)
            # is no episode of the indicators
            Episode.kind == Kind.HOSPITAL_AT_HOME.value,
        )
    )
    if pathways:
        query = query.where(Episode.pathway.in_(sorted(pathways)))
    if types:
        query = query.where(Episode.type.in_(sorted(types)))
    if organisation_ids is not None:
        query = query.where(Organisation.id.in_(sorted(organisation_ids)))
    return [(e, o) for e, o in session.execute(query).tuples()]


def transitions(
    session: Session, episode_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[EpisodeEvent]]:
    out: dict[uuid.UUID, list[EpisodeEvent]] = {k: [] for k in episode_ids}
    for chunk in _chunks(sorted(episode_ids)):
        for event in session.scalars(
            select(EpisodeEvent)
            .where(EpisodeEvent.episode_id.in_(chunk), EpisodeEvent.kind == "transition")
            .order_by(EpisodeEvent.at)
        ):
            out[event.episode_id].append(event)
    return out


def done_visits(
    session: Session, episode_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[datetime]]:
    """When each episode's done visits ended (or started, or were due)."""
    out: dict[uuid.UUID, list[datetime]] = {k: [] for k in episode_ids}
    for chunk in _chunks(sorted(episode_ids)):
        for episode_id, ended, started, due in session.execute(
            select(Visit.episode_id, Visit.ended_at, Visit.started_at, Visit.window_start).where(
                Visit.episode_id.in_(chunk), Visit.status == "done"
            )
        ):
            out[episode_id].append(ended or started or due)
    return out


def published_plans(session: Session, first_day: date, last_day: date) -> list[DayPlan]:
    """The published day plans of the dates, the newest of each date and set of
    organisations (a replan supersedes the plan it replaces)."""
    plans = session.scalars(
        select(DayPlan)
        .where(
            DayPlan.date >= first_day,
            DayPlan.date <= last_day,
            DayPlan.status == "published",
        )
        .order_by(DayPlan.date, DayPlan.created_at)
    )
    newest: dict[tuple[date, tuple[str, ...]], DayPlan] = {}
    for plan in plans:
        key = (plan.date, tuple(sorted(str(o) for o in plan.organisation_ids or [])))
        if key not in newest or (plan.version, plan.created_at) >= (
            newest[key].version,
            newest[key].created_at,
        ):
            newest[key] = plan
    return list(newest.values())


def visits_for_staff_time(
    session: Session, visit_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, tuple[uuid.UUID, str, Organisation]]:
    """visit → (episode, role, the organisation making the visit)."""
    out: dict[uuid.UUID, tuple[uuid.UUID, str, Organisation]] = {}
    for chunk in _chunks(sorted(visit_ids)):
        for visit_id, episode_id, role, org in session.execute(
            select(Visit.id, Visit.episode_id, Visit.role, Organisation)
            .join(Organisation, Organisation.id == Visit.organisation_id)
            .where(Visit.id.in_(chunk))
        ).tuples():
            out[visit_id] = (episode_id, role, org)
    return out


def alerts(
    session: Session, episode_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[tuple[datetime, str, datetime | None]]]:
    out: dict[uuid.UUID, list[tuple[datetime, str, datetime | None]]] = {k: [] for k in episode_ids}
    for chunk in _chunks(sorted(episode_ids)):
        for episode_id, created, severity, acknowledged in session.execute(
            select(Alert.episode_id, Alert.created_at, Alert.severity, Alert.acknowledged_at).where(
                Alert.episode_id.in_(chunk)
            )
        ):
            out[episode_id].append((created, severity, acknowledged))
    return out


def care_requests(
    session: Session, episode_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[CareRequest]]:
    out: dict[uuid.UUID, list[CareRequest]] = {k: [] for k in episode_ids}
    for chunk in _chunks(sorted(episode_ids)):
        for request in session.scalars(
            select(CareRequest).where(CareRequest.episode_id.in_(chunk))
        ):
            out[request.episode_id].append(request)
    return out


def questionnaires(
    session: Session, episode_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[QuestionnaireResponse]]:
    out: dict[uuid.UUID, list[QuestionnaireResponse]] = {k: [] for k in episode_ids}
    for chunk in _chunks(sorted(episode_ids)):
        for response in session.scalars(
            select(QuestionnaireResponse).where(QuestionnaireResponse.episode_id.in_(chunk))
        ):
            out[response.episode_id].append(response)
    return out


def questionnaire_of(session: Session, episode_id: uuid.UUID) -> QuestionnaireResponse | None:
    return session.scalar(
        select(QuestionnaireResponse).where(QuestionnaireResponse.episode_id == episode_id)
    )


# -- physician support (issue 13) ------------------------------------------------------------


def physician_requests(session: Session, start: datetime, end: datetime) -> list[PhysicianRequest]:
    """The physician requests asked in [start, end), or answered in it."""
    return list(
        session.scalars(
            select(PhysicianRequest).where(
                or_(
                    and_(PhysicianRequest.created_at >= start, PhysicianRequest.created_at < end),
                    and_(PhysicianRequest.answered_at >= start, PhysicianRequest.answered_at < end),
                )
            )
        )
    )


def physician_visits_done(
    session: Session, first_day: date, last_day: date
) -> list[tuple[Visit, bool]]:
    """The done visits of role ``physician`` dated first_day .. last_day, each with whether
    it was made from a booked slot (a booking not cancelled)."""
    booked = (
        select(SlotBooking.id)
        .where(SlotBooking.visit_id == Visit.id, SlotBooking.cancelled_at.is_(None))
        .exists()
    )
    return [
        (visit, bool(was_booked))
        for visit, was_booked in session.execute(
            select(Visit, booked).where(
                Visit.role == "physician",
                Visit.status == "done",
                Visit.date >= first_day,
                Visit.date <= last_day,
            )
        ).tuples()
    ]


def hospital_stays(session: Session, start: datetime, end: datetime) -> list[HospitalStay]:
    """The hospital stays that reach into [start, end): admitted before its end, not
    discharged before its start."""
    return list(
        session.scalars(
            select(HospitalStay).where(
                HospitalStay.admitted_at < end,
                or_(HospitalStay.discharged_at.is_(None), HospitalStay.discharged_at >= start),
            )
        )
    )


def fixed_physician_changes(
    session: Session, patient_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[tuple[datetime, uuid.UUID | None, uuid.UUID | None]]]:
    """Each patient's changes of fixed physician, oldest first: (when, from, to)."""
    out: dict[uuid.UUID, list[tuple[datetime, uuid.UUID | None, uuid.UUID | None]]] = {
        k: [] for k in patient_ids
    }
    for chunk in _chunks(sorted(patient_ids)):
        for patient_id, at, before, after in session.execute(
            select(
                PatientAssignment.patient_id,
                PatientAssignment.created_at,
                PatientAssignment.from_user_id,
                PatientAssignment.to_user_id,
            )
            .where(
                PatientAssignment.patient_id.in_(chunk),
                PatientAssignment.kind == "fixed_physician",
            )
            .order_by(PatientAssignment.created_at, PatientAssignment.id)
        ):
            out[patient_id].append((at, before, after))
    return out


def fixed_physicians(
    session: Session, patient_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, uuid.UUID | None]:
    """Each patient's fixed physician now."""
    out: dict[uuid.UUID, uuid.UUID | None] = {}
    for chunk in _chunks(sorted(patient_ids)):
        for patient_id, physician_id in session.execute(
            select(Patient.id, Patient.fixed_physician_id).where(Patient.id.in_(chunk))
        ):
            out[patient_id] = physician_id
    return out


def episode_facts(
    session: Session, episode_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, tuple[str, str, uuid.UUID]]:
    """Episode → (pathway, type, the responsible unit's organisation)."""
    out: dict[uuid.UUID, tuple[str, str, uuid.UUID]] = {}
    for chunk in _chunks(sorted(episode_ids)):
        for episode_id, pathway, kind, organisation_id in session.execute(
            select(Episode.id, Episode.pathway, Episode.type, Unit.organisation_id)
            .join(Unit, Unit.id == Episode.responsible_unit_id)
            .where(Episode.id.in_(chunk))
        ):
            out[episode_id] = (pathway, kind, organisation_id)
    return out


# -- what a caller may trace -------------------------------------------------------------------


def visible_episodes(
    session: Session, episode_ids: Sequence[uuid.UUID], visibility: Visibility
) -> dict[uuid.UUID, uuid.UUID]:
    """Of these live episodes, those whose patient the caller may see: episode → patient."""
    out: dict[uuid.UUID, uuid.UUID] = {}
    for chunk in _chunks(sorted(episode_ids)):
        for episode_id, patient_id in session.execute(
            select(Episode.id, Episode.patient_id).where(
                and_(
                    Episode.id.in_(chunk),
                    visible_patients_clause(Episode.patient_id, visibility),
                )
            )
        ):
            out[episode_id] = patient_id
    return out


def imported_of_organisation(
    session: Session, external_ids: Sequence[str], organisation_id: uuid.UUID
) -> set[str]:
    """Of these imported episodes, those imported for the organisation."""
    out: set[str] = set()
    for chunk in _chunks(sorted(external_ids)):
        out.update(
            session.scalars(
                select(ImportedEpisode.external_id).where(
                    ImportedEpisode.external_id.in_(chunk),
                    ImportedEpisode.organisation_id == organisation_id,
                )
            )
        )
    return out
