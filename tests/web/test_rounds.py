from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.careplans.service import template_content
from samband.kit.time import local_today, utcnow
from samband.models import Episode, Organisation, Patient, RoundNote, Unit, User
from tests.factories import (
    auth,
    make_episode_at_home,
    make_organisation,
    make_patient,
    make_unit,
    make_user,
)

CRITERIA = template_content("opat").discharge_criteria


@dataclass
class World:
    clinic: Organisation
    ward: Unit
    physician: User
    nurse: User
    outsider: User
    auditor: User
    patient: Patient
    episode: Episode


@pytest.fixture
def world(session: Session) -> World:
    clinic = make_organisation(session, kind="hospital_clinic", name="Infektionskliniken")
    ward = make_unit(session, clinic, beds=1)
    physician = make_user(session, clinic, role="physician", unit=ward)
    nurse = make_user(session, clinic, role="registered_nurse", unit=ward)
    patient = make_patient(session, given_name="Kim", family_name="Sandberg")
    episode = make_episode_at_home(
        session,
        patient,
        unit=ward,
        since=utcnow() - timedelta(days=1),
        plan_by=nurse,
        acknowledged_by=["patient"],
        physician=physician,
        care_contact=nurse,
    )
    return World(
        clinic=clinic,
        ward=ward,
        physician=physician,
        nurse=nurse,
        outsider=make_user(session, make_organisation(session, kind="hospital_clinic")),
        auditor=make_user(session, clinic, role="auditor"),
        patient=patient,
        episode=episode,
    )


def login(client: TestClient, session: Session, user: User) -> None:
    client.cookies.set("samband_session", auth(session, user)["Authorization"][7:])


def open_round(client: TestClient, session: Session, w: World, user: User | None = None) -> str:
    login(client, session, user or w.nurse)
    response = client.post(
        "/rounds",
        data={"unit_id": str(w.ward.id), "day": local_today().isoformat()},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return str(response.headers["location"])


def note_form(**extra: Any) -> dict[str, Any]:
    return {
        "participants-0-role": "physician",
        "participants-0-name": "Dr Ek",
        "participants-0-present_by": "video",
        "participants-2-role": "home_health_nurse",
        "participants-2-name": "Anna",
        "participants-2-present_by": "on_site",
        "participants-3-role": "patient",
        "participants-3-present_by": "on_site",
        "situation": "Dag 2, mår bättre",
        "assessment": "Feberfri, CRP sjunker",
        "decision": "continue",
        "criteria_met": [CRITERIA[1]],
        "use_reserved_bed": "1",
        **extra,
    }


def notes(session: Session) -> list[RoundNote]:
    return list(session.scalars(select(RoundNote)))


class TestChooseRound:
    def test_offers_the_users_units_and_today(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        login(client, session, world.nurse)
        page = client.get("/rounds")
        assert page.status_code == 200
        assert f'<option value="{world.ward.id}" selected>' in page.text
        assert 'label="Infektionskliniken"' in page.text
        assert f'value="{local_today().isoformat()}"' in page.text
        assert '<label for="f-unit_id">' in page.text

    def test_opens_the_round_page(self, client: TestClient, session: Session, world: World) -> None:
        location = open_round(client, session, world)
        assert re.fullmatch(r"/rounds/[0-9a-f-]{36}", location)
        page = client.get(location)
        assert page.status_code == 200
        assert "Kim Sandberg" in page.text
        assert CRITERIA[0] in page.text
        assert "0 av 3 uppfyllda" in page.text
        assert "Ingen mätning ännu" in page.text
        # every input of the note form has its label
        for input_id in re.findall(r'<(?:input|select|textarea)[^>]* id="([^"]+)"', page.text):
            assert f'for="{input_id}"' in page.text, input_id

    def test_a_missing_unit_is_shown_next_to_the_field(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        login(client, session, world.nurse)
        page = client.post("/rounds", data={"unit_id": "", "day": "2025-13-01"})
        assert page.status_code == 422
        assert 'id="f-unit_id-error"' in page.text
        assert 'id="f-day-error"' in page.text

    def test_an_unrelated_organisation_cannot_open_it(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        location = open_round(client, session, world)
        login(client, session, world.outsider)
        page = client.get(location)
        assert page.status_code == 404
        assert "Kim" not in page.text
        refused = client.post(
            "/rounds", data={"unit_id": str(world.ward.id), "day": local_today().isoformat()}
        )
        assert refused.status_code == 404
        assert "Hittades inte" in refused.text
        assert "Kim" not in refused.text

    def test_an_auditor_may_not_see_it(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        location = open_round(client, session, world)
        login(client, session, world.auditor)
        page = client.get(location)
        assert page.status_code == 403
        assert "Kim" not in page.text


class TestVideoLink:
    def test_set_and_shown(self, client: TestClient, session: Session, world: World) -> None:
        location = open_round(client, session, world)
        response = client.post(
            f"{location}/video",
            data={"video_url": "https://video.example.se/rond"},
            follow_redirects=False,
        )
        assert response.status_code == 303
        page = client.get(location)
        assert 'href="https://video.example.se/rond"' in page.text

    def test_not_a_link_is_shown_next_to_the_field(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        location = open_round(client, session, world)
        page = client.post(f"{location}/video", data={"video_url": "javascript:alert(1)"})
        assert page.status_code == 422
        assert 'id="f-video_url-error"' in page.text
        assert 'aria-invalid="true"' in page.text


class TestNoteForm:
    def test_continue_saves_and_shows_the_note(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        location = open_round(client, session, world)
        eid = world.episode.id
        response = client.post(f"{location}/notes/{eid}", data=note_form(), follow_redirects=False)
        assert response.status_code == 303, response.text
        assert response.headers["location"] == f"{location}?saved={eid}#p-{eid}"
        page = client.get(response.headers["location"])
        assert "Rondanteckningen är sparad." in page.text
        assert "1 av 3 uppfyllda" in page.text
        assert "Fortsätt som planerat" in page.text
        assert "Feberfri, CRP sjunker" in page.text
        [note] = notes(session)
        assert [p["role"] for p in note.participants] == [
            "physician",
            "home_health_nurse",
            "patient",
        ]

    def test_errors_are_shown_next_to_the_fields(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        location = open_round(client, session, world)
        eid = world.episode.id
        form = note_form(situation="", **{"participants-0-present_by": ""})
        del form["decision"]
        form["participants-0-name"] = "Dr Ek"
        page = client.post(f"{location}/notes/{eid}", data=form)
        assert page.status_code == 422
        assert f'id="n-{eid}-situation-error"' in page.text
        assert f'id="n-{eid}-decision-error"' in page.text
        assert f'id="n-{eid}-participants-0-present_by-error"' in page.text
        assert '<details class="round-form no-print" open>' in page.text
        # what was typed is still there
        assert "Feberfri, CRP sjunker" in page.text
        assert notes(session) == []

    def test_a_nurse_cannot_discharge_and_sees_why(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        location = open_round(client, session, world)
        page = client.post(
            f"{location}/notes/{world.episode.id}", data=note_form(decision="discharge")
        )
        assert page.status_code == 403
        assert "flytta episoden till ”Utskriven”" in page.text
        session.refresh(world.episode)
        assert world.episode.state == "at_home"
        assert notes(session) == []

    def test_the_physician_discharges(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        location = open_round(client, session, world, world.physician)
        response = client.post(
            f"{location}/notes/{world.episode.id}",
            data=note_form(decision="discharge", criteria_met=CRITERIA),
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
        session.refresh(world.episode)
        assert world.episode.state == "discharged"
        page = client.get(location)
        assert "Utskriven" in page.text
        assert "3 av 3 uppfyllda" in page.text
        assert "Skriv rondanteckning" not in page.text

    def test_readmit_without_a_free_bed_names_the_alternative(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        full = make_unit(session, world.clinic)
        location = open_round(client, session, world)
        eid = world.episode.id
        page = client.post(
            f"{location}/notes/{eid}",
            data=note_form(decision="readmit", ward_unit_id=str(full.id), criteria_met=[]),
        )
        assert page.status_code == 409
        assert f'id="n-{eid}-ward_unit_id-error"' in page.text
        assert "akutmottagningen" in page.text
        assert "emergency department" not in page.text
        session.refresh(world.episode)
        assert world.episode.state == "at_home"

    def test_readmit_to_the_reserved_bed(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        location = open_round(client, session, world)
        response = client.post(
            f"{location}/notes/{world.episode.id}",
            data=note_form(decision="readmit", ward_unit_id=str(world.ward.id)),
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
        session.refresh(world.episode)
        assert world.episode.state == "readmitted"

    def test_change_plan_links_to_the_care_plan_editor(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        location = open_round(client, session, world, world.physician)
        client.post(f"{location}/notes/{world.episode.id}", data=note_form(decision="change_plan"))
        page = client.get(location)
        assert f'href="/patients/{world.patient.id}/care-plan/edit"' in page.text

    def test_an_unrelated_organisation_cannot_write(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        location = open_round(client, session, world)
        login(client, session, world.outsider)
        page = client.post(f"{location}/notes/{world.episode.id}", data=note_form())
        assert page.status_code == 404
        assert notes(session) == []
