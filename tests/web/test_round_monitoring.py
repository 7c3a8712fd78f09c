"""What the pages that summarise a patient say of the monitoring is true (issue 11): the round
page and the patient page, compared with the monitoring data of a patient at home with NEWS2 9
and two high alerts; "nothing yet" only where there is nothing; "not shown to you" where the
caller may not read the record."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from samband.kit.time import local_today, utcnow
from samband.models import PatientRegistration, User
from tests.factories import make_user
from tests.rounds.world import Monitored, ingest, local, make_monitored
from tests.web.browser_support import NO_HORIZONTAL_SCROLL_JS, screenshot
from tests.web.test_overview import login


@pytest.fixture
def m(session: Session) -> Monitored:
    return make_monitored(session)


def round_page(client: TestClient, session: Session, m: Monitored, user: User | None = None) -> str:
    login(client, session, user or m.world.nurse)
    opened = client.post(
        "/rounds",
        data={"unit_id": str(m.world.ward.id), "day": local_today().isoformat()},
        follow_redirects=False,
    )
    assert opened.status_code == 303, opened.text
    page = client.get(opened.headers["location"])
    assert page.status_code == 200
    return page.text


def section(page: str, episode_id: object) -> str:
    """The round page's section of one patient."""
    start = page.index(f'id="p-{episode_id}"')
    end = page.find('<section class="card round-patient"', start)
    return page[start : end if end != -1 else len(page)]


def field(part: str, name: str) -> str:
    found = re.search(rf'data-field="{name}">(.*?)</dd>', part, re.S)
    assert found, name
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split())


class TestRoundPage:
    def test_shows_the_monitoring_data_of_a_patient_with_alerts(
        self, client: TestClient, session: Session, m: Monitored
    ) -> None:
        part = section(round_page(client, session, m), m.world.episode.id)

        latest = field(part, "latest")
        assert latest.startswith("NEWS2 9 hög")
        assert local(m.latest.measured_at) in latest
        assert "Inaktuell" not in latest
        trend = field(part, "trend")
        # the 72-hour trend, oldest first, each score with its time (the 80 h old set left out)
        shown = [
            f"{local(s.measured_at, '%d/%m %H:%M')} {s.news2_total}"
            for s in m.sets
            if s.measured_at >= utcnow() - timedelta(hours=72)
        ]
        assert trend == " ".join(shown)
        assert local(m.sets[0].measured_at, "%d/%m %H:%M") not in trend

        alerts = field(part, "alerts")
        assert alerts.startswith(f"{len(m.alerts)} (2 hög · 2 okvitterade)")
        links = re.findall(r'href="/alerts/([0-9a-f-]{36})"', part)
        assert len(links) == 1
        assert links[0] in {str(a.id) for a in m.alerts}

        planned = next(v for v in m.visits if v.status == "planned")
        assert field(part, "visits") == (
            f"1 gjorda · 1 kvar · 1 inställda Nästa besök {local(planned.planned_start, '%H:%M')}"  # type: ignore[arg-type]
        )
        report = field(part, "self-report")
        assert report == f"{local(m.self_report.measured_at)} · Tröttare idag"
        for nothing in ("Ingen mätning ännu", "Inga öppna larm", "Inga besök", "Ingen egen"):
            assert nothing not in part

    def test_a_patient_with_no_measurements_says_so(
        self, client: TestClient, session: Session, m: Monitored
    ) -> None:
        part = section(round_page(client, session, m), m.quiet_episode.id)

        assert field(part, "latest") == "Ingen mätning ännu"
        assert field(part, "trend") == "Ingen mätning ännu"
        assert field(part, "alerts") == "Inga öppna larm"
        assert field(part, "visits") == "Inga besök planerade"
        assert field(part, "self-report") == "Ingen egen rapport ännu"

    def test_a_weight_alone_is_shown_not_called_nothing(
        self, client: TestClient, session: Session, m: Monitored
    ) -> None:
        ingest(session, m.world, {"weight": 82}, utcnow() - timedelta(hours=1), patient=m.quiet)

        part = section(round_page(client, session, m), m.quiet_episode.id)

        assert "Ingen mätning ännu" not in field(part, "latest")
        assert "82" in field(part, "latest")
        assert "ingen NEWS2" in field(part, "latest")
        assert "Ingen mätning ännu" not in field(part, "trend")

    def test_in_english(self, client: TestClient, session: Session, m: Monitored) -> None:
        client.cookies.set("samband_lang", "en")
        part = section(round_page(client, session, m), m.world.episode.id)

        assert field(part, "latest").startswith("NEWS2 9 high")
        assert field(part, "visits").startswith("1 done · 1 to come · 1 cancelled Next visit")

    def test_a_caller_who_may_not_read_the_record_is_told_so(
        self, client: TestClient, session: Session, m: Monitored
    ) -> None:
        w = m.world
        w.episode.shared_records_consent = False
        outsider = make_user(session, w.municipality, role="registered_nurse")
        session.add(
            PatientRegistration(
                patient_id=w.patient.id, organisation_id=w.municipality.id, user_id=outsider.id
            )
        )
        session.flush()

        part = section(round_page(client, session, m, outsider), w.episode.id)

        assert 'data-monitoring="not-shown"' in part
        assert "Visas inte för dig" in part
        assert "NEWS2 9" not in part
        assert "/alerts/" not in part
        for nothing in ("Ingen mätning ännu", "Inga öppna larm", "Inga besök"):
            assert nothing not in part


class TestPatientPage:
    def test_shows_the_latest_set_and_the_alerts_of_a_patient_with_alerts(
        self, client: TestClient, session: Session, m: Monitored
    ) -> None:
        login(client, session, m.world.nurse)
        page = client.get(f"/patients/{m.world.patient.id}").text

        assert "NEWS2 <strong>9</strong>" in page
        assert local(m.latest.measured_at) in page
        assert "Ingen mätning ännu" not in page
        for alert in m.alerts:
            assert f'href="/alerts/{alert.id}"' in page
        assert page.count('<span class="badge sev sev-high">Hög</span>') >= len(m.alerts)

    def test_a_patient_with_no_measurements_says_so(
        self, client: TestClient, session: Session, m: Monitored
    ) -> None:
        login(client, session, m.world.nurse)
        page = client.get(f"/patients/{m.quiet.id}").text

        assert "Ingen mätning ännu" in page


@pytest.mark.browser
class TestRoundOnAPhone:
    def test_the_round_at_390_px_in_swedish(
        self, client: TestClient, session: Session, m: Monitored, chromium: Any
    ) -> None:
        """The page as rendered for the test data, in headless Chromium at 390 px (its own
        stylesheet inlined): no sideways scrolling; docs/screenshots/round-390.png."""
        page_html = round_page(client, session, m)
        css = (Path(__file__).resolve().parents[2] / "src/samband/web/static/app.css").read_text()
        page_html = page_html.replace(
            '<link rel="stylesheet" href="/static/app.css">', f"<style>{css}</style>"
        )
        context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="sv-SE")
        try:
            page = context.new_page()
            page.set_content(page_html)
            assert page.evaluate(NO_HORIZONTAL_SCROLL_JS), page.evaluate(
                "document.documentElement.scrollWidth"
            )
            latest = page.locator(f'#p-{m.world.episode.id} [data-field="latest"]')
            assert latest.inner_text().startswith("NEWS2 9")
            screenshot(page, "round-390")
        finally:
            context.close()
