"""The demo's medication administration (``samband demo``): Kim Sandberg, the OPAT patient
at home on IV cefotaxime 08:00 16:00 24:00 (day 2), has today's doses on the signing list:
the past ones signed by Eva Andersson of the home health care, except the latest, left
unsigned past its window (the ``unsigned_dose`` alert on the overview). Eva has delegated
oral and subcutaneous medications to the assistant nurse Gun Olsson for three months."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from samband.episodes.states import State
from samband.kit.time import STOCKHOLM, as_utc, utcnow
from samband.medadmin import repository, service
from samband.medadmin.schemas import DelegationCreate, DoseSign, Outcome
from samband.medications.schemas import Route

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from samband.demo import Directory


def load(session: Session, directory: Directory) -> None:
    episode = repository.open_episode_of_named(session, "Kim", "Sandberg", "opat")
    if episode is None or episode.state != State.AT_HOME.value:
        return
    now = utcnow()
    # Kim went home yesterday ("at home, day 2"): tonight's 00:00 dose is today's first
    if episode.started_at is None or as_utc(episode.started_at) > now - timedelta(days=1):
        episode.started_at = now - timedelta(days=1)
    today = now.astimezone(STOCKHOLM).date()
    midnight = datetime(today.year, today.month, today.day, tzinfo=STOCKHOLM)
    medications = repository.medications_of(session, [episode.id])
    service.materialise(session, episode, medications, now, since=midnight)
    nurse = directory.ctx(session, "hsv.eva")
    past = [
        d
        for d in repository.doses_of_days(session, [episode.id], [today])
        if d.by_staff and as_utc(d.window_end) < now
    ]
    for dose in past[:-1]:
        service.sign(
            nurse,
            dose.id,
            DoseSign(outcome=Outcome.GIVEN, given_at=as_utc(dose.due_at) + timedelta(minutes=6)),
            now=now,
        )
    service.check_doses(session, now)
    service.delegate(
        nurse,
        DelegationCreate(
            delegate_id=directory.users["usk.gun"].id,
            routes=[Route.ORAL, Route.SC],
            valid_until=today + timedelta(days=90),
            note="Delegering efter genomgång av läkemedelshantering i hemmet",
        ),
        now=now,
    )
