"""The demo's deviations (deviations/demo.py): a samverkansavvikelse under investigation and
one closed with a measure, both seen by the municipality and the clinic."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from samband import demo
from samband.models import Organisation
from samband.models.deviations import Deviation


def test_the_demo_has_one_under_investigation_and_one_closed_with_a_measure(
    session: Session,
) -> None:
    assert demo.load(session)

    clinic = session.scalar(select(Organisation).where(Organisation.code == "INF-FALUN"))
    home = session.scalar(select(Organisation).where(Organisation.code == "HSV-FALUN"))
    assert clinic is not None
    assert home is not None
    found = session.scalars(
        select(Deviation).where(
            Deviation.reporter_organisation_id == home.id,
            Deviation.concerned_organisation_id == clinic.id,
        )
    ).all()
    by_status = {d.status: d for d in found}
    assert set(by_status) == {"investigating", "closed"}
    closed = by_status["closed"]
    assert len(closed.measures) == 1
    assert closed.closed_at is not None
    assert closed.closed_at > closed.created_at
    flagged = session.scalars(select(Deviation).where(Deviation.lex_maria.is_(True))).all()
    assert [d.concerned_organisation_id for d in flagged] == [home.id]
