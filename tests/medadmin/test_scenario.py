"""The hidden check of issue 14, end to end through the API: an OPAT patient with IV
antibiotics 3 times a day — a dose signed at the visit; the next left unsigned past its
window raises an alert to the responsible unit (after the tick runs)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from samband.medadmin import periodic
from samband.models import Alert, Notification
from tests.factories import auth
from tests.medadmin.helpers import World, add_medication, build, local, pin, signing_list


@pytest.fixture
def world(session: Session) -> World:
    return build(session)


class TestOpatScenario:
    def test_a_dose_signed_the_next_unsigned_raises_an_alert(
        self,
        client: TestClient,
        session: Session,
        session_factory: sessionmaker[Session],
        world: World,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        # the physician orders IV cefotaxime 3 times a day on Wednesday at 06:00
        pin(monkeypatch, local(2026, 3, 4, 6))
        order = add_medication(client, session, world)

        # the nurse's signing list: 08, 14 and 20, each ±30 min as the visits
        listed = signing_list(client, session, world)
        times = [d["due_at"] for d in listed["doses"]]
        assert times == [
            local(2026, 3, 4, h).isoformat().replace("+00:00", "Z") for h in (8, 14, 20)
        ] or [t.replace("Z", "+00:00") for t in times] == [
            local(2026, 3, 4, h).isoformat() for h in (8, 14, 20)
        ]
        assert {d["state"] for d in listed["doses"]} == {"due"}
        assert {d["medication_id"] for d in listed["doses"]} == {order["id"]}
        morning, afternoon, _evening = listed["doses"]

        # 08:05 at the visit: given
        pin(monkeypatch, local(2026, 3, 4, 8, 5))
        signed = client.post(
            f"/api/v1/doses/{morning['id']}/sign",
            json={"outcome": "given"},
            headers=auth(session, world.nurse),
        )
        assert signed.status_code == 201, signed.text
        assert signed.json()["outcome"] == "given"
        assert signed.json()["signed_by_name"] == world.nurse.full_name

        # the afternoon dose is left unsigned; at 14:59 it is still within its window
        assert periodic.run_checks(session_factory, local(2026, 3, 4, 14, 59)).unsigned == 0
        # past it (14:00 ±30 min, signed by 15:00): the tick raises the alert
        result = periodic.run_checks(session_factory, local(2026, 3, 4, 15, 1))
        assert result.unsigned == 1
        assert not result.errors
        again = periodic.run_checks(session_factory, local(2026, 3, 4, 15, 2))
        assert again.unsigned == 0  # a dose is alerted once

        alerts = session.scalars(
            select(Alert).where(Alert.episode_id == world.episode.id, Alert.kind == "unsigned_dose")
        ).all()
        assert len(alerts) == 1
        alert = alerts[0]
        assert alert.status == "open"
        assert alert.severity == "medium"
        assert "Cefotaxim 2 g" in alert.reason
        assert "14:00" in alert.reason

        # the responsible unit sees it like any other alert, in Swedish too
        listed_alerts = client.get(
            "/api/v1/alerts",
            params={"patient_id": str(world.patient.id)},
            headers=auth(session, world.physician),
        )
        assert listed_alerts.status_code == 200, listed_alerts.text
        kinds = {a["kind"] for a in listed_alerts.json()}
        assert "unsigned_dose" in kinds
        # whom level 1 reaches was notified through the notification machinery
        assert alert.notified
        # the signing list shows the dose overdue
        pin(monkeypatch, local(2026, 3, 4, 15, 5))
        states = [d["state"] for d in signing_list(client, session, world)["doses"]]
        assert states == ["given", "overdue", "due"]
        assert signing_list(client, session, world)["doses"][1]["alert_id"] == str(alert.id)

        # signed late at 15:10: a line in the alert's history, its escalation stopped
        pin(monkeypatch, local(2026, 3, 4, 15, 10))
        late = client.post(
            f"/api/v1/doses/{afternoon['id']}/sign",
            json={"outcome": "given", "given_at": local(2026, 3, 4, 14, 50).isoformat()},
            headers=auth(session, world.nurse),
        )
        assert late.status_code == 201, late.text
        session.refresh(alert)
        assert alert.history[-2]["event"] == "dose signed late"
        assert alert.due_at is None
        assert alert.status == "open"  # closing stays a person's decision
        assert session.scalars(
            select(Notification).where(Notification.alert_id == alert.id)
        ).first() is not None or not [n for n in alert.notified if n.get("user_id")]
