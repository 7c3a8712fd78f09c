"""Physician requests through the API (issue 13): a municipal nurse asks at 22:00 and the
physician on call is notified; in office hours the fixed physician; the answer reaches the
nurse; an unanswered same-day request escalates; outsiders, wrong roles and bad input."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from samband.config import get_settings
from samband.models import (
    AuditEvent,
    EpisodeParticipant,
    Notification,
    NotificationDelivery,
    OnCallEntry,
    PhysicianRequest,
    PhysicianSlot,
    SlotBooking,
    User,
)
from samband.notifications import messages
from samband.physicianrequests import agreements as rules
from samband.physicianrequests import periodic, service
from tests.factories import auth, make_organisation, make_patient, make_user, register_patient
from tests.physicianrequests.helpers import (
    WEDNESDAY_10,
    WEDNESDAY_22,
    World,
    build,
    local,
    pin,
)

URL = "/api/v1/physician-requests"


@pytest.fixture
def world(session: Session) -> World:
    return build(session)


def body(world: World, **fields: Any) -> dict[str, Any]:
    return {
        "patient_id": str(world.patient.id),
        "urgency": "acute",
        "situation": "Andningsfrekvens 24, SpO2 91 %, feber 38,9.",
        "background": "KOL, inskriven i hemsjukvården.",
        "assessment": "Försämrad, NEWS2 8.",
        "recommendation": "Bedömning i kväll.",
        **fields,
    }


def ask(
    client: TestClient, session: Session, world: World, who: User | None = None, **fields: Any
) -> dict[str, Any]:
    answer = client.post(URL, json=body(world, **fields), headers=auth(session, who or world.nurse))
    assert answer.status_code == 201, answer.text
    found: dict[str, Any] = answer.json()
    return found


def notes(session: Session, user: User, kind: str | None = None) -> list[Notification]:
    query = select(Notification).where(Notification.user_id == user.id)
    if kind:
        query = query.where(Notification.kind == kind)
    return list(session.scalars(query.order_by(Notification.created_at)))


def requests_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(PhysicianRequest)) or 0


def log_rows(session: Session, user: User) -> list[AuditEvent]:
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.user_id == user.id, AuditEvent.resource_type == "physician_request")
            .order_by(AuditEvent.at)
        )
    )


class TestAsking:
    def test_an_acute_request_at_22_goes_to_the_physician_on_call(
        self, client: TestClient, session: Session, world: World, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        pin(monkeypatch, WEDNESDAY_22)

        found = ask(client, session, world)

        assert found["status"] == "open"
        assert found["urgency"] == "acute"
        assert found["routed_to"]["user_id"] == str(world.on_call.id)
        assert found["routed_to"]["via"] == "on_call"
        assert found["routed_to"]["phone"] == "070-111 22 33"
        assert found["routed_to"]["organisation_id"] == str(world.centre.id)
        assert found["level"] == 0
        assert found["due_at"].startswith("2026-03-04T21:30")  # 22:30 local
        assert found["overdue"] is False
        assert found["episode_id"] == str(world.enrolment.id)
        # the latest vital signs are attached
        assert found["observation_set_id"] == str(world.vitals.id)
        assert found["vitals"]["news2_total"] == 8
        assert found["vitals"]["spo2"] == 91
        assert [h["event"] for h in found["history"]] == ["asked", "routed"]

    def test_the_physician_on_call_is_notified_in_the_app_and_by_sms(
        self, client: TestClient, session: Session, world: World, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        pin(monkeypatch, WEDNESDAY_22)
        found = ask(client, session, world)

        (note,) = notes(session, world.on_call)
        assert note.kind == "physician_request"
        assert note.severity == "high"
        assert note.link == f"/physician-requests/{found['id']}"
        assert note.reference == found["reference"]
        deliveries = {
            d.channel: d.status
            for d in session.scalars(
                select(NotificationDelivery).where(NotificationDelivery.notification_id == note.id)
            )
        }
        assert deliveries == {"app": "sent", "sms": "queued"}
        # no patient identity in the message
        text = messages.render(
            note.kind,
            severity=note.severity,
            reference=note.reference,
            link=note.link,
            params=note.params,
        ).body
        assert world.patient.family_name not in text
        assert world.patient.personnummer not in text
        assert "22:30" in text
        assert notes(session, world.fixed) == []

    def test_in_office_hours_it_goes_to_the_fixed_physician(
        self, client: TestClient, session: Session, world: World, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        pin(monkeypatch, WEDNESDAY_10)

        found = ask(client, session, world, urgency="same_day")

        assert found["routed_to"]["user_id"] == str(world.fixed.id)
        assert found["routed_to"]["via"] == "fixed_physician"
        assert found["due_at"].startswith("2026-03-04T15:00")  # 16:00 local
        (note,) = notes(session, world.fixed)
        assert (note.kind, note.severity) == ("physician_request", "medium")
        assert notes(session, world.on_call) == []

    def test_planned_is_three_working_days(
        self, client: TestClient, session: Session, world: World, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        pin(monkeypatch, local(2026, 3, 6, 18, 30))  # Friday evening

        found = ask(client, session, world, urgency="planned")

        assert found["due_at"].startswith("2026-03-11T17:30")  # Wednesday 18:30 local
        assert found["routed_to"]["user_id"] == str(world.on_call.id)  # the weekend's

    def test_nobody_on_call_gives_the_number_to_call(
        self, client: TestClient, session: Session, world: World, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        pin(monkeypatch, WEDNESDAY_22)
        lonely = make_organisation(session, kind="primary_care_centre")
        lonely.phone = "0243-99 00 00"
        patient = make_patient(session, listed_primary_care_id=lonely.id, registered_by=world.nurse)

        found = ask(client, session, world, patient_id=str(patient.id))

        assert found["routed_to"]["via"] == "nobody"
        assert found["routed_to"]["user_id"] is None
        assert found["routed_to"]["phone"] == "0243-99 00 00"
        assert found["episode_id"] is None
        assert found["vitals"] == {}

    def test_the_physicians_organisation_is_made_to_take_part(
        self, client: TestClient, session: Session, world: World, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        pin(monkeypatch, WEDNESDAY_22)
        monkeypatch.setattr(
            service,
            "agreements",
            lambda: rules.parse(
                {"default": {"on_call_organisation": world.clinic.code, "acute_minutes": 30}}
            ),
        )
        # the centre has nobody tonight: the clinic's physician on call is the next level
        for entry in session.scalars(
            select(OnCallEntry).where(OnCallEntry.organisation_id == world.centre.id)
        ):
            session.delete(entry)
        session.flush()

        found = ask(client, session, world)

        assert found["routed_to"]["user_id"] == str(world.clinic_on_call.id)
        assert found["routed_to"]["via"] == "organisation_on_call"
        assert "participant_added" in [h["event"] for h in found["history"]]
        taking_part = session.scalars(
            select(EpisodeParticipant.organisation_id).where(
                EpisodeParticipant.episode_id == world.enrolment.id
            )
        ).all()
        assert world.clinic.id in taking_part
        # and so the clinic's physician reads the patient
        assert (
            client.get(
                f"/api/v1/patients/{world.patient.id}", headers=auth(session, world.clinic_on_call)
            ).status_code
            == 200
        )

    def test_asked_from_a_visit_of_another_patient_is_refused(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        answer = client.post(
            URL, json=body(world, visit_id=str(uuid.uuid4())), headers=auth(session, world.nurse)
        )

        assert answer.status_code == 422
        assert answer.json()["code"] == "physician_request.visit_unknown"
        assert answer.json()["field"] == "visit_id"
        assert requests_count(session) == 0


class TestRefusals:
    def test_an_outsider_gets_404_and_is_logged(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        answer = client.post(URL, json=body(world), headers=auth(session, world.outsider_nurse))

        assert answer.status_code == 404
        assert world.patient.family_name not in answer.text
        (row,) = log_rows(session, world.outsider_nurse)
        assert (row.allowed, row.patient_id) == (False, world.patient.id)
        assert requests_count(session) == 0

    def test_an_outsider_cannot_read_one(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        found = ask(client, session, world)

        answer = client.get(f"{URL}/{found['id']}", headers=auth(session, world.outsider_nurse))
        listed = client.get(URL, headers=auth(session, world.outsider_nurse))

        assert answer.status_code == 404
        assert listed.json()["items"] == []
        rows = log_rows(session, world.outsider_nurse)
        assert [(r.allowed, r.patient_id) for r in rows] == [(False, world.patient.id)]

    def test_an_unknown_request_is_the_same_404(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        answer = client.get(f"{URL}/{uuid.uuid4()}", headers=auth(session, world.nurse))

        assert answer.status_code == 404
        assert answer.json()["code"] == "common.not_visible"

    @pytest.mark.parametrize("role", ["assistant_nurse", "pharmacist", "analyst"])
    def test_a_role_that_may_not_ask_gets_403(
        self, client: TestClient, session: Session, world: World, role: str
    ) -> None:
        who = make_user(session, world.municipality, role=role)

        answer = client.post(URL, json=body(world), headers=auth(session, who))

        assert answer.status_code == 403
        assert answer.json()["code"] == "forbidden"
        assert requests_count(session) == 0

    def test_a_nurse_may_not_answer(
        self, client: TestClient, session: Session, world: World, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        pin(monkeypatch, WEDNESDAY_22)
        found = ask(client, session, world)

        answer = client.post(
            f"{URL}/{found['id']}/answer",
            json={"kind": "advice", "text": "Paracetamol"},
            headers=auth(session, world.other_nurse),
        )

        assert answer.status_code == 403
        session.expire_all()
        assert session.get(PhysicianRequest, uuid.UUID(found["id"])).status == "open"  # type: ignore[union-attr]

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"situation": None}, "situation"),
            ({"situation": "   "}, "situation"),
            ({"urgency": "soon"}, "urgency"),
            ({"patient_id": "not-an-id"}, "patient_id"),
            ({"colour": "blue"}, "colour"),
        ],
    )
    def test_bad_input_is_422_naming_the_field_and_nothing_is_written(
        self,
        client: TestClient,
        session: Session,
        world: World,
        change: dict[str, Any],
        field: str,
    ) -> None:
        sent = {k: v for k, v in (body(world) | change).items() if v is not None}

        answer = client.post(URL, json=sent, headers=auth(session, world.nurse))

        assert answer.status_code == 422
        assert answer.json()["code"] == "invalid"
        assert field in [e["field"] for e in answer.json()["errors"]]
        assert requests_count(session) == 0
        assert notes(session, world.on_call) == notes(session, world.fixed) == []


class TestAnswering:
    def test_the_answer_reaches_the_nurse(
        self, client: TestClient, session: Session, world: World, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        pin(monkeypatch, WEDNESDAY_22)
        found = ask(client, session, world)
        pin(monkeypatch, WEDNESDAY_22 + timedelta(minutes=12))

        answer = client.post(
            f"{URL}/{found['id']}/answer",
            json={"kind": "advice", "text": "Paracetamol 1 g, ny kontroll om 2 timmar."},
            headers=auth(session, world.on_call),
        )

        assert answer.status_code == 200, answer.text
        done = answer.json()
        assert done["status"] == "answered"
        assert done["answer"]["kind"] == "advice"
        assert done["answer"]["by_id"] == str(world.on_call.id)
        assert done["minutes_to_answer"] == 12
        (note,) = notes(session, world.nurse)
        assert (note.kind, note.link) == (
            "physician_request_answered",
            f"/physician-requests/{found['id']}",
        )
        seen = client.get(f"{URL}/{found['id']}", headers=auth(session, world.nurse)).json()
        assert seen["answer"]["text"] == "Paracetamol 1 g, ny kontroll om 2 timmar."
        sent = client.get(URL, params={"box": "sent"}, headers=auth(session, world.nurse)).json()
        assert [r["id"] for r in sent["items"]] == [found["id"]]

    def test_answering_twice_is_409(
        self, client: TestClient, session: Session, world: World, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        pin(monkeypatch, WEDNESDAY_22)
        found = ask(client, session, world)
        headers = auth(session, world.on_call)
        client.post(f"{URL}/{found['id']}/answer", json={"kind": "video"}, headers=headers)

        again = client.post(
            f"{URL}/{found['id']}/answer", json={"kind": "advice", "text": "x"}, headers=headers
        )

        assert again.status_code == 409
        assert again.json()["code"] == "physician_request.not_open"
        assert len(notes(session, world.nurse, "physician_request_answered")) == 1

    @pytest.mark.parametrize(
        ("sent", "code", "field"),
        [
            ({"kind": "advice"}, "physician_request.answer_text_missing", "text"),
            ({"kind": "admission", "text": " "}, None, "text"),
            ({"kind": "forwarded"}, "physician_request.forward_to_missing", "forward_to_user_id"),
            (
                {"kind": "video", "slot_id": str(uuid.uuid4()), "date": "2026-03-05"},
                "physician_request.slot_only_home_visit",
                "slot_id",
            ),
            (
                {"kind": "home_visit", "slot_id": str(uuid.uuid4())},
                "physician_request.slot_and_date",
                "date",
            ),
            ({"kind": "lunch"}, None, "kind"),
        ],
    )
    def test_a_bad_answer_is_422_with_its_code_and_nothing_changes(
        self,
        client: TestClient,
        session: Session,
        world: World,
        monkeypatch: pytest.MonkeyPatch,
        sent: dict[str, Any],
        code: str | None,
        field: str,
    ) -> None:
        pin(monkeypatch, WEDNESDAY_22)
        found = ask(client, session, world)

        answer = client.post(
            f"{URL}/{found['id']}/answer", json=sent, headers=auth(session, world.on_call)
        )

        assert answer.status_code == 422
        errors = answer.json()["errors"]
        assert field in [e["field"] for e in errors]
        if code:
            assert code in [e.get("code") for e in errors]
        session.expire_all()
        stored = session.get(PhysicianRequest, uuid.UUID(found["id"]))
        assert stored is not None
        assert (stored.status, len(stored.history)) == ("open", 2)

    def test_a_home_visit_without_a_slot_is_an_answer(
        self, client: TestClient, session: Session, world: World, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        pin(monkeypatch, WEDNESDAY_22)
        found = ask(client, session, world)

        answer = client.post(
            f"{URL}/{found['id']}/answer",
            json={"kind": "home_visit", "text": "Jag kommer i morgon förmiddag."},
            headers=auth(session, world.on_call),
        )

        assert answer.status_code == 200, answer.text
        assert answer.json()["answer"]["kind"] == "home_visit"
        assert answer.json()["answer"]["visit_id"] is None

    def test_a_home_visit_in_a_slot_books_the_visit(
        self, client: TestClient, session: Session, world: World, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        slot = PhysicianSlot(
            organisation_id=world.centre.id,
            physician_id=world.fixed.id,
            weekdays=[1, 2, 3, 4, 5],
            start_time="11:00",
            end_time="12:00",
            book_by="08:30",
            capacity=2,
            visit_minutes=30,
            valid_from=date(2026, 1, 1),
            created_by_id=world.fixed.id,
        )
        session.add(slot)
        session.flush()
        pin(monkeypatch, WEDNESDAY_22)
        found = ask(client, session, world, urgency="same_day")

        answer = client.post(
            f"{URL}/{found['id']}/answer",
            json={
                "kind": "home_visit",
                "text": "Hembesök i morgon 11-12.",
                "slot_id": str(slot.id),
                "date": "2026-03-05",
            },
            headers=auth(session, world.on_call),
        )

        assert answer.status_code == 200, answer.text
        visit_id = answer.json()["answer"]["visit_id"]
        assert visit_id is not None
        booking = session.scalar(select(SlotBooking).where(SlotBooking.slot_id == slot.id))
        assert booking is not None
        assert (str(booking.visit_id), booking.request_id) == (visit_id, uuid.UUID(found["id"]))
        assert [n.kind for n in notes(session, world.nurse)] == ["physician_request_answered"]

    def test_forwarded_stays_open_and_goes_to_the_other_physician(
        self, client: TestClient, session: Session, world: World, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        pin(monkeypatch, WEDNESDAY_22)
        found = ask(client, session, world)

        answer = client.post(
            f"{URL}/{found['id']}/answer",
            json={
                "kind": "forwarded",
                "forward_to_user_id": str(world.clinic_on_call.id),
                "text": "Infektionsfrågan: medicinjouren.",
            },
            headers=auth(session, world.on_call),
        )

        assert answer.status_code == 200, answer.text
        moved = answer.json()
        assert moved["status"] == "open"
        assert moved["due_at"] == found["due_at"]
        assert moved["routed_to"]["user_id"] == str(world.clinic_on_call.id)
        assert moved["routed_to"]["via"] == "forwarded"
        assert moved["forwarded_to_id"] == str(world.clinic_on_call.id)
        assert [n.kind for n in notes(session, world.clinic_on_call)] == ["physician_request"]
        assert [n.kind for n in notes(session, world.nurse)] == ["physician_request_forwarded"]
        # the first physician still sees it (it was routed to them)
        assert (
            client.get(f"{URL}/{found['id']}", headers=auth(session, world.on_call)).status_code
            == 200
        )

    def test_forwarding_to_a_nurse_is_refused(
        self, client: TestClient, session: Session, world: World, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        pin(monkeypatch, WEDNESDAY_22)
        found = ask(client, session, world)

        answer = client.post(
            f"{URL}/{found['id']}/answer",
            json={"kind": "forwarded", "forward_to_user_id": str(world.other_nurse.id)},
            headers=auth(session, world.on_call),
        )

        assert answer.status_code == 422
        assert answer.json()["code"] == "physician_request.forward_to_not_physician"


class TestCancelling:
    def test_the_asker_withdraws_it_and_then_it_cannot_be_answered(
        self, client: TestClient, session: Session, world: World, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        pin(monkeypatch, WEDNESDAY_22)
        found = ask(client, session, world)

        refused = client.post(
            f"{URL}/{found['id']}/cancel", json={}, headers=auth(session, world.other_nurse)
        )
        done = client.post(
            f"{URL}/{found['id']}/cancel",
            json={"reason": "Bättre nu"},
            headers=auth(session, world.nurse),
        )
        late = client.post(
            f"{URL}/{found['id']}/answer",
            json={"kind": "video"},
            headers=auth(session, world.on_call),
        )

        assert refused.status_code == 403
        assert refused.json()["code"] == "physician_request.asker_only"
        assert done.status_code == 200
        assert done.json()["status"] == "cancelled"
        assert late.status_code == 409


class TestSeeing:
    def test_the_physician_routed_to_sees_it_without_a_care_relationship(
        self, client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        pin(monkeypatch, WEDNESDAY_10)
        home = make_organisation(
            session, kind="municipal_home_health_care", authority_kind="municipality"
        )
        nurse = make_user(session, home)
        centre = make_organisation(session, kind="primary_care_centre", authority_name="Region X")
        fixed = make_user(session, centre, role="physician")
        colleague = make_user(session, centre, role="physician")
        patient = make_patient(session, fixed_physician_id=fixed.id)
        register_patient(session, patient, by=nurse)

        answer = client.post(
            URL,
            json={"patient_id": str(patient.id), "urgency": "planned", "situation": "Sår"},
            headers=auth(session, nurse),
        )
        assert answer.status_code == 201, answer.text
        found = answer.json()
        assert found["routed_to"]["user_id"] == str(fixed.id)

        mine = client.get(f"{URL}/{found['id']}", headers=auth(session, fixed))
        other = client.get(f"{URL}/{found['id']}", headers=auth(session, colleague))
        inbox = client.get(URL, params={"box": "inbox"}, headers=auth(session, fixed))

        assert mine.status_code == 200
        assert mine.json()["patient_name"].endswith(patient.family_name)
        assert other.status_code == 404
        assert [r["id"] for r in inbox.json()["items"]] == [found["id"]]
        # the routed physician's read is logged, with why it was allowed
        (row,) = [r for r in log_rows(session, fixed) if r.action == "read"]
        assert (row.allowed, row.patient_id) == (True, patient.id)
        assert row.reason == "the physician request is routed to the caller"

    def test_can_see_for_other_domains(
        self, client: TestClient, session: Session, world: World, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from samband.security import service as security
        from samband.security.context import AccessLog, Context

        pin(monkeypatch, WEDNESDAY_22)
        found = ask(client, session, world)
        request = session.get(PhysicianRequest, uuid.UUID(found["id"]))
        assert request is not None

        def ctx(user: User) -> Context:
            session.refresh(user)
            return Context(session=session, actor=security.actor_of(user), log=AccessLog())

        assert service.can_see(ctx(world.on_call), request)
        assert service.can_see(ctx(world.other_nurse), request)
        assert not service.can_see(ctx(world.outsider_nurse), request)


class TestEscalation:
    def test_a_same_day_request_unanswered_past_16_escalates_on_tick(
        self,
        client: TestClient,
        session: Session,
        world: World,
        monkeypatch: pytest.MonkeyPatch,
        session_factory: sessionmaker[Session],
    ) -> None:
        pin(monkeypatch, WEDNESDAY_10)
        found = ask(client, session, world, urgency="same_day")
        assert found["routed_to"]["user_id"] == str(world.fixed.id)

        before = periodic.run_checks(session_factory, local(2026, 3, 4, 15, 59))
        after = periodic.run_checks(session_factory, local(2026, 3, 4, 16, 5))

        assert (before.escalated, before.errors) == (0, [])
        assert (after.escalated, after.errors) == (1, [])
        pin(monkeypatch, local(2026, 3, 4, 16, 6))
        seen = client.get(f"{URL}/{found['id']}", headers=auth(session, world.nurse)).json()
        assert seen["level"] == 1
        assert seen["overdue"] is True
        assert seen["routed_to"]["user_id"] == str(world.on_call.id)
        assert seen["routed_to"]["via"] == "on_call"
        assert seen["escalated_at"] is not None
        assert seen["history"][-1]["event"] == "escalated"
        assert [n.kind for n in notes(session, world.on_call)] == ["physician_request_escalated"]
        assert [n.kind for n in notes(session, world.nurse)] == ["physician_request_overdue"]
        overdue = client.get(URL, params={"box": "overdue"}, headers=auth(session, world.on_call))
        assert [r["id"] for r in overdue.json()["items"]] == [found["id"]]

    def test_each_level_waits_and_the_last_tells_the_nurse_once(
        self,
        client: TestClient,
        session: Session,
        world: World,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        pin(monkeypatch, WEDNESDAY_10)
        found = ask(client, session, world, urgency="same_day")

        escalated = [
            len(service.escalate_due(session, local(2026, 3, 4, h, m)))
            for h, m in ((16, 5), (16, 30), (17, 5), (18, 10), (19, 30))
        ]

        # 16:05 to the centre's physician on call; 16:30 too early for the next level;
        # 17:05 no further level (the agreement names no on-call organisation): the nurse
        # is told, once
        assert escalated == [1, 0, 0, 0, 0]
        session.expire_all()
        stored = session.get(PhysicianRequest, uuid.UUID(found["id"]))
        assert stored is not None
        assert stored.level == 1
        assert stored.status == "open"
        assert [h["event"] for h in stored.history][-1] == "no_further_level"
        assert [n.kind for n in notes(session, world.nurse)] == [
            "physician_request_overdue",
            "physician_request_overdue",
        ]

    def test_the_agreements_on_call_organisation_is_the_next_level(
        self, client: TestClient, session: Session, world: World, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(
            service,
            "agreements",
            lambda: rules.parse({"default": {"on_call_organisation": world.clinic.code}}),
        )
        pin(monkeypatch, WEDNESDAY_22)
        found = ask(client, session, world)

        assert service.escalate_due(session, WEDNESDAY_22 + timedelta(minutes=29)) == []
        first = service.escalate_due(session, WEDNESDAY_22 + timedelta(minutes=31))

        assert [r.id for r in first] == [uuid.UUID(found["id"])]
        assert first[0].routed_to_user_id == world.clinic_on_call.id
        assert first[0].routed_via == "organisation_on_call"
        assert first[0].level == 1
        assert (
            world.clinic.id
            in session.scalars(
                select(EpisodeParticipant.organisation_id).where(
                    EpisodeParticipant.episode_id == world.enrolment.id
                )
            ).all()
        )
        assert [n.kind for n in notes(session, world.clinic_on_call)] == [
            "physician_request_escalated"
        ]

    def test_an_answered_request_does_not_escalate(
        self, client: TestClient, session: Session, world: World, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        pin(monkeypatch, WEDNESDAY_22)
        found = ask(client, session, world)
        client.post(
            f"{URL}/{found['id']}/answer",
            json={"kind": "video"},
            headers=auth(session, world.on_call),
        )

        assert service.escalate_due(session, WEDNESDAY_22 + timedelta(hours=3)) == []

    def test_the_periodic_job_is_registered(self) -> None:
        from samband.jobs import tasks as _tasks  # noqa: F401
        from samband.jobs.queue import TASKS

        assert "physicianrequests.tick" in TASKS


class TestCommand:
    def test_requests_tick_from_cron(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        from samband.cli import app

        monkeypatch.setenv("SAMBAND_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
        get_settings.cache_clear()
        runner = CliRunner()
        try:
            assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
            result = runner.invoke(app, ["requests", "tick", "--now", "2030-03-06T16:05:00+01:00"])
            naive = runner.invoke(app, ["requests", "tick", "--now", "2030-03-06T16:05:00"])
        finally:
            get_settings.cache_clear()

        assert result.exit_code == 0, result.output
        answer = json.loads(result.output)
        assert (answer["escalated"], answer["errors"]) == (0, [])
        assert naive.exit_code == 1
        assert "time zone" in naive.output
