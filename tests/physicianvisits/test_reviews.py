"""Planned regular physician visits and medication reviews: written through the API, made into
visits when the date's visits are made (POST /visits/generate), once a date, moving on by the
interval; changed and ended."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.enrolments import service as enrolments
from samband.enrolments.schemas import EnrolmentCreate, EnrolmentEnd
from samband.kit.time import as_utc, local_today
from samband.models import PhysicianReview, User, Visit
from tests.factories import auth, make_patient
from tests.physicianvisits.world import API, World, as_id, ctx_of, local, log_rows, make_world


@pytest.fixture
def w(session: Session) -> World:
    return make_world(session)


def plan_review(
    client: TestClient, session: Session, w: World, *, by: User | None = None, **changes: Any
) -> Any:
    body: dict[str, Any] = {
        "kind": "medication_review",
        "interval_days": 90,
        "first_date": (local_today() + timedelta(days=2)).isoformat(),
        "duration_min": 40,
        "note": "Se över blodtryckssänkande",
    }
    body.update(changes)
    return client.post(
        f"{API}/patients/{w.patient.id}/physician-reviews",
        json=body,
        headers=auth(session, by or w.nurse),
    )


def generate(client: TestClient, session: Session, w: World, day: date) -> dict[str, Any]:
    response = client.post(
        f"{API}/visits/generate",
        json={"date": day.isoformat()},
        headers=auth(session, w.coordinator),
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def review_visits(session: Session) -> list[Visit]:
    return list(session.scalars(select(Visit).where(Visit.source == "review").order_by(Visit.date)))


class TestWriting:
    def test_a_nurse_plans_a_medication_review_for_the_fixed_physician(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        response = plan_review(client, session, w)
        assert response.status_code == 201, response.text
        made = response.json()
        assert made["organisation_id"] == str(w.vc.id)
        assert made["physician_id"] is None  # the fixed physician at the time
        assert made["next_due"] == (local_today() + timedelta(days=2)).isoformat()
        assert (made["interval_days"], made["duration_min"], made["active"]) == (90, 40, True)
        listed = client.get(
            f"{API}/patients/{w.patient.id}/physician-reviews", headers=auth(session, w.gp)
        )
        assert [r["id"] for r in listed.json()] == [made["id"]]

    def test_refusals(self, client: TestClient, session: Session, w: World) -> None:
        past = plan_review(
            client, session, w, first_date=(local_today() - timedelta(1)).isoformat()
        )
        assert past.json()["code"] == "physicianvisit.first_date_past"
        not_physician = plan_review(client, session, w, physician_id=str(w.coordinator.id))
        assert not_physician.json()["code"] == "physicianvisit.not_a_physician"
        assert plan_review(client, session, w, by=w.pharmacist).status_code == 403
        outsider = plan_review(client, session, w, by=w.outsider)
        assert outsider.status_code == 404
        assert log_rows(session, w.outsider, patient_id=w.patient.id, allowed=False)
        nobody = make_patient(session, registered_by=w.nurse)
        response = client.post(
            f"{API}/patients/{nobody.id}/physician-reviews",
            json={
                "kind": "regular_visit",
                "interval_days": 30,
                "first_date": local_today().isoformat(),
            },
            headers=auth(session, w.nurse),
        )
        assert response.status_code == 422
        assert response.json()["code"] == "physicianvisit.no_physician"

    def test_changing_and_ending(self, client: TestClient, session: Session, w: World) -> None:
        review = plan_review(client, session, w, physician_id=str(w.gp2.id)).json()
        path = f"{API}/physician-reviews/{review['id']}"
        changed = client.put(
            path, json={"interval_days": 30, "note": None}, headers=auth(session, w.nurse)
        )
        assert changed.status_code == 200, changed.text
        assert (changed.json()["interval_days"], changed.json()["note"]) == (30, None)
        assert changed.json()["physician_id"] == str(w.gp2.id)
        assert (
            client.put(
                path, json={"interval_days": 7}, headers=auth(session, w.outsider)
            ).status_code
            == 404
        )
        ended = client.delete(path, headers=auth(session, w.nurse))
        assert ended.status_code == 200
        assert ended.json()["active"] is False


class TestMakingVisits:
    def test_a_due_review_makes_one_visit_and_moves_on(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        review = plan_review(client, session, w).json()
        due = local_today() + timedelta(days=2)
        assert generate(client, session, w, due - timedelta(days=1))["created"] == 0

        first = generate(client, session, w, due)

        assert first["created"] == 1
        (visit,) = review_visits(session)
        assert (visit.date, visit.role, visit.source, visit.what) == (
            due,
            "physician",
            "review",
            "Medication review",
        )
        assert (visit.duration_min, visit.organisation_id, visit.episode_id) == (
            40,
            w.vc.id,
            w.enrolment.id,
        )
        assert visit.requested_user_id == w.gp.id  # the fixed physician
        assert (as_utc(visit.window_start), as_utc(visit.window_end)) == (
            local(due, 8),
            local(due, 16),
        )
        assert str(visit.id) in {v["id"] for v in first["visits"]}
        stored = session.get(PhysicianReview, as_id(review["id"]))
        assert stored is not None
        session.refresh(stored)
        assert stored.next_due == due + timedelta(days=90)
        assert stored.made == [{"date": due.isoformat(), "visit": str(visit.id)}]

        # made again: the same single visit
        again = generate(client, session, w, due)
        assert again["created"] == 0
        assert len(review_visits(session)) == 1

        # the next one is due 90 days later
        later = generate(client, session, w, due + timedelta(days=90))
        assert later["created"] == 1
        assert [v.date for v in review_visits(session)] == [due, due + timedelta(days=90)]

    def test_a_late_making_makes_the_visit_that_day(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        plan_review(client, session, w, first_date=local_today().isoformat(), interval_days=14)
        late = local_today() + timedelta(days=3)
        assert generate(client, session, w, late)["created"] == 1
        (stored,) = session.scalars(select(PhysicianReview)).all()
        assert stored.next_due == late + timedelta(days=14)

    def test_only_the_reviews_organisation_makes_them(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        plan_review(client, session, w, first_date=local_today().isoformat())
        home = client.post(
            f"{API}/visits/generate",
            json={"date": local_today().isoformat()},
            headers=auth(session, w.nurse),
        )
        assert home.status_code == 200
        assert review_visits(session) == []

    def test_no_visit_while_the_patient_is_not_cared_for_at_home(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        review = plan_review(client, session, w, first_date=local_today().isoformat()).json()
        enrolments.end(
            ctx_of(session, w.nurse), w.enrolment.id, EnrolmentEnd(reason="no_longer_needed")
        )
        assert generate(client, session, w, local_today())["created"] == 0
        stored = session.get(PhysicianReview, as_id(review["id"]))
        assert stored is not None
        assert stored.next_due == local_today()  # it waits
        enrolments.enrol(
            ctx_of(session, w.nurse), w.patient.id, EnrolmentCreate(shared_records_consent=True)
        )
        assert generate(client, session, w, local_today())["created"] == 1

    def test_ending_a_review_cancels_its_visits_to_come(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        review = plan_review(client, session, w).json()
        due = local_today() + timedelta(days=2)
        generate(client, session, w, due)
        ended = client.delete(
            f"{API}/physician-reviews/{review['id']}", headers=auth(session, w.nurse)
        )
        assert ended.status_code == 200
        (visit,) = review_visits(session)
        session.refresh(visit)
        assert visit.status == "cancelled"
        assert generate(client, session, w, due + timedelta(days=90))["created"] == 0
