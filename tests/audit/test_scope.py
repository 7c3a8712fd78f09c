"""The access log per care provider (issue 10, finding 14): an auditor searches, extracts,
samples and reviews the events made by users of their own care provider's organisations
only; a patient their log has nothing about is 404 like an unknown one; refusals are logged
with the patient when it is known."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.audit import service
from samband.models import AuditEvent, EmergencyAccess, Organisation, Patient, Unit, User
from samband.organisations.repository import CareProvider
from tests.factories import (
    auth,
    make_audit_event,
    make_emergency_access,
    make_municipality,
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
    clinic: Organisation  # Region Dalarna
    ward: Unit
    primary_care: Organisation  # Region Dalarna
    home_care: Organisation  # Falu kommun
    nurse: User
    gp: User
    municipal_nurse: User
    auditor: User
    municipal_auditor: User
    patient: Patient  # seen by both care providers
    municipal_patient: Patient  # seen by Falu kommun only


def make_world(session: Session) -> World:
    clinic = make_organisation(session, authority_name="Region Dalarna", name="Infektion")
    ward = make_unit(session, clinic)
    primary_care = make_organisation(
        session, kind="primary_care_centre", authority_name="Region Dalarna"
    )
    home_care = make_municipality(session)
    nurse = make_user(session, clinic, unit=ward)
    municipal_nurse = make_user(session, home_care)
    return World(
        clinic=clinic,
        ward=ward,
        primary_care=primary_care,
        home_care=home_care,
        nurse=nurse,
        gp=make_user(session, primary_care, role="physician"),
        municipal_nurse=municipal_nurse,
        auditor=make_user(session, clinic, role="auditor"),
        municipal_auditor=make_user(session, home_care, role="auditor"),
        patient=make_patient(
            session, registered_by=nurse, personnummer=valid_personnummer(1948, 3, 2, 771)
        ),
        municipal_patient=make_patient(
            session,
            registered_by=municipal_nurse,
            personnummer=valid_personnummer(1939, 8, 14, 442),
        ),
    )


def ids(response: object) -> set[str]:
    body = response.json()  # type: ignore[attr-defined]
    return {item["id"] for item in body["items"]}


def logged(session: Session, user: User) -> list[AuditEvent]:
    session.expire_all()
    return list(
        session.scalars(
            select(AuditEvent).where(AuditEvent.user_id == user.id).order_by(AuditEvent.at)
        )
    )


class TestSearch:
    def test_each_auditor_sees_their_own_care_providers_events(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        region = [
            make_audit_event(session, user=w.nurse, patient=w.patient),
            make_audit_event(session, user=w.gp, patient=w.patient),
        ]
        municipal = make_audit_event(session, user=w.municipal_nurse, patient=w.patient)
        # a failed login of an unknown username: no organisation, no care provider
        unknown = make_audit_event(
            session, patient_id=None, action="login", resource_type="session", allowed=False
        )

        region_seen = ids(client.get(EVENTS, headers=auth(session, w.auditor)))
        municipal_seen = ids(client.get(EVENTS, headers=auth(session, w.municipal_auditor)))

        assert {str(e.id) for e in region} <= region_seen
        assert str(municipal.id) not in region_seen
        assert str(municipal.id) in municipal_seen
        assert not {str(e.id) for e in region} & municipal_seen
        assert str(unknown.id) not in region_seen | municipal_seen

    def test_by_unit_and_organisation(self, client: TestClient, session: Session) -> None:
        w = make_world(session)
        on_ward = make_audit_event(session, user=w.nurse, patient=w.patient)
        at_gp = make_audit_event(session, user=w.gp, patient=w.patient)
        headers = auth(session, w.auditor)

        by_unit = client.get(EVENTS, params={"unit_code": w.ward.code}, headers=headers)
        by_org = client.get(
            EVENTS, params={"organisation_code": w.primary_care.code}, headers=headers
        )

        assert ids(by_unit) == {str(on_ward.id)}
        assert ids(by_org) == {str(at_gp.id)}

    def test_another_care_providers_event_is_404_and_logged(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        theirs = make_audit_event(session, user=w.municipal_nurse, patient=w.patient)

        response = client.get(f"{EVENTS}/{theirs.id}", headers=auth(session, w.auditor))

        assert response.status_code == 404
        assert response.json()["detail"] == f"audit event {theirs.id} was not found"
        [row] = logged(session, w.auditor)
        assert (row.action, row.patient_id, row.allowed) == ("audit_read", w.patient.id, False)

    def test_a_non_auditor_searching_a_patient_is_logged_with_the_patient(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)

        response = client.get(
            EVENTS, params={"personnummer": w.patient.personnummer}, headers=auth(session, w.nurse)
        )

        assert response.status_code == 403
        [row] = logged(session, w.nurse)
        assert (row.action, row.patient_id, row.allowed) == ("audit_search", w.patient.id, False)


class TestExtract:
    def test_only_the_own_care_providers_accesses(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        make_audit_event(session, user=w.nurse, patient=w.patient)
        make_audit_event(session, user=w.municipal_nurse, patient=w.patient)

        region = client.get(
            f"{EVENTS}/extract",
            params={"personnummer": w.patient.personnummer},
            headers=auth(session, w.auditor),
        )

        assert region.status_code == 200, region.text
        body = region.json()
        assert body["care_provider"] == "Region Dalarna"
        assert [e["organisation_code"] for e in body["entries"]] == [w.clinic.code]

    def test_a_patient_the_log_has_nothing_about_is_404_like_an_unknown_one_and_logged(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        make_audit_event(session, user=w.municipal_nurse, patient=w.municipal_patient)
        headers = auth(session, w.auditor)
        unknown_number = valid_personnummer(1940, 1, 1, 1)

        theirs = client.get(
            f"{EVENTS}/extract",
            params={"personnummer": w.municipal_patient.personnummer},
            headers=headers,
        )
        unknown = client.get(
            f"{EVENTS}/extract", params={"personnummer": unknown_number}, headers=headers
        )

        assert theirs.status_code == unknown.status_code == 404
        assert theirs.json()["detail"] == (
            f"no patient with personnummer {w.municipal_patient.personnummer} is in "
            "Region Dalarna's access log"
        )
        assert unknown.json()["detail"] == (
            f"no patient with personnummer {unknown_number} is in Region Dalarna's access log"
        )
        rows = logged(session, w.auditor)
        assert [(r.action, r.patient_id, r.allowed) for r in rows] == [
            ("audit_extract", w.municipal_patient.id, False),
            ("audit_extract", None, False),
        ]
        # Falu kommun's auditor gets it
        municipal = client.get(
            f"{EVENTS}/extract",
            params={"personnummer": w.municipal_patient.personnummer},
            headers=auth(session, w.municipal_auditor),
        )
        assert municipal.status_code == 200

    def test_a_non_auditor_is_refused_and_logged_with_the_patient(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        headers = auth(session, w.nurse)

        by_number = client.get(
            f"{EVENTS}/extract", params={"personnummer": w.patient.personnummer}, headers=headers
        )
        by_id = client.get(
            f"{EVENTS}/extract", params={"patient_id": str(w.patient.id)}, headers=headers
        )
        pdf = client.get(
            f"{EVENTS}/extract.pdf",
            params={"personnummer": w.patient.personnummer},
            headers=headers,
        )

        assert by_number.status_code == by_id.status_code == pdf.status_code == 403
        rows = logged(session, w.nurse)
        assert [(r.action, r.patient_id, r.allowed) for r in rows] == [
            ("audit_extract", w.patient.id, False)
        ] * 3


class TestSample:
    def test_draws_from_the_own_care_providers_log(self, session: Session) -> None:
        w = make_world(session)
        now = datetime.now(UTC)
        region = {
            make_audit_event(
                session, user=w.nurse, patient=w.patient, at=now - timedelta(minutes=i)
            ).id
            for i in range(5)
        }
        municipal = {
            make_audit_event(session, user=w.municipal_nurse, patient=w.patient).id
            for _ in range(5)
        }

        drawn = service.sample(session, 100, scope=CareProvider("region", "Region Dalarna"))
        everything = service.sample(session, 100)

        assert {e.id for e in drawn} == region
        assert region | municipal <= {e.id for e in everything}

    def test_endpoint(self, client: TestClient, session: Session) -> None:
        w = make_world(session)
        mine = make_audit_event(session, user=w.nurse, patient=w.patient)
        make_audit_event(session, user=w.municipal_nurse, patient=w.patient)

        response = client.get(
            f"{EVENTS}/sample", params={"n": 10}, headers=auth(session, w.auditor)
        )

        assert ids(response) == {str(mine.id)}


class TestEmergencyAccesses:
    def test_listed_and_reviewed_per_care_provider(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        ours = make_emergency_access(session, user=w.gp, patient=w.patient)
        theirs = make_emergency_access(session, user=w.municipal_nurse, patient=w.patient)
        headers = auth(session, w.auditor)

        assert ids(client.get(EMERGENCY, headers=headers)) == {str(ours.id)}
        refused = client.post(
            f"{EMERGENCY}/{theirs.id}/review", json={"note": "Looked at it"}, headers=headers
        )
        unknown = client.post(
            f"{EMERGENCY}/{random_id()}/review", json={"note": "Looked"}, headers=headers
        )

        assert refused.status_code == unknown.status_code == 404
        session.expire_all()
        assert session.get(EmergencyAccess, theirs.id).reviewed_at is None  # type: ignore[union-attr]
        rows = logged(session, w.auditor)
        assert [(r.action, r.patient_id, r.allowed) for r in rows] == [
            ("review", w.patient.id, False),
            ("review", None, False),
        ]
        assert ids(client.get(EMERGENCY, headers=auth(session, w.municipal_auditor))) == {
            str(theirs.id)
        }


class TestRefusalCodes:
    def test_the_api_answers_the_code_and_the_page_says_it_in_swedish(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        theirs = make_audit_event(session, user=w.municipal_nurse, patient=w.patient)
        headers = auth(session, w.auditor)

        api = client.get(f"{EVENTS}/{theirs.id}", headers=headers)
        client.cookies.set("samband_session", headers["Authorization"][7:])
        page = client.get("/audit/extract", params={"personnummer": "19121212-1213"})

        assert api.status_code == 404
        assert (api.json()["code"], api.json()["params"]) == (
            "audit.event_not_found",
            {"event_id": str(theirs.id)},
        )
        assert page.status_code == 422
        assert "Personnummer 19121212-1213: kontrollsiffran ska vara 2, inte 3" in page.text
        assert "check digit" not in page.text
