"""The change feed: one per app process (decision 0016).

Several processes may serve the pages (``samband serve --workers N``), so a change made in one
must reach the pages connected to another: it comes through the database. Every
SAMBAND_LIVE_FEED_SECONDS the process's feed asks, off the event loop
(``asyncio.to_thread``), what changed since its cursor: one query per kind (alerts raised or
changed, observation sets stored, episodes changed, the connected users' notifications). A
non-empty answer is a ``Batch`` with the next sequence number; ``prepare`` (given by the
page that owns the stream, ``web/overview.py``) reads and renders what the batch changed,
once for all pages; then every subscriber's queue gets the batch, and each stream filters it
for its own user (web/overview.py).

The cursor: rows carry the time the writing process gave them (``utcnow()`` at flush), and
commit a little later. The feed therefore asks for rows newer than its last question *less
an overlap* (``OVERLAP``, 30 s: a transaction committing up to 30 s after its rows' time, or
a clock up to that much behind, is still seen) and drops the rows it has already passed on
(kept by id and time for the overlap). A row later than that is shown by the next full
refresh of the page (every ``REFRESH_MINUTES``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from samband.kit.time import as_utc, utcnow
from samband.live import repository

log = logging.getLogger(__name__)

OVERLAP = timedelta(seconds=30)
HISTORY = 200  # batches kept for a reconnecting page (Last-Event-ID)
QUEUE = 100  # batches a slow page may fall behind before it is told to refetch
# How many streams may use the database at once (each in a thread of its own): fewer than the
# connection pool holds, so fifty pages handling one batch do not empty the pool for requests.
DB_SLOTS = 4


@dataclass
class Batch:
    """What changed in one question to the database."""

    seq: int
    at: datetime
    # episodes whose overview row changed (a new set, an alert of the episode changed)
    row_episodes: set[uuid.UUID] = field(default_factory=set)
    # episodes with an alert raised or changed (the alert list)
    alert_episodes: set[uuid.UUID] = field(default_factory=set)
    # episodes changed (their state: the overview's lists change)
    episodes: set[uuid.UUID] = field(default_factory=set)
    # users with new notifications: how many
    notified: dict[uuid.UUID, int] = field(default_factory=dict)
    # what ``prepare`` made of it (the rendered rows), read by the streams
    rendered: dict[Any, Any] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.row_episodes or self.alert_episodes or self.episodes or self.notified)


@dataclass(eq=False)
class Subscription:
    """One connected page: its queue of batches, and whether it fell behind."""

    user_id: uuid.UUID
    queue: asyncio.Queue[Batch] = field(default_factory=lambda: asyncio.Queue(QUEUE))
    gap: bool = False


class ChangeFeed:
    def __init__(
        self,
        factory: sessionmaker[Session],
        prepare: Callable[[Session, Batch], None] | None = None,
    ) -> None:
        self.factory = factory
        self.prepare = prepare
        self.process = uuid.uuid4().hex[:12]  # event ids name the process that made them
        self.seq = 0
        self.cursor = utcnow()
        self.seen: dict[tuple[str, uuid.UUID], datetime] = {}
        self.history: deque[Batch] = deque(maxlen=HISTORY)
        self.subscribers: set[Subscription] = set()
        self.db_slots = threading.BoundedSemaphore(DB_SLOTS)

    # -- the question, off the event loop --------------------------------------------------

    def poll(self, users: frozenset[uuid.UUID] = frozenset()) -> Batch | None:
        """Ask the database what changed since the cursor (blocking: run it in a thread).
        ``users``: the connected users, whose new notifications are asked for."""
        started = utcnow()
        since = self.cursor - OVERLAP
        with self.db_slots, self.factory() as session:
            found = {
                "alert": repository.alerts_changed(session, since),
                "set": repository.sets_stored(session, since),
                "episode": repository.episodes_changed(session, since),
                "notification": repository.notifications_created(session, since, users),
            }
            batch = Batch(seq=self.seq + 1, at=started)
            for kind, rows in found.items():
                for row_id, owner, at in rows:
                    key, at = (kind, row_id), as_utc(at)
                    if self.seen.get(key) == at:
                        continue  # passed on already (the overlap)
                    self.seen[key] = at
                    if kind == "alert":
                        batch.alert_episodes.add(owner)
                        batch.row_episodes.add(owner)
                    elif kind == "set":
                        batch.row_episodes.add(owner)
                    elif kind == "episode":
                        batch.episodes.add(owner)
                    else:
                        batch.notified[owner] = batch.notified.get(owner, 0) + 1
            self.seen = {k: at for k, at in self.seen.items() if at > since}
            self.cursor = started
            if not batch:
                return None
            if self.prepare is not None:
                self.prepare(session, batch)
            session.rollback()
        self.seq = batch.seq
        return batch

    # -- the fan-out, on the event loop ------------------------------------------------------

    def publish(self, batch: Batch) -> None:
        self.history.append(batch)
        for subscriber in self.subscribers:
            try:
                subscriber.queue.put_nowait(batch)
            except asyncio.QueueFull:
                subscriber.gap = True  # the page refetches the whole overview once

    async def tick(self) -> Batch | None:
        users = frozenset(s.user_id for s in self.subscribers)
        batch = await asyncio.to_thread(self.poll, users)
        if batch is not None:
            self.publish(batch)
        return batch

    async def run(self, seconds: float) -> None:
        """The process's background task (app.py's lifespan)."""
        while True:
            try:
                await self.tick()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("the live overview's change feed failed; trying again")
            await asyncio.sleep(seconds)

    # -- subscribers ---------------------------------------------------------------------------

    def event_id(self, seq: int | None = None) -> str:
        return f"{self.process}-{self.seq if seq is None else seq}"

    def subscribe(self, user_id: uuid.UUID, last_event_id: str | None) -> tuple[Subscription, bool]:
        """A new page's subscription, and whether it must refetch the whole overview first:
        a page coming back (Last-Event-ID) is sent what it missed when this process still
        holds it, otherwise told to refetch."""
        subscription = Subscription(user_id)
        self.subscribers.add(subscription)
        if not last_event_id:
            return subscription, False
        process, _, seq_text = last_event_id.partition("-")
        with contextlib.suppress(ValueError):
            seq = int(seq_text)
            oldest = self.history[0].seq if self.history else self.seq + 1
            missed = self.seq - seq
            if process == self.process and 0 <= missed < QUEUE and seq >= oldest - 1:
                for batch in self.history:
                    if batch.seq > seq:
                        subscription.queue.put_nowait(batch)
                return subscription, False
        return subscription, True

    def unsubscribe(self, subscription: Subscription) -> None:
        self.subscribers.discard(subscription)
