"""Long reports as jobs (issue 11): ordered through the API or the outcomes page, made by the
job ``reports.render`` as the person who asked, downloaded by that person only."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from samband.jobs.queue import run_pending
from samband.kit.time import STOCKHOLM, utcnow
from samband.models import (
    AuditEvent,
    Episode,
    EpisodeEvent,
    LocalJob,
    Organisation,
    Patient,
    ReportFile,
    Unit,
    User,
)
from samband.outcomes import render as outcome_render
from samband.outcomes.report import Filters
from samband.outcomes.service import import_episodes, report_for
from samband.security.context import AccessLog, Context
from samband.security.service import actor_of
from tests.factories import (
    auth,
    make_episode,
    make_organisation,
    make_patient,
    make_unit,
    make_user,
)

PNR = "19121212-1212"
HEADER = "episode,personnummer,pathway,type,event,at"
# two episodes of March 2025 (tests/outcomes/test_cli.py's): A, OPAT, 4 days at home; B, COPD
HISTORY = f"""{HEADER}
A,{PNR},opat,early_supported_discharge,candidate,2025-03-01T08:00
A,{PNR},opat,early_supported_discharge,assessed,2025-03-01T12:00
A,{PNR},opat,early_supported_discharge,at_home,2025-03-03T08:00:00+01:00
A,{PNR},opat,early_supported_discharge,visit_done,2025-03-03T10:00
A,{PNR},opat,early_supported_discharge,discharged,2025-03-07T07:00:00Z
B,{PNR},copd,admission_avoidance,at_home,2025-03-10T08:00
B,{PNR},copd,admission_avoidance,ed_visit,2025-03-11T20:00
B,{PNR},copd,admission_avoidance,readmitted,2025-03-12T08:00
"""
MARCH = {"from": "2025-03-01", "to": "2025-03-31"}


@dataclass
class World:
    clinic: Organisation
    ward: Unit
    nurse: User
    analyst: User
    colleague: User  # the same organisation, another person
    device: User
    outsider: User  # another organisation
    patient: Patient


@pytest.fixture
def world(session: Session) -> World:
    clinic = make_organisation(session, kind="hospital_clinic")
    ward = make_unit(session, clinic)
    nurse = make_user(session, clinic, role="registered_nurse", unit=ward)
    return World(
        clinic=clinic,
        ward=ward,
        nurse=nurse,
        analyst=make_user(session, clinic, role="analyst"),
        colleague=make_user(session, clinic, role="registered_nurse", unit=ward),
        device=make_user(session, clinic, role="device"),
        outsider=make_user(session, make_organisation(session, kind="primary_care_centre")),
        patient=make_patient(session, registered_by=nurse),
    )


def _history(session: Session) -> None:
    import_episodes(session, HISTORY.encode(), "history.csv")
    session.flush()


def _episode_at_home(session: Session, w: World) -> Episode:
    episode = make_episode(session, w.patient, unit=w.ward, state="at_home")
    session.add(
        EpisodeEvent(
            episode_id=episode.id,
            at=utcnow() - timedelta(minutes=1),
            kind="transition",
            to_state="at_home",
        )
    )
    session.flush()
    return episode


def _ctx(session: Session, user: User) -> Context:
    session.refresh(user)
    return Context(session, actor_of(user), AccessLog())


def _order(client: TestClient, session: Session, user: User, **body: object) -> dict:  # type: ignore[type-arg]
    response = client.post(
        "/api/v1/reports",
        json={"kind": "outcomes", "format": "csv", **MARCH, **body},
        headers=auth(session, user),
    )
    assert response.status_code == 202, response.text
    assert response.headers["location"] == f"/api/v1/reports/{response.json()['id']}"
    return dict(response.json())


def _run(factory: sessionmaker[Session], *, later: bool = False) -> None:
    run_pending(factory, now=utcnow() + timedelta(minutes=5) if later else None)


def _rows(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(ReportFile)) or 0


def _status(client: TestClient, session: Session, user: User, report_id: str) -> dict:  # type: ignore[type-arg]
    response = client.get(f"/api/v1/reports/{report_id}", headers=auth(session, user))
    assert response.status_code == 200, response.text
    return dict(response.json())


class TestOrderAndDownload:
    def test_queued_then_done_with_the_numbers_of_the_outcomes_report(
        self,
        client: TestClient,
        session: Session,
        session_factory: sessionmaker[Session],
        world: World,
    ) -> None:
        _history(session)

        ordered = _order(client, session, world.analyst, pathway="opat")

        assert ordered["status"] == "queued"
        assert ordered["parameters"]["pathway"] == "opat"
        assert ordered["file_url"] is None
        row = session.get(ReportFile, uuid.UUID(ordered["id"]))
        assert row is not None
        assert row.user_id == world.analyst.id
        _run(session_factory)
        done = _status(client, session, world.analyst, ordered["id"])
        assert done["status"] == "done", done
        assert done["media_type"] == "text/csv; charset=utf-8"
        assert done["filename"] == "samband-outcomes-2025-03-01-2025-03-31.csv"
        file = client.get(done["file_url"], headers=auth(session, world.analyst))
        assert file.status_code == 200
        assert file.headers["content-type"] == "text/csv; charset=utf-8"
        assert "attachment" in file.headers["content-disposition"]
        assert done["size"] == len(file.content)
        expected = report_for(
            _ctx(session, world.analyst),
            date(2025, 3, 1),
            date(2025, 3, 31),
            filters=Filters(pathways=("opat",)),
        )
        assert file.text == outcome_render.to_csv(expected)
        assert "patient_days_at_home,all,4" in file.text.splitlines()

    @pytest.mark.parametrize(
        ("format", "media_type", "magic"),
        [
            ("pdf", "application/pdf", b"%PDF"),
            ("html", "text/html; charset=utf-8", b"<!DOCTYPE html>"),
            ("parquet", "application/vnd.apache.parquet", b"PAR1"),
        ],
    )
    def test_every_format(
        self,
        client: TestClient,
        session: Session,
        session_factory: sessionmaker[Session],
        world: World,
        format: str,
        media_type: str,
        magic: bytes,
    ) -> None:
        _history(session)
        ordered = _order(client, session, world.nurse, format=format)

        _run(session_factory)

        file = client.get(
            f"/api/v1/reports/{ordered['id']}/file", headers=auth(session, world.nurse)
        )
        assert file.status_code == 200, file.text
        assert file.headers["content-type"] == media_type
        assert file.content.startswith(magic)
        if format == "parquet":
            import pyarrow.parquet as pq

            table = pq.read_table(io.BytesIO(file.content)).to_pydict()
            at_home = [
                v
                for i, g, v in zip(table["indicator"], table["group"], table["value"], strict=True)
                if (i, g) == ("patient_days_at_home", "all")
            ]
            assert at_home == [6.0]  # A's 4 days and B's 2

    def test_my_list_has_only_my_reports(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        mine = _order(client, session, world.nurse)
        _order(client, session, world.colleague)

        listed = client.get("/api/v1/reports", headers=auth(session, world.nurse))

        assert listed.status_code == 200
        assert [r["id"] for r in listed.json()] == [mine["id"]]

    def test_not_ready_is_409(self, client: TestClient, session: Session, world: World) -> None:
        ordered = _order(client, session, world.nurse)

        file = client.get(
            f"/api/v1/reports/{ordered['id']}/file", headers=auth(session, world.nurse)
        )

        assert file.status_code == 409


class TestRefusals:
    def test_a_refusal_carries_its_code_and_a_page_shows_it_in_swedish(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        headers = auth(session, world.nurse)
        api = client.post(
            "/api/v1/reports",
            json={"kind": "outcomes", "format": "csv", **MARCH, "organisation": "NOPE"},
            headers=headers,
        )
        client.cookies.set("samband_session", headers["Authorization"][7:])
        page = client.post(
            "/outcomes/reports",
            data={"from": "2025-03-01", "to": "2025-03-31", "format": "pdf", "trace": "1"},
        )

        assert api.status_code == 422
        body = api.json()
        assert (body["code"], body["field"], body["params"]) == (
            "reports.unknown_organisation",
            "organisation",
            {"code": "NOPE"},
        )
        assert body["detail"] == "no organisation with the code 'NOPE'"
        assert page.status_code == 422
        assert "Pdf:en har ingen lista över episoder" in page.text
        assert "the PDF has no list" not in page.text

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"format": "docx"}, "format"),
            ({"from": "2025-04-01", "to": "2025-03-01"}, "to"),
            ({"from": "igår"}, "from"),
            ({"type": "sometimes"}, "type"),
            ({"pathway": "no-such-pathway"}, "pathway"),
            ({"organisation": "NOPE"}, "organisation"),
            ({"kind": "everything"}, "kind"),
            ({"format": "pdf", "trace": True}, "trace"),
            ({"colour": "blue"}, "colour"),
        ],
    )
    def test_bad_input_is_422_and_nothing_is_written(
        self,
        client: TestClient,
        session: Session,
        world: World,
        body: dict[str, object],
        field: str,
    ) -> None:
        jobs_before = session.scalar(select(func.count()).select_from(LocalJob)) or 0

        response = client.post(
            "/api/v1/reports",
            json={"kind": "outcomes", "format": "csv", **MARCH, **body},
            headers=auth(session, world.nurse),
        )

        assert response.status_code == 422, response.text
        assert field in response.text
        assert _rows(session) == 0
        assert (session.scalar(select(func.count()).select_from(LocalJob)) or 0) == jobs_before

    def test_another_persons_report_is_404(
        self,
        client: TestClient,
        session: Session,
        session_factory: sessionmaker[Session],
        world: World,
    ) -> None:
        ordered = _order(client, session, world.nurse)
        _run(session_factory)

        for user in (world.colleague, world.outsider):
            headers = auth(session, user)
            assert (
                client.get(f"/api/v1/reports/{ordered['id']}", headers=headers).status_code == 404
            )
            file = client.get(f"/api/v1/reports/{ordered['id']}/file", headers=headers)
            assert file.status_code == 404
            assert client.get("/api/v1/reports", headers=headers).json() == []
        assert (
            client.get(
                f"/api/v1/reports/{uuid.uuid4()}", headers=auth(session, world.nurse)
            ).status_code
            == 404
        )

    def test_roles_without_directory_read_are_refused(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        headers = auth(session, world.device)

        ordered = client.post("/api/v1/reports", json={"format": "csv", **MARCH}, headers=headers)

        assert ordered.status_code == 403
        assert client.get("/api/v1/reports", headers=headers).status_code == 403
        assert _rows(session) == 0

    def test_trace_needs_patient_read_as_today(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        response = client.post(
            "/api/v1/reports",
            json={"format": "csv", "trace": True, **MARCH},
            headers=auth(session, world.analyst),
        )

        assert response.status_code == 403
        assert _rows(session) == 0

    def test_an_expired_report_is_gone(
        self,
        client: TestClient,
        session: Session,
        session_factory: sessionmaker[Session],
        world: World,
    ) -> None:
        ordered = _order(client, session, world.nurse)
        _run(session_factory)
        row = session.get(ReportFile, uuid.UUID(ordered["id"]))
        assert row is not None
        row.expires_at = utcnow() - timedelta(seconds=1)
        session.flush()
        headers = auth(session, world.nurse)

        assert client.get(f"/api/v1/reports/{ordered['id']}", headers=headers).status_code == 410
        assert (
            client.get(f"/api/v1/reports/{ordered['id']}/file", headers=headers).status_code == 410
        )
        assert client.get("/api/v1/reports", headers=headers).json() == []
        newer = _order(client, session, world.nurse)  # its job deletes the expired one
        _run(session_factory)
        session.expire_all()
        assert session.scalars(select(ReportFile.id)).all() == [uuid.UUID(newer["id"])]


class TestAsThePersonWhoAsked:
    def test_trace_lists_only_the_episodes_they_may_see_and_logs_the_reads(
        self,
        client: TestClient,
        session: Session,
        session_factory: sessionmaker[Session],
        world: World,
    ) -> None:
        episode = _episode_at_home(session, world)
        today = datetime.now(STOCKHOLM).date()
        period = {"from": (today - timedelta(days=1)).isoformat(), "to": today.isoformat()}
        mine = _order(client, session, world.nurse, trace=True, **period)
        theirs = _order(client, session, world.outsider, trace=True, **period)

        _run(session_factory)

        def started(user: User, report_id: str) -> str:
            text = client.get(f"/api/v1/reports/{report_id}/file", headers=auth(session, user)).text
            (line,) = [r for r in text.splitlines() if r.startswith("episodes_started,all,")]
            return line

        assert started(world.nurse, mine["id"]) == f"episodes_started,all,1,{episode.id}"
        assert started(world.outsider, theirs["id"]) == "episodes_started,all,1,"
        logged = session.scalars(
            select(AuditEvent).where(
                AuditEvent.user_id == world.nurse.id, AuditEvent.method == "JOB"
            )
        ).all()
        assert [(e.patient_id, e.path, e.allowed) for e in logged] == [
            (world.patient.id, "reports.render", True)
        ]
        assert logged[0].resource_type == "outcome_report"
        assert not session.scalars(
            select(AuditEvent).where(
                AuditEvent.user_id == world.outsider.id, AuditEvent.patient_id == world.patient.id
            )
        ).all()

    def test_a_role_changed_since_the_order_is_refused_and_logged(
        self,
        client: TestClient,
        session: Session,
        session_factory: sessionmaker[Session],
        world: World,
    ) -> None:
        ordered = _order(client, session, world.nurse, trace=True)
        world.nurse.role = "analyst"  # no patient:read any more
        session.flush()

        _run(session_factory)

        status = _status(client, session, world.nurse, ordered["id"])
        assert status["status"] == "failed"
        assert "patient:read" in status["error"]
        assert status["attempts"] == 1  # no retry: trying again would not help
        denied = session.scalars(
            select(AuditEvent).where(
                AuditEvent.user_id == world.nurse.id,
                AuditEvent.method == "JOB",
                AuditEvent.allowed.is_(False),
            )
        ).all()
        assert len(denied) == 1

    def test_a_failing_render_fails_with_the_reason_after_the_attempts(
        self,
        client: TestClient,
        session: Session,
        session_factory: sessionmaker[Session],
        world: World,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        def broken(*_: object, **__: object) -> bytes:
            raise RuntimeError("the fonts are missing")

        monkeypatch.setattr(outcome_render, "to_pdf", broken)
        ordered = _order(client, session, world.nurse, format="pdf")

        _run(session_factory)
        first = _status(client, session, world.nurse, ordered["id"])
        _run(session_factory, later=True)  # the retry
        last = _status(client, session, world.nurse, ordered["id"])

        assert (first["status"], first["attempts"]) == ("queued", 1)
        assert "the fonts are missing" in first["error"]
        assert (last["status"], last["attempts"]) == ("failed", 2)
        assert "the fonts are missing" in last["error"]
        file = client.get(
            f"/api/v1/reports/{ordered['id']}/file", headers=auth(session, world.nurse)
        )
        assert file.status_code == 409
        assert "the fonts are missing" in file.text


class TestPages:
    def login(self, client: TestClient, session: Session, user: User) -> None:
        client.cookies.set("samband_session", auth(session, user)["Authorization"][7:])

    def test_order_on_the_outcomes_page_then_download(
        self,
        client: TestClient,
        session: Session,
        session_factory: sessionmaker[Session],
        world: World,
    ) -> None:
        _history(session)
        self.login(client, session, world.analyst)
        outcomes = client.get("/outcomes?from=2025-03-01&to=2025-03-31&pathway=opat")
        assert "Beställ rapport" in outcomes.text
        assert 'action="/outcomes/reports"' in outcomes.text

        ordered = client.post(
            "/outcomes/reports",
            data={**MARCH, "pathway": "opat", "format": "csv"},
            follow_redirects=False,
        )

        assert ordered.status_code == 303, ordered.text
        assert ordered.headers["location"] == "/reports?notice=ordered"
        waiting = client.get("/reports?notice=ordered")
        assert waiting.status_code == 200
        assert "Tas fram…" in waiting.text
        assert 'http-equiv="refresh" content="3;url=/reports"' in waiting.text
        assert "Rapporten är beställd" in waiting.text
        _run(session_factory)
        ready = client.get("/reports")
        assert "Tas fram…" not in ready.text
        assert 'http-equiv="refresh"' not in ready.text
        (row,) = session.scalars(select(ReportFile)).all()
        assert f'href="/reports/{row.id}/file"' in ready.text
        assert row.parameters["language"] == "sv"
        file = client.get(f"/reports/{row.id}/file")
        assert file.status_code == 200
        assert file.headers["content-type"] == "text/csv; charset=utf-8"
        assert "patient_days_at_home,all,4" in file.text.splitlines()
        english = client.get("/language/en?next=/reports")
        assert "My reports" in english.text
        client.get("/language/sv?next=/reports")

    def test_a_failed_report_says_why(
        self,
        client: TestClient,
        session: Session,
        session_factory: sessionmaker[Session],
        world: World,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        def broken(*_: object, **__: object) -> str:
            raise RuntimeError("the disk is full")

        monkeypatch.setattr(outcome_render, "to_html", broken)
        self.login(client, session, world.nurse)
        client.post("/outcomes/reports", data={**MARCH, "format": "html"})

        _run(session_factory)
        _run(session_factory, later=True)

        page = client.get("/reports").text
        assert "Misslyckades" in page
        assert "the disk is full" in page
        assert 'http-equiv="refresh"' not in page

    def test_another_persons_file_is_404_and_device_is_403(
        self,
        client: TestClient,
        session: Session,
        session_factory: sessionmaker[Session],
        world: World,
    ) -> None:
        self.login(client, session, world.nurse)
        client.post("/outcomes/reports", data={**MARCH, "format": "csv"})
        _run(session_factory)
        (row,) = session.scalars(select(ReportFile)).all()

        self.login(client, session, world.colleague)
        assert client.get(f"/reports/{row.id}/file").status_code == 404
        assert "Du har inga rapporter." in client.get("/reports").text
        self.login(client, session, world.device)
        assert client.get("/reports").status_code == 403
        refused = client.post("/outcomes/reports", data={**MARCH, "format": "csv"})
        assert refused.status_code == 403
        assert _rows(session) == 1

    def test_bad_form_is_422_and_nothing_is_written(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        self.login(client, session, world.nurse)

        response = client.post("/outcomes/reports", data={**MARCH, "format": "exe"})

        assert response.status_code == 422
        assert _rows(session) == 0
