"""Every contact shown resolves to the person on call for that hour (issue 11): the patient's
copy names who covers each time band with the number, the tablet's thank-you screen whom to
call now, the alert page the physician on call now; a band nobody covers shows the unit's
number and says there is no named person."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from samband.kit.time import utcnow
from samband.oncall import rules, service
from samband.patientcopy import service as patientcopy
from samband.security.context import AccessLog, Context
from samband.security.service import actor_of
from tests.observations.world import HIGH, World, make_world
from tests.oncall.helpers import add_entry, local
from tests.web.test_alert_pages import ingest
from tests.web.test_overview import login
from tests.web.test_self_report import start_patient_mode

WARD_PHONE = "+46 23 49 00 00"
NIGHT_NAMES = {
    rules.WEEKDAY_DAY: ("Dagny Dag", "023-10"),
    rules.WEEKDAY_EVENING: ("Kvällen Kvist", "023-11"),
    rules.NIGHT: ("Natalie Natt", "023-12"),
    rules.WEEKEND: ("Helga Helg", "023-13"),
}


@pytest.fixture
def world(session: Session) -> World:
    w = make_world(session)
    w.municipality.phone = "023-82 000"
    w.physician.phone = "070-200 00 01"
    for slot, (name, phone) in NIGHT_NAMES.items():
        add_entry(session, w.clinic, rules.NURSE, slot, name=name, phone=phone)
        add_entry(session, w.clinic, rules.PHYSICIAN, slot, user=w.physician)
    # the home health care's nurse on call: the day only
    add_entry(
        session,
        w.municipality,
        rules.NURSE,
        rules.WEEKDAY_DAY,
        name="Hemma Ssk",
        phone="023-82 010",
    )
    return w


def _ctx(session: Session, user: object) -> Context:
    session.refresh(user)
    return Context(session=session, actor=actor_of(user), log=AccessLog())  # type: ignore[arg-type]


class TestContactsByHour:
    def test_each_band_names_who_covers_it_or_the_units_number(
        self, session: Session, world: World
    ) -> None:
        lines = service.contacts_by_hour(
            session, world.episode, at=local(2026, 3, 2, 10), roles=[rules.NURSE]
        )

        ward = [(x.slot, x.name, x.phone) for x in lines if x.organisation_id == world.clinic.id]
        assert ward == [(slot, *NIGHT_NAMES[slot]) for slot in rules.SLOTS]
        home = [
            (x.slot, x.name, x.phone) for x in lines if x.organisation_id == world.municipality.id
        ]
        assert home == [
            (rules.WEEKDAY_DAY, "Hemma Ssk", "023-82 010"),
            (rules.WEEKDAY_EVENING, None, "023-82 000"),
            (rules.NIGHT, None, "023-82 000"),
            (rules.WEEKEND, None, "023-82 000"),
        ]
        evening = next(x for x in lines if x.slot == rules.WEEKDAY_EVENING and not x.named)
        assert "ingen namngiven person" in evening.who("sv")
        assert "no named person" in evening.who("en")

    def test_now_gives_the_band_of_the_moment(self, session: Session, world: World) -> None:
        lines = service.contacts_now(session, world.episode, at=local(2026, 3, 3, 2))
        assert [(x.role, x.name) for x in lines] == [
            (rules.PHYSICIAN, world.physician.full_name),
            (rules.NURSE, "Natalie Natt"),
            (rules.NURSE, None),  # the home health care has nobody at night
        ]


def _now_nurse() -> tuple[str, str]:
    return NIGHT_NAMES[rules.slot_at(utcnow()).slot]


class TestWhereTheyAreShown:
    def test_the_patients_copy_names_who_covers_each_band_and_the_number(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        copy = patientcopy.for_episode(_ctx(session, world.nurse), world.episode.id)
        rows = [(c.when, c.who, c.phone) for c in copy.contacts]
        assert (
            "Nätter måndag–torsdag kl. 21–07",
            f"Natalie Natt – sjuksköterska i beredskap, {world.ward.name}",
            "023-12",
        ) in rows
        assert any(
            "ingen namngiven person" in who and phone == "023-82 000" for _w, who, phone in rows
        )
        assert all(phone for _w, _who, phone in rows)  # never blank
        login(client, session, world.nurse)
        page = client.get(f"/patients/{world.patient.id}/copy")
        assert page.status_code == 200, page.text
        assert "Natalie Natt" in page.text
        assert "023-12" in page.text
        assert "Helga Helg" in page.text

    def test_the_care_plan_on_the_patient_page_names_who_is_on_call_by_band(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        login(client, session, world.nurse)
        page = client.get(f"/patients/{world.patient.id}")
        assert page.status_code == 200
        assert "Jour och beredskap enligt schemat" in page.text
        assert "Natalie Natt" in page.text
        assert "023-12" in page.text
        assert world.physician.full_name in page.text

    def test_the_alert_page_shows_the_physician_on_call_now_with_the_number(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        alert_id = ingest(session, world, HIGH)
        login(client, session, world.nurse)
        page = client.get(f"/alerts/{alert_id}")
        assert page.status_code == 200
        assert "Jourhavande läkare nu" in page.text
        assert f"<strong>{world.physician.full_name}</strong>" in page.text
        assert 'href="tel:070-2000001"' in page.text

    def test_without_a_physician_on_call_the_alert_page_says_so_and_gives_the_units_number(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        alert_id = ingest(session, w, HIGH)
        login(client, session, w.nurse)
        page = client.get(f"/alerts/{alert_id}")
        assert "Ingen namngiven jourhavande läkare just nu" in page.text
        assert WARD_PHONE in page.text

    def test_the_thank_you_screen_says_whom_to_call_now(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        start_patient_mode(client, session, world)
        page = client.get(f"/self-report/{world.episode.id}/thanks")
        assert page.status_code == 200, page.text
        name, phone = _now_nurse()
        now_part = page.text.split('class="sr-contacts sr-now"', 1)[1].split("</ul>", 1)[0]
        assert name in now_part
        assert phone in now_part
        others = [n for n, _p in NIGHT_NAMES.values() if n != name]
        assert not any(other in now_part for other in others)


def test_a_copy_without_any_roster_keeps_the_plans_contacts(session: Session) -> None:
    w = make_world(session)
    copy = patientcopy.for_episode(_ctx(session, w.nurse), w.episode.id)
    assert copy.on_call_note is None
    assert [c.phone for c in copy.contacts] == [WARD_PHONE, WARD_PHONE]
    assert copy.calling_now == []
