"""The patient page says what the monitoring knows as truly as the round does (issue 11): the
latest set with its time (and "out of date" when older than the pathway's schedule allows),
today's visits with the next one, the patient's own latest report, and the alerts as "N open of
M". Compared with the monitoring data of a patient at home with NEWS2 9 and two high alerts
(tests/rounds/world.py); "nothing yet" only where there is nothing; "not shown to you" where the
caller may not read the record."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from samband.kit.time import utcnow
from samband.models import Alert, Patient, PatientRegistration, User
from tests.factories import make_user
from tests.rounds.world import Monitored, ingest, local, make_monitored
from tests.web.browser_support import NO_HORIZONTAL_SCROLL_JS, screenshot
from tests.web.test_overview import login

NOTHING = (
    "Ingen mätning ännu",
    "Ingen egen rapport ännu",
    "Inga besök planerade",
    "Inga larm.",
    "Ingen episod av vård i hemmet",
)
STALE = "Inaktuell: äldre än mätschemat tillåter"


@pytest.fixture
def m(session: Session) -> Monitored:
    return make_monitored(session)


def patient_page(
    client: TestClient, session: Session, m: Monitored, patient: Patient, user: User | None = None
) -> str:
    login(client, session, user or m.world.nurse)
    response = client.get(f"/patients/{patient.id}")
    assert response.status_code == 200, response.text
    return response.text


def field(page: str, name: str) -> str:
    """The text of the element marked data-field="name", tags left out."""
    found = re.search(rf'<(\w+)[^>]*\bdata-field="{name}"[^>]*>(.*?)</\1>', page, re.S)
    assert found, name
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(2))).split())


def all_alerts(session: Session, m: Monitored) -> int:
    query = select(func.count(Alert.id)).where(Alert.episode_id == m.world.episode.id)
    return session.scalar(query) or 0


class TestPatientPageMonitoring:
    def test_shows_the_monitoring_data_of_a_patient_with_alerts(
        self, client: TestClient, session: Session, m: Monitored
    ) -> None:
        page = patient_page(client, session, m, m.world.patient)

        latest = field(page, "latest")
        assert latest.startswith("NEWS2 9 hög")
        assert local(m.latest.measured_at) in latest
        assert STALE not in page  # 40 minutes old

        planned = next(v for v in m.visits if v.status == "planned")
        assert field(page, "visits") == "1 gjorda · 1 kvar · 1 inställda"
        assert field(page, "next-visit") == f"Nästa besök {local(planned.planned_start, '%H:%M')}"  # type: ignore[arg-type]
        listed = re.findall(r'<li class="visit-(\w+)">', page)
        assert sorted(listed) == sorted(v.status for v in m.visits)

        assert field(page, "self-report") == f"{local(m.self_report.measured_at)} · Tröttare idag"

        total = all_alerts(session, m)
        assert len(m.alerts) == 2
        assert field(page, "alerts-heading") == (
            f"Larm under episoden: {len(m.alerts)} öppna av {total}"
        )
        for alert in m.alerts:
            assert f'href="/alerts/{alert.id}"' in page
        for nothing in NOTHING:
            assert nothing not in page
        assert "Visas inte för dig" not in page

    def test_a_closed_alert_counts_in_all_but_not_among_the_open(
        self, client: TestClient, session: Session, m: Monitored
    ) -> None:
        m.alerts[0].status = "closed"
        session.flush()

        page = patient_page(client, session, m, m.world.patient)

        total = all_alerts(session, m)
        assert field(page, "alerts-heading") == f"Larm under episoden: 1 öppna av {total}"

    def test_a_latest_set_older_than_the_schedule_allows_is_marked(
        self, client: TestClient, session: Session, m: Monitored
    ) -> None:
        old = ingest(
            session,
            m.world,
            {"respiratory_rate": 18},
            utcnow() - timedelta(hours=20),
            patient=m.quiet,
        )

        page = patient_page(client, session, m, m.quiet)

        # OPAT measures 08:00 and 18:00 with 90 minutes' grace: 15 h 30 min at most
        latest = field(page, "latest")
        assert local(old.measured_at) in latest
        assert field(page, "stale") == STALE

    def test_a_patient_with_no_monitoring_data_says_so(
        self, client: TestClient, session: Session, m: Monitored
    ) -> None:
        page = patient_page(client, session, m, m.quiet)

        assert field(page, "latest") == "Ingen mätning ännu"
        assert field(page, "self-report") == "Ingen egen rapport ännu"
        assert field(page, "visits") == "Inga besök planerade"
        assert field(page, "alerts-heading") == "Larm under episoden"
        assert "Inga larm." in page
        assert "Visas inte för dig" not in page

    def test_in_english(self, client: TestClient, session: Session, m: Monitored) -> None:
        client.cookies.set("samband_lang", "en")
        page = patient_page(client, session, m, m.world.patient)

        assert "Visits today" in page
        assert field(page, "visits") == "1 done · 1 to come · 1 cancelled"
        assert field(page, "next-visit").startswith("Next visit ")
        assert field(page, "alerts-heading") == (
            f"Alerts during the episode: 2 open of {all_alerts(session, m)}"
        )

    def test_a_caller_who_may_not_read_the_record_is_told_so(
        self, client: TestClient, session: Session, m: Monitored
    ) -> None:
        """Another care provider that sees the patient (it registered them) but takes part in
        the episode without the patient's consent to shared records: the page says the care at
        home is not shown to it, never that there is none."""
        w = m.world
        w.episode.shared_records_consent = False
        outsider = make_user(session, w.municipality, role="registered_nurse")
        session.add(
            PatientRegistration(
                patient_id=w.patient.id, organisation_id=w.municipality.id, user_id=outsider.id
            )
        )
        session.flush()

        page = patient_page(client, session, m, w.patient, outsider)

        assert 'data-monitoring="not-shown"' in page
        assert field(page, "not-shown").startswith("Visas inte för dig")
        assert "NEWS2" not in page
        assert "/alerts/" not in page
        assert "Tröttare idag" not in page
        for nothing in NOTHING:
            assert nothing not in page

    def test_a_patient_without_any_episode_has_none(
        self, client: TestClient, session: Session, m: Monitored
    ) -> None:
        from tests.factories import make_patient

        alone = make_patient(session, given_name="Ensam")
        session.add(
            PatientRegistration(
                patient_id=alone.id, organisation_id=m.world.clinic.id, user_id=m.world.nurse.id
            )
        )
        session.flush()

        page = patient_page(client, session, m, alone)

        assert "Ingen episod av vård i hemmet" in page
        assert "Visas inte för dig" not in page


@pytest.mark.browser
class TestPatientPageOnAPhone:
    def test_the_patient_page_at_390_px_in_swedish(
        self, client: TestClient, session: Session, m: Monitored, chromium: Any
    ) -> None:
        """The page as rendered for the test data, in headless Chromium at 390 px (its own
        stylesheet inlined): no sideways scrolling; docs/screenshots/patient-page-390.png."""
        page_html = patient_page(client, session, m, m.world.patient)
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
            assert page.locator('[data-field="visits"]').inner_text().startswith("1 gjorda")
            screenshot(page, "patient-page-390")
        finally:
            context.close()
