"""The palliative API: recording ESAS-r (rules, bad input, access), the expected death from
the physician's decision to the follow-up conversation, ending the episode through its own
death registration."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from samband.models import Alert, AuditEvent, Episode, EpisodeEvent
from samband.models.palliative import ExpectedDeath, SymptomAssessment
from tests.factories import auth
from tests.palliative.helpers import World, build, iso, local, pin, scores

NOW = local(2026, 3, 4, 10)


@pytest.fixture
def world(session: Session, monkeypatch: pytest.MonkeyPatch) -> World:
    pin(monkeypatch, NOW)
    return build(session)


def url(world: World) -> str:
    return f"/api/v1/episodes/{world.episode.id}/symptom-assessments"


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(SymptomAssessment)) or 0


class TestRecording:
    def test_an_assistant_nurse_of_home_health_care_records_one(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        answer = client.post(
            url(world),
            json={**scores(pain=4), "other_problem": "Klåda", "other_score": 3},
            headers=auth(session, world.assistant),
        )
        assert answer.status_code == 201, answer.text
        body = answer.json()
        assert body["total"] == 20
        assert body["assessed_by"] == "staff_assisted"
        assert body["other_problem"] == "Klåda"
        assert body["other_score"] == 3
        assert body["recorded_by_id"] == str(world.assistant.id)

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"pain": 11}, "pain"),
            ({"nausea": -1}, "nausea"),
            ({"wellbeing": "bra"}, "wellbeing"),
            ({"assessed_by": "neighbour"}, "assessed_by"),
            ({"other_score": 4}, "other_score"),
        ],
    )
    def test_bad_input_names_the_field_and_writes_nothing(
        self, client: TestClient, session: Session, world: World, change: dict, field: str
    ) -> None:
        answer = client.post(
            url(world), json={**scores(), **change}, headers=auth(session, world.nurse)
        )
        assert answer.status_code == 422, answer.text
        assert field in answer.text
        assert count(session) == 0

    def test_a_missing_item_is_refused(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        body = scores()
        del body["anxiety"]
        answer = client.post(url(world), json=body, headers=auth(session, world.nurse))
        assert answer.status_code == 422
        assert "anxiety" in answer.text

    def test_a_time_in_the_future_is_refused(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        answer = client.post(
            url(world),
            json={**scores(), "assessed_at": iso(NOW + timedelta(hours=2))},
            headers=auth(session, world.nurse),
        )
        assert answer.status_code == 422, answer.text
        assert answer.json()["field"] == "assessed_at"
        assert count(session) == 0

    def test_an_outsider_gets_404_and_a_refused_log_row(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        answer = client.post(url(world), json=scores(), headers=auth(session, world.outsider))
        assert answer.status_code == 404
        assert count(session) == 0
        refused = session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(
                AuditEvent.user_id == world.outsider.id,
                AuditEvent.patient_id == world.patient.id,
                AuditEvent.allowed.is_(False),
            )
        )
        assert refused
        trend = client.get(f"{url(world)}/trend", headers=auth(session, world.outsider))
        assert trend.status_code == 404

    def test_entered_in_error_leaves_the_trend(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        made = [
            client.post(
                url(world),
                json={**scores(pain=p), "assessed_at": iso(NOW - timedelta(hours=5 - p))},
                headers=auth(session, world.nurse),
            ).json()
            for p in (1, 2, 3)
        ]
        wrong = client.post(
            f"/api/v1/symptom-assessments/{made[1]['id']}/entered-in-error",
            json={"reason": "Fel patient"},
            headers=auth(session, world.nurse),
        )
        assert wrong.status_code == 200, wrong.text
        assert wrong.json()["status"] == "entered_in_error"
        trend = client.get(f"{url(world)}/trend", headers=auth(session, world.nurse)).json()
        assert [p["value"] for p in trend["items"]["pain"]] == [1, 3]
        again = client.post(
            f"/api/v1/symptom-assessments/{made[1]['id']}/entered-in-error",
            json={"reason": "igen"},
            headers=auth(session, world.nurse),
        )
        assert again.status_code == 409

    def test_pain_up_3_and_the_total_raise_one_alert_that_takes_the_higher_severity(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        first = client.post(
            url(world),
            json={**scores(pain=1), "assessed_at": iso(NOW - timedelta(hours=3))},
            headers=auth(session, world.nurse),
        ).json()
        assert first["alert_ids"] == []
        rise = client.post(
            url(world),
            json={**scores(pain=4), "assessed_at": iso(NOW - timedelta(hours=2))},
            headers=auth(session, world.nurse),
        ).json()
        assert len(rise["alert_ids"]) == 1
        alert = session.get(Alert, uuid.UUID(rise["alert_ids"][0]))
        assert alert is not None
        assert alert.severity == "medium"
        heavy = client.post(
            url(world),
            json={
                **scores(
                    pain=5,
                    tiredness=6,
                    anxiety=6,
                    wellbeing=6,
                    depression=6,
                    nausea=5,
                    drowsiness=5,
                )
            },
            headers=auth(session, world.nurse),
        ).json()
        assert heavy["total"] >= 40
        assert heavy["alert_ids"] == rise["alert_ids"]  # one active alert per kind
        session.refresh(alert)
        assert alert.severity == "high"

    def test_no_alert_before_the_patient_is_at_home(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        world.episode.state = "planned"
        session.flush()
        answer = client.post(url(world), json=scores(anxiety=9), headers=auth(session, world.nurse))
        assert answer.status_code == 201
        assert answer.json()["alert_ids"] == []


def ed(world: World) -> str:
    return f"/api/v1/episodes/{world.episode.id}/expected-death"


DECISION = {
    "no_resuscitation": True,
    "no_hospital_transfer": True,
    "conversation_on": "2026-03-03",
    "conversation_with": "Patienten och dottern Eva",
}


class TestExpectedDeath:
    def test_only_a_physician_decides(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        answer = client.post(ed(world), json=DECISION, headers=auth(session, world.asih_nurse))
        assert answer.status_code == 403, answer.text
        assert session.scalar(select(func.count()).select_from(ExpectedDeath)) == 0
        assert client.get(ed(world), headers=auth(session, world.nurse)).status_code == 404

    def test_death_needs_the_decision_first(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        answer = client.post(
            f"{ed(world)}/death",
            json={"died_at": iso(NOW - timedelta(minutes=30))},
            headers=auth(session, world.asih_nurse),
        )
        assert answer.status_code == 409
        assert session.get(Episode, world.episode.id).state == "at_home"  # type: ignore[union-attr]

    def test_decision_death_by_a_nurse_physician_confirms_followup(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        decided = client.post(ed(world), json=DECISION, headers=auth(session, world.physician))
        assert decided.status_code == 201, decided.text
        assert decided.json()["decided_by_name"] == world.physician.full_name
        events = session.scalars(
            select(EpisodeEvent.kind).where(EpisodeEvent.episode_id == world.episode.id)
        ).all()
        assert "palliative.expected_death" in events

        unknown = client.post(
            f"{ed(world)}/death",
            json={"died_at": iso(NOW - timedelta(minutes=30)), "care_after_death": {"x": True}},
            headers=auth(session, world.asih_nurse),
        )
        assert unknown.status_code == 422
        assert unknown.json()["field"] == "care_after_death"

        died = client.post(
            f"{ed(world)}/death",
            json={
                "died_at": iso(NOW - timedelta(minutes=30)),
                "care_after_death": {"id_band": True, "pacemaker_checked": True},
                "relatives_present": True,
            },
            headers=auth(session, world.asih_nurse),
        )
        assert died.status_code == 200, died.text
        body = died.json()
        assert body["confirmed_by_role"] == "registered_nurse"
        assert body["physician_confirmed_at"] is None
        assert body["care_after_death"]["id_band"] is True
        assert body["care_after_death"]["undertaker_contacted"] is False
        # the episode ended through its own death registration
        episode = session.get(Episode, world.episode.id)
        assert episode is not None
        session.refresh(episode)
        assert episode.state == "deceased"
        transition = session.scalar(
            select(EpisodeEvent).where(
                EpisodeEvent.episode_id == world.episode.id, EpisodeEvent.to_state == "deceased"
            )
        )
        assert transition is not None
        assert transition.data.get("death_expected") is True

        # ESAS-r can no longer be recorded
        closed = client.post(url(world), json=scores(), headers=auth(session, world.nurse))
        assert closed.status_code == 409

        nurse_confirms = client.post(
            f"{ed(world)}/physician-confirmation", headers=auth(session, world.asih_nurse)
        )
        assert nurse_confirms.status_code == 403
        confirmed = client.post(
            f"{ed(world)}/physician-confirmation", headers=auth(session, world.physician)
        )
        assert confirmed.status_code == 200, confirmed.text
        assert confirmed.json()["physician_confirmed_by_id"] == str(world.physician.id)

        held_early = client.post(
            f"{ed(world)}/followup/held", headers=auth(session, world.asih_nurse)
        )
        assert held_early.status_code == 409
        planned = client.post(
            f"{ed(world)}/followup",
            json={"on": "2026-04-01", "by": "Kurator Karin"},
            headers=auth(session, world.asih_nurse),
        )
        assert planned.status_code == 200, planned.text
        assert planned.json()["followup_on"] == "2026-04-01"
        held = client.post(f"{ed(world)}/followup/held", headers=auth(session, world.asih_nurse))
        assert held.status_code == 200
        assert held.json()["followup_held_at"] is not None
        read = client.get(ed(world), headers=auth(session, world.physician)).json()
        assert [h["event"] for h in read["history"]] == [
            "decided",
            "died",
            "physician_confirmed",
            "followup_planned",
            "followup_held",
        ]
