# ruff: noqa: F811  (the ``opat`` fixture is imported from test_follow)
"""Re-planning a published day keeps what the patients were told: each open visit of the
published routes is *announced* (its staff member and planned start) in the problem, the
planner keeps it there when it can, and the announced visits the new plan moves anyway are
stored with the plan, returned by the API and shown on the plan's page."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.models import DayPlan, Patient, StaffShift
from samband.planning.plan import moved, plan_from_dict
from samband.planning.problem import KEEP_MINUTES, parse_clock, parse_problem
from tests.factories import auth
from tests.visits.solving import solved
from tests.visits.test_follow import (  # noqa: F401
    DAY,
    Opat,
    generate,
    opat,
    plan,
    shift,
)

Told = dict[str, tuple[str, str]]  # visit id → (staff id, "HH:MM")


def routed(body: dict[str, Any]) -> Told:
    """The plan's open visits in its routes: who makes each one, and when it starts."""
    return {
        s["visit"]: (r["staff"], s["start"])
        for r in body["routes"]
        for s in r["stops"]
        if not s["fixed"]
    }


def moved_between(told: Told, now: Told) -> set[str]:
    """The announced visits ``now`` moves, worked out from the two plans' routes alone: with
    another staff member, more than KEEP_MINUTES from the announced start, or not routed."""
    out = set()
    for visit_id, (staff, start) in told.items():
        got = now.get(visit_id)
        if (
            got is None
            or got[0] != staff
            or abs(parse_clock(got[1], "now") - parse_clock(start, "told")) > KEEP_MINUTES * 60
        ):
            out.add(visit_id)
    return out


def replan(client: TestClient, headers: dict[str, str], plan_id: str) -> dict[str, Any]:
    response = client.post(f"/api/v1/day-plans/{plan_id}/replan?seconds=0.5", headers=headers)
    return solved(client, response, headers)


def stored(session: Session, plan_id: str) -> DayPlan:
    session.expire_all()
    row = session.get(DayPlan, uuid.UUID(plan_id))
    assert row is not None
    return row


def a_new_visit(client: TestClient, headers: dict[str, str], o: Opat) -> str:
    response = client.post(
        "/api/v1/visits",
        json={
            "episode_id": str(o.episode.id),
            "date": DAY.isoformat(),
            "window": ["10:00", "12:00"],
            "what": "Extra check of the PICC line",
            "duration_min": 20,
            "priority": 2,
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def day_with_a_published_plan(
    client: TestClient, session: Session, o: Opat
) -> tuple[dict[str, str], dict[str, Any]]:
    headers = auth(session, o.planner)
    generate(client, headers)
    shift(client, headers, o.iv_nurse, start="00:00")  # every dose can be given
    shift(client, headers, o.nurse)
    return headers, plan(client, headers)


class TestReplanOfAPublishedPlan:
    def test_announced_visits_keep_their_staff_and_time_when_a_visit_is_added(
        self, client: TestClient, session: Session, opat: Opat
    ) -> None:
        headers, published = day_with_a_published_plan(client, session, opat)
        told = routed(published)
        assert told  # the day has announced visits
        extra = a_new_visit(client, headers, opat)
        # continuity now pulls towards the care contact; what the patient was told outweighs it
        patient = session.get(Patient, opat.episode.patient_id)
        assert patient is not None
        patient.fixed_care_contact_id = opat.nurse.id
        session.flush()

        after = replan(client, headers, published["id"])

        row = stored(session, published["id"])
        in_problem = {v["id"]: v for v in row.problem["visits"]}
        for visit_id, (staff, start) in told.items():
            assert in_problem[visit_id]["announced"] == {"staff": staff, "start": start}
            # continuity stays as for a new plan: the patient's care contact, not the staff
            # member the visit had
            assert in_problem[visit_id]["preferred_staff"] == [str(opat.nurse.id)]
        assert "announced" not in in_problem[extra]
        now = routed(after)
        assert extra in now  # the new visit is made
        for visit_id, (staff, start) in told.items():
            assert now[visit_id][0] == staff
            assert abs(parse_clock(now[visit_id][1], "now") - parse_clock(start, "told")) <= (
                KEEP_MINUTES * 60
            )
        assert (after["moved_count"], after["moved"]) == (0, [])
        independent = moved(parse_problem(row.problem), plan_from_dict(row.solution))
        assert independent == row.solution["moved"] == []

    def test_announced_visits_that_must_move_are_counted_returned_and_shown(
        self, client: TestClient, session: Session, opat: Opat
    ) -> None:
        headers, published = day_with_a_published_plan(client, session, opat)
        told = routed(published)
        gone_staff = next(staff for staff, _ in told.values())
        theirs = {visit_id for visit_id, (staff, _) in told.items() if staff == gone_staff}
        # the staff member is off sick: their shift is taken away after the plan was published
        for row in session.scalars(
            select(StaffShift).where(StaffShift.user_id == uuid.UUID(gone_staff))
        ):
            session.delete(row)
        session.flush()

        after = replan(client, headers, published["id"])

        expected = moved_between(told, routed(after))
        assert theirs <= expected  # nobody can keep a visit of someone not at work
        assert after["moved_count"] == len(expected) >= 1
        assert {m["visit"] for m in after["moved"]} == expected
        for item in after["moved"]:
            staff, start = told[item["visit"]]
            assert (item["announced_staff"], item["announced_start"]) == (staff, start)
        row = stored(session, published["id"])
        independent = moved(parse_problem(row.problem), plan_from_dict(row.solution))
        assert set(independent) == set(row.solution["moved"]) == expected
        listed = client.get(f"/api/v1/day-plans?date={DAY.isoformat()}", headers=headers).json()
        assert [p["moved_count"] for p in listed] == [len(expected)]

        client.cookies.set("samband_session", headers["Authorization"][7:])
        client.cookies.set("samband_lang", "sv")
        swedish = client.get(f"/day-plans/{published['id']}")
        client.cookies.set("samband_lang", "en")
        english = client.get(f"/day-plans/{published['id']}")

        assert swedish.status_code == english.status_code == 200
        assert f"{len(expected)} besök som patienten fått besked om flyttades" in swedish.text
        word = "visit" if len(expected) == 1 else "visits"
        assert f"{len(expected)} announced {word} moved" in english.text
        for visit_id in expected:
            assert f'id="moved-{visit_id}"' in english.text  # the list of moved visits
            assert f'href="#moved-{visit_id}"' in english.text  # the badge on the visit's row
            assert f'href="#stop-{visit_id}"' in english.text  # the list links to the row
        for visit_id in set(told) - expected:
            assert f'href="#moved-{visit_id}"' not in english.text

    def test_a_replan_of_a_draft_prefers_the_current_staff_and_announces_nothing(
        self, client: TestClient, session: Session, opat: Opat
    ) -> None:
        headers = auth(session, opat.planner)
        generate(client, headers)
        shift(client, headers, opat.iv_nurse, start="00:00")
        shift(client, headers, opat.nurse)
        draft = plan(client, headers, publish=False)
        current = routed(draft)

        after = replan(client, headers, draft["id"])

        row = stored(session, draft["id"])
        in_problem = {v["id"]: v for v in row.problem["visits"]}
        assert not [v for v in in_problem.values() if "announced" in v]
        for visit_id, (staff, _) in current.items():
            assert in_problem[visit_id]["preferred_staff"] == [staff]
        assert (after["moved_count"], after["moved"]) == (0, [])
        assert row.solution["moved"] == []
