from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.audit import service
from samband.kit.errors import InvalidInput
from samband.models import AuditEvent, EmergencyAccess, Organisation, Patient, User
from tests.factories import (
    auth,
    make_audit_event,
    make_emergency_access,
    make_organisation,
    make_patient,
    make_unit,
    make_user,
    random_id,
    valid_personnummer,
)

EVENTS = "/api/v1/audit-events"
EMERGENCY = "/api/v1/emergency-accesses"


@dataclass
class World:
    hospital: Organisation
    nurse: User
    physician: User  # another organisation, no care relationship
    auditor: User
    patient: Patient
    other_patient: Patient


def _world(session: Session) -> World:
    hospital = make_organisation(session, name="Infektionskliniken Falun")
    unit = make_unit(session, hospital)
    nurse = make_user(session, hospital, unit=unit)
    other = make_organisation(session, kind="primary_care_centre", name="Vårdcentralen Grycksbo")
    return World(
        hospital=hospital,
        nurse=nurse,
        physician=make_user(session, other, role="physician"),
        auditor=make_user(session, hospital, role="auditor"),
        patient=make_patient(
            session, registered_by=nurse, personnummer=valid_personnummer(1950, 5, 17, 901)
        ),
        other_patient=make_patient(session, registered_by=nurse),
    )


def _ids(response_json: dict[str, object]) -> list[str]:
    items = response_json["items"]
    assert isinstance(items, list)
    return [item["id"] for item in items]


class TestSearchAuditEvents:
    def test_auditor_searches_by_user_patient_period_and_flags(
        self, client: TestClient, session: Session
    ) -> None:
        w = _world(session)
        now = datetime.now(UTC)
        old = make_audit_event(session, user=w.nurse, patient=w.patient, at=now - timedelta(days=3))
        new = make_audit_event(
            session, user=w.nurse, patient=w.patient, at=now - timedelta(hours=1)
        )
        other = make_audit_event(
            session, user=w.nurse, patient=w.other_patient, at=now - timedelta(hours=2)
        )
        denied = make_audit_event(
            session, user=w.physician, patient=w.patient, allowed=False, at=now - timedelta(hours=3)
        )
        emergency = make_audit_event(
            session,
            user=w.physician,
            patient=w.patient,
            emergency=True,
            at=now - timedelta(hours=4),
        )
        headers = auth(session, w.auditor)

        def search(**params: str) -> list[str]:
            response = client.get(EVENTS, params=params, headers=headers)
            assert response.status_code == 200, response.text
            return _ids(response.json())

        everything = search()
        assert everything == [str(e.id) for e in (new, other, denied, emergency, old)]
        page = client.get(EVENTS, params={"limit": 2, "offset": 1}, headers=headers).json()
        assert page["total"] == 5
        assert _ids(page) == [str(other.id), str(denied.id)]
        assert search(username=w.nurse.username) == [str(new.id), str(other.id), str(old.id)]
        assert search(user_id=str(w.physician.id)) == [str(denied.id), str(emergency.id)]
        assert search(patient_id=str(w.other_patient.id)) == [str(other.id)]
        assert search(allowed="false") == [str(denied.id)]
        assert search(emergency="true") == [str(emergency.id)]
        since = (now - timedelta(days=1)).isoformat()
        until = (now - timedelta(minutes=150)).isoformat()
        assert search(**{"from": since, "to": until}) == [str(denied.id), str(emergency.id)]

    def test_personnummer_in_any_valid_form(self, client: TestClient, session: Session) -> None:
        w = _world(session)
        mine = make_audit_event(session, user=w.nurse, patient=w.patient)
        make_audit_event(session, user=w.nurse, patient=w.other_patient)
        headers = auth(session, w.auditor)
        digits = w.patient.personnummer
        for form in (digits, f"{digits[:8]}-{digits[8:]}", f"{digits[2:8]}-{digits[8:]}"):
            params = {"personnummer": form, "username": w.nurse.username}
            response = client.get(EVENTS, params=params, headers=headers)
            assert response.status_code == 200, response.text
            assert _ids(response.json()) == [str(mine.id)]
        unknown = client.get(
            EVENTS, params={"personnummer": valid_personnummer(1940, 1, 1, 1)}, headers=headers
        )
        assert unknown.json()["total"] == 0

    def test_invalid_personnummer_is_422_with_the_reason(
        self, client: TestClient, session: Session
    ) -> None:
        w = _world(session)
        response = client.get(
            EVENTS, params={"personnummer": "19121212-1213"}, headers=auth(session, w.auditor)
        )
        assert response.status_code == 422
        assert response.json()["field"] == "personnummer"
        assert "check digit should be 2" in response.json()["detail"]

    def test_bad_period_is_422(self, client: TestClient, session: Session) -> None:
        w = _world(session)
        headers = auth(session, w.auditor)
        reversed_period = {"from": "2025-02-01T00:00:00", "to": "2025-01-01T00:00:00"}
        assert client.get(EVENTS, params=reversed_period, headers=headers).status_code == 422
        assert client.get(EVENTS, params={"from": "yesterday"}, headers=headers).status_code == 422
        assert client.get(
            EVENTS, params={"from": "0001-01-01T00:00:00"}, headers=headers
        ).status_code in (
            200,
            422,
        )
        assert client.get(EVENTS, params={"limit": 0}, headers=headers).status_code == 422

    def test_search_by_patient_is_itself_logged(self, client: TestClient, session: Session) -> None:
        w = _world(session)
        client.get(
            EVENTS, params={"patient_id": str(w.patient.id)}, headers=auth(session, w.auditor)
        )
        logged = session.scalars(select(AuditEvent).where(AuditEvent.user_id == w.auditor.id))
        assert [(e.action, e.patient_id, e.allowed) for e in logged] == [
            ("audit_search", w.patient.id, True)
        ]

    def test_nurse_gets_403(self, client: TestClient, session: Session) -> None:
        w = _world(session)
        for path in (EVENTS, f"{EVENTS}/extract?patient_id={w.patient.id}", f"{EVENTS}/sample"):
            assert client.get(path, headers=auth(session, w.nurse)).status_code == 403

    def test_requires_login(self, client: TestClient) -> None:
        assert client.get(EVENTS).status_code == 401

    def test_reads_one_event(self, client: TestClient, session: Session) -> None:
        w = _world(session)
        event = make_audit_event(session, user=w.nurse, patient=w.patient)
        response = client.get(f"{EVENTS}/{event.id}", headers=auth(session, w.auditor))
        assert response.status_code == 200
        assert response.json()["username"] == w.nurse.username
        assert (
            client.get(f"{EVENTS}/{random_id()}", headers=auth(session, w.auditor)).status_code
            == 404
        )
        assert client.get(f"{EVENTS}/{event.id}", headers=auth(session, w.nurse)).status_code == 403


class TestAuditLogCannotBeChanged:
    def test_put_patch_delete_are_not_there(self, client: TestClient, session: Session) -> None:
        w = _world(session)
        event = make_audit_event(session, user=w.nurse, patient=w.patient)
        headers = auth(session, w.auditor)
        path = f"{EVENTS}/{event.id}"
        for method in ("PUT", "PATCH", "DELETE"):
            response = client.request(method, path, json={"allowed": False}, headers=headers)
            assert response.status_code in (404, 405), (method, response.status_code)
        assert client.delete(EVENTS, headers=headers).status_code in (404, 405)
        session.expire_all()
        stored = session.get(AuditEvent, event.id)
        assert stored is not None
        assert stored.allowed is True

    def test_no_route_changes_audit_events(self, client: TestClient) -> None:
        paths = client.get("/openapi.json").json()["paths"]
        for path, operations in paths.items():
            if path.startswith("/api/v1/audit-events"):
                assert set(operations) == {"get"}, path


class TestExtract:
    def test_lists_which_unit_accessed_the_data_and_when(
        self, client: TestClient, session: Session
    ) -> None:
        w = _world(session)
        nurse_headers = auth(session, w.nurse)
        physician_headers = auth(session, w.physician)
        patient_path = f"/api/v1/patients/{w.patient.id}"
        assert client.get(patient_path, headers=nurse_headers).status_code == 200
        assert client.get(patient_path, headers=physician_headers).status_code == 404
        granted = client.post(
            f"{patient_path}/emergency-access",
            json={"reason": "Unconscious at the primary care centre, needs the medication list"},
            headers=physician_headers,
        )
        assert granted.status_code == 201
        assert client.get(patient_path, headers=physician_headers).status_code == 200
        make_audit_event(session, user=w.nurse, patient=w.other_patient)

        digits = w.patient.personnummer
        response = client.get(
            f"{EVENTS}/extract",
            params={"personnummer": f"{digits[2:8]}-{digits[8:]}"},
            headers=auth(session, w.auditor),
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["patient_id"] == str(w.patient.id)
        assert body["personnummer"] == digits
        entries = body["entries"]
        assert [
            (e["organisation_code"], e["action"], e["resource_type"], e["emergency"])
            for e in entries
        ] == [
            (w.hospital.code, "read", "patient", False),
            (w.physician.organisation.code, "emergency_access", "patient", True),
            (w.physician.organisation.code, "read", "patient", True),
        ]
        assert entries[0]["organisation_name"] == "Infektionskliniken Falun"
        assert entries[0]["unit_code"] == w.nurse.unit.code  # type: ignore[union-attr]
        assert entries[0]["unit_name"] is not None
        times = [e["at"] for e in entries]
        assert times == sorted(times)
        assert [(o["code"], o["accesses"]) for o in body["organisations"]] == [
            (w.hospital.code, 1),
            (w.physician.organisation.code, 2),
        ]

    def test_by_patient_id_and_the_extract_is_logged(
        self, client: TestClient, session: Session
    ) -> None:
        w = _world(session)
        make_audit_event(session, user=w.nurse, patient=w.patient)
        response = client.get(
            f"{EVENTS}/extract",
            params={"patient_id": str(w.patient.id)},
            headers=auth(session, w.auditor),
        )
        assert response.status_code == 200
        assert len(response.json()["entries"]) == 1
        logged = session.scalars(select(AuditEvent).where(AuditEvent.user_id == w.auditor.id))
        assert [(e.action, e.patient_id) for e in logged] == [("audit_extract", w.patient.id)]
        # The auditor's look at the log is not an access to the record: not in the extract.
        again = client.get(
            f"{EVENTS}/extract",
            params={"patient_id": str(w.patient.id)},
            headers=auth(session, w.auditor),
        )
        assert len(again.json()["entries"]) == 1

    def test_needs_exactly_one_valid_identifier(self, client: TestClient, session: Session) -> None:
        w = _world(session)
        headers = auth(session, w.auditor)
        url = f"{EVENTS}/extract"
        assert client.get(url, headers=headers).status_code == 422
        both = {"patient_id": str(w.patient.id), "personnummer": w.patient.personnummer}
        assert client.get(url, params=both, headers=headers).status_code == 422
        invalid = client.get(url, params={"personnummer": "121212-1213"}, headers=headers)
        assert invalid.status_code == 422
        assert "check digit" in invalid.json()["detail"]
        unknown = {"personnummer": valid_personnummer(1940, 1, 1, 1)}
        assert client.get(url, params=unknown, headers=headers).status_code == 404
        assert (
            client.get(url, params={"patient_id": random_id()}, headers=headers).status_code == 404
        )


class TestSample:
    def test_draws_allowed_accesses_reproducibly(self, session: Session) -> None:
        w = _world(session)
        now = datetime.now(UTC)
        allowed = [
            make_audit_event(session, user=w.nurse, patient=w.patient, at=now - timedelta(hours=i))
            for i in range(1, 11)
        ]
        emergency = make_audit_event(session, user=w.physician, patient=w.patient, emergency=True)
        make_audit_event(session, user=w.physician, patient=w.patient, allowed=False)
        make_audit_event(session, user=w.nurse, patient_id=None, resource_type="organisation")
        make_audit_event(session, user=w.auditor, patient=w.patient, resource_type="audit_log")
        population = {e.id for e in [*allowed, emergency]}

        first = service.sample(session, 5, seed=7)
        assert len(first) == 5
        assert {e.id for e in first} <= population
        assert [e.id for e in service.sample(session, 5, seed=7)] == [e.id for e in first]
        times = [e.at for e in first]
        assert times == sorted(times)

        everything = service.sample(session, 100)
        assert {e.id for e in everything} == population

        recent = service.sample(session, 100, since=now - timedelta(hours=3, minutes=30), until=now)
        assert {e.id for e in recent} == {e.id for e in allowed[:3]}

    def test_n_must_be_positive(self, session: Session) -> None:
        with pytest.raises(InvalidInput):
            service.sample(session, 0)

    def test_endpoint_for_the_auditor(self, client: TestClient, session: Session) -> None:
        w = _world(session)
        for _ in range(4):
            make_audit_event(session, user=w.nurse, patient=w.patient)
        headers = auth(session, w.auditor)
        response = client.get(f"{EVENTS}/sample", params={"n": 3, "seed": 1}, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["n"] == 3
        assert len(body["items"]) == 3
        assert all(item["allowed"] for item in body["items"])
        again = client.get(f"{EVENTS}/sample", params={"n": 3, "seed": 1}, headers=headers)
        assert _ids(again.json()) == _ids(body)
        assert client.get(f"{EVENTS}/sample", params={"n": 0}, headers=headers).status_code == 422


class TestEmergencyAccesses:
    def test_auditor_lists_unreviewed_and_reviews(
        self, client: TestClient, session: Session
    ) -> None:
        w = _world(session)
        access = make_emergency_access(session, user=w.physician, patient=w.patient)
        headers = auth(session, w.auditor)

        listed = client.get(EMERGENCY, params={"unreviewed": "true"}, headers=headers)
        assert listed.status_code == 200
        assert _ids(listed.json()) == [str(access.id)]
        item = listed.json()["items"][0]
        assert (item["username"], item["reviewed"]) == (w.physician.username, False)

        reviewed = client.post(
            f"{EMERGENCY}/{access.id}/review",
            json={"note": "Checked with the physician: the patient was unconscious"},
            headers=headers,
        )
        assert reviewed.status_code == 200, reviewed.text
        assert reviewed.json()["reviewed"] is True
        assert reviewed.json()["reviewed_by_id"] == str(w.auditor.id)
        session.expire_all()
        stored = session.get(EmergencyAccess, access.id)
        assert stored is not None
        assert stored.review_note == "Checked with the physician: the patient was unconscious"

        assert (
            client.get(EMERGENCY, params={"unreviewed": "true"}, headers=headers).json()["total"]
            == 0
        )
        assert _ids(client.get(EMERGENCY, headers=headers).json()) == [str(access.id)]
        again = client.post(
            f"{EMERGENCY}/{access.id}/review", json={"note": "Again"}, headers=headers
        )
        assert again.status_code == 409
        assert "already reviewed" in again.json()["detail"]
        logged = session.scalars(select(AuditEvent).where(AuditEvent.user_id == w.auditor.id))
        assert [(e.action, e.patient_id, e.allowed) for e in logged] == [
            ("review", w.patient.id, True)
        ]

    def test_nurse_may_neither_list_nor_review(self, client: TestClient, session: Session) -> None:
        w = _world(session)
        access = make_emergency_access(session, user=w.physician, patient=w.patient)
        headers = auth(session, w.nurse)
        assert client.get(EMERGENCY, headers=headers).status_code == 403
        response = client.post(
            f"{EMERGENCY}/{access.id}/review", json={"note": "Fine"}, headers=headers
        )
        assert response.status_code == 403
        session.expire_all()
        stored = session.get(EmergencyAccess, access.id)
        assert stored is not None
        assert stored.reviewed_at is None

    def test_unknown_id_and_empty_note(self, client: TestClient, session: Session) -> None:
        w = _world(session)
        access = make_emergency_access(session, user=w.physician, patient=w.patient)
        headers = auth(session, w.auditor)
        unknown = client.post(
            f"{EMERGENCY}/{uuid.uuid4()}/review", json={"note": "x"}, headers=headers
        )
        assert unknown.status_code == 404
        empty = client.post(f"{EMERGENCY}/{access.id}/review", json={"note": " "}, headers=headers)
        assert empty.status_code == 422
