"""The log's kinds (issue 14): enablers, unintended effects and patient stories next to
observations and barriers, with the fields each kind needs; refusals write nothing."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from samband.models import PilotLogEntry
from samband.pilots import service
from tests.factories import auth
from tests.pilots.support import World, count, ctx_of, make_pilot, make_world


@pytest.fixture
def world(session: Session) -> World:
    return make_world(session)


def post(client: TestClient, session: Session, user: Any, pilot_id: Any, **entry: Any) -> Any:
    body = {"occurred_on": "2030-02-01", "description": "x", **entry}
    return client.post(f"/api/v1/pilots/{pilot_id}/log", json=body, headers=auth(session, user))


class TestNewKinds:
    def test_each_kind_is_kept_with_its_fields(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        pilot = make_pilot(session, world, finished=False)
        sent = [
            {"kind": "enabler", "classification": "culture", "phase": "start"},
            {"kind": "barrier", "classification": "structure", "phase": "scale"},
            {"kind": "unintended_effect", "valence": "negative", "classification": "practice"},
            {"kind": "unintended_effect", "valence": "positive"},
            {
                "kind": "patient_story",
                "told_by": "next_of_kin",
                "description": "Hon fick vara hemma på julafton",
            },
            {"kind": "observation", "classification": "society"},
        ]

        answers = [post(client, session, world.partner, pilot.id, **e) for e in sent]

        assert [a.status_code for a in answers] == [201] * len(sent), [a.text for a in answers]
        read = client.get(f"/api/v1/pilots/{pilot.id}", headers=auth(session, world.nurse))
        log = read.json()["log"]
        kept = [
            (e["kind"], e["classification"], e["phase"], e["valence"], e["told_by"]) for e in log
        ]
        assert sorted(kept, key=str) == sorted(
            [
                ("enabler", "culture", "start", None, None),
                ("barrier", "structure", "scale", None, None),
                ("unintended_effect", "practice", None, "negative", None),
                ("unintended_effect", None, None, "positive", None),
                ("patient_story", None, None, None, "next_of_kin"),
                ("observation", "society", None, None, None),
            ],
            key=str,
        )

    def test_the_report_groups_the_log(self, session: Session, world: World) -> None:
        pilot = make_pilot(session, world, finished=False)
        ctx = ctx_of(session, world.nurse)
        from samband.pilots.schemas import LogEntryCreate

        for body in (
            {"kind": "enabler", "classification": "culture"},
            {"kind": "enabler", "classification": "culture"},
            {"kind": "barrier", "classification": "culture"},
            {"kind": "unintended_effect", "valence": "negative"},
            {"kind": "patient_story", "told_by": "patient"},
        ):
            service.add_log_entry(
                ctx,
                pilot.id,
                LogEntryCreate.model_validate(
                    {"occurred_on": "2030-02-01", "description": "x", **body}
                ),
            )

        report = service.report(ctx, pilot.id)

        assert len(report.enablers["culture"]) == 2
        assert len(report.barriers["culture"]) == 1
        assert report.enablers["structure"] == []
        assert [e.valence for e in report.unintended_effects] == ["negative"]
        assert [e.told_by for e in report.patient_stories] == ["patient"]
        assert report.observations == []


class TestRefusals:
    @pytest.mark.parametrize(
        ("entry", "field", "code"),
        [
            ({"kind": "enabler"}, "classification", "pilot.log.classification_missing"),
            ({"kind": "unintended_effect"}, "valence", "pilot.log.valence_missing"),
            ({"kind": "patient_story"}, "told_by", "pilot.log.told_by_missing"),
            (
                {"kind": "patient_story", "told_by": "patient", "classification": "culture"},
                "classification",
                "pilot.log.story_unclassified",
            ),
            (
                {"kind": "barrier", "classification": "culture", "valence": "positive"},
                "valence",
                "pilot.log.valence_only_effects",
            ),
            (
                {"kind": "observation", "classification": "culture", "phase": "start"},
                "phase",
                "pilot.log.phase_only_barriers",
            ),
            (
                {"kind": "enabler", "classification": "culture", "told_by": "staff"},
                "told_by",
                "pilot.log.told_by_only_stories",
            ),
            (
                {
                    "kind": "patient_story",
                    "told_by": "patient",
                    "description": "Anna 19121212-1212 ville hem",
                },
                "description",
                "pilot.log.identifier",
            ),
            (
                {
                    "kind": "barrier",
                    "classification": "practice",
                    "action_taken": "Ringde 121212-1212",
                },
                "action_taken",
                "pilot.log.identifier",
            ),
        ],
    )
    def test_missing_or_misplaced_fields_are_422_and_nothing_is_written(
        self,
        client: TestClient,
        session: Session,
        world: World,
        entry: dict[str, Any],
        field: str,
        code: str,
    ) -> None:
        pilot = make_pilot(session, world, finished=False)

        response = post(client, session, world.nurse, pilot.id, **entry)

        assert response.status_code == 422, response.text
        errors = response.json()["errors"]
        assert [e["code"] for e in errors] == [code]
        assert count(session, PilotLogEntry) == 0
        # a field's own check names the field, and so does a check across the entry's fields
        assert [e["field"] for e in errors] == [field]

    def test_an_unknown_kind_is_422(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        pilot = make_pilot(session, world, finished=False)

        response = post(client, session, world.nurse, pilot.id, kind="rumour")

        assert response.status_code == 422
        assert "kind" in response.text
        assert count(session, PilotLogEntry) == 0

    def test_a_long_kind_fits_the_column(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        """ "unintended_effect" is longer than the old String(12): PostgreSQL would refuse it."""
        pilot = make_pilot(session, world, finished=False)

        response = post(
            client, session, world.nurse, pilot.id, kind="unintended_effect", valence="negative"
        )

        assert response.status_code == 201, response.text
        session.expire_all()
        stored = session.get(PilotLogEntry, uuid.UUID(response.json()["id"]))
        assert stored is not None
        assert stored.kind == "unintended_effect"
