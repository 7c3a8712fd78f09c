"""The observations API: ingestion single and batch, exactly once, plausibility, the SpO2
scale, access, and the reads the pages use."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from samband.kit.time import utcnow
from samband.models import ObservationSet
from samband.monitoring import intake
from samband.observations import repository
from samband.observations import service as observations
from samband.security.context import Context
from samband.security.service import actor_of
from tests.factories import make_episode, make_patient
from tests.observations.world import (
    HIGH,
    NORMAL,
    World,
    alerts_of,
    audit_rows,
    count_sets,
    make_world,
    new_client_id,
    post,
    vitals,
)


@pytest.fixture
def world(session: Session) -> World:
    return make_world(session)


class TestIngestOne:
    def test_a_set_is_stored_scored_and_answered(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        response = post(client, world.headers(session, "device"), vitals(world))

        assert response.status_code == 201, response.text
        body = response.json()
        assert body["episode_id"] == str(world.episode.id)
        assert body["news2"]["total"] == 0
        assert body["news2"]["risk"] == "low"
        assert body["news2"]["partial"] is False
        assert body["news2"]["spo2_scale"] == 1
        assert body["status"] == "final"
        assert body["needs_confirmation"] is False
        assert body["alert_ids"] == []
        assert count_sets(session, world.patient) == 1

    def test_a_partial_set_is_scored_as_partial(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        body = vitals(world, {"pulse": 132, "temperature": 37.1})

        response = post(client, world.headers(session, "device"), body)

        news2 = response.json()["news2"]
        assert (news2["total"], news2["partial"], news2["risk"]) == (3, True, "low-medium")
        assert "respiratory_rate" in news2["missing"]

    def test_a_set_without_news2_parameters_has_no_score(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        body = vitals(world, {"weight": 81.4, "symptoms": "Lite trött"})

        response = post(client, world.headers(session, "device"), body)

        assert response.status_code == 201
        assert response.json()["news2"] is None

    def test_oxygen_flow_means_on_oxygen(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        values = {k: v for k, v in NORMAL.items() if k != "on_oxygen"}
        body = vitals(world, {**values, "oxygen_flow": 2})

        news2 = post(client, world.headers(session, "nurse"), body).json()["news2"]

        assert news2["parameters"]["on_oxygen"] == 2

    def test_staff_at_a_visit_and_an_assistant_nurse_may_send(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        body = vitals(world, source="visit")

        response = post(client, world.headers(session, "assistant"), body)

        assert response.status_code == 201
        assert response.json()["source"] == "visit"


class TestExactlyOnce:
    def test_the_same_client_id_answers_as_the_first_time_and_stores_nothing(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        headers = world.headers(session, "device")
        body = vitals(world, HIGH, client_id=new_client_id())

        first = post(client, headers, body)
        again = post(client, headers, body)

        assert first.status_code == 201
        assert again.status_code == 200
        assert again.headers["Idempotent-Replayed"] == "true"
        assert again.json() == first.json()
        assert count_sets(session, world.patient) == 1
        assert len(alerts_of(session, world.episode)) == 1  # and no second alert

    def test_a_retry_written_differently_is_still_a_duplicate(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        headers = world.headers(session, "device")
        at = utcnow() - timedelta(minutes=3)
        client_id = new_client_id()
        first = post(client, headers, vitals(world, at=at, client_id=client_id))
        stockholm = at.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Stockholm"))
        retry = vitals(world, {**NORMAL, "temperature": 37}, at=stockholm, client_id=client_id)

        again = post(client, headers, retry)

        assert again.status_code == 200
        assert again.json()["id"] == first.json()["id"]

    def test_the_same_client_id_with_other_values_is_refused(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        headers = world.headers(session, "device")
        client_id = new_client_id()
        post(client, headers, vitals(world, client_id=client_id))

        other = post(client, headers, vitals(world, HIGH, client_id=client_id))

        assert other.status_code == 409
        assert other.json()["field"] == "client_id"
        assert count_sets(session, world.patient) == 1

    def test_client_ids_are_per_organisation(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        client_id = new_client_id()

        mine = post(client, world.headers(session, "device"), vitals(world, client_id=client_id))
        theirs = post(
            client, world.headers(session, "home_nurse"), vitals(world, client_id=client_id)
        )

        assert (mine.status_code, theirs.status_code) == (201, 201)
        assert mine.json()["id"] != theirs.json()["id"]

    def test_a_concurrent_delivery_that_won_the_race_is_answered(
        self,
        client: TestClient,
        session: Session,
        world: World,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """The other delivery committed between our look-up and our insert: the unique
        constraint refuses ours inside a SAVEPOINT, and the winner's row is answered."""
        headers = world.headers(session, "device")
        body = vitals(world, client_id=new_client_id())
        first = post(client, headers, body)
        real = repository.by_client_ids
        calls: list[int] = []

        def stale(*args: Any, **kwargs: Any) -> Any:
            calls.append(1)
            return {} if len(calls) == 1 else real(*args, **kwargs)

        monkeypatch.setattr(repository, "by_client_ids", stale)

        again = post(client, headers, body)

        assert again.status_code == 200, again.text
        assert again.json()["id"] == first.json()["id"]
        assert len(calls) == 2  # the stale look-up, then the re-read after the conflict
        assert count_sets(session, world.patient) == 1

    def test_a_batch_repeating_a_set_that_lost_the_race(
        self,
        client: TestClient,
        session: Session,
        world: World,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        headers = world.headers(session, "device")
        body = vitals(world, client_id=new_client_id())
        other = vitals(world, {**NORMAL, "pulse": 80}, client_id=new_client_id())
        stored = post(client, headers, body).json()
        real = repository.by_client_ids
        calls: list[int] = []

        def stale(*args: Any, **kwargs: Any) -> Any:
            calls.append(1)
            return {} if len(calls) == 1 else real(*args, **kwargs)

        monkeypatch.setattr(repository, "by_client_ids", stale)

        response = client.post(
            "/api/v1/observations/batch", json={"items": [body, other, body]}, headers=headers
        )

        items = response.json()["items"]
        assert response.status_code == 200, response.text
        assert [i["result"] for i in items] == ["duplicate", "created", "duplicate"]
        assert items[0]["observation"]["id"] == items[2]["observation"]["id"] == stored["id"]
        assert count_sets(session, world.patient) == 2

    def test_the_database_refuses_a_second_row_with_the_same_client_id(
        self, session: Session, world: World
    ) -> None:
        ctx = Context(session=session, actor=actor_of(world.device))
        intake.ingest_one(
            ctx,
            observations.ObservationCreate.model_validate(vitals(world, client_id="same-1")),
        )
        row = session.scalars(select(ObservationSet)).first()
        assert row is not None
        twin = ObservationSet(
            **{
                c.key: getattr(row, c.key)
                for c in ObservationSet.__table__.columns
                if c.key != "id"
            }
        )

        session.add(twin)

        with pytest.raises(IntegrityError), session.begin_nested():
            session.flush()


class TestBatch:
    def test_a_batch_is_taken_in_and_answered_per_item(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        headers = world.headers(session, "device")
        now = utcnow()
        items = [
            vitals(world, at=now - timedelta(hours=h), client_id=new_client_id()) for h in (3, 2, 1)
        ]

        first = client.post("/api/v1/observations/batch", json={"items": items}, headers=headers)
        again = client.post("/api/v1/observations/batch", json={"items": items}, headers=headers)

        assert first.status_code == 200, first.text
        assert (first.json()["created"], first.json()["duplicates"]) == (3, 0)
        assert (again.json()["created"], again.json()["duplicates"]) == (0, 3)
        assert [i["observation"]["id"] for i in again.json()["items"]] == [
            i["observation"]["id"] for i in first.json()["items"]
        ]
        assert [i["result"] for i in again.json()["items"]] == ["duplicate"] * 3
        assert count_sets(session, world.patient) == 3

    def test_a_batch_is_logged_once_per_patient(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        """The access log holds one row per patient and request, not one per set
        (decision 0006): who sent measurements of which patient, when, in which request."""
        second = make_patient(session, registered_by=world.nurse)
        make_episode(session, second, unit=world.ward, state="at_home")
        items = [vitals(world, client_id=new_client_id()) for _ in range(3)]
        items.append({**vitals(world, client_id=new_client_id()), "patient_id": str(second.id)})

        response = client.post(
            "/api/v1/observations/batch",
            json={"items": items},
            headers=world.headers(session, "device"),
        )

        assert response.status_code == 200, response.text
        rows = audit_rows(session, world.device, "observation")
        assert sorted((str(r.patient_id), r.allowed, r.action) for r in rows) == sorted(
            [(str(world.patient.id), True, "create"), (str(second.id), True, "create")]
        )
        assert {(r.path, r.method, r.username) for r in rows} == {
            ("/api/v1/observations/batch", "POST", world.device.username)
        }

    def test_one_bad_item_and_nothing_is_stored(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        items = [vitals(world), vitals(world, {**NORMAL, "spo2": 101}), vitals(world)]

        response = client.post(
            "/api/v1/observations/batch",
            json={"items": items},
            headers=world.headers(session, "device"),
        )

        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "items.1.spo2"
        assert count_sets(session, world.patient) == 0

    def test_a_patient_out_of_reach_refuses_the_whole_batch(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        stranger = make_world(session)
        items = [vitals(world), vitals(stranger)]

        response = client.post(
            "/api/v1/observations/batch",
            json={"items": items},
            headers=world.headers(session, "device"),
        )

        assert response.status_code == 404
        assert response.json()["field"] == "items.1.patient_id"
        assert count_sets(session, world.patient) == 0

    def test_the_same_client_id_twice_in_a_batch_is_one_set(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        body = vitals(world, client_id=new_client_id())

        response = client.post(
            "/api/v1/observations/batch",
            json={"items": [body, body]},
            headers=world.headers(session, "device"),
        )

        items = response.json()["items"]
        assert [i["result"] for i in items] == ["created", "duplicate"]
        assert items[0]["observation"]["id"] == items[1]["observation"]["id"]
        assert count_sets(session, world.patient) == 1

    def test_more_than_1000_items_are_refused(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        response = client.post(
            "/api/v1/observations/batch",
            json={"items": [vitals(world)] * 1001},
            headers=world.headers(session, "device"),
        )

        assert response.status_code == 422
        assert count_sets(session, world.patient) == 0


class TestPlausibility:
    @pytest.mark.parametrize(
        ("values", "field", "words"),
        [
            ({"spo2": 101}, "spo2", "impossible"),
            ({"pulse": 0}, "pulse", "no reading"),
            ({"temperature": 60}, "temperature", "impossible"),
            ({"temperature": 98.6}, "temperature", "°F"),
            ({"respiratory_rate": -4}, "respiratory_rate", "impossible"),
            ({"systolic_bp": 120, "diastolic_bp": 130}, "diastolic_bp", "not below"),
            ({"weight": 0}, "weight", "impossible"),
            ({"on_oxygen": False, "oxygen_flow": 3}, "oxygen_flow", "on_oxygen"),
            ({"spo2": 95.5}, "spo2", "integer"),
            ({"consciousness": "X"}, "consciousness", "A"),
        ],
    )
    def test_an_impossible_value_is_refused_naming_the_field_and_nothing_is_written(
        self,
        client: TestClient,
        session: Session,
        world: World,
        values: dict[str, Any],
        field: str,
        words: str,
    ) -> None:
        response = post(client, world.headers(session, "device"), vitals(world, values))

        assert response.status_code == 422
        error = response.json()["errors"][0]
        assert error["field"] == field
        assert words in error["message"]
        assert count_sets(session, world.patient) == 0

    @pytest.mark.parametrize(
        ("units", "field"),
        [
            ({"temperature": "[degF]"}, "units.temperature"),
            ({"systolic_bp": "kPa"}, "units.systolic_bp"),
        ],
    )
    def test_a_wrong_unit_is_refused(
        self,
        client: TestClient,
        session: Session,
        world: World,
        units: dict[str, str],
        field: str,
    ) -> None:
        response = post(client, world.headers(session, "device"), vitals(world, units=units))

        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == field

    def test_the_expected_units_are_accepted(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        units = {"temperature": "Cel", "systolic_bp": "mm[Hg]", "spo2": "%", "pulse": "/min"}

        response = post(client, world.headers(session, "device"), vitals(world, units=units))

        assert response.status_code == 201

    @pytest.mark.parametrize(
        ("values", "field"),
        [
            ({"measured_at": "2030-01-01T08:00:00"}, "measured_at"),
            ({"measured_at": (utcnow() + timedelta(hours=2)).isoformat()}, "measured_at"),
            ({"measured_at": (utcnow() - timedelta(days=40)).isoformat()}, "measured_at"),
        ],
    )
    def test_a_time_without_a_zone_in_the_future_or_long_ago_is_refused(
        self, client: TestClient, session: Session, world: World, values: dict[str, Any], field: str
    ) -> None:
        response = post(client, world.headers(session, "device"), {**vitals(world), **values})

        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == field

    def test_an_empty_set_is_refused(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        response = post(client, world.headers(session, "device"), vitals(world, {}))

        assert response.status_code == 422
        assert "at least one" in response.json()["detail"]

    def test_malformed_json_is_a_422_not_a_500(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        headers = {**world.headers(session, "device"), "Content-Type": "application/json"}

        response = client.post("/api/v1/observations", content=b'{"patient_id": ', headers=headers)

        assert response.status_code == 422
        assert count_sets(session, world.patient) == 0

    @pytest.mark.parametrize(
        ("values", "field"),
        [
            ({"pulse": 35}, "pulse"),
            ({"temperature": 34.0}, "temperature"),
            ({"spo2": 75}, "spo2"),
            ({"systolic_bp": 250}, "systolic_bp"),
        ],
    )
    def test_an_implausible_value_is_stored_flagged_and_scored(
        self,
        client: TestClient,
        session: Session,
        world: World,
        values: dict[str, Any],
        field: str,
    ) -> None:
        response = post(
            client, world.headers(session, "device"), vitals(world, {**NORMAL, **values})
        )

        body = response.json()
        assert response.status_code == 201
        assert body["needs_confirmation"] is True
        assert body["status"] == "preliminary"
        assert [f["field"] for f in body["flags"]] == [field]
        assert body["news2"]["parameters"][field] == 3

    def test_an_implausible_value_answers_its_code_and_parameters(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        response = post(
            client, world.headers(session, "device"), vitals(world, {**NORMAL, "pulse": 35})
        )

        flag = response.json()["flags"][0]
        assert response.status_code == 201
        assert flag["code"] == "observation.unusually_low"
        assert flag["params"] == {
            "what": "pulse",
            "value": 35,
            "low": 40,
            "high": 180,
            "unit": "/min",
        }
        assert (
            flag["reason"] == "pulse 35 /min is unusually low (under 40 /min): confirm the reading"
        )

    def test_an_impossible_value_answers_its_code_and_parameters(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        response = post(client, world.headers(session, "device"), vitals(world, {"spo2": 101}))

        error = response.json()["errors"][0]
        assert response.status_code == 422
        assert (error["field"], error["code"]) == ("spo2", "observation.impossible")
        assert error["params"] == {
            "what": "spo2",
            "value": 101,
            "low": 20,
            "high": 100,
            "unit": "%",
        }
        assert error["message"] == "SpO2 101 % is impossible; allowed 20 % to 100 %"

    def test_a_nurse_confirms_a_flagged_set(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        flagged = post(
            client, world.headers(session, "device"), vitals(world, {**NORMAL, "pulse": 35})
        )
        url = f"/api/v1/observations/{flagged.json()['id']}/confirm"
        waiting = client.get(
            "/api/v1/observations?needs_confirmation=true", headers=world.headers(session)
        )

        confirmed = client.post(url, json={"decision": "confirmed"}, headers=world.headers(session))
        twice = client.post(url, json={"decision": "confirmed"}, headers=world.headers(session))
        by_device = client.post(
            url, json={"decision": "confirmed"}, headers=world.headers(session, "device")
        )

        assert [o["id"] for o in waiting.json()] == [flagged.json()["id"]]
        assert confirmed.status_code == 200
        assert confirmed.json()["status"] == "final"
        assert confirmed.json()["needs_confirmation"] is False
        assert confirmed.json()["confirmed_by_id"] == str(world.nurse.id)
        assert twice.status_code == 409
        assert by_device.status_code == 403

    def test_a_set_marked_entered_in_error_leaves_the_trend(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        wrong = post(
            client, world.headers(session, "device"), vitals(world, {**NORMAL, "spo2": 75})
        )
        url = f"/api/v1/observations/{wrong.json()['id']}/confirm"
        no_note = client.post(
            url, json={"decision": "entered_in_error"}, headers=world.headers(session)
        )

        marked = client.post(
            url,
            json={"decision": "entered_in_error", "note": "The probe had slipped off"},
            headers=world.headers(session),
        )
        trend = client.get(
            f"/api/v1/observations?patient_id={world.patient.id}", headers=world.headers(session)
        )

        assert no_note.status_code == 422
        assert marked.json()["status"] == "entered_in_error"
        assert trend.json() == []


class TestSpo2Scale:
    def url(self, world: World) -> str:
        return f"/api/v1/episodes/{world.episode.id}/spo2-scale"

    def test_scale_2_only_when_a_physician_sets_it(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        body = vitals(world, {**NORMAL, "spo2": 89})
        before = post(client, world.headers(session, "device"), body).json()["news2"]
        by_nurse = client.put(
            self.url(world), json={"scale": 2, "reason": "COPD"}, headers=world.headers(session)
        )

        by_physician = client.put(
            self.url(world),
            json={"scale": 2, "reason": "Hypercapnic respiratory failure, target 88-92 %"},
            headers=world.headers(session, "physician"),
        )
        after = post(client, world.headers(session, "device"), {**body, "pulse": 73}).json()[
            "news2"
        ]
        read = client.get(self.url(world), headers=world.headers(session))

        assert by_nurse.status_code == 403
        assert (before["spo2_scale"], before["parameters"]["spo2"]) == (1, 3)
        assert by_physician.status_code == 200, by_physician.text
        assert (after["spo2_scale"], after["parameters"]["spo2"]) == (2, 0)
        assert read.json()["scale"] == 2
        assert read.json()["decided_by_id"] == str(world.physician.id)
        refused = audit_rows(session, world.nurse, "spo2")
        assert [r.allowed for r in refused] == [False] + [True] * (len(refused) - 1)

    def test_a_client_cannot_choose_the_scale(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        response = post(client, world.headers(session, "device"), vitals(world, spo2_scale=2))

        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "spo2_scale"

    def test_the_default_is_scale_1(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        response = client.get(self.url(world), headers=world.headers(session))

        assert response.json()["scale"] == 1
        assert response.json()["decided_by_id"] is None


class TestAccess:
    def test_an_organisation_without_a_care_relationship_can_neither_post_nor_read(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        stored = post(client, world.headers(session, "device"), vitals(world)).json()
        outsider = world.headers(session, "outsider")

        posted = post(client, outsider, vitals(world))
        read = client.get(f"/api/v1/observations/{stored['id']}", headers=outsider)
        listed = client.get(f"/api/v1/observations?patient_id={world.patient.id}", headers=outsider)
        trend = client.get(f"/api/v1/observations?episode_id={world.episode.id}", headers=outsider)

        assert (posted.status_code, read.status_code, listed.status_code) == (404, 404, 404)
        assert trend.status_code == 404
        assert count_sets(session, world.patient) == 1
        rows = audit_rows(session, world.outsider, "observation")
        assert len(rows) >= 3
        assert all(not r.allowed and r.patient_id == world.patient.id for r in rows)

    def test_a_device_account_sends_but_reads_nothing(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        headers = world.headers(session, "device")
        stored = post(client, headers, vitals(world)).json()

        reads = [
            client.get(f"/api/v1/observations/{stored['id']}", headers=headers),
            client.get(f"/api/v1/observations?patient_id={world.patient.id}", headers=headers),
            client.get(f"/api/v1/patients/{world.patient.id}", headers=headers),
            client.get("/api/v1/alerts", headers=headers),
            client.get(f"/api/v1/episodes/{world.episode.id}", headers=headers),
            client.put(
                f"/api/v1/episodes/{world.episode.id}/spo2-scale",
                json={"scale": 2, "reason": "x"},
                headers=headers,
            ),
        ]
        as_visit = post(client, headers, vitals(world, source="visit"))

        assert [r.status_code for r in reads] == [403] * len(reads)
        assert as_visit.status_code == 422
        assert as_visit.json()["field"] == "source"

    def test_roles_without_the_permission_are_refused_and_logged(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        from tests.factories import make_user

        auditor = make_user(session, world.clinic, role="auditor")
        from tests.factories import auth

        response = post(client, auth(session, auditor), vitals(world))

        assert response.status_code == 403
        rows = audit_rows(session, auditor, "observation")
        assert [(r.allowed, r.patient_id) for r in rows] == [(False, world.patient.id)]

    def test_a_patient_without_an_open_episode_is_refused(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        world.episode.state = "discharged"
        world.episode.ended_at = utcnow()
        session.flush()

        response = post(client, world.headers(session, "device"), vitals(world))

        assert response.status_code == 409
        assert "no open episode" in response.json()["detail"]

    def test_an_episode_of_another_patient_is_refused(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        body = vitals(world, episode_id=str(uuid.uuid4()))

        response = post(client, world.headers(session, "device"), body)

        assert response.status_code == 422
        assert response.json()["field"] == "episode_id"


class TestReads:
    def test_the_trend_of_a_time_range_oldest_first_with_news2_and_alerts(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        headers = world.headers(session, "device")
        now = utcnow()
        for hours, values in ((30, NORMAL), (20, HIGH), (10, NORMAL), (2, NORMAL)):
            post(client, headers, vitals(world, values, at=now - timedelta(hours=hours)))
        since = (now - timedelta(hours=25)).isoformat()
        until = (now - timedelta(hours=5)).isoformat()

        response = client.get(
            "/api/v1/observations",
            params={"episode_id": str(world.episode.id), "since": since, "until": until},
            headers=world.headers(session),
        )

        sets = response.json()
        assert [s["news2"]["total"] for s in sets] == [8, 0]
        assert len(sets[0]["alert_ids"]) == 1
        assert sets[1]["alert_ids"] == []

    def test_a_naive_time_in_a_query_is_a_422(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        response = client.get(
            "/api/v1/observations",
            params={"patient_id": str(world.patient.id), "since": "2030-01-01T00:00:00"},
            headers=world.headers(session),
        )

        assert response.status_code == 422

    def test_listing_without_a_patient_or_episode_asks_for_one(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        response = client.get("/api/v1/observations", headers=world.headers(session))

        assert response.status_code == 422
