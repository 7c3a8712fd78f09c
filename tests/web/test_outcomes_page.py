"""The outcomes page (/outcomes), its CSV, and a pilot's report page (web/outcomes.py)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from samband.models import User
from samband.outcomes.service import import_episodes
from tests.factories import auth, make_organisation, make_user


def login(client: TestClient, session: Session, user: User) -> None:
    client.cookies.set("samband_session", auth(session, user)["Authorization"][7:])


class TestOutcomesPage:
    def test_renders_with_filters(self, client: TestClient, session: Session) -> None:
        org = make_organisation(session)
        login(client, session, make_user(session, org, role="analyst"))

        page = client.get(
            f"/outcomes?from=2030-01-01&to=2030-03-31&pathway=opat&type=admission_avoidance&organisation={org.code}"
        )

        assert page.status_code == 200, page.text
        assert "Uppföljning" in page.text
        assert "Vårddygn i hemmet" in page.text
        assert "Kostnader per huvudman" in page.text
        assert "<svg" in page.text
        assert "/outcomes.csv?from=2030-01-01" in page.text

    def test_bad_filters_are_said_in_swedish(self, client: TestClient, session: Session) -> None:
        login(client, session, make_user(session, make_organisation(session), role="analyst"))

        page = client.get("/outcomes?from=igår&to=2030-01-01&organisation=NOPE")

        assert page.status_code == 422
        assert "Ange datum som ÅÅÅÅ-MM-DD." in page.text

    def test_csv_download(self, client: TestClient, session: Session) -> None:
        login(client, session, make_user(session, make_organisation(session), role="analyst"))

        response = client.get("/outcomes.csv?from=2030-01-01&to=2030-01-31")

        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        lines = response.text.splitlines()
        assert lines[0] == "indicator,group,value"
        assert any(line.startswith("patient_days_at_home,all,") for line in lines)

    def test_analyst_may_not_trace_episodes(self, client: TestClient, session: Session) -> None:
        login(client, session, make_user(session, make_organisation(session), role="analyst"))

        response = client.get("/outcomes.csv?from=2030-01-01&to=2030-01-31&trace=1")

        assert response.status_code == 403

    def test_nurse_trace_has_episodes_column(self, client: TestClient, session: Session) -> None:
        login(client, session, make_user(session, make_organisation(session)))

        response = client.get("/outcomes.csv?from=2030-01-01&to=2030-01-31&trace=1")

        assert response.status_code == 200
        assert response.text.splitlines()[0] == "indicator,group,value,episodes"

    def test_device_is_refused(self, client: TestClient, session: Session) -> None:
        login(client, session, make_user(session, make_organisation(session), role="device"))

        assert client.get("/outcomes").status_code == 403


class TestPilotPage:
    def test_both_levels(self, client: TestClient, session: Session) -> None:
        org = make_organisation(session)
        nurse = make_user(session, org)
        created = client.post(
            "/api/v1/pilots",
            json={
                "name": "KOL hemma",
                "purpose": "Pröva",
                "period_start": "2030-01-01",
                "period_end": "2030-03-31",
                "comparison_kind": "period",
                "comparison_start": "2029-01-01",
                "comparison_end": "2029-03-31",
                "assumptions": ["Trygghet"],
            },
            headers=auth(session, nurse),
        ).json()
        client.post(
            f"/api/v1/pilots/{created['id']}/log",
            json={
                "kind": "barrier",
                "classification": "society",
                "description": "Lång väg till glesbygden",
                "action_taken": "Videobesök",
                "occurred_on": "2030-02-01",
            },
            headers=auth(session, nurse),
        )
        login(client, session, nurse)

        page = client.get(f"/pilots/{created['id']}")

        assert page.status_code == 200, page.text
        assert "Vårdformens resultat" in page.text
        assert "Samhälle/kontext (1)" in page.text
        assert "Lång väg till glesbygden" in page.text
        assert "2029-01-01 – 2029-03-31" in page.text

    def test_other_organisation_gets_404(self, client: TestClient, session: Session) -> None:
        nurse = make_user(session, make_organisation(session))
        created = client.post(
            "/api/v1/pilots",
            json={
                "name": "KOL hemma",
                "purpose": "Pröva",
                "period_start": "2030-01-01",
                "period_end": "2030-03-31",
                "comparison_kind": "period",
                "comparison_start": "2029-01-01",
                "comparison_end": "2029-03-31",
            },
            headers=auth(session, nurse),
        ).json()
        login(client, session, make_user(session, make_organisation(session), role="physician"))

        assert client.get(f"/pilots/{created['id']}").status_code == 404


# Two imported episodes of March 2025, worked out by hand (as in tests/outcomes/test_cli.py):
#   A, OPAT (E = 7), admitted 03-01 08:00, home 03-03 08:00, 3 visits, discharged 03-07 08:00
#     → 4 days at home, midnights 03-04 … 03-07 = 4 care days, 7 − 2 = 5 bed-days freed
#   B, COPD (E = 5), home 03-10 08:00, readmitted 03-12 08:00
#     → 2 days, midnights 03-11 and 03-12 = 2 care days, 2 bed-days freed
# Visits per care day 3 / 6 = 0.5; bed-days freed 7, worth 7 × 8 900 = 62 300 SEK.
MARCH = """episode,personnummer,pathway,type,event,at
A,19121212-1212,opat,early_supported_discharge,candidate,2025-03-01T08:00
A,19121212-1212,opat,early_supported_discharge,at_home,2025-03-03T08:00
A,19121212-1212,opat,early_supported_discharge,visit_done,2025-03-03T10:00
A,19121212-1212,opat,early_supported_discharge,visit_done,2025-03-04T10:00
A,19121212-1212,opat,early_supported_discharge,visit_done,2025-03-05T10:00
A,19121212-1212,opat,early_supported_discharge,discharged,2025-03-07T08:00
B,19121212-1212,copd,admission_avoidance,at_home,2025-03-10T08:00
B,19121212-1212,copd,admission_avoidance,readmitted,2025-03-12T08:00
"""


def _row(page: str, title: str) -> str:
    """The value cell of the row whose name is ``title``."""
    match = re.search(
        re.escape(title) + r"</(?:summary|abbr)>.*?<td class=\"num\">([^<]*)</td>", page, re.S
    )
    assert match, title
    return match.group(1)


class TestTheFiguresOfAHandBuiltMonth:
    def test_swedish(self, client: TestClient, session: Session) -> None:
        org = make_organisation(session)
        import_episodes(session, MARCH.encode(), "march.csv", organisation_code=org.code)
        login(client, session, make_user(session, org, role="analyst"))

        page = client.get("/outcomes?from=2025-03-01&to=2025-03-31").text

        assert _row(page, "Dygn i hemmet") == "6,0"
        assert _row(page, "Vårddygn i hemmet (midnätter)") == "6,0"
        assert _row(page, "Besök per vårddygn i hemmet") == "0,50"
        assert _row(page, "Frigjorda vårdplatsdygn på sjukhus") == "7,0"
        assert _row(page, "Regionen: värdet av frigjorda vårdplatsdygn") == "62\xa0300 kr"
        assert _row(page, "Andel lämpliga som kom hem") == "100,0 %"
        # no English, no "no data SEK"
        for english in ("no data", "SEK", "Visits per", "Patient-days", "Activity"):
            assert english not in page, english
        assert "uppgift saknas" in page
        # the organisation filter is a list of the organisations, by name
        assert f'<option value="{org.code}">{org.name}</option>' in page
        assert '<input name="organisation"' not in page
        # pathways by their names, not their keys
        assert ">KOL</option>" in page
        assert ">copd</option>" not in page

    def test_english(self, client: TestClient, session: Session) -> None:
        org = make_organisation(session)
        import_episodes(session, MARCH.encode(), "march.csv", organisation_code=org.code)
        login(client, session, make_user(session, org, role="analyst"))
        client.cookies.set("samband_lang", "en")

        page = client.get("/outcomes?from=2025-03-01&to=2025-03-31").text

        assert _row(page, "Visits per care day at home") == "0.50"
        assert _row(page, "Region: value of the bed-days freed") == "62,300 SEK"
        assert "uppgift saknas" not in page

    def test_the_service_refuses_a_period_that_ends_before_it_starts(
        self, client: TestClient, session: Session
    ) -> None:
        login(client, session, make_user(session, make_organisation(session), role="analyst"))

        page = client.get("/outcomes?from=2030-02-01&to=2030-01-01")

        assert page.status_code == 422
        assert 'class="error"' in page.text

    def test_an_unknown_organisation_is_refused(self, client: TestClient, session: Session) -> None:
        login(client, session, make_user(session, make_organisation(session), role="analyst"))

        page = client.get("/outcomes?from=2030-01-01&to=2030-01-31&organisation=NOPE")

        assert page.status_code == 422
        assert "NOPE" in page.text
