"""GET /api/v1/on-call and the roster's entries over the API, and the /on-call page: who may
read (staff roles, any organisation's unit), who may write (coordinators and administrators,
their own organisation only: another's is 404), and bad input (422 with the field, nothing
written)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from samband.models import OnCallEntry, Organisation, Unit, User
from samband.oncall import rules
from tests.factories import auth, make_municipality, make_organisation, make_unit, make_user
from tests.oncall.helpers import add_entry, full_week
from tests.web.test_overview import login


@dataclass
class W:
    org: Organisation
    ward: Unit
    physician: User
    nurse: User
    coordinator: User
    other_org: Organisation
    other_unit: Unit
    other_coordinator: User
    analyst: User


@pytest.fixture
def w(session: Session) -> W:
    org = make_organisation(session)
    ward = make_unit(session, org)
    ward.phone = "023-49 00 00"
    physician = make_user(session, org, role="physician", unit=ward)
    physician.phone = "070-100 00 01"
    nurse = make_user(session, org, role="registered_nurse", unit=ward)
    coordinator = make_user(session, org, role="coordinator", unit=ward)
    other = make_municipality(session)
    other_unit = make_unit(session, other)
    return W(
        org=org,
        ward=ward,
        physician=physician,
        nurse=nurse,
        coordinator=coordinator,
        other_org=other,
        other_unit=other_unit,
        other_coordinator=make_user(session, other, role="coordinator"),
        analyst=make_user(session, org, role="analyst"),
    )


def count(session: Session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(OnCallEntry)) or 0


def entry(w: W, **fields: object) -> dict[str, object]:
    return {
        "unit_id": str(w.ward.id),
        "role": "physician",
        "slot": "night",
        "starts_on": "2026-03-02",
        "ends_on": "2026-03-08",
        "user_id": str(w.physician.id),
        **fields,
    }


class TestWhoIsOnCall:
    def test_a_nurse_of_another_organisation_reads_who_covers_the_units_moment(
        self, client: TestClient, session: Session, w: W
    ) -> None:
        add_entry(session, w.org, rules.PHYSICIAN, rules.NIGHT, user=w.physician)
        full_week(session, w.org, rules.NURSE, "Extern Ssk", "023-55")
        home_nurse = make_user(session, w.other_org, role="registered_nurse")

        answer = client.get(
            "/api/v1/on-call",
            params={"unit_id": str(w.ward.id), "at": "2026-03-02T23:30:00+01:00"},
            headers=auth(session, home_nurse),
        )

        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["slot"] == "night"
        assert [(c["role"], c["name"], c["phone"]) for c in body["covers"]] == [
            ("physician", w.physician.full_name, "070-100 00 01"),
            ("registered_nurse", "Extern Ssk", "023-55"),
        ]
        assert body["covers"][0]["until"].startswith("2026-03-03T06:00:00")
        assert body["uncovered"] == []

    def test_a_role_nobody_covers_gives_the_units_number(
        self, client: TestClient, session: Session, w: W
    ) -> None:
        answer = client.get(
            "/api/v1/on-call", params={"unit_id": str(w.ward.id)}, headers=auth(session, w.nurse)
        )
        assert answer.status_code == 200
        assert answer.json()["uncovered"] == [
            {"role": "physician", "phone": "023-49 00 00"},
            {"role": "registered_nurse", "phone": "023-49 00 00"},
        ]

    def test_analysts_may_not_read_it_and_unknown_units_and_naive_times_are_refused(
        self, client: TestClient, session: Session, w: W
    ) -> None:
        refused = client.get("/api/v1/on-call", headers=auth(session, w.analyst))
        assert refused.status_code == 403
        assert refused.json()["code"] == "forbidden"
        unknown = client.get(
            "/api/v1/on-call", params={"unit_id": str(uuid.uuid4())}, headers=auth(session, w.nurse)
        )
        assert unknown.status_code == 404
        naive = client.get(
            "/api/v1/on-call", params={"at": "2026-03-02T10:00:00"}, headers=auth(session, w.nurse)
        )
        assert naive.status_code == 422
        assert naive.json()["field"] == "at"


class TestWriting:
    def test_a_coordinator_adds_a_week_and_it_answers_the_api(
        self, client: TestClient, session: Session, w: W
    ) -> None:
        headers = auth(session, w.coordinator)
        answer = client.post(
            "/api/v1/on-call/entries",
            json={
                "entries": [
                    entry(w),
                    entry(w, slot="weekend", user_id=None, name="Extern Läkare", phone="023-77"),
                ]
            },
            headers=headers,
        )

        assert answer.status_code == 201, answer.text
        made = answer.json()
        assert [(e["name"], e["phone"]) for e in made] == [
            (w.physician.full_name, "070-100 00 01"),
            ("Extern Läkare", "023-77"),
        ]
        covers = client.get(
            "/api/v1/on-call",
            params={"unit_id": str(w.ward.id), "at": "2026-03-07T12:00:00+01:00"},
            headers=headers,
        ).json()["covers"]
        assert [c["name"] for c in covers] == ["Extern Läkare"]

        changed = client.put(
            f"/api/v1/on-call/entries/{made[1]['id']}",
            json={
                "role": "physician",
                "slot": "weekend",
                "starts_on": "2026-03-06",
                "name": "Annan",
                "phone": "023-78",
            },
            headers=headers,
        )
        assert changed.status_code == 200, changed.text
        assert changed.json()["name"] == "Annan"
        assert changed.json()["ends_on"] is None
        gone = client.delete(f"/api/v1/on-call/entries/{made[1]['id']}", headers=headers)
        assert gone.status_code == 204
        assert count(session) == 1
        listed = client.get(
            "/api/v1/on-call/entries",
            params={"unit_id": str(w.ward.id), "include_past": "true"},
            headers=headers,
        )
        assert [e["slot"] for e in listed.json()] == ["night"]

    @pytest.mark.parametrize(
        ("change", "field", "words"),
        [
            ({"ends_on": "2026-03-01"}, "entries[1].ends_on", "before starts_on"),
            ({"user_id": None}, "entries[1].user_id", "say who is on call"),
            ({"user_id": None, "name": "Extern"}, "entries[1].phone", "give the number"),
            ({"name": "Both"}, "entries[1].name", "not both"),
            ({"role": "registered_nurse", "user_id": "NURSE"}, "entries[1].phone", "no phone"),
            ({"user_id": "NURSE"}, "entries[1].user_id", "not a physician"),
            ({"user_id": "OUTSIDER"}, "entries[1].user_id", "not an active member"),
        ],
    )
    def test_bad_input_is_422_with_the_field_and_nothing_is_written(
        self,
        client: TestClient,
        session: Session,
        w: W,
        change: dict[str, object],
        field: str,
        words: str,
    ) -> None:
        ids = {"NURSE": str(w.nurse.id), "OUTSIDER": str(make_user(session, w.other_org).id)}
        bad = entry(w, **{k: ids.get(str(v), v) for k, v in change.items()})
        before = count(session)

        answer = client.post(
            "/api/v1/on-call/entries",
            json={"entries": [entry(w), bad]},  # the first is fine: nothing partial
            headers=auth(session, w.coordinator),
        )

        assert answer.status_code == 422, answer.text
        assert answer.json()["field"] == field
        assert words in answer.json()["detail"]
        assert count(session) == before

    def test_a_refusal_carries_its_code_and_parameters(
        self, client: TestClient, session: Session, w: W
    ) -> None:
        answer = client.post(
            "/api/v1/on-call/entries",
            json={"entries": [entry(w, ends_on="2026-03-01")]},
            headers=auth(session, w.coordinator),
        )

        assert answer.status_code == 422
        body = answer.json()
        assert body["code"] == "oncall.ends_before_start"
        assert body["field"] == "entries[0].ends_on"
        assert body["params"] == {"ends_on": "2026-03-01", "starts_on": "2026-03-02"}
        assert body["detail"].startswith("ends_on 2026-03-01 is before starts_on 2026-03-02")

    def test_an_unknown_slot_is_422_naming_the_field(
        self, client: TestClient, session: Session, w: W
    ) -> None:
        answer = client.post(
            "/api/v1/on-call/entries",
            json={"entries": [entry(w, slot="afternoon")]},
            headers=auth(session, w.coordinator),
        )
        assert answer.status_code == 422
        assert "slot" in answer.text
        assert count(session) == 0

    def test_another_organisations_unit_or_entry_is_not_found(
        self, client: TestClient, session: Session, w: W
    ) -> None:
        headers = auth(session, w.other_coordinator)
        theirs = add_entry(session, w.org, rules.PHYSICIAN, rules.NIGHT, user=w.physician)
        before = count(session)

        post = client.post("/api/v1/on-call/entries", json={"entries": [entry(w)]}, headers=headers)
        put = client.put(
            f"/api/v1/on-call/entries/{theirs.id}",
            json={
                "role": "physician",
                "slot": "night",
                "starts_on": "2026-03-02",
                "name": "X",
                "phone": "1234567",
            },
            headers=headers,
        )
        delete = client.delete(f"/api/v1/on-call/entries/{theirs.id}", headers=headers)

        assert [post.status_code, put.status_code, delete.status_code] == [404, 404, 404]
        assert count(session) == before

    def test_a_nurse_may_not_write_the_roster(
        self, client: TestClient, session: Session, w: W
    ) -> None:
        answer = client.post(
            "/api/v1/on-call/entries", json={"entries": [entry(w)]}, headers=auth(session, w.nurse)
        )
        assert answer.status_code == 403
        assert answer.json()["code"] == "forbidden"
        assert count(session) == 0


class TestPage:
    def test_the_page_shows_who_is_on_call_the_gaps_and_a_form_for_the_coordinator(
        self, client: TestClient, session: Session, w: W
    ) -> None:
        full_week(session, w.org, rules.PHYSICIAN, "Doktor Jour", "023-11", unit=w.ward)
        login(client, session, w.coordinator)

        page = client.get("/on-call")

        assert page.status_code == 200
        assert "Jour och beredskap" in page.text
        assert "Doktor Jour" in page.text
        assert "Sjuksköterska i beredskap" in page.text  # nobody: a gap
        assert 'action="/on-call/entries"' in page.text

        added = client.post(
            "/on-call/entries",
            data={
                "scope": str(w.ward.id),
                "role": "registered_nurse",
                "slot": "weekday_day",
                "starts_on": "2026-03-02",
                "ends_on": "",
                "who": "",
                "name": "Ny Ssk",
                "phone": "023-12",
            },
            follow_redirects=False,
        )
        assert added.status_code == 303, added.text
        assert "Ny Ssk" in client.get(added.headers["location"]).text

    def test_a_bad_form_is_shown_again_with_the_field_and_nothing_is_written(
        self, client: TestClient, session: Session, w: W
    ) -> None:
        login(client, session, w.coordinator)
        answer = client.post(
            "/on-call/entries",
            data={
                "scope": "org",
                "role": "physician",
                "slot": "night",
                "starts_on": "2026-03-02",
                "who": "",
                "name": "Extern",
                "phone": "",
            },
        )
        assert answer.status_code == 422
        # the service's problem (oncall.no_phone) in the page's language
        assert "Telefonnummer saknas: skriv numret att ringa" in answer.text
        assert "give the number" not in answer.text
        assert count(session) == 0

    def test_a_nurse_sees_the_page_without_the_form_and_may_not_post(
        self, client: TestClient, session: Session, w: W
    ) -> None:
        login(client, session, w.nurse)
        page = client.get("/on-call")
        assert page.status_code == 200
        assert 'action="/on-call/entries"' not in page.text
        refused = client.post(
            "/on-call/entries",
            data={
                "scope": "org",
                "role": "physician",
                "slot": "night",
                "starts_on": "2026-03-02",
                "who": "",
                "name": "Extern",
                "phone": "023-1",
            },
        )
        assert refused.status_code == 403
        assert count(session) == 0
