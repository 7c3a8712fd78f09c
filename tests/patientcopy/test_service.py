"""The patient's copy: built through the services with the caller's access checked and
logged, rendered as a real PDF, and served at GET /api/v1/episodes/{id}/patient-copy.pdf."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.kit.errors import Conflict, NotFound
from samband.kit.time import STOCKHOLM
from samband.models import AuditEvent, Episode, Organisation, Patient, User
from samband.patientcopy import pdf, service
from samband.security.context import Context
from samband.security.service import actor_of
from tests.factories import (
    auth,
    make_care_plan,
    make_episode_at_home,
    make_medication,
    make_municipality,
    make_organisation,
    make_patient,
    make_unit,
    make_user,
)

TODAY = date(2025, 5, 14)  # a Wednesday
WARD_PHONE = "018-611 22 33"
HOME_HEALTH_PHONE = "023-400 10 00"


@dataclass
class World:
    clinic: Organisation
    home_health: Organisation
    nurse: User
    outsider: User
    patient: Patient
    episode: Episode


def _pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _world(
    session: Session, *, with_plan: bool = True, started: date | None = TODAY - timedelta(days=1)
) -> World:
    clinic = make_organisation(session, name="Infektionskliniken")
    ward = make_unit(session, clinic, beds=1)
    ward.phone = WARD_PHONE
    home_health = make_municipality(session)
    home_health.phone = HOME_HEALTH_PHONE
    nurse = make_user(session, clinic, unit=ward)
    physician = make_user(session, clinic, unit=ward, role="physician")
    patient = make_patient(
        session,
        registered_by=nurse,
        given_name="Kim",
        family_name="Sandberg",
        what_matters="Att få sova hemma och gå ut med hunden.",
    )
    episode = make_episode_at_home(
        session,
        patient,
        unit=ward,
        since=None if started is None else datetime.combine(started, time(10), tzinfo=STOCKHOLM),
        home_care=home_health,
        plan_by=nurse if with_plan else None,
        acknowledged_by=["patient"],
        physician=physician,
        care_contact=nurse,
    )
    if with_plan:
        make_medication(
            session,
            episode,
            by=nurse,
            drug="Cefotaxim",
            dose="1 g",
            schedule="08:00 16:00 24:00",
            days=7,
            start_date=started,
            given_by_organisation_id=home_health.id,
        )
    session.flush()
    return World(
        clinic=clinic,
        home_health=home_health,
        nurse=nurse,
        outsider=make_user(session, make_organisation(session)),
        patient=patient,
        episode=episode,
    )


def _ctx(session: Session, user: User) -> Context:
    session.refresh(user)
    return Context(session=session, actor=actor_of(user))


class TestBuild:
    def test_the_copy_in_plain_swedish(self, session: Session) -> None:
        w = _world(session)

        copy = service.for_episode(_ctx(session, w.nurse), w.episode.id, today=TODAY)

        assert copy.has_plan
        assert copy.patient_name == "Kim Sandberg"
        assert copy.plan_version == 1
        assert copy.printed_text == "14 maj 2025"
        assert copy.labels["title"] == "Din plan för vård i hemmet"
        assert copy.what_matters == "Att få sova hemma och gå ut med hunden."
        assert copy.goals == ["Att avsluta antibiotikabehandlingen hemma"]
        today, tomorrow, after = copy.days
        assert today.number == 2
        assert today.label == "I dag, onsdag 14 maj 2025 – dag 2 hemma"
        assert (
            # the IV activity says the medication list's times, as its visits (decision 0015)
            "Varje dag kl. 08.00, 16.00 och 24.00 kommer en sjuksköterska från hemsjukvården "
            "och ger antibiotika "
            "i PICC-linjen." in today.lines
        )
        assert not any("blodprov" in line for line in today.lines)
        assert tomorrow.number == 3
        assert any("Dag 3" in line and "tar blodprov" in line for line in tomorrow.lines)
        assert after.label.startswith("Fredag 16 maj 2025")

    def test_contacts_get_the_units_phone_and_the_care_contact_is_named(
        self, session: Session
    ) -> None:
        w = _world(session)

        copy = service.for_episode(_ctx(session, w.nurse), w.episode.id, today=TODAY)

        assert copy.care_contact is not None
        assert copy.care_contact.who == w.nurse.full_name
        assert copy.care_contact.phone == WARD_PHONE
        assert [(c.when, c.who, c.phone) for c in copy.contacts] == [
            ("Vardagar kl. 07–16", "Din fasta vårdkontakt på infektionskliniken", WARD_PHONE),
            ("Alla andra tider", "Infektionsavdelningen", WARD_PHONE),
        ]

    def test_a_contact_naming_home_health_care_gets_its_phone_and_a_given_phone_is_kept(
        self, session: Session
    ) -> None:
        w = _world(session, with_plan=False)
        make_care_plan(
            session,
            w.episode,
            by=w.nurse,
            content={
                "goals": ["Komma hem"],
                "activities": [],
                "contacts": [
                    {"when": "every day 07-21", "who": "Hemsjukvården i Falun", "phone": None},
                    {"when": "other times", "who": "Jouren", "phone": "0771-11 22 33"},
                ],
                "if_worse": ["Ring hemsjukvården"],
                "discharge_criteria": ["Feberfri"],
            },
        )

        copy = service.for_episode(_ctx(session, w.nurse), w.episode.id, today=TODAY)

        assert [c.phone for c in copy.contacts] == [HOME_HEALTH_PHONE, "0771-11 22 33"]
        assert copy.goals == ["Komma hem"]
        assert copy.if_worse == ["Ring hemsjukvården", "Ring 112 vid livshotande tillstånd."]
        assert copy.medications == []

    def test_if_worse_medicines_and_discharge(self, session: Session) -> None:
        w = _world(session)

        copy = service.for_episode(_ctx(session, w.nurse), w.episode.id, today=TODAY)

        assert copy.if_worse[-1] == "Ring 112 vid livshotande tillstånd."
        assert "Svårt att andas, ont i bröstet eller förvirring: ring 112." in copy.if_worse
        (medication,) = copy.medications
        assert medication.drug == "Cefotaxim"
        assert medication.when == "Varje dag kl. 08.00, 16.00 och 24.00"
        assert medication.given_by == "En sjuksköterska från hemsjukvården"
        assert medication.how_long == "7 dagar (till och med 19 maj 2025)"
        assert (
            copy.discharge_criteria[0] == "Du har fått all antibiotika som läkaren har ordinerat."
        )
        assert copy.expected_discharge == TODAY - timedelta(days=1) + timedelta(days=7)
        assert copy.expected_text is not None
        assert "20 maj 2025" in copy.expected_text

    def test_in_english(self, session: Session) -> None:
        w = _world(session)

        copy = service.for_episode(_ctx(session, w.nurse), w.episode.id, lang="en", today=TODAY)

        assert copy.labels["title"] == "Your plan for care at home"
        assert copy.days[0].label == "Today, Wednesday, 14 May 2025 – day 2 at home"
        assert copy.if_worse[-1] == "Call 112 if life is in danger."
        assert copy.medications[0].given_by == "A nurse from home health care"

    def test_before_going_home_the_days_say_so(self, session: Session) -> None:
        w = _world(session, started=None)
        w.episode.state = "planned"
        w.episode.planned_home_date = TODAY + timedelta(days=2)

        copy = service.for_episode(_ctx(session, w.nurse), w.episode.id, today=TODAY)

        first, second, third = copy.days
        assert first.number == -1
        assert first.lines == [
            "Du har inte åkt hem ännu. Planen börjar den dag du kommer hem (16 maj 2025)."
        ]
        assert third.number == 1
        assert any("ger antibiotika" in line for line in third.lines)

    def test_reading_is_logged_as_print(self, session: Session) -> None:
        w = _world(session)
        ctx = _ctx(session, w.nurse)

        service.for_episode(ctx, w.episode.id, today=TODAY)

        (entry,) = ctx.log.entries
        assert (entry.action, entry.resource_type, entry.allowed) == (
            "print",
            "patient_copy",
            True,
        )
        assert entry.patient_id == w.patient.id


class TestAccess:
    def test_an_unrelated_organisation_gets_404_and_is_logged(self, session: Session) -> None:
        w = _world(session)
        ctx = _ctx(session, w.outsider)

        with pytest.raises(NotFound):
            service.for_episode(ctx, w.episode.id, today=TODAY)
        with pytest.raises(NotFound):
            service.for_patient(ctx, w.patient.id, today=TODAY)

        assert [(e.action, e.allowed) for e in ctx.log.entries] == [
            ("print", False),
            ("print", False),
        ]

    def test_without_a_plan_the_copy_says_so_and_the_pdf_is_refused(self, session: Session) -> None:
        w = _world(session, with_plan=False)

        copy = service.for_patient(_ctx(session, w.nurse), w.patient.id, today=TODAY)

        assert not copy.has_plan
        assert copy.episode_id == w.episode.id
        assert copy.labels["no_plan"].startswith("Det finns ingen plan")
        with pytest.raises(Conflict, match="has no care plan yet"):
            service.require_plan(copy)

    def test_a_patient_without_an_episode_has_no_plan(self, session: Session) -> None:
        nurse = make_user(session, make_organisation(session))
        patient = make_patient(session, registered_by=nurse, given_name="Lisa")

        copy = service.for_patient(_ctx(session, nurse), patient.id, today=TODAY)

        assert not copy.has_plan
        assert copy.episode_id is None
        assert copy.patient_name.startswith("Lisa ")


class TestPdf:
    @pytest.mark.parametrize("font_dir", [pdf.DEJAVU, None], ids=["dejavu-if-present", "helvetica"])
    def test_a_real_pdf_with_the_essentials(self, session: Session, font_dir: object) -> None:
        w = _world(session)
        copy = service.for_episode(_ctx(session, w.nurse), w.episode.id, today=TODAY)

        text = _pdf_text(pdf.render(copy, font_dir=font_dir))  # type: ignore[arg-type]

        assert "Din plan för vård i hemmet" in text
        assert "Kim Sandberg" in text
        assert WARD_PHONE in text
        assert "Cefotaxim" in text
        assert "112" in text
        assert "Vem ringer du?" in text
        assert "Dina läkemedel" in text
        assert "När kan du skrivas ut?" in text

    def test_helvetica_is_the_fallback(self) -> None:
        assert pdf.fonts(None) == ("Helvetica", "Helvetica-Bold")
        assert pdf.fonts(pdf.DEJAVU / "no-such-folder") == ("Helvetica", "Helvetica-Bold")


class TestApi:
    def _url(self, episode: Episode) -> str:
        return f"/api/v1/episodes/{episode.id}/patient-copy.pdf"

    def test_the_pdf(self, client: TestClient, session: Session) -> None:
        w = _world(session)

        response = client.get(self._url(w.episode), headers=auth(session, w.nurse))

        assert response.status_code == 200
        assert response.headers["content-type"] == "application/pdf"
        text = _pdf_text(response.content)
        assert "Kim Sandberg" in text
        assert "Cefotaxim" in text
        row = session.scalars(
            select(AuditEvent).where(
                AuditEvent.resource_type == "patient_copy", AuditEvent.user_id == w.nurse.id
            )
        ).one()
        assert (row.action, row.allowed, row.patient_id) == ("print", True, w.patient.id)

    def test_in_english(self, client: TestClient, session: Session) -> None:
        w = _world(session)

        response = client.get(
            self._url(w.episode), params={"lang": "en"}, headers=auth(session, w.nurse)
        )

        assert "Your plan for care at home" in _pdf_text(response.content)

    def test_an_unrelated_organisation_gets_404(self, client: TestClient, session: Session) -> None:
        w = _world(session)

        response = client.get(self._url(w.episode), headers=auth(session, w.outsider))

        assert response.status_code == 404
        row = session.scalars(select(AuditEvent).where(AuditEvent.user_id == w.outsider.id)).one()
        assert (row.action, row.resource_type, row.allowed) == ("print", "patient_copy", False)

    def test_no_plan_is_409(self, client: TestClient, session: Session) -> None:
        w = _world(session, with_plan=False)

        response = client.get(self._url(w.episode), headers=auth(session, w.nurse))

        assert response.status_code == 409
        assert "no care plan yet" in response.json()["detail"]

    def test_a_bad_language_is_422(self, client: TestClient, session: Session) -> None:
        w = _world(session)

        response = client.get(
            self._url(w.episode), params={"lang": "xx"}, headers=auth(session, w.nurse)
        )

        assert response.status_code == 422
