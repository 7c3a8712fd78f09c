"""The demo's rosters: physician and nurse on call around the clock for the infection clinic,
the medical clinic, the mobile team and both municipalities' home health care, for weeks
ahead (the weekly pattern has no end date), and the demo's staff have phone and e-mail."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from samband import demo
from samband.kit.time import local_today, utcnow
from samband.models import Organisation, User
from samband.oncall import rules, service

ROSTERED = ("INF-FALUN", "MED-FALUN", "NSV-TEAM", "HSV-FALUN", "HSV-BORLANGE")


def test_the_demo_has_no_gap_in_its_rosters_over_the_coming_weeks(session: Session) -> None:
    """The directory and its rosters as the demo makes them (the rest of the demo, the
    patients, needs neither)."""
    directory = demo._directory(session)
    demo._rosters(session, directory)
    orgs = {o.code: o for o in session.scalars(select(Organisation)).all()}
    now = utcnow()
    for code in ROSTERED:
        organisation = orgs[code]
        for offset in (0, 21):  # this week, and three weeks on
            start = now + timedelta(days=offset)
            found = service.gaps(
                session, organisation_id=organisation.id, start=start, end=start + timedelta(days=7)
            )
            assert found == [], f"{code}: {found}"
        for unit in organisation.units:  # the units fall back to it
            assert not service.gaps(
                session, unit_id=unit.id, start=now, end=now + timedelta(days=7)
            ), unit.code
        covers = service.covering(session, organisation_id=organisation.id, at=now)
        assert [c.role for c in covers] == list(rules.ROLES)
        assert all(c.name and c.phone for c in covers), covers


def test_the_whole_demo_loads_with_its_rosters_and_staff_contacts(session: Session) -> None:
    assert demo.load(session)
    now = utcnow()
    inf = session.scalar(select(Organisation).where(Organisation.code == demo.MARKER))
    assert inf is not None
    assert not service.gaps(session, organisation_id=inf.id, start=now, end=now + timedelta(days=7))
    users = session.scalars(select(User)).all()
    anna = next(u for u in users if u.username == "lakare.anna")
    assert anna.email == "anna.lindqvist@example.se"
    assert all(u.phone and u.email for u in users if u.username in demo.CONTACTS)


def test_the_demos_plan_was_made_in_the_morning_whatever_the_hour(session: Session) -> None:
    """Loaded at any hour (CI in the afternoon), today's published plan routes the morning
    visits: it was planned as of 06:30, not as of now (which would leave 07:30 visits out)."""
    from samband.models import DayPlan

    assert demo.load(session)
    plan = session.scalars(select(DayPlan).where(DayPlan.date == local_today())).one()
    assert plan.published_at is not None
    stops = [stop for route in plan.solution["routes"] for stop in route["stops"]]
    assert len(stops) >= 4, plan.unassigned
    first = min(stop["start"] for stop in stops)  # "HH:MM"
    assert first < "08:30", first  # a 07:30–08:30 visit is on a route
