"""Alerts: raised from NEWS2 and care-plan limits with the measurement, missed measurements
with a moved clock, escalation when nobody acknowledges, the life cycle, direct admission,
access, and the periodic runner (background loop and `samband alerts tick`)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from samband.alerts import periodic
from samband.alerts.service import check_missed, escalate_due
from samband.config import get_settings
from samband.kit.time import local_today, utcnow
from samband.models import Alert, Episode, ReservedBed
from tests.factories import auth, make_user
from tests.observations.world import (
    HIGH,
    MEDIUM,
    NORMAL,
    World,
    alerts_of,
    audit_rows,
    make_world,
    post,
    vitals,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def world(session: Session) -> World:
    return make_world(session)


def send(
    client: TestClient, session: Session, world: World, values: dict[str, Any], **kw: Any
) -> Any:
    response = post(client, world.headers(session, "device"), vitals(world, values, **kw))
    assert response.status_code == 201, response.text
    return response.json()


def one_alert(session: Session, world: World) -> Alert:
    alerts = alerts_of(session, world.episode)
    assert len(alerts) == 1, [a.reason for a in alerts]
    return alerts[0]


class TestRaising:
    def test_news2_high_raises_a_high_alert_with_the_measurement(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        stored = send(client, session, world, HIGH)

        alert = one_alert(session, world)
        assert (alert.kind, alert.severity, alert.status) == ("news2", "high", "open")
        assert stored["alert_ids"] == [str(alert.id)]
        assert alert.reason.startswith("NEWS2 8 (high)")
        assert alert.escalation_level == 1
        assert alert.due_at is not None
        assert alert.due_at - alert.created_at == timedelta(minutes=15)
        assert alert.notified[0]["user_id"] == str(world.nurse.id)  # the care contact
        detail = client.get(f"/api/v1/alerts/{alert.id}", headers=world.headers(session)).json()
        assert [o["id"] for o in detail["observations"]] == [stored["id"]]
        assert detail["causes"][0]["observation_set_id"] == stored["id"]

    @pytest.mark.parametrize(
        ("values", "severity"),
        [
            (MEDIUM, "medium"),
            ({**NORMAL, "consciousness": "C"}, "medium"),  # low-medium: a single 3
            ({**NORMAL, "pulse": 95}, None),  # NEWS2 1, low
            (NORMAL, None),
        ],
    )
    def test_the_news2_bands(
        self,
        client: TestClient,
        session: Session,
        world: World,
        values: dict[str, Any],
        severity: str | None,
    ) -> None:
        send(client, session, world, values)

        assert [a.severity for a in alerts_of(session, world.episode)] == (
            [severity] if severity else []
        )

    def test_a_second_trigger_updates_the_open_alert(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        send(client, session, world, HIGH)
        send(client, session, world, HIGH)

        alert = one_alert(session, world)
        assert alert.trigger_count == 2

    def test_a_more_severe_trigger_reopens_an_acknowledged_alert(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        send(client, session, world, MEDIUM)
        alert = one_alert(session, world)
        acknowledged = client.post(
            f"/api/v1/alerts/{alert.id}/acknowledge", json={}, headers=world.headers(session)
        )

        send(client, session, world, HIGH)

        alert = one_alert(session, world)
        assert acknowledged.json()["status"] == "acknowledged"
        assert (alert.severity, alert.status) == ("high", "open")
        assert alert.due_at is not None
        assert alert.history[-1]["event"] == "reopened: more severe"

    def test_after_closing_the_next_trigger_opens_a_new_alert(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        send(client, session, world, HIGH)
        alert_id = one_alert(session, world).id
        headers = world.headers(session)
        client.post(
            f"/api/v1/alerts/{alert_id}/action",
            json={"action": "phone_call", "note": "Feels fine; measured again"},
            headers=headers,
        )
        client.post(f"/api/v1/alerts/{alert_id}/close", json={}, headers=headers)

        send(client, session, world, HIGH)

        assert [a.status for a in alerts_of(session, world.episode)] == ["closed", "open"]

    def test_the_care_plan_limit_raises_a_limit_alert(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        # the OPAT template's escalation plan: temperature 38.5 °C or higher → high
        send(client, session, world, {**NORMAL, "temperature": 38.6})

        alerts = alerts_of(session, world.episode)
        assert [(a.kind, a.severity) for a in alerts] == [("limit", "high")]
        assert "temperature 38.6 °C ≥ 38.5 °C" in alerts[0].reason

    def test_a_weight_gain_limit_compares_with_the_days_before(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        from samband.careplans.service import template_content
        from samband.models import CarePlan

        plan = session.scalar(select(CarePlan).where(CarePlan.episode_id == world.episode.id))
        assert plan is not None
        content = template_content("opat").model_dump(mode="json")
        content["alert_limits"] = [
            {"parameter": "weight_gain", "op": ">", "value": 2, "within_hours": 72}
        ]
        data = {"base_version": 1, "content": content}
        saved = client.put(
            f"/api/v1/care-plans/{plan.id}", json=data, headers=world.headers(session, "physician")
        )
        now = utcnow()

        send(client, session, world, {"weight": 80.0}, at=now - timedelta(hours=50))
        send(client, session, world, {"weight": 81.5}, at=now - timedelta(hours=26))
        assert alerts_of(session, world.episode) == []
        send(client, session, world, {"weight": 82.4}, at=now - timedelta(hours=1))

        assert saved.status_code == 200, saved.text
        alert = one_alert(session, world)
        assert (alert.kind, alert.severity) == ("limit", "medium")
        assert "weight gain 2.4 kg in 72 h > 2 kg" in alert.reason

    def test_a_weight_gain_leaves_out_older_weights_and_errors(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        """Only weights of the limit's period count, and not one marked entered in error:
        counting either would make this a gain of more than 2 kg."""
        from samband.careplans.service import template_content
        from samband.models import CarePlan

        plan = session.scalar(select(CarePlan).where(CarePlan.episode_id == world.episode.id))
        assert plan is not None
        content = template_content("opat").model_dump(mode="json")
        content["alert_limits"] = [
            {"parameter": "weight_gain", "op": ">", "value": 2, "within_hours": 72}
        ]
        saved = client.put(
            f"/api/v1/care-plans/{plan.id}",
            json={"base_version": 1, "content": content},
            headers=world.headers(session, "physician"),
        )
        assert saved.status_code == 200, saved.text
        now = utcnow()
        send(client, session, world, {"weight": 79.0}, at=now - timedelta(hours=80))
        wrong = send(client, session, world, {"weight": 79.5}, at=now - timedelta(hours=50))
        marked = client.post(
            f"/api/v1/observations/{wrong['id']}/confirm",
            json={"decision": "entered_in_error", "note": "Weighed in winter clothes"},
            headers=world.headers(session),
        )
        send(client, session, world, {"weight": 80.5}, at=now - timedelta(hours=26))

        latest = send(client, session, world, {"weight": 82.4}, at=now - timedelta(hours=1))

        assert marked.status_code == 200, marked.text
        assert latest["alert_ids"] == []  # 82.4 - 80.5 = 1.9 kg
        assert alerts_of(session, world.episode) == []

    def test_no_alerts_before_the_patient_is_home(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        world.episode.state = "planned"
        session.flush()

        stored = send(client, session, world, HIGH)

        assert stored["news2"]["risk"] == "high"
        assert alerts_of(session, world.episode) == []


class TestLifeCycle:
    def alert(self, client: TestClient, session: Session, world: World) -> str:
        send(client, session, world, HIGH)
        return str(one_alert(session, world).id)

    def test_open_acknowledged_action_taken_closed(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        alert_id = self.alert(client, session, world)
        url = f"/api/v1/alerts/{alert_id}"
        headers = world.headers(session)

        close_too_early = client.post(f"{url}/close", json={}, headers=headers)
        acknowledged = client.post(f"{url}/acknowledge", json={"note": "Calling"}, headers=headers)
        again = client.post(f"{url}/acknowledge", json={}, headers=headers)
        no_note = client.post(f"{url}/action", json={"action": "none_needed"}, headers=headers)
        acted = client.post(
            f"{url}/action",
            json={"action": "extra_visit", "note": "Home health nurse visits within the hour"},
            headers=headers,
        )
        closed = client.post(f"{url}/close", json={"note": "Stable again"}, headers=headers)
        after = client.post(f"{url}/action", json={"action": "phone_call"}, headers=headers)

        assert close_too_early.status_code == 409
        assert close_too_early.json()["allowed_moves"] == ["acknowledge", "action"]
        assert acknowledged.json()["status"] == "acknowledged"
        assert acknowledged.json()["acknowledged_by_id"] == str(world.nurse.id)
        assert acknowledged.json()["due_at"] is None
        assert again.status_code == 409
        assert again.json()["allowed_moves"] == ["action"]
        assert no_note.status_code == 422
        assert acted.json()["status"] == "action_taken"
        assert acted.json()["action"] == "extra_visit"
        assert closed.json()["status"] == "closed"
        assert closed.json()["allowed_moves"] == []
        assert after.status_code == 409
        assert [h["event"] for h in closed.json()["history"]] == [
            "opened",
            "acknowledged",
            "action",
            "closed",
        ]

    def test_an_action_on_an_open_alert_acknowledges_it(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        alert_id = self.alert(client, session, world)

        acted = client.post(
            f"/api/v1/alerts/{alert_id}/action",
            json={"action": "physician_consulted", "note": "Dr on call: antibiotics changed"},
            headers=world.headers(session, "physician"),
        )

        assert acted.json()["status"] == "action_taken"
        assert acted.json()["acknowledged_by_id"] == str(world.physician.id)

    def test_who_may_handle_an_alert(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        alert_id = self.alert(client, session, world)
        url = f"/api/v1/alerts/{alert_id}/acknowledge"

        assistant = client.post(url, json={}, headers=world.headers(session, "assistant"))
        device = client.post(url, json={}, headers=world.headers(session, "device"))
        outsider = client.post(url, json={}, headers=world.headers(session, "outsider"))
        home_nurse = client.post(url, json={}, headers=world.headers(session, "home_nurse"))

        assert (assistant.status_code, device.status_code, outsider.status_code) == (403, 403, 404)
        assert home_nurse.status_code == 200  # the municipality takes part in the episode
        assert [r.allowed for r in audit_rows(session, world.outsider, "alert")] == [False]


class TestReading:
    def test_the_list_shows_only_patients_in_your_care_most_severe_first(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        other = make_world(session)
        send(client, session, world, MEDIUM)
        send(client, session, other, HIGH)
        both = make_user(session, world.clinic, role="registered_nurse")
        from samband.models import EpisodeParticipant

        session.add(
            EpisodeParticipant(
                episode_id=other.episode.id, organisation_id=world.clinic.id, role="other"
            )
        )
        session.flush()

        mine = client.get("/api/v1/alerts?status=open", headers=auth(session, both)).json()
        outsider = client.get("/api/v1/alerts", headers=world.headers(session, "outsider"))
        by_patient = client.get(
            f"/api/v1/alerts?patient_id={world.patient.id}",
            headers=world.headers(session, "outsider"),
        )

        assert [(a["severity"], a["patient_id"]) for a in mine] == [
            ("high", str(other.patient.id)),
            ("medium", str(world.patient.id)),
        ]
        assert outsider.json() == []
        assert by_patient.status_code == 404
        listed = audit_rows(session, both, "alert")
        assert {r.patient_id for r in listed} == {world.patient.id, other.patient.id}

    def test_a_patients_alerts_include_closed_ones_when_asked(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        send(client, session, world, HIGH)

        active = client.get(
            f"/api/v1/alerts?patient_id={world.patient.id}", headers=world.headers(session)
        )
        closed = client.get(
            f"/api/v1/alerts?patient_id={world.patient.id}&status=closed",
            headers=world.headers(session),
        )

        assert len(active.json()) == 1
        assert closed.json() == []

    def test_an_unknown_alert_is_404_and_logged(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        response = client.get(
            "/api/v1/alerts/00000000-0000-4000-8000-000000000000", headers=world.headers(session)
        )

        assert response.status_code == 404
        assert [r.allowed for r in audit_rows(session, world.nurse, "alert")] == [False]


class TestEscalation:
    def test_an_unacknowledged_high_alert_goes_up_a_level_every_15_minutes(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        send(client, session, world, HIGH)
        alert = one_alert(session, world)
        start = alert.created_at

        early = escalate_due(session, start + timedelta(minutes=14))
        second = escalate_due(session, start + timedelta(minutes=16))
        third = escalate_due(session, start + timedelta(minutes=31))
        later = escalate_due(session, start + timedelta(hours=3))

        assert (len(early), len(second), len(third), len(later)) == (0, 1, 1, 0)
        alert = one_alert(session, world)
        assert alert.escalation_level == 3
        assert alert.due_at is None
        levels = [n["level"] for n in alert.notified]
        assert sorted(set(levels)) == [1, 2, 3]
        assert levels == sorted(levels)
        second_level = [n for n in alert.notified if n["level"] == 2]
        assert second_level[0]["user_id"] == str(world.physician.id)  # the responsible one
        third_level = [n for n in alert.notified if n["level"] == 3]
        # nobody on call in this world: the entry says so, with the ward's number
        assert all(n.get("gap") for n in third_level)
        assert third_level[0]["phone"] == "+46 23 49 00 00"
        shown = client.get(f"/api/v1/alerts/{alert.id}", headers=world.headers(session)).json()
        assert shown["escalation_level"] == 3

    def test_no_escalation_after_acknowledgement(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        send(client, session, world, HIGH)
        alert = one_alert(session, world)
        client.post(
            f"/api/v1/alerts/{alert.id}/acknowledge", json={}, headers=world.headers(session)
        )

        escalated = escalate_due(session, alert.created_at + timedelta(hours=2))

        assert escalated == []
        assert one_alert(session, world).escalation_level == 1

    def test_a_medium_alert_waits_an_hour(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        send(client, session, world, MEDIUM)
        start = one_alert(session, world).created_at

        assert escalate_due(session, start + timedelta(minutes=59)) == []
        assert len(escalate_due(session, start + timedelta(minutes=61))) == 1

    def test_a_late_check_raises_every_level_that_fell_due(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        send(client, session, world, HIGH)
        start = one_alert(session, world).created_at

        escalate_due(session, start + timedelta(minutes=45))

        assert one_alert(session, world).escalation_level == 3

    def test_escalation_stops_when_the_patient_is_no_longer_home(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        send(client, session, world, HIGH)
        start = one_alert(session, world).created_at
        world.episode.state = "readmitted"
        session.flush()

        escalated = escalate_due(session, start + timedelta(minutes=20))

        alert = one_alert(session, world)
        assert escalated == []
        assert (alert.escalation_level, alert.due_at) == (1, None)


class TestMissedMeasurements:
    """The OPAT schedule: 08:00 and 18:00 local time, 90 minutes' grace."""

    def slot(self, day: Any, hhmm: str) -> datetime:
        hours, minutes = (int(x) for x in hhmm.split(":"))
        return datetime(day.year, day.month, day.day, hours, minutes, tzinfo=STOCKHOLM)

    def test_a_scheduled_measurement_that_never_arrives(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        day = local_today() - timedelta(days=3)
        morning, evening = self.slot(day, "08:00"), self.slot(day, "18:00")
        next_morning = self.slot(day + timedelta(days=1), "08:00")
        world.episode.started_at = morning - timedelta(hours=1)
        session.flush()
        send(client, session, world, NORMAL, at=morning + timedelta(minutes=10))

        in_time = check_missed(session, evening + timedelta(minutes=89))
        missed = check_missed(session, evening + timedelta(minutes=91))
        twice = check_missed(session, evening + timedelta(minutes=95))
        alert = one_alert(session, world)
        first = (alert.kind, alert.severity, alert.trigger_count)
        again = check_missed(session, next_morning + timedelta(minutes=91))

        assert (in_time, len(missed), twice) == ([], 1, [])
        assert first == ("missed_measurement", "medium", 1)
        alert = one_alert(session, world)
        assert len(again) == 1
        assert (alert.severity, alert.trigger_count) == ("high", 2)
        assert "missed too" in alert.reason
        listed = client.get("/api/v1/alerts", headers=world.headers(session)).json()
        assert [a["kind"] for a in listed] == ["missed_measurement"]
        assert [c["expected_at"] is not None for c in listed[0]["causes"]] == [True, True]

    def test_a_set_within_the_grace_time_counts_but_not_symptoms_alone_or_an_error(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        day = local_today() - timedelta(days=3)
        morning, evening = self.slot(day, "08:00"), self.slot(day, "18:00")
        world.episode.started_at = morning - timedelta(hours=1)
        session.flush()
        send(client, session, world, NORMAL, at=morning + timedelta(minutes=80))
        send(client, session, world, {"symptoms": "Mår bra"}, at=evening)
        wrong = send(client, session, world, {**NORMAL, "spo2": 70}, at=evening)
        client.post(
            f"/api/v1/observations/{wrong['id']}/confirm",
            json={"decision": "entered_in_error", "note": "Cold fingers"},
            headers=world.headers(session),
        )

        raised = check_missed(session, evening + timedelta(minutes=91))

        assert [a.kind for a in raised] == ["missed_measurement"]  # the evening; not the morning
        assert "18:00" in raised[0].reason

    def test_only_episodes_at_home_and_only_after_coming_home(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        day = local_today() - timedelta(days=3)
        evening = self.slot(day, "18:00")
        world.episode.started_at = evening + timedelta(minutes=5)
        session.flush()
        other = make_world(session)
        other.episode.state = "planned"
        session.flush()

        raised = check_missed(session, evening + timedelta(minutes=120))

        assert raised == []


class TestDirectAdmission:
    def act(self, client: TestClient, session: Session, world: World, **extra: Any) -> Any:
        send(client, session, world, HIGH)
        alert = one_alert(session, world)
        return client.post(
            f"/api/v1/alerts/{alert.id}/action",
            json={
                "action": "direct_admission",
                "note": "Septic; admit",
                "ward_unit_id": str(world.ward.id),
                **extra,
            },
            headers=world.headers(session),
        )

    def test_admit_directly_takes_a_reserved_bed_and_readmits(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        response = self.act(client, session, world)

        assert response.status_code == 200, response.text
        body = response.json()
        assert body["status"] == "action_taken"
        assert body["admission"]["outcome"] == "admitted"
        assert body["admission"]["reserved_bed"] == "Bed 1"
        assert body["notified"][-1]["event"] == "admission"
        session.expire_all()
        assert session.get(Episode, world.episode.id).state == "readmitted"  # type: ignore[union-attr]
        bed = session.scalar(select(ReservedBed).where(ReservedBed.unit_id == world.ward.id))
        assert bed is not None
        assert bed.occupied_by_episode_id == world.episode.id

    def test_no_bed_is_refused_with_the_emergency_department_recorded(
        self, client: TestClient, session: Session
    ) -> None:
        world = make_world(session, beds=0)

        refused = self.act(client, session, world)
        alert = client.get(
            f"/api/v1/alerts/{refused.json()['alert']['id']}", headers=world.headers(session)
        ).json()
        via_ed = client.post(
            f"/api/v1/alerts/{alert['id']}/action",
            json={
                "action": "direct_admission",
                "ward_unit_id": str(world.ward.id),
                "use_reserved_bed": False,
            },
            headers=world.headers(session),
        )

        assert refused.status_code == 409
        assert refused.json()["alternative"] == "emergency_department"
        assert "no reserved bed" in refused.json()["detail"]
        assert alert["admission"]["outcome"] == "refused"
        assert alert["admission"]["alternative"] == "emergency_department"
        assert alert["status"] == "acknowledged"  # somebody is on it: no escalation
        assert via_ed.status_code == 200, via_ed.text
        assert via_ed.json()["admission"]["route"] == "emergency_department"

    def test_two_patients_one_bed(self, client: TestClient, session: Session, world: World) -> None:
        # another clinic's patient, admitted to the same ward's last bed
        second = make_world(session, beds=0)

        first = self.act(client, session, world)
        other = self.act(client, session, second, ward_unit_id=str(world.ward.id))

        assert first.status_code == 200
        assert other.status_code == 409

    def test_a_nurse_of_another_organisation_cannot_admit(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        send(client, session, world, HIGH)
        alert = one_alert(session, world)

        response = client.post(
            f"/api/v1/alerts/{alert.id}/action",
            json={"action": "direct_admission", "ward_unit_id": str(world.ward.id)},
            headers=world.headers(session, "outsider"),
        )

        assert response.status_code == 404
        session.expire_all()
        assert session.get(Episode, world.episode.id).state == "at_home"  # type: ignore[union-attr]


class TestPeriodic:
    def test_run_checks_in_transactions_of_their_own(
        self,
        client: TestClient,
        session: Session,
        world: World,
        session_factory: sessionmaker[Session],
    ) -> None:
        send(client, session, world, HIGH)
        start = one_alert(session, world).created_at

        result = periodic.run_checks(session_factory, start + timedelta(minutes=16))

        assert (result.escalated, result.errors) == (1, [])

    def test_a_failing_check_is_reported_not_raised(
        self, session_factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        def broken(*_: Any) -> list[Any]:
            raise RuntimeError("database went away")

        monkeypatch.setattr(periodic.service, "check_missed", broken)

        result = periodic.run_checks(session_factory, utcnow())

        assert result.errors == ["missed measurements: database went away"]

    def test_the_background_task_is_off_in_tests(self) -> None:
        assert get_settings().alert_tick_seconds == 0


class TestCommand:
    def test_alerts_tick_from_cron(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        from samband.cli import app

        monkeypatch.setenv("SAMBAND_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
        get_settings.cache_clear()
        runner = CliRunner()
        try:
            assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
            result = runner.invoke(app, ["alerts", "tick", "--now", "2030-03-06T09:45:00+01:00"])
            naive = runner.invoke(app, ["alerts", "tick", "--now", "2030-03-06T09:45:00"])
        finally:
            get_settings.cache_clear()

        assert result.exit_code == 0, result.output
        answer = json.loads(result.output)
        assert (answer["missed"], answer["escalated"], answer["errors"]) == (0, 0, [])
        assert naive.exit_code == 1
        assert "time zone" in naive.output
