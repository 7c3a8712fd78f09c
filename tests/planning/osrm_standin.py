"""A local stand-in for an OSRM server's table service (127.0.0.1 only, a free port), for the
tests of the OSRM adapter and of the day plans that use it."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def known_seconds(a: tuple[float, float], b: tuple[float, float]) -> float | None:
    """The stand-in's travel time from a to b ((lon, lat) as sent), in seconds.

    Asymmetric (going north costs 90 s more) so a transposed matrix is caught, and never a
    whole minute (+0.5 s) so the rounding up is seen. Far slower than the great-circle
    model, so a plan that used these times is told apart from one that did not.
    """
    if (0.0, 0.0) in (a, b):
        return None
    if a == b:
        return 0.0
    manhattan = abs(a[0] - b[0]) + abs(a[1] - b[1])  # degrees
    return manhattan * 40_000 + (90.0 if b[1] > a[1] else 0.0) + 0.5


@dataclass
class StandIn:
    """What the stand-in server answers, and what it was asked."""

    mode: str = "ok"  # ok | error-400 | error-200 | slow | not-json
    paths: list[str] = field(default_factory=list)


def _handler(state: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

        def _answer(self, status: int, body: object) -> None:
            raw = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def do_GET(self) -> None:
            state.paths.append(self.path)
            url = urllib.parse.urlsplit(self.path)
            prefix = "/table/v1/driving/"
            if state.mode == "slow":
                time.sleep(1.0)
            if state.mode == "error-400" or not url.path.startswith(prefix):
                self._answer(400, {"code": "InvalidQuery", "message": "Query string malformed"})
                return
            if state.mode == "error-200":
                self._answer(200, {"code": "NoTable", "message": "No table found"})
                return
            if state.mode == "not-json":
                self._answer(200, b"<html>proxy error</html>")
                return
            coords = [
                (float(lon), float(lat))
                for lon, lat in (c.split(",") for c in url.path[len(prefix) :].split(";"))
            ]
            query = urllib.parse.parse_qs(url.query)
            assert query["annotations"] == ["duration,distance"]
            all_ = ";".join(str(i) for i in range(len(coords)))
            sources = [int(i) for i in query.get("sources", [all_])[0].split(";")]
            destinations = [int(i) for i in query.get("destinations", [all_])[0].split(";")]
            durations = [
                [known_seconds(coords[i], coords[j]) for j in destinations] for i in sources
            ]
            distances = [[None if d is None else d * 12.5 for d in row] for row in durations]
            self._answer(200, {"code": "Ok", "durations": durations, "distances": distances})

    return Handler


@contextmanager
def stand_in(mode: str = "ok") -> Iterator[tuple[str, StandIn]]:
    state = StandIn(mode)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def closed_port_url() -> str:
    """A loopback URL nobody listens on (a port that was free a moment ago)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"
