"""Queries for authentication and for the care relationship (who may see which patient)."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, exists, false, func, or_, select, update
from sqlalchemy.orm import Session, aliased, joinedload

from samband.db import among
from samband.models import (
    ApiToken,
    EmergencyAccess,
    Episode,
    EpisodeParticipant,
    LoginAttempt,
    Organisation,
    Patient,
    PatientRegistration,
    RecordBlock,
    Unit,
    User,
)

# A column or mapped attribute holding a patient id.
_Column = Any


def get_user_by_username(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def add_token(session: Session, token: ApiToken) -> None:
    session.add(token)


def get_token(session: Session, token_hash: str) -> ApiToken | None:
    return session.get(ApiToken, token_hash)


def delete_token(session: Session, token_hash: str) -> None:
    session.execute(delete(ApiToken).where(ApiToken.token_hash == token_hash))


def delete_expired_tokens(session: Session, now: datetime) -> None:
    session.execute(delete(ApiToken).where(ApiToken.expires_at < now))


def touch_token(session: Session, token_hash: str, now: datetime) -> None:
    """Note that the token was used now (a session's idle time starts again)."""
    session.execute(
        update(ApiToken).where(ApiToken.token_hash == token_hash).values(last_used_at=now)
    )


# -- login attempts (the throttle) -------------------------------------------------------------


def add_login_attempt(session: Session, attempt: LoginAttempt) -> None:
    session.add(attempt)


@dataclass(frozen=True)
class Failures:
    """Failed logins counted for the throttle: how many, and when the last one was."""

    count: int
    last_at: datetime | None


def failures(
    session: Session, *, username: str | None = None, address: str | None = None, since: datetime
) -> Failures:
    """Failed attempts for the username (or from the address) after ``since`` and after its
    last successful one. Two index range scans (username or address, at)."""
    if username is not None:
        key: ColumnElement[bool] = LoginAttempt.username == username
    elif address is not None:
        key = LoginAttempt.address == address
    else:
        raise ValueError("a username or an address")
    last_success = session.scalar(
        select(func.max(LoginAttempt.at)).where(key, LoginAttempt.success, LoginAttempt.at > since)
    )
    start = max(since, last_success) if last_success is not None else since
    count, last_at = session.execute(
        select(func.count(), func.max(LoginAttempt.at)).where(
            key, LoginAttempt.success.is_(False), LoginAttempt.at > start
        )
    ).one()
    return Failures(int(count), last_at)


def delete_login_attempts_before(session: Session, before: datetime) -> None:
    """Attempts older than the throttle's window count for nothing: keep the table small."""
    session.execute(delete(LoginAttempt).where(LoginAttempt.at < before))


def _provider(care_provider: str) -> tuple[str, str]:
    kind, _, name = care_provider.partition(":")
    return kind, name


def care_relationship_clause(
    patient_id_column: _Column,
    *,
    organisation_id: uuid.UUID,
    care_provider: str,
    now: datetime,
    days_after_end: int,
) -> ColumnElement[bool]:
    """SQL condition: the caller's organisation has a care relationship with the patient
    (docs/decisions/0003 and 0010).

    - it takes part in an open episode of the patient, or in one that ended in the last
      ``days_after_end`` days, and either belongs to the same care provider as the episode's
      responsible organisation or the patient consented to shared records on that episode
      (sammanhållen journalföring), and the patient has not blocked the responsible
      organisation's documentation (spärr) from others;
    - or it registered the patient (created the record) in that many days.
    Emergency access is a separate condition (``emergency_clause``), so it can be flagged.
    """
    since = now - timedelta(days=days_after_end)
    kind, name = _provider(care_provider)
    # An alias: the caller's query may itself select from episodes (GET /episodes), and an
    # un-aliased subquery would then correlate to it and compare a row with itself.
    # The same for participants (the overview's query joins them).
    episode, participant = aliased(Episode), aliased(EpisodeParticipant)
    unit, responsible = aliased(Unit), aliased(Organisation)
    through_episode = exists(
        select(episode.id)
        .join(participant, participant.episode_id == episode.id)
        .join(unit, unit.id == episode.responsible_unit_id)
        .join(responsible, responsible.id == unit.organisation_id)
        .where(
            episode.patient_id == patient_id_column,
            participant.organisation_id == organisation_id,
            or_(episode.ended_at.is_(None), episode.ended_at >= since),
            or_(
                responsible.id == organisation_id,
                and_(responsible.authority_kind == kind, responsible.authority_name == name),
                episode.shared_records_consent.is_(True),
            ),
            or_(
                responsible.id == organisation_id,
                ~_blocked(episode.patient_id, responsible.id),
            ),
        )
    )
    through_registration = exists(
        select(PatientRegistration.id).where(
            PatientRegistration.patient_id == patient_id_column,
            PatientRegistration.organisation_id == organisation_id,
            PatientRegistration.created_at >= since,
        )
    )
    return or_(through_episode, through_registration)


def _blocked(patient_id: _Column, organisation_id: _Column) -> ColumnElement[bool]:
    """The patient blocks this organisation's documentation from the others (spärr)."""
    return exists(
        select(RecordBlock.id).where(
            RecordBlock.patient_id == patient_id,
            RecordBlock.organisation_id == organisation_id,
            RecordBlock.lifted_at.is_(None),
        )
    )


def emergency_clause(
    patient_id_column: _Column, user_id: uuid.UUID, now: datetime
) -> ColumnElement[bool]:
    return exists(
        select(EmergencyAccess.id).where(
            EmergencyAccess.patient_id == patient_id_column,
            EmergencyAccess.user_id == user_id,
            EmergencyAccess.expires_at > now,
        )
    )


def access_to_patients(
    session: Session,
    patient_ids: Collection[uuid.UUID],
    *,
    organisation_id: uuid.UUID,
    care_provider: str,
    user_id: uuid.UUID,
    now: datetime,
    days_after_end: int,
) -> dict[uuid.UUID, tuple[bool, bool]]:
    """For each existing patient: (through a care relationship, through emergency access),
    in one query whatever the number of patients (a batch of measurements names many)."""
    if not patient_ids:
        return {}
    rows = session.execute(
        select(
            Patient.id,
            care_relationship_clause(
                Patient.id,
                organisation_id=organisation_id,
                care_provider=care_provider,
                now=now,
                days_after_end=days_after_end,
            ),
            emergency_clause(Patient.id, user_id, now),
        ).where(among(session, Patient.id, patient_ids))
    )
    return {pid: (bool(related), bool(emergency)) for pid, related, emergency in rows.tuples()}


def access_to_patient(
    session: Session,
    patient_id: uuid.UUID,
    *,
    organisation_id: uuid.UUID,
    care_provider: str,
    user_id: uuid.UUID,
    now: datetime,
    days_after_end: int,
) -> tuple[bool, bool, bool]:
    """(exists, through a care relationship, through emergency access) for one patient: the
    same query as for many (``access_to_patients``)."""
    found = access_to_patients(
        session,
        [patient_id],
        organisation_id=organisation_id,
        care_provider=care_provider,
        user_id=user_id,
        now=now,
        days_after_end=days_after_end,
    )
    if patient_id not in found:
        return False, False, False
    related, emergency = found[patient_id]
    return True, related, emergency


@dataclass(frozen=True)
class EpisodeAccess:
    """What the caller's organisation may see of one episode's record."""

    related: bool  # through this episode, or the same care provider's documentation
    blocked: bool  # the patient blocked the responsible organisation's documentation
    emergency: bool


def _episode_related(
    episode: Any,
    responsible: Any,
    *,
    organisation_id: uuid.UUID,
    care_provider: str,
    now: datetime,
    days_after_end: int,
) -> ColumnElement[bool]:
    """The organisation may read this episode's record (docs/decisions/0010): it takes part
    in the episode (with the patient's consent to shared records when it belongs to another
    care provider than ``responsible``, the episode's responsible organisation), or belongs
    to the responsible organisation's care provider and has a care relationship with the
    patient (inner confidentiality is per care provider). Blocks are separate
    (``_blocked``). One rule for the single check and the lists."""
    since = now - timedelta(days=days_after_end)
    kind, name = _provider(care_provider)
    participant = aliased(EpisodeParticipant)
    takes_part = exists(
        select(participant.id).where(
            participant.episode_id == episode.id,
            participant.organisation_id == organisation_id,
        )
    )
    same_provider = and_(responsible.authority_kind == kind, responsible.authority_name == name)
    return or_(
        and_(
            takes_part,
            or_(episode.ended_at.is_(None), episode.ended_at >= since),
            or_(same_provider, episode.shared_records_consent.is_(True)),
        ),
        and_(
            same_provider,
            care_relationship_clause(
                episode.patient_id,
                organisation_id=organisation_id,
                care_provider=care_provider,
                now=now,
                days_after_end=days_after_end,
            ),
        ),
    )


def access_to_episode(
    session: Session,
    episode_id: uuid.UUID,
    *,
    organisation_id: uuid.UUID,
    care_provider: str,
    user_id: uuid.UUID,
    now: datetime,
    days_after_end: int,
) -> EpisodeAccess:
    """Whether the caller may read this episode's record (``_episode_related``), whether a
    block (spärr) of the responsible organisation's documentation stands in the way (not for
    that organisation itself), and whether the user holds emergency access."""
    related = _episode_related(
        Episode,
        Organisation,
        organisation_id=organisation_id,
        care_provider=care_provider,
        now=now,
        days_after_end=days_after_end,
    )
    blocked = and_(
        Organisation.id != organisation_id, _blocked(Episode.patient_id, Organisation.id)
    )
    row = session.execute(
        select(related, blocked, emergency_clause(Episode.patient_id, user_id, now))
        .select_from(Episode)
        .join(Unit, Unit.id == Episode.responsible_unit_id)
        .join(Organisation, Organisation.id == Unit.organisation_id)
        .where(Episode.id == episode_id)
    ).first()
    if row is None:
        return EpisodeAccess(related=False, blocked=False, emergency=False)
    return EpisodeAccess(related=bool(row[0]), blocked=bool(row[1]), emergency=bool(row[2]))


@dataclass(frozen=True)
class Visibility:
    """Whose patients a list query may return: the caller's, now."""

    organisation_id: uuid.UUID
    user_id: uuid.UUID
    now: datetime
    days_after_end: int
    care_provider: str = ""
    # municipal home care (SoL): lists of the medical record show nothing
    social_services: bool = False


def visible_patients_clause(
    patient_id_column: _Column, visibility: Visibility, *, record: bool = True
) -> ColumnElement[bool]:
    """For every list query of patient data: care relationship or emergency access.
    ``record``: the list shows the medical record (not only identity, contacts and the care
    requests and visits shared with the organisation), which social services never see."""
    if record and visibility.social_services:
        return false()
    return or_(
        care_relationship_clause(
            patient_id_column,
            organisation_id=visibility.organisation_id,
            care_provider=visibility.care_provider,
            now=visibility.now,
            days_after_end=visibility.days_after_end,
        ),
        emergency_clause(patient_id_column, visibility.user_id, visibility.now),
    )


def visible_episodes_clause(
    episode_id_column: _Column, visibility: Visibility, *, record: bool = True
) -> ColumnElement[bool]:
    """For list queries of data that belongs to one episode (the episode itself, its alerts,
    measurements, care requests): the same rule as ``access_to_episode``, so another care
    provider's episode shows only with consent, and a blocked organisation's episode shows to
    nobody else (docs/decisions/0010); emergency access shows the patient's episodes."""
    if record and visibility.social_services:
        return false()
    organisation_id = visibility.organisation_id
    episode, unit, responsible = aliased(Episode), aliased(Unit), aliased(Organisation)
    related = _episode_related(
        episode,
        responsible,
        organisation_id=organisation_id,
        care_provider=visibility.care_provider,
        now=visibility.now,
        days_after_end=visibility.days_after_end,
    )
    unblocked = or_(
        responsible.id == organisation_id, ~_blocked(episode.patient_id, responsible.id)
    )
    urgent = aliased(Episode)
    return or_(
        exists(
            select(episode.id)
            .join(unit, unit.id == episode.responsible_unit_id)
            .join(responsible, responsible.id == unit.organisation_id)
            .where(episode.id == episode_id_column, related, unblocked)
        ),
        exists(
            select(urgent.id).where(
                urgent.id == episode_id_column,
                emergency_clause(urgent.patient_id, visibility.user_id, visibility.now),
            )
        ),
    )


def get_user(session: Session, user_id: uuid.UUID) -> User | None:
    """The user with the organisation and unit an ``Actor`` names (one query, not three:
    this runs for every request)."""
    return session.get(
        User, user_id, options=[joinedload(User.organisation), joinedload(User.unit)]
    )


def patient_named(session: Session, names: dict[str, uuid.UUID]) -> uuid.UUID | None:
    """The patient a request names through one of its ids (``patient_id``, ``episode_id``,
    ``care_plan_id`` …), so that a refused attempt is logged with the patient even when its
    body was invalid. None when no id names an existing record."""
    from samband.models import (
        Alert,
        CarePlan,
        CareRequest,
        Medication,
        ObservationSet,
        Visit,
    )

    by_episode: dict[str, Any] = {
        "care_plan_id": CarePlan,
        "medication_id": Medication,
        "request_id": CareRequest,
    }
    direct: dict[str, Any] = {
        "alert_id": Alert,
        "observation_id": ObservationSet,
        "visit_id": Visit,
    }
    for name, value in names.items():
        found: uuid.UUID | None
        if name == "patient_id":
            found = session.scalar(select(Patient.id).where(Patient.id == value))
        elif name == "episode_id":
            found = session.scalar(select(Episode.patient_id).where(Episode.id == value))
        elif name in by_episode:
            model = by_episode[name]
            found = session.scalar(
                select(Episode.patient_id)
                .join(model, model.episode_id == Episode.id)
                .where(model.id == value)
            )
        elif name in direct:
            model = direct[name]
            found = session.scalar(select(model.patient_id).where(model.id == value))
        else:
            continue
        if found is not None:
            return found
    return None


def claim_form(session: Session, form_id: str, now: datetime, keep: timedelta) -> bool:
    """Record that the form was sent; False when it was sent before. Old claims go."""
    from sqlalchemy.exc import IntegrityError

    from samband.models import FormSubmission

    session.execute(delete(FormSubmission).where(FormSubmission.at < now - keep))
    try:
        with session.begin_nested():
            session.add(FormSubmission(form_id=form_id, at=now))
            session.flush()
    except IntegrityError:
        return False
    return True
