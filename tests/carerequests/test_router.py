from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.kit.time import utcnow
from samband.models import (
    AuditEvent,
    CareRequest,
    ChecklistItem,
    Episode,
    EpisodeEvent,
    EpisodeParticipant,
    Organisation,
    Patient,
    User,
)
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
    random_id,
)

URL = "/api/v1/care-requests"


@dataclass
class World:
    hospital: Organisation
    nurse: User  # hospital, sends
    municipality: Organisation  # home health care, receives
    home_nurse: User
    home_nurse_2: User
    home_assistant: User  # may read, may not answer
    home_care: Organisation
    primary_care: Organisation
    outsider: User  # another municipality's home health care nurse
    patient: Patient
    episode: Episode


def _world(session: Session, *, state: str = "planned") -> World:
    hospital = make_organisation(session, kind="hospital_clinic")
    unit = make_unit(session, hospital)
    nurse = make_user(session, hospital, unit=unit)
    municipality = make_municipality(session)
    home_unit = make_unit(session, municipality)
    other = make_municipality(session, authority_name="Borlänge kommun")
    patient = make_patient(session)
    episode = make_episode(session, patient, unit=unit, state=state)
    return World(
        hospital=hospital,
        nurse=nurse,
        municipality=municipality,
        home_nurse=make_user(session, municipality, unit=home_unit),
        home_nurse_2=make_user(session, municipality, unit=home_unit),
        home_assistant=make_user(session, municipality, role="assistant_nurse"),
        home_care=make_organisation(
            session, kind="municipal_home_care", authority_kind="municipality"
        ),
        primary_care=make_organisation(session, kind="primary_care_centre"),
        outsider=make_user(session, other),
        patient=patient,
        episode=episode,
    )


def _send(
    client: TestClient,
    session: Session,
    w: World,
    *,
    to: Organisation | None = None,
    kind: str = "home_health_care",
    **extra: Any,
) -> dict[str, Any]:
    response = client.post(
        URL,
        json={
            "episode_id": str(w.episode.id),
            "to_organisation_id": str((to or w.municipality).id),
            "kind": kind,
            "message": "OPAT, cefotaxim 1 g x 3 iv via PICC, home from Thursday",
            **extra,
        },
        headers=auth(session, w.nurse),
    )
    assert response.status_code == 201, response.text
    return response.json()


def _move(
    client: TestClient, session: Session, user: User, request_id: str, to: str, **extra: Any
) -> Any:
    return client.post(
        f"{URL}/{request_id}/transitions", json={"to": to, **extra}, headers=auth(session, user)
    )


def _audit(
    session: Session, *, user: User, resource_type: str = "care_request"
) -> list[AuditEvent]:
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.user_id == user.id, AuditEvent.resource_type == resource_type)
            .order_by(AuditEvent.at)
        )
    )


def _participant(session: Session, w: World, org: Organisation) -> EpisodeParticipant | None:
    session.expire_all()
    return session.scalar(
        select(EpisodeParticipant).where(
            EpisodeParticipant.episode_id == w.episode.id,
            EpisodeParticipant.organisation_id == org.id,
        )
    )


def _timeline(session: Session, w: World) -> list[str]:
    return list(
        session.scalars(
            select(EpisodeEvent.kind)
            .where(EpisodeEvent.episode_id == w.episode.id)
            .order_by(EpisodeEvent.at, EpisodeEvent.id)
        )
    )


class TestSendCareRequest:
    def test_sends_with_plan_and_active_medication_and_adds_the_receiver(
        self, client: TestClient, session: Session
    ) -> None:
        w = _world(session)
        make_care_plan(session, w.episode, by=w.nurse)
        make_medication(session, w.episode, by=w.nurse, days=10)
        make_medication(session, w.episode, by=w.nurse, drug="Waran", status="stopped")
        assert _participant(session, w, w.municipality) is None

        body = _send(client, session, w, answer_within_hours=4)

        assert body["state"] == "sent"
        assert body["patient_id"] == str(w.patient.id)
        assert body["from_organisation_id"] == str(w.hospital.id)
        assert body["care_plan_version"] == 1
        assert [m["drug"] for m in body["medication_snapshot"]] == ["Cefotaxim"]
        assert body["medication_snapshot"][0] == {
            "drug": "Cefotaxim",
            "dose": "1 g",
            "route": "iv",
            "schedule": "3 times a day",
            "given_by": "registered_nurse",
            "supplied_by": "infection ward, packed at discharge",
            "days": 10,
        }
        answer_by = datetime.fromisoformat(body["answer_by"])
        created = datetime.fromisoformat(body["created_at"])
        assert answer_by - created == timedelta(hours=4)
        assert body["overdue"] is False
        assert [(h["state"], h["by"], h["organisation"]) for h in body["history"]] == [
            ("sent", w.nurse.username, w.hospital.code)
        ]
        participant = _participant(session, w, w.municipality)
        assert participant is not None
        assert participant.role == "home_health_care"
        assert _timeline(session, w) == ["care_request.sent"]
        assert [(e.action, e.allowed, e.patient_id) for e in _audit(session, user=w.nurse)] == [
            ("create", True, w.patient.id)
        ]

    def test_without_plan_or_medication_attaches_nothing(
        self, client: TestClient, session: Session
    ) -> None:
        w = _world(session)
        body = _send(client, session, w)
        assert body["care_plan_version"] is None
        assert body["medication_snapshot"] == []
        answer_by = datetime.fromisoformat(body["answer_by"])
        assert answer_by - datetime.fromisoformat(body["created_at"]) == timedelta(hours=24)

    def test_receiver_may_read_the_patient_once_sent(
        self, client: TestClient, session: Session
    ) -> None:
        w = _world(session)
        path = f"/api/v1/patients/{w.patient.id}"
        assert client.get(path, headers=auth(session, w.home_nurse)).status_code == 404
        _send(client, session, w)
        assert client.get(path, headers=auth(session, w.home_nurse)).status_code == 200

    def test_unrelated_organisation_gets_404_and_is_logged(
        self, client: TestClient, session: Session
    ) -> None:
        w = _world(session)
        response = client.post(
            URL,
            json={
                "episode_id": str(w.episode.id),
                "to_organisation_id": str(w.municipality.id),
                "kind": "home_health_care",
            },
            headers=auth(session, w.outsider),
        )
        assert response.status_code == 404
        assert [(e.allowed, e.patient_id) for e in _audit(session, user=w.outsider)] == [
            (False, w.patient.id)
        ]
        assert (
            session.scalar(select(CareRequest).where(CareRequest.episode_id == w.episode.id))
            is None
        )

    def test_role_without_permission_gets_403(self, client: TestClient, session: Session) -> None:
        w = _world(session)
        assistant = make_user(session, w.hospital, role="assistant_nurse")
        response = client.post(
            URL,
            json={
                "episode_id": str(w.episode.id),
                "to_organisation_id": str(w.municipality.id),
                "kind": "home_health_care",
            },
            headers=auth(session, assistant),
        )
        assert response.status_code == 403
        assert [e.allowed for e in _audit(session, user=assistant)] == [False]

    def test_unknown_episode_is_404(self, client: TestClient, session: Session) -> None:
        w = _world(session)
        response = client.post(
            URL,
            json={
                "episode_id": random_id(),
                "to_organisation_id": str(w.municipality.id),
                "kind": "home_health_care",
            },
            headers=auth(session, w.nurse),
        )
        assert response.status_code == 404

    def test_receiver_kind_must_fit(self, client: TestClient, session: Session) -> None:
        w = _world(session)
        response = client.post(
            URL,
            json={
                "episode_id": str(w.episode.id),
                "to_organisation_id": str(w.home_care.id),
                "kind": "home_health_care",
            },
            headers=auth(session, w.nurse),
        )
        assert response.status_code == 422
        assert response.json()["field"] == "to_organisation_id"
        assert response.json()["code"] == "carerequest.wrong_receiver"
        # issue 14: a nursing home / short-term place nurses its residents as home health care
        assert response.json()["params"]["fits"] == [
            "municipal_home_health_care",
            "nursing_home",
            "short_term_place",
        ]
        assert _participant(session, w, w.home_care) is None

    def test_receiver_must_exist_and_not_be_the_sender(
        self, client: TestClient, session: Session
    ) -> None:
        w = _world(session)
        for to in (random_id(), str(w.hospital.id)):
            response = client.post(
                URL,
                json={
                    "episode_id": str(w.episode.id),
                    "to_organisation_id": to,
                    "kind": "primary_care_referral",
                },
                headers=auth(session, w.nurse),
            )
            assert response.status_code == 422, response.text
            assert response.json()["field"] == "to_organisation_id"

    def test_bad_input_is_422(self, client: TestClient, session: Session) -> None:
        w = _world(session)
        headers = auth(session, w.nurse)
        base = {
            "episode_id": str(w.episode.id),
            "to_organisation_id": str(w.municipality.id),
            "kind": "home_health_care",
        }
        for body in (
            {**base, "kind": "surgery"},
            {**base, "answer_within_hours": 0},
            {**base, "extra": 1},
            {**base, "episode_id": "not-an-id"},
        ):
            assert client.post(URL, json=body, headers=headers).status_code == 422

    def test_rehabilitation_and_referral_make_primary_care_a_participant(
        self, client: TestClient, session: Session
    ) -> None:
        w = _world(session)
        _send(client, session, w, to=w.primary_care, kind="rehabilitation")
        participant = _participant(session, w, w.primary_care)
        assert participant is not None
        assert participant.role == "primary_care"
        _send(client, session, w, to=w.primary_care, kind="primary_care_referral")
        _send(client, session, w, to=w.home_care, kind="home_care")
        home_care = _participant(session, w, w.home_care)
        assert home_care is not None
        assert home_care.role == "home_care"

    def test_second_open_request_of_the_same_kind_is_409(
        self, client: TestClient, session: Session
    ) -> None:
        w = _world(session)
        _send(client, session, w)
        response = client.post(
            URL,
            json={
                "episode_id": str(w.episode.id),
                "to_organisation_id": str(w.municipality.id),
                "kind": "home_health_care",
            },
            headers=auth(session, w.nurse),
        )
        assert response.status_code == 409
        assert "already has an open" in response.json()["detail"]

    def test_a_new_request_may_follow_a_declined_one(
        self, client: TestClient, session: Session
    ) -> None:
        w = _world(session)
        first = _send(client, session, w)
        declined = _move(client, session, w.home_nurse, first["id"], "declined", reason="Full")
        assert declined.status_code == 200
        _send(client, session, w)

    def test_closed_episode_is_409(self, client: TestClient, session: Session) -> None:
        w = _world(session, state="discharged")
        response = client.post(
            URL,
            json={
                "episode_id": str(w.episode.id),
                "to_organisation_id": str(w.municipality.id),
                "kind": "home_health_care",
            },
            headers=auth(session, w.nurse),
        )
        assert response.status_code == 409

    def test_requires_login(self, client: TestClient) -> None:
        assert client.get(URL).status_code == 401


class TestReadCareRequest:
    def test_sender_and_receiver_read_it(self, client: TestClient, session: Session) -> None:
        w = _world(session)
        sent = _send(client, session, w)
        for user in (w.nurse, w.home_nurse, w.home_assistant):
            response = client.get(f"{URL}/{sent['id']}", headers=auth(session, user))
            assert response.status_code == 200, response.text
            assert response.json()["id"] == sent["id"]
            assert [(e.action, e.allowed) for e in _audit(session, user=user)][-1] == (
                "read",
                True,
            )

    def test_unrelated_organisation_gets_404_and_is_logged(
        self, client: TestClient, session: Session
    ) -> None:
        w = _world(session)
        sent = _send(client, session, w)
        response = client.get(f"{URL}/{sent['id']}", headers=auth(session, w.outsider))
        assert response.status_code == 404
        assert [(e.allowed, e.patient_id) for e in _audit(session, user=w.outsider)] == [
            (False, w.patient.id)
        ]

    def test_unknown_id_is_404_and_logged(self, client: TestClient, session: Session) -> None:
        w = _world(session)
        unknown = random_id()
        response = client.get(f"{URL}/{unknown}", headers=auth(session, w.nurse))
        assert response.status_code == 404
        log = _audit(session, user=w.nurse)
        assert [(e.allowed, e.resource_id) for e in log] == [(False, unknown)]

    def test_overdue_when_not_answered_in_time(self, client: TestClient, session: Session) -> None:
        w = _world(session)
        sent = _send(client, session, w)
        request = session.get(CareRequest, uuid.UUID(sent["id"]))
        assert request is not None
        request.answer_by = utcnow() - timedelta(minutes=1)
        session.flush()
        response = client.get(f"{URL}/{sent['id']}", headers=auth(session, w.nurse))
        assert response.json()["overdue"] is True
        _move(client, session, w.home_nurse, sent["id"], "accepted")
        response = client.get(f"{URL}/{sent['id']}", headers=auth(session, w.nurse))
        assert response.json()["overdue"] is False


class TestListCareRequests:
    def test_incoming_and_outgoing(self, client: TestClient, session: Session) -> None:
        w = _world(session)
        sent = _send(client, session, w)
        home = auth(session, w.home_nurse)
        hospital = auth(session, w.nurse)

        incoming = client.get(URL, params={"direction": "incoming"}, headers=home).json()
        assert [r["id"] for r in incoming["items"]] == [sent["id"]]
        assert incoming["total"] == 1
        assert client.get(URL, params={"direction": "outgoing"}, headers=home).json()["total"] == 0
        outgoing = client.get(URL, params={"direction": "outgoing"}, headers=hospital).json()
        assert [r["id"] for r in outgoing["items"]] == [sent["id"]]
        assert (
            client.get(URL, params={"direction": "incoming"}, headers=hospital).json()["total"] == 0
        )
        both = client.get(URL, headers=hospital).json()
        assert both["total"] == 1
        listed = [e for e in _audit(session, user=w.home_nurse) if e.action == "list"]
        assert [(e.patient_id, e.allowed) for e in listed] == [(w.patient.id, True)]

    def test_filters_by_state_and_episode(self, client: TestClient, session: Session) -> None:
        w = _world(session)
        sent = _send(client, session, w)
        _send(client, session, w, to=w.primary_care, kind="primary_care_referral")
        _move(client, session, w.home_nurse, sent["id"], "received")
        headers = auth(session, w.nurse)
        received = client.get(URL, params={"state": "received"}, headers=headers).json()
        assert [r["id"] for r in received["items"]] == [sent["id"]]
        episode = client.get(URL, params={"episode_id": str(w.episode.id)}, headers=headers)
        assert episode.json()["total"] == 2
        other = client.get(URL, params={"episode_id": random_id()}, headers=headers)
        assert other.json()["total"] == 0
        assert client.get(URL, params={"state": "lost"}, headers=headers).status_code == 422
        assert client.get(URL, params={"direction": "up"}, headers=headers).status_code == 422

    def test_unrelated_organisation_sees_nothing(
        self, client: TestClient, session: Session
    ) -> None:
        w = _world(session)
        _send(client, session, w)
        response = client.get(URL, headers=auth(session, w.outsider))
        assert response.status_code == 200
        assert response.json()["items"] == []

    def test_auditor_may_not_list(self, client: TestClient, session: Session) -> None:
        w = _world(session)
        auditor = make_user(session, w.hospital, role="auditor")
        assert client.get(URL, headers=auth(session, auditor)).status_code == 403


class TestCareRequestLifeCycle:
    def test_received_accepted_by_a_second_user_then_completed(
        self, client: TestClient, session: Session
    ) -> None:
        w = _world(session)
        sent = _send(client, session, w)

        received = _move(client, session, w.home_nurse, sent["id"], "received")
        assert received.status_code == 200, received.text
        assert received.json()["state"] == "received"

        accepted = _move(client, session, w.home_nurse_2, sent["id"], "accepted")
        assert accepted.status_code == 200, accepted.text
        body = accepted.json()
        assert body["state"] == "accepted"
        assert body["updated_by_id"] == str(w.home_nurse_2.id)
        assert [(h["state"], h["by"], h["organisation"]) for h in body["history"]] == [
            ("sent", w.nurse.username, w.hospital.code),
            ("received", w.home_nurse.username, w.municipality.code),
            ("accepted", w.home_nurse_2.username, w.municipality.code),
        ]

        completed = _move(client, session, w.home_nurse, sent["id"], "completed")
        assert completed.status_code == 200, completed.text
        assert completed.json()["state"] == "completed"
        assert _timeline(session, w) == [
            "care_request.sent",
            "care_request.received",
            "care_request.accepted",
            "care_request.completed",
        ]
        assert _participant(session, w, w.municipality) is not None
        log = [(e.action, e.allowed) for e in _audit(session, user=w.home_nurse_2)]
        assert log == [("transition", True)]

    def test_acceptance_signs_the_checklist_item(
        self, client: TestClient, session: Session
    ) -> None:
        w = _world(session)
        sent = _send(client, session, w)
        assert _move(client, session, w.home_nurse_2, sent["id"], "accepted").status_code == 200
        session.expire_all()
        item = session.scalar(
            select(ChecklistItem).where(
                ChecklistItem.episode_id == w.episode.id,
                ChecklistItem.key == "care_request_accepted",
            )
        )
        assert item is not None
        assert item.done is True
        assert item.signed_by_id == w.home_nurse_2.id
        assert item.signed_at is not None
        assert item.note == f"care request accepted by {w.municipality.code}"
        others = session.scalars(
            select(ChecklistItem).where(
                ChecklistItem.episode_id == w.episode.id,
                ChecklistItem.key != "care_request_accepted",
            )
        )
        assert not any(i.done for i in others)

    def test_accepting_home_care_does_not_sign_the_item(
        self, client: TestClient, session: Session
    ) -> None:
        w = _world(session)
        home_care_nurse = make_user(session, w.home_care)
        sent = _send(client, session, w, to=w.home_care, kind="home_care")
        assert _move(client, session, home_care_nurse, sent["id"], "accepted").status_code == 200
        session.expire_all()
        item = session.scalar(
            select(ChecklistItem).where(
                ChecklistItem.episode_id == w.episode.id,
                ChecklistItem.key == "care_request_accepted",
            )
        )
        assert item is not None
        assert item.done is False

    def test_decline_needs_a_reason_and_ends_the_care_relationship(
        self, client: TestClient, session: Session
    ) -> None:
        w = _world(session)
        sent = _send(client, session, w)
        patient_path = f"/api/v1/patients/{w.patient.id}"
        assert client.get(patient_path, headers=auth(session, w.home_nurse)).status_code == 200

        no_reason = _move(client, session, w.home_nurse, sent["id"], "declined")
        assert no_reason.status_code == 422
        assert no_reason.json()["field"] == "reason"
        assert _participant(session, w, w.municipality) is not None

        declined = _move(
            client,
            session,
            w.home_nurse,
            sent["id"],
            "declined",
            reason="No nurse with IV competence free this week",
        )
        assert declined.status_code == 200, declined.text
        body = declined.json()
        assert body["state"] == "declined"
        assert body["decline_reason"] == "No nurse with IV competence free this week"
        assert body["history"][-1]["reason"] == body["decline_reason"]

        assert _participant(session, w, w.municipality) is None
        assert client.get(patient_path, headers=auth(session, w.home_nurse)).status_code == 404
        again = client.get(f"{URL}/{sent['id']}", headers=auth(session, w.home_nurse))
        assert again.status_code == 404
        assert _audit(session, user=w.home_nurse)[-1].allowed is False
        incoming = client.get(
            URL, params={"direction": "incoming"}, headers=auth(session, w.home_nurse)
        )
        assert incoming.json()["total"] == 0
        # The sender still sees the answer.
        seen = client.get(f"{URL}/{sent['id']}", headers=auth(session, w.nurse))
        assert seen.json()["decline_reason"] == body["decline_reason"]
        events = session.scalars(
            select(EpisodeEvent).where(
                EpisodeEvent.episode_id == w.episode.id,
                EpisodeEvent.kind == "care_request.declined",
            )
        ).all()
        assert [e.reason for e in events] == [body["decline_reason"]]

    def test_decline_keeps_an_organisation_that_took_part_before(
        self, client: TestClient, session: Session
    ) -> None:
        w = _world(session)
        session.add(
            EpisodeParticipant(
                episode_id=w.episode.id,
                organisation_id=w.municipality.id,
                role="home_health_care",
            )
        )
        session.flush()
        sent = _send(client, session, w)
        _move(client, session, w.home_nurse, sent["id"], "declined", reason="Wrong district")
        assert _participant(session, w, w.municipality) is not None

    def test_decline_keeps_an_organisation_with_another_open_request(
        self, client: TestClient, session: Session
    ) -> None:
        w = _world(session)
        first = _send(client, session, w)
        _send(client, session, w, kind="rehabilitation")
        _move(client, session, w.home_nurse, first["id"], "declined", reason="Full")
        assert _participant(session, w, w.municipality) is not None

    def test_sender_cancels_with_a_reason(self, client: TestClient, session: Session) -> None:
        w = _world(session)
        sent = _send(client, session, w)
        _move(client, session, w.home_nurse, sent["id"], "accepted")
        assert _move(client, session, w.nurse, sent["id"], "cancelled").status_code == 422
        cancelled = _move(
            client, session, w.nurse, sent["id"], "cancelled", reason="Patient readmitted"
        )
        assert cancelled.status_code == 200, cancelled.text
        assert cancelled.json()["state"] == "cancelled"
        assert _participant(session, w, w.municipality) is None
        assert _timeline(session, w)[-1] == "care_request.cancelled"

    def test_receiver_may_not_cancel_and_sender_may_not_answer(
        self, client: TestClient, session: Session
    ) -> None:
        w = _world(session)
        sent = _send(client, session, w)
        cancel = _move(client, session, w.home_nurse, sent["id"], "cancelled", reason="No")
        assert cancel.status_code == 403
        accept = _move(client, session, w.nurse, sent["id"], "accepted")
        assert accept.status_code == 403
        assert "receiving organisation" in accept.json()["detail"]

    def test_receiving_role_without_answer_permission_gets_403(
        self, client: TestClient, session: Session
    ) -> None:
        w = _world(session)
        sent = _send(client, session, w)
        response = _move(client, session, w.home_assistant, sent["id"], "accepted")
        assert response.status_code == 403
        assert [e.allowed for e in _audit(session, user=w.home_assistant)] == [False]

    def test_unrelated_organisation_gets_404_and_is_logged(
        self, client: TestClient, session: Session
    ) -> None:
        w = _world(session)
        sent = _send(client, session, w)
        response = _move(client, session, w.outsider, sent["id"], "accepted")
        assert response.status_code == 404
        assert [(e.action, e.allowed) for e in _audit(session, user=w.outsider)] == [
            ("transition", False)
        ]
        unknown = _move(client, session, w.home_nurse, random_id(), "accepted")
        assert unknown.status_code == 404

    def test_wrong_transitions_are_409_with_the_allowed_ones(
        self, client: TestClient, session: Session
    ) -> None:
        w = _world(session)
        sent = _send(client, session, w)
        early = _move(client, session, w.home_nurse, sent["id"], "completed")
        assert early.status_code == 409
        assert early.json()["allowed"] == ["accepted", "cancelled", "declined", "received"]
        assert "allowed now" in early.json()["detail"]

        _move(client, session, w.home_nurse, sent["id"], "accepted")
        back = _move(client, session, w.home_nurse, sent["id"], "received")
        assert back.status_code == 409
        assert back.json()["allowed"] == ["cancelled", "completed"]
        twice = _move(client, session, w.home_nurse, sent["id"], "accepted")
        assert twice.status_code == 409

        _move(client, session, w.home_nurse, sent["id"], "completed")
        after = _move(client, session, w.nurse, sent["id"], "cancelled", reason="Too late")
        assert after.status_code == 409
        assert after.json()["allowed"] == []

        unknown_state = _move(client, session, w.home_nurse, sent["id"], "lost")
        assert unknown_state.status_code == 422

    def test_accepting_for_a_closed_episode_is_409(
        self, client: TestClient, session: Session
    ) -> None:
        w = _world(session)
        sent = _send(client, session, w)
        w.episode.state = "withdrawn"
        session.flush()
        response = _move(client, session, w.home_nurse, sent["id"], "accepted")
        assert response.status_code == 409
        declined = _move(client, session, w.home_nurse, sent["id"], "declined", reason="Closed")
        assert declined.status_code == 200


class TestEpisodeEnd:
    def test_open_requests_end_with_the_episode_but_the_referral_stays(
        self, client: TestClient, session: Session
    ) -> None:
        w = _world(session, state="at_home")
        physician = make_user(session, w.hospital, role="physician")
        accepted = _send(client, session, w)
        assert _move(client, session, w.home_nurse, accepted["id"], "accepted").status_code == 200
        pending = _send(client, session, w, to=w.home_care, kind="home_care")
        referral = _send(client, session, w, to=w.primary_care, kind="primary_care_referral")
        ended = client.post(
            f"/api/v1/episodes/{w.episode.id}/transitions",
            json={"to": "discharged", "reason": "criteria met"},
            headers=auth(session, physician),
        )
        assert ended.status_code == 200, ended.text
        states = {
            r["id"]: r["state"]
            for r in (
                client.get(f"{URL}/{rid}", headers=auth(session, w.nurse)).json()
                for rid in (accepted["id"], pending["id"], referral["id"])
            )
        }
        assert states == {
            accepted["id"]: "completed",
            pending["id"]: "cancelled",
            referral["id"]: "sent",
        }
        # home health care took part: it still sees the patient after the end
        seen = client.get(f"/api/v1/patients/{w.patient.id}", headers=auth(session, w.home_nurse))
        assert seen.status_code == 200
