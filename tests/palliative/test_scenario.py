"""The hidden check of issue 14 (palliative), end to end through the API: a palliative
patient's symptom scores trend — several ESAS-r assessments over days come back from the
trend API in order with their totals; an item over the pathway's limit raises an alert to
the responsible unit."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.models import Alert, Notification
from tests.factories import auth
from tests.palliative.helpers import World, build, local, pin, scores


@pytest.fixture
def world(session: Session) -> World:
    return build(session)


class TestPalliativeScenario:
    def test_symptom_scores_trend_and_an_item_over_the_limit_raises_an_alert(
        self,
        client: TestClient,
        session: Session,
        world: World,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        url = f"/api/v1/episodes/{world.episode.id}/symptom-assessments"
        days = [
            (local(2026, 3, 3, 9), scores(pain=3, tiredness=4), "patient"),
            (local(2026, 3, 4, 9), scores(pain=4, tiredness=5, anxiety=3), "next_of_kin"),
            (local(2026, 3, 5, 9), scores(pain=5, tiredness=5, anxiety=8), "staff_assisted"),
        ]
        made = []
        for at, items, who in days:
            pin(monkeypatch, at)
            answer = client.post(
                url,
                json={**items, "assessed_by": who},
                headers=auth(session, world.nurse),
            )
            assert answer.status_code == 201, answer.text
            made.append(answer.json())
        # the totals are the sums of the nine items
        assert [m["total"] for m in made] == [sum(s.values()) for _, s, _ in days]
        assert [m["total"] for m in made] == [21, 24, 30]
        # days 1 and 2 are under every limit; day 3's anxiety 8 crosses "any item >= 7"
        assert made[0]["alert_ids"] == []
        assert made[1]["alert_ids"] == []
        assert len(made[2]["alert_ids"]) == 1

        trend = client.get(f"{url}/trend", headers=auth(session, world.physician))
        assert trend.status_code == 200, trend.text
        body = trend.json()
        assert body["count"] == 3
        assert [p["value"] for p in body["total"]] == [21, 24, 30]
        ats = [p["at"] for p in body["total"]]
        assert ats == sorted(ats)
        assert [p["value"] for p in body["items"]["pain"]] == [3, 4, 5]
        assert [p["value"] for p in body["items"]["anxiety"]] == [2, 3, 8]
        assert body["latest"]["id"] == made[2]["id"]
        assert {limit["item"] for limit in body["limits"]} == {"any", "pain", "total"}

        # the list API: oldest first, with totals
        listed = client.get(url, headers=auth(session, world.nurse)).json()
        assert [a["id"] for a in listed] == [m["id"] for m in made]

        # the alert: kind symptom, on the episode, reaching the care contact of the unit
        alert = session.scalar(select(Alert).where(Alert.episode_id == world.episode.id))
        assert alert is not None
        assert str(alert.id) == made[2]["alert_ids"][0]
        assert alert.kind == "symptom"
        assert alert.status == "open"
        read = client.get(f"/api/v1/alerts/{alert.id}", headers=auth(session, world.asih_nurse))
        assert read.status_code == 200, read.text
        assert "anxiety" in read.json()["reason"].lower()
        notified = session.scalars(
            select(Notification).where(Notification.alert_id == alert.id)
        ).all()
        assert world.asih_nurse.id in {n.user_id for n in notified}
