"""Vital signs on the patient page (web/vitals.py, web/patients.py): the staff's form through
the ingestion service, errors in Swedish next to the fields with nothing stored, the latest set
with its NEWS2, and confirming a flagged value."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.kit.time import STOCKHOLM, utcnow
from samband.models import ObservationSet
from samband.monitoring import intake
from samband.observations.schemas import ObservationCreate
from samband.security.context import AccessLog, Context
from samband.security.service import actor_of
from tests.observations.world import NORMAL, World, count_sets, make_world
from tests.web.test_overview import login


@pytest.fixture
def world(session: Session) -> World:
    return make_world(session)


def form(**values: str) -> dict[str, str]:
    at = (utcnow() - timedelta(minutes=10)).astimezone(STOCKHOLM).strftime("%Y-%m-%dT%H:%M")
    return {"measured_at": at, "client_id": "web-test", **values}


def flagged_set(session: Session, world: World, **values: Any) -> ObservationSet:
    ctx = Context(session=session, actor=actor_of(world.nurse), log=AccessLog())
    result = intake.ingest_one(
        ctx,
        ObservationCreate(
            patient_id=world.patient.id,
            measured_at=utcnow() - timedelta(minutes=30),
            source="device",
            **{**NORMAL, **values},
        ),
    )
    session.flush()
    return result.view.observation


class TestStaffForm:
    def test_a_full_set_is_stored_scored_and_shown(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        login(client, session, world.nurse)
        page = client.get(f"/patients/{world.patient.id}")
        assert f'href="/episodes/{world.episode.id}/observations/new"' in page.text

        saved = client.post(
            f"/episodes/{world.episode.id}/observations/new",
            data=form(
                respiratory_rate="22",
                spo2="94",
                on_oxygen="no",
                systolic_bp="105",
                diastolic_bp="70",
                pulse="112",
                consciousness="A",
                temperature="38,2",
                weight="71,5",
                symptoms="Trött",
            ),
            follow_redirects=False,
        )

        assert saved.status_code == 303
        assert saved.headers["location"] == (
            f"/patients/{world.patient.id}?notice=observation_saved#vitals"
        )
        stored = session.scalars(
            select(ObservationSet).where(ObservationSet.patient_id == world.patient.id)
        ).one()
        assert (stored.source, stored.temperature, stored.weight) == ("visit", 38.2, 71.5)
        assert stored.on_oxygen is False
        # respiratory rate 22 → 2, SpO2 94 → 1, systolic 105 → 1, pulse 112 → 2, 38.2 → 1
        assert stored.news2_total == 7
        page = client.get(saved.headers["location"]).text
        assert "Mätvärdena är sparade." in page
        assert "NEWS2 <strong>7</strong>" in page
        assert "38,2" in page

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("spo2", "120", "Värdet för SpO2, 120 %, är omöjligt; tillåtet 20–100 %"),
            ("temperature", "98.6", "ser ut att vara i °F"),
            ("pulse", "sjuttio", "Skriv ett tal, t.ex. 37,5."),
            ("pulse", "72,5", "Skriv ett heltal."),
            ("diastolic_bp", "130", "Det diastoliska blodtrycket 130 mmHg är inte lägre"),
        ],
    )
    def test_impossible_values_are_refused_next_to_the_field_in_swedish(
        self,
        client: TestClient,
        session: Session,
        world: World,
        field: str,
        value: str,
        message: str,
    ) -> None:
        login(client, session, world.nurse)

        refused = client.post(
            f"/episodes/{world.episode.id}/observations/new",
            data=form(systolic_bp="120", **{field: value}),
        )

        assert refused.status_code == 422
        assert f'id="f-{field}-error">' in refused.text
        assert message in refused.text
        assert count_sets(session, world.patient) == 0

    def test_another_organisation_gets_not_found(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        login(client, session, world.outsider)

        page = client.get(f"/episodes/{world.episode.id}/observations/new")
        sent = client.post(
            f"/episodes/{world.episode.id}/observations/new", data=form(temperature="37")
        )

        assert page.status_code == 404
        assert sent.status_code == 404
        assert count_sets(session, world.patient) == 0


class TestConfirming:
    def test_a_flagged_value_is_shown_and_confirmed(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        flagged = flagged_set(session, world, pulse=35)
        login(client, session, world.nurse)

        page = client.get(f"/patients/{world.patient.id}").text
        confirmed = client.post(
            f"/patients/{world.patient.id}/observations/{flagged.id}/confirm",
            data={"decision": "confirmed"},
            follow_redirects=False,
        )

        assert "Värden att bekräfta (1)" in page
        assert "Värdet för puls, 35 /min, är ovanligt lågt (under 40 /min)" in page
        assert confirmed.status_code == 303
        session.expire_all()
        stored = session.get(ObservationSet, flagged.id)
        assert stored is not None
        assert (stored.status, stored.needs_confirmation) == ("final", False)
        assert stored.confirmed_by_id == world.nurse.id
        assert "Värden att bekräfta" not in client.get(f"/patients/{world.patient.id}").text

    @pytest.mark.parametrize(
        ("lang", "words"),
        [
            ("sv", "Värdet för temperatur, 34,5 °C, är ovanligt lågt (under 35 °C): bekräfta"),
            ("en", "temperature 34.5 °C is unusually low (under 35 °C): confirm the reading"),
        ],
    )
    def test_a_flag_reads_in_the_page_language_also_one_stored_before_codes(
        self, client: TestClient, session: Session, world: World, lang: str, words: str
    ) -> None:
        flagged = flagged_set(session, world, temperature=34.5)
        older = flagged_set(session, world, pulse=35)
        row = session.get(ObservationSet, older.id)
        assert row is not None
        row.flags = [{"field": "pulse", "value": 35, "reason": "pulse 35 /min is unusually low"}]
        session.flush()
        login(client, session, world.nurse)
        client.get(f"/language/{lang}")

        page = client.get(f"/patients/{world.patient.id}").text

        assert flagged.flags[0]["code"] == "observation.unusually_low"
        assert words in page
        if lang == "sv":
            assert "Värdet för puls, 35 /min, är ovanligt lågt (under 40 /min)" in page
        else:
            assert "pulse 35 /min is unusually low (under 40 /min)" in page

    def test_entered_in_error_needs_a_note(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        flagged = flagged_set(session, world, temperature=34.0)
        login(client, session, world.nurse)
        path = f"/patients/{world.patient.id}/observations/{flagged.id}/confirm"

        refused = client.post(path, data={"decision": "entered_in_error"})
        marked = client.post(
            path,
            data={"decision": "entered_in_error", "note": "Termometern i kallt rum"},
            follow_redirects=False,
        )

        assert refused.status_code == 422
        assert "Skriv vad som var fel med mätningen" in refused.text
        assert marked.status_code == 303
        session.expire_all()
        assert session.get(ObservationSet, flagged.id).status == "entered_in_error"  # type: ignore[union-attr]

    def test_a_role_without_the_permission_sees_no_button_and_is_refused(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        flagged = flagged_set(session, world, pulse=35)
        login(client, session, world.assistant)

        page = client.get(f"/patients/{world.patient.id}").text
        refused = client.post(
            f"/patients/{world.patient.id}/observations/{flagged.id}/confirm",
            data={"decision": "confirmed"},
        )

        assert "Värden att bekräfta (1)" in page
        assert "Bekräfta värdena" not in page
        assert refused.status_code == 403
        assert "får inte göra detta" in refused.text
        session.expire_all()
        assert session.get(ObservationSet, flagged.id).needs_confirmation  # type: ignore[union-attr]

    def test_a_set_of_another_patient_is_not_found(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        flagged = flagged_set(session, world, pulse=35)
        other = make_world(session)
        login(client, session, other.nurse)

        refused = client.post(
            f"/patients/{other.patient.id}/observations/{flagged.id}/confirm",
            data={"decision": "confirmed"},
        )

        assert refused.status_code == 404
        session.expire_all()
        assert session.get(ObservationSet, flagged.id).needs_confirmation  # type: ignore[union-attr]
