"""The patient pages: the list, registering and flagging a candidate in one form, the patient
page with its episode, and the care-plan version pages."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.models import AuditEvent, Episode, Organisation, Patient, Unit, User
from tests.factories import (
    auth,
    make_care_plan,
    make_episode,
    make_medication,
    make_municipality,
    make_organisation,
    make_patient,
    make_unit,
    make_user,
)


@dataclass
class World:
    clinic: Organisation
    ward: Unit
    municipality: Organisation
    primary_care: Organisation
    physician: User
    nurse: User
    pharmacist: User
    eva: User
    fredrik: User
    outsider: User


def make_world(session: Session) -> World:
    clinic = make_organisation(session, kind="hospital_clinic", name="Infektionskliniken")
    ward = make_unit(session, clinic, beds=1)
    municipality = make_municipality(session, name="Hemsjukvården Falun")
    primary_care = make_organisation(session, kind="primary_care_centre", name="VC Norr")
    other = make_organisation(session, kind="hospital_clinic", name="Annat sjukhus")
    return World(
        clinic=clinic,
        ward=ward,
        municipality=municipality,
        primary_care=primary_care,
        physician=make_user(session, clinic, role="physician", unit=ward),
        nurse=make_user(session, clinic, role="registered_nurse", unit=ward),
        pharmacist=make_user(session, clinic, role="pharmacist", unit=ward),
        eva=make_user(session, municipality, role="registered_nurse"),
        fredrik=make_user(session, municipality, role="registered_nurse"),
        outsider=make_user(session, other, role="physician"),
    )


def login(client: TestClient, session: Session, user: User) -> None:
    client.cookies.set("samband_session", auth(session, user)["Authorization"][7:])


def new_patient_form(w: World, **changes: str) -> dict[str, str]:
    form = {
        "personnummer": "19680314-9829",
        "given_name": "Kim",
        "family_name": "Sandberg",
        "street_address": "Åsgatan 12",
        "postal_code": "791 71",
        "city": "Falun",
        "latitude": "60.6065",
        "longitude": "15.6355",
        "phone": "070-123 45 67",
        "nok_name": "Robin Sandberg",
        "nok_relation": "partner",
        "nok_phone": "070-765 43 21",
        "listed_primary_care_id": str(w.primary_care.id),
        "home_municipality": "Falu kommun",
        "language": "sv",
        "what_matters": "Att få sova hemma",
        "pathway": "opat",
        "type": "early_supported_discharge",
        "responsible_unit_id": str(w.ward.id),
        "reason": "Stabil på iv-antibiotika",
    }
    form.update(changes)
    return form


class TestPatientList:
    def test_lists_and_searches_visible_patients_only(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        mine = make_patient(session, given_name="Synlig", registered_by=w.nurse)
        make_episode(session, mine, unit=w.ward)
        make_patient(session, given_name="Osynlig")
        login(client, session, w.nurse)
        page = client.get("/patients")
        assert page.status_code == 200
        assert "Synlig" in page.text
        assert "Osynlig" not in page.text
        assert "Kandidat" in page.text  # the latest episode's state
        assert "Synlig" not in client.get("/patients", params={"q": "zzz"}).text


class TestRegister:
    def test_registers_flags_and_goes_to_the_patient_page(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        login(client, session, w.nurse)
        form_page = client.get("/patients/new")
        assert form_page.status_code == 200
        assert 'for="f-personnummer"' in form_page.text
        assert "Vad är viktigt för dig?" in form_page.text
        response = client.post("/patients/new", data=new_patient_form(w), follow_redirects=False)
        assert response.status_code == 303, response.text
        location = response.headers["location"]
        patient = session.scalar(select(Patient).where(Patient.personnummer == "196803149829"))
        assert patient is not None
        assert location == f"/patients/{patient.id}?notice=registered"
        assert patient.next_of_kin == [
            {"name": "Robin Sandberg", "relation": "partner", "phone": "070-765 43 21"}
        ]
        episode = session.scalar(select(Episode).where(Episode.patient_id == patient.id))
        assert episode is not None
        assert episode.state == "candidate"
        page = client.get(location)
        assert "Patienten är registrerad" in page.text
        assert "Att få sova hemma" in page.text

    def test_invalid_personnummer_is_shown_next_to_the_field_and_nothing_is_saved(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        login(client, session, w.nurse)
        response = client.post(
            "/patients/new", data=new_patient_form(w, personnummer="19121212-1213")
        )
        assert response.status_code == 422
        match = re.search(
            r'<p class="field-error" id="f-personnummer-error">([^<]+)</p>', response.text
        )
        assert match, response.text
        assert "kontrollsiffran ska vara 2" in match.group(1)  # in Swedish, like the page
        assert 'aria-describedby="f-personnummer-error"' in response.text
        assert 'value="Kim"' in response.text  # what was typed is kept
        assert session.scalar(select(Patient).where(Patient.given_name == "Kim")) is None

    def test_a_refused_flag_saves_no_patient(self, client: TestClient, session: Session) -> None:
        w = make_world(session)
        login(client, session, w.nurse)
        municipal_unit = make_unit(session, w.municipality)
        response = client.post(
            "/patients/new", data=new_patient_form(w, responsible_unit_id=str(municipal_unit.id))
        )
        assert response.status_code == 422
        assert 'id="f-responsible_unit_id-error"' in response.text
        assert session.scalar(select(Patient).where(Patient.personnummer == "196803149829")) is None

    def test_bad_next_of_kin_phone_is_shown_at_that_field(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        login(client, session, w.nurse)
        response = client.post("/patients/new", data=new_patient_form(w, nok_phone="ring mig"))
        assert response.status_code == 422
        assert 'id="f-nok_phone-error"' in response.text


class TestPatientPage:
    def _episode(self, session: Session, w: World) -> Episode:
        patient = make_patient(
            session, given_name="Kim", what_matters="Sova hemma", registered_by=w.nurse
        )
        episode = make_episode(
            session,
            patient,
            unit=w.ward,
            state="planned",
            physician=w.physician,
            care_contact=w.nurse,
            participants={w.municipality: "home_health_care"},
        )
        make_care_plan(session, episode, by=w.nurse, acknowledged_by=["patient"])
        make_medication(session, episode, by=w.nurse)
        return episode

    def test_shows_episode_plan_medication_checklist_and_actions(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        episode = self._episode(session, w)
        login(client, session, w.nurse)
        page = client.get(f"/patients/{episode.patient_id}")
        assert page.status_code == 200
        text = page.text
        for expected in (
            "Sova hemma",
            "Planerad",
            w.physician.full_name,
            w.nurse.full_name,
            "Cefotaxim",
            "Läkemedelslistan avstämd",  # the pathway's Swedish label
            "Antibiotikakuren genomförd enligt ordination",  # the plan, in Swedish
            "Hemsjukvården Falun",
            "Åtgärder",
            f"/episodes/{episode.id}/transition/at_home",
            f"/patients/{episode.patient_id}/care-plan/versions/1",
            "Inga besök planerade",  # today's visits (none yet for a planned episode)
        ):
            assert expected in text, expected
        # the patient has acknowledged; both organisations still need to
        assert "Infektionskliniken" in text.split("Organisationer som ännu inte godkänt")[1]
        # a nurse may not discharge or assess
        assert f"/episodes/{episode.id}/assess" not in text
        version = client.get(f"/patients/{episode.patient_id}/care-plan/versions/1")
        assert version.status_code == 200
        assert "Test Person" in version.text
        assert client.get(f"/patients/{episode.patient_id}/care-plan/versions/7").status_code == 404

    def test_page_view_is_in_the_access_log(self, client: TestClient, session: Session) -> None:
        w = make_world(session)
        episode = self._episode(session, w)
        login(client, session, w.eva)
        assert client.get(f"/patients/{episode.patient_id}").status_code == 200
        logged = session.scalars(
            select(AuditEvent).where(
                AuditEvent.patient_id == episode.patient_id, AuditEvent.user_id == w.eva.id
            )
        ).all()
        assert any(e.resource_type == "patient" and e.allowed for e in logged)

    def test_an_unrelated_organisation_gets_the_404_page(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        episode = self._episode(session, w)
        login(client, session, w.outsider)
        page = client.get(f"/patients/{episode.patient_id}")
        assert page.status_code == 404
        assert "Kim" not in page.text
        assert "<html" in page.text
        assert client.get(f"/patients/{uuid.uuid4()}").status_code == 404
        assert client.get(f"/episodes/{episode.id}/checklist").status_code == 404
        assert client.get(f"/patients/{episode.patient_id}/care-plan/versions/1").status_code == 404
        denied = session.scalars(
            select(AuditEvent).where(
                AuditEvent.patient_id == episode.patient_id, AuditEvent.user_id == w.outsider.id
            )
        ).all()
        assert denied
        assert not any(e.allowed for e in denied)

    def test_english(self, client: TestClient, session: Session) -> None:
        w = make_world(session)
        episode = self._episode(session, w)
        login(client, session, w.nurse)
        client.get("/language/en")
        page = client.get(f"/patients/{episode.patient_id}")
        assert "Actions" in page.text
        assert "Timeline" in page.text
