"""Travel times from a routing server: OSRM's table API, behind the ``TravelModel`` protocol.

Used instead of the embedded great-circle model when a server URL is configured
(``SAMBAND_OSRM_URL`` or ``samband plan solve --osrm-url URL``). One request

    GET {base}/table/v1/driving/{lon,lat;lon,lat;...}?annotations=duration,distance

answers a whole matrix: ``durations[i][j]`` is the driving time in seconds from
coordinate ``i`` to coordinate ``j`` (``distances`` in metres). OSRM limits the size of a
table (``--max-table-size``, 100 by default, counted as sources × destinations ≤ size²),
so a larger set of points is fetched in blocks with the ``sources`` and ``destinations``
parameters.

``prepare(points)`` fetches every pair of the points once, before solving; ``seconds``
then only looks them up (a pair that was not prepared costs one small request). Like the
embedded model, ``seconds`` rounds each time *up to a whole minute*, so every time in a
plan stays exact to the minute. A pair the server has no route for (``null``) gets
``NO_ROUTE_SECONDS``: a visit nobody can reach is then reported as unassigned instead of
stopping the whole day's plan.

Only the standard library is used (``urllib.request``). Every failure — the server cannot
be reached, times out, answers an HTTP error or a ``code`` other than ``"Ok"``, or answers
something that is not an OSRM table — raises ``OSRMError`` with a message a person can act
on.
"""

from __future__ import annotations

import json
import math
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Sequence
from typing import Any, TypeGuard

from samband.planning.problem import Point, Problem

DEFAULT_TIMEOUT_SECONDS = 10.0
DEFAULT_MAX_TABLE_SIZE = 100  # OSRM's default --max-table-size
NO_ROUTE_SECONDS = 48 * 3600  # longer than any day: whoever needs this edge cannot make it


class OSRMError(RuntimeError):
    """The routing server could not answer; the message says which server and why."""


def problem_points(problem: Problem) -> list[Point]:
    """Every distinct point of a problem: staff start and end locations, visit locations."""
    seen: dict[Point, None] = {}
    for s in problem.staff:
        seen.setdefault(s.start)
        seen.setdefault(s.end)
    for v in problem.visits:
        seen.setdefault(v.location)
    return list(seen)


def _to_minutes(seconds: float) -> int:
    """Seconds → whole seconds rounded up to a whole minute (as ``GreatCircleTravel``)."""
    if seconds <= 0:
        return 0
    return int(math.ceil(seconds / 60.0 - 1e-9)) * 60


class OSRMTravel:
    """Driving times from an OSRM server's table service, rounded up to whole minutes."""

    def __init__(
        self,
        base_url: str,
        *,
        profile: str = "driving",
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        max_table_size: int = DEFAULT_MAX_TABLE_SIZE,
    ) -> None:
        parsed = urllib.parse.urlsplit(base_url.strip())
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise OSRMError(
                f"routing server URL {base_url!r}: expected http:// or https:// and a host, "
                "e.g. http://localhost:5000"
            )
        if max_table_size < 2:
            raise OSRMError(f"max_table_size must be at least 2, got {max_table_size}")
        self.base_url = base_url.strip().rstrip("/")
        self.profile = profile
        self.timeout = timeout
        self.max_table_size = max_table_size
        self.requests = 0  # how many table requests were made (for tests and diagnostics)
        self._seconds: dict[tuple[Point, Point], int] = {}
        self._metres: dict[tuple[Point, Point], float | None] = {}

    # -- the TravelModel protocol -------------------------------------------------------------

    def seconds(self, a: Point, b: Point) -> int:
        if a == b:
            return 0
        key = (a, b)
        if key not in self._seconds:
            self._fetch([a, b], [a, b])
        return self._seconds[key]

    # -- extras -------------------------------------------------------------------------------

    def metres(self, a: Point, b: Point) -> float | None:
        """Road distance in metres as the server answered it (None: no route)."""
        if a == b:
            return 0.0
        if (a, b) not in self._seconds:
            self._fetch([a, b], [a, b])
        return self._metres.get((a, b))

    def prepare(self, points: Iterable[Point]) -> None:
        """Fetch the travel times between every pair of ``points`` (in as few requests as
        the server's table limit allows)."""
        unique = list(dict.fromkeys(points))
        if len(unique) < 2:
            return
        block = self.max_table_size
        for i in range(0, len(unique), block):
            sources = unique[i : i + block]
            for j in range(0, len(unique), block):
                destinations = unique[j : j + block]
                if all((a, b) in self._seconds for a in sources for b in destinations):
                    continue
                self._fetch(sources, destinations)

    def prepare_problem(self, problem: Problem) -> OSRMTravel:
        """``prepare`` every point of a planning problem; returns ``self``."""
        self.prepare(problem_points(problem))
        return self

    # -- the request --------------------------------------------------------------------------

    def _url(self, sources: Sequence[Point], destinations: Sequence[Point]) -> str:
        coordinates = list(dict.fromkeys([*sources, *destinations]))
        index = {p: k for k, p in enumerate(coordinates)}
        path = ";".join(f"{p.lon:.6f},{p.lat:.6f}" for p in coordinates)
        query = {"annotations": "duration,distance"}
        if len(coordinates) != len(sources) or len(coordinates) != len(destinations):
            query["sources"] = ";".join(str(index[p]) for p in sources)
            query["destinations"] = ";".join(str(index[p]) for p in destinations)
        return (
            f"{self.base_url}/table/v1/{self.profile}/{path}?"
            f"{urllib.parse.urlencode(query, safe=';,')}"
        )

    def _get(self, url: str) -> dict[str, Any]:
        where = f"routing server {self.base_url}"
        request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310 (scheme checked in __init__)
        self.requests += 1
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                body = response.read()
        except urllib.error.HTTPError as exc:
            body = exc.read()
            detail = _osrm_message(body) or exc.reason
            raise OSRMError(f"{where} answered HTTP {exc.code}: {detail}") from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError | socket.timeout):
                raise OSRMError(f"{where} did not answer within {self.timeout:g} s") from None
            raise OSRMError(f"{where} cannot be reached: {exc.reason}") from None
        except TimeoutError:
            raise OSRMError(f"{where} did not answer within {self.timeout:g} s") from None
        except OSError as exc:
            raise OSRMError(f"{where} cannot be reached: {exc}") from None
        try:
            answer = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise OSRMError(f"{where} answered something that is not JSON") from None
        if not isinstance(answer, dict):
            raise OSRMError(f"{where} answered JSON that is not an OSRM table")
        if answer.get("code") != "Ok":
            detail = _osrm_message(body) or f"code {answer.get('code')!r}"
            raise OSRMError(f"{where} answered an error: {detail}")
        return answer

    def _fetch(self, sources: Sequence[Point], destinations: Sequence[Point]) -> None:
        answer = self._get(self._url(sources, destinations))
        durations = answer.get("durations")
        distances = answer.get("distances")
        where = f"routing server {self.base_url}"
        if not _is_matrix(durations, len(sources), len(destinations)):
            raise OSRMError(
                f"{where} answered a table without a {len(sources)}×{len(destinations)} "
                "'durations' matrix (is it an OSRM server?)"
            )
        if distances is not None and not _is_matrix(distances, len(sources), len(destinations)):
            distances = None
        for i, a in enumerate(sources):
            for j, b in enumerate(destinations):
                value = durations[i][j]
                if a == b:
                    self._seconds[(a, b)] = 0
                    self._metres[(a, b)] = 0.0
                    continue
                if value is None:
                    self._seconds[(a, b)] = NO_ROUTE_SECONDS
                    self._metres[(a, b)] = None
                    continue
                if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                    raise OSRMError(f"{where} answered a duration that is not a time: {value!r}")
                self._seconds[(a, b)] = _to_minutes(float(value))
                metres = distances[i][j] if distances is not None else None
                self._metres[(a, b)] = float(metres) if isinstance(metres, int | float) else None


def _is_matrix(value: object, rows: int, columns: int) -> TypeGuard[list[list[Any]]]:
    return (
        isinstance(value, list)
        and len(value) == rows
        and all(isinstance(row, list) and len(row) == columns for row in value)
    )


def _osrm_message(body: bytes) -> str | None:
    """``"InvalidQuery: ..."`` from an OSRM error body, if it is one."""
    try:
        answer = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    if not isinstance(answer, dict) or "code" not in answer:
        return None
    code, message = answer.get("code"), answer.get("message")
    return f"{code}: {message}" if message else f"code {code!r}"
