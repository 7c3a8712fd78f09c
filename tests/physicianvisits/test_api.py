"""Physician visit slots and bookings through the API: who may offer and read slots, every
refusal of a booking with its problem, the visit and the shift a booking makes, cancelling."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.enrolments import service as enrolments
from samband.enrolments.schemas import EnrolmentCreate
from samband.kit.errors import Conflict
from samband.kit.time import as_utc
from samband.models import (
    EpisodeEvent,
    EpisodeParticipant,
    Notification,
    Patient,
    SlotBooking,
    StaffShift,
    Visit,
)
from samband.physicianvisits import service
from tests.factories import (
    auth,
    make_episode_at_home,
    make_organisation,
    make_patient,
    make_unit,
)
from tests.physicianvisits.world import (
    API,
    CENTRE,
    World,
    add_slot,
    as_id,
    book,
    ctx_of,
    local,
    log_rows,
    make_world,
    slot_body,
    tomorrow,
)


@pytest.fixture
def w(session: Session) -> World:
    return make_world(session)


def enrolled(session: Session, w: World, *, consent: bool = True) -> Patient:
    """Another patient of the centre, enrolled in HSV's home health care."""
    patient = make_patient(
        session,
        registered_by=w.nurse,
        listed_primary_care_id=w.vc.id,
        latitude=60.60,
        longitude=15.63,
    )
    enrolments.enrol(
        ctx_of(session, w.nurse),
        patient.id,
        EnrolmentCreate(shared_records_consent=consent),
    )
    session.flush()
    return patient


def visit_of(session: Session, booked: dict[str, Any]) -> Visit:
    visit = session.get(Visit, as_id(booked["visit_id"]))
    assert visit is not None
    session.refresh(visit)
    return visit


def refused(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    return body


class TestSlots:
    def test_a_physician_offers_a_slot_of_their_centre(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        slot = add_slot(client, session, w)
        assert slot["organisation_id"] == str(w.vc.id)
        assert slot["physician_name"] == w.gp.full_name
        assert (slot["start_time"], slot["end_time"], slot["book_by"]) == (
            "11:00",
            "12:00",
            "08:30",
        )
        assert slot["start_location"] == {"lat": CENTRE[0], "lon": CENTRE[1]}
        by_coordinator = client.post(
            f"{API}/physician-slots",
            json=slot_body(w, physician_id=None),
            headers=auth(session, w.coordinator),
        )
        assert by_coordinator.status_code == 201, by_coordinator.text
        assert by_coordinator.json()["physician_id"] is None

    @pytest.mark.parametrize("who", ["nurse", "pharmacist"])
    def test_a_role_that_does_not_manage_slots_is_refused(
        self, client: TestClient, session: Session, w: World, who: str
    ) -> None:
        response = client.post(
            f"{API}/physician-slots", json=slot_body(w), headers=auth(session, getattr(w, who))
        )
        assert response.status_code == 403, response.text

    def test_every_problem_is_answered_at_once_with_its_field(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        body = slot_body(
            w,
            weekdays=[0, 3],
            start_time="11.00",
            end_time="10:00",
            book_by="09:00",
            capacity=0,
            physician_id=str(w.other_gp.id),
        )
        response = client.post(f"{API}/physician-slots", json=body, headers=auth(session, w.gp))
        found = refused(response, 422, "physicianvisit.weekday_invalid")
        problems = {(p["code"], p.get("field")) for p in found["problems"]}
        assert problems == {
            ("physicianvisit.weekday_invalid", "weekdays[0]"),
            ("physicianvisit.clock_invalid", "start_time"),
            ("physicianvisit.capacity_too_small", "capacity"),
            ("physicianvisit.not_a_physician_here", "physician_id"),
        }
        assert "HH:MM" in next(
            p["detail"] for p in found["problems"] if p["code"] == "physicianvisit.clock_invalid"
        )
        order = client.post(
            f"{API}/physician-slots",
            json=slot_body(w, end_time="10:00", book_by="11:30"),
            headers=auth(session, w.gp),
        )
        found = refused(order, 422, "physicianvisit.end_not_after_start")
        assert [p["code"] for p in found["problems"]] == [
            "physicianvisit.end_not_after_start",
            "physicianvisit.book_by_after_start",
        ]

    def test_only_the_own_organisation_changes_a_slot(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        slot = add_slot(client, session, w)
        path = f"{API}/physician-slots/{slot['id']}"
        other = client.put(path, json=slot_body(w), headers=auth(session, w.other_gp))
        refused(other, 404, "common.not_visible")
        assert log_rows(session, w.other_gp, resource_type="physician_slot", allowed=False)
        changed = client.put(
            path,
            json=slot_body(w, end_time="12:30", capacity=3),
            headers=auth(session, w.coordinator),
        )
        assert changed.status_code == 200, changed.text
        assert (changed.json()["end_time"], changed.json()["capacity"]) == ("12:30", 3)
        assert client.delete(path, headers=auth(session, w.other_gp)).status_code == 404
        ended = client.delete(path, headers=auth(session, w.gp))
        assert ended.status_code == 200
        assert ended.json()["active"] is False

    def test_anyone_who_books_reads_any_centres_slots_but_not_the_ended_ones(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        kept = add_slot(client, session, w)
        gone = add_slot(client, session, w, start_time="14:00", end_time="15:00")
        client.delete(f"{API}/physician-slots/{gone['id']}", headers=auth(session, w.gp))
        listed = client.get(
            f"{API}/physician-slots",
            params={"organisation_id": str(w.vc.id), "include_inactive": "true"},
            headers=auth(session, w.nurse),
        )
        assert listed.status_code == 200
        assert [s["id"] for s in listed.json()] == [kept["id"]]
        own = client.get(
            f"{API}/physician-slots",
            params={"include_inactive": "true"},
            headers=auth(session, w.coordinator),
        )
        assert {s["id"] for s in own.json()} == {kept["id"], gone["id"]}
        assert (
            client.get(f"{API}/physician-slots", headers=auth(session, w.pharmacist)).status_code
            == 403
        )

    def test_available_says_free_places_and_whether_booking_is_open(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        slot = add_slot(client, session, w)
        assert book(client, session, w, slot["id"]).status_code == 201
        answer = client.get(
            f"{API}/physician-slots/available",
            params={"date": tomorrow().isoformat(), "organisation_id": str(w.vc.id)},
            headers=auth(session, w.nurse),
        )
        assert answer.status_code == 200, answer.text
        (only,) = answer.json()
        assert (only["booked"], only["free"], only["open"], only["bookable"]) == (1, 1, True, True)
        # the same slot seen at 08:31 on the day: closed (the service takes the moment)
        day = tomorrow()
        late = service.available(ctx_of(session, w.nurse), day, w.vc.id, now=local(day, 8, 31))
        assert [(a.open, a.free, a.bookable) for a in late] == [(False, 1, False)]
        early = service.available(ctx_of(session, w.nurse), day, w.vc.id, now=local(day, 8, 30))
        assert [a.open for a in early] == [True]

    def test_a_slot_not_offered_that_day_is_not_available(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        other_day = tomorrow().isoweekday() % 7 + 1
        add_slot(client, session, w, weekdays=[other_day])
        answer = client.get(
            f"{API}/physician-slots/available",
            params={"date": tomorrow().isoformat(), "organisation_id": str(w.vc.id)},
            headers=auth(session, w.nurse),
        )
        assert answer.json() == []


class TestBooking:
    def test_a_booking_makes_a_physician_visit_on_the_enrolment_and_a_shift(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        slot = add_slot(client, session, w)
        response = book(client, session, w, slot["id"], reason="Feber och förvirring")
        assert response.status_code == 201, response.text
        booked = response.json()
        assert booked["window_local"] == ["11:00", "12:00"]
        assert booked["physician_id"] == str(w.gp.id)
        visit = visit_of(session, booked)
        day = tomorrow()
        assert visit.episode_id == w.enrolment.id
        assert (visit.role, visit.source, visit.priority, visit.status) == (
            "physician",
            "booking",
            2,
            "planned",
        )
        assert visit.what == "Physician home visit (booked)"
        assert as_utc(visit.window_start) == local(day, 11)
        assert as_utc(visit.window_end) == local(day, 12)
        assert visit.duration_min == 30
        assert (visit.organisation_id, visit.organisation_kind) == (w.vc.id, "primary_care_centre")
        assert visit.requested_user_id == w.gp.id
        stored = session.scalars(select(SlotBooking)).one()
        assert (stored.reason, stored.booked_by_id, stored.date) == (
            "Feber och förvirring",
            w.nurse.id,
            day,
        )
        shift = session.scalars(
            select(StaffShift).where(StaffShift.user_id == w.gp.id, StaffShift.date == day)
        ).one()
        assert (as_utc(shift.start), as_utc(shift.end)) == (local(day, 10, 30), local(day, 13))
        assert (shift.start_lat, shift.start_lon) == CENTRE
        assert shift.organisation_id == w.vc.id
        told = session.scalars(select(Notification).where(Notification.user_id == w.gp.id)).all()
        assert [n.kind for n in told] == ["physician_visit_booked"]
        assert w.patient.family_name not in str(told[0].params)
        rows = log_rows(session, w.nurse, patient_id=w.patient.id, resource_type="slot_booking")
        assert [(r.action, r.allowed) for r in rows] == [("create", True)]

    def test_the_hospital_at_home_episode_is_preferred_to_the_enrolment(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        clinic = make_organisation(
            session, kind="hospital_clinic", authority_name="Region Testland"
        )
        ward = make_unit(session, clinic)
        episode = make_episode_at_home(session, w.patient, unit=ward, home_care=w.hsv)
        episode.shared_records_consent = True
        session.flush()
        slot = add_slot(client, session, w)
        response = book(client, session, w, slot["id"])
        assert response.status_code == 201, response.text
        assert visit_of(session, response.json()).episode_id == episode.id
        # the centre takes part in the episode now, as a care request's receiver would
        role = session.scalar(
            select(EpisodeParticipant.role).where(
                EpisodeParticipant.episode_id == episode.id,
                EpisodeParticipant.organisation_id == w.vc.id,
            )
        )
        assert role == "primary_care"
        assert session.scalars(
            select(EpisodeEvent).where(
                EpisodeEvent.episode_id == episode.id, EpisodeEvent.kind == "participant.added"
            )
        ).all()

    def test_an_outsider_gets_404_and_a_log_row(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        slot = add_slot(client, session, w)
        response = book(client, session, w, slot["id"], by=w.outsider)
        refused(response, 404, "common.not_visible")
        assert w.patient.family_name not in response.text
        rows = log_rows(session, w.outsider, patient_id=w.patient.id, allowed=False)
        assert [r.resource_type for r in rows] == ["slot_booking"]
        assert session.scalars(select(Visit)).all() == []

    def test_a_wrong_role_gets_403(self, client: TestClient, session: Session, w: World) -> None:
        slot = add_slot(client, session, w)
        refused(book(client, session, w, slot["id"], by=w.pharmacist), 403, "forbidden")

    def test_a_day_the_slot_is_not_offered_is_refused(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        other_day = tomorrow().isoweekday() % 7 + 1
        slot = add_slot(client, session, w, weekdays=[other_day])
        found = refused(book(client, session, w, slot["id"]), 422, "physicianvisit.not_on_weekday")
        assert found["field"] == "date"
        later = add_slot(
            client, session, w, valid_from=(tomorrow() + timedelta(days=1)).isoformat()
        )
        refused(book(client, session, w, later["id"]), 422, "physicianvisit.outside_validity")

    def test_booking_closes_at_book_by_and_a_past_date_is_closed(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        slot = add_slot(client, session, w)
        day, ctx = tomorrow(), ctx_of(session, w.nurse)
        args = {"slot_id": as_id(slot["id"]), "date": day, "patient_id": w.patient.id}
        with pytest.raises(Conflict) as closed:
            service.book(ctx, **args, now=local(day, 8, 31))
        assert closed.value.code == "physicianvisit.booking_closed"
        assert "08:30" in closed.value.text("sv")
        with pytest.raises(Conflict) as past:
            service.book(ctx, **args, now=local(day + timedelta(days=1), 7))
        assert past.value.code == "physicianvisit.date_past"
        made = service.book(ctx, **args, now=local(day, 8, 30))
        assert made.date == day

    def test_a_full_slot_and_a_second_booking_of_the_patient_are_refused(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        slot = add_slot(client, session, w, capacity=2)
        assert book(client, session, w, slot["id"]).status_code == 201
        refused(book(client, session, w, slot["id"]), 409, "physicianvisit.already_booked")
        second = enrolled(session, w)
        assert book(client, session, w, slot["id"], patient=second).status_code == 201
        third = enrolled(session, w)
        found = refused(
            book(client, session, w, slot["id"], patient=third), 409, "physicianvisit.slot_full"
        )
        assert found["params"]["capacity"] == 2

    def test_no_care_at_home_and_no_consent_are_refused(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        slot = add_slot(client, session, w)
        registered = make_patient(session, registered_by=w.nurse, latitude=60.6, longitude=15.6)
        refused(
            book(client, session, w, slot["id"], patient=registered),
            409,
            "physicianvisit.no_care_at_home",
        )
        no_consent = enrolled(session, w, consent=False)
        found = refused(
            book(client, session, w, slot["id"], patient=no_consent),
            409,
            "physicianvisit.no_shared_records_consent",
        )
        assert found["params"]["organisation"] == w.vc.name

    def test_an_ended_slot_is_refused(self, client: TestClient, session: Session, w: World) -> None:
        slot = add_slot(client, session, w)
        client.delete(f"{API}/physician-slots/{slot['id']}", headers=auth(session, w.gp))
        refused(book(client, session, w, slot["id"]), 409, "physicianvisit.slot_inactive")

    def test_a_shift_the_physician_has_is_widened_to_cover_the_slot(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        day = tomorrow()
        session.add(
            StaffShift(
                user_id=w.gp.id,
                organisation_id=w.vc.id,
                date=day,
                start=local(day, 13),
                end=local(day, 17),
                start_lat=1.0,
                start_lon=2.0,
                end_lat=1.0,
                end_lon=2.0,
                created_by_id=w.coordinator.id,
            )
        )
        session.flush()
        slot = add_slot(client, session, w)
        assert book(client, session, w, slot["id"]).status_code == 201
        shift = session.scalars(select(StaffShift).where(StaffShift.user_id == w.gp.id)).one()
        session.refresh(shift)
        assert (as_utc(shift.start), as_utc(shift.end)) == (local(day, 10, 30), local(day, 17))
        assert (shift.start_lat, shift.start_lon) == (1.0, 2.0)

    def test_a_centre_slot_asks_for_the_fixed_physician_when_they_work_there(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        slot = add_slot(client, session, w, physician_id=None, start_location=None)
        response = book(client, session, w, slot["id"])
        assert response.status_code == 201, response.text
        assert response.json()["physician_id"] == str(w.gp.id)
        # no place on the slot and no earlier shift: the shift sets out from the patient's home
        shift = session.scalars(select(StaffShift).where(StaffShift.user_id == w.gp.id)).one()
        assert (shift.start_lat, shift.start_lon) == (w.patient.latitude, w.patient.longitude)

    def test_a_centre_slot_elsewhere_asks_for_nobody_and_makes_no_shift(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        made = client.post(
            f"{API}/physician-slots",
            json=slot_body(w, physician_id=None),
            headers=auth(session, w.other_gp),
        )
        assert made.status_code == 201
        response = book(client, session, w, made.json()["id"])
        assert response.status_code == 201, response.text
        assert response.json()["physician_id"] is None
        assert session.scalars(select(StaffShift)).all() == []
        # the other centre takes part in the enrolment now
        assert (
            session.scalar(
                select(EpisodeParticipant.role).where(
                    EpisodeParticipant.episode_id == w.enrolment.id,
                    EpisodeParticipant.organisation_id == w.other_vc.id,
                )
            )
            == "primary_care"
        )

    def test_a_request_of_another_patient_is_refused(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        slot = add_slot(client, session, w)
        response = book(client, session, w, slot["id"], request_id=str(w.enrolment.id))
        refused(response, 422, "physicianvisit.request_not_of_patient")


class TestCancelling:
    def test_cancelling_frees_the_place_and_cancels_the_visit(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        slot = add_slot(client, session, w, capacity=1)
        booked = book(client, session, w, slot["id"]).json()
        path = f"{API}/slot-bookings/{booked['id']}/cancel"
        refused(client.post(path, headers=auth(session, w.outsider)), 404, "common.not_visible")
        cancelled = client.post(path, headers=auth(session, w.coordinator))
        assert cancelled.status_code == 200, cancelled.text
        assert cancelled.json()["cancelled_at"] is not None
        assert cancelled.json()["visit_status"] == "cancelled"
        visit = visit_of(session, booked)
        assert visit.status == "cancelled"
        assert visit.history[-1]["to"] == "cancelled"
        refused(
            client.post(path, headers=auth(session, w.nurse)),
            409,
            "physicianvisit.already_cancelled",
        )
        again = book(client, session, w, slot["id"])
        assert again.status_code == 201, again.text
        told = session.scalars(select(Notification.kind).where(Notification.user_id == w.gp.id))
        assert sorted(told) == [
            "physician_visit_booked",
            "physician_visit_booked",
            "physician_visit_cancelled",
        ]

    def test_a_visit_under_way_is_not_cancelled(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        slot = add_slot(client, session, w)
        booked = book(client, session, w, slot["id"]).json()
        visit = visit_of(session, booked)
        visit.status = "started"
        session.flush()
        refused(
            client.post(
                f"{API}/slot-bookings/{booked['id']}/cancel", headers=auth(session, w.nurse)
            ),
            409,
            "physicianvisit.visit_under_way",
        )

    def test_the_lists_of_bookings(self, client: TestClient, session: Session, w: World) -> None:
        slot = add_slot(client, session, w)
        booked = book(client, session, w, slot["id"]).json()
        day = client.get(
            f"{API}/slot-bookings",
            params={"date": tomorrow().isoformat()},
            headers=auth(session, w.coordinator),
        )
        assert [b["id"] for b in day.json()] == [booked["id"]]
        assert (
            client.get(
                f"{API}/slot-bookings",
                params={"date": tomorrow().isoformat()},
                headers=auth(session, w.nurse),
            ).status_code
            == 403
        )
        mine = client.get(
            f"{API}/patients/{w.patient.id}/slot-bookings", headers=auth(session, w.nurse)
        )
        assert [b["id"] for b in mine.json()] == [booked["id"]]
        outsider = client.get(
            f"{API}/patients/{w.patient.id}/slot-bookings", headers=auth(session, w.outsider)
        )
        assert outsider.status_code == 404
