"""A patient at home whose monitoring has something to say (issue 11, "what staff see is
true"): NEWS2 9 now with two high alerts (NEWS2 and the care plan's fever limit), scored sets
over the days before (one older than the round's 72-hour trend), a self-report, and today's
visits (done, planned, cancelled). The summarising pages are compared with it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.kit.time import STOCKHOLM, local_today, utcnow
from samband.models import Alert, Episode, ObservationSet, Patient, Visit
from samband.monitoring import intake
from samband.observations.schemas import ObservationCreate
from samband.security.context import AccessLog, Context
from samband.security.service import actor_of
from tests.factories import make_episode, make_patient
from tests.observations.world import HIGH, MEDIUM, NORMAL, World, make_world

# NEWS2 9: respiratory rate 26 → 3, SpO2 90 → 3, systolic 95 → 2, temperature 38.6 → 1; the
# OPAT plan's limit (temperature ≥ 38.5) raises a second high alert
NEWS2_9: dict[str, Any] = {**HIGH, "temperature": 38.6}


@dataclass
class Monitored:
    world: World
    sets: list[ObservationSet]  # the scored sets, oldest first (the first older than 72 h)
    latest: ObservationSet  # NEWS2 9
    self_report: ObservationSet
    alerts: list[Alert]  # the two high ones, active
    visits: list[Visit]  # today's: done, planned, cancelled
    quiet: Patient  # a second patient on the round with no measurement at all
    quiet_episode: Episode


def ingest(
    session: Session,
    world: World,
    values: dict[str, Any],
    at: datetime,
    *,
    source: str = "visit",
    patient: Patient | None = None,
) -> ObservationSet:
    ctx = Context(session=session, actor=actor_of(world.nurse), log=AccessLog())
    result = intake.ingest_one(
        ctx,
        ObservationCreate(
            patient_id=(patient or world.patient).id, measured_at=at, source=source, **values
        ),
    )
    session.flush()
    return result.view.observation


def visit(session: Session, world: World, status: str, hour: int) -> Visit:
    today = local_today()
    start = datetime(today.year, today.month, today.day, hour, tzinfo=STOCKHOLM)
    row = Visit(
        episode_id=world.episode.id,
        patient_id=world.patient.id,
        date=today,
        what="IV-antibiotika",
        window_start=start,
        window_end=start + timedelta(hours=1),
        duration_min=30,
        skills=[],
        role="registered_nurse",
        organisation_kind="hospital_clinic",
        organisation_id=world.clinic.id,
        source="plan",
        status=status,
        planned_start=start + timedelta(minutes=15),
        history=[],
    )
    session.add(row)
    session.flush()
    return row


def make_monitored(session: Session) -> Monitored:
    now = utcnow()
    world = make_world(session, started=now - timedelta(days=4))
    sets = [
        ingest(session, world, NORMAL, now - timedelta(hours=80)),  # before the trend's 72 h
        ingest(session, world, NORMAL, now - timedelta(hours=44)),
        ingest(session, world, {**NORMAL, "pulse": 95}, now - timedelta(hours=30)),
        ingest(session, world, MEDIUM, now - timedelta(hours=20)),
    ]
    self_report = ingest(
        session,
        world,
        {"symptoms": "Tröttare idag"},
        now - timedelta(hours=2),
        source="self_report",
    )
    latest = ingest(session, world, NEWS2_9, now - timedelta(minutes=40))
    sets.append(latest)
    alerts = list(
        session.scalars(
            select(Alert).where(Alert.episode_id == world.episode.id, Alert.status != "closed")
        )
    )
    visits = [
        visit(session, world, "done", 8),
        visit(session, world, "planned", 23),
        visit(session, world, "cancelled", 12),
    ]
    quiet = make_patient(session, given_name="Tyra", family_name="Tystnad")
    quiet_episode = make_episode(
        session, quiet, unit=world.ward, state="at_home", care_contact=world.nurse
    )
    quiet_episode.started_at = now - timedelta(days=1)
    session.flush()
    return Monitored(world, sets, latest, self_report, alerts, visits, quiet, quiet_episode)


def local(at: datetime, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return at.astimezone(STOCKHOLM).strftime(fmt)


def alert_ids(m: Monitored) -> set[uuid.UUID]:
    return {a.id for a in m.alerts}
