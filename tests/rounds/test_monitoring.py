"""GET /api/v1/rounds shows what the monitoring knows of each patient (issue 11): the NEWS2
trend of 72 hours, the latest set with its time, the active alerts by severity with the most
severe one, the day's visits and the patient's own report, compared with the data itself;
"nothing yet" only when there is nothing, and "not shown" to whom may not read the record."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.orm import Session

from samband.kit.time import STOCKHOLM, local_today, utcnow
from samband.models import PatientRegistration
from tests.factories import auth, make_episode, make_patient, make_user
from tests.rounds.world import Monitored, alert_ids, make_monitored


@pytest.fixture
def m(session: Session) -> Monitored:
    return make_monitored(session)


def _round(client: TestClient, session: Session, m: Monitored, user: Any = None) -> Any:
    response = client.get(
        "/api/v1/rounds",
        params={"unit_id": str(m.world.ward.id), "date": local_today().isoformat()},
        headers=auth(session, user or m.world.nurse),
    )
    assert response.status_code == 200, response.text
    return response.json()


def _row(body: Any, episode_id: object) -> Any:
    [row] = [p for p in body["patients"] if p["episode_id"] == str(episode_id)]
    return row


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


class TestMonitoringOnTheRound:
    def test_the_round_shows_the_monitoring_data_of_a_patient_with_alerts(
        self, client: TestClient, session: Session, m: Monitored
    ) -> None:
        row = _row(_round(client, session, m), m.world.episode.id)

        assert row["monitoring_shown"] is True
        latest = row["latest_set"]
        assert (latest["news2"], latest["risk"], latest["stale"]) == (9, "high", False)
        assert latest["observation_id"] == str(m.latest.id)
        # the time, in Europe/Stockholm
        assert _at(latest["measured_at"]) == m.latest.measured_at
        assert (
            _at(latest["measured_at"]).utcoffset()
            == m.latest.measured_at.astimezone(STOCKHOLM).utcoffset()
        )
        # the trend: the scored sets of the last 72 h, oldest first (the 80 h old one left out)
        in_window = [s for s in m.sets if s.measured_at >= utcnow() - timedelta(hours=72)]
        assert [(p["observation_id"], p["news2"]) for p in row["news2_trend"]] == [
            (str(s.id), s.news2_total) for s in in_window
        ]
        assert [p["news2"] for p in row["news2_trend"]] == [0, 1, 5, 9]
        assert row["trend_hours"] == 72

        alerts = row["open_alerts"]
        assert len(m.alerts) == 2
        assert {a.kind for a in m.alerts} == {"news2", "limit"}
        assert alerts["total"] == len(m.alerts)
        assert alerts["by_severity"] == {"high": 2, "medium": 0, "low": 0}
        assert alerts["unacknowledged"] == 2
        worst = alerts["most_severe"]
        assert worst["severity"] == "high"
        assert worst["link"] == f"/alerts/{worst['id']}"
        assert worst["id"] in {str(i) for i in alert_ids(m)}

        visits = row["visits"]
        assert (visits["done"], visits["planned"], visits["missed"], visits["cancelled"]) == (
            1,
            1,
            0,
            1,
        )
        assert visits["day"] == local_today().isoformat()
        planned = next(v for v in m.visits if v.status == "planned")
        assert _at(visits["next_at"]) == planned.planned_start

        report = row["latest_self_report"]
        assert report["observation_id"] == str(m.self_report.id)
        assert _at(report["measured_at"]) == m.self_report.measured_at
        assert report["symptoms"] == "Tröttare idag"

    def test_a_patient_with_no_measurements_is_shown_as_such(
        self, client: TestClient, session: Session, m: Monitored
    ) -> None:
        row = _row(_round(client, session, m), m.quiet_episode.id)

        assert row["monitoring_shown"] is True
        assert row["latest_set"] is None
        assert row["news2_trend"] == []
        assert row["latest_self_report"] is None
        assert row["open_alerts"] == {
            "total": 0,
            "unacknowledged": 0,
            "by_severity": {"high": 0, "medium": 0, "low": 0},
            "most_severe": None,
        }
        assert row["visits"]["done"] == row["visits"]["planned"] == 0

    def test_a_latest_set_older_than_the_schedule_allows_is_stale(
        self, client: TestClient, session: Session, m: Monitored
    ) -> None:
        from tests.rounds.world import ingest

        ingest(
            session,
            m.world,
            {"respiratory_rate": 18},
            utcnow() - timedelta(hours=20),
            patient=m.quiet,
        )
        row = _row(_round(client, session, m), m.quiet_episode.id)

        # OPAT measures 08:00 and 18:00 with 90 minutes' grace: 14 h + 1.5 h at most
        assert row["latest_set"]["stale"] is True
        assert row["latest_set"]["stale_after_minutes"] == 14 * 60 + 90

    def test_an_organisation_that_may_not_read_the_record_is_told_so(
        self, client: TestClient, session: Session, m: Monitored
    ) -> None:
        """Another care provider that sees the patient (it registered them) but takes part in
        this episode without the patient's consent to shared records: the patient is on the
        round, the monitoring is 'not shown', never 'none'."""
        w = m.world
        w.episode.shared_records_consent = False
        outsider = make_user(session, w.municipality, role="registered_nurse")
        session.add(
            PatientRegistration(
                patient_id=w.patient.id, organisation_id=w.municipality.id, user_id=outsider.id
            )
        )
        session.flush()

        row = _row(_round(client, session, m, outsider), w.episode.id)

        assert row["monitoring_shown"] is False
        assert "may not read this episode's record" in row["monitoring_not_shown"]
        for field in ("news2_trend", "latest_set", "open_alerts", "visits", "latest_self_report"):
            assert row[field] is None, field

    def test_one_query_per_kind_whatever_the_number_of_patients(
        self, client: TestClient, session: Session, m: Monitored, engine: Any
    ) -> None:
        def statements() -> int:
            seen: list[str] = []

            def count(*args: Any) -> None:
                seen.append(args[2])

            event.listen(engine, "before_cursor_execute", count)
            try:
                _round(client, session, m)
            finally:
                event.remove(engine, "before_cursor_execute", count)
            return len(seen)

        few = statements()
        for n in range(5):
            patient = make_patient(session, given_name=f"Extra{n}")
            make_episode(session, patient, unit=m.world.ward, state="at_home").started_at = (
                utcnow() - timedelta(days=1)
            )
        session.flush()

        assert statements() == few
