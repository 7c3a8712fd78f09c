"""Every query of discharge summaries, and the rows of other domains a summary is made from."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from samband.models import (
    Alert,
    CareRequest,
    Episode,
    EpisodeEvent,
    EpisodeParticipant,
    Medication,
    Organisation,
    Patient,
    Round,
    RoundNote,
    Unit,
    User,
    Visit,
)
from samband.models.dischargesummaries import DischargeSummary

SIGNED = ("signed", "superseded")


def add(session: Session, row: Any) -> None:
    session.add(row)
    session.flush()


def get(session: Session, summary_id: uuid.UUID) -> DischargeSummary | None:
    return session.get(DischargeSummary, summary_id)


def get_for_update(session: Session, summary_id: uuid.UUID) -> DischargeSummary | None:
    return session.scalar(
        select(DischargeSummary)
        .where(DischargeSummary.id == summary_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def of_episode(session: Session, episode_id: uuid.UUID) -> list[DischargeSummary]:
    """Every version, newest first."""
    return list(
        session.scalars(
            select(DischargeSummary)
            .where(DischargeSummary.episode_id == episode_id)
            .order_by(DischargeSummary.version.desc())
        )
    )


def of_episodes(session: Session, episode_ids: Collection[uuid.UUID]) -> list[DischargeSummary]:
    if not episode_ids:
        return []
    return list(
        session.scalars(
            select(DischargeSummary)
            .where(DischargeSummary.episode_id.in_(list(episode_ids)))
            .order_by(DischargeSummary.episode_id, DischargeSummary.version.desc())
        )
    )


def next_version(session: Session, episode_id: uuid.UUID) -> int:
    found = session.scalar(
        select(func.max(DischargeSummary.version)).where(DischargeSummary.episode_id == episode_id)
    )
    return int(found or 0) + 1


# -- what a summary is made from ----------------------------------------------------------------


def events(session: Session, episode_id: uuid.UUID) -> Sequence[EpisodeEvent]:
    return session.scalars(
        select(EpisodeEvent)
        .where(EpisodeEvent.episode_id == episode_id)
        .order_by(EpisodeEvent.at, EpisodeEvent.id)
    ).all()


def visits(session: Session, episode_id: uuid.UUID) -> Sequence[Visit]:
    return session.scalars(
        select(Visit).where(Visit.episode_id == episode_id).order_by(Visit.date, Visit.window_start)
    ).all()


def alerts(session: Session, episode_id: uuid.UUID) -> Sequence[Alert]:
    return session.scalars(
        select(Alert).where(Alert.episode_id == episode_id).order_by(Alert.created_at)
    ).all()


def round_notes(session: Session, episode_id: uuid.UUID) -> Sequence[tuple[RoundNote, Round]]:
    rows = session.execute(
        select(RoundNote, Round)
        .join(Round, Round.id == RoundNote.round_id)
        .where(RoundNote.episode_id == episode_id)
        .order_by(RoundNote.created_at)
    ).all()
    return [(note, round_) for note, round_ in rows]


def medications(session: Session, episode_id: uuid.UUID) -> Sequence[Medication]:
    return session.scalars(
        select(Medication).where(Medication.episode_id == episode_id).order_by(Medication.drug)
    ).all()


def referrals(session: Session, episode_id: uuid.UUID, kinds: Collection[str]) -> list[CareRequest]:
    """The episode's care requests of these kinds that were not declined or cancelled."""
    return list(
        session.scalars(
            select(CareRequest)
            .where(
                CareRequest.episode_id == episode_id,
                CareRequest.kind.in_(list(kinds)),
                CareRequest.state.not_in(["declined", "cancelled"]),
            )
            .order_by(CareRequest.created_at)
        )
    )


def participants(session: Session, episode_id: uuid.UUID) -> list[EpisodeParticipant]:
    return list(
        session.scalars(
            select(EpisodeParticipant).where(EpisodeParticipant.episode_id == episode_id)
        )
    )


def organisations(session: Session, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Organisation]:
    if not ids:
        return {}
    rows = session.scalars(select(Organisation).where(Organisation.id.in_(list(ids))))
    return {o.id: o for o in rows}


def organisation(session: Session, organisation_id: uuid.UUID) -> Organisation | None:
    return session.get(Organisation, organisation_id)


def unit(session: Session, unit_id: uuid.UUID) -> Unit | None:
    return session.get(Unit, unit_id)


def patient(session: Session, patient_id: uuid.UUID) -> Patient | None:
    return session.get(Patient, patient_id)


def user(session: Session, user_id: uuid.UUID | None) -> User | None:
    return session.get(User, user_id) if user_id else None


def staff_to_tell(
    session: Session, organisation_id: uuid.UUID, roles: Collection[str]
) -> list[uuid.UUID]:
    """The active staff of an organisation in these roles."""
    return list(
        session.scalars(
            select(User.id).where(
                User.organisation_id == organisation_id,
                User.role.in_(list(roles)),
                User.active.is_(True),
            )
        )
    )


def latest_episode_of(session: Session, patient_id: uuid.UUID) -> Episode | None:
    return session.scalar(
        select(Episode)
        .where(Episode.patient_id == patient_id)
        .order_by(Episode.created_at.desc())
        .limit(1)
    )


# -- discharged without a signed summary ---------------------------------------------------------


def missing(
    session: Session, organisation_id: uuid.UUID, *, limit: int, offset: int
) -> tuple[list[tuple[Episode, uuid.UUID | None]], int]:
    """The organisation's discharged episodes (it is responsible for them) with no signed
    summary, newest discharge first, each with its draft's id if there is one."""
    signed = exists().where(
        DischargeSummary.episode_id == Episode.id, DischargeSummary.status.in_(SIGNED)
    )
    where = (
        select(Episode.id)
        .join(Unit, Unit.id == Episode.responsible_unit_id)
        .where(
            Unit.organisation_id == organisation_id,
            Episode.state == "discharged",
            Episode.kind == "hospital_at_home",
            ~signed,
        )
    )
    total = session.scalar(select(func.count()).select_from(where.subquery())) or 0
    episodes = list(
        session.scalars(
            select(Episode)
            .where(Episode.id.in_(where))
            .order_by(Episode.ended_at.desc(), Episode.id)
            .limit(limit)
            .offset(offset)
        )
    )
    drafts = {
        s.episode_id: s.id
        for s in session.scalars(
            select(DischargeSummary).where(
                DischargeSummary.episode_id.in_([e.id for e in episodes]),
                DischargeSummary.status == "draft",
            )
        )
    }
    return [(e, drafts.get(e.id)) for e in episodes], int(total)
