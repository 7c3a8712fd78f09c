"""The patient's copy as a printable page and its PDF: /patients/{id}/copy(.pdf)."""

from __future__ import annotations

import io
from datetime import timedelta

from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.kit.time import utcnow
from samband.models import AuditEvent, Patient, User
from tests.factories import (
    auth,
    make_care_plan,
    make_episode,
    make_medication,
    make_organisation,
    make_patient,
    make_unit,
    make_user,
)

UNIT_PHONE = "018-611 22 33"


def login(client: TestClient, session: Session, user: User) -> None:
    client.cookies.set("samband_session", auth(session, user)["Authorization"][7:])


def _kim(session: Session, *, with_plan: bool = True) -> tuple[User, Patient]:
    clinic = make_organisation(session)
    ward = make_unit(session, clinic)
    ward.phone = UNIT_PHONE
    nurse = make_user(session, clinic, unit=ward)
    patient = make_patient(
        session,
        registered_by=nurse,
        given_name="Kim",
        family_name="Sandberg",
        what_matters="Att få sova hemma.",
    )
    episode = make_episode(session, patient, unit=ward, state="at_home", care_contact=nurse)
    episode.started_at = utcnow() - timedelta(days=1)
    if with_plan:
        make_care_plan(session, episode, by=nurse, acknowledged_by=["patient"])
        make_medication(session, episode, by=nurse, drug="Cefotaxim", days=7)
    session.flush()
    return nurse, patient


class TestCopyPage:
    def test_shows_every_section_with_print_and_pdf(
        self, client: TestClient, session: Session
    ) -> None:
        nurse, patient = _kim(session)
        login(client, session, nurse)

        page = client.get(f"/patients/{patient.id}/copy")

        assert page.status_code == 200
        for text in (
            "Din plan för vård i hemmet",
            "Kim Sandberg",
            "Vad som är viktigt för dig",
            "Att få sova hemma.",
            "Det här händer i dag och de närmaste dagarna",
            "3 gånger om dagen kommer en sjuksköterska från hemsjukvården",
            "Vem ringer du?",
            UNIT_PHONE,
            "Om du blir sämre",
            "Ring 112 vid livshotande tillstånd.",
            "Dina läkemedel",
            "Cefotaxim",
            "När kan du skrivas ut?",
            "Vi räknar med att det blir omkring",
            "Skriv ut",
            f'href="/patients/{patient.id}/copy.pdf"',
        ):
            assert text in page.text, text

    def test_in_english_when_the_user_chose_english(
        self, client: TestClient, session: Session
    ) -> None:
        nurse, patient = _kim(session)
        login(client, session, nurse)
        client.get("/language/en")

        page = client.get(f"/patients/{patient.id}/copy")

        assert "Your plan for care at home" in page.text
        assert "Whom do you call?" in page.text
        assert "Call 112 if life is in danger." in page.text
        assert "Download PDF" in page.text

    def test_the_view_is_logged(self, client: TestClient, session: Session) -> None:
        nurse, patient = _kim(session)
        login(client, session, nurse)

        client.get(f"/patients/{patient.id}/copy")

        row = session.scalars(
            select(AuditEvent).where(
                AuditEvent.user_id == nurse.id, AuditEvent.resource_type == "patient_copy"
            )
        ).one()
        assert (row.action, row.allowed, row.patient_id) == ("print", True, patient.id)

    def test_an_unrelated_organisation_gets_the_404_page(
        self, client: TestClient, session: Session
    ) -> None:
        _nurse, patient = _kim(session)
        outsider = make_user(session, make_organisation(session))
        login(client, session, outsider)

        page = client.get(f"/patients/{patient.id}/copy")
        document = client.get(f"/patients/{patient.id}/copy.pdf")

        assert page.status_code == 404
        assert "Kim" not in page.text
        assert document.status_code == 404
        assert document.headers["content-type"].startswith("text/html")

    def test_without_a_plan_a_clear_message(self, client: TestClient, session: Session) -> None:
        nurse, patient = _kim(session, with_plan=False)
        login(client, session, nurse)

        page = client.get(f"/patients/{patient.id}/copy")
        document = client.get(f"/patients/{patient.id}/copy.pdf")

        assert page.status_code == 200
        assert "Det finns ingen plan för vård i hemmet ännu." in page.text
        assert "Ladda ner PDF" not in page.text
        assert document.status_code == 409
        assert "ingen vårdplan ännu" in document.text
        assert "no care plan yet" not in document.text

    def test_needs_login(self, client: TestClient, session: Session) -> None:
        _nurse, patient = _kim(session)

        response = client.get(f"/patients/{patient.id}/copy", follow_redirects=False)

        assert response.status_code == 303
        assert response.headers["location"].startswith("/login")


class TestCopyPdf:
    def test_the_pdf_of_the_latest_episode(self, client: TestClient, session: Session) -> None:
        nurse, patient = _kim(session)
        login(client, session, nurse)

        response = client.get(f"/patients/{patient.id}/copy.pdf")

        assert response.status_code == 200
        assert response.headers["content-type"] == "application/pdf"
        text = "\n".join(
            p.extract_text() or "" for p in PdfReader(io.BytesIO(response.content)).pages
        )
        assert "Kim Sandberg" in text
        assert UNIT_PHONE in text
        assert "Cefotaxim" in text
        assert "112" in text
