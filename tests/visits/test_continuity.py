# ruff: noqa: F811  (the ``world`` fixture is imported from test_router)
"""Continuity of care: a new day plan prefers each patient's regular staff, found from the
visits of the last ``HISTORY_DAYS`` days (solved with the real PyVRP)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.models import DayPlan, User, Visit
from samband.visits.dayplans import HISTORY_DAYS
from tests.factories import auth
from tests.visits.solving import solved
from tests.visits.test_router import DAY, World, _generate, _shift, world  # noqa: F401

NOT_IV = {"picc_care", "samples_day3"}


def _history(session: Session, world: World, made_by: User, days_ago: int) -> None:
    """The patient's visits ``days_ago`` days before DAY, done by ``made_by``."""
    for n, activity in enumerate(("picc_care", "samples_day3", "iv_antibiotics")):
        session.add(
            Visit(
                episode_id=world.episode_id,
                patient_id=world.patient.id,
                date=DAY - timedelta(days=days_ago),
                activity_key=activity,
                occurrence=n,
                what=activity,
                window_start=_at(days_ago, 8 + n),
                window_end=_at(days_ago, 9 + n),
                duration_min=20,
                skills=[],
                role="registered_nurse",
                organisation_kind="home_health_care",
                organisation_id=world.municipality.id,
                priority=3,
                source="plan",
                status="done",
                assigned_user_id=made_by.id,
                history=[],
            )
        )
    session.flush()


def _at(days_ago: int, hour: int) -> datetime:
    return datetime.combine(DAY - timedelta(days=days_ago), time(hour), tzinfo=UTC)


def _plan(client: TestClient, session: Session, world: World) -> tuple[dict[str, Any], DayPlan]:
    headers = auth(session, world.planner)
    _generate(client, headers)
    _shift(client, headers, world.iv_nurse)
    _shift(client, headers, world.nurse)
    response = client.post(
        "/api/v1/day-plans?seconds=1", json={"date": DAY.isoformat()}, headers=headers
    )
    body = solved(client, response, headers)
    stored = session.get(DayPlan, uuid.UUID(body["id"]))
    assert stored is not None
    session.refresh(stored)
    return body, stored


def _made_by(session: Session, body: dict[str, Any]) -> dict[str, str]:
    keys = {
        str(v.id): v.activity_key for v in session.scalars(select(Visit).where(Visit.date == DAY))
    }
    return {keys[s["visit"]]: r["staff"] for r in body["routes"] for s in r["stops"]}


class TestRegularStaff:
    def test_the_regular_staff_member_is_preferred_and_gets_the_visits(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        _history(session, world, world.nurse, days_ago=1)

        body, stored = _plan(client, session, world)

        preferred = {v["preferred_staff"][0] for v in stored.problem["visits"]}
        assert preferred == {str(world.nurse.id)}
        made_by = _made_by(session, body)
        assert {made_by[k] for k in NOT_IV} == {str(world.nurse.id)}
        # IV needs iv_therapy, which the regular nurse lacks: a preference, never a rule
        assert made_by["iv_antibiotics"] == str(world.iv_nurse.id)

    def test_the_other_regular_gets_them_when_history_says_so(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        _history(session, world, world.iv_nurse, days_ago=2)

        body, stored = _plan(client, session, world)

        assert {v["preferred_staff"][0] for v in stored.problem["visits"]} == {
            str(world.iv_nurse.id)
        }
        made_by = _made_by(session, body)
        assert {made_by[k] for k in NOT_IV} == {str(world.iv_nurse.id)}

    def test_visits_older_than_the_history_window_do_not_count(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        _history(session, world, world.nurse, days_ago=HISTORY_DAYS + 1)

        _, stored = _plan(client, session, world)

        assert all("preferred_staff" not in v for v in stored.problem["visits"])
