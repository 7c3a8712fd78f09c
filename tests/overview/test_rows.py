"""What the overview says of each patient at home is true (issue 11): compared with the
monitoring data of tests/rounds/world.py (NEWS2 9, two high alerts, sets over 80 hours, a
self-report, today's visits), the newest set shown with its time even when it holds no NEWS2,
a stale NEWS2 marked, every visit of the day counted (done, to come, missed, cancelled), the
roster's gaps warned of, and the row pushed live saying the same as the page's."""

from __future__ import annotations

import asyncio
import html
import json
import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from samband.kit.time import STOCKHOLM, local_today, utcnow
from samband.live.feed import ChangeFeed
from samband.models import Episode, Visit
from samband.monitoring import summary
from samband.oncall import rules
from samband.overview import service
from samband.pathways.definition import registry
from samband.security.context import AccessLog, Context
from samband.security.service import actor_of
from tests.factories import make_episode, make_patient
from tests.live.test_events import both, cookie, run
from tests.oncall.helpers import full_week
from tests.rounds.world import Monitored, ingest, local, make_monitored
from tests.web.test_overview import login


@pytest.fixture
def m(session: Session) -> Monitored:
    return make_monitored(session)


def overview(client: TestClient, session: Session, m: Monitored) -> str:
    login(client, session, m.world.nurse)
    page = client.get("/overview/live")
    assert page.status_code == 200
    return page.text


def row(page: str, episode_id: object) -> str:
    found = re.search(rf'<tr data-episode="{episode_id}">(.*?)</tr>', page, re.S)
    assert found, episode_id
    return found.group(1)


def cell(part: str, name: str) -> str:
    found = re.search(rf'data-field="{name}">(.*?)</td>', part, re.S)
    assert found, name
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split())


def cells(part: str) -> dict[str, str]:
    return {n: cell(part, n) for n in ("newest", "news2", "alerts", "visits", "self-report")}


def when(at: datetime) -> str:
    """The row's time: "kl. HH:MM" today, else day/month and time."""
    if at.astimezone(STOCKHOLM).date() == local_today():
        return f"kl. {local(at, '%H:%M')}"
    return local(at, "%d/%m %H:%M")


def add_visit(session: Session, m: Monitored, episode: Episode, status: str, hour: int) -> Visit:
    """A visit today made by the world's clinic."""
    today = local_today()
    start = datetime(today.year, today.month, today.day, hour, tzinfo=STOCKHOLM)
    visit = Visit(
        episode_id=episode.id,
        patient_id=episode.patient_id,
        date=today,
        what="IV-antibiotika",
        window_start=start,
        window_end=start + timedelta(hours=1),
        duration_min=30,
        skills=[],
        role="registered_nurse",
        organisation_kind="hospital_clinic",
        organisation_id=m.world.clinic.id,
        source="plan",
        status=status,
        history=[],
    )
    session.add(visit)
    session.flush()
    return visit


class TestRow:
    def test_shows_the_monitoring_data_of_a_patient_with_alerts(
        self, client: TestClient, session: Session, m: Monitored
    ) -> None:
        part = row(overview(client, session, m), m.world.episode.id)
        shown = cells(part)

        latest = m.latest
        assert shown["newest"] == (
            f"T 38,6 · SpO2 90 · P {latest.pulse} · AF 26 · BT 95 {when(latest.measured_at)}"
        )
        assert shown["news2"] == "9 hög"  # its time is the newest set's, shown beside it
        assert "Inaktuell" not in part
        assert shown["alerts"] == str(len(m.alerts)) == "2"
        planned = next(v for v in m.visits if v.status == "planned")
        assert shown["visits"] == (
            f"1 gjorda · 1 kvar · 1 inställda (nästa besök {local(planned.planned_start, '%H:%M')})"  # type: ignore[arg-type]
        )
        assert shown["self-report"] == when(m.self_report.measured_at)
        for nothing in ("Ingen mätning", "Ingen NEWS2", "Inga besök", "Ingen egen", "–"):
            assert nothing not in " ".join(shown.values())

    def test_the_visits_are_counted_as_the_round_counts_them(
        self, session: Session, m: Monitored
    ) -> None:
        add_visit(session, m, m.world.episode, "missed", 7)
        ctx = Context(session, actor_of(m.world.nurse), AccessLog())
        episode = m.world.episode

        [live] = service.live_rows(session, [episode.id])
        monitoring = summary.of_episode(ctx, episode)

        assert monitoring is not None
        expected = monitoring.visits
        got = live.row.visits
        assert (got.done, got.planned, got.missed, got.cancelled, got.next_at) == (
            expected.done,
            expected.planned,
            expected.missed,
            expected.cancelled,
            expected.next_at,
        )
        assert (got.done, got.planned, got.missed, got.cancelled) == (1, 1, 1, 1)
        assert live.row.latest is not None
        assert monitoring.latest is not None
        assert live.row.latest.set.id == monitoring.latest.set.id
        assert live.row.self_report is not None
        assert monitoring.self_report is not None
        assert live.row.self_report.id == monitoring.self_report.id

    def test_a_patient_with_nothing_says_so(
        self, client: TestClient, session: Session, m: Monitored
    ) -> None:
        shown = cells(row(overview(client, session, m), m.quiet_episode.id))

        assert shown == {
            "newest": "Ingen mätning ännu",
            "news2": "–",
            "alerts": "0",
            "visits": "Inga besök idag",
            "self-report": "Ingen egen rapport ännu",
        }


class TestUnscoredSets:
    def test_a_weight_alone_is_shown_with_its_time_not_as_no_measurement(
        self, client: TestClient, session: Session, m: Monitored
    ) -> None:
        at = utcnow() - timedelta(minutes=10)
        ingest(session, m.world, {"weight": 82}, at, patient=m.quiet)

        shown = cells(row(overview(client, session, m), m.quiet_episode.id))

        assert shown["newest"] == f"Vikt 82 kg {when(at)} , ingen NEWS2"
        assert shown["news2"] == "Ingen NEWS2 ännu"
        assert "Ingen mätning" not in " ".join(shown.values())

    def test_a_symptom_report_alone_is_shown_and_is_the_own_report(
        self, client: TestClient, session: Session, m: Monitored
    ) -> None:
        at = utcnow() - timedelta(minutes=30)
        ingest(
            session, m.world, {"symptoms": "Ont i magen"}, at, source="self_report", patient=m.quiet
        )

        shown = cells(row(overview(client, session, m), m.quiet_episode.id))

        assert shown["newest"] == f"Symtom: Ont i magen {when(at)} , ingen NEWS2"
        assert shown["news2"] == "Ingen NEWS2 ännu"
        assert shown["self-report"] == when(at)

    def test_an_unscored_set_after_the_scored_one_shows_both_with_their_times(
        self, client: TestClient, session: Session, m: Monitored
    ) -> None:
        at = utcnow() - timedelta(minutes=5)
        ingest(session, m.world, {"weight": 79.5}, at)

        shown = cells(row(overview(client, session, m), m.world.episode.id))

        assert shown["newest"] == f"Vikt 79,5 kg {when(at)} , ingen NEWS2"
        assert shown["news2"] == f"9 hög {when(m.latest.measured_at)}"


class TestStale:
    def test_a_scored_set_older_than_the_schedule_allows_is_marked(
        self, client: TestClient, session: Session, m: Monitored
    ) -> None:
        allowed = summary.stale_after_of(registry().get(m.quiet_episode.pathway))
        at = utcnow() - allowed - timedelta(hours=1)
        from tests.rounds.world import NEWS2_9

        ingest(session, m.world, {**NEWS2_9, "temperature": 37.0}, at, patient=m.quiet)

        part = row(overview(client, session, m), m.quiet_episode.id)

        assert cell(part, "news2").startswith("8 hög")
        assert cell(part, "news2").endswith("Inaktuell")
        assert 'title="Inaktuell: äldre än mätschemat tillåter"' in part
        assert when(at) in cell(part, "newest")


class TestVisits:
    def test_all_cancelled_are_shown_not_a_dash(
        self, client: TestClient, session: Session, m: Monitored
    ) -> None:
        add_visit(session, m, m.quiet_episode, "cancelled", 9)
        add_visit(session, m, m.quiet_episode, "cancelled", 15)

        assert cell(row(overview(client, session, m), m.quiet_episode.id), "visits") == (
            "0 gjorda · 0 kvar · 2 inställda"
        )

    def test_missed_are_not_counted_as_planned(
        self, client: TestClient, session: Session, m: Monitored
    ) -> None:
        add_visit(session, m, m.quiet_episode, "done", 8)
        add_visit(session, m, m.quiet_episode, "missed", 11)
        add_visit(session, m, m.quiet_episode, "cancelled", 15)

        part = row(overview(client, session, m), m.quiet_episode.id)

        assert cell(part, "visits") == "1 gjorda · 0 kvar · 1 missade · 1 inställda"
        assert "<strong>1 missade</strong>" in part

    def test_in_english(self, client: TestClient, session: Session, m: Monitored) -> None:
        client.cookies.set("samband_lang", "en")
        shown = cells(row(overview(client, session, m), m.world.episode.id))

        assert shown["news2"] == "9 high"
        assert shown["visits"].startswith("1 done · 1 to come · 1 cancelled (next visit ")
        quiet = cells(row(overview(client, session, m), m.quiet_episode.id))
        assert quiet["visits"] == "No visits today"
        assert quiet["self-report"] == "No self-report yet"


class TestQueries:
    def test_one_query_per_kind_whatever_the_number_of_patients(
        self, client: TestClient, session: Session, m: Monitored, engine: Any
    ) -> None:
        login(client, session, m.world.nurse)

        def statements() -> int:
            seen: list[str] = []

            def count(*args: Any) -> None:
                seen.append(args[2])

            event.listen(engine, "before_cursor_execute", count)
            try:
                assert client.get("/overview/live").status_code == 200
            finally:
                event.remove(engine, "before_cursor_execute", count)
            return len(seen)

        statements()  # the patients shown are logged once per period
        few = statements()
        for n in range(5):
            patient = make_patient(session, given_name=f"Extra{n}")
            episode = make_episode(
                session, patient, unit=m.world.ward, state="at_home", care_contact=m.world.nurse
            )
            episode.started_at = utcnow() - timedelta(days=1)
            session.flush()
            ingest(session, m.world, {"weight": 70 + n}, utcnow(), patient=patient)
            add_visit(session, m, episode, "done", 8)
        statements()
        assert statements() == few


class TestRosterWarning:
    def test_a_gap_in_the_roster_is_warned_of_on_the_overview(
        self, client: TestClient, session: Session, m: Monitored
    ) -> None:
        login(client, session, m.world.nurse)
        full_week(session, m.world.clinic, rules.PHYSICIAN, "Doktor D", "070-1")

        page = client.get("/").text

        warnings = re.findall(r"<p [^>]*data-oncall-warning>(.*?)</p>", page)
        assert len(warnings) == 1
        assert warnings[0].startswith("Sjuksköterska i beredskap saknas i jourlistan för")
        assert m.world.ward.name in html.unescape(warnings[0])

    def test_a_full_roster_gives_no_warning(
        self, client: TestClient, session: Session, m: Monitored
    ) -> None:
        login(client, session, m.world.nurse)
        for role in rules.ROLES:
            full_week(session, m.world.clinic, role, "X", "070-1")

        assert "data-oncall-warning" not in client.get("/").text


class TestPushedRow:
    def test_the_pushed_row_says_what_the_page_says(
        self,
        client: TestClient,
        session: Session,
        session_factory: sessionmaker[Session],
        m: Monitored,
    ) -> None:
        nurse = cookie(session, m.world.nurse)
        pushed: list[str] = []
        weight_at = utcnow() - timedelta(minutes=2)

        async def body(app: Any, feed: ChangeFeed) -> None:
            await feed.tick()
            [stream] = await both(app, nurse)
            try:
                ingest(session, m.world, {"weight": 81}, weight_at)
                await feed.tick()
                event_ = await stream.next()
                assert event_ is not None
                assert event_.event == "rows"
                rows = json.loads(event_.data)["rows"]
                assert [r["episode"] for r in rows] == [str(m.world.episode.id)]
                pushed.append(rows[0]["html"])
            finally:
                await stream.close()
            await asyncio.sleep(0)

        run(session_factory, body)

        live = cells(row(pushed[0], m.world.episode.id))
        page = cells(row(overview(client, session, m), m.world.episode.id))
        assert live == page
        assert live["newest"] == f"Vikt 81 kg {when(weight_at)} , ingen NEWS2"
        assert live["news2"] == f"9 hög {when(m.latest.measured_at)}"
        assert live["alerts"] == "2"
        assert live["visits"].startswith("1 gjorda · 1 kvar · 1 inställda")
        assert live["self-report"] == when(m.self_report.measured_at)
