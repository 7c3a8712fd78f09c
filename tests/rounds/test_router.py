from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.careplans.service import template_content
from samband.kit.time import local_today, utcnow
from samband.models import (
    AuditEvent,
    Episode,
    EpisodeEvent,
    Organisation,
    Patient,
    ReservedBed,
    RoundNote,
    Unit,
    User,
)
from tests.factories import (
    auth,
    make_episode,
    make_episode_at_home,
    make_municipality,
    make_organisation,
    make_patient,
    make_unit,
    make_user,
)

CRITERIA = template_content("opat").discharge_criteria


@dataclass
class World:
    clinic: Organisation
    ward: Unit
    municipality: Organisation
    physician: User
    nurse: User
    municipal_nurse: User
    outsider: User
    auditor: User
    patient: Patient
    episode: Episode


@pytest.fixture
def world(session: Session) -> World:
    clinic = make_organisation(session, kind="hospital_clinic")
    ward = make_unit(session, clinic, beds=1)
    municipality = make_municipality(session)
    physician = make_user(session, clinic, role="physician", unit=ward)
    nurse = make_user(session, clinic, role="registered_nurse", unit=ward)
    patient = make_patient(session, given_name="Kim", family_name="Sandberg")
    episode = make_episode_at_home(
        session,
        patient,
        unit=ward,
        since=utcnow() - timedelta(days=2),
        home_care=municipality,
        plan_by=nurse,
        acknowledged_by=["patient"],
        physician=physician,
        care_contact=nurse,
    )
    return World(
        clinic=clinic,
        ward=ward,
        municipality=municipality,
        physician=physician,
        nurse=nurse,
        municipal_nurse=make_user(session, municipality, role="registered_nurse"),
        outsider=make_user(session, make_organisation(session, kind="hospital_clinic")),
        auditor=make_user(session, clinic, role="auditor"),
        patient=patient,
        episode=episode,
    )


def _open(client: TestClient, session: Session, w: World, user: User | None = None) -> Any:
    return client.get(
        "/api/v1/rounds",
        params={"unit_id": str(w.ward.id), "date": local_today().isoformat()},
        headers=auth(session, user or w.nurse),
    )


def _note(w: World, **extra: Any) -> dict[str, Any]:
    return {
        "episode_id": str(w.episode.id),
        "situation": "Day 3 of IV cefotaxime, feels better",
        "assessment": "Afebrile since yesterday, CRP falling",
        "decision": "continue",
        "participants": [
            {"role": "physician", "name": "Dr Ek", "present_by": "video"},
            {"role": "home_health_nurse", "name": "Anna", "present_by": "on_site"},
            {"role": "patient", "present_by": "on_site"},
        ],
        "criteria_met": [CRITERIA[1]],
        **extra,
    }


def _post_note(
    client: TestClient, session: Session, w: World, user: User, **extra: Any
) -> tuple[str, Any]:
    round_id = _open(client, session, w).json()["round"]["id"]
    response = client.post(
        f"/api/v1/rounds/{round_id}/notes", json=_note(w, **extra), headers=auth(session, user)
    )
    return round_id, response


def _denied(session: Session, user: User) -> list[AuditEvent]:
    return list(
        session.scalars(
            select(AuditEvent).where(AuditEvent.user_id == user.id, AuditEvent.allowed.is_(False))
        )
    )


class TestOpenRound:
    def test_made_once_per_unit_and_day_with_the_patients_at_home(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        first = _open(client, session, world)
        assert first.status_code == 200, first.text
        body = first.json()
        assert body["round"]["day"] == local_today().isoformat()
        assert body["round"]["unit_name"] == world.ward.name
        [row] = body["patients"]
        assert row["patient_name"] == "Kim Sandberg"
        assert row["episode_day"] == 3
        assert row["care_contact"]["id"] == str(world.nurse.id)
        assert [c["criterion"] for c in row["discharge_criteria"]] == CRITERIA
        assert not any(c["met"] for c in row["discharge_criteria"])
        assert row["latest_note"] is None
        # nothing measured yet: shown, and empty (not hidden)
        assert row["monitoring_shown"] is True
        assert (row["news2_trend"], row["latest_set"], row["latest_self_report"]) == (
            [],
            None,
            None,
        )
        assert row["open_alerts"]["total"] == 0
        assert _open(client, session, world).json()["round"]["id"] == body["round"]["id"]
        again = client.get(
            f"/api/v1/rounds/{body['round']['id']}", headers=auth(session, world.physician)
        )
        assert again.json()["patients"][0]["episode_id"] == str(world.episode.id)
        listed = session.scalars(
            select(AuditEvent).where(
                AuditEvent.patient_id == world.patient.id,
                AuditEvent.resource_type == "round",
                AuditEvent.action == "list",
            )
        ).all()
        assert len(listed) == 3

    def test_patients_not_at_home_or_of_other_units_are_not_listed(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        make_episode(session, make_patient(session, given_name="Kandidat"), unit=world.ward)
        other_ward = make_unit(session, world.clinic)
        make_episode(
            session, make_patient(session, given_name="Annan"), unit=other_ward, state="at_home"
        )
        names = [p["patient_name"] for p in _open(client, session, world).json()["patients"]]
        assert names == ["Kim Sandberg"]

    def test_a_sharing_municipality_sees_only_its_own_patients(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        make_episode(
            session, make_patient(session, given_name="Hidden"), unit=world.ward, state="at_home"
        )
        response = _open(client, session, world, world.municipal_nurse)
        assert response.status_code == 200
        assert [p["patient_name"] for p in response.json()["patients"]] == ["Kim Sandberg"]

    def test_an_unrelated_organisation_gets_404_and_the_attempt_is_logged(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        round_id = _open(client, session, world).json()["round"]["id"]
        assert _open(client, session, world, world.outsider).status_code == 404
        response = client.get(f"/api/v1/rounds/{round_id}", headers=auth(session, world.outsider))
        assert response.status_code == 404
        assert "Kim" not in response.text
        assert len(_denied(session, world.outsider)) == 2

    def test_an_auditor_may_not(self, client: TestClient, session: Session, world: World) -> None:
        assert _open(client, session, world, world.auditor).status_code == 403
        round_id = _open(client, session, world).json()["round"]["id"]
        response = client.get(f"/api/v1/rounds/{round_id}", headers=auth(session, world.auditor))
        assert response.status_code == 403

    def test_only_hospital_units_hold_rounds(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        unit = make_unit(session, world.municipality)
        response = client.get(
            "/api/v1/rounds",
            params={"unit_id": str(unit.id)},
            headers=auth(session, world.municipal_nurse),
        )
        assert response.status_code == 422
        assert response.json()["field"] == "unit_id"

    def test_an_unknown_unit_is_404(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        response = client.get(
            "/api/v1/rounds",
            params={"unit_id": "00000000-0000-4000-8000-000000000000"},
            headers=auth(session, world.nurse),
        )
        assert response.status_code == 404


class TestVideoLink:
    def test_set_and_removed(self, client: TestClient, session: Session, world: World) -> None:
        round_id = _open(client, session, world).json()["round"]["id"]
        url = "https://video.example.se/rond-11"
        response = client.patch(
            f"/api/v1/rounds/{round_id}",
            json={"video_url": url},
            headers=auth(session, world.nurse),
        )
        assert response.status_code == 200, response.text
        assert response.json()["video_url"] == url
        assert _open(client, session, world).json()["round"]["video_url"] == url
        cleared = client.patch(
            f"/api/v1/rounds/{round_id}",
            json={"video_url": None},
            headers=auth(session, world.nurse),
        )
        assert cleared.json()["video_url"] is None

    def test_not_a_link_is_422(self, client: TestClient, session: Session, world: World) -> None:
        round_id = _open(client, session, world).json()["round"]["id"]
        response = client.patch(
            f"/api/v1/rounds/{round_id}",
            json={"video_url": "javascript:alert(1)"},
            headers=auth(session, world.nurse),
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "video_url"

    @pytest.mark.parametrize(("who", "status"), [("outsider", 404), ("auditor", 403)])
    def test_forbidden(
        self, client: TestClient, session: Session, world: World, who: str, status: int
    ) -> None:
        round_id = _open(client, session, world).json()["round"]["id"]
        response = client.patch(
            f"/api/v1/rounds/{round_id}",
            json={"video_url": "https://evil.example"},
            headers=auth(session, getattr(world, who)),
        )
        assert response.status_code == status


class TestNotes:
    def test_continue_records_the_note_and_the_criteria(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        round_id, response = _post_note(client, session, world, world.municipal_nurse)
        assert response.status_code == 201, response.text
        note = response.json()
        assert note["decision"] == "continue"
        assert note["transition_to"] is None
        assert note["criteria_met"] == [CRITERIA[1]]
        assert note["plan_version"] == 1
        assert note["participants"][2] == {"role": "patient", "name": None, "present_by": "on_site"}
        session.refresh(world.episode)
        assert world.episode.state == "at_home"
        event = session.scalars(
            select(EpisodeEvent).where(
                EpisodeEvent.episode_id == world.episode.id, EpisodeEvent.kind == "round.note"
            )
        ).one()
        assert event.data["decision"] == "continue"
        [row] = client.get(f"/api/v1/rounds/{round_id}", headers=auth(session, world.nurse)).json()[
            "patients"
        ]
        assert [c["met"] for c in row["discharge_criteria"]] == [False, True, False]
        assert row["latest_note"]["id"] == note["id"]

    def test_discharge_by_the_physician_discharges(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        round_id, response = _post_note(
            client,
            session,
            world,
            world.physician,
            decision="discharge",
            decision_note="All criteria met",
            criteria_met=CRITERIA,
        )
        assert response.status_code == 201, response.text
        assert response.json()["transition_to"] == "discharged"
        session.refresh(world.episode)
        assert world.episode.state == "discharged"
        assert world.episode.end_reason is not None
        assert "All criteria met" in world.episode.end_reason
        # decided on today, so still on today's list
        [row] = client.get(f"/api/v1/rounds/{round_id}", headers=auth(session, world.nurse)).json()[
            "patients"
        ]
        assert row["state"] == "discharged"

    def test_discharge_by_a_nurse_is_403_and_saves_nothing(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        _, response = _post_note(client, session, world, world.nurse, decision="discharge")
        assert response.status_code == 403
        assert "physician" in response.json()["detail"]
        session.refresh(world.episode)
        assert world.episode.state == "at_home"
        assert session.scalars(select(RoundNote)).all() == []
        assert (
            session.scalars(
                select(EpisodeEvent).where(EpisodeEvent.episode_id == world.episode.id)
            ).all()
            == []
        )

    def test_readmit_takes_the_reserved_bed(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        _, response = _post_note(
            client,
            session,
            world,
            world.nurse,
            decision="readmit",
            decision_note="Fever again, CRP rising",
            criteria_met=[],
            ward_unit_id=str(world.ward.id),
        )
        assert response.status_code == 201, response.text
        session.refresh(world.episode)
        assert world.episode.state == "readmitted"
        bed = session.scalars(select(ReservedBed).where(ReservedBed.unit_id == world.ward.id)).one()
        assert bed.occupied_by_episode_id == world.episode.id

    def test_readmit_without_a_free_bed_is_409_and_saves_nothing(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        full = make_unit(session, world.clinic, beds=0)
        _, response = _post_note(
            client, session, world, world.nurse, decision="readmit", ward_unit_id=str(full.id)
        )
        assert response.status_code == 409
        assert "emergency department" in response.json()["detail"]
        session.refresh(world.episode)
        assert world.episode.state == "at_home"
        assert session.scalars(select(RoundNote)).all() == []

    def test_readmit_needs_a_ward(self, client: TestClient, session: Session, world: World) -> None:
        _, response = _post_note(client, session, world, world.nurse, decision="readmit")
        assert response.status_code == 422
        assert response.json()["field"] == "ward_unit_id"

    def test_change_plan_is_recorded_without_a_transition(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        _, response = _post_note(client, session, world, world.physician, decision="change_plan")
        assert response.status_code == 201
        session.refresh(world.episode)
        assert world.episode.state == "at_home"

    def test_unknown_criteria_and_missing_fields_are_422(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        _, response = _post_note(client, session, world, world.nurse, criteria_met=["Feels fine"])
        assert response.status_code == 422
        assert response.json()["field"] == "criteria_met"
        _, response = _post_note(client, session, world, world.nurse, situation="", participants=[])
        assert response.status_code == 422
        fields = {e["field"] for e in response.json()["errors"]}
        assert fields == {"situation", "participants"}

    def test_an_episode_of_another_unit_is_422(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        other = make_episode(
            session,
            make_patient(session, registered_by=world.nurse),
            unit=make_unit(session, world.clinic),
            state="at_home",
        )
        _, response = _post_note(
            client, session, world, world.nurse, episode_id=str(other.id), criteria_met=[]
        )
        assert response.status_code == 422
        assert response.json()["field"] == "episode_id"

    @pytest.mark.parametrize(("who", "status"), [("outsider", 404), ("auditor", 403)])
    def test_forbidden(
        self, client: TestClient, session: Session, world: World, who: str, status: int
    ) -> None:
        _, response = _post_note(client, session, world, getattr(world, who))
        assert response.status_code == status
        assert session.scalars(select(RoundNote)).all() == []


class TestNotesOfAnEpisode:
    def test_newest_first(self, client: TestClient, session: Session, world: World) -> None:
        _post_note(client, session, world, world.nurse)
        _post_note(client, session, world, world.physician, decision="change_plan")
        response = client.get(
            "/api/v1/round-notes",
            params={"episode_id": str(world.episode.id)},
            headers=auth(session, world.municipal_nurse),
        )
        assert response.status_code == 200
        notes = response.json()
        assert [n["decision"] for n in notes] == ["change_plan", "continue"]
        assert notes[0]["created_by_name"] == world.physician.full_name
        assert notes[0]["round_day"] == local_today().isoformat()

    @pytest.mark.parametrize(("who", "status"), [("outsider", 404), ("auditor", 403)])
    def test_forbidden(
        self, client: TestClient, session: Session, world: World, who: str, status: int
    ) -> None:
        _post_note(client, session, world, world.nurse)
        response = client.get(
            "/api/v1/round-notes",
            params={"episode_id": str(world.episode.id)},
            headers=auth(session, getattr(world, who)),
        )
        assert response.status_code == status
        assert "Day 3" not in response.text
