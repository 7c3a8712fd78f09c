"""Review marks (audit_reviews) beside the append-only log, the lists to review (new care
relationships, overridden blocks) with their reviewed/unreviewed filter, the sample's marks,
and a patient's extract as a PDF."""

from __future__ import annotations

import io
from dataclasses import dataclass

from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.audit import pdf, service
from samband.models import AuditEvent, AuditReview, Organisation, Patient, User
from samband.organisations.repository import CareProvider
from samband.security.context import Context
from samband.security.service import actor_of
from tests.factories import (
    auth,
    make_audit_event,
    make_municipality,
    make_organisation,
    make_patient,
    make_unit,
    make_user,
    random_id,
    valid_personnummer,
)

EVENTS = "/api/v1/audit-events"
REVIEWS = "/api/v1/audit-reviews"
TO_REVIEW = f"{EVENTS}/to-review"


@dataclass
class World:
    clinic: Organisation
    nurse: User
    physician: User
    auditor: User
    municipal_nurse: User
    municipal_auditor: User
    patient: Patient


def make_world(session: Session) -> World:
    clinic = make_organisation(session, authority_name="Region Dalarna", name="Infektion")
    unit = make_unit(session, clinic)
    home_care = make_municipality(session)
    nurse = make_user(session, clinic, unit=unit)
    return World(
        clinic=clinic,
        nurse=nurse,
        physician=make_user(session, clinic, role="physician", unit=unit),
        auditor=make_user(session, clinic, role="auditor"),
        municipal_nurse=make_user(session, home_care),
        municipal_auditor=make_user(session, home_care, role="auditor"),
        patient=make_patient(
            session, registered_by=nurse, personnummer=valid_personnummer(1951, 11, 3, 318)
        ),
    )


def relationship_start(session: Session, user: User, patient: Patient) -> AuditEvent:
    return make_audit_event(
        session,
        user=user,
        patient=patient,
        action="relationship_start",
        resource_type="care_relationship",
        reason="flagged as a candidate (opat): cellulitis",
    )


def block_override(session: Session, user: User, patient: Patient) -> AuditEvent:
    return make_audit_event(
        session,
        user=user,
        patient=patient,
        action="block_override",
        resource_type="episode",
        emergency=True,
        reason="emergency access overrides the patient's block (spärr)",
    )


def item_ids(response: object) -> list[str]:
    return [i["event"]["id"] for i in response.json()["items"]]  # type: ignore[attr-defined]


class TestToReview:
    def test_new_care_relationships_and_overridden_blocks_with_the_filter(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        started = relationship_start(session, w.nurse, w.patient)
        overridden = block_override(session, w.physician, w.patient)
        make_audit_event(session, user=w.nurse, patient=w.patient)  # an ordinary read
        relationship_start(session, w.municipal_nurse, w.patient)  # another care provider's
        headers = auth(session, w.auditor)

        relations = client.get(TO_REVIEW, params={"kind": "relationship_start"}, headers=headers)
        blocks = client.get(TO_REVIEW, params={"kind": "block_override"}, headers=headers)

        assert relations.status_code == 200, relations.text
        assert item_ids(relations) == [str(started.id)]
        assert item_ids(blocks) == [str(overridden.id)]
        assert relations.json()["items"][0]["review"] is None

        marked = client.post(
            REVIEWS,
            json={"event_id": str(started.id), "note": "Candidate flagged on the ward: fine"},
            headers=headers,
        )
        assert marked.status_code == 201, marked.text
        assert marked.json()["kind"] == "relationship_start"
        assert marked.json()["reviewed_by_id"] == str(w.auditor.id)

        def listed(reviewed: str) -> list[str]:
            return item_ids(
                client.get(
                    TO_REVIEW,
                    params={"kind": "relationship_start", "reviewed": reviewed},
                    headers=headers,
                )
            )

        assert listed("true") == [str(started.id)]
        assert listed("false") == []
        again = client.get(TO_REVIEW, params={"kind": "relationship_start"}, headers=headers)
        review = again.json()["items"][0]["review"]
        assert review["note"] == "Candidate flagged on the ward: fine"

    def test_unknown_kind_and_wrong_role(self, client: TestClient, session: Session) -> None:
        w = make_world(session)
        assert (
            client.get(
                TO_REVIEW, params={"kind": "read"}, headers=auth(session, w.auditor)
            ).status_code
            == 422
        )
        assert (
            client.get(
                TO_REVIEW, params={"kind": "block_override"}, headers=auth(session, w.nurse)
            ).status_code
            == 403
        )


class TestMarks:
    def test_a_mark_is_a_row_of_its_own_and_the_event_never_changes(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        event = make_audit_event(session, user=w.nurse, patient=w.patient)
        before = (event.at, event.allowed, event.reason)
        headers = auth(session, w.auditor)

        first = client.post(
            REVIEWS, json={"event_id": str(event.id), "note": "Part of the care"}, headers=headers
        )
        second = client.post(
            REVIEWS, json={"event_id": str(event.id), "note": "Again"}, headers=headers
        )

        assert first.status_code == 201
        assert first.json()["kind"] == "sample"
        assert second.status_code == 409
        assert "already reviewed" in second.json()["detail"]
        session.expire_all()
        stored = session.get(AuditEvent, event.id)
        assert stored is not None
        assert (stored.at, stored.allowed, stored.reason) == before
        marks = list(session.scalars(select(AuditReview).where(AuditReview.event_id == event.id)))
        assert [(m.note, m.reviewed_by_id) for m in marks] == [("Part of the care", w.auditor.id)]
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.user_id == w.auditor.id, AuditEvent.allowed)
        )
        assert [(r.action, r.patient_id, r.resource_id) for r in rows] == [
            ("audit_review", w.patient.id, str(event.id))
        ]

    def test_another_care_providers_row_is_404_and_logged(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        theirs = make_audit_event(session, user=w.municipal_nurse, patient=w.patient)
        headers = auth(session, w.auditor)

        other = client.post(
            REVIEWS, json={"event_id": str(theirs.id), "note": "Mine?"}, headers=headers
        )
        unknown = client.post(REVIEWS, json={"event_id": random_id(), "note": "?"}, headers=headers)

        assert other.status_code == unknown.status_code == 404
        session.expire_all()
        assert session.scalar(select(AuditReview)) is None
        refused = session.scalars(
            select(AuditEvent).where(AuditEvent.user_id == w.auditor.id).order_by(AuditEvent.at)
        )
        assert [(r.action, r.patient_id, r.allowed) for r in refused] == [
            ("audit_review", w.patient.id, False),
            ("audit_review", None, False),
        ]

    def test_wrong_role_and_empty_note(self, client: TestClient, session: Session) -> None:
        w = make_world(session)
        event = make_audit_event(session, user=w.nurse, patient=w.patient)

        nurse = client.post(
            REVIEWS,
            json={"event_id": str(event.id), "note": "Fine"},
            headers=auth(session, w.nurse),
        )
        empty = client.post(
            REVIEWS, json={"event_id": str(event.id), "note": " "}, headers=auth(session, w.auditor)
        )

        assert (nurse.status_code, empty.status_code) == (403, 422)

    def test_no_route_changes_audit_events_still(self, client: TestClient) -> None:
        paths = client.get("/openapi.json").json()["paths"]
        assert set(paths[REVIEWS]) == {"post"}
        assert all(set(ops) == {"get"} for path, ops in paths.items() if path.startswith(EVENTS))


class TestSampleMarks:
    def test_the_sample_carries_its_marks_and_filters_the_same_draw(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        events = [make_audit_event(session, user=w.nurse, patient=w.patient) for _ in range(4)]
        headers = auth(session, w.auditor)
        params = {"n": 3, "seed": 11}
        drawn = client.get(f"{EVENTS}/sample", params=params, headers=headers).json()
        first = drawn["items"][0]["id"]
        client.post(REVIEWS, json={"event_id": first, "note": "Checked"}, headers=headers)

        again = client.get(f"{EVENTS}/sample", params=params, headers=headers).json()
        reviewed = client.get(
            f"{EVENTS}/sample", params={**params, "reviewed": "true"}, headers=headers
        ).json()
        unreviewed = client.get(
            f"{EVENTS}/sample", params={**params, "reviewed": "false"}, headers=headers
        ).json()

        assert [i["id"] for i in again["items"]] == [i["id"] for i in drawn["items"]]
        assert [r["event_id"] for r in again["reviews"]] == [first]
        assert [i["id"] for i in reviewed["items"]] == [first]
        assert len(unreviewed["items"]) == 2
        assert first not in {i["id"] for i in unreviewed["items"]}
        assert len(events) == 4


class TestExtractPdf:
    def test_a_real_pdf_in_swedish_and_english(self, client: TestClient, session: Session) -> None:
        w = make_world(session)
        make_audit_event(session, user=w.nurse, patient=w.patient)
        make_audit_event(session, user=w.physician, patient=w.patient, emergency=True)
        headers = auth(session, w.auditor)
        params = {"personnummer": w.patient.personnummer}

        swedish = client.get(f"{EVENTS}/extract.pdf", params=params, headers=headers)
        english = client.get(
            f"{EVENTS}/extract.pdf", params={**params, "lang": "en"}, headers=headers
        )

        assert swedish.status_code == 200, swedish.text
        assert swedish.headers["content-type"] == "application/pdf"
        text = _pdf_text(swedish.content)
        assert "Loggutdrag" in text
        assert f"{w.patient.personnummer[:8]}-{w.patient.personnummer[8:]}" in text
        assert "Region Dalarna" in text
        assert "Infektion" in text
        assert "Nödåtkomst" in text
        assert "Access-log extract" in _pdf_text(english.content)
        rows = session.scalars(select(AuditEvent).where(AuditEvent.user_id == w.auditor.id))
        assert [(r.action, r.patient_id) for r in rows] == [("audit_extract", w.patient.id)] * 2

    def test_another_care_providers_patient_is_404(
        self, client: TestClient, session: Session
    ) -> None:
        w = make_world(session)
        make_audit_event(session, user=w.municipal_nurse, patient=w.patient)

        response = client.get(
            f"{EVENTS}/extract.pdf",
            params={"personnummer": w.patient.personnummer},
            headers=auth(session, w.auditor),
        )

        assert response.status_code == 404

    def test_renders_without_entries_and_with_the_standard_font(self, session: Session) -> None:
        w = make_world(session)
        make_audit_event(session, user=w.nurse, patient=w.patient, allowed=False)
        extract = service.extract(_ctx(session, w.auditor), patient_id=w.patient.id)

        text = _pdf_text(pdf.render(extract, lang="sv", font_dir=None))

        assert extract.entries == []
        assert "Inga åtkomster." in text
        assert extract.care_provider == "Region Dalarna"
        assert CareProvider("region", "Region Dalarna").label == "Region Dalarna"


def _ctx(session: Session, user: User) -> Context:
    session.refresh(user)
    return Context(session=session, actor=actor_of(user))


def _pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)
