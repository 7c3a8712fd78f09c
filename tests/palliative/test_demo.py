"""The demo's palliative patient (palliative/demo.py): at home on the palliative pathway, ESAS-r
assessed on three days with totals, pain rising on the last (a symptom alert), and the
physician's decision that death is expected."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from samband import demo
from samband.models import Alert, Episode
from samband.models.palliative import ExpectedDeath, SymptomAssessment


def test_the_demo_has_a_palliative_patient_at_home_with_three_days_of_esas(
    session: Session,
) -> None:
    assert demo.load(session)

    episode = session.scalar(select(Episode).where(Episode.pathway == "palliative"))
    assert episode is not None
    assert episode.state == "at_home"
    rows = session.scalars(
        select(SymptomAssessment)
        .where(SymptomAssessment.episode_id == episode.id)
        .order_by(SymptomAssessment.assessed_at)
    ).all()
    assert len(rows) == 3
    days = {r.assessed_at.date() for r in rows}
    assert len(days) == 3
    assert [r.pain for r in rows] == [3, 4, 7]
    assert all(
        r.total
        == sum(
            getattr(r, i)
            for i in (
                "pain",
                "tiredness",
                "drowsiness",
                "nausea",
                "lack_of_appetite",
                "shortness_of_breath",
                "depression",
                "anxiety",
                "wellbeing",
            )
        )
        for r in rows
    )
    alert = session.scalar(select(Alert).where(Alert.episode_id == episode.id))
    assert alert is not None
    assert alert.kind == "symptom"
    decision = session.scalar(select(ExpectedDeath).where(ExpectedDeath.episode_id == episode.id))
    assert decision is not None
    assert decision.no_resuscitation
    assert decision.died_at is None
