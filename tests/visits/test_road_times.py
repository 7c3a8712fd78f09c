# ruff: noqa: F811  (the ``opat`` fixture is imported from test_follow)
"""Day plans use the OSRM server of SAMBAND_OSRM_URL for their travel times (a local stand-in
server here, tests/planning/osrm_standin.py), and a routing server that cannot answer makes
the plan fail with its code instead of breaking the solve job."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from samband.config import get_settings
from samband.models import DayPlan
from samband.planning.check import check
from samband.planning.osrm import OSRMTravel
from samband.planning.plan import plan_from_dict
from samband.planning.problem import parse_problem
from samband.planning.travel import GreatCircleTravel
from tests.factories import auth
from tests.planning.osrm_standin import closed_port_url, stand_in
from tests.visits.solving import run_jobs, solved
from tests.visits.test_follow import DAY, Opat, generate, opat, shift  # noqa: F401


@pytest.fixture
def osrm_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A stand-in OSRM server, set as SAMBAND_OSRM_URL for the test."""
    with stand_in() as (url, _):
        monkeypatch.setenv("SAMBAND_OSRM_URL", url)
        get_settings.cache_clear()
        try:
            yield url
        finally:
            monkeypatch.delenv("SAMBAND_OSRM_URL")
            get_settings.cache_clear()


def post_plan(client: TestClient, headers: dict[str, str]) -> Any:
    """Ask for the day's plan (solved by a job: answered 202 at once)."""
    return client.post(
        "/api/v1/day-plans?seconds=0.5", json={"date": DAY.isoformat()}, headers=headers
    )


def new_plan(client: TestClient, headers: dict[str, str]) -> str:
    response = post_plan(client, headers)
    assert response.status_code == 202, response.text
    return str(response.json()["id"])


class TestRoadTimes:
    def test_the_day_plan_travels_by_the_routing_servers_times(
        self, client: TestClient, session: Session, opat: Opat, osrm_url: str
    ) -> None:
        headers = auth(session, opat.planner)
        generate(client, headers)
        shift(client, headers, opat.iv_nurse)
        body = solved(client, post_plan(client, headers), headers)

        assert body["routes"]
        session.expire_all()
        row = session.get(DayPlan, uuid.UUID(body["id"]))
        assert row is not None
        problem, plan = parse_problem(row.problem), plan_from_dict(row.solution)
        assert plan.routes
        # every leg of the plan is the server's time, which the great circle is not
        assert check(problem, plan, OSRMTravel(osrm_url)) == []
        assert check(problem, plan, GreatCircleTravel(problem.travel)) != []

    def test_without_a_routing_server_the_great_circle_is_used(
        self, client: TestClient, session: Session, opat: Opat, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.delenv("SAMBAND_OSRM_URL", raising=False)
        get_settings.cache_clear()
        assert get_settings().osrm_url is None
        headers = auth(session, opat.planner)
        generate(client, headers)
        shift(client, headers, opat.iv_nurse)
        body = solved(client, post_plan(client, headers), headers)

        session.expire_all()
        row = session.get(DayPlan, uuid.UUID(body["id"]))
        assert row is not None
        problem = parse_problem(row.problem)
        assert check(problem, plan_from_dict(row.solution), GreatCircleTravel(problem.travel)) == []

    def test_a_routing_server_that_cannot_be_reached_fails_the_plan_with_its_code(
        self,
        client: TestClient,
        session: Session,
        opat: Opat,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        url = closed_port_url()
        monkeypatch.setenv("SAMBAND_OSRM_URL", url)
        get_settings.cache_clear()
        try:
            headers = auth(session, opat.planner)
            generate(client, headers)
            shift(client, headers, opat.iv_nurse)
            plan_id = new_plan(client, headers)

            run_jobs(client)  # the job itself does not fail (it would be retried)
        finally:
            monkeypatch.delenv("SAMBAND_OSRM_URL")
            get_settings.cache_clear()

        body = client.get(f"/api/v1/day-plans/{plan_id}", headers=headers).json()
        assert body["solve_status"] == "failed"
        assert body["solve_error_code"] == "dayplan.routing_failed"
        assert f"routing server {url} cannot be reached" in body["solve_error"]
        assert "SAMBAND_OSRM_URL" in body["solve_error"]
        assert body["routes"] == []
        refused = client.post(f"/api/v1/day-plans/{plan_id}/publish", headers=headers)
        assert refused.status_code == 409
        client.cookies.set("samband_session", headers["Authorization"][7:])
        client.cookies.set("samband_lang", "sv")
        page = client.get(f"/day-plans/{plan_id}")
        assert page.status_code == 200
        assert "restiderna kunde inte hämtas från ruttservern" in page.text
