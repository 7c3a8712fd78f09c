"""Läkarbesök as pages: the centre's slots page (add, change, end, the day's bookings and
cancelling one), the patient page's link, booking from the patient's physician visits page,
and the planned reviews; Swedish by default, English on request."""

from __future__ import annotations

import re
from html import unescape

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.models import PhysicianReview, PhysicianSlot, SlotBooking, User, Visit
from tests.factories import auth
from tests.physicianvisits.world import add_slot, book, make_world, tomorrow


def login(client: TestClient, session: Session, user: User) -> None:
    client.cookies.set("samband_session", auth(session, user)["Authorization"][7:])


def field_error(html: str, name: str) -> str | None:
    match = re.search(rf'<p class="field-error" id="f-{re.escape(name)}-error">([^<]+)</p>', html)
    return unescape(match.group(1)) if match else None


def slot_form(**changes: str) -> dict[str, str]:
    form = {f"weekday_{d}": "on" for d in (1, 2, 3, 4, 5)}
    form |= {
        "physician_id": "",
        "start_time": "11:00",
        "end_time": "12:00",
        "book_by": "08:30",
        "capacity": "2",
        "visit_minutes": "30",
        "valid_from": tomorrow().isoformat(),
        "valid_to": "",
        "start_lat": "60.6068",
        "start_lon": "15.629",
    }
    form.update(changes)
    return form


class TestSlotsPage:
    def test_a_coordinator_adds_changes_and_ends_a_slot(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        login(client, session, w.coordinator)
        page = client.get("/physician-slots")
        assert page.status_code == 200
        assert "Läkartider för hembesök" in page.text
        assert 'href="/physician-slots"' in page.text  # in the navigation

        added = client.post(
            "/physician-slots",
            data=slot_form(physician_id=str(w.gp.id)),
            follow_redirects=False,
        )
        assert added.status_code == 303, added.text
        slot = session.scalars(select(PhysicianSlot)).one()
        assert (slot.weekdays, slot.physician_id, slot.start_lat) == (
            [1, 2, 3, 4, 5],
            w.gp.id,
            60.6068,
        )
        shown = unescape(client.get(added.headers["location"]).text)
        assert "Tiden är tillagd." in shown
        assert "mån tis ons tor fre 11:00–12:00" in shown
        assert w.gp.full_name in shown

        edit = client.get(f"/physician-slots/{slot.id}/edit")
        assert edit.status_code == 200
        assert 'value="11:00"' in edit.text
        saved = client.post(
            f"/physician-slots/{slot.id}", data=slot_form(end_time="12:30"), follow_redirects=False
        )
        assert saved.status_code == 303
        session.refresh(slot)
        assert (slot.end_time, slot.physician_id) == ("12:30", None)

        ended = client.post(
            f"/physician-slots/{slot.id}/deactivate", data={}, follow_redirects=False
        )
        assert ended.status_code == 303
        session.refresh(slot)
        assert slot.active is False

    def test_a_wrong_slot_is_shown_with_its_fields_in_swedish(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        login(client, session, w.gp)
        bad = slot_form(start_time="11.00", book_by="", capacity="0")
        for d in (1, 2, 3, 4, 5):
            bad.pop(f"weekday_{d}")
        response = client.post("/physician-slots", data=bad, follow_redirects=False)
        assert response.status_code == 422
        html = response.text
        assert field_error(html, "start_time") == "11.00 är ingen tid: skriv TT:MM, 00:00–23:59."
        assert field_error(html, "capacity") == "Antal besök per dag måste vara minst 1 (inte 0)."
        assert "Välj minst en veckodag." in unescape(html)
        assert "Rätta det som är markerat nedan." in unescape(html)
        assert session.scalars(select(PhysicianSlot)).all() == []

    def test_the_days_bookings_and_cancelling_one(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        slot = add_slot(client, session, w)
        booked = book(client, session, w, slot["id"], reason="Feber").json()
        login(client, session, w.coordinator)
        page = unescape(client.get(f"/physician-slots?date={tomorrow().isoformat()}").text)
        assert f"{w.patient.given_name} {w.patient.family_name}" in page
        assert "Feber" in page
        assert "11:00–12:00" in page
        cancelled = client.post(
            f"/slot-bookings/{booked['id']}/cancel", data={"back": "slots"}, follow_redirects=False
        )
        assert cancelled.status_code == 303
        assert cancelled.headers["location"].startswith(f"/physician-slots?date={tomorrow()}")
        booking = session.scalars(select(SlotBooking)).one()
        session.refresh(booking)
        assert booking.cancelled_at is not None

    def test_english(self, client: TestClient, session: Session) -> None:
        w = make_world(session)
        login(client, session, w.gp)
        client.cookies.set("samband_lang", "en")
        page = client.get("/physician-slots")
        assert "Physician home visit slots" in page.text
        assert "Add a slot" in page.text

    def test_a_nurse_may_not_manage_slots(self, client: TestClient, session: Session) -> None:
        w = make_world(session)
        login(client, session, w.nurse)
        assert client.get("/physician-slots").status_code == 403


class TestPatientPage:
    def test_the_patient_page_links_to_booking(self, client: TestClient, session: Session) -> None:
        w = make_world(session)
        login(client, session, w.nurse)
        page = client.get(f"/patients/{w.patient.id}")
        assert page.status_code == 200
        assert f'href="/patients/{w.patient.id}/physician-visits"' in page.text
        assert "Boka läkarbesök" in page.text

    def test_booking_a_slot_from_the_patients_page(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        slot = add_slot(client, session, w)
        login(client, session, w.nurse)
        page = unescape(client.get(f"/patients/{w.patient.id}/physician-visits").text)
        # the fixed physician's centre, tomorrow: the slot with its free places
        assert w.vc.name in page
        assert "11:00–12:00" in page
        assert "2 lediga" in page
        booked = client.post(
            f"/patients/{w.patient.id}/physician-visits",
            data={"slot_id": slot["id"], "date": tomorrow().isoformat(), "reason": "Sämre"},
            follow_redirects=False,
        )
        assert booked.status_code == 303, booked.text
        shown = unescape(client.get(booked.headers["location"]).text)
        assert "Läkarbesöket är bokat" in shown
        assert "1 lediga" in shown
        visit = session.scalars(select(Visit)).one()
        assert (visit.source, visit.date) == ("booking", tomorrow())

        again = client.post(
            f"/patients/{w.patient.id}/physician-visits",
            data={"slot_id": slot["id"], "date": tomorrow().isoformat(), "reason": ""},
            follow_redirects=False,
        )
        assert again.status_code == 409
        assert "Patienten är redan bokad på den här tiden" in unescape(again.text)

    def test_planning_a_medication_review(self, client: TestClient, session: Session) -> None:
        w = make_world(session)
        login(client, session, w.nurse)
        first = tomorrow().isoformat()
        made = client.post(
            f"/patients/{w.patient.id}/physician-reviews",
            data={"kind": "medication_review", "interval_days": "180", "first_date": first},
            follow_redirects=False,
        )
        assert made.status_code == 303, made.text
        page = unescape(client.get(made.headers["location"]).text)
        assert "Läkemedelsgenomgång" in page
        assert "var 180:e dag" in page
        assert f"nästa {first}" in page
        review = session.scalars(select(PhysicianReview)).one()
        wrong = client.post(
            f"/patients/{w.patient.id}/physician-reviews",
            data={"kind": "medication_review", "interval_days": "0", "first_date": first},
            follow_redirects=False,
        )
        assert wrong.status_code == 422
        ended = client.post(
            f"/physician-reviews/{review.id}/deactivate", data={}, follow_redirects=False
        )
        assert ended.status_code == 303
        session.refresh(review)
        assert review.active is False

    def test_a_reader_who_does_not_book_sees_no_booking_form(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        add_slot(client, session, w)
        login(client, session, w.pharmacist)
        page = client.get(f"/patients/{w.patient.id}/physician-visits")
        assert page.status_code == 200
        assert 'action="/patients/' not in page.text
