"""Reading a page's event stream in a test: the app is called as ASGI directly, in the test's
own event loop, so the stream can be read event by event and then closed (the TestClient
waits for a response to end, which an event stream never does)."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Event:
    event: str
    data: str
    id: str | None


@dataclass
class Stream:
    app: Any
    path: str
    cookies: dict[str, str]
    headers: dict[str, str] = field(default_factory=dict)
    status: int | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    raw: bytearray = field(default_factory=bytearray)
    _events: asyncio.Queue[Event] = field(default_factory=asyncio.Queue)
    _buffer: str = ""
    _disconnect: asyncio.Event = field(default_factory=asyncio.Event)
    _started: asyncio.Event = field(default_factory=asyncio.Event)
    _task: asyncio.Task[None] | None = None

    async def open(self) -> Stream:
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers = {"host": "testserver", "accept": "text/event-stream", "cookie": cookie}
        headers |= self.headers
        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "https",
            "path": self.path,
            "raw_path": self.path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [(k.encode(), v.encode()) for k, v in headers.items()],
            "server": ("testserver", 443),
            "client": ("127.0.0.1", 50000),
            "state": {},
        }
        sent_request = False

        async def receive() -> dict[str, Any]:
            nonlocal sent_request
            if not sent_request:
                sent_request = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await self._disconnect.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                self.status = message["status"]
                self.response_headers = {
                    k.decode().lower(): v.decode() for k, v in message.get("headers", [])
                }
                self._started.set()
            elif message["type"] == "http.response.body":
                chunk = message.get("body", b"")
                self.raw += chunk
                self._feed(chunk.decode())

        self._task = asyncio.create_task(self.app(scope, receive, send))
        await asyncio.wait_for(self._started.wait(), 10)
        return self

    def _feed(self, text: str) -> None:
        self._buffer += text.replace("\r\n", "\n")
        while "\n\n" in self._buffer:
            block, self._buffer = self._buffer.split("\n\n", 1)
            event, data, event_id = "message", [], None
            for line in block.split("\n"):
                if line.startswith(":"):
                    continue  # a ping
                name, _, value = line.partition(":")
                value = value.removeprefix(" ")
                if name == "event":
                    event = value
                elif name == "data":
                    data.append(value)
                elif name == "id":
                    event_id = value
            if data or event != "message":
                self._events.put_nowait(Event(event, "\n".join(data), event_id))

    async def next(self, timeout: float = 5) -> Event | None:
        with contextlib.suppress(TimeoutError):
            return await asyncio.wait_for(self._events.get(), timeout)
        return None

    async def close(self) -> None:
        self._disconnect.set()
        if self._task is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._task, 10)
