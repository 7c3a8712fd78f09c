"""The day plan's pages (web/dayplan.py): plan the day, publish, re-plan, the routes as
lists and as an SVG map, the visits left out with their reasons in Swedish, the visit status
buttons, the printed day sheets, and what another organisation sees (nothing: 404).

The day is solved with the real PyVRP, with a short time limit."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from samband.jobs.queue import run_pending
from samband.models import AuditEvent, DayPlan, Organisation, Patient, User, Visit
from samband.visits import dayplans
from samband.visits import service as visit_service
from samband.web import dayplan
from tests.factories import (
    auth,
    make_municipality,
    make_patient_at_home,
    make_user,
)

DAY = date(2030, 3, 6)  # a Wednesday, day 3 of the episode: IV x3, PICC care, samples
FALUN = {"lat": 60.6065, "lon": 15.6355}
VISITS_PER_PATIENT = 5


@dataclass
class World:
    municipality: Organisation
    planner: User
    iv_nurse: User
    nurse: User  # no iv_therapy
    assistant: User
    outsider: User
    patients: list[Patient]


@pytest.fixture(autouse=True)
def _quick_solver(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dayplan, "SOLVE_SECONDS", 0.3)
    # DAY is "today": a visit is started on its own date
    monkeypatch.setattr(visit_service, "local_today", lambda: DAY)
    monkeypatch.setattr(dayplans, "local_today", lambda: DAY)


def _at_home(session: Session, municipality: Organisation, **patient: Any) -> Patient:
    since = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)  # DAY is the episode's day 3
    return make_patient_at_home(session, municipality, since=since, **patient).patient


@pytest.fixture
def world(session: Session) -> World:
    municipality = make_municipality(session)
    kim = _at_home(
        session,
        municipality,
        given_name="Kim",
        family_name="Sandberg",
        street_address="Åsgatan 12",
        postal_code="791 71",
        city="Falun",
        latitude=60.6065,
        longitude=15.6355,
    )
    sven = _at_home(
        session,
        municipality,
        given_name="Sven",
        family_name="Håkansson",
        street_address="Slättagatan 14",
        city="Falun",
        latitude=60.6150,
        longitude=15.6010,
    )
    other = make_municipality(session)
    return World(
        municipality=municipality,
        planner=make_user(session, municipality, role="registered_nurse"),
        iv_nurse=make_user(session, municipality, skills=["iv_therapy", "picc_care", "sampling"]),
        nurse=make_user(session, municipality, skills=["picc_care", "sampling"]),
        assistant=make_user(session, municipality, role="assistant_nurse"),
        outsider=make_user(session, other, role="registered_nurse"),
        patients=[kim, sven],
    )


def login(client: TestClient, session: Session, user: User) -> None:
    client.cookies.set("samband_session", auth(session, user)["Authorization"][7:])


def shift(client: TestClient, session: Session, w: World, user: User) -> None:
    response = client.post(
        "/api/v1/shifts",
        json={
            "user_id": str(user.id),
            "date": DAY.isoformat(),
            "start": "07:00",
            "end": "21:30",
            "start_location": FALUN,
        },
        headers=auth(session, w.planner),
    )
    assert response.status_code == 201, response.text


def plan_the_day(client: TestClient, session: Session, w: World) -> str:
    """Plan DAY from the page as the planner; the new plan's path."""
    login(client, session, w.planner)
    response = client.post("/day-plans", data={"date": DAY.isoformat()}, follow_redirects=False)
    assert response.status_code == 303, response.text
    location = str(response.headers["location"])
    assert re.fullmatch(r"/day-plans/[0-9a-f-]{36}\?notice=day_planning", location), location
    run_jobs(client)  # the solve is a job (decision 0015)
    return location.split("?")[0]


def run_jobs(client: TestClient) -> None:
    result = run_pending(client.app.state.sessionmaker)  # type: ignore[attr-defined]
    assert result.failed == 0, result.errors


def plan_json(client: TestClient, session: Session, w: World, path: str) -> dict[str, Any]:
    response = client.get(f"/api/v1{path}", headers=auth(session, w.planner))
    assert response.status_code == 200, response.text
    return dict(response.json())


def counts(session: Session) -> tuple[int, int]:
    return (
        session.scalar(select(func.count()).select_from(Visit)) or 0,
        session.scalar(select(func.count()).select_from(DayPlan)) or 0,
    )


@pytest.fixture
def planned(client: TestClient, session: Session, world: World) -> str:
    """DAY planned from the page with two nurses on shift (a draft); its path."""
    shift(client, session, world, world.iv_nurse)
    shift(client, session, world, world.nurse)
    return plan_the_day(client, session, world)


class TestPlanTheDay:
    def test_a_date_without_a_plan_offers_to_plan_it(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        login(client, session, world.planner)

        page = client.get(f"/day-plans?date={DAY.isoformat()}")

        assert page.status_code == 200
        assert "Din organisation har ingen dagsplan för dagen ännu." in page.text
        assert '<button class="primary" type="submit">Planera dagen</button>' in page.text
        assert f'<input type="hidden" name="date" value="{DAY.isoformat()}">' in page.text
        assert f'value="{DAY.isoformat()}"' in page.text  # the date picker
        assert re.search(r'<a href="/day-plans"[^>]*>Dagens besök</a>', page.text)  # in the nav

    def test_planning_makes_the_visits_and_a_draft_with_every_route_listed(
        self, client: TestClient, session: Session, world: World, planned: str
    ) -> None:
        page = client.get(f"{planned}?notice=day_planned")
        plan = plan_json(client, session, world, planned)

        assert page.status_code == 200
        assert "Dagen är planerad. Granska utkastet och publicera det." in page.text
        assert "Utkast" in page.text
        assert "Publicera planen" in page.text
        assert counts(session)[0] == 2 * VISITS_PER_PATIENT
        assert plan["status"] == "draft"
        assert plan["unassigned"] == []
        stops = [s for r in plan["routes"] for s in r["stops"]]
        assert len(stops) == 2 * VISITS_PER_PATIENT
        for route in plan["routes"]:
            assert f'id="route-{route["staff"]}"' in page.text
            for stop in route["stops"]:
                assert f'id="stop-{stop["visit"]}"' in page.text
        assert "Kim Sandberg" in page.text
        assert "Åsgatan 12, Falun" in page.text
        assert "Ge iv-antibiotika" in page.text  # the activity as staff call it
        assert "Kräver: sjuksköterska, iv-behandling" in page.text
        assert 'name="to"' not in page.text  # a draft has no status buttons

    def test_the_map_has_one_line_per_route_and_a_marker_per_stop(
        self, client: TestClient, session: Session, world: World, planned: str
    ) -> None:
        page = client.get(planned).text
        plan = plan_json(client, session, world, planned)

        svg = re.search(r"<svg class=\"routemap\".*?</svg>", page, re.S)
        assert svg is not None
        drawing = svg.group(0)
        assert 'role="img"' in drawing
        assert 'aria-label="Karta över dagens rutter' in drawing
        assert drawing.count("<polyline") == len(plan["routes"]) == 2
        stops = sum(len(r["stops"]) for r in plan["routes"])
        assert drawing.count('<g class="stop">') == stops
        assert drawing.count('class="place"') == 1  # both shifts start and end at one place
        assert drawing.count('class="unassigned"') == 0
        numbers = re.findall(r"<text x=\"[\d.]+\" y=\"[\d.]+\">(\d+)</text>", drawing)
        longest = max(len(r["stops"]) for r in plan["routes"])
        assert sorted(set(map(int, numbers))) == list(range(1, longest + 1))
        assert "http" not in drawing.replace("http://www.w3.org/2000/svg", "")  # no tiles
        assert "<title>" in drawing

    def test_a_visit_nobody_can_make_is_listed_with_the_reason_in_swedish(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        shift(client, session, world, world.nurse)  # no iv_therapy on shift

        path = plan_the_day(client, session, world)
        page = client.get(path).text

        assert "Ej planerade besök (6)" in page
        assert "Ingen i personalen har kompetensen: iv-behandling" in page
        assert page.count('class="unassigned"') == 6  # hollow markers on the map
        assert "no staff member has the skill" not in page

    def test_english_is_selectable(
        self, client: TestClient, session: Session, world: World, planned: str
    ) -> None:
        client.get("/language/en")

        page = client.get(planned).text

        assert "Day plan 2030-03-06" in page
        assert "Give IV antibiotics" in page
        assert "Publish the plan" in page

    def test_a_date_that_is_not_a_date_is_shown_next_to_the_field(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        login(client, session, world.planner)

        page = client.get("/day-plans?date=2030-02-30")

        assert page.status_code == 422
        assert 'id="f-date-error"' in page.text
        assert "Skriv datumet som ÅÅÅÅ-MM-DD." in page.text


class TestPublishAndStatus:
    def test_publish_then_start_and_finish_a_visit(
        self, client: TestClient, session: Session, world: World, planned: str
    ) -> None:
        published = client.post(f"{planned}/publish", follow_redirects=False)
        assert published.status_code == 303
        page = client.get(published.headers["location"]).text
        assert "Planen är publicerad: besöken har fått sin personal." in page
        assert "Publicerad" in page
        assert "Publicera planen" not in page
        first = plan_json(client, session, world, planned)["routes"][0]["stops"][0]["visit"]

        started = client.post(
            f"{planned}/visits/{first}/status", data={"to": "started"}, follow_redirects=False
        )
        after_start = client.get(started.headers["location"]).text
        done = client.post(
            f"{planned}/visits/{first}/status", data={"to": "done"}, follow_redirects=False
        )

        assert started.status_code == 303
        assert started.headers["location"].endswith(f"?notice=visit_started#stop-{first}")
        assert "Besöket är påbörjat." in after_start
        row = after_start.split(f'id="stop-{first}"')[1].split("</tr>")[0]
        assert "Påbörjat" in row
        assert 'value="done"' in row
        assert 'value="started"' not in row
        assert done.status_code == 303
        visit = session.get(Visit, uuid.UUID(first))
        assert visit is not None
        session.refresh(visit)
        assert visit.status == "done"
        assert [h["to"] for h in visit.history] == ["assigned", "started", "done"]

    def test_a_refused_move_shows_the_reason_in_swedish_and_writes_nothing(
        self, client: TestClient, session: Session, world: World, planned: str
    ) -> None:
        client.post(f"{planned}/publish")
        first = plan_json(client, session, world, planned)["routes"][0]["stops"][0]["visit"]

        response = client.post(f"{planned}/visits/{first}/status", data={"to": "done"})

        assert response.status_code == 409
        assert (
            "Det gick inte: Ett besök som är tilldelat kan inte markeras som klart; "
            "möjligt nu: inställt, missat, påbörjat"
        ) in response.text
        assert 'role="alert"' in response.text
        visit = session.get(Visit, uuid.UUID(first))
        assert visit is not None
        session.refresh(visit)
        assert visit.status == "assigned"
        assert [h["to"] for h in visit.history] == ["assigned"]

    def test_an_assistant_nurse_may_not_mark_a_colleagues_visit(
        self, client: TestClient, session: Session, world: World, planned: str
    ) -> None:
        client.post(f"{planned}/publish")
        first = plan_json(client, session, world, planned)["routes"][0]["stops"][0]["visit"]
        login(client, session, world.assistant)

        page = client.get(planned).text
        response = client.post(f"{planned}/visits/{first}/status", data={"to": "started"})

        assert 'name="to"' not in page  # not offered for visits of others
        assert response.status_code == 403
        assert "Besöket är tilldelat någon annan i personalen" in response.text
        visit = session.get(Visit, uuid.UUID(first))
        assert visit is not None
        session.refresh(visit)
        assert visit.status == "assigned"

    def test_replan_makes_a_new_version(
        self, client: TestClient, session: Session, world: World, planned: str
    ) -> None:
        response = client.post(f"{planned}/replan", follow_redirects=False)

        assert response.status_code == 303
        assert response.headers["location"].endswith("?notice=day_replanning")
        assert "Planen tas fram…" in client.get(response.headers["location"]).text
        run_jobs(client)
        page = client.get(f"{planned}?notice=day_replanned").text
        assert "Dagen är planerad om." in page
        assert plan_json(client, session, world, planned)["version"] == 2
        assert counts(session) == (2 * VISITS_PER_PATIENT, 1)


class TestRefused:
    def test_a_role_that_may_not_plan_gets_no_buttons_and_a_refusal_writes_nothing(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        login(client, session, world.assistant)
        before = counts(session)

        page = client.get(f"/day-plans?date={DAY.isoformat()}")
        response = client.post("/day-plans", data={"date": DAY.isoformat()})

        assert page.status_code == 200
        assert "Planera dagen" not in page.text
        assert response.status_code == 403
        assert "får inte göra detta" in response.text
        assert counts(session) == before == (0, 0)

    def test_a_role_that_reads_no_patients_is_refused_the_page(
        self, client: TestClient, session: Session, world: World, planned: str
    ) -> None:
        login(client, session, make_user(session, world.municipality, role="auditor"))

        day = client.get(f"/day-plans?date={DAY.isoformat()}")
        plan = client.get(planned)

        assert day.status_code == 403
        assert plan.status_code == 403
        assert "Något blev fel" in day.text
        assert "Sandberg" not in day.text + plan.text

    def test_publishing_twice_is_refused_in_swedish(
        self, client: TestClient, session: Session, world: World, planned: str
    ) -> None:
        client.post(f"{planned}/publish")

        response = client.post(f"{planned}/publish")

        assert response.status_code == 409
        assert "Planen är redan publicerad; planera om den för att ändra den" in response.text


class TestAccess:
    def test_another_organisations_plan_is_not_found_and_not_listed(
        self, client: TestClient, session: Session, world: World, planned: str
    ) -> None:
        login(client, session, world.outsider)

        page = client.get(planned)
        sheets = client.get(f"{planned}/print")
        publish = client.post(f"{planned}/publish")
        day = client.get(f"/day-plans?date={DAY.isoformat()}")

        assert page.status_code == 404
        assert sheets.status_code == 404
        assert publish.status_code == 404
        for response in (page, sheets, publish, day):
            assert "Sandberg" not in response.text
            assert "Håkansson" not in response.text
        assert day.status_code == 200
        assert "Din organisation har ingen dagsplan för dagen ännu." in day.text
        assert session.get(DayPlan, uuid.UUID(planned.rsplit("/", 1)[1])).status == "draft"  # type: ignore[union-attr]
        denied = session.scalars(
            select(AuditEvent).where(
                AuditEvent.user_id == world.outsider.id, AuditEvent.resource_type == "day_plan"
            )
        ).all()
        assert denied
        assert {e.allowed for e in denied} == {False}

    def test_viewing_the_plan_logs_each_patient(
        self, client: TestClient, session: Session, world: World, planned: str
    ) -> None:
        login(client, session, world.nurse)

        assert client.get(planned).status_code == 200

        logged = session.scalars(
            select(AuditEvent).where(
                AuditEvent.user_id == world.nurse.id, AuditEvent.resource_type == "day_plan"
            )
        ).all()
        assert {e.patient_id for e in logged} == {p.id for p in world.patients}


class TestPrint:
    def test_one_sheet_per_staff_member_with_the_stops_in_order(
        self, client: TestClient, session: Session, world: World, planned: str
    ) -> None:
        plan = plan_json(client, session, world, planned)

        page = client.get(f"{planned}/print")

        assert page.status_code == 200
        sheets = page.text.split('<article class="sheet"')[1:]
        assert len(sheets) == len(plan["routes"]) == 2
        for sheet, route in zip(sheets, plan["routes"], strict=True):
            assert f"Körlista: {route['staff_name']}" in sheet
            assert "2030-03-06" in sheet
            starts = re.findall(r"<td[^>]*><strong>(\d\d:\d\d)</strong>–(\d\d:\d\d)</td>", sheet)
            assert starts == [(s["start"], s["end"]) for s in route["stops"]]
            assert sheet.count('<span class="tickbox"') == len(route["stops"])
        assert "Åsgatan 12, 791 71 Falun" in page.text
        assert "data-print" in page.text  # app.js prints: no inline script (issue 10)

    def test_the_sheet_of_one_staff_member(
        self, client: TestClient, session: Session, world: World, planned: str
    ) -> None:
        route = plan_json(client, session, world, planned)["routes"][0]

        one = client.get(f"{planned}/print?staff={route['staff']}")
        nobody = client.get(f"{planned}/print?staff={uuid.uuid4()}")

        assert one.status_code == 200
        assert one.text.count('<article class="sheet"') == 1
        assert f"Körlista: {route['staff_name']}" in one.text
        assert nobody.status_code == 404
