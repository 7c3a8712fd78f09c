from __future__ import annotations

import uuid

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.models import AuditEvent, Patient
from tests.factories import auth, make_organisation, make_patient, make_user, random_id


def _audit(session: Session, patient_id: object) -> list[AuditEvent]:
    patient_id = uuid.UUID(str(patient_id))
    return list(
        session.scalars(
            select(AuditEvent).where(AuditEvent.patient_id == patient_id).order_by(AuditEvent.at)
        )
    )


class TestRegisterPatient:
    def test_registers_and_normalises_personnummer(
        self, client: TestClient, session: Session
    ) -> None:
        nurse = make_user(session, make_organisation(session))
        response = client.post(
            "/api/v1/patients",
            json={"personnummer": "121212-1212", "given_name": "Kim", "family_name": "Berg"},
            headers=auth(session, nurse),
        )
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["personnummer"] == "201212121212"
        assert body["birth_date"] == "2012-12-12"
        log = _audit(session, body["id"])
        assert [(e.action, e.allowed, e.username) for e in log] == [
            ("create", True, nurse.username)
        ]

    def test_rejects_wrong_check_digit_and_writes_nothing(
        self, client: TestClient, session: Session
    ) -> None:
        nurse = make_user(session, make_organisation(session))
        before = session.scalar(select(Patient.id).limit(1))
        response = client.post(
            "/api/v1/patients",
            json={"personnummer": "19121212-1213", "given_name": "Kim", "family_name": "Berg"},
            headers=auth(session, nurse),
        )
        assert response.status_code == 422
        assert "check digit should be 2" in response.json()["detail"]
        assert response.json()["errors"][0]["field"] == "personnummer"
        assert session.scalar(select(Patient.id).limit(1)) == before

    def test_requires_login(self, client: TestClient) -> None:
        response = client.get("/api/v1/patients")
        assert response.status_code == 401


class TestReadPatient:
    def test_unrelated_organisation_gets_404_and_is_logged(
        self, client: TestClient, session: Session
    ) -> None:
        owner = make_user(session, make_organisation(session))
        outsider = make_user(session, make_organisation(session, kind="primary_care_centre"))
        patient = make_patient(session, registered_by=owner)
        response = client.get(f"/api/v1/patients/{patient.id}", headers=auth(session, outsider))
        assert response.status_code == 404
        log = _audit(session, patient.id)
        assert [(e.username, e.allowed) for e in log] == [(outsider.username, False)]

    def test_related_organisation_reads_and_is_logged(
        self, client: TestClient, session: Session
    ) -> None:
        owner = make_user(session, make_organisation(session))
        patient = make_patient(session, registered_by=owner)
        response = client.get(f"/api/v1/patients/{patient.id}", headers=auth(session, owner))
        assert response.status_code == 200
        assert response.json()["id"] == str(patient.id)
        assert [(e.action, e.allowed) for e in _audit(session, patient.id)] == [("read", True)]

    def test_unknown_id_is_404_and_logged(self, client: TestClient, session: Session) -> None:
        nurse = make_user(session, make_organisation(session))
        unknown = random_id()
        response = client.get(f"/api/v1/patients/{unknown}", headers=auth(session, nurse))
        assert response.status_code == 404
        assert len(_audit(session, unknown)) == 1

    def test_auditor_may_not_read_records(self, client: TestClient, session: Session) -> None:
        org = make_organisation(session)
        owner = make_user(session, org)
        auditor = make_user(session, org, role="auditor")
        patient = make_patient(session, registered_by=owner)
        response = client.get(f"/api/v1/patients/{patient.id}", headers=auth(session, auditor))
        assert response.status_code == 403

    def test_list_shows_only_related_patients(self, client: TestClient, session: Session) -> None:
        a = make_user(session, make_organisation(session))
        b = make_user(session, make_organisation(session))
        mine = make_patient(session, registered_by=a)
        make_patient(session, registered_by=b)
        response = client.get("/api/v1/patients", headers=auth(session, a))
        assert response.status_code == 200
        assert [p["id"] for p in response.json()["items"]] == [str(mine.id)]

    def test_emergency_access_opens_record_and_is_flagged(
        self, client: TestClient, session: Session
    ) -> None:
        owner = make_user(session, make_organisation(session))
        physician = make_user(session, make_organisation(session), role="physician")
        patient = make_patient(session, registered_by=owner)
        headers = auth(session, physician)
        short = client.post(
            f"/api/v1/patients/{patient.id}/emergency-access", json={"reason": "x"}, headers=headers
        )
        assert short.status_code == 422
        granted = client.post(
            f"/api/v1/patients/{patient.id}/emergency-access",
            json={"reason": "Unconscious at the emergency department, needs medication list"},
            headers=headers,
        )
        assert granted.status_code == 201, granted.text
        read = client.get(f"/api/v1/patients/{patient.id}", headers=headers)
        assert read.status_code == 200
        assert _audit(session, patient.id)[-1].emergency is True
