from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.kit.time import utcnow
from samband.models import (
    AuditEvent,
    CarePlan,
    CarePlanAcknowledgement,
    CarePlanVersion,
    CareRequest,
    Episode,
    EpisodeEvent,
    Organisation,
    Patient,
    ReservedBed,
    Unit,
    User,
)
from samband.pathways.definition import registry
from tests.factories import (
    auth,
    make_episode,
    make_municipality,
    make_organisation,
    make_patient,
    make_unit,
    make_user,
)

OPAT_ANSWERS = {c.key: True for c in registry()["opat"].eligibility}


@dataclass
class World:
    clinic: Organisation
    ward: Unit
    municipality: Organisation
    physician: User
    nurse: User
    pharmacist: User
    municipal_nurse: User
    outsider: User
    patient: Patient


@pytest.fixture
def world(session: Session) -> World:
    clinic = make_organisation(session, kind="hospital_clinic")
    ward = make_unit(session, clinic, beds=1)
    municipality = make_municipality(session)
    nurse = make_user(session, clinic, role="registered_nurse", unit=ward)
    return World(
        clinic=clinic,
        ward=ward,
        municipality=municipality,
        physician=make_user(session, clinic, role="physician", unit=ward),
        nurse=nurse,
        pharmacist=make_user(session, clinic, role="pharmacist"),
        municipal_nurse=make_user(session, municipality, role="registered_nurse"),
        outsider=make_user(session, make_organisation(session, kind="primary_care_centre")),
        patient=make_patient(session, registered_by=nurse),
    )


def _flag(client: TestClient, session: Session, w: World, **extra: object) -> dict:
    body = {
        "patient_id": str(w.patient.id),
        "pathway": "opat",
        "type": "early_supported_discharge",
        "responsible_unit_id": str(w.ward.id),
        "reason": "Stable on IV cefotaxime, wants to go home",
    } | extra
    response = client.post("/api/v1/episodes", json=body, headers=auth(session, w.nurse))
    assert response.status_code == 201, response.text
    return response.json()


def _move(client: TestClient, session: Session, user: User, episode_id: str, **body: object):
    return client.post(
        f"/api/v1/episodes/{episode_id}/transitions", json=body, headers=auth(session, user)
    )


def _plan_and_request(
    session: Session, episode_id: str, w: World, *, acknowledged: bool = True
) -> None:
    """What the care-plan and care-request domains would have made (written directly here)."""
    eid = uuid.UUID(episode_id)
    plan = CarePlan(episode_id=eid, current_version=1)
    session.add(plan)
    session.flush()
    version = CarePlanVersion(
        care_plan_id=plan.id,
        number=1,
        content={"goals": ["home"], "discharge_criteria": ["afebrile 48 h"]},
        created_by_id=w.nurse.id,
    )
    session.add(version)
    session.flush()
    if acknowledged:
        session.add(
            CarePlanAcknowledgement(
                version_id=version.id,
                party="patient",
                name="Kim",
                recorded_by_id=w.nurse.id,
                at=utcnow(),
            )
        )
    session.add(
        CareRequest(
            episode_id=eid,
            kind="home_health_care",
            from_organisation_id=w.clinic.id,
            to_organisation_id=w.municipality.id,
            state="accepted",
            created_by_id=w.nurse.id,
        )
    )
    session.flush()


class TestFlagCandidate:
    def test_creates_candidate_with_checklist_and_timeline(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        episode = _flag(client, session, world)
        assert episode["state"] == "candidate"
        assert episode["fhir_status"] == "planned"
        assert {p["role"] for p in episode["participants"]} == {"responsible"}
        checklist = client.get(
            f"/api/v1/episodes/{episode['id']}/checklist", headers=auth(session, world.nurse)
        ).json()
        assert [i["key"] for i in checklist] == [e.key for e in registry()["opat"].checklist]
        events = client.get(
            f"/api/v1/episodes/{episode['id']}/events", headers=auth(session, world.nurse)
        ).json()
        assert events[0]["to_state"] == "candidate"
        assert events[0]["reason"].startswith("Stable")

    def test_unknown_pathway_and_wrong_type_are_422(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        body = {
            "patient_id": str(world.patient.id),
            "pathway": "nope",
            "type": "early_supported_discharge",
            "responsible_unit_id": str(world.ward.id),
            "reason": "IV antibiotics",
        }
        response = client.post("/api/v1/episodes", json=body, headers=auth(session, world.nurse))
        assert response.status_code == 422
        assert "known: copd, heart-failure, opat, palliative" in response.json()["detail"]
        body |= {"pathway": "copd"}
        response = client.post("/api/v1/episodes", json=body, headers=auth(session, world.nurse))
        assert response.status_code == 422
        assert response.json()["field"] == "type"

    def test_a_second_open_episode_is_409(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        _flag(client, session, world)
        body = {
            "patient_id": str(world.patient.id),
            "pathway": "opat",
            "type": "early_supported_discharge",
            "responsible_unit_id": str(world.ward.id),
            "reason": "IV antibiotics",
        }
        response = client.post("/api/v1/episodes", json=body, headers=auth(session, world.nurse))
        assert response.status_code == 409

    def test_unrelated_organisation_cannot_flag_or_read(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        body = {
            "patient_id": str(world.patient.id),
            "pathway": "opat",
            "type": "early_supported_discharge",
            "responsible_unit_id": str(world.ward.id),
        }
        # flagging needs a written reason (it starts a care relationship, reviewed by the
        # auditor: docs/decisions/0010); without one nothing is created
        response = client.post("/api/v1/episodes", json=body, headers=auth(session, world.outsider))
        assert response.status_code == 422
        assert response.json()["field"] == "reason"
        episode = _flag(client, session, world)
        for path in ("", "/events", "/checklist"):
            got = client.get(
                f"/api/v1/episodes/{episode['id']}{path}", headers=auth(session, world.outsider)
            )
            assert got.status_code == 404, path
        listed = client.get("/api/v1/episodes", headers=auth(session, world.outsider)).json()
        assert listed["total"] == 0
        denied = session.scalars(
            select(AuditEvent).where(
                AuditEvent.user_id == world.outsider.id, AuditEvent.allowed.is_(False)
            )
        ).all()
        assert len(denied) == 4


class TestTransitions:
    def test_whole_flow_to_discharge(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        w = world
        eid = _flag(client, session, w)["id"]
        assert (
            _move(
                client, session, w.nurse, eid, to="assessed", eligible=True, answers=OPAT_ANSWERS
            ).status_code
            == 403
        )
        missing = _move(client, session, w.physician, eid, to="assessed", eligible=True, answers={})
        assert missing.status_code == 409
        (criteria,) = missing.json()["problems"]
        assert criteria["code"] == "assessment.criteria_missing"
        assert criteria["field"] == "answers"
        stable = next(c for c in registry()["opat"].eligibility if c.key == "clinically_stable")
        assert stable.text in criteria["params"]["missing"]
        ok = _move(
            client, session, w.physician, eid, to="assessed", eligible=True, answers=OPAT_ANSWERS
        )
        assert ok.status_code == 200, ok.text
        assert ok.json()["allowed_transitions"] == ["consented", "declined", "withdrawn"]
        assert (
            _move(
                client,
                session,
                w.nurse,
                eid,
                to="consented",
                patient_informed=True,
                patient_consents=True,
                next_of_kin_informed=True,
            ).status_code
            == 200
        )
        refused = _move(client, session, w.nurse, eid, to="planned")
        assert refused.status_code == 409
        assert len(refused.json()["reasons"]) == 3
        client.patch(
            f"/api/v1/episodes/{eid}",
            json={
                "responsible_physician_id": str(w.physician.id),
                "care_contact_id": str(w.nurse.id),
            },
            headers=auth(session, w.nurse),
        ).raise_for_status()
        _plan_and_request(session, eid, w)
        assert _move(client, session, w.nurse, eid, to="planned").status_code == 200
        blocked = _move(client, session, w.nurse, eid, to="at_home")
        assert blocked.status_code == 409
        assert "checklist item 'Medication list reconciled' not done" in blocked.json()["reasons"]
        body = blocked.json()
        assert body["code"] == "episode.transition_refused"
        assert body["params"]["target"] == "at_home"
        assert {
            "code": "checklist.item_not_done",
            "detail": "checklist item 'Medication list reconciled' not done",
            "params": {"item": "Medication list reconciled"},
        } in body["problems"]
        assert body["reasons"] == [p["detail"] for p in body["problems"]]
        for item in registry()["opat"].checklist:
            if item.blocking:
                signer = w.pharmacist if "pharmacist" in item.signer_roles else w.nurse
                signed = client.post(
                    f"/api/v1/episodes/{eid}/checklist/{item.key}/sign",
                    json={"note": "ok"},
                    headers=auth(session, signer),
                )
                assert signed.status_code == 200, (item.key, signed.text)
        home = _move(client, session, w.nurse, eid, to="at_home")
        assert home.status_code == 200, home.text
        assert home.json()["fhir_status"] == "active"
        assert _move(client, session, w.nurse, eid, to="discharged").status_code == 403
        done = _move(client, session, w.physician, eid, to="discharged", reason="criteria met")
        assert done.status_code == 200
        assert done.json()["ended_at"] is not None
        assert done.json()["allowed_transitions"] == []
        events = client.get(f"/api/v1/episodes/{eid}/events", headers=auth(session, w.nurse)).json()
        states = [e["to_state"] for e in events if e["kind"] == "transition"]
        assert states == ["candidate", "assessed", "consented", "planned", "at_home", "discharged"]

    def test_not_eligible_closes_the_episode(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        eid = _flag(client, session, world)["id"]
        answers = OPAT_ANSWERS | {"home_suitable": False}
        response = _move(
            client,
            session,
            world.physician,
            eid,
            to="assessed",
            eligible=False,
            answers=answers,
            reason="no running water at home",
        )
        assert response.status_code == 200
        assert response.json()["state"] == "not_eligible"
        again = _move(client, session, world.nurse, eid, to="withdrawn", reason="x")
        assert again.status_code == 409
        assert "none (the episode is closed)" in again.json()["detail"]
        assert again.json()["problems"][0]["code"] == "transition.from_closed"

    def test_refused_transition_changes_nothing_but_is_logged(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        eid = _flag(client, session, world)["id"]
        before = session.scalars(
            select(EpisodeEvent).where(EpisodeEvent.episode_id == uuid.UUID(eid))
        ).all()
        response = _move(client, session, world.nurse, eid, to="at_home")
        assert response.status_code == 409
        (refusal,) = response.json()["problems"]
        assert refusal["code"] == "transition.not_allowed"
        assert refusal["params"] == {
            "state": "candidate",
            "target": "at_home",
            "allowed": ["assessed", "not_eligible", "withdrawn"],
        }
        assert "allowed: Assessed, Not eligible, Withdrawn" in response.json()["detail"]
        session.expire_all()
        episode = session.get(Episode, uuid.UUID(eid))
        assert episode is not None
        assert episode.state == "candidate"
        after = session.scalars(
            select(EpisodeEvent).where(EpisodeEvent.episode_id == uuid.UUID(eid))
        ).all()
        assert len(after) == len(before)
        attempt = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "transition")
            .order_by(AuditEvent.at.desc())
        ).first()
        assert attempt is not None
        assert attempt.status_code == 409

    def test_stale_version_is_409(self, client: TestClient, session: Session, world: World) -> None:
        eid = _flag(client, session, world)["id"]
        response = _move(
            client, session, world.nurse, eid, to="withdrawn", reason="x", base_version=99
        )
        assert response.status_code == 409
        assert response.json()["field"] == "base_version"

    def test_unknown_target_state_is_422(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        eid = _flag(client, session, world)["id"]
        assert _move(client, session, world.nurse, eid, to="flying").status_code == 422

    def test_unknown_episode_is_404_and_logged(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        unknown = uuid.uuid4()
        assert (
            _move(
                client, session, world.nurse, str(unknown), to="withdrawn", reason="x"
            ).status_code
            == 404
        )
        logged = session.scalars(
            select(AuditEvent).where(AuditEvent.resource_id == str(unknown))
        ).all()
        assert [e.allowed for e in logged] == [False]


class TestReadmission:
    def test_takes_the_reserved_bed_then_refuses_when_none_is_free(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        w = world
        first = make_episode(session, w.patient, unit=w.ward, state="at_home")
        other = make_episode(session, make_patient(session), unit=w.ward, state="at_home")
        done = _move(
            client,
            session,
            w.nurse,
            str(first.id),
            to="readmitted",
            reason="NEWS2 7",
            ward_unit_id=str(w.ward.id),
        )
        assert done.status_code == 200, done.text
        bed = session.scalars(select(ReservedBed).where(ReservedBed.unit_id == w.ward.id)).one()
        assert bed.occupied_by_episode_id == first.id
        full = _move(
            client,
            session,
            w.nurse,
            str(other.id),
            to="readmitted",
            reason="fever",
            ward_unit_id=str(w.ward.id),
        )
        assert full.status_code == 409
        assert "emergency department" in full.json()["detail"]
        via_ed = _move(
            client,
            session,
            w.nurse,
            str(other.id),
            to="readmitted",
            reason="fever",
            ward_unit_id=str(w.ward.id),
            use_reserved_bed=False,
        )
        assert via_ed.status_code == 200


class TestCareRelationshipAfterEnd:
    @pytest.mark.parametrize(("days", "visible"), [(29, True), (31, False)])
    def test_access_lasts_30_days_after_the_end(
        self, client: TestClient, session: Session, days: int, visible: bool
    ) -> None:
        clinic = make_organisation(session)
        unit = make_unit(session, clinic)
        nurse = make_user(session, clinic)
        patient = make_patient(session)
        episode = make_episode(session, patient, unit=unit, state="discharged")
        episode.ended_at = utcnow() - timedelta(days=days)
        session.flush()
        response = client.get(f"/api/v1/patients/{patient.id}", headers=auth(session, nurse))
        assert (response.status_code == 200) is visible


class TestListing:
    def test_lists_only_episodes_of_patients_in_a_care_relationship(
        self, client: TestClient, session: Session
    ) -> None:
        a_unit = make_unit(session, make_organisation(session))
        b_unit = make_unit(session, make_organisation(session))
        mine = make_episode(session, make_patient(session), unit=a_unit)
        make_episode(session, make_patient(session), unit=b_unit)
        nurse = make_user(session, a_unit.organisation)
        response = client.get("/api/v1/episodes", headers=auth(session, nurse))
        assert response.status_code == 200
        assert [e["id"] for e in response.json()["items"]] == [str(mine.id)]
        assert response.json()["total"] == 1
