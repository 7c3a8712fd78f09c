"""Real servers in the test process: an SMTP server (aiosmtpd) and an HTTP server speaking
Sinch's SMS REST API ("XMS": POST /xms/v1/<plan>/batches with a bearer token). Tests read
what arrived."""

from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Mailbox:
    """What the SMTP server accepted."""

    messages: list[tuple[list[str], EmailMessage]] = field(default_factory=list)
    refuse: bool = False  # answer 451 to every message (a failing relay)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.refuse:
            return "451 4.3.0 try again later"
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)  # noqa: S101 - the default policy's class
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 OK queued"


class SmtpServer:
    def __init__(self) -> None:
        self.mailbox = Mailbox()
        self.port = free_port()
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.controller.stop()


@dataclass
class SmsGateway:
    """Sinch's batches endpoint: checks the bearer token and the body, answers 201 with an
    id; ``fail_with`` makes it answer that status instead."""

    token: str = "test-token"
    plan: str = "plan123"
    received: list[dict[str, Any]] = field(default_factory=list)
    fail_with: int | None = None
    port: int = field(default_factory=free_port)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/xms/v1/{self.plan}"

    def __enter__(self) -> SmsGateway:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if self.path != f"/xms/v1/{gateway.plan}/batches":
                    return self._answer(404, {"code": "not_found"})
                if self.headers.get("Authorization") != f"Bearer {gateway.token}":
                    return self._answer(401, {"code": "unauthorized"})
                if gateway.fail_with:
                    return self._answer(gateway.fail_with, {"code": "failure"})
                body = json.loads(raw)
                if not isinstance(body.get("to"), list) or not body.get("body"):
                    return self._answer(400, {"code": "syntax_invalid_json"})
                gateway.received.append(body)
                self._answer(201, {"id": f"batch-{len(gateway.received)}", "to": body["to"]})

            def _answer(self, status: int, data: dict[str, Any]) -> None:
                payload = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *_: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.server.shutdown()
        self.server.server_close()
