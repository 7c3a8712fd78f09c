"""Meddelanden as pages: the thread (oldest first, "Läst av …" receipts, the form), the
patient's threads, the inbox with the navigation's count; Swedish and English."""

from __future__ import annotations

import re
from html import unescape

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.models import Message, MessageThread, User
from tests.factories import auth
from tests.messaging.world import World, audit, make_world, notifications_of, post


def login(client: TestClient, session: Session, user: User) -> None:
    client.cookies.set("samband_session", auth(session, user)["Authorization"][7:])


def field_error(html: str, name: str) -> str | None:
    match = re.search(rf'<p class="field-error" id="f-{re.escape(name)}-error">([^<]+)</p>', html)
    return unescape(match.group(1)) if match else None


def _thread(session: Session, w: World, topic: str = "patient") -> MessageThread:
    session.expire_all()
    found = session.scalar(
        select(MessageThread).where(
            MessageThread.patient_id == w.patient.id, MessageThread.topic == topic
        )
    )
    assert found is not None
    return found


class TestThreadPage:
    def test_messages_oldest_first_with_who_read_them(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        post(client, session, w.nurse, w, "Första: PICC spolad", recipients=[w.home_nurse])
        post(client, session, w.nurse, w, "Andra: ring vid feber", kind="question")
        thread = _thread(session, w)

        login(client, session, w.home_nurse)
        page = client.get(f"/threads/{thread.id}")
        assert page.status_code == 200
        text = unescape(page.text)
        assert text.index("Första: PICC spolad") < text.index("Andra: ring vid feber")
        assert "Överlämning" in text
        assert "Fråga" in text
        assert "Infektionskliniken" in text
        assert text.count('class="badge ok">Nytt') == 2  # new to her, this once

        login(client, session, w.nurse)
        page = client.get(f"/threads/{thread.id}")
        receipts = re.findall(r'<span class="receipt">([^<]+)</span>', unescape(page.text))
        assert len(receipts) == 2
        assert all(
            re.fullmatch(rf"Läst av {w.home_nurse.full_name} \d\d:\d\d", r) for r in receipts
        )
        assert f"Till: {w.home_nurse.full_name}" in unescape(page.text)

        client.cookies.set("samband_lang", "en")
        english = unescape(client.get(f"/threads/{thread.id}").text)
        assert f"Read by {w.home_nurse.full_name}" in english
        assert "Handover" in english
        assert "Write a message" in english

    def test_writing_names_recipients_and_comes_back_to_the_thread(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        login(client, session, w.home_nurse)
        form = client.get(f"/patients/{w.patient.id}/messages")
        assert form.status_code == 200
        assert "Inga meddelanden ännu" in form.text
        assert w.nurse.full_name in form.text
        assert w.physician.full_name in form.text
        assert w.gp.full_name not in form.text  # no care relationship: not offered

        sent = client.post(
            f"/patients/{w.patient.id}/messages",
            data={
                "kind": "question",
                "body": "Behöver patienten ny PVK?\nHon har ont i armen.",
                "recipients": [str(w.nurse.id), str(w.physician.id)],
            },
            follow_redirects=False,
        )
        assert sent.status_code == 303, sent.text
        thread = _thread(session, w)
        (message,) = session.scalars(select(Message).where(Message.thread_id == thread.id))
        assert sent.headers["location"] == f"/threads/{thread.id}?notice=sent#m-{message.id}"
        assert message.kind == "question"
        assert message.body == "Behöver patienten ny PVK?\nHon har ont i armen."
        assert set(message.recipients) == {str(w.nurse.id), str(w.physician.id)}
        assert len(notifications_of(session, w.physician)) == 1
        shown = client.get(sent.headers["location"])
        assert "Meddelandet är skickat." in shown.text

        again = client.post(
            f"/threads/{thread.id}/messages",
            data={"kind": "note", "body": "Tillägg", "recipients": []},
            follow_redirects=False,
        )
        assert again.status_code == 303
        assert len(session.scalars(select(Message)).all()) == 2

    def test_a_refused_recipient_or_an_empty_text_is_said_next_to_the_field(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        login(client, session, w.nurse)
        empty = client.post(
            f"/patients/{w.patient.id}/messages", data={"kind": "note", "body": "  "}
        )
        assert empty.status_code == 422
        assert field_error(empty.text, "body")
        refused = client.post(
            f"/patients/{w.patient.id}/messages",
            data={"kind": "note", "body": "Hej", "recipients": [str(w.gp.id)]},
        )
        assert refused.status_code == 422
        said = field_error(refused.text, "recipients") or ""
        assert w.gp.full_name in said
        assert "ingen vårdrelation" in said
        assert session.scalars(select(Message)).all() == []

    def test_a_request_thread_is_started_from_the_patients_threads(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        login(client, session, w.home_nurse)
        listing = client.get(f"/patients/{w.patient.id}/threads")
        assert listing.status_code == 200
        text = unescape(listing.text)
        assert "Patientens tråd" in text
        assert "Vårdbegäran: " in text
        start = f"/patients/{w.patient.id}/messages?topic=care_request&topic_id={w.request.id}"
        assert start in text
        form = client.get(start)
        assert 'name="topic" value="care_request"' in form.text
        sent = client.post(
            f"/patients/{w.patient.id}/messages",
            data={
                "kind": "question",
                "body": "Fråga om vårdbegäran",
                "topic": "care_request",
                "topic_id": str(w.request.id),
            },
            follow_redirects=False,
        )
        assert sent.status_code == 303
        thread = _thread(session, w, "care_request")
        assert thread.topic_id == w.request.id
        # the request's thread once started: its own address
        assert client.get(start, follow_redirects=False).headers["location"] == (
            f"/threads/{thread.id}"
        )
        listing = unescape(client.get(f"/patients/{w.patient.id}/threads").text)
        assert f"/threads/{thread.id}" in listing
        assert "1 meddelande" in listing

    def test_the_patient_page_links_to_the_threads(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        login(client, session, w.nurse)
        page = client.get(f"/patients/{w.patient.id}")
        assert page.status_code == 200
        assert f'href="/patients/{w.patient.id}/threads"' in page.text


class TestInboxPage:
    def test_the_inbox_and_the_navigations_count(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        login(client, session, w.home_nurse)
        assert 'data-field="unread-messages"' not in client.get("/messages").text
        post(client, session, w.nurse, w, recipients=[w.home_nurse])
        inbox = client.get("/messages")
        assert inbox.status_code == 200
        assert re.search(r'data-field="unread-messages"[^>]*>1</span>', inbox.text)
        assert w.patient.family_name in inbox.text
        assert "1 oläst" in inbox.text
        thread = _thread(session, w)
        client.get(f"/threads/{thread.id}")
        after = client.get("/messages")
        assert 'data-field="unread-messages"' not in after.text
        assert "1 oläst" not in after.text
        assert f"/threads/{thread.id}" in after.text


class TestAccess:
    def test_an_outsider_gets_the_404_page_and_a_log_row(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        made = post(client, session, w.nurse, w)
        login(client, session, w.outsider)
        for path in (
            f"/patients/{w.patient.id}/threads",
            f"/patients/{w.patient.id}/messages",
            f"/threads/{made['thread_id']}",
        ):
            page = client.get(path)
            assert page.status_code == 404, path
            assert w.patient.family_name not in page.text
        written = client.post(
            f"/threads/{made['thread_id']}/messages", data={"kind": "note", "body": "Hej"}
        )
        assert written.status_code == 404
        rows = audit(session, w.outsider)
        assert [(e.allowed, e.patient_id) for e in rows] == [(False, w.patient.id)] * 4
        assert len(session.scalars(select(Message)).all()) == 1

    def test_a_role_that_may_not_write_gets_403_and_no_form(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        made = post(client, session, w.nurse, w)
        login(client, session, w.pharmacist)
        page = client.get(f"/threads/{made['thread_id']}")
        assert page.status_code == 200
        assert "<textarea" not in page.text
        refused = client.post(
            f"/threads/{made['thread_id']}/messages", data={"kind": "note", "body": "Hej"}
        )
        assert refused.status_code == 403
        assert len(session.scalars(select(Message)).all()) == 1
