"""Deviations through the API (issue 14): a municipal home health care nurse reports a
deviation concerning the hospital clinic; the clinic is notified, investigates, answers with a
measure and closes; the municipality sees the answer. Who sees it, who handles it, the Lex
Maria flag, bad steps and bad input."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from samband.kit.time import local_today, utcnow
from samband.models import AuditEvent, Notification, User
from samband.models.deviations import Deviation, DeviationMeasure
from tests.deviations.helpers import World, build, report_body
from tests.factories import auth

URL = "/api/v1/deviations"


@pytest.fixture
def world(session: Session) -> World:
    return build(session)


def report(
    client: TestClient, session: Session, world: World, who: User | None = None, **fields: Any
) -> dict[str, Any]:
    answer = client.post(
        URL, json=report_body(world, **fields), headers=auth(session, who or world.home_nurse)
    )
    assert answer.status_code == 201, answer.text
    found: dict[str, Any] = answer.json()
    return found


def notes(session: Session, user: User, kind: str | None = None) -> list[Notification]:
    query = select(Notification).where(Notification.user_id == user.id)
    if kind:
        query = query.where(Notification.kind == kind)
    return list(session.scalars(query.order_by(Notification.created_at)))


def count(session: Session, table: Any) -> int:
    return session.scalar(select(func.count()).select_from(table)) or 0


def post(
    client: TestClient, session: Session, who: User, path: str, body: dict[str, Any] | None = None
) -> Any:
    return client.post(f"{URL}/{path}", json=body or {}, headers=auth(session, who))


MEASURE = {
    "what": "Checklistan vid hemgång kompletteras med kvällsdosen och läkemedelslistan.",
    "responsible": "Avdelningschef avd 12",
}


class TestBetweenTwoOrganisations:
    """The hidden check: a deviation passes between two organisations and closes with a
    measure."""

    def test_reported_investigated_answered_closed_and_seen_by_the_municipality(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        found = report(client, session, world)
        deviation_id = found["id"]
        assert found["status"] == "reported"
        assert found["cross_organisation"] is True
        assert found["reporter_organisation"]["id"] == str(world.municipality.id)
        assert found["concerned_organisation"]["id"] == str(world.clinic.id)
        assert found["pathway"] == world.episode.pathway
        assert found["may_handle"] is False  # the reporter's organisation does not handle it

        # the clinic's handlers are notified, without the patient's identity
        (note,) = notes(session, world.clinic_nurse, "deviation_reported")
        assert note.link == f"/deviations/{deviation_id}"
        assert note.reference == found["reference"]
        assert world.patient.family_name not in note.reference
        assert notes(session, world.clinic_coordinator, "deviation_reported")
        assert not notes(session, world.clinic_assistant, "deviation_reported")  # no handle
        assert not notes(session, world.home_colleague, "deviation_reported")

        # the clinic investigates
        seen = client.get(f"{URL}/{deviation_id}", headers=auth(session, world.clinic_nurse))
        assert seen.status_code == 200
        assert seen.json()["may_handle"] is True
        started = post(client, session, world.clinic_nurse, f"{deviation_id}/investigate")
        assert started.status_code == 200, started.text
        assert started.json()["status"] == "investigating"
        assert started.json()["investigator"]["user_id"] == str(world.clinic_nurse.id)
        assert started.json()["investigation_started_at"]

        # answers with a measure
        due = (local_today() + timedelta(days=30)).isoformat()
        answered = post(
            client,
            session,
            world.clinic_nurse,
            f"{deviation_id}/answer",
            {
                "answer": "Kvällsdosen saknades på checklistan vid hemgång.",
                "measures": [{**MEASURE, "due_on": due}],
            },
        )
        assert answered.status_code == 200, answered.text
        body = answered.json()
        assert body["status"] == "answered"
        assert [(m["what"], m["responsible"], m["due_on"]) for m in body["measures"]] == [
            (MEASURE["what"], MEASURE["responsible"], due)
        ]
        # the municipality is told of the answer
        assert notes(session, world.home_nurse, "deviation_answered")
        assert notes(session, world.home_colleague, "deviation_answered")

        # closes
        closed = post(
            client,
            session,
            world.clinic_nurse,
            f"{deviation_id}/close",
            {"closing_note": "Åtgärden är införd i checklistan."},
        )
        assert closed.status_code == 200, closed.text
        assert closed.json()["status"] == "closed"
        assert closed.json()["closed_by"]["user_id"] == str(world.clinic_nurse.id)

        # the municipality sees the answer and the measure
        theirs = client.get(f"{URL}/{deviation_id}", headers=auth(session, world.home_nurse))
        assert theirs.status_code == 200
        final = theirs.json()
        assert final["status"] == "closed"
        assert final["answer"] == "Kvällsdosen saknades på checklistan vid hemgång."
        assert final["measures"][0]["what"] == MEASURE["what"]
        assert final["closing_note"] == "Åtgärden är införd i checklistan."
        assert [h["event"] for h in final["history"]] == [
            "reported",
            "investigating",
            "answered",
            "closed",
        ]
        assert {h["organisation"] for h in final["history"]} == {
            world.municipality.code,
            world.clinic.code,
        }
        # and in its list of reported deviations
        listed = client.get(
            URL, params={"box": "reported"}, headers=auth(session, world.home_colleague)
        )
        assert [d["id"] for d in listed.json()["items"]] == [deviation_id]
        assert session.get(Deviation, __import__("uuid").UUID(deviation_id)) is not None
        assert count(session, DeviationMeasure) == 1

    def test_reporting_concerning_ones_own_organisation_by_default(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        found = report(client, session, world, concerned_organisation_id=None)

        assert found["concerned_organisation"]["id"] == str(world.municipality.id)
        assert found["cross_organisation"] is False
        assert notes(session, world.home_colleague, "deviation_reported")
        assert not notes(session, world.home_nurse, "deviation_reported")  # not the reporter
        assert not notes(session, world.clinic_nurse, "deviation_reported")


class TestWhoSees:
    def test_no_other_organisation_sees_it_and_the_attempt_is_logged(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        found = report(client, session, world)

        answer = client.get(f"{URL}/{found['id']}", headers=auth(session, world.outsider_nurse))

        assert answer.status_code == 404
        assert world.patient.family_name not in answer.text
        refused = session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(
                AuditEvent.user_id == world.outsider_nurse.id,
                AuditEvent.patient_id == world.patient.id,
                AuditEvent.allowed.is_(False),
            )
        )
        assert refused == 1
        listed = client.get(URL, headers=auth(session, world.outsider_nurse))
        assert listed.json()["total"] == 0

    def test_an_organisation_taking_part_but_neither_reporting_nor_concerned_does_not_see_it(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        # the municipality reports about itself: the clinic takes part in the care, but the
        # deviation is the municipality's alone
        found = report(client, session, world, concerned_organisation_id=None)

        answer = client.get(f"{URL}/{found['id']}", headers=auth(session, world.clinic_nurse))

        assert answer.status_code == 404

    def test_an_analyst_reads_no_deviation_but_the_summary(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        from tests.factories import make_user

        found = report(client, session, world)
        analyst = make_user(session, world.clinic, role="analyst")

        assert client.get(f"{URL}/{found['id']}", headers=auth(session, analyst)).status_code == 403
        assert client.get(URL, headers=auth(session, analyst)).status_code == 403
        summary = client.get(f"{URL}/summary", headers=auth(session, analyst))
        assert summary.status_code == 200
        assert summary.json()["total"]["total"] >= 1
        assert world.patient.family_name not in summary.text
        assert str(world.patient.id) not in summary.text

    def test_reporting_needs_a_care_relationship(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        answer = client.post(
            URL,
            json=report_body(world, concerned_organisation_id=None, episode_id=None),
            headers=auth(session, world.outsider_nurse),
        )

        assert answer.status_code == 404
        assert count(session, Deviation) == 0


class TestHandling:
    def test_only_the_concerned_organisations_handlers_investigate(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        found = report(client, session, world)
        path = f"{found['id']}/investigate"

        reporter_side = post(client, session, world.home_colleague, path)
        assert reporter_side.status_code == 403
        assert reporter_side.json()["code"] == "deviation.not_concerned"
        wrong_role = post(client, session, world.clinic_assistant, path)
        assert wrong_role.status_code == 403
        assert wrong_role.json()["code"] == "forbidden"
        outsider = post(client, session, world.outsider_nurse, path)
        assert outsider.status_code == 404
        assert session.get(Deviation, __import__("uuid").UUID(found["id"])).status == "reported"

    @pytest.mark.parametrize(
        ("steps", "step"),
        [
            ([], "answer"),
            ([], "close"),
            (["investigate"], "investigate"),
            (["investigate"], "close"),
        ],
    )
    def test_a_step_out_of_order_is_409(
        self,
        client: TestClient,
        session: Session,
        world: World,
        steps: list[str],
        step: str,
    ) -> None:
        found = report(client, session, world)
        for done in steps:
            assert (
                post(client, session, world.clinic_nurse, f"{found['id']}/{done}").status_code
                == 200
            )
        bodies = {
            "investigate": {},
            "answer": {"answer": "Svar", "measures": []},
            "close": {"closing_note": "Klart"},
        }

        answer = post(client, session, world.clinic_nurse, f"{found['id']}/{step}", bodies[step])

        assert answer.status_code == 409, answer.text
        assert answer.json()["code"] == "deviation.bad_transition"
        assert answer.json()["field"] == "status"

    def test_a_closed_deviation_cannot_be_answered_again(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        found = report(client, session, world)
        deviation = f"{found['id']}"
        post(client, session, world.clinic_nurse, f"{deviation}/investigate")
        post(client, session, world.clinic_nurse, f"{deviation}/answer", {"answer": "Svar"})
        post(client, session, world.clinic_nurse, f"{deviation}/close", {"closing_note": "Ok"})

        again = post(client, session, world.clinic_nurse, f"{deviation}/answer", {"answer": "X"})

        assert again.status_code == 409
        assert count(session, DeviationMeasure) == 0


class TestBadInput:
    @pytest.mark.parametrize(
        ("fields", "field"),
        [
            ({"category": "weather"}, "category"),
            ({"consequence": "awful"}, "consequence"),
            ({"description": "   "}, "description"),
            ({"occurred_at": "2026-01-01T10:00:00"}, "occurred_at"),
            ({"lex_maria": True}, "lex_maria_reason"),
        ],
    )
    def test_invalid_fields_are_422_naming_the_field(
        self,
        client: TestClient,
        session: Session,
        world: World,
        fields: dict[str, Any],
        field: str,
    ) -> None:
        answer = client.post(
            URL, json=report_body(world, **fields), headers=auth(session, world.home_nurse)
        )

        assert answer.status_code == 422, answer.text
        assert field in answer.text
        assert count(session, Deviation) == 0

    def test_a_time_in_the_future_is_422(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        later = (utcnow() + timedelta(hours=2)).isoformat()
        answer = client.post(
            URL, json=report_body(world, occurred_at=later), headers=auth(session, world.home_nurse)
        )

        assert answer.status_code == 422
        assert answer.json()["code"] == "deviation.occurred_in_future"
        assert count(session, Deviation) == 0

    def test_an_organisation_not_taking_part_is_422(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        answer = client.post(
            URL,
            json=report_body(world, concerned_organisation_id=str(world.outsider.id)),
            headers=auth(session, world.home_nurse),
        )

        assert answer.status_code == 422
        assert answer.json()["code"] == "deviation.concerned_not_taking_part"
        assert answer.json()["field"] == "concerned_organisation_id"
        assert count(session, Deviation) == 0
        assert not notes(session, world.clinic_nurse)

    def test_another_patients_episode_is_422(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        other = build(session)
        answer = client.post(
            URL,
            json=report_body(world, episode_id=str(other.episode.id)),
            headers=auth(session, world.home_nurse),
        )

        assert answer.status_code == 422
        assert answer.json()["code"] == "deviation.episode_not_patients"

    def test_a_measure_without_a_due_date_writes_nothing(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        found = report(client, session, world)
        post(client, session, world.clinic_nurse, f"{found['id']}/investigate")

        answer = post(
            client,
            session,
            world.clinic_nurse,
            f"{found['id']}/answer",
            {"answer": "Svar", "measures": [{"what": "x", "responsible": "y"}]},
        )

        assert answer.status_code == 422
        assert "due_on" in answer.text
        assert count(session, DeviationMeasure) == 0
