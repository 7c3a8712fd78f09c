"""Planning prefers the patient's fixed physician for a physician's visit, as it prefers the
regular staff for the others, and the fixed care contact first for a nurse's visit (decision
0018): the pure rule, and a small day solved with the real PyVRP (seconds=1)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from samband.kit.time import local_today
from samband.models import DayPlan, User
from samband.visits.problem import preferred_staff
from tests.enrolments.helpers import World, add_visit, build, enrol
from tests.factories import auth
from tests.visits.solving import solved

HOME = {"lat": 60.61, "lon": 15.65}  # the patient's (helpers.build)
NEAR = {"lat": 60.6145, "lon": 15.65}  # 0.5 km away
FAR = {"lat": 60.628, "lon": 15.65}  # 2 km away: farther, but less than the preference's weight


class TestPreferredStaff:
    def test_a_physicians_visit_prefers_the_fixed_physician_alone(self) -> None:
        assert preferred_staff("physician", ["n1", "n2"], fixed_physician="gp") == ["gp"]

    def test_without_a_fixed_physician_the_regulars_stay(self) -> None:
        assert preferred_staff("physician", ["d1"], care_contact="n1") == ["d1"]

    def test_a_nurses_visit_prefers_the_care_contact_first_then_the_regulars(self) -> None:
        assert preferred_staff(
            "registered_nurse", ["n2", "n1"], fixed_physician="gp", care_contact="n1"
        ) == ["n1", "n2"]

    def test_nobody_known_prefers_nobody(self) -> None:
        assert preferred_staff("registered_nurse", []) == []


@pytest.fixture
def w(session: Session) -> World:
    return build(session)


def _plan_physician_visit(
    client: TestClient, session: Session, w: World, *, fixed: User | None
) -> tuple[dict[str, Any], DayPlan]:
    """Tomorrow, one physician's visit to the enrolled patient; the primary care centre's
    two physicians on shift, w.gp2 starting near the patient and w.gp farther away."""
    day = local_today() + timedelta(days=1)
    episode = enrol(
        session,
        w,
        shared_records_consent=True,  # the centre reads the patient: it plans the visit
        fixed_physician_id=fixed.id if fixed else None,
    )
    visit = add_visit(session, episode, day=day, role="physician", organisation=w.vc)
    headers = auth(session, w.gp2)
    for user, place in ((w.gp, FAR), (w.gp2, NEAR)):
        response = client.post(
            "/api/v1/shifts",
            json={
                "user_id": str(user.id),
                "date": day.isoformat(),
                "start": "08:00",
                "end": "16:00",
                "start_location": place,
            },
            headers=headers,
        )
        assert response.status_code == 201, response.text
    response = client.post(
        "/api/v1/day-plans?seconds=1", json={"date": day.isoformat()}, headers=headers
    )
    body = solved(client, response, headers)
    stored = session.get(DayPlan, uuid.UUID(body["id"]))
    assert stored is not None
    session.refresh(stored)
    made_by = {s["visit"]: r["staff"] for r in body["routes"] for s in r["stops"]}
    assert str(visit.id) in made_by, body
    return {"made_by": made_by[str(visit.id)], "visit": str(visit.id)}, stored


class TestASmallDay:
    def test_the_nearer_physician_makes_the_visit_when_the_patient_has_no_fixed_one(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        result, stored = _plan_physician_visit(client, session, w, fixed=None)

        assert all("preferred_staff" not in v for v in stored.problem["visits"])
        assert result["made_by"] == str(w.gp2.id)

    def test_the_fixed_physician_makes_it_though_farther_away(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        result, stored = _plan_physician_visit(client, session, w, fixed=w.gp)

        (visit,) = [v for v in stored.problem["visits"] if v["id"] == result["visit"]]
        assert visit["preferred_staff"] == [str(w.gp.id)]
        assert result["made_by"] == str(w.gp.id)
