"""Shared helpers of the pilots' tests: a world of organisations and users, pilots made
through the service (running or finished), and counting rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from samband.kit.time import local_today
from samband.models import Organisation, Pilot, User
from samband.pilots import service
from samband.pilots.schemas import LogEntryCreate, PilotCreate
from samband.security import service as security
from samband.security.context import AccessLog, Context
from tests.factories import make_municipality, make_organisation, make_user


@dataclass
class World:
    clinic: Organisation
    municipality: Organisation
    other: Organisation
    nurse: User  # the clinic's registered nurse
    coordinator: User
    analyst: User
    assistant: User
    partner: User  # the municipality's nurse (takes part)
    outsider: User  # another clinic's physician
    outsider_analyst: User


def make_world(session: Session) -> World:
    clinic = make_organisation(session)
    municipality = make_municipality(session)
    other = make_organisation(session)
    return World(
        clinic=clinic,
        municipality=municipality,
        other=other,
        nurse=make_user(session, clinic),
        coordinator=make_user(session, clinic, role="coordinator"),
        analyst=make_user(session, clinic, role="analyst"),
        assistant=make_user(session, clinic, role="assistant_nurse"),
        partner=make_user(session, municipality, role="registered_nurse"),
        outsider=make_user(session, other, role="physician"),
        outsider_analyst=make_user(session, other, role="analyst"),
    )


def ctx_of(session: Session, user: User) -> Context:
    session.refresh(user)
    return Context(session=session, actor=security.actor_of(user), log=AccessLog())


def make_pilot(
    session: Session, w: World, *, finished: bool, by: User | None = None, **changes: Any
) -> Pilot:
    """A pilot of the clinic with the municipality taking part; ``finished``: its period
    ended yesterday, else it runs until next month."""
    today = local_today()
    end = today - timedelta(days=1) if finished else today + timedelta(days=30)
    data: dict[str, Any] = {
        "name": "Hjärtsvikt hemma",
        "purpose": "Pröva tidig utskrivning med kommunens hemsjukvård",
        "organisations": [w.municipality.code],
        "pathways": ["heart-failure"],
        "period_start": end - timedelta(days=90),
        "period_end": end,
        "comparison_kind": "period",
        "comparison_start": end - timedelta(days=455),
        "comparison_end": end - timedelta(days=365),
        "assumptions": ["Kommunens sjuksköterskor kan ge diuretika i.v."],
    }
    data.update(changes)
    pilot = service.create(ctx_of(session, by or w.nurse), PilotCreate.model_validate(data))
    session.flush()
    return pilot


def log(session: Session, user: User, pilot: Pilot, **fields: Any) -> None:
    body: dict[str, Any] = {"occurred_on": date(2030, 2, 1), "description": "x", **fields}
    service.add_log_entry(ctx_of(session, user), pilot.id, LogEntryCreate.model_validate(body))
    session.flush()


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def login(client: TestClient, session: Session, user: User) -> None:
    from tests.factories import auth

    client.cookies.set("samband_session", auth(session, user)["Authorization"][7:])
