"""Every query of the discharge coordination (hospital stays) and the morning list."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from samband.episodes.states import OPEN_STATES, Kind
from samband.models import (
    Episode,
    EpisodeParticipant,
    HospitalStay,
    Organisation,
    Patient,
    Unit,
    User,
)
from samband.security.repository import Visibility, access_to_patient, visible_patients_clause

# the organisations an admission notice goes to (lag 2017:612: the municipality and primary
# care)
RECIPIENT_KINDS = ("municipal_home_health_care", "primary_care_centre")


def get(session: Session, stay_id: uuid.UUID) -> HospitalStay | None:
    return session.get(HospitalStay, stay_id)


def get_for_update(session: Session, stay_id: uuid.UUID) -> HospitalStay | None:
    return session.scalar(
        select(HospitalStay)
        .where(HospitalStay.id == stay_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def lock_patient(session: Session, patient_id: uuid.UUID) -> Patient | None:
    """The patient, its row held until the transaction ends (PostgreSQL), so two admissions
    of one patient run one after the other."""
    return session.scalar(
        select(Patient)
        .where(Patient.id == patient_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def patient(session: Session, patient_id: uuid.UUID) -> Patient | None:
    return session.get(Patient, patient_id)


def organisation(session: Session, organisation_id: uuid.UUID) -> Organisation | None:
    return session.get(Organisation, organisation_id)


def unit(session: Session, unit_id: uuid.UUID) -> Unit | None:
    return session.get(Unit, unit_id)


def user(session: Session, user_id: uuid.UUID) -> User | None:
    return session.get(User, user_id)


def related(
    session: Session,
    patient_id: uuid.UUID,
    *,
    organisation_id: uuid.UUID,
    care_provider: str,
    user_id: uuid.UUID,
    now: datetime,
    days_after_end: int,
) -> tuple[bool, bool, bool]:
    """(the patient exists, a care relationship, emergency access) for the caller."""
    return access_to_patient(
        session,
        patient_id,
        organisation_id=organisation_id,
        care_provider=care_provider,
        user_id=user_id,
        now=now,
        days_after_end=days_after_end,
    )


def responsible_organisation(session: Session, episode: Episode) -> Organisation:
    found = session.scalar(
        select(Organisation)
        .join(Unit, Unit.organisation_id == Organisation.id)
        .where(Unit.id == episode.responsible_unit_id)
    )
    assert found is not None  # noqa: S101 - foreign keys keep it
    return found


def participant(
    session: Session, episode_id: uuid.UUID, organisation_id: uuid.UUID
) -> EpisodeParticipant | None:
    return session.scalar(
        select(EpisodeParticipant).where(
            EpisodeParticipant.episode_id == episode_id,
            EpisodeParticipant.organisation_id == organisation_id,
        )
    )


def add_participant(session: Session, participant: EpisodeParticipant) -> None:
    session.add(participant)
    session.flush()


def open_stay_of(session: Session, patient_id: uuid.UUID) -> HospitalStay | None:
    return session.scalar(
        select(HospitalStay)
        .where(HospitalStay.patient_id == patient_id, HospitalStay.discharged_at.is_(None))
        .limit(1)
    )


def add(session: Session, stay: HospitalStay) -> None:
    session.add(stay)
    session.flush()


def open_episode_of(session: Session, patient_id: uuid.UUID, kind: str) -> Episode | None:
    return session.scalar(
        select(Episode)
        .where(
            Episode.patient_id == patient_id,
            Episode.kind == kind,
            Episode.state.in_([s.value for s in OPEN_STATES]),
        )
        .limit(1)
    )


def notice_recipients(
    session: Session, patient: Patient, *, episode_id: uuid.UUID | None, hospital_id: uuid.UUID
) -> list[Organisation]:
    """The municipal home health care and primary care centres taking part in the patient's
    open enrolment or episodes (and in the episode the stay came from), the patient's listed
    primary care centre and the fixed physician's organisation; never the hospital itself.
    In a stable order (kind, name)."""
    current = Episode.state.in_([s.value for s in OPEN_STATES])
    episodes = select(Episode.id).where(
        Episode.patient_id == patient.id,
        or_(current, Episode.id == episode_id) if episode_id is not None else current,
    )
    taking_part = select(EpisodeParticipant.organisation_id).where(
        EpisodeParticipant.episode_id.in_(episodes)
    )
    direct: list[uuid.UUID] = []
    if patient.listed_primary_care_id is not None:
        direct.append(patient.listed_primary_care_id)
    if patient.fixed_physician_id is not None:
        physician_org = session.scalar(
            select(User.organisation_id).where(User.id == patient.fixed_physician_id)
        )
        if physician_org is not None:
            direct.append(physician_org)
    chosen = [Organisation.id.in_(taking_part)]
    if direct:
        chosen.append(Organisation.id.in_(direct))
    found = session.scalars(
        select(Organisation)
        .where(
            or_(*chosen),
            Organisation.kind.in_(RECIPIENT_KINDS),
            Organisation.id != hospital_id,
        )
        .order_by(Organisation.kind, Organisation.name)
    )
    return list(found)


@dataclass(frozen=True)
class StayRow:
    stay: HospitalStay
    patient: Patient
    hospital: Organisation


def search(
    session: Session,
    visibility: Visibility,
    *,
    which: str,
    limit: int | None,
    offset: int,
) -> tuple[list[StayRow], int]:
    """Stays of patients the caller's organisation has a care relationship with (the stays
    that concern it), newest admission first. ``which``: ``all``; ``open`` (in hospital, or
    discharged with a SIP invitation still to send); ``pending`` (open, or the admission
    notice not sent: every stay that can be overdue)."""
    query = (
        select(HospitalStay, Patient, Organisation)
        .join(Patient, Patient.id == HospitalStay.patient_id)
        .join(Organisation, Organisation.id == HospitalStay.hospital_organisation_id)
        .where(visible_patients_clause(HospitalStay.patient_id, visibility))
    )
    still_open = or_(
        HospitalStay.discharged_at.is_(None),
        and_(HospitalStay.sip_needed.is_(True), HospitalStay.sip_invited_at.is_(None)),
    )
    if which == "open":
        query = query.where(still_open)
    elif which == "pending":
        query = query.where(or_(still_open, HospitalStay.admission_notice_sent_at.is_(None)))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    query = query.order_by(HospitalStay.admitted_at.desc(), HospitalStay.id).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    rows = [StayRow(s, p, o) for s, p, o in session.execute(query).tuples()]
    return rows, total


def row_of(session: Session, stay: HospitalStay) -> StayRow:
    found = session.get(Patient, stay.patient_id)
    hospital = session.get(Organisation, stay.hospital_organisation_id)
    assert found is not None  # noqa: S101 - a foreign key keeps it
    assert hospital is not None  # noqa: S101 - a foreign key keeps it
    return StayRow(stay, found, hospital)


def organisation_names(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    rows = session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))
    )
    return {org_id: name for org_id, name in rows.tuples()}


def user_names(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    rows = session.execute(select(User.id, User.full_name).where(User.id.in_(ids)))
    return {user_id: name for user_id, name in rows.tuples()}


# -- the morning list ---------------------------------------------------------------------------


def physicians_patients(
    session: Session, physician_id: uuid.UUID, visibility: Visibility
) -> tuple[list[Patient], int]:
    """The patients whose fixed physician this is and whom the physician's organisation may
    see (a care relationship), and how many more there are that it may not."""
    mine = Patient.fixed_physician_id == physician_id
    seen = visible_patients_clause(Patient.id, visibility)
    patients = list(
        session.scalars(
            select(Patient).where(mine, seen).order_by(Patient.family_name, Patient.given_name)
        )
    )
    everyone = session.scalar(select(func.count()).select_from(Patient).where(mine)) or 0
    return patients, everyone - len(patients)


def stays_in_window(
    session: Session, patient_ids: list[uuid.UUID], since: datetime, until: datetime
) -> list[tuple[HospitalStay, Organisation]]:
    """Stays of these patients admitted or discharged in [since, until]."""
    if not patient_ids:
        return []
    rows = session.execute(
        select(HospitalStay, Organisation)
        .join(Organisation, Organisation.id == HospitalStay.hospital_organisation_id)
        .where(
            HospitalStay.patient_id.in_(patient_ids),
            or_(
                HospitalStay.admitted_at.between(since, until),
                HospitalStay.discharged_at.between(since, until),
            ),
        )
    )
    return [(stay, org) for stay, org in rows.tuples()]


def episodes_in_window(
    session: Session, patient_ids: list[uuid.UUID], since: datetime, until: datetime
) -> list[tuple[Episode, Organisation]]:
    """Hospital-at-home episodes and home health care enrolments of these patients that
    started (went home; an enrolment without a start time: when it was made) or ended in
    [since, until], with the responsible organisation."""
    if not patient_ids:
        return []
    enrolment = Episode.kind == Kind.HOME_HEALTH_CARE.value
    rows = session.execute(
        select(Episode, Organisation)
        .join(Unit, Unit.id == Episode.responsible_unit_id)
        .join(Organisation, Organisation.id == Unit.organisation_id)
        .where(
            Episode.patient_id.in_(patient_ids),
            or_(
                Episode.started_at.between(since, until),
                Episode.ended_at.between(since, until),
                and_(
                    enrolment,
                    Episode.started_at.is_(None),
                    Episode.created_at.between(since, until),
                ),
            ),
        )
    )
    return [(episode, org) for episode, org in rows.tuples()]
