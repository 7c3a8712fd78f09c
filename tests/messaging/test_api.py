"""Messages between organisations through the API: threads, receipts, recipients notified,
the access rules (an outsider 404 with a log row, a wrong role 403), bad input."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.messaging import repository, service
from samband.models import Message, MessageRead, MessageThread, User
from samband.security.context import AccessLog, Context
from samband.security.service import actor_of
from tests.factories import auth, make_episode, make_patient, make_unit, make_user
from tests.messaging.world import (
    World,
    audit,
    make_world,
    messages,
    notifications_of,
    physician_request,
    post,
    random_id,
    threads,
)

API = "/api/v1"


def _get(client: TestClient, session: Session, user: User, path: str) -> Any:
    return client.get(f"{API}{path}", headers=auth(session, user))


class TestThreadLifecycle:
    def test_the_first_message_makes_the_patients_thread_and_the_other_side_answers(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        listed = _get(client, session, w.nurse, f"/patients/{w.patient.id}/threads")
        assert listed.status_code == 200
        own = listed.json()[0]
        assert (own["topic"], own["id"], own["messages"]) == ("patient", None, 0)
        assert threads(session, w) == []

        first = post(client, session, w.nurse, w, recipients=[w.home_nurse])
        assert first["author"]["name"] == w.nurse.full_name
        assert first["author"]["organisation"] == "Infektionskliniken"
        assert [p["user_id"] for p in first["recipients"]] == [str(w.home_nurse.id)]
        (thread,) = threads(session, w)
        assert thread.topic == "patient"
        assert thread.topic_id == w.patient.id
        assert str(thread.id) == first["thread_id"]

        answer = client.post(
            f"{API}/threads/{thread.id}/messages",
            json={"body": "Tack, noterat.", "kind": "answer", "recipients": [str(w.nurse.id)]},
            headers=auth(session, w.home_nurse),
        )
        assert answer.status_code == 201, answer.text
        assert answer.json()["thread_id"] == str(thread.id)
        assert len(threads(session, w)) == 1

        read = _get(client, session, w.nurse, f"/threads/{thread.id}").json()
        assert [(m["kind"], m["author"]["organisation"]) for m in read["messages"]] == [
            ("handover", "Infektionskliniken"),
            ("answer", "Hemsjukvården Falun"),
        ]
        assert read["topic"] == "patient"
        assert read["patient_id"] == str(w.patient.id)
        assert [m["new"] for m in read["messages"]] == [False, True]  # the nurse's own: not new

    def test_counts_unread_per_reader_and_the_last_message_time(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        post(client, session, w.nurse, w, recipients=[w.home_nurse])
        post(client, session, w.nurse, w, "Andra meddelandet", kind="question")

        def own_thread(user: User) -> dict[str, object]:
            listed = _get(client, session, user, f"/patients/{w.patient.id}/threads")
            return listed.json()[0]  # type: ignore[no-any-return]

        assert (own_thread(w.home_nurse)["messages"], own_thread(w.home_nurse)["unread"]) == (2, 2)
        assert own_thread(w.nurse)["unread"] == 0  # her own messages
        (thread,) = threads(session, w)
        assert own_thread(w.nurse)["last_message_at"] is not None
        assert datetime.fromisoformat(str(own_thread(w.nurse)["last_message_at"])) == (
            thread.last_message_at
        )
        _get(client, session, w.home_nurse, f"/threads/{thread.id}")
        assert own_thread(w.home_nurse)["unread"] == 0
        assert own_thread(w.home_nurse_2)["unread"] == 2  # a colleague has not read them

    def test_a_care_request_has_its_own_thread(self, client: TestClient, session: Session) -> None:
        w = make_world(session)
        listed = _get(client, session, w.home_nurse, f"/patients/{w.patient.id}/threads").json()
        assert [(t["topic"], t["id"]) for t in listed] == [
            ("patient", None),
            ("care_request", None),
        ]
        assert listed[1]["topic_id"] == str(w.request.id)
        assert listed[1]["topic_detail"]["state"] == "accepted"

        made = post(
            client,
            session,
            w.home_nurse,
            w,
            "Kan vi få ett extra dropp hemskickat?",
            kind="question",
            topic="care_request",
            topic_id=str(w.request.id),
            recipients=[w.nurse],
        )
        again = post(
            client,
            session,
            w.home_nurse_2,
            w,
            "Samma fråga igen",
            topic="care_request",
            topic_id=str(w.request.id),
        )
        assert made["thread_id"] == again["thread_id"]
        care = [t for t in threads(session, w) if t.topic == "care_request"]
        assert [t.topic_id for t in care] == [w.request.id]
        listed = _get(client, session, w.nurse, f"/patients/{w.patient.id}/threads").json()
        assert [(t["topic"], t["messages"], t["unread"]) for t in listed] == [
            ("patient", 0, 0),
            ("care_request", 2, 2),
        ]

    def test_two_first_messages_at_once_land_in_one_thread(
        self, client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The race: another request made the thread after this one looked for it. The
        insert meets the unique constraint, skips, and the message goes into that thread."""
        w = make_world(session)
        first = post(client, session, w.nurse, w)
        real = repository.find_thread
        calls = {"n": 0}

        def not_yet(*args: object) -> MessageThread | None:
            calls["n"] += 1
            return None if calls["n"] == 1 else real(*args)  # type: ignore[arg-type]

        monkeypatch.setattr(repository, "find_thread", not_yet)
        second = post(client, session, w.home_nurse, w, "Svar")
        assert calls["n"] == 2
        assert second["thread_id"] == first["thread_id"]
        assert len(threads(session, w)) == 1
        assert messages(session) == 2

    def test_the_unique_constraint_holds_one_thread_per_topic(self, session: Session) -> None:
        w = make_world(session)
        ctx = Context(session=session, actor=actor_of(w.nurse), log=AccessLog())
        for _ in range(2):
            repository.insert_thread_once(
                session,
                patient_id=w.patient.id,
                topic="patient",
                topic_id=w.patient.id,
                created_by_id=ctx.actor.user_id,
                now=w.request.created_at,
            )
        assert len(threads(session, w)) == 1


class TestReadReceipts:
    def test_who_read_it_when_first_read_only(self, client: TestClient, session: Session) -> None:
        w = make_world(session)
        made = post(client, session, w.nurse, w, recipients=[w.home_nurse])
        thread_id = made["thread_id"]
        assert made["read_by"] == []

        first = _get(client, session, w.home_nurse, f"/threads/{thread_id}").json()
        assert first["messages"][0]["new"] is True
        (receipt,) = session.scalars(select(MessageRead)).all()
        assert receipt.user_id == w.home_nurse.id
        read_at = receipt.read_at

        again = _get(client, session, w.home_nurse, f"/threads/{thread_id}").json()
        assert again["messages"][0]["new"] is False
        session.expire_all()
        (receipt,) = session.scalars(select(MessageRead)).all()
        assert receipt.read_at == read_at  # the first read stays

        by_author = _get(client, session, w.nurse, f"/threads/{thread_id}").json()
        (read_by,) = by_author["messages"][0]["read_by"]
        assert read_by["name"] == w.home_nurse.full_name
        assert read_by["organisation"] == "Hemsjukvården Falun"
        assert datetime.fromisoformat(read_by["read_at"]) == read_at
        # the author's own reading gives no receipt
        assert len(session.scalars(select(MessageRead)).all()) == 1

    def test_reading_is_in_the_access_log(self, client: TestClient, session: Session) -> None:
        w = make_world(session)
        made = post(client, session, w.nurse, w)
        _get(client, session, w.home_nurse, f"/threads/{made['thread_id']}")
        rows = audit(session, w.home_nurse, "message_thread")
        assert [(e.action, e.allowed, e.patient_id, e.resource_id) for e in rows] == [
            ("read", True, w.patient.id, made["thread_id"])
        ]


class TestRecipients:
    def test_named_recipients_are_notified_without_patient_identity(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        made = post(client, session, w.nurse, w, recipients=[w.home_nurse, w.home_nurse_2, w.nurse])
        # naming oneself is dropped: no notification to the author
        assert {p["user_id"] for p in made["recipients"]} == {
            str(w.home_nurse.id),
            str(w.home_nurse_2.id),
        }
        assert notifications_of(session, w.nurse) == []
        (note,) = notifications_of(session, w.home_nurse)
        assert len(notifications_of(session, w.home_nurse_2)) == 1
        assert note.link == f"/threads/{made['thread_id']}"
        assert note.reference == service.reference(note_thread(session))
        assert note.severity == "info"
        mine = client.get(f"{API}/notifications", headers=auth(session, w.home_nurse)).json()
        text = mine["items"][0]["text"] if isinstance(mine, dict) else mine[0]["text"]
        assert "Infektionskliniken" in text
        for secret in (w.patient.family_name, w.patient.personnummer, "PICC"):
            assert secret not in text
            assert secret not in str(note.params)
        assert notifications_of(session, w.home_assistant) == []  # not named

    def test_a_recipient_without_the_care_relationship_is_refused_by_name(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        refused = post(client, session, w.nurse, w, recipients=[w.home_nurse, w.gp], expect=422)
        assert refused["code"] == "messaging.recipient_not_taking_part"
        assert refused["field"] == "recipients"
        assert refused["params"]["recipient"] == w.gp.full_name
        assert w.gp.full_name in refused["detail"]
        assert messages(session) == 0
        assert threads(session, w) == []
        assert notifications_of(session, w.home_nurse) == []

    def test_unknown_inactive_and_non_reading_recipients_are_refused(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        unknown = random_id()
        refused = post(client, session, w.nurse, w, recipients=[], expect=201)
        assert refused["recipients"] == []
        response = client.post(
            f"{API}/patients/{w.patient.id}/messages",
            json={"body": "x", "recipients": [unknown]},
            headers=auth(session, w.nurse),
        )
        assert response.status_code == 422
        assert response.json()["code"] == "messaging.recipient_unknown"
        assert response.json()["params"]["recipient"] == unknown
        analyst = post(client, session, w.nurse, w, recipients=[w.analyst], expect=422)
        assert analyst["code"] == "messaging.recipient_may_not_read"
        w.home_nurse_2.active = False
        session.flush()
        gone = post(client, session, w.nurse, w, recipients=[w.home_nurse_2], expect=422)
        assert gone["code"] == "messaging.recipient_inactive"
        assert gone["params"]["recipient"] == w.home_nurse_2.full_name

    def test_municipal_home_care_only_in_its_own_care_requests_thread(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        from samband.models import CareRequest, EpisodeParticipant

        session.add(
            EpisodeParticipant(
                episode_id=w.episode.id, organisation_id=w.home_care.id, role="home_care"
            )
        )
        to_home_care = CareRequest(
            episode_id=w.episode.id,
            kind="home_care",
            from_organisation_id=w.hospital.id,
            to_organisation_id=w.home_care.id,
            state="sent",
            created_by_id=w.nurse.id,
            history=[],
            medication_snapshot=[],
        )
        session.add(to_home_care)
        session.flush()
        # the patient's thread is the medical record: not for social services
        refused = post(client, session, w.nurse, w, recipients=[w.home_carer], expect=422)
        assert refused["code"] == "messaging.recipient_not_taking_part"
        made = post(
            client,
            session,
            w.nurse,
            w,
            "Hemtjänsten: insatsen börjar torsdag",
            topic="care_request",
            topic_id=str(to_home_care.id),
            recipients=[w.home_carer],
        )
        assert len(notifications_of(session, w.home_carer)) == 1
        read = _get(client, session, w.home_carer, f"/threads/{made['thread_id']}")
        assert read.status_code == 200
        listed = _get(client, session, w.home_carer, f"/patients/{w.patient.id}/threads")
        assert [t["topic_id"] for t in listed.json()] == [str(to_home_care.id)]
        own = post(client, session, w.nurse, w, "Journal")
        assert (
            _get(client, session, w.home_carer, f"/threads/{own['thread_id']}").status_code == 404
        )

    def test_the_thread_offers_the_staff_who_may_be_named(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        made = post(client, session, w.nurse, w)
        read = _get(client, session, w.nurse, f"/threads/{made['thread_id']}").json()
        offered = {p["user_id"] for p in read["recipient_choices"]}
        assert {str(w.home_nurse.id), str(w.physician.id), str(w.home_assistant.id)} <= offered
        for not_offered in (w.nurse, w.analyst, w.gp, w.outsider, w.home_carer):
            assert str(not_offered.id) not in offered


class TestAccess:
    def test_an_outsider_gets_404_and_a_log_row_everywhere(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        made = post(client, session, w.nurse, w, recipients=[w.home_nurse])
        thread_id = made["thread_id"]
        for path in (f"/patients/{w.patient.id}/threads", f"/threads/{thread_id}"):
            assert _get(client, session, w.outsider, path).status_code == 404
        written = client.post(
            f"{API}/threads/{thread_id}/messages",
            json={"body": "Hej"},
            headers=auth(session, w.outsider),
        )
        assert written.status_code == 404
        about = client.post(
            f"{API}/patients/{w.patient.id}/messages",
            json={"body": "Hej"},
            headers=auth(session, w.outsider),
        )
        assert about.status_code == 404
        rows = audit(session, w.outsider)
        assert [(e.allowed, e.patient_id) for e in rows] == [(False, w.patient.id)] * 4
        assert messages(session) == 1
        assert session.scalars(select(MessageRead)).all() == []  # nothing marked read
        inbox = _get(client, session, w.outsider, "/messages/inbox")
        assert inbox.json() == []

    def test_a_thread_that_does_not_exist_is_404_and_logged(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        unknown = random_id()
        assert _get(client, session, w.nurse, f"/threads/{unknown}").status_code == 404
        (row,) = audit(session, w.nurse, "message_thread")
        assert (row.allowed, row.resource_id) == (False, unknown)

    def test_a_role_without_patient_data_gets_403_and_is_logged(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        made = post(client, session, w.nurse, w)
        for path in (
            f"/patients/{w.patient.id}/threads",
            f"/threads/{made['thread_id']}",
            "/messages/inbox",
        ):
            response = _get(client, session, w.analyst, path)
            assert response.status_code == 403, path
            assert response.json()["code"] == "forbidden"
        assert [e.allowed for e in audit(session, w.analyst)] == [False, False, False]

    def test_a_role_that_may_not_write_gets_403_and_nothing_is_written(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        made = post(client, session, w.nurse, w)
        assert (
            _get(client, session, w.pharmacist, f"/threads/{made['thread_id']}").status_code == 200
        )
        refused = post(client, session, w.pharmacist, w, expect=403)
        assert refused["code"] == "forbidden"
        response = client.post(
            f"{API}/threads/{made['thread_id']}/messages",
            json={"body": "Hej"},
            headers=auth(session, w.pharmacist),
        )
        assert response.status_code == 403
        assert messages(session) == 1
        denied = [e for e in audit(session, w.pharmacist) if not e.allowed]
        assert [(e.action, e.patient_id) for e in denied] == [("create", w.patient.id)] * 2

    def test_an_ended_care_relationship_closes_the_thread(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        made = post(client, session, w.nurse, w, recipients=[w.home_nurse])
        from samband.models import EpisodeParticipant

        participant = session.scalar(
            select(EpisodeParticipant).where(
                EpisodeParticipant.episode_id == w.episode.id,
                EpisodeParticipant.organisation_id == w.municipality.id,
            )
        )
        session.delete(participant)
        session.flush()
        assert (
            _get(client, session, w.home_nurse, f"/threads/{made['thread_id']}").status_code == 404
        )
        assert _get(client, session, w.home_nurse, "/messages/inbox").json() == []

    def test_a_care_request_thread_follows_the_episodes_record(
        self, client: TestClient, session: Session
    ) -> None:
        """Another care provider reads a care request's thread only with the patient's
        consent to shared records (decision 0010), as it reads the care request."""
        w = make_world(session)
        made = post(
            client, session, w.nurse, w, "Fråga", topic="care_request", topic_id=str(w.request.id)
        )
        path = f"/threads/{made['thread_id']}"
        assert _get(client, session, w.home_nurse, path).status_code == 200
        w.episode.shared_records_consent = False
        session.flush()
        assert _get(client, session, w.home_nurse, path).status_code == 404
        assert _get(client, session, w.nurse, path).status_code == 200

    def test_a_physician_request_thread_is_open_to_the_physician_it_is_routed_to(
        self, client: TestClient, session: Session
    ) -> None:
        """``physicianrequests.service.can_see``: the physician the request is routed to
        reads its thread without a care relationship (logged with that reason); a colleague
        of the same centre it is not routed to does not."""
        w = make_world(session)
        asked = physician_request(session, w, routed_to=w.gp)
        made = post(
            client,
            session,
            w.home_nurse,
            w,
            "Feber, se SBAR",
            kind="question",
            topic="physician_request",
            topic_id=str(asked.id),
            recipients=[w.gp],  # the request names the physician: may be named
        )
        assert len(notifications_of(session, w.gp)) == 1
        path = f"/threads/{made['thread_id']}"
        read = _get(client, session, w.gp, path)
        assert read.status_code == 200
        assert read.json()["topic_detail"]["kind"] == "same_day"
        allowed = [e for e in audit(session, w.gp, "message_thread") if e.allowed]
        assert [(e.patient_id, e.reason) for e in allowed] == [
            (w.patient.id, "the physician request is routed to the caller")
        ]
        answer = client.post(
            f"{API}/threads/{made['thread_id']}/messages",
            json={"body": "Ta CRP, jag ringer 14:00", "kind": "answer"},
            headers=auth(session, w.gp),
        )
        assert answer.status_code == 201, answer.text
        colleague = make_user(session, w.primary_care, role="physician")
        assert _get(client, session, colleague, path).status_code == 404
        assert _get(client, session, w.outsider, path).status_code == 404
        # with a care relationship: the ordinary check and log row (no "routed" reason)
        _get(client, session, w.home_nurse, path)
        (row,) = audit(session, w.home_nurse, "message_thread")
        assert (row.allowed, row.reason) == (True, None)

    def test_without_can_see_the_care_relationship_decides(
        self, client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        w = make_world(session)
        asked = physician_request(session, w, routed_to=w.gp)
        made = post(
            client, session, w.nurse, w, "x", topic="physician_request", topic_id=str(asked.id)
        )
        monkeypatch.setattr(service, "_routed_to_caller", lambda ctx, request: False)
        assert _get(client, session, w.gp, f"/threads/{made['thread_id']}").status_code == 404
        assert _get(client, session, w.nurse, f"/threads/{made['thread_id']}").status_code == 200


class TestBadInput:
    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"body": ""}, "body"),
            ({"body": "   "}, "body"),
            ({"body": "x" * 4001}, "body"),
            ({"body": "ok", "kind": "gossip"}, "kind"),
            ({"body": "ok", "recipients": ["not-an-id"]}, "recipients"),
            ({"body": "ok", "recipients": [random_id() for _ in range(21)]}, "recipients"),
            ({"body": "ok", "topic": "episode"}, "topic"),
            ({"body": "ok", "surprise": 1}, "surprise"),
            ({"kind": "note"}, "body"),
            ({"body": "a\u202eb"}, "body"),
        ],
    )
    def test_refused_with_the_field(
        self, client: TestClient, session: Session, body: dict[str, object], field: str
    ) -> None:
        w = make_world(session)
        response = client.post(
            f"{API}/patients/{w.patient.id}/messages", json=body, headers=auth(session, w.nurse)
        )
        assert response.status_code == 422, response.text
        assert field in response.text
        assert messages(session) == 0

    def test_nul_characters_are_refused(self, client: TestClient, session: Session) -> None:
        w = make_world(session)
        response = client.post(
            f"{API}/patients/{w.patient.id}/messages",
            content=b'{"body": "a\\u0000b"}',
            headers={**auth(session, w.nurse), "Content-Type": "application/json"},
        )
        assert response.status_code == 422
        assert messages(session) == 0

    def test_a_body_of_4000_characters_is_kept_whole(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        text = "Rad ett\nRad två\t" + "x" * 3984
        assert len(text) == 4000
        made = post(client, session, w.nurse, w, text)
        assert made["body"] == text

    def test_the_topic_must_be_one_of_the_patients(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        missing = post(client, session, w.nurse, w, topic="care_request", expect=422)
        assert (missing["code"], missing["field"]) == ("messaging.topic_id_missing", "topic_id")
        unknown = post(
            client, session, w.nurse, w, topic="care_request", topic_id=random_id(), expect=422
        )
        assert unknown["code"] == "messaging.topic_unknown"
        # another patient's care request answers the same as one that does not exist
        other = make_patient(session, registered_by=w.nurse)
        other_episode = make_episode(session, other, unit=make_unit(session, w.hospital))
        from samband.models import CareRequest

        theirs = CareRequest(
            episode_id=other_episode.id,
            kind="home_health_care",
            from_organisation_id=w.hospital.id,
            to_organisation_id=w.municipality.id,
            state="sent",
            created_by_id=w.nurse.id,
            history=[],
            medication_snapshot=[],
        )
        session.add(theirs)
        session.flush()
        wrong = post(
            client, session, w.nurse, w, topic="care_request", topic_id=str(theirs.id), expect=422
        )
        assert wrong["code"] == "messaging.topic_unknown"
        not_them = post(
            client, session, w.nurse, w, topic="patient", topic_id=str(other.id), expect=422
        )
        assert not_them["code"] == "messaging.topic_not_the_patient"
        asked = post(
            client, session, w.nurse, w, topic="physician_request", topic_id=random_id(), expect=422
        )
        assert asked["code"] == "messaging.topic_unknown"
        assert messages(session) == 0

    def test_an_unknown_patient_is_404(self, client: TestClient, session: Session) -> None:
        w = make_world(session)
        response = client.post(
            f"{API}/patients/{random_id()}/messages",
            json={"body": "Hej"},
            headers=auth(session, w.nurse),
        )
        assert response.status_code == 404
        response = client.post(
            f"{API}/threads/{random_id()}/messages",
            json={"body": "Hej"},
            headers=auth(session, w.nurse),
        )
        assert response.status_code == 404

    def test_requires_login(self, client: TestClient, session: Session) -> None:
        w = make_world(session)
        assert client.get(f"{API}/patients/{w.patient.id}/threads").status_code == 401


class TestInbox:
    def test_threads_naming_the_caller_unread_first(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        other = make_patient(session, registered_by=w.nurse, given_name="Lisa")
        make_episode(
            session,
            other,
            unit=make_unit(session, w.hospital),
            state="at_home",
            participants={w.municipality: "home_health_care"},
        )
        older = post(client, session, w.nurse, w, recipients=[w.home_nurse])
        newer = client.post(
            f"{API}/patients/{other.id}/messages",
            json={"body": "Lisa: ny tid för provtagning", "recipients": [str(w.home_nurse.id)]},
            headers=auth(session, w.nurse),
        ).json()
        # a thread that does not name her is not in her inbox
        post(
            client,
            session,
            w.nurse,
            w,
            "Till sjukhuset",
            topic="care_request",
            topic_id=str(w.request.id),
        )

        def inbox() -> list[tuple[str, int]]:
            found = _get(client, session, w.home_nurse, "/messages/inbox").json()
            return [(i["id"], i["unread"]) for i in found]

        assert inbox() == [(newer["thread_id"], 1), (older["thread_id"], 1)]
        _get(client, session, w.home_nurse, f"/threads/{newer['thread_id']}")
        assert inbox() == [(older["thread_id"], 1), (newer["thread_id"], 0)]
        items = _get(client, session, w.home_nurse, "/messages/inbox").json()
        assert items[1]["patient_name"] == "Lisa " + other.family_name
        assert items[0]["named"] == 1
        listed = [e for e in audit(session, w.home_nurse, "message_thread") if e.action == "list"]
        assert {e.patient_id for e in listed} == {w.patient.id, other.id}
        assert _get(client, session, w.home_nurse_2, "/messages/inbox").json() == []


def note_thread(session: Session) -> object:
    (thread,) = session.scalars(select(MessageThread)).all()
    return thread.id


def test_every_message_is_stored_with_its_author_organisation(session: Session) -> None:
    """A message keeps the organisation its author wrote for (a person may move on)."""
    w: World = make_world(session)
    ctx = Context(session=session, actor=actor_of(w.home_nurse), log=AccessLog())
    from samband.messaging.schemas import MessageCreate

    made = service.post_about_patient(ctx, w.patient.id, MessageCreate(body="Hej"))
    stored = session.get(Message, made.id)
    assert stored is not None
    assert stored.author_organisation_id == w.municipality.id
    assert [(e.action, e.allowed) for e in ctx.log.entries] == [("create", True)]
