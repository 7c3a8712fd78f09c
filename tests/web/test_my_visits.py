"""*Mina besök idag* (web/myvisits.py): a home health nurse's own visits of today, the next one
first and the finished ones after; a medication visit shows the drug and dose; the buttons
start and finish a visit; another nurse's visits are not shown; a role without visits gets
the 403 page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.models import AuditEvent, Episode, Organisation, Patient, User, Visit
from samband.security.service import actor_of
from samband.visits import service as visit_service
from samband.web import myvisits
from samband.web.nav import nav_links
from tests.factories import (
    auth,
    make_medication,
    make_municipality,
    make_patient_at_home,
    make_user,
)

DAY = date(2030, 3, 6)
SINCE = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)


@dataclass
class World:
    municipality: Organisation
    eva: User  # the nurse whose page it is
    gun: User  # another nurse of the same municipality
    pharmacist: User  # a role that makes no visits
    kim: Patient
    kim_episode: Episode
    sven: Patient
    sven_episode: Episode


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(visit_service, "local_today", lambda: DAY)
    monkeypatch.setattr(myvisits, "local_today", lambda: DAY)


def _at(hour: int, minute: int = 0) -> datetime:
    return datetime(2030, 3, 6, hour - 1, minute, tzinfo=UTC)  # Stockholm is UTC+1 in March


def make_visit(
    session: Session,
    w: World,
    episode: Episode,
    *,
    who: User,
    hour: int,
    what: str = "PICC care",
    status: str = "assigned",
    **fields: Any,
) -> Visit:
    visit = Visit(
        episode_id=episode.id,
        patient_id=episode.patient_id,
        date=DAY,
        what=what,
        window_start=_at(hour),
        window_end=_at(hour + 1),
        planned_start=_at(hour, 10),
        duration_min=30,
        skills=[],
        role="registered_nurse",
        organisation_kind="home_health_care",
        organisation_id=w.municipality.id,
        priority=3,
        source="plan",
        status=status,
        history=[],
        assigned_user_id=who.id,
        created_by_id=who.id,
        created_at=_at(6),
        **fields,
    )
    session.add(visit)
    session.flush()
    return visit


@pytest.fixture
def world(session: Session) -> World:
    municipality = make_municipality(session)
    kim = make_patient_at_home(
        session,
        municipality,
        since=SINCE,
        given_name="Kim",
        family_name="Sandberg",
        street_address="Åsgatan 12",
        postal_code="791 71",
        city="Falun",
        latitude=60.6065,
        longitude=15.6355,
        phone="070-123 45 67",
    )
    sven = make_patient_at_home(
        session,
        municipality,
        since=SINCE,
        given_name="Sven",
        family_name="Håkansson",
        street_address="Slättagatan 14",
        city="Falun",
    )
    return World(
        municipality=municipality,
        eva=make_user(session, municipality, skills=["iv_therapy"]),
        gun=make_user(session, municipality, role="assistant_nurse"),
        pharmacist=make_user(session, municipality, role="pharmacist"),
        kim=kim.patient,
        kim_episode=kim.episode,
        sven=sven.patient,
        sven_episode=sven.episode,
    )


def login(client: TestClient, session: Session, user: User) -> None:
    client.cookies.set("samband_session", auth(session, user)["Authorization"][7:])


def csrf(client: TestClient, page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the page's forms carry a CSRF token"
    return found.group(1)


def post(client: TestClient, path: str, data: dict[str, str]) -> Any:
    token = csrf(client, client.get("/my-visits").text)
    return client.post(
        path,
        data={**data, "csrf_token": token},
        headers={"Origin": "https://testserver"},
        follow_redirects=False,
    )


class TestMyVisits:
    def test_her_own_visits_in_time_order_with_the_next_first_and_the_done_after(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        make_visit(session, world, world.sven_episode, who=world.eva, hour=13, what="Sampling")
        make_visit(session, world, world.kim_episode, who=world.eva, hour=9)
        make_visit(
            session,
            world,
            world.kim_episode,
            who=world.eva,
            hour=7,
            status="done",
            what="Wound care",
            ended_at=_at(7, 40),
        )
        login(client, session, world.eva)

        page = client.get("/my-visits").text

        assert "Mina besök idag" in page
        ahead, finished = page.split('class="card my-visits-finished"')
        assert ahead.index("Kim Sandberg") < ahead.index("Sven Håkansson")
        assert 'class="card my-visit next' in ahead
        first_card = ahead.split('<article class="card my-visit')[1]
        assert "Kim Sandberg" in first_card
        assert "Nästa" in first_card
        assert "09:10" in first_card
        assert "Sårvård" not in ahead
        assert "Wound care" not in ahead
        assert "Kim Sandberg" in finished
        assert "Avslutade besök (1)" in finished

    def test_patient_address_phone_and_personnummer_on_one_line(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        make_visit(session, world, world.kim_episode, who=world.eva, hour=9)
        login(client, session, world.eva)

        page = client.get("/my-visits").text

        pnr = world.kim.personnummer
        assert f'<span class="nowrap">{pnr[:8]}-{pnr[8:]}</span>' in page
        assert "Åsgatan 12" in page
        assert "791 71 Falun" in page
        assert 'href="tel:0701234567"' in page
        assert "openstreetmap.org/?mlat=60.60650&amp;mlon=15.63550" in page

    def test_a_medication_visit_shows_the_drug_and_dose(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        make_medication(session, world.kim_episode, by=world.eva, drug="Cefotaxim", dose="2 g")
        make_medication(
            session, world.kim_episode, by=world.eva, drug="Stoppad", dose="9 g", status="stopped"
        )
        make_medication(
            session,
            world.kim_episode,
            by=world.eva,
            drug="Alvedon",
            dose="1 g",
            route="oral",
            given_by="patient",
        )
        make_visit(
            session,
            world,
            world.kim_episode,
            who=world.eva,
            hour=9,
            what="Give IV antibiotics",
            medication_route="iv",
        )
        login(client, session, world.eva)

        page = client.get("/my-visits").text

        doses = page.split('class="my-visit-doses"')[1].split("</ul>")[0]
        assert "<strong>Cefotaxim</strong> 2 g" in doses
        assert "Stoppad" not in doses
        assert "Alvedon" not in doses

    def test_start_then_finish_moves_the_visit_and_logs_the_access(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        visit = make_visit(session, world, world.kim_episode, who=world.eva, hour=9)
        login(client, session, world.eva)
        page = client.get("/my-visits").text
        assert 'value="started">Påbörja' in page
        assert 'value="done">Klar' not in page
        assert f"/episodes/{world.kim_episode.id}/observations/new?next=/my-visits" in page

        started = post(client, f"/my-visits/{visit.id}/status", {"to": "started"})

        assert started.status_code == 303, started.text
        assert started.headers["location"] == f"/my-visits?notice=visit_started#visit-{visit.id}"
        session.refresh(visit)
        assert visit.status == "started"
        assert visit.started_at is not None
        page = client.get("/my-visits?notice=visit_started").text
        assert "Besöket är påbörjat." in page
        assert 'value="done">Klar' in page
        assert 'value="started">Påbörja' not in page

        done = post(client, f"/my-visits/{visit.id}/status", {"to": "done"})

        assert done.status_code == 303, done.text
        session.refresh(visit)
        assert visit.status == "done"
        assert visit.ended_at is not None
        page = client.get("/my-visits").text
        assert "Alla dagens besök är avslutade." in page
        assert "Avslutade besök (1)" in page
        logged = session.scalars(
            select(AuditEvent).where(
                AuditEvent.user_id == world.eva.id, AuditEvent.patient_id == world.kim.id
            )
        ).all()
        assert logged, "reading and marking her visits is in the access log"

    def test_a_refused_move_is_shown_in_swedish(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        visit = make_visit(session, world, world.kim_episode, who=world.eva, hour=9)
        login(client, session, world.eva)

        refused = post(client, f"/my-visits/{visit.id}/status", {"to": "done"})

        assert refused.status_code == 409
        assert "Ett besök som är tilldelat kan inte markeras som klart" in refused.text
        session.refresh(visit)
        assert visit.status == "assigned"

    def test_another_nurses_visits_are_not_shown(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        make_visit(session, world, world.kim_episode, who=world.gun, hour=9)
        make_visit(session, world, world.sven_episode, who=world.eva, hour=10)
        login(client, session, world.eva)

        page = client.get("/my-visits").text

        assert "Sven Håkansson" in page
        assert "Kim Sandberg" not in page

    def test_an_assistant_nurse_cannot_mark_another_nurses_visit(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        visit = make_visit(session, world, world.kim_episode, who=world.eva, hour=9)
        make_visit(session, world, world.sven_episode, who=world.gun, hour=10)
        login(client, session, world.gun)

        refused = post(client, f"/my-visits/{visit.id}/status", {"to": "started"})

        assert refused.status_code == 403
        session.refresh(visit)
        assert visit.status == "assigned"

    def test_no_visits_says_so(self, client: TestClient, session: Session, world: World) -> None:
        login(client, session, world.gun)

        page = client.get("/my-visits")

        assert page.status_code == 200
        assert "Du har inga besök idag" in page.text

    def test_a_role_without_visits_gets_403_and_no_link(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        login(client, session, world.pharmacist)

        page = client.get("/my-visits")

        assert page.status_code == 403
        session.refresh(world.pharmacist)
        assert "/my-visits" not in [href for href, _ in nav_links(actor_of(world.pharmacist))]
        session.refresh(world.eva)
        assert ("/my-visits", "nav.my_visits") in nav_links(actor_of(world.eva))

    def test_in_english(self, client: TestClient, session: Session, world: World) -> None:
        make_visit(session, world, world.kim_episode, who=world.eva, hour=9)
        login(client, session, world.eva)
        client.cookies.set("samband_lang", "en")

        page = client.get("/my-visits").text

        assert "My visits today" in page
        assert 'value="started">Start' in page
        assert "Påbörja" not in page
        assert "Mina besök idag" not in page


def test_the_visit_after_tomorrow_is_not_today(session: Session, world: World) -> None:
    """Only the date's visits: a visit of another day is not on today's page."""
    visit = make_visit(session, world, world.kim_episode, who=world.eva, hour=9)
    visit.date = DAY + timedelta(days=1)
    session.flush()
    from samband.security.context import AccessLog, Context

    ctx = Context(session, actor_of(world.eva), AccessLog())
    assert visit_service.my_visits(ctx, DAY) == []


def test_the_vital_signs_form_returns_to_my_visits(
    client: TestClient, session: Session, world: World
) -> None:
    make_visit(session, world, world.kim_episode, who=world.eva, hour=9)
    login(client, session, world.eva)
    path = f"/episodes/{world.kim_episode.id}/observations/new"

    form = client.get(f"{path}?next=/my-visits").text
    elsewhere = client.get(f"{path}?next=https://example.org/").text

    assert '<input type="hidden" name="next" value="/my-visits">' in form
    assert 'name="next"' not in elsewhere  # only known pages of Samband
    saved = client.post(
        path,
        data={
            "csrf_token": csrf(client, form),
            "next": "/my-visits",
            "pulse": "72",
            "respiratory_rate": "16",
        },
        headers={"Origin": "https://testserver"},
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"] == "/my-visits?notice=observation_saved"
    assert "Vitalparametrarna är sparade." in client.get(saved.headers["location"]).text
