"""Day plans are solved by a job (decision 0015): the helpers the tests use to wait for it."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

from samband.jobs.queue import run_pending


def run_jobs(client: TestClient) -> None:
    """Run the queued jobs (the solve) with the app's sessions (the test's connection)."""
    result = run_pending(client.app.state.sessionmaker)  # type: ignore[attr-defined]
    assert result.failed == 0, result.errors


def solved(client: TestClient, response: Response, headers: dict[str, str]) -> dict[str, Any]:
    """A 202 from POST /day-plans or /replan → run the solve → the plan as GET shows it."""
    assert response.status_code == 202, response.text
    location = response.headers["location"]
    assert response.json()["solve_status"] == "queued"
    run_jobs(client)
    polled = client.get(location, headers=headers)
    assert polled.status_code == 200, polled.text
    body: dict[str, Any] = polled.json()
    assert body["solve_status"] == "done", body
    return body
