"""A booked slot appears in the next day's plan: booked for tomorrow, tomorrow's day plan of the
slot's centre (solved with the real PyVRP, one second) routes the visit to the slot's physician
inside 11–12, even when the patient's fixed physician works that day too; publishing assigns
it; cancelling the booking marks the published plan out of date."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.models import DayPlan, Notification, StaffShift, Visit
from tests.factories import auth
from tests.physicianvisits.world import (
    API,
    CENTRE,
    World,
    add_slot,
    book,
    local,
    make_world,
    tomorrow,
)
from tests.visits.solving import solved


def _shift(session: Session, w: World, user_id: uuid.UUID) -> None:
    """A whole working day at the centre."""
    day = tomorrow()
    session.add(
        StaffShift(
            user_id=user_id,
            organisation_id=w.vc.id,
            date=day,
            start=local(day, 8),
            end=local(day, 16),
            start_lat=CENTRE[0],
            start_lon=CENTRE[1],
            end_lat=CENTRE[0],
            end_lon=CENTRE[1],
            created_by_id=w.coordinator.id,
        )
    )
    session.flush()


def _plan(client: TestClient, session: Session, w: World) -> dict[str, Any]:
    headers = auth(session, w.coordinator)
    response = client.post(
        f"{API}/day-plans?seconds=1", json={"date": tomorrow().isoformat()}, headers=headers
    )
    return solved(client, response, headers)


def _stop(plan: dict[str, Any], visit_id: str) -> tuple[str, dict[str, Any]]:
    for route in plan["routes"]:
        for stop in route["stops"]:
            if stop["visit"] == visit_id:
                return route["staff"], stop
    raise AssertionError(f"visit {visit_id} not routed: {plan['unassigned']}")


class TestBookedSlotInTheDayPlan:
    def test_the_booked_visit_is_routed_to_the_slots_physician_inside_its_window(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        # the fixed physician (w.gp) works all day too: the booking asks for w.gp2 by name
        _shift(session, w, w.gp.id)
        slot = add_slot(client, session, w, physician_id=str(w.gp2.id))
        booked = book(client, session, w, slot["id"], reason="Andfådd, feber")
        assert booked.status_code == 201, booked.text
        visit_id = booked.json()["visit_id"]
        # the booking made w.gp2 available: a shift around the slot's window
        made = session.scalars(select(StaffShift).where(StaffShift.user_id == w.gp2.id)).one()
        assert made.date == tomorrow()

        plan = _plan(client, session, w)

        assert plan["organisation_ids"] == [str(w.vc.id)]
        staff, stop = _stop(plan, visit_id)
        assert staff == str(w.gp2.id)
        assert "11:00" <= stop["start"] <= "12:00"
        stored = session.get(DayPlan, uuid.UUID(plan["id"]))
        assert stored is not None
        session.refresh(stored)
        (asked,) = [v for v in stored.problem["visits"] if v["id"] == visit_id]
        assert asked["preferred_staff"] == [str(w.gp2.id)]
        assert asked["window"] == ["11:00", "12:00"]
        assert "physician" in asked["skills"]

        published = client.post(
            f"{API}/day-plans/{plan['id']}/publish", headers=auth(session, w.coordinator)
        )
        assert published.status_code == 200, published.text
        visit = session.get(Visit, uuid.UUID(visit_id))
        assert visit is not None
        session.refresh(visit)
        assert (visit.status, visit.assigned_user_id) == ("assigned", w.gp2.id)

        cancelled = client.post(
            f"{API}/slot-bookings/{booked.json()['id']}/cancel", headers=auth(session, w.nurse)
        )
        assert cancelled.status_code == 200, cancelled.text
        again = client.get(f"{API}/day-plans/{plan['id']}", headers=auth(session, w.coordinator))
        assert again.json()["out_of_date"] is True
        session.refresh(stored)
        assert [r["cause"] for r in stored.out_of_date_reasons] == ["booking_cancelled"]
        told = session.scalars(
            select(Notification.kind).where(Notification.user_id == w.gp2.id)
        ).all()
        assert "plan_out_of_date" in told

    def test_a_centre_slot_goes_to_the_fixed_physician(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        _shift(session, w, w.gp2.id)
        slot = add_slot(client, session, w, physician_id=None)
        booked = book(client, session, w, slot["id"])
        assert booked.status_code == 201, booked.text

        plan = _plan(client, session, w)

        staff, stop = _stop(plan, booked.json()["visit_id"])
        assert staff == str(w.gp.id)
        assert "11:00" <= stop["start"] <= "12:00"
