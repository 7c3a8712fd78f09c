"""The pilots' pages (web/pilots.py, issue 14): create and edit through the forms, the log's
new kinds and the assumptions on the pilot's page, and the read-only view of another
organisation's finished pilot. Bad input shows the form again (422) and writes nothing."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.kit.time import local_today
from samband.models import Pilot, PilotAssumption, PilotLogEntry
from tests.pilots.support import World, count, log, login, make_pilot, make_world


@pytest.fixture
def world(session: Session) -> World:
    return make_world(session)


def pilot_form(w: World, **changes: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "name": "Tidig utskrivning KOL",
        "purpose": "Pröva att skriva ut KOL-patienter dag 2 med mobila teamet",
        "organisations": [w.municipality.code],
        "pathways": ["copd"],
        "episode_types": ["early_supported_discharge"],
        "units": "",
        "period_start": "2031-01-01",
        "period_end": "2031-06-30",
        "comparison_kind": "period",
        "comparison_start": "2030-01-01",
        "comparison_end": "2030-06-30",
        "comparison_organisation": "",
        "assumptions": "Patienterna känner sig trygga\nTeamet hinner två besök per dag",
    }
    form.update(changes)
    return form


def created_id(response: Any) -> str:
    found = re.match(r"/pilots/([0-9a-f-]{36})\?notice=created", response.headers["location"])
    assert found, response.headers.get("location")
    return found.group(1)


class TestCreate:
    def test_the_form_creates_the_pilot(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        login(client, session, world.coordinator)
        assert client.get("/pilots/new").status_code == 200

        response = client.post("/pilots/new", data=pilot_form(world), follow_redirects=False)

        assert response.status_code == 303, response.text
        pilot = session.scalars(select(Pilot).where(Pilot.name == "Tidig utskrivning KOL")).one()
        assert str(pilot.id) == created_id(response)
        assert pilot.pathways == ["copd"]
        assert pilot.episode_types == ["early_supported_discharge"]
        assert [a.text for a in pilot.assumptions] == [
            "Patienterna känner sig trygga",
            "Teamet hinner två besök per dag",
        ]
        assert len(pilot.organisations) == 2
        page = client.get(response.headers["location"])
        assert "Expeditionen är skapad." in page.text

    @pytest.mark.parametrize(
        ("changes", "field_text"),
        [
            ({"name": ""}, 'id="f-name-error"'),
            ({"period_end": "2030-01-01"}, 'id="f-period_end-error"'),
            ({"comparison_start": ""}, 'id="f-comparison_start-error"'),
            ({"period_start": "inte ett datum"}, 'id="f-period_start-error"'),
            ({"organisations": ["NOPE"]}, "NOPE"),
        ],
    )
    def test_bad_input_shows_the_form_again_and_writes_nothing(
        self,
        client: TestClient,
        session: Session,
        world: World,
        changes: dict[str, Any],
        field_text: str,
    ) -> None:
        login(client, session, world.nurse)

        response = client.post("/pilots/new", data=pilot_form(world, **changes))

        assert response.status_code == 422, response.text
        assert field_text in response.text
        assert 'name="purpose"' in response.text  # the form, with what was typed
        assert "Pröva att skriva ut KOL-patienter" in response.text
        assert count(session, Pilot) == 0

    def test_an_analyst_gets_403(self, client: TestClient, session: Session, world: World) -> None:
        login(client, session, world.analyst)

        assert client.get("/pilots/new").status_code == 403
        assert client.post("/pilots/new", data=pilot_form(world)).status_code == 403
        assert count(session, Pilot) == 0

    def test_english(self, client: TestClient, session: Session, world: World) -> None:
        login(client, session, world.nurse)
        client.cookies.set("samband_lang", "en")

        page = client.get("/pilots/new")

        assert "New pilot" in page.text
        assert "Ny expedition" not in page.text


class TestEdit:
    def test_the_form_changes_the_pilot(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        pilot = make_pilot(session, world, finished=False)
        login(client, session, world.partner)  # a participating organisation
        form = client.get(f"/pilots/{pilot.id}/edit")
        assert form.status_code == 200
        assert "Hjärtsvikt hemma" in form.text

        response = client.post(
            f"/pilots/{pilot.id}/edit",
            data=pilot_form(
                world,
                name="Hjärtsvikt hemma 2",
                organisations=[world.other.code],
                comparison_kind="unit",
                comparison_organisation=world.other.code,
                next_iteration="Delegering före start",
            ),
            follow_redirects=False,
        )

        assert response.status_code == 303, response.text
        session.expire_all()
        again = session.get(Pilot, pilot.id)
        assert again is not None
        assert again.name == "Hjärtsvikt hemma 2"
        assert again.next_iteration == "Delegering före start"
        assert again.comparison_kind == "unit"
        assert again.comparison_start is None
        assert {o.organisation_id for o in again.organisations} == {
            world.clinic.id,
            world.municipality.id,
            world.other.id,
        }

    def test_a_bad_edit_shows_the_form_again(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        pilot = make_pilot(session, world, finished=False)
        login(client, session, world.nurse)

        response = client.post(
            f"/pilots/{pilot.id}/edit",
            data=pilot_form(world, comparison_kind="unit", comparison_organisation=""),
        )

        assert response.status_code == 422
        assert 'id="f-comparison_organisation"' in response.text
        assert "field-error" in response.text
        session.expire_all()
        assert session.get(Pilot, pilot.id).comparison_kind == "period"  # type: ignore[union-attr]

    def test_another_organisation_gets_404(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        pilot = make_pilot(session, world, finished=True)
        login(client, session, world.outsider)

        assert client.get(f"/pilots/{pilot.id}/edit").status_code == 404
        response = client.post(f"/pilots/{pilot.id}/edit", data=pilot_form(world, name="Kapad"))
        assert response.status_code == 404
        session.expire_all()
        assert session.get(Pilot, pilot.id).name == "Hjärtsvikt hemma"  # type: ignore[union-attr]


class TestLogAndAssumptionsOnThePage:
    def test_each_new_kind_is_shown_in_its_group(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        pilot = make_pilot(session, world, finished=False)
        login(client, session, world.nurse)
        entries = [
            {"kind": "enabler", "classification": "culture", "description": "Tillit mellan team"},
            {"kind": "unintended_effect", "valence": "negative", "description": "Fler samtal"},
            {"kind": "patient_story", "told_by": "patient", "description": "Fick sova hemma"},
        ]
        for entry in entries:
            response = client.post(
                f"/pilots/{pilot.id}/log",
                data={"occurred_on": local_today().isoformat(), **entry},
                follow_redirects=False,
            )
            assert response.status_code == 303, response.text

        page = client.get(f"/pilots/{pilot.id}").text

        enablers = page[page.index('id="log-enabler"') : page.index('id="log-unintended_effect"')]
        effects = page[
            page.index('id="log-unintended_effect"') : page.index('id="log-patient_story"')
        ]
        stories = page[page.index('id="log-patient_story"') : page.index('id="log-observation"')]
        assert "Kultur (1)" in enablers
        assert "Tillit mellan team" in enablers
        assert "Fler samtal" in effects
        assert "Negativ" in effects
        assert "Fick sova hemma" in stories
        assert "Patienten" in stories
        assert "Skriv inga namn, personnummer" in page  # the warning by the form

    def test_a_personnummer_in_a_story_is_refused_on_the_form(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        pilot = make_pilot(session, world, finished=False)
        login(client, session, world.nurse)

        response = client.post(
            f"/pilots/{pilot.id}/log",
            data={
                "kind": "patient_story",
                "told_by": "patient",
                "occurred_on": local_today().isoformat(),
                "description": "Karin 19121212-1212 ville hem",
            },
        )

        assert response.status_code == 422
        assert 'id="f-description-error"' in response.text
        assert "personnummer" in response.text
        assert count(session, PilotLogEntry) == 0

    def test_a_missing_classification_is_shown_next_to_it(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        pilot = make_pilot(session, world, finished=False)
        login(client, session, world.nurse)

        response = client.post(
            f"/pilots/{pilot.id}/log",
            data={"kind": "barrier", "occurred_on": "2031-01-01", "description": "Ingen IT"},
        )

        assert response.status_code == 422
        assert 'id="log-classification-error"' in response.text
        assert "Ingen IT" in response.text  # what was typed stays
        assert count(session, PilotLogEntry) == 0

    def test_assumptions_added_and_refuted_with_a_note(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        pilot = make_pilot(session, world, finished=False)
        login(client, session, world.partner)

        added = client.post(
            f"/pilots/{pilot.id}/assumptions",
            data={"text": "Närstående avlastas"},
            follow_redirects=False,
        )
        first = pilot.assumptions[0].id
        marked = client.post(
            f"/pilots/{pilot.id}/assumptions/{first}",
            data={"status": "refuted", "note": "Kräver delegering"},
            follow_redirects=False,
        )
        bad = client.post(f"/pilots/{pilot.id}/assumptions/{first}", data={"status": "kanske"})

        assert added.status_code == 303
        assert marked.status_code == 303
        assert bad.status_code == 422
        session.expire_all()
        rows = session.scalars(
            select(PilotAssumption)
            .where(PilotAssumption.pilot_id == pilot.id)
            .order_by(PilotAssumption.position)
        ).all()
        assert [(a.text, a.status, a.note) for a in rows] == [
            ("Kommunens sjuksköterskor kan ge diuretika i.v.", "refuted", "Kräver delegering"),
            ("Närstående avlastas", "open", None),
        ]


class TestReadOnlyView:
    def test_a_finished_pilot_of_another_organisation_is_read_only(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        pilot = make_pilot(session, world, finished=True)
        log(
            session,
            world.nurse,
            pilot,
            kind="barrier",
            classification="society",
            description="Långa avstånd",
        )
        log(
            session,
            world.nurse,
            pilot,
            kind="patient_story",
            told_by="staff",
            description="Lugnare natt",
        )
        login(client, session, world.outsider)

        listed = client.get("/pilots/finished")
        page = client.get(f"/pilots/{pilot.id}")

        assert listed.status_code == 200
        assert f'href="/pilots/{pilot.id}"' in listed.text
        assert pilot.purpose in listed.text
        assert page.status_code == 200
        assert 'id="read-only"' in page.text
        assert "Långa avstånd" in page.text
        assert "Lugnare natt" in page.text
        assert "Vårdformens resultat" in page.text  # the indicators (aggregates)
        assert "<form" not in page.text.split("<main", 1)[-1]
        assert f"/pilots/{pilot.id}/edit" not in page.text

    def test_a_running_pilot_of_another_organisation_is_invisible(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        pilot = make_pilot(session, world, finished=False)
        login(client, session, world.outsider)

        assert client.get(f"/pilots/{pilot.id}").status_code == 404
        assert str(pilot.id) not in client.get("/pilots/finished").text

    @pytest.mark.parametrize(
        ("path", "form"),
        [
            (
                "/log",
                {
                    "kind": "observation",
                    "classification": "culture",
                    "description": "x",
                    "occurred_on": "2031-01-01",
                },
            ),
            ("/assumptions", {"text": "x"}),
            ("/assumptions/{a}", {"status": "confirmed"}),
        ],
    )
    def test_no_write_for_another_organisation(
        self, client: TestClient, session: Session, world: World, path: str, form: dict[str, str]
    ) -> None:
        pilot = make_pilot(session, world, finished=True)
        login(client, session, world.outsider)
        before = (count(session, PilotLogEntry), count(session, PilotAssumption))

        response = client.post(
            f"/pilots/{pilot.id}" + path.format(a=pilot.assumptions[0].id), data=form
        )

        assert response.status_code == 404
        assert (count(session, PilotLogEntry), count(session, PilotAssumption)) == before
        session.expire_all()
        assert session.get(PilotAssumption, pilot.assumptions[0].id).status == "open"  # type: ignore[union-attr]

    def test_the_own_list_shows_running_and_finished(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        make_pilot(session, world, finished=False, name="Pågår nu")
        make_pilot(session, world, finished=True, name="Klar sedan i går")
        login(client, session, world.partner)

        page = client.get("/pilots").text

        assert "Pågår nu" in page
        assert "Klar sedan i går" in page
        assert 'href="/pilots/new"' in page
        assert (local_today() - timedelta(days=1)).isoformat() in page


class TestLanguage:
    def test_a_pilot_made_in_english_keeps_its_language_and_marks_its_texts(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        login(client, session, world.nurse)
        client.cookies.set("samband_lang", "en")

        response = client.post(
            "/pilots/new", data=pilot_form(world, name="Early discharge"), follow_redirects=False
        )

        assert response.status_code == 303, response.text
        pilot = session.scalars(select(Pilot).where(Pilot.name == "Early discharge")).one()
        assert pilot.language == "en"
        client.cookies.set("samband_lang", "sv")
        page = client.get(f"/pilots/{pilot.id}").text
        assert '<span lang="en">Early discharge</span>' in page
