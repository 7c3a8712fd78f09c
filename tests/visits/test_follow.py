"""Issue 11, decision 0015: plans follow the patient; IV dose visits take the medication list's
times (and the patient's copy says the same); an unstaffed or missed IV dose raises an alert;
a visit is started on its own date only; the day plan is solved by a job (202, poll)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.models import (
    Alert,
    CarePlanVersion,
    DayPlan,
    Episode,
    Medication,
    Notification,
    Organisation,
    User,
    Visit,
)
from samband.patientcopy import service as patientcopy
from samband.planning.problem import DEFAULT_PRIORITY, Problem
from samband.security.context import Context
from samband.security.service import actor_of
from samband.visits import dayplans, service
from samband.visits.schedule import LOCAL
from tests.factories import (
    auth,
    make_medication,
    make_municipality,
    make_patient_at_home,
    make_user,
)
from tests.visits.conftest import TODAY
from tests.visits.solving import run_jobs, solved

DAY = TODAY
FALUN = {"lat": 60.6065, "lon": 15.6355}


@dataclass
class Opat:
    municipality: Organisation
    ward_unit_id: uuid.UUID
    doctor: User
    planner: User
    iv_nurse: User
    nurse: User
    episode: Episode


@pytest.fixture
def opat(session: Session) -> Opat:
    municipality = make_municipality(session)
    home = make_patient_at_home(
        session,
        municipality,
        since=datetime(2030, 3, 4, 9, 0, tzinfo=UTC),
        latitude=60.61,
        longitude=15.65,
    )
    ward, doctor, episode = home.ward, home.physician, home.episode
    make_medication(session, episode, by=doctor, schedule="08:00 16:00 24:00")
    return Opat(
        municipality=municipality,
        ward_unit_id=ward.id,
        doctor=doctor,
        planner=make_user(session, municipality, role="registered_nurse"),
        iv_nurse=make_user(session, municipality, skills=["iv_therapy", "picc_care", "sampling"]),
        nurse=make_user(session, municipality, skills=["picc_care", "sampling"]),
        episode=episode,
    )


def generate(client: TestClient, headers: dict[str, str], day: date = DAY) -> None:
    response = client.post(
        "/api/v1/visits/generate", json={"date": day.isoformat()}, headers=headers
    )
    assert response.status_code == 200, response.text


def shift(client: TestClient, headers: dict[str, str], user: User, start: str = "07:00") -> None:
    response = client.post(
        "/api/v1/shifts",
        json={
            "user_id": str(user.id),
            "date": DAY.isoformat(),
            "start": start,
            "end": "21:30",
            "start_location": FALUN,
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text


def plan(client: TestClient, headers: dict[str, str], *, publish: bool = True) -> dict[str, Any]:
    response = client.post(
        "/api/v1/day-plans?seconds=0.5", json={"date": DAY.isoformat()}, headers=headers
    )
    body = solved(client, response, headers)
    if publish:
        published = client.post(f"/api/v1/day-plans/{body['id']}/publish", headers=headers)
        assert published.status_code == 200, published.text
        body = published.json()
    return body


def visits(session: Session, **where: Any) -> list[Visit]:
    session.expire_all()
    query = select(Visit).order_by(Visit.date, Visit.window_start)
    for name, value in where.items():
        query = query.where(getattr(Visit, name) == value)
    return list(session.scalars(query))


def local_window(visit: Visit) -> tuple[str, str]:
    lo = visit.window_start.astimezone(LOCAL)
    hi = visit.window_end.astimezone(LOCAL)
    return f"{lo:%H:%M}", "24:00" if hi.date() > visit.date else f"{hi:%H:%M}"


def alerts(session: Session, episode: Episode) -> list[Alert]:
    session.expire_all()
    return list(
        session.scalars(
            select(Alert).where(Alert.episode_id == episode.id, Alert.kind == "medication_visit")
        )
    )


class TestMedicationTimes:
    def test_the_iv_visits_take_the_medication_lists_times_and_midnight_stays_on_its_date(
        self, client: TestClient, session: Session, opat: Opat
    ) -> None:
        generate(client, auth(session, opat.planner))

        iv = visits(session, activity_key="iv_antibiotics")

        assert [local_window(v) for v in iv] == [
            ("00:00", "00:30"),  # yesterday's 24:00 dose: planned once, on this date
            ("07:30", "08:30"),
            ("15:30", "16:30"),
        ]
        assert {v.date for v in iv} == {DAY}
        assert {v.medication_route for v in iv} == {"iv"}
        # the other activities give no medication
        assert {v.medication_route for v in visits(session) if v not in iv} == {None}

    def test_a_care_plan_written_before_the_link_still_follows_the_prescription(
        self, client: TestClient, session: Session, opat: Opat
    ) -> None:
        for version in session.scalars(select(CarePlanVersion)):
            content = dict(version.content)
            content["activities"] = [
                {k: v for k, v in a.items() if k != "medication_route"}
                for a in content.get("activities") or []
            ]
            version.content = content
        session.flush()

        generate(client, auth(session, opat.planner))

        iv = visits(session, activity_key="iv_antibiotics")
        assert [local_window(v) for v in iv] == [
            ("00:00", "00:30"),
            ("07:30", "08:30"),
            ("15:30", "16:30"),
        ]

    def test_a_changed_prescription_moves_the_planned_visits(
        self, client: TestClient, session: Session, opat: Opat
    ) -> None:
        headers = auth(session, opat.planner)
        generate(client, headers)
        row = session.scalars(
            select(Medication).where(Medication.episode_id == opat.episode.id)
        ).one()
        row.schedule = "06:00 14:00 22:00"
        session.flush()

        generate(client, headers)

        iv = visits(session, activity_key="iv_antibiotics")
        assert [local_window(v)[0] for v in iv] == ["05:30", "13:30", "21:30"]

    def test_day_one_has_no_midnight_dose_and_the_day_after_the_course_has_only_it(
        self, client: TestClient, session: Session, opat: Opat
    ) -> None:
        row = session.scalars(
            select(Medication).where(Medication.episode_id == opat.episode.id)
        ).one()
        row.days = 3  # 4-6 March
        session.flush()
        headers = auth(session, opat.planner)
        for day in (date(2030, 3, 4), date(2030, 3, 7)):
            generate(client, headers, day)

        first = visits(session, activity_key="iv_antibiotics", date=date(2030, 3, 4))
        after = visits(session, activity_key="iv_antibiotics", date=date(2030, 3, 7))

        assert [local_window(v)[0] for v in first] == ["07:30", "15:30"]
        assert [local_window(v)[0] for v in after] == ["00:00"]

    def test_without_an_iv_medication_on_the_list_the_activity_keeps_its_own_schedule(
        self, client: TestClient, session: Session, opat: Opat
    ) -> None:
        for medication in session.scalars(
            select(Medication).where(Medication.episode_id == opat.episode.id)
        ):
            session.delete(medication)
        session.flush()

        generate(client, auth(session, opat.planner))

        iv = visits(session, activity_key="iv_antibiotics")
        assert [local_window(v)[0] for v in iv] == ["07:30", "13:30", "19:30"]

    def test_the_patients_copy_says_the_same_times_as_the_visits(
        self, session: Session, opat: Opat
    ) -> None:
        ctx = Context(session, actor_of(opat.doctor))

        copy = patientcopy.for_episode(ctx, opat.episode.id, lang="sv", today=DAY)

        today = copy.days[0]
        iv_line = next(line for line in today.lines if "antibiotika" in line)
        assert iv_line.startswith("Varje dag kl. 08.00, 16.00 och 24.00 kommer en sjuksköterska")
        english = patientcopy.for_episode(ctx, opat.episode.id, lang="en", today=DAY)
        assert any("at 08:00, 16:00 and 24:00" in line for line in english.days[0].lines)


class TestDosePriority:
    """A dose given by staff is the planner's highest priority (1); other visits from the care
    plan keep the default."""

    def test_the_iv_doses_have_priority_1_at_the_prescribed_times_and_the_rest_the_default(
        self, client: TestClient, session: Session, opat: Opat
    ) -> None:
        response = client.post(
            "/api/v1/visits/generate",
            json={"date": DAY.isoformat()},
            headers=auth(session, opat.planner),
        )

        assert response.status_code == 200, response.text
        made = response.json()["visits"]
        doses = sorted(
            (v for v in made if v["activity_key"] == "iv_antibiotics"),
            key=lambda v: v["window_start"],
        )
        # "08:00 16:00 24:00": 08:00 and 16:00 ±30 min, yesterday's 24:00 dose at 00:00-00:30
        assert [tuple(v["window_local"]) for v in doses] == [
            ("00:00", "00:30"),
            ("07:30", "08:30"),
            ("15:30", "16:30"),
        ]
        assert [v["priority"] for v in doses] == [1, 1, 1]
        others = [v for v in made if v["activity_key"] != "iv_antibiotics"]
        assert others  # the OPAT care plan has other home visits (PICC care, samples)
        assert {v["priority"] for v in others} == {DEFAULT_PRIORITY}
        assert DEFAULT_PRIORITY != 1
        stored = visits(session, activity_key="iv_antibiotics")
        assert {v.priority for v in stored} == {1}

    def test_a_dose_made_before_it_had_priority_1_gets_it_when_the_day_is_made_again(
        self, client: TestClient, session: Session, opat: Opat
    ) -> None:
        headers = auth(session, opat.planner)
        generate(client, headers)
        planned, assigned, _ = visits(session, activity_key="iv_antibiotics")
        other = next(v for v in visits(session) if v.activity_key != "iv_antibiotics")
        for visit in (planned, assigned, other):
            visit.priority = 3  # as visits were made before doses had priority 1
        assigned.status = "assigned"
        assigned.assigned_user_id = opat.iv_nurse.id
        window = (assigned.window_start, assigned.window_end)
        session.flush()

        generate(client, headers)

        after = {v.id: v for v in visits(session)}
        assert after[planned.id].priority == 1
        assert after[assigned.id].priority == 1  # its window and staff stay as published
        assert (after[assigned.id].window_start, after[assigned.id].window_end) == window
        assert after[assigned.id].assigned_user_id == opat.iv_nurse.id
        assert after[other.id].priority == DEFAULT_PRIORITY


class TestPlansFollowThePatient:
    @pytest.mark.parametrize(
        ("to", "extra", "note"),
        [
            ("readmitted", {"use_reserved_bed": False}, "the patient was readmitted"),
            ("discharged", {}, "the patient was discharged"),
            ("deceased", {"death_expected": False}, "the patient died"),
            ("withdrawn", {}, "the patient left care at home (withdrawn)"),
        ],
    )
    def test_an_ended_episode_cancels_its_visits_and_puts_the_plan_out_of_date(
        self,
        client: TestClient,
        session: Session,
        opat: Opat,
        to: str,
        extra: dict[str, Any],
        note: str,
    ) -> None:
        headers = auth(session, opat.planner)
        generate(client, headers)
        generate(client, headers, DAY + timedelta(days=1))  # tomorrow's visits are made too
        shift(client, headers, opat.iv_nurse)
        shift(client, headers, opat.nurse)
        body = plan(client, headers)
        first = next(s for r in body["routes"] for s in r["stops"])
        nurse = next(r["staff"] for r in body["routes"] if any(s == first for s in r["stops"]))
        started = client.post(
            f"/api/v1/visits/{first['visit']}/status",
            json={"to": "started"},
            headers=auth(session, opat.planner),
        )
        assert started.status_code == 200, started.text
        if to == "readmitted":
            extra = {**extra, "ward_unit_id": str(opat.ward_unit_id)}

        moved = client.post(
            f"/api/v1/episodes/{opat.episode.id}/transitions",
            json={"to": to, "reason": "the round decided", **extra},
            headers=auth(session, opat.doctor),
        )

        assert moved.status_code == 200, moved.text
        every = visits(session)
        assert {v.status for v in every if str(v.id) != first["visit"]} == {"cancelled"}
        assert next(v for v in every if str(v.id) == first["visit"]).status == "started"
        assert {v.history[-1]["note"] for v in every if v.status == "cancelled"} == {note}
        assert {v.date for v in every if v.status == "cancelled"} == {DAY, DAY + timedelta(1)}
        stored = session.get(DayPlan, uuid.UUID(body["id"]))
        assert stored is not None
        assert stored.out_of_date_at is not None
        assert stored.out_of_date_reasons[-1]["cause"] == to
        polled = client.get(f"/api/v1/day-plans/{body['id']}", headers=headers).json()
        assert polled["out_of_date"] is True
        told = session.scalars(
            select(Notification).where(
                Notification.kind == "plan_out_of_date", Notification.user_id == uuid.UUID(nurse)
            )
        ).all()
        assert len(told) == 1
        assert told[0].params["date"] == DAY.isoformat()
        assert told[0].params["count"] >= 1
        assert told[0].link == f"/day-plans/{body['id']}"
        assert set(told[0].params) == {"date", "count"}  # nothing that names the patient

        replanned = client.post(
            f"/api/v1/day-plans/{body['id']}/replan?seconds=0.5", headers=headers
        )
        after = solved(client, replanned, headers)

        assert after["out_of_date"] is False
        assert after["out_of_date_reasons"] == []
        routed = [s["visit"] for r in after["routes"] for s in r["stops"] if not s["fixed"]]
        assert routed == []  # nothing left to do for a patient who is no longer at home


class TestMedicationVisitAlerts:
    def test_an_iv_dose_left_unstaffed_by_the_published_plan_raises_an_alert(
        self, client: TestClient, session: Session, opat: Opat
    ) -> None:
        headers = auth(session, opat.planner)
        generate(client, headers)
        shift(client, headers, opat.iv_nurse)  # from 07:00: nobody gives the 00:00 dose

        draft = plan(client, headers, publish=False)
        assert alerts(session, opat.episode) == []  # a draft alarms nobody
        published = client.post(f"/api/v1/day-plans/{draft['id']}/publish", headers=headers)

        assert published.status_code == 200
        raised = alerts(session, opat.episode)
        assert len(raised) == 1
        assert raised[0].severity == "high"
        assert raised[0].status == "open"
        assert "IV dose visit on 2030-03-06 00:00–00:30" in raised[0].reason
        assert "not staffed in the published day plan" in raised[0].reason

    def test_a_missed_iv_dose_raises_an_alert_and_another_visit_does_not(
        self, client: TestClient, session: Session, opat: Opat
    ) -> None:
        headers = auth(session, opat.planner)
        generate(client, headers)
        shift(client, headers, opat.iv_nurse, start="00:00")
        shift(client, headers, opat.nurse)
        plan(client, headers)
        assert alerts(session, opat.episode) == []  # every dose is staffed
        picc, dose = (
            visits(session, activity_key="picc_care")[0],
            visits(session, activity_key="iv_antibiotics")[1],  # 08:00
        )

        for visit in (picc, dose):
            marked = client.post(
                f"/api/v1/visits/{visit.id}/status", json={"to": "missed"}, headers=headers
            )
            assert marked.status_code == 200, marked.text

        raised = alerts(session, opat.episode)
        assert len(raised) == 1
        assert "07:30–08:30" in raised[0].reason
        assert "marked missed" in raised[0].reason


class TestStartedOnItsOwnDate:
    def test_a_visit_of_another_date_is_refused_and_nothing_changes(
        self, client: TestClient, session: Session, opat: Opat, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        headers = auth(session, opat.planner)
        generate(client, headers)
        visit = visits(session)[0]
        monkeypatch.setattr(service, "local_today", lambda: DAY - timedelta(days=1))

        refused = client.post(
            f"/api/v1/visits/{visit.id}/status", json={"to": "started"}, headers=headers
        )

        assert refused.status_code == 409
        detail = refused.json()["detail"]
        assert "planned for 2030-03-06 and today is 2030-03-05" in detail
        assert "ad-hoc visit" in detail
        after = visits(session, id=visit.id)[0]
        assert after.status == "planned"
        assert after.started_at is None
        assert after.history == []

    def test_done_only_after_started(
        self, client: TestClient, session: Session, opat: Opat
    ) -> None:
        headers = auth(session, opat.planner)
        generate(client, headers)
        visit = visits(session)[0]

        done = client.post(
            f"/api/v1/visits/{visit.id}/status", json={"to": "done"}, headers=headers
        )

        assert done.status_code == 409


class TestSolveJob:
    def test_the_request_answers_at_once_and_the_job_makes_the_plan(
        self, client: TestClient, session: Session, opat: Opat
    ) -> None:
        headers = auth(session, opat.planner)
        generate(client, headers)
        shift(client, headers, opat.iv_nurse)

        response = client.post(
            "/api/v1/day-plans?seconds=0.3", json={"date": DAY.isoformat()}, headers=headers
        )

        assert response.status_code == 202
        location = response.headers["location"]
        assert location == f"/api/v1/day-plans/{response.json()['id']}"
        waiting = client.get(location, headers=headers).json()
        assert (waiting["solve_status"], waiting["routes"]) == ("queued", [])
        refused = client.post(f"{location}/publish", headers=headers)
        assert refused.status_code == 409
        assert "being made" in refused.json()["detail"]
        run_jobs(client)
        done = client.get(location, headers=headers).json()
        assert done["solve_status"] == "done"
        assert done["routes"]
        ready = session.scalars(
            select(Notification).where(
                Notification.kind == "plan_ready", Notification.user_id == opat.planner.id
            )
        ).all()
        assert len(ready) == 1

    def test_a_failing_solve_says_why(
        self,
        client: TestClient,
        session: Session,
        opat: Opat,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        class Broken:
            def solve(self, problem: Problem, *, seconds: float, seed: int = 0) -> Any:
                raise RuntimeError("the solver ran out of memory")

        monkeypatch.setattr(dayplans, "solver", Broken())
        headers = auth(session, opat.planner)
        generate(client, headers)
        shift(client, headers, opat.iv_nurse)
        response = client.post(
            "/api/v1/day-plans?seconds=0.3", json={"date": DAY.isoformat()}, headers=headers
        )

        run_jobs(client)

        body = client.get(response.headers["location"], headers=headers).json()
        assert body["solve_status"] == "failed"
        assert "the solver ran out of memory" in body["solve_error"]
        refused = client.post(f"/api/v1/day-plans/{body['id']}/publish", headers=headers)
        assert refused.status_code == 409
        assert "could not be made" in refused.json()["detail"]

    def test_a_replan_asked_while_solving_is_refused(
        self, client: TestClient, session: Session, opat: Opat
    ) -> None:
        headers = auth(session, opat.planner)
        generate(client, headers)
        response = client.post(
            "/api/v1/day-plans?seconds=0.3", json={"date": DAY.isoformat()}, headers=headers
        )

        again = client.post(f"{response.headers['location']}/replan", headers=headers)

        assert again.status_code == 409
        assert "being made" in again.json()["detail"]
