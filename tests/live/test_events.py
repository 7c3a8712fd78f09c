"""The live overview by push (issue 11): a change reaches a connected page as an event within
one question of the change feed, and only the pages of users who may see that patient; a page
coming back is sent what it missed, or told to refetch."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from samband.app import create_app
from samband.kit.time import utcnow
from samband.live.feed import ChangeFeed
from samband.models import AuditEvent, Episode, Patient, User
from samband.monitoring import intake
from samband.observations.schemas import ObservationCreate, Source
from samband.security import service as security
from samband.security.context import AccessLog, Context
from samband.web.overview import install_feed
from tests.factories import (
    auth,
    make_episode,
    make_organisation,
    make_patient,
    make_unit,
    make_user,
)
from tests.live.sse import Stream

NORMAL = {"respiratory_rate": 16, "spo2": 97, "on_oxygen": False, "systolic_bp": 128}
NORMAL |= {"pulse": 71, "consciousness": "A", "temperature": 36.9}
HIGH = {"respiratory_rate": 26, "spo2": 90, "on_oxygen": False, "systolic_bp": 95}
HIGH |= {"pulse": 72, "consciousness": "A", "temperature": 37.0}


class World:
    def __init__(self, session: Session) -> None:
        clinic = make_organisation(session)
        ward = make_unit(session, clinic, beds=2)
        self.nurse = make_user(session, clinic, unit=ward)
        self.device = make_user(session, clinic, role="device")
        self.patient = make_patient(session, given_name="Ester", family_name="Hemlund")
        self.episode = make_episode(session, self.patient, unit=ward, state="at_home")
        other = make_organisation(session)
        self.outsider = make_user(session, other, unit=make_unit(session, other))
        session.flush()


def record(session: Session, world: World, values: dict[str, Any]) -> None:
    ctx = Context(session, security.actor_of(world.device), AccessLog())
    intake.ingest_one(
        ctx,
        ObservationCreate(
            patient_id=world.patient.id,
            measured_at=utcnow() - timedelta(minutes=1),
            source=Source.DEVICE,
            **values,
        ),
    )
    session.flush()


def run(
    session_factory: sessionmaker[Session],
    body: Callable[[Any, ChangeFeed], Coroutine[Any, Any, None]],
) -> None:
    app = create_app(session_factory=session_factory)
    feed = install_feed(app)
    feed.db_slots = threading.BoundedSemaphore(1)  # the test's sessions share one connection
    # a loop of its own, in a thread of its own (Playwright's sync API may have left one
    # running in this thread)
    failure: list[BaseException] = []

    def main() -> None:
        try:
            asyncio.run(body(app, feed))
        except BaseException as exc:  # noqa: BLE001 - handed to the test's thread
            failure.append(exc)

    thread = threading.Thread(target=main)
    thread.start()
    thread.join(120)
    assert not thread.is_alive(), "the stream test did not end"
    if failure:
        raise failure[0]


async def both(app: Any, *cookies: dict[str, str]) -> list[Stream]:
    """Streams opened one after the other: each has read its first event ("ready") before
    the next opens (the tests' sessions share one connection, so they must take turns)."""
    streams = []
    for jar in cookies:
        stream = await Stream(app, "/overview/events", jar).open()
        first = await stream.next()
        assert first is not None
        assert first.event == "ready", first
        streams.append(stream)
    return streams


def cookie(session: Session, user: User) -> dict[str, str]:
    return {"samband_session": auth(session, user)["Authorization"][7:]}


class TestPush:
    def test_a_new_set_reaches_the_page_that_shows_the_patient_only(
        self, session: Session, session_factory: sessionmaker[Session]
    ) -> None:
        world = World(session)
        nurse, outsider = cookie(session, world.nurse), cookie(session, world.outsider)

        async def body(app: Any, feed: ChangeFeed) -> None:
            await feed.tick()  # what the setup wrote is behind the feed now
            mine, theirs = await both(app, nurse, outsider)
            try:
                assert mine.status == 200
                assert mine.response_headers["content-type"].startswith("text/event-stream")
                record(session, world, NORMAL)
                batch = await feed.tick()
                assert batch is not None
                assert world.episode.id in batch.row_episodes
                event = await mine.next()
                assert event is not None
                assert event.event == "rows"
                rows = json.loads(event.data)["rows"]
                assert [r["episode"] for r in rows] == [str(world.episode.id)]
                assert "Ester Hemlund" in rows[0]["html"]
                assert "SpO2 97" in rows[0]["html"]
                assert event.id == feed.event_id(batch.seq)
                assert await theirs.next(timeout=0.5) is None
                assert str(world.patient.id) not in theirs.raw.decode()
                assert "Hemlund" not in theirs.raw.decode()
            finally:
                await mine.close()
                await theirs.close()
            assert not feed.subscribers

        run(session_factory, body)

    def test_a_new_alert_reaches_the_alerts_card_of_those_who_may_see_it(
        self, session: Session, session_factory: sessionmaker[Session]
    ) -> None:
        world = World(session)
        nurse, outsider = cookie(session, world.nurse), cookie(session, world.outsider)

        async def body(app: Any, feed: ChangeFeed) -> None:
            await feed.tick()
            mine, theirs = await both(app, nurse, outsider)
            try:
                record(session, world, HIGH)
                batch = await feed.tick()
                assert batch is not None
                assert world.episode.id in batch.alert_episodes
                # both events, however slow a loaded machine renders them (CI: 2 cores)
                events = {}
                while set(events) != {"rows", "alerts"}:
                    event = await mine.next(timeout=20)
                    if event is None:
                        break
                    events[event.event] = event
                assert set(events) == {"rows", "alerts"}
                card = events["alerts"].data
                assert "data-live-alerts" in card
                assert "Ester Hemlund" in card
                assert 'data-alert-count="1"' in card
                assert "csrf_token" in card  # the acknowledge button's form works
                row = json.loads(events["rows"].data)["rows"][0]["html"]
                assert "<strong>1</strong>" in row  # the row's alert count
                assert await theirs.next(timeout=0.5) is None
                assert "Hemlund" not in theirs.raw.decode()
            finally:
                await mine.close()
                await theirs.close()

        run(session_factory, body)

    def test_an_episode_changed_makes_the_page_refetch(
        self, session: Session, session_factory: sessionmaker[Session]
    ) -> None:
        world = World(session)
        nurse, outsider = cookie(session, world.nurse), cookie(session, world.outsider)

        async def body(app: Any, feed: ChangeFeed) -> None:
            await feed.tick()
            mine, theirs = await both(app, nurse, outsider)
            try:
                episode = session.get(Episode, world.episode.id)
                assert episode is not None
                episode.updated_at = utcnow()
                session.flush()
                await feed.tick()
                event = await mine.next()
                assert event is not None
                assert event.event == "refresh"
                assert await theirs.next(timeout=0.5) is None
            finally:
                await mine.close()
                await theirs.close()

        run(session_factory, body)


class TestReconnect:
    def test_a_page_coming_back_is_sent_what_it_missed(
        self, session: Session, session_factory: sessionmaker[Session]
    ) -> None:
        world = World(session)
        nurse = cookie(session, world.nurse)

        async def body(app: Any, feed: ChangeFeed) -> None:
            await feed.tick()
            first = await Stream(app, "/overview/events", nurse).open()
            ready = await first.next()
            await first.close()
            assert ready is not None
            assert ready.id == feed.event_id()
            record(session, world, NORMAL)  # while the page is away
            await feed.tick()
            again = await Stream(
                app, "/overview/events", nurse, {"last-event-id": str(ready.id)}
            ).open()
            try:
                assert (await again.next()).event == "ready"  # type: ignore[union-attr]
                missed = await again.next()
                assert missed is not None
                assert missed.event == "rows"
                assert str(world.episode.id) in missed.data
            finally:
                await again.close()

        run(session_factory, body)

    @pytest.mark.parametrize("last", ["another-process-3", "garbage", "x-999999"])
    def test_a_page_the_feed_cannot_replay_refetches_once(
        self, session: Session, session_factory: sessionmaker[Session], last: str
    ) -> None:
        world = World(session)
        nurse = cookie(session, world.nurse)

        async def body(app: Any, feed: ChangeFeed) -> None:
            stream = await Stream(app, "/overview/events", nurse, {"last-event-id": last}).open()
            try:
                event = await stream.next()
                assert event is not None
                assert event.event == "refresh"
            finally:
                await stream.close()

        run(session_factory, body)


class TestStreamAccess:
    def test_no_session_is_sent_to_the_login(self, session_factory: sessionmaker[Session]) -> None:
        async def body(app: Any, feed: ChangeFeed) -> None:
            stream = await Stream(app, "/overview/events", {}).open()
            await stream.close()
            assert stream.status == 303
            assert stream.response_headers["location"].startswith("/login")

        run(session_factory, body)

    def test_an_ended_session_ends_the_stream(
        self, session: Session, session_factory: sessionmaker[Session], monkeypatch: Any
    ) -> None:
        world = World(session)
        nurse = cookie(session, world.nurse)

        async def body(app: Any, feed: ChangeFeed) -> None:
            from samband.web import overview

            monkeypatch.setattr(overview, "CHECK_SECONDS", 0.2)
            stream = await Stream(app, "/overview/events", nurse).open()
            try:
                assert (await stream.next()).event == "ready"  # type: ignore[union-attr]
                security.revoke_token(session, nurse["samband_session"])
                session.flush()
                event = await stream.next()
                assert event is not None
                assert event.event == "logout"
            finally:
                await stream.close()

        run(session_factory, body)

    def test_without_a_feed_there_is_no_stream(
        self, session: Session, session_factory: sessionmaker[Session]
    ) -> None:
        world = World(session)
        app = create_app(session_factory=session_factory)  # no change feed: the page polls
        from tests.webclient import WebClient

        with WebClient(app) as client:
            client.cookies.update(cookie(session, world.nurse))
            assert client.get("/overview/events").status_code == 204
            assert "data-events" not in client.get("/").text


def overview_rows(session: Session, user: User, patient: Patient) -> int:
    return int(
        session.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.user_id == user.id,
                AuditEvent.patient_id == patient.id,
                AuditEvent.resource_type == "overview",
            )
        )
        or 0
    )
