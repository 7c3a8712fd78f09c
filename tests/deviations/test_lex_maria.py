"""The Lex Maria flag (issue 14): it tells the concerned organisation's responsible person
(chief physician in a region, MAS in a municipality); with nobody registered the flag shows
with a warning; the decision about reporting to IVO is recorded. The responsible role is set
by an administrator."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.kit.time import local_today
from samband.models import AuditEvent, Notification, User
from tests.deviations.helpers import World, build, report_body
from tests.factories import auth, make_organisation, make_user

URL = "/api/v1/deviations"


def notes(session: Session, user: User, kind: str) -> list[Notification]:
    return list(
        session.scalars(
            select(Notification).where(Notification.user_id == user.id, Notification.kind == kind)
        )
    )


def report(client: TestClient, session: Session, world: World, **fields: Any) -> dict[str, Any]:
    answer = client.post(
        URL, json=report_body(world, **fields), headers=auth(session, world.home_nurse)
    )
    assert answer.status_code == 201, answer.text
    found: dict[str, Any] = answer.json()
    return found


class TestFlag:
    def test_flagged_when_reported_tells_the_concerned_organisations_chief_physician(
        self, client: TestClient, session: Session
    ) -> None:
        world = build(session)

        found = report(
            client,
            session,
            world,
            consequence="severe",
            lex_maria=True,
            lex_maria_reason="Utebliven antibiotikados, sepsisrisk.",
        )

        flag = found["lex_maria"]
        assert flag["flagged"] is True
        assert flag["reason"] == "Utebliven antibiotikados, sepsisrisk."
        assert flag["flagged_by"]["user_id"] == str(world.home_nurse.id)
        assert [p["user_id"] for p in flag["responsible"]] == [str(world.chief_physician.id)]
        assert flag["no_responsible"] is False
        assert notes(session, world.chief_physician, "deviation_lex_maria")
        assert not notes(session, world.mas, "deviation_lex_maria")  # not the concerned org

    def test_the_investigator_flags_later(self, client: TestClient, session: Session) -> None:
        world = build(session)
        found = report(client, session, world)

        answer = client.post(
            f"{URL}/{found['id']}/lex-maria",
            json={"reason": "Risk för allvarlig vårdskada."},
            headers=auth(session, world.clinic_nurse),
        )

        assert answer.status_code == 200, answer.text
        assert answer.json()["lex_maria"]["flagged_by"]["user_id"] == str(world.clinic_nurse.id)
        assert notes(session, world.chief_physician, "deviation_lex_maria")
        again = client.post(
            f"{URL}/{found['id']}/lex-maria",
            json={"reason": "Igen"},
            headers=auth(session, world.clinic_nurse),
        )
        assert again.status_code == 409
        assert again.json()["code"] == "deviation.lex_maria_already"

    def test_with_nobody_responsible_the_flag_shows_with_a_warning(
        self, client: TestClient, session: Session
    ) -> None:
        world = build(session, responsible=False)

        found = report(client, session, world, lex_maria=True, lex_maria_reason="Allvarligt")

        assert found["lex_maria"]["flagged"] is True
        assert found["lex_maria"]["no_responsible"] is True
        assert found["lex_maria"]["responsible"] == []
        flagged = [h for h in found["history"] if h["event"] == "lex_maria_flagged"]
        assert flagged[0]["no_responsible"] is True
        listed = client.get(
            URL, params={"lex_maria": "true"}, headers=auth(session, world.clinic_nurse)
        )
        assert [d["id"] for d in listed.json()["items"]] == [found["id"]]
        assert listed.json()["items"][0]["lex_maria"]["no_responsible"] is True


class TestDecision:
    def test_reported_to_ivo_on_a_date(self, client: TestClient, session: Session) -> None:
        world = build(session)
        found = report(client, session, world, lex_maria=True, lex_maria_reason="Allvarligt")
        day = (local_today() - timedelta(days=1)).isoformat()

        answer = client.post(
            f"{URL}/{found['id']}/lex-maria/decision",
            json={"decision": "reported", "reported_on": day},
            headers=auth(session, world.chief_physician),
        )

        assert answer.status_code == 200, answer.text
        flag = answer.json()["lex_maria"]
        assert (flag["decision"], flag["reported_on"]) == ("reported", day)
        assert flag["decided_by"]["user_id"] == str(world.chief_physician.id)

    def test_not_reported_needs_the_reason(self, client: TestClient, session: Session) -> None:
        world = build(session)
        found = report(client, session, world, lex_maria=True, lex_maria_reason="Allvarligt")
        path = f"{URL}/{found['id']}/lex-maria/decision"

        missing = client.post(
            path, json={"decision": "not_reported"}, headers=auth(session, world.clinic_nurse)
        )
        assert missing.status_code == 422
        assert "reason" in missing.text
        done = client.post(
            path,
            json={"decision": "not_reported", "reason": "Ingen vårdskada uppstod."},
            headers=auth(session, world.clinic_nurse),
        )
        assert done.status_code == 200
        assert done.json()["lex_maria"]["decision_reason"] == "Ingen vårdskada uppstod."
        twice = client.post(
            path,
            json={"decision": "reported", "reported_on": local_today().isoformat()},
            headers=auth(session, world.clinic_nurse),
        )
        assert twice.status_code == 409
        assert twice.json()["code"] == "deviation.lex_maria_decided"

    @pytest.mark.parametrize(
        ("body", "status", "code"),
        [
            ({"decision": "reported"}, 422, "deviation.reported_on_missing"),
            (
                {"decision": "reported", "reported_on": "2999-01-01"},
                422,
                "deviation.reported_on_future",
            ),
        ],
    )
    def test_bad_decisions(
        self,
        client: TestClient,
        session: Session,
        body: dict[str, Any],
        status: int,
        code: str,
    ) -> None:
        world = build(session)
        found = report(client, session, world, lex_maria=True, lex_maria_reason="Allvarligt")

        answer = client.post(
            f"{URL}/{found['id']}/lex-maria/decision",
            json=body,
            headers=auth(session, world.clinic_nurse),
        )

        assert answer.status_code == status
        assert code in answer.text

    def test_a_decision_needs_the_flag_and_the_concerned_organisation(
        self, client: TestClient, session: Session
    ) -> None:
        world = build(session)
        found = report(client, session, world)
        path = f"{URL}/{found['id']}/lex-maria/decision"
        body = {"decision": "not_reported", "reason": "Nej"}

        unflagged = client.post(path, json=body, headers=auth(session, world.clinic_nurse))
        assert unflagged.status_code == 409
        assert unflagged.json()["code"] == "deviation.lex_maria_not_flagged"
        reporter = client.post(path, json=body, headers=auth(session, world.mas))
        assert reporter.status_code == 403


class TestResponsibleRole:
    def test_an_administrator_sets_mas_in_a_municipality(
        self, client: TestClient, session: Session
    ) -> None:
        world = build(session, responsible=False)
        admin = make_user(session, world.municipality, role="administrator")

        answer = client.put(
            f"/api/v1/users/{world.mas.id}/patient-safety-role",
            json={"role": "mas"},
            headers=auth(session, admin),
        )

        assert answer.status_code == 200, answer.text
        assert answer.json() == {"user_id": str(world.mas.id), "role": "mas"}
        session.refresh(world.mas)
        assert world.mas.patient_safety_role == "mas"
        logged = session.scalar(
            select(AuditEvent).where(
                AuditEvent.user_id == admin.id, AuditEvent.action == "user_update"
            )
        )
        assert logged is not None
        assert "patient_safety_role" in (logged.reason or "")
        cleared = client.put(
            f"/api/v1/users/{world.mas.id}/patient-safety-role",
            json={"role": None},
            headers=auth(session, admin),
        )
        assert cleared.json()["role"] is None

    def test_a_chief_physician_belongs_to_a_region(
        self, client: TestClient, session: Session
    ) -> None:
        world = build(session, responsible=False)
        admin = make_user(session, world.municipality, role="administrator")

        answer = client.put(
            f"/api/v1/users/{world.mas.id}/patient-safety-role",
            json={"role": "chief_physician"},
            headers=auth(session, admin),
        )

        assert answer.status_code == 422
        assert answer.json()["code"] == "deviation.safety_role_authority"
        session.refresh(world.mas)
        assert world.mas.patient_safety_role is None

    def test_only_an_administrator_of_the_care_provider(
        self, client: TestClient, session: Session
    ) -> None:
        world = build(session, responsible=False)
        other = make_organisation(
            session,
            kind="municipal_home_health_care",
            authority_kind="municipality",
            authority_name="Annan kommun",
        )
        stranger = make_user(session, other, role="administrator")
        path = f"/api/v1/users/{world.mas.id}/patient-safety-role"

        nurse = client.put(path, json={"role": "mas"}, headers=auth(session, world.home_nurse))
        assert nurse.status_code == 403
        foreign = client.put(path, json={"role": "mas"}, headers=auth(session, stranger))
        assert foreign.status_code == 404
        session.refresh(world.mas)
        assert world.mas.patient_safety_role is None
