"""The outcomes page (/outcomes), its CSV, and a pilot's report page (web/outcomes.py)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from samband.models import User
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
