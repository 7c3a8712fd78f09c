"""The command centre's first screen: who is at home, what waits, what is free.

Each patient at home shows the latest set of vital signs with its NEWS2; the alerts themselves
come from ``alerts.service`` (the page asks for them). Today's visits come from the visits
domain.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from samband.episodes.states import State
from samband.kit.time import STOCKHOLM, local_today
from samband.models import CareRequest, Episode, ObservationSet, Organisation, Patient, Unit, User
from samband.observations.schemas import Status as ObservationStatus
from samband.overview import repository
from samband.pathways.definition import registry
from samband.security.context import Context
from samband.security.roles import Permission
from samband.security.service import log_listed, visibility


@dataclass(frozen=True)
class AtHome:
    episode: Episode
    patient: Patient
    day: int  # day 1 is the day the patient went home
    pathway_title: str
    care_contact: User | None
    visits_done: int = 0
    visits_planned: int = 0  # today's visits, not cancelled
    latest: ObservationSet | None = None  # the latest scored set of vital signs


@dataclass(frozen=True)
class Waiting:
    episode: Episode
    patient: Patient
    pathway_title: str


@dataclass(frozen=True)
class PendingRequest:
    request: CareRequest
    patient: Patient
    sender: Organisation


@dataclass(frozen=True)
class Beds:
    unit: Unit
    free: int
    total: int


@dataclass(frozen=True)
class Overview:
    at_home: list[AtHome]
    candidates: list[Waiting]
    preparing: list[Waiting]  # assessed, consented or planned: on the way home
    pending_requests: list[PendingRequest]
    beds: list[Beds]


def episode_day(episode: Episode, today: date | None = None) -> int:
    if episode.started_at is None:
        return 0
    start = episode.started_at.astimezone(STOCKHOLM).date()
    return ((today or local_today()) - start).days + 1


def overview(ctx: Context) -> Overview:
    ctx.actor.require(Permission.PATIENT_READ)
    session, org = ctx.session, visibility(ctx)  # the caller's organisation, now
    pathways = registry()

    def title(key: str) -> str:
        pathway = pathways.get(key)
        return pathway.title_sv if pathway else key

    at_home_rows = repository.episodes_of_organisation(session, org, [State.AT_HOME.value])
    contacts = repository.users_by_id(
        session, {e.care_contact_id for e, _ in at_home_rows if e.care_contact_id}
    )
    visits = repository.visit_counts(session, [e.id for e, _ in at_home_rows], local_today())
    latest = repository.latest_observations(
        session, [e.id for e, _ in at_home_rows], ObservationStatus.ENTERED_IN_ERROR.value
    )
    at_home = [
        AtHome(
            e,
            p,
            episode_day(e),
            title(e.pathway),
            contacts.get(e.care_contact_id),  # type: ignore[arg-type]
            *visits.get(e.id, (0, 0)),
            latest.get(e.id),
        )
        for e, p in at_home_rows
    ]
    candidates = [
        Waiting(e, p, title(e.pathway))
        for e, p in repository.episodes_of_organisation(session, org, [State.CANDIDATE.value])
    ]
    preparing = [
        Waiting(e, p, title(e.pathway))
        for e, p in repository.episodes_of_organisation(
            session, org, [State.ASSESSED.value, State.CONSENTED.value, State.PLANNED.value]
        )
    ]
    pending = [
        PendingRequest(r, p, o)
        for r, p, o in repository.incoming_requests(session, org, ["sent", "received"])
    ]
    log_listed(
        ctx,
        [row.patient.id for row in at_home]
        + [row.patient.id for row in candidates]
        + [row.patient.id for row in preparing]
        + [row.patient.id for row in pending],
        resource_type="overview",
    )
    beds = [Beds(u, free, total) for u, free, total in repository.reserved_beds(session)]
    return Overview(
        at_home=at_home,
        candidates=candidates,
        preparing=preparing,
        pending_requests=pending,
        beds=beds,
    )
