"""Isolation between organisations, role limits, and the access log of every attempt.

Two hospital organisations, A and B, each with a ward, staff and a patient at home with an
episode, a care plan, a medication, a round and a round note. A user of A must never see B's
patient (id, name, personnummer) or B's episode in any list or page; every id of B's records
passed to A's endpoints (in the path or in a body) answers 404 and leaves an audit row with
allowed=False and B's patient id. Roles without the permission get 403, also logged.
"""

from __future__ import annotations

import json
import uuid
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
    CareRequest,
    Episode,
    EpisodeParticipant,
    Organisation,
    Patient,
    Round,
    RoundNote,
    Unit,
    User,
)
from tests.factories import (
    auth,
    make_care_plan,
    make_episode,
    make_medication,
    make_municipality,
    make_organisation,
    make_patient,
    make_unit,
    make_user,
)


@dataclass
class Side:
    org: Organisation
    unit: Unit
    physician: User
    patient: Patient
    episode: Episode
    plan_id: uuid.UUID
    medication_id: uuid.UUID
    round_id: uuid.UUID
    note_id: uuid.UUID
    request_id: uuid.UUID

    def secrets(self) -> list[str]:
        """What must never appear in the other organisation's answers."""
        return [
            str(self.patient.id),
            self.patient.personnummer,
            self.patient.family_name,
            str(self.episode.id),
            str(self.plan_id),
            str(self.medication_id),
            str(self.note_id),
            str(self.request_id),
        ]


@dataclass
class World:
    a: Side
    b: Side
    home_care: Organisation


def _side(session: Session, name: str, home_care: Organisation) -> Side:
    org = make_organisation(session, kind="hospital_ward", name=f"Sjukhus {name}")
    unit = make_unit(session, org, beds=1)
    physician = make_user(session, org, role="physician", unit=unit)
    patient = make_patient(session, family_name=f"Hemlig{name}{uuid.uuid4().hex[:6]}")
    episode = make_episode(session, patient, unit=unit, state="at_home", physician=physician)
    episode.started_at = utcnow() - timedelta(days=1)
    plan = make_care_plan(session, episode, by=physician)
    medication = make_medication(session, episode, by=physician)
    round_ = Round(unit_id=unit.id, day=local_today(), created_by_id=physician.id)
    session.add(round_)
    session.flush()
    note = RoundNote(
        round_id=round_.id,
        episode_id=episode.id,
        situation="s",
        assessment="a",
        decision="continue",
        participants=[{"role": "physician", "name": "X", "present_by": "on_site"}],
        criteria_met=[],
        created_by_id=physician.id,
        created_at=utcnow(),
    )
    session.add(note)
    request = CareRequest(
        episode_id=episode.id,
        kind="home_health_care",
        from_organisation_id=org.id,
        to_organisation_id=home_care.id,
        state="sent",
        answer_by=utcnow() + timedelta(hours=24),
        created_at=utcnow(),
        created_by_id=physician.id,
        history=[],
        medication_snapshot=[],
    )
    session.add(request)
    # sending a request makes the receiver a participant (decision 0005)
    session.add(
        EpisodeParticipant(episode_id=episode.id, organisation_id=home_care.id, role="other")
    )
    session.flush()
    return Side(
        org, unit, physician, patient, episode, plan.id, medication.id, round_.id, note.id,
        request.id,
    )  # fmt: skip


@pytest.fixture
def world(session: Session) -> World:
    # B's request goes to a municipality that A does not deal with: A's own request goes to
    # another, so nothing of B reaches A through a shared receiver either.
    home_a = make_municipality(session)
    home_b = make_municipality(session)
    return World(a=_side(session, "A", home_a), b=_side(session, "B", home_b), home_care=home_b)


def _denied(session: Session, user: User, patient_id: uuid.UUID | None) -> list[AuditEvent]:
    return list(
        session.scalars(
            select(AuditEvent).where(
                AuditEvent.user_id == user.id,
                AuditEvent.allowed.is_(False),
                AuditEvent.patient_id == patient_id
                if patient_id is not None
                else AuditEvent.patient_id.is_(None),
            )
        )
    )


def _assert_hidden(text: str, side: Side, *, sent: str = "") -> None:
    """None of the side's ids or names is in the text, except those the caller sent."""
    for secret in side.secrets():
        if secret not in sent:
            assert secret not in text, f"{secret} leaked"


def _content() -> dict[str, Any]:
    return template_content("opat").model_dump(mode="json")


def _login(client: TestClient, session: Session, user: User) -> None:
    client.cookies.set("samband_session", auth(session, user)["Authorization"][7:])


# -- 1. lists and pages --------------------------------------------------------------------------


class TestListsShowOnlyOwnPatients:
    def test_api_lists(self, client: TestClient, session: Session, world: World) -> None:
        a, b = world.a, world.b
        headers = auth(session, a.physician)
        urls = [
            "/api/v1/patients",
            f"/api/v1/patients?q={b.patient.family_name}",
            f"/api/v1/patients?q={b.patient.personnummer}",
            "/api/v1/episodes",
            f"/api/v1/episodes?patient_id={b.patient.id}",
            "/api/v1/episodes?state=at_home",
            "/api/v1/care-requests",
            f"/api/v1/care-requests?episode_id={b.episode.id}",
            f"/api/v1/care-plans?episode_id={a.episode.id}",
            f"/api/v1/medications?episode_id={a.episode.id}",
            f"/api/v1/round-notes?episode_id={a.episode.id}",
            f"/api/v1/rounds?unit_id={a.unit.id}",
            f"/api/v1/rounds/{a.round_id}",
        ]
        for url in urls:
            response = client.get(url, headers=headers)
            assert response.status_code == 200, (url, response.text)
            _assert_hidden(response.text, b)
        # and A does see its own patient in the lists that list patients
        assert str(a.patient.id) in client.get("/api/v1/patients", headers=headers).text
        assert str(a.episode.id) in client.get("/api/v1/episodes", headers=headers).text
        rounds = client.get(f"/api/v1/rounds?unit_id={a.unit.id}", headers=headers).text
        assert str(a.episode.id) in rounds

    def test_pages(self, client: TestClient, session: Session, world: World) -> None:
        a, b = world.a, world.b
        _login(client, session, a.physician)
        for url in [
            "/",
            "/overview/live",
            "/patients",
            f"/patients?q={b.patient.family_name}",
            "/care-requests",
            f"/rounds/{a.round_id}",
            "/rounds",
            f"/patients/{a.patient.id}",
            f"/patients/{a.patient.id}/copy",
        ]:
            response = client.get(url)
            assert response.status_code == 200, (url, response.text[:300])
            # the search box shows what was typed
            _assert_hidden(response.text.replace(f'value="{b.patient.family_name}"', ""), b)
        assert a.patient.family_name in client.get("/patients").text

    def test_overview_hides_a_request_whose_care_relationship_has_ended(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        """A request left 'sent' on an episode that ended more than 30 days ago: the receiver's
        care relationship is over, so its overview must not show the patient any more."""
        b = world.b
        b.episode.state = "withdrawn"
        b.episode.ended_at = utcnow() - timedelta(days=40)
        session.flush()
        nurse = make_user(session, world.home_care, role="registered_nurse")
        _login(client, session, nurse)
        for url in ("/", "/overview/live"):
            response = client.get(url)
            assert response.status_code == 200
            assert b.patient.family_name not in response.text, url
        # the API agrees: no care relationship any more
        headers = auth(session, nurse)
        assert client.get(f"/api/v1/patients/{b.patient.id}", headers=headers).status_code == 404
        assert (
            b.patient.family_name not in client.get("/api/v1/care-requests", headers=headers).text
        )

    def test_overview_shows_an_incoming_request_while_related(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        nurse = make_user(session, world.home_care, role="registered_nurse")
        _login(client, session, nurse)
        assert world.b.patient.family_name in client.get("/").text


# -- 2. ids of the other organisation's records -------------------------------------------------


class TestOtherOrganisationsIds:
    def _get_paths(self, b: Side) -> list[str]:
        return [
            f"/api/v1/patients/{b.patient.id}",
            f"/api/v1/episodes/{b.episode.id}",
            f"/api/v1/episodes/{b.episode.id}/events",
            f"/api/v1/episodes/{b.episode.id}/checklist",
            f"/api/v1/episodes/{b.episode.id}/patient-copy.pdf",
            f"/api/v1/care-plans?episode_id={b.episode.id}",
            f"/api/v1/care-plans/{b.plan_id}",
            f"/api/v1/care-plans/{b.plan_id}/versions",
            f"/api/v1/care-plans/{b.plan_id}/versions/1",
            f"/api/v1/medications?episode_id={b.episode.id}",
            f"/api/v1/medications/{b.medication_id}",
            f"/api/v1/round-notes?episode_id={b.episode.id}",
            f"/api/v1/care-requests/{b.request_id}",
        ]

    def test_reads_are_404_and_logged(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        a, b = world.a, world.b
        headers = auth(session, a.physician)
        for path in self._get_paths(b):
            before = len(_denied(session, a.physician, b.patient.id))
            response = client.get(path, headers=headers)
            assert response.status_code == 404, (path, response.text)
            _assert_hidden(response.text, b, sent=path)
            assert len(_denied(session, a.physician, b.patient.id)) == before + 1, path

    def test_pages_are_404_and_logged(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        a, b = world.a, world.b
        _login(client, session, a.physician)
        for path in [
            f"/patients/{b.patient.id}",
            f"/patients/{b.patient.id}/copy",
            f"/patients/{b.patient.id}/copy.pdf",
            f"/care-requests/{b.request_id}",
            f"/episodes/{b.episode.id}/care-request",
        ]:
            before = len(_denied(session, a.physician, b.patient.id))
            response = client.get(path)
            assert response.status_code == 404, (path, response.status_code)
            assert b.patient.family_name not in response.text
            assert len(_denied(session, a.physician, b.patient.id)) == before + 1, path

    def test_round_of_another_unit_is_404_and_logged(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        a, b = world.a, world.b
        headers = auth(session, a.physician)
        for path in (f"/api/v1/rounds?unit_id={b.unit.id}", f"/api/v1/rounds/{b.round_id}"):
            response = client.get(path, headers=headers)
            assert response.status_code == 404, path
            _assert_hidden(response.text, b)
        response = client.patch(
            f"/api/v1/rounds/{b.round_id}", headers=headers, json={"video_url": "https://x.se"}
        )
        assert response.status_code == 404
        assert len(_denied(session, a.physician, None)) >= 3
        session.expire_all()
        assert session.get(Round, b.round_id).video_url is None  # type: ignore[union-attr]
        _login(client, session, a.physician)
        assert client.get(f"/rounds/{b.round_id}").status_code == 404

    def test_writes_with_the_other_episode_in_the_body(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        a, b = world.a, world.b
        headers = auth(session, a.physician)
        participants = [{"role": "physician", "name": "X", "present_by": "on_site"}]
        writes: list[tuple[str, str, dict[str, Any]]] = [
            (
                "post",
                "/api/v1/medications",
                {
                    "episode_id": str(b.episode.id),
                    "drug": "Cefotaxim",
                    "dose": "1 g",
                    "route": "iv",
                    "schedule": "08:00",
                    "given_by": "registered_nurse",
                    "supplied_by": "ward",
                },
            ),
            ("post", "/api/v1/care-plans", {"episode_id": str(b.episode.id)}),
            (
                "post",
                "/api/v1/care-requests",
                {
                    "episode_id": str(b.episode.id),
                    "to_organisation_id": str(world.home_care.id),
                    "kind": "home_health_care",
                },
            ),
            # A's own round, B's episode
            (
                "post",
                f"/api/v1/rounds/{a.round_id}/notes",
                {
                    "episode_id": str(b.episode.id),
                    "situation": "s",
                    "assessment": "a",
                    "decision": "discharge",
                    "participants": participants,
                },
            ),
            (
                "post",
                "/api/v1/episodes",
                {
                    "patient_id": str(b.patient.id),
                    "pathway": "opat",
                    "type": "early_supported_discharge",
                    "responsible_unit_id": str(a.unit.id),
                    # flagging needs no relationship but a reason (decision 0010); B's
                    # patient is in an open episode, so the answer is 409 without details
                    "reason": "probe",
                },
            ),
            ("patch", f"/api/v1/patients/{b.patient.id}", {"given_name": "Hacked"}),
            ("patch", f"/api/v1/episodes/{b.episode.id}", {"care_contact_id": str(a.physician.id)}),
            (
                "post",
                f"/api/v1/episodes/{b.episode.id}/participants",
                {"organisation_id": str(a.org.id), "role": "other"},
            ),
            (
                "post",
                f"/api/v1/episodes/{b.episode.id}/transitions",
                {"to": "discharged", "reason": "x"},
            ),
            (
                "post",
                f"/api/v1/episodes/{b.episode.id}/contacts",
                {"kind": "phone", "spoke_with": "patient", "outcome": "well"},
            ),
            (
                "post",
                f"/api/v1/episodes/{b.episode.id}/checklist/medication_reconciled/sign",
                {},
            ),
            (
                "put",
                f"/api/v1/care-plans/{b.plan_id}",
                {"base_version": 1, "content": _content(), "change_note": "x"},
            ),
            (
                "post",
                f"/api/v1/care-plans/{b.plan_id}/versions/1/acknowledgements",
                {"party": "patient", "name": "X"},
            ),
            ("patch", f"/api/v1/medications/{b.medication_id}", {"dose": "9 g"}),
            ("post", f"/api/v1/medications/{b.medication_id}/stop", {"reason": "x"}),
            ("post", f"/api/v1/care-requests/{b.request_id}/transitions", {"to": "cancelled"}),
        ]
        refused_bodies: list[str] = []
        for method, path, body in writes:
            before = len(_denied(session, a.physician, b.patient.id))
            response = client.request(method.upper(), path, headers=headers, json=body)
            expected = (409,) if path == "/api/v1/episodes" else (404, 422)
            assert response.status_code in expected, (path, response.status_code, response.text)
            if response.status_code == 422:  # the body was refused before access was checked
                refused_bodies.append(path)
                continue
            _assert_hidden(response.text, b, sent=path + json.dumps(body))
            assert len(_denied(session, a.physician, b.patient.id)) == before + 1, path
        # every body was valid: each refusal above was the access check's
        assert refused_bodies == []
        session.expire_all()
        assert session.get(Patient, b.patient.id).given_name != "Hacked"  # type: ignore[union-attr]
        assert session.get(Episode, b.episode.id).state == "at_home"  # type: ignore[union-attr]
        notes = session.scalars(select(RoundNote).where(RoundNote.episode_id == b.episode.id))
        assert len(list(notes)) == 1
        requests = session.scalars(
            select(CareRequest).where(CareRequest.episode_id == b.episode.id)
        )
        assert len(list(requests)) == 1

    def test_round_note_in_a_round_of_another_unit(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        """A's episode in B's round: B's round is not A's to open (404, logged)."""
        a, b = world.a, world.b
        response = client.post(
            f"/api/v1/rounds/{b.round_id}/notes",
            headers=auth(session, a.physician),
            json={
                "episode_id": str(a.episode.id),
                "situation": "s",
                "assessment": "a",
                "decision": "continue",
                "participants": [{"role": "physician", "name": "X", "present_by": "on_site"}],
            },
        )
        assert response.status_code == 404
        assert _denied(session, a.physician, None)

    def test_unknown_ids_are_404_and_logged(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        a = world.a
        headers = auth(session, a.physician)
        unknown = uuid.uuid4()
        for path in [
            f"/api/v1/patients/{unknown}",
            f"/api/v1/episodes/{unknown}",
            f"/api/v1/care-plans/{unknown}",
            f"/api/v1/medications/{unknown}",
            f"/api/v1/care-requests/{unknown}",
            f"/api/v1/rounds/{unknown}",
            f"/api/v1/round-notes?episode_id={unknown}",
        ]:
            response = client.get(path, headers=headers)
            assert response.status_code == 404, path
            rows = session.scalars(
                select(AuditEvent).where(
                    AuditEvent.user_id == a.physician.id,
                    AuditEvent.allowed.is_(False),
                    AuditEvent.resource_id == str(unknown),
                )
            )
            assert list(rows), path


# -- 3/4. roles ---------------------------------------------------------------------------------


class TestRoles:
    @pytest.mark.parametrize("role", ["auditor", "analyst", "administrator"])
    def test_no_record_reads(
        self, client: TestClient, session: Session, world: World, role: str
    ) -> None:
        a = world.a
        user = make_user(session, a.org, role=role, unit=a.unit)
        headers = auth(session, user)
        reads = [
            f"/api/v1/patients/{a.patient.id}",
            f"/api/v1/episodes/{a.episode.id}",
            f"/api/v1/episodes/{a.episode.id}/events",
            f"/api/v1/episodes/{a.episode.id}/checklist",
            f"/api/v1/episodes/{a.episode.id}/patient-copy.pdf",
            f"/api/v1/care-plans?episode_id={a.episode.id}",
            f"/api/v1/care-plans/{a.plan_id}",
            f"/api/v1/medications?episode_id={a.episode.id}",
            f"/api/v1/medications/{a.medication_id}",
            f"/api/v1/round-notes?episode_id={a.episode.id}",
            f"/api/v1/care-requests/{a.request_id}",
        ]
        for path in reads:
            before = len(_denied(session, user, a.patient.id))
            response = client.get(path, headers=headers)
            assert response.status_code == 403, (path, response.status_code)
            assert len(_denied(session, user, a.patient.id)) == before + 1, path
        for path in [
            "/api/v1/patients",
            "/api/v1/episodes",
            "/api/v1/care-requests",
            f"/api/v1/rounds?unit_id={a.unit.id}",
            f"/api/v1/rounds/{a.round_id}",
        ]:
            response = client.get(path, headers=headers)
            assert response.status_code == 403, path
            _assert_hidden(response.text, a)
        _login(client, session, user)
        # "/" sends each of these roles to its own first page (no patient data there)
        landing = client.get("/")
        assert landing.status_code == 200
        assert a.patient.family_name not in landing.text
        for page in ["/patients", f"/patients/{a.patient.id}", f"/rounds/{a.round_id}"]:
            response = client.get(page)
            assert response.status_code == 403, page
            assert a.patient.family_name not in response.text

    @pytest.mark.parametrize(
        ("role", "expected"),
        [("physician", 403), ("analyst", 403), ("registered_nurse", 403)],
    )
    def test_only_auditors_read_the_log(
        self, client: TestClient, session: Session, world: World, role: str, expected: int
    ) -> None:
        user = make_user(session, world.a.org, role=role)
        headers = auth(session, user)
        for path in ["/api/v1/audit-events", "/api/v1/emergency-accesses"]:
            assert client.get(path, headers=headers).status_code == expected, path

    def test_assistant_nurse_reads_but_does_not_write(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        a = world.a
        user = make_user(session, a.org, role="assistant_nurse", unit=a.unit)
        headers = auth(session, user)
        assert client.get(f"/api/v1/patients/{a.patient.id}", headers=headers).status_code == 200
        writes: list[tuple[str, str, dict[str, Any]]] = [
            (
                "post",
                "/api/v1/medications",
                {
                    "episode_id": str(a.episode.id),
                    "drug": "X",
                    "dose": "1 g",
                    "route": "iv",
                    "schedule": "08:00",
                    "given_by": "registered_nurse",
                    "supplied_by": "ward",
                },
            ),
            ("patch", f"/api/v1/patients/{a.patient.id}", {"given_name": "Hacked"}),
            ("patch", f"/api/v1/medications/{a.medication_id}", {"dose": "9 g"}),
            ("post", f"/api/v1/medications/{a.medication_id}/stop", {"reason": "x"}),
            (
                "put",
                f"/api/v1/care-plans/{a.plan_id}",
                {"base_version": 1, "content": _content(), "change_note": "x"},
            ),
            (
                "post",
                f"/api/v1/episodes/{a.episode.id}/transitions",
                {"to": "discharged", "reason": "x"},
            ),
            ("patch", f"/api/v1/episodes/{a.episode.id}", {"care_contact_id": str(user.id)}),
            (
                "post",
                "/api/v1/care-requests",
                {
                    "episode_id": str(a.episode.id),
                    "to_organisation_id": str(world.home_care.id),
                    "kind": "home_health_care",
                },
            ),
            (
                "post",
                f"/api/v1/rounds/{a.round_id}/notes",
                {
                    "episode_id": str(a.episode.id),
                    "situation": "s",
                    "assessment": "a",
                    "decision": "continue",
                    "participants": [{"role": "physician", "name": "X", "present_by": "video"}],
                },
            ),
            (
                "post",
                "/api/v1/episodes",
                {
                    "patient_id": str(a.patient.id),
                    "pathway": "opat",
                    "type": "early_supported_discharge",
                    "responsible_unit_id": str(a.unit.id),
                },
            ),
        ]
        for method, path, body in writes:
            before = len(_denied(session, user, a.patient.id))
            response = client.request(method.upper(), path, headers=headers, json=body)
            assert response.status_code == 403, (path, response.status_code, response.text)
            assert len(_denied(session, user, a.patient.id)) == before + 1, path
        session.expire_all()
        assert session.get(Patient, a.patient.id).given_name != "Hacked"  # type: ignore[union-attr]

    def test_emergency_access_refused_by_role_is_logged(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        a = world.a
        user = make_user(session, a.org, role="assistant_nurse", unit=a.unit)
        response = client.post(
            f"/api/v1/patients/{world.b.patient.id}/emergency-access",
            headers=auth(session, user),
            json={"reason": "curious about the patient"},
        )
        assert response.status_code == 403
        rows = _denied(session, user, world.b.patient.id)
        assert [(r.action, r.role) for r in rows] == [("emergency_access", "assistant_nurse")]


class TestRoleRefusalsWithoutAPatient:
    def test_an_auditor_listing_patients_is_logged(self, client, session) -> None:  # type: ignore[no-untyped-def]
        from sqlalchemy import select

        from samband.models import AuditEvent
        from tests.factories import auth, make_organisation, make_user

        auditor = make_user(session, make_organisation(session), role="auditor")
        response = client.get("/api/v1/patients", headers=auth(session, auditor))
        assert response.status_code == 403
        rows = session.scalars(select(AuditEvent).where(AuditEvent.user_id == auditor.id)).all()
        assert [(r.action, r.resource_type, r.allowed) for r in rows] == [
            ("read", "patients", False)
        ]
