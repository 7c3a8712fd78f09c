"""The physician-support indicators through the database (SQLite, and PostgreSQL when
SAMBAND_TEST_DATABASE_URL is set): the rows of ``physician_world``'s month stored as the
services store them (physician requests, physician visits and bookings, hospital stays,
fixed physician changes), read back from the CSV of ``samband report`` and of the report job,
under the names of docs/indicators.md, with the values worked out by hand."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from samband.cli import app
from samband.config import get_settings
from samband.db import make_engine
from samband.jobs.queue import run_pending
from samband.kit.time import STOCKHOLM
from samband.models import (
    HospitalStay,
    Organisation,
    Patient,
    PatientAssignment,
    PhysicianRequest,
    PhysicianSlot,
    ReportFile,
    SlotBooking,
    User,
    Visit,
)
from samband.outcomes import physicians, render
from samband.outcomes.report import Filters
from samband.outcomes.service import build_report, report_for
from samband.reports import service as reports
from samband.reports.schemas import ReportCreate
from samband.security.context import AccessLog, Context
from samband.security.service import actor_of
from samband.web.base import LANGUAGE_COOKIE
from tests.factories import (
    auth,
    make_episode,
    make_organisation,
    make_patient,
    make_unit,
    make_user,
)
from tests.outcomes import physician_world as world
from tests.outcomes.helpers import AS_OF, at

FIRST, LAST = date(2025, 3, 1), date(2025, 3, 31)
MIN = timedelta(minutes=1)


@dataclass
class Stored:
    organisations: dict[str, Organisation]
    physicians: dict[str, User]
    analyst: User
    patients: dict[str, Patient]


def store(session: Session) -> Stored:
    """``physician_world``'s month as rows."""
    orgs = {
        "MUNI": make_organisation(
            session, code="MUNI", kind="municipal_home_health_care", authority_kind="municipality"
        ),
        "MUNI2": make_organisation(
            session, code="MUNI2", kind="municipal_home_health_care", authority_kind="municipality"
        ),
        "VC1": make_organisation(session, code="VC1", kind="primary_care_centre"),
        "VC2": make_organisation(session, code="VC2", kind="primary_care_centre"),
        "SJH": make_organisation(session, code="SJH", kind="hospital_clinic"),
    }
    unit = make_unit(session, orgs["MUNI"])
    nurses = {
        code: make_user(session, orgs[code], role="registered_nurse") for code in ("MUNI", "MUNI2")
    }
    doctors = {
        "A": make_user(session, orgs["VC1"], role="physician"),
        "B": make_user(session, orgs["VC1"], role="physician"),
        "C": make_user(session, orgs["VC2"], role="physician"),
    }
    analyst = make_user(session, orgs["MUNI"], role="analyst")
    patients = {"P": make_patient(session), "Q": make_patient(session)}
    enrolments = {}
    for name, patient in patients.items():
        episode = make_episode(
            session,
            patient,
            unit=unit,
            state="at_home",
            pathway="home_health_care",
            type="home_health_care",
            with_checklist=False,
        )
        episode.kind = "home_health_care"
        enrolments[name] = episode
    session.flush()
    # P's fixed physician: A, then B
    for when, old, new in world.FIXED_CHANGES:
        session.add(
            PatientAssignment(
                patient_id=patients["P"].id,
                kind="fixed_physician",
                from_user_id=doctors[old].id if old else None,
                to_user_id=doctors[new].id,
                by_user_id=nurses["MUNI"].id,
                by_organisation_id=orgs["MUNI"].id,
                created_at=at(when),
            )
        )
    patients["P"].fixed_physician_id = doctors["B"].id
    for r in world.requests():
        session.add(
            PhysicianRequest(
                patient_id=patients[r.patient].id,
                episode_id=enrolments[r.patient].id,
                asked_by_id=nurses[r.asking_organisation].id,
                asking_organisation_id=orgs[r.asking_organisation].id,
                urgency=r.urgency,
                situation="Andfådd sedan i morse",
                agreement="default",
                due_at=r.due_at,
                physician_organisation_id=orgs[r.physician_organisation].id
                if r.physician_organisation
                else None,
                routed_via="fixed_physician",
                status=r.status,
                answer_kind=r.answer_kind,
                answer_text="Se svar" if r.answer_kind else None,
                answered_at=r.answered_at,
                answered_by_id=doctors[r.answered_by].id if r.answered_by else None,
                created_at=r.asked_at,
            )
        )
    # the physician visits: v1 booked (35 min recorded), v2 no times (45 planned), v3 30 min
    slot = PhysicianSlot(
        organisation_id=orgs["VC1"].id,
        physician_id=doctors["B"].id,
        weekdays=[1, 2, 3, 4, 5],
        start_time="11:00",
        end_time="12:00",
        book_by="08:30",
        capacity=2,
        visit_minutes=30,
        valid_from=date(2025, 1, 1),
        created_by_id=doctors["B"].id,
    )
    session.add(slot)
    session.flush()
    for patient, org, doctor, start, end, planned in (
        ("P", "VC1", "B", "2025-03-13 11:00", "2025-03-13 11:35", 30),
        ("P", "VC1", "A", "2025-03-14 11:00", None, 45),
        ("Q", "VC2", "C", "2025-03-20 11:00", "2025-03-20 11:30", 30),
    ):
        visit = Visit(
            episode_id=enrolments[patient].id,
            patient_id=patients[patient].id,
            date=at(start).astimezone(STOCKHOLM).date(),
            what="Läkarbesök",
            window_start=at(start),
            window_end=at(start) + 60 * MIN,
            duration_min=planned,
            role="physician",
            organisation_kind="primary_care_centre",
            organisation_id=orgs[org].id,
            source="ad_hoc",
            status="done",
            assigned_user_id=doctors[doctor].id,
            started_at=at(start) if end else None,
            ended_at=at(end) if end else None,
        )
        session.add(visit)
        session.flush()
        if doctor == "B":
            session.add(
                SlotBooking(
                    slot_id=slot.id,
                    date=visit.date,
                    patient_id=patients[patient].id,
                    visit_id=visit.id,
                    booked_by_id=nurses["MUNI"].id,
                )
            )
    # a visit that does not count: a nurse's, and a physician visit cancelled
    for role, status in (("registered_nurse", "done"), ("physician", "cancelled")):
        session.add(
            Visit(
                episode_id=enrolments["P"].id,
                patient_id=patients["P"].id,
                date=date(2025, 3, 15),
                what="Besök",
                window_start=at("2025-03-15 10:00"),
                window_end=at("2025-03-15 11:00"),
                duration_min=20,
                role=role,
                organisation_kind="municipal_home_health_care",
                organisation_id=orgs["VC1"].id,
                source="ad_hoc",
                status=status,
                assigned_user_id=doctors["A"].id,
                started_at=at("2025-03-15 10:00"),
                ended_at=at("2025-03-15 10:20"),
            )
        )
    for s in world.stays():
        session.add(
            HospitalStay(
                patient_id=patients[s.patient].id,
                episode_id=enrolments[s.patient].id,
                hospital_organisation_id=orgs[s.hospital].id,
                admitted_at=s.admitted_at,
                admission_notice_sent_at=s.notice_sent_at,
                ready_for_discharge_on=s.ready_on,
                discharged_at=s.discharged_at,
                created_by_id=doctors["C"].id,
            )
        )
    session.flush()
    return Stored(orgs, doctors, analyst, patients)


def parse(text: str) -> dict[tuple[str, str], str]:
    lines = text.splitlines()
    assert lines[0] in ("indicator,group,value", "indicator,group,value,episodes")
    return {(r["indicator"], r["group"]): r["value"] for r in csv.DictReader(io.StringIO(text))}


def _ctx(session: Session, user: User) -> Context:
    session.refresh(user)
    return Context(session, actor_of(user), AccessLog())


class TestTheReportReadsTheRows:
    def test_the_csv_gives_the_hand_computed_values(self, session: Session) -> None:
        store(session)

        report = build_report(session, FIRST, LAST, as_of=AS_OF)
        found = parse(render.to_csv(report))

        assert {key: found.get(key) for key in world.EXPECTED} == world.EXPECTED

    def test_the_enrolments_are_not_episodes_of_hospital_care_at_home(
        self, session: Session
    ) -> None:
        store(session)

        found = parse(render.to_csv(build_report(session, FIRST, LAST, as_of=AS_OF)))

        assert found[("visits_done", "all")] == "0"
        assert not any(group.startswith("pathway=home_health_care") for _, group in found)

    def test_an_organisation_filter_keeps_its_own_rows(self, session: Session) -> None:
        store(session)

        report = build_report(
            session, FIRST, LAST, filters=Filters(organisations=("VC2",)), as_of=AS_OF
        )
        found = parse(render.to_csv(report))

        assert found[("physician_requests", "all")] == "3"
        assert found[("physician_home_visits", "all")] == "1"
        assert found[("hospital_stays_admitted", "all")] == "0"
        assert ("physician_requests", "urgency=acute") not in found

    def test_a_pathway_filter_keeps_the_rows_of_its_enrolments(self, session: Session) -> None:
        store(session)

        enrolled = build_report(
            session, FIRST, LAST, filters=Filters(pathways=("home_health_care",)), as_of=AS_OF
        )
        opat = build_report(session, FIRST, LAST, filters=Filters(pathways=("opat",)), as_of=AS_OF)

        assert parse(render.to_csv(enrolled))[("physician_requests", "all")] == "9"
        assert parse(render.to_csv(opat))[("physician_requests", "all")] == "0"

    def test_imported_history_only_has_no_physician_data(self, session: Session) -> None:
        store(session)

        report = build_report(session, FIRST, LAST, filters=Filters(source="import"), as_of=AS_OF)
        found = parse(render.to_csv(report))

        assert found[("physician_requests", "all")] == "NA"
        assert found[("physician_request_answer_minutes_median", "all")] == "NA"

    def test_an_analyst_gets_aggregates_only(self, session: Session) -> None:
        stored = store(session)

        report = report_for(_ctx(session, stored.analyst), FIRST, LAST)
        text = render.to_csv(report, trace=True)
        found = parse(text)

        assert found[("physician_request_answer_minutes_p90", "urgency=acute")] == "70"
        assert all(not v.episodes for v in report.values)
        for patient in stored.patients.values():
            assert str(patient.id) not in text
            assert patient.family_name not in text
        for physician in stored.physicians.values():
            assert str(physician.id) not in text


class TestTheReportJob:
    def test_the_job_s_csv_has_them_under_the_same_names(
        self, session: Session, session_factory: sessionmaker[Session]
    ) -> None:
        stored = store(session)
        ctx = _ctx(session, stored.analyst)
        ordered = reports.order(
            ctx,
            ReportCreate.model_validate(
                {"format": "csv", "from": "2025-03-01", "to": "2025-03-31"}
            ),
        )
        session.flush()

        run_pending(session_factory)

        row = session.scalars(
            select(ReportFile)
            .where(ReportFile.id == ordered.id)
            .execution_options(populate_existing=True)
        ).one()
        assert row.status == "done", row.error
        assert row.content is not None
        found = parse(row.content.decode("utf-8"))
        assert {key: found.get(key) for key in world.EXPECTED} == world.EXPECTED


# -- `samband report` itself, on a SQLite file of its own (the command commits) ------------------

runner = CliRunner()


@pytest.fixture
def database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'physicians.db'}"
    monkeypatch.setenv("SAMBAND_DATABASE_URL", url)
    get_settings.cache_clear()
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    yield url
    get_settings.cache_clear()


class TestTheCommand:
    def test_samband_report_writes_them_to_the_csv(self, database_url: str, tmp_path: Path) -> None:
        engine = make_engine(database_url)
        try:
            with Session(engine) as session:
                store(session)
                session.commit()
        finally:
            engine.dispose()
        out = tmp_path / "report.csv"

        result = runner.invoke(
            app, ["report", "--from", "2025-03-01", "--to", "2025-03-31", "--out", str(out)]
        )
        printed = runner.invoke(app, ["report", "--from", "2025-03-01", "--to", "2025-03-31"])

        assert result.exit_code == 0, result.output
        found = parse(out.read_text(encoding="utf-8"))
        assert {key: found.get(key) for key in world.EXPECTED} == world.EXPECTED
        assert printed.exit_code == 0, printed.output
        assert "physician_request_answer_minutes_median,urgency=acute,25" in printed.stdout

    def test_the_names_are_those_of_the_docs(self) -> None:
        docs = (Path(__file__).resolve().parents[2] / "docs" / "indicators.md").read_text(
            encoding="utf-8"
        )
        names = set(physicians.NAMES) | {name for name, _ in world.EXPECTED}

        missing = sorted(n for n in names if f"`{n}`" not in docs)

        assert not missing


class TestTheOutcomesPage:
    """/outcomes (web/outcomes.py): the section in Swedish and English, and the requests per
    urgency; aggregates only for an analyst."""

    def _page(self, client: TestClient, session: Session, lang: str | None) -> str:
        stored = store(session)
        client.cookies.set("samband_session", auth(session, stored.analyst)["Authorization"][7:])
        if lang:
            client.cookies.set(LANGUAGE_COOKIE, lang)
        page = client.get("/outcomes?from=2025-03-01&to=2025-03-31")
        assert page.status_code == 200, page.text
        for patient in stored.patients.values():
            assert patient.family_name not in page.text
        for physician in stored.physicians.values():
            assert physician.full_name not in page.text
        return page.text

    def test_in_swedish(self, client: TestClient, session: Session) -> None:
        text = self._page(client, session, None)

        assert "Läkarstöd (läkarkontakter, läkarbesök, utskrivning)" in text
        assert "Tid till svar, 90:e percentilen (minuter)" in text
        table = text.split('id="physician-requests-by-urgency"')[1].split("</table>")[0]
        assert "Läkarkontakter per brådska" in table
        assert ">Akut<" in table
        assert ">Samma dag<" in table
        # acute: median 25, p90 70 (one decimal, decimal comma)
        assert "25,0" in table
        assert "70,0" in table

    def test_in_english(self, client: TestClient, session: Session) -> None:
        text = self._page(client, session, "en")

        assert "Physician support (requests, visits, discharge)" in text
        assert "Share answered within the agreed limit" in text
        table = text.split('id="physician-requests-by-urgency"')[1].split("</table>")[0]
        assert ">Acute<" in table
        assert "70.0" in table
