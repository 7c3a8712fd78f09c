"""POST /api/v1/episodes/{id}/contacts: the ward's call in the evening of day 1."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.kit.time import utcnow
from samband.models import EpisodeEvent
from tests.factories import (
    auth,
    make_episode,
    make_organisation,
    make_patient,
    make_unit,
    make_user,
)


class TestRecordContact:
    def _setup(self, session: Session, state: str = "at_home"):  # type: ignore[no-untyped-def]
        clinic = make_organisation(session)
        ward = make_unit(session, clinic)
        nurse = make_user(session, clinic, unit=ward)
        episode = make_episode(session, make_patient(session), unit=ward, state=state)
        return nurse, episode

    def test_records_the_day1_call_on_the_timeline(
        self, client: TestClient, session: Session
    ) -> None:
        nurse, episode = self._setup(session)
        at = (utcnow() - timedelta(hours=1)).isoformat()
        response = client.post(
            f"/api/v1/episodes/{episode.id}/contacts",
            headers=auth(session, nurse),
            json={"at": at, "spoke_with": "patient", "outcome": "well", "note": "Sover gott"},
        )
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["kind"] == "contact.day1"
        assert body["reason"] == "Sover gott"
        assert body["data"]["outcome"] == "well"
        assert body["data"]["caller"] == nurse.full_name
        assert body["by_user_id"] == str(nurse.id)
        kinds = session.scalars(
            select(EpisodeEvent.kind).where(EpisodeEvent.episode_id == episode.id)
        ).all()
        assert "contact.day1" in kinds

    def test_only_while_at_home(self, client: TestClient, session: Session) -> None:
        nurse, episode = self._setup(session, state="planned")
        response = client.post(
            f"/api/v1/episodes/{episode.id}/contacts",
            headers=auth(session, nurse),
            json={"outcome": "well"},
        )
        assert response.status_code == 409
        assert "at home" in response.json()["detail"]

    def test_not_in_the_future(self, client: TestClient, session: Session) -> None:
        nurse, episode = self._setup(session)
        response = client.post(
            f"/api/v1/episodes/{episode.id}/contacts",
            headers=auth(session, nurse),
            json={"outcome": "well", "at": (utcnow() + timedelta(hours=2)).isoformat()},
        )
        assert response.status_code == 422
        assert response.json()["field"] == "at"

    def test_not_reached_means_nobody(self, client: TestClient, session: Session) -> None:
        nurse, episode = self._setup(session)
        response = client.post(
            f"/api/v1/episodes/{episode.id}/contacts",
            headers=auth(session, nurse),
            json={"outcome": "not_reached", "spoke_with": "patient"},
        )
        assert response.status_code == 422
        assert response.json()["field"] == "spoke_with"

    def test_an_assistant_nurse_may_not(self, client: TestClient, session: Session) -> None:
        nurse, episode = self._setup(session)
        session.refresh(nurse)
        assistant = make_user(session, nurse.organisation, role="assistant_nurse")
        response = client.post(
            f"/api/v1/episodes/{episode.id}/contacts",
            headers=auth(session, assistant),
            json={"outcome": "well"},
        )
        assert response.status_code == 403

    def test_an_unrelated_organisation_gets_404(self, client: TestClient, session: Session) -> None:
        _nurse, episode = self._setup(session)
        outsider = make_user(session, make_organisation(session), role="registered_nurse")
        response = client.post(
            f"/api/v1/episodes/{episode.id}/contacts",
            headers=auth(session, outsider),
            json={"outcome": "well"},
        )
        assert response.status_code == 404
