"""With the demo: Ivar Strand's slot (Monday–Friday 11–12, bookable until 08:30) is booked by
the home health care nurse for Astrid Nordin on the next weekday, and the centre's day plan of
that date (made by Ivar, solved with the real PyVRP) routes him to her inside 11–12; Astrid's
medication review is planned."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from samband import demo
from samband.kit.time import local_today
from samband.models import Organisation, Patient, PhysicianReview, PhysicianSlot, User
from samband.physicianvisits import service
from samband.visits import dayplans
from samband.visits.schemas import DayPlanCreate
from tests.physicianvisits.world import ctx_of


def next_weekday() -> date:
    day = local_today() + timedelta(days=1)
    while day.isoweekday() > 5:
        day += timedelta(days=1)
    return day


def test_a_booked_demo_slot_is_in_the_next_days_plan(session: Session) -> None:
    assert demo.load(session)
    users = {u.username: u for u in session.scalars(select(User))}
    ivar, eva = users["vc.ivar"], users["hsv.eva"]
    centre = session.scalars(select(Organisation).where(Organisation.code == "VC-NORRA")).one()
    (slot,) = session.scalars(select(PhysicianSlot)).all()
    assert (slot.organisation_id, slot.physician_id, slot.weekdays) == (
        centre.id,
        ivar.id,
        [1, 2, 3, 4, 5],
    )
    assert (slot.start_time, slot.end_time, slot.book_by) == ("11:00", "12:00", "08:30")
    astrid = session.scalars(select(Patient).where(Patient.family_name == "Nordin")).one()
    (review,) = session.scalars(select(PhysicianReview)).all()
    assert (review.patient_id, review.kind) == (astrid.id, "medication_review")

    day = next_weekday()
    booking = service.book(ctx_of(session, eva), slot_id=slot.id, date=day, patient_id=astrid.id)

    planner = ctx_of(session, ivar)
    made = dayplans.create_day_plan(planner, DayPlanCreate(date=day), seconds=1.0)
    plan = dayplans.solve_now(planner, made.plan.id)
    stops = [(r.staff_id, s) for r in plan.routes for s in r.stops]
    ((staff, stop),) = [(who, s) for who, s in stops if s.visit.id == booking.visit_id]
    assert staff == ivar.id
    assert "11:00" <= stop.start <= "12:00"
