"""The visits API: generate from care plans, ad-hoc visits, the life cycle, shifts, and the
day plan solved with the real PyVRP (seconds=1) and checked independently."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.models import AuditEvent, DayPlan, Organisation, Patient, User, Visit
from samband.planning.check import check
from samband.planning.plan import plan_from_dict
from samband.planning.problem import parse_problem
from tests.factories import (
    auth,
    make_municipality,
    make_patient_at_home,
    make_user,
)
from tests.visits.solving import solved

DAY = date(2030, 3, 6)  # a Wednesday, day 3 of the episode (the samples are due)
FALUN = {"lat": 60.6065, "lon": 15.6355}
# the OPAT template's home visits on day 3: IV x3, PICC care, samples
VISITS_PER_PATIENT = 5


@dataclass
class World:
    municipality: Organisation
    planner: User  # registered nurse of the municipality, also plans
    iv_nurse: User
    nurse: User  # no iv_therapy
    outsider: User
    patient: Patient
    episode_id: uuid.UUID


SINCE = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)  # the episode's start: DAY is its day 3


@pytest.fixture
def world(session: Session) -> World:
    municipality = make_municipality(session)
    home = make_patient_at_home(session, municipality, since=SINCE, latitude=60.61, longitude=15.65)
    other = make_municipality(session)
    return World(
        municipality=municipality,
        planner=make_user(session, municipality, role="registered_nurse"),
        iv_nurse=make_user(session, municipality, skills=["iv_therapy", "picc_care", "sampling"]),
        nurse=make_user(session, municipality, skills=["picc_care", "sampling"]),
        outsider=make_user(session, other, role="registered_nurse"),
        patient=home.patient,
        episode_id=home.episode.id,
    )


def _generate(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    response = client.post(
        "/api/v1/visits/generate", json={"date": DAY.isoformat()}, headers=headers
    )
    assert response.status_code == 200, response.text
    return response.json()


def _shift(client: TestClient, headers: dict[str, str], user: User) -> None:
    response = client.post(
        "/api/v1/shifts",
        json={
            "user_id": str(user.id),
            "date": DAY.isoformat(),
            "start": "07:00",
            "end": "21:30",
            "start_location": FALUN,
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text


def _status(client: TestClient, headers: dict[str, str], visit_id: str, to: str) -> Any:
    return client.post(f"/api/v1/visits/{visit_id}/status", json={"to": to}, headers=headers)


def _plan(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    response = client.post(
        "/api/v1/day-plans?seconds=1", json={"date": DAY.isoformat()}, headers=headers
    )
    return solved(client, response, headers)


def _checked(session: Session, plan_id: str) -> list[str]:
    stored = session.get(DayPlan, uuid.UUID(plan_id))
    assert stored is not None
    session.refresh(stored)
    return check(parse_problem(stored.problem), plan_from_dict(stored.solution))


class TestGenerate:
    def test_expands_the_care_plan_once_and_keeps_done_visits(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        headers = auth(session, world.planner)

        first = _generate(client, headers)
        iv = [v for v in first["visits"] if v["activity_key"] == "iv_antibiotics"]
        _status(client, headers, iv[0]["id"], "started")
        done = _status(client, headers, iv[0]["id"], "done")
        second = _generate(client, headers)

        assert first["created"] == VISITS_PER_PATIENT
        assert [v["window_local"] for v in iv] == [
            ["07:30", "08:30"],
            ["13:30", "14:30"],
            ["19:30", "20:30"],
        ]
        assert done.status_code == 200
        assert (second["created"], second["kept"], second["cancelled"]) == (
            0,
            VISITS_PER_PATIENT,
            0,
        )
        statuses = {v["id"]: v["status"] for v in second["visits"]}
        assert statuses[iv[0]["id"]] == "done"
        assert len(statuses) == VISITS_PER_PATIENT

    def test_a_role_that_may_not_plan_is_refused(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        assistant = make_user(session, world.municipality, role="assistant_nurse")

        response = client.post(
            "/api/v1/visits/generate",
            json={"date": DAY.isoformat()},
            headers=auth(session, assistant),
        )

        assert response.status_code == 403

    def test_only_organisations_sharing_an_open_episode_can_be_planned_for(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        headers = auth(session, world.planner)
        body = {"date": DAY.isoformat()}

        stranger = client.post(
            "/api/v1/visits/generate",
            json={**body, "organisation_ids": [str(world.outsider.organisation_id)]},
            headers=headers,
        )
        unknown = client.post(
            "/api/v1/day-plans?seconds=1",
            json={**body, "organisation_ids": [str(uuid.uuid4())]},
            headers=headers,
        )

        assert stranger.status_code == 403
        assert unknown.status_code == 422
        assert "does not exist" in unknown.json()["detail"]


class TestAccess:
    def test_an_unrelated_organisation_can_neither_see_nor_mark_a_visit(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        visit_id = _generate(client, auth(session, world.planner))["visits"][0]["id"]
        outsider = auth(session, world.outsider)

        listed = client.get(f"/api/v1/visits?date={DAY.isoformat()}", headers=outsider)
        marked = _status(client, outsider, visit_id, "started")

        assert listed.status_code == 200
        assert listed.json() == []
        assert marked.status_code == 404
        denied = session.scalars(
            select(AuditEvent).where(
                AuditEvent.user_id == world.outsider.id, AuditEvent.resource_type == "visit"
            )
        ).all()
        assert [(e.allowed, e.patient_id) for e in denied] == [(False, world.patient.id)]
        assert session.get(Visit, uuid.UUID(visit_id)).status == "planned"  # type: ignore[union-attr]

    def test_the_care_team_sees_the_visits_and_each_patient_is_logged(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        _generate(client, auth(session, world.planner))

        response = client.get(
            f"/api/v1/visits?date={DAY.isoformat()}&status=planned",
            headers=auth(session, world.nurse),
        )

        assert response.status_code == 200
        assert len(response.json()) == VISITS_PER_PATIENT
        logged = session.scalars(
            select(AuditEvent).where(
                AuditEvent.user_id == world.nurse.id, AuditEvent.action == "list"
            )
        ).all()
        assert [e.patient_id for e in logged] == [world.patient.id]

    def test_a_nurse_may_not_mark_a_visit_assigned_to_a_colleague(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        visit_id = _generate(client, auth(session, world.planner))["visits"][0]["id"]
        visit = session.get(Visit, uuid.UUID(visit_id))
        assert visit is not None
        visit.assigned_user_id = world.iv_nurse.id
        session.flush()
        assistant = make_user(session, world.municipality, role="assistant_nurse")

        response = _status(client, auth(session, assistant), visit_id, "started")

        assert response.status_code == 403

    def test_an_unrelated_organisation_cannot_read_a_day_plan(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        plan = _plan(client, auth(session, world.planner))

        response = client.get(
            f"/api/v1/day-plans/{plan['id']}", headers=auth(session, world.outsider)
        )

        assert response.status_code == 404


class TestLifeCycle:
    def test_a_wrong_move_is_409_naming_the_allowed_ones(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        headers = auth(session, world.planner)
        visit_id = _generate(client, headers)["visits"][0]["id"]

        response = _status(client, headers, visit_id, "done")

        assert response.status_code == 409
        assert "allowed now: cancelled, missed, started" in response.json()["detail"]

    def test_a_finished_visit_moves_no_more(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        headers = auth(session, world.planner)
        visit_id = _generate(client, headers)["visits"][0]["id"]
        assert _status(client, headers, visit_id, "missed").status_code == 200

        response = _status(client, headers, visit_id, "started")

        assert response.status_code == 409


class TestAdHoc:
    def test_an_urgent_visit_for_a_patient_at_home(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        body = {
            "episode_id": str(world.episode_id),
            "date": DAY.isoformat(),
            "window": ["10:00", "11:00"],
            "what": "Check the PICC line: the patient reports swelling",
            "skills": ["picc_care"],
            "priority": 1,
        }

        created = client.post("/api/v1/visits", json=body, headers=auth(session, world.planner))
        refused = client.post("/api/v1/visits", json=body, headers=auth(session, world.outsider))

        assert created.status_code == 201, created.text
        assert created.json()["source"] == "ad_hoc"
        assert created.json()["window_local"] == ["10:00", "11:00"]
        assert refused.status_code == 404

    def test_a_window_that_ends_before_it_starts_is_422(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        response = client.post(
            "/api/v1/visits",
            json={
                "episode_id": str(world.episode_id),
                "date": DAY.isoformat(),
                "window": ["11:00", "10:00"],
                "what": "Urgent check",
            },
            headers=auth(session, world.planner),
        )

        assert response.status_code == 422
        assert "window" in response.text


class TestShifts:
    def test_shifts_of_own_staff_only(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        headers = auth(session, world.planner)
        _shift(client, headers, world.iv_nurse)
        _shift(client, headers, world.iv_nurse)  # replaces, no duplicate

        other = client.post(
            "/api/v1/shifts",
            json={
                "user_id": str(world.outsider.id),
                "date": DAY.isoformat(),
                "start": "07:00",
                "end": "16:00",
                "start_location": FALUN,
            },
            headers=headers,
        )
        listed = client.get(f"/api/v1/shifts?date={DAY.isoformat()}", headers=headers)

        assert other.status_code == 404
        assert [(s["user_id"], s["start_local"], s["end_local"]) for s in listed.json()] == [
            (str(world.iv_nurse.id), "07:00", "21:30")
        ]


class TestDayPlan:
    def test_solves_with_pyvrp_keeps_skills_and_passes_the_check(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        headers = auth(session, world.planner)
        _generate(client, headers)
        _shift(client, headers, world.iv_nurse)
        _shift(client, headers, world.nurse)

        plan = _plan(client, headers)

        assert _checked(session, plan["id"]) == []
        assert plan["status"] == "draft"
        assert plan["unassigned"] == []
        stops = {s["visit"]: r["staff"] for r in plan["routes"] for s in r["stops"]}
        assert len(stops) == VISITS_PER_PATIENT
        iv = {
            v.id
            for v in session.scalars(
                select(Visit).where(Visit.activity_key == "iv_antibiotics", Visit.date == DAY)
            )
        }
        assert len(iv) == 3
        assert {stops[str(v)] for v in iv} == {str(world.iv_nurse.id)}
        # a draft assigns nothing yet; publishing does
        assert session.scalar(select(Visit).where(Visit.id.in_(iv))).status == "planned"  # type: ignore[union-attr]
        published = client.post(f"/api/v1/day-plans/{plan['id']}/publish", headers=headers)
        assert published.status_code == 200
        again = client.post(f"/api/v1/day-plans/{plan['id']}/publish", headers=headers)
        assert again.status_code == 409
        mine = client.get(
            f"/api/v1/visits?date={DAY.isoformat()}&staff_id={world.iv_nurse.id}",
            headers=headers,
        ).json()
        assert {v["id"] for v in mine} >= {str(v) for v in iv}
        assert {v["status"] for v in mine} == {"assigned"}

    def test_a_visit_needing_a_skill_nobody_has_is_unassigned_with_the_reason(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        headers = auth(session, world.planner)
        _generate(client, headers)
        _shift(client, headers, world.nurse)  # no iv_therapy

        plan = _plan(client, headers)

        reasons = {u["what"]: u["reason"] for u in plan["unassigned"]}
        assert reasons["Give IV antibiotics"].startswith("no staff member has the skill(s)")
        assert "IV therapy" in reasons["Give IV antibiotics"]
        left_out = next(u for u in plan["unassigned"] if u["what"] == "Give IV antibiotics")
        assert left_out["code"] == "planning.skill_nobody_has"
        assert left_out["params"] == {"skills": ["iv_therapy"]}
        routed = [s["what"] for r in plan["routes"] for s in r["stops"]]
        assert "Give IV antibiotics" not in routed
        assert _checked(session, plan["id"]) == []

    def test_a_patient_without_coordinates_is_unassigned_with_that_reason(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        make_patient_at_home(session, world.municipality, since=SINCE)  # no latitude/longitude
        headers = auth(session, world.planner)
        _generate(client, headers)
        _shift(client, headers, world.iv_nurse)

        plan = _plan(client, headers)

        reasons = [u["reason"] for u in plan["unassigned"]]
        assert len(reasons) == VISITS_PER_PATIENT
        assert all("no coordinates" in r for r in reasons)
        assert {u["code"] for u in plan["unassigned"]} == {"planning.no_coordinates"}

    def test_replan_keeps_a_started_visit_on_its_staff_member(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        headers = auth(session, world.planner)
        _generate(client, headers)
        _shift(client, headers, world.iv_nurse)
        _shift(client, headers, world.nurse)
        plan = _plan(client, headers)
        client.post(f"/api/v1/day-plans/{plan['id']}/publish", headers=headers)
        route = next(r for r in plan["routes"] if r["staff"] == str(world.iv_nurse.id))
        first = route["stops"][0]["visit"]
        before = session.get(Visit, uuid.UUID(first))
        assert before is not None
        session.refresh(before)
        planned_start = before.planned_start
        started = _status(client, auth(session, world.iv_nurse), first, "started")
        assert started.status_code == 200, started.text

        replanned = client.post(f"/api/v1/day-plans/{plan['id']}/replan?seconds=1", headers=headers)

        body = solved(client, replanned, headers)
        assert body["version"] == 2
        kept = next(r for r in body["routes"] if r["staff"] == str(world.iv_nurse.id))
        assert kept["stops"][0]["visit"] == first
        assert kept["stops"][0]["fixed"] is True
        session.refresh(before)
        assert before.assigned_user_id == world.iv_nurse.id
        assert before.planned_start == planned_start
        assert before.status == "started"
        assert _checked(session, plan["id"]) == []
        # nothing else lost: every other visit is routed or unassigned once
        others = [s["visit"] for r in body["routes"] for s in r["stops"] if not s["fixed"]]
        others += [u["visit"] for u in body["unassigned"]]
        assert len(others) == len(set(others)) == VISITS_PER_PATIENT - 1

    def test_the_dates_plans_of_the_own_organisation_are_listed_newest_first(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        headers = auth(session, world.planner)
        _generate(client, headers)
        _shift(client, headers, world.iv_nurse)
        body = {"date": DAY.isoformat()}
        first = client.post("/api/v1/day-plans?seconds=0.2", json=body, headers=headers).json()
        second = client.post("/api/v1/day-plans?seconds=0.2", json=body, headers=headers).json()

        listed = client.get(f"/api/v1/day-plans?date={DAY.isoformat()}", headers=headers)
        other_day = client.get("/api/v1/day-plans?date=2030-03-07", headers=headers)
        outsider = client.get(
            f"/api/v1/day-plans?date={DAY.isoformat()}", headers=auth(session, world.outsider)
        )

        assert listed.status_code == 200
        assert [p["id"] for p in listed.json()] == [second["id"], first["id"]]
        assert listed.json()[0]["status"] == "draft"
        assert listed.json()[0]["organisation_ids"] == [str(world.municipality.id)]
        assert "routes" not in listed.json()[0]
        assert other_day.json() == []
        assert outsider.status_code == 200
        assert outsider.json() == []

    def test_listing_plans_needs_a_role_that_reads_patients(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        analyst = make_user(session, world.municipality, role="analyst")

        response = client.get("/api/v1/day-plans", headers=auth(session, analyst))

        assert response.status_code == 403

    def test_a_role_that_may_not_plan_is_refused(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        assistant = make_user(session, world.municipality, role="assistant_nurse")

        response = client.post(
            "/api/v1/day-plans", json={"date": DAY.isoformat()}, headers=auth(session, assistant)
        )

        assert response.status_code == 403

    def test_seconds_above_sixty_is_422(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        response = client.post(
            "/api/v1/day-plans?seconds=61",
            json={"date": DAY.isoformat()},
            headers=auth(session, world.planner),
        )

        assert response.status_code == 422
