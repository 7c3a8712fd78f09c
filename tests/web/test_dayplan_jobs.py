"""The day plan's pages while the solve is a job (decision 0015), and a plan out of date
after a patient's episode ended: the page and the printed sheets say so, a replan clears it."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from samband.planning.problem import Problem
from samband.visits import dayplans
from tests.factories import auth
from tests.web.test_dayplan import DAY, World, login, plan_the_day, run_jobs, shift, world

__all__ = ["world"]


def _readmit(client: TestClient, session: Session, w: World) -> None:
    """The first patient's physician readmits them through the emergency department."""
    from sqlalchemy import select

    from samband.models import Episode, EpisodeParticipant, Unit, User

    episode = session.scalars(select(Episode).where(Episode.patient_id == w.patients[0].id)).one()
    unit = session.get(Unit, episode.responsible_unit_id)
    assert unit is not None
    doctor = session.scalars(
        select(User).where(User.organisation_id == unit.organisation_id, User.role == "physician")
    ).first()
    assert doctor is not None
    assert session.scalars(
        select(EpisodeParticipant).where(EpisodeParticipant.episode_id == episode.id)
    ).all()
    moved = client.post(
        f"/api/v1/episodes/{episode.id}/transitions",
        json={
            "to": "readmitted",
            "reason": "fever and low blood pressure",
            "ward_unit_id": str(unit.id),
            "use_reserved_bed": False,
        },
        headers=auth(session, doctor),
    )
    assert moved.status_code == 200, moved.text


class TestBeingMade:
    def test_the_page_answers_at_once_then_shows_the_plan(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        shift(client, session, world, world.iv_nurse)
        login(client, session, world.planner)

        response = client.post("/day-plans", data={"date": DAY.isoformat()}, follow_redirects=False)

        assert response.status_code == 303
        waiting = client.get(response.headers["location"])
        assert waiting.status_code == 200
        assert "Planen tas fram…" in waiting.text
        assert 'http-equiv="refresh"' in waiting.text
        assert "Publicera" not in waiting.text
        run_jobs(client)
        page = client.get(response.headers["location"].replace("day_planning", "day_planned"))
        assert "Planen tas fram…" not in page.text
        assert 'http-equiv="refresh"' not in page.text
        assert "Dagen är planerad." in page.text
        assert "Sandberg" in page.text

    def test_a_failed_solve_shows_why(
        self,
        client: TestClient,
        session: Session,
        world: World,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        class Broken:
            def solve(self, problem: Problem, *, seconds: float, seed: int = 0) -> Any:
                raise RuntimeError("no route found in time")

        monkeypatch.setattr(dayplans, "solver", Broken())
        shift(client, session, world, world.iv_nurse)

        path = plan_the_day(client, session, world)

        page = client.get(path).text
        assert "Planen kunde inte tas fram" in page
        assert "no route found in time" in page
        assert 'http-equiv="refresh"' not in page


class TestOutOfDate:
    def test_the_page_and_the_sheets_say_the_plan_is_out_of_date_until_replanned(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        shift(client, session, world, world.iv_nurse)
        shift(client, session, world, world.nurse)
        path = plan_the_day(client, session, world)
        assert client.post(f"{path}/publish").status_code in (200, 303)

        _readmit(client, session, world)

        login(client, session, world.planner)
        page = client.get(path).text
        sheets = client.get(f"{path}/print").text
        assert "Planen är inaktuell – planera om" in page
        assert "en patient har lagts in på sjukhus igen" in page
        assert "Planen är inaktuell – planera om" in sheets
        assert "(inställt)" in sheets  # the patient's stops, struck off the sheet
        english = client.get(f"/language/en?next={path}").text
        assert "The plan is out of date – re-plan" in english
        assert "a patient was readmitted to hospital" in english
        client.get(f"/language/sv?next={path}")

        replanned = client.post(f"{path}/replan", follow_redirects=False)
        assert replanned.status_code == 303
        run_jobs(client)
        assert "Planen är inaktuell" not in client.get(path).text
