"""The demo's samples and results (``samband demo``): Kim Sandberg, the OPAT patient at home,
has CRP falling (132 at the ward two days ago, 84 this morning), a blood count and a
creatinine; the care plan's day-3 sample order (CRP, blood count, creatinine) waits."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from samband.episodes.states import OPEN_STATES
from samband.kit.time import STOCKHOLM, utcnow
from samband.labresults import repository, service
from samband.labresults.schemas import LabResultCreate

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from samband.demo import Directory


def _at(days_ago: int, hour: int, minute: int = 0) -> datetime:
    now = utcnow()
    day = now.astimezone(STOCKHOLM).date() - timedelta(days=days_ago)
    at = datetime(day.year, day.month, day.day, hour, minute, tzinfo=STOCKHOLM)
    return min(at, now - timedelta(minutes=30))


def load(session: Session, directory: Directory) -> None:
    episode = repository.open_episode_of_named(
        session, "Kim", "Sandberg", "opat", [s.value for s in OPEN_STATES]
    )
    if episode is None:
        return
    nurse = directory.ctx(session, "ssk.bertil")
    results = [
        ("crp", 132, "mg/L", _at(2, 7, 30)),
        ("hb", 128, "g/L", _at(2, 7, 30)),
        ("wbc", 11.2, "10*9/L", _at(2, 7, 30)),
        ("plt", 310, "10*9/L", _at(2, 7, 30)),
        ("creatinine", 78, "umol/L", _at(2, 7, 30)),
        ("crp", 84, "mg/L", _at(0, 7, 15)),
    ]
    for index, (test, value, unit, at) in enumerate(results):
        service.enter(
            nurse,
            LabResultCreate(
                episode_id=episode.id,
                test=test,
                value=value,
                unit=unit,
                taken_at=at,
                client_id=f"demo-lab-{index}",
            ),
        )
