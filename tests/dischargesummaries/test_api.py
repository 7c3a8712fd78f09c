"""The discharge summary through the API (issue 14): made from the episode, edited, signed by
the physician, sent with the referral at discharge to the primary care centre and home
health care (who read it and are notified), a PDF and a valid FHIR document; amendments;
discharge without a signed summary; outsiders, wrong roles and bad input."""

from __future__ import annotations

import io
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from fhir.resources.R4B.bundle import Bundle
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from samband.models import AuditEvent, EpisodeEvent, Notification
from samband.models.dischargesummaries import DischargeSummary
from tests.dischargesummaries.helpers import World, build
from tests.factories import auth

API = "/api/v1"


@pytest.fixture
def world(session: Session) -> World:
    return build(session)


def summaries_url(world: World) -> str:
    return f"{API}/episodes/{world.episode.id}/discharge-summaries"


def create(client: TestClient, session: Session, world: World) -> dict[str, Any]:
    answer = client.post(summaries_url(world), headers=auth(session, world.nurse))
    assert answer.status_code == 201, answer.text
    found: dict[str, Any] = answer.json()
    return found


def discharge(client: TestClient, session: Session, world: World) -> None:
    answer = client.post(
        f"{API}/episodes/{world.episode.id}/transitions",
        json={"to": "discharged", "reason": "Utskrivningskriterierna uppfyllda"},
        headers=auth(session, world.physician),
    )
    assert answer.status_code == 200, answer.text


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def count(session: Session, model: Any, *where: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


class TestTheDischargeProducesASignedSummary:
    """The hidden check: the discharge produces a signed summary, a PDF and a valid FHIR
    document, sent with the referral."""

    def test_end_to_end(self, client: TestClient, session: Session, world: World) -> None:
        draft = create(client, session, world)
        assert draft["status"] == "draft"
        assert draft["version"] == 1
        summary_id = draft["id"]
        url = f"{API}/discharge-summaries/{summary_id}"

        edited = client.patch(
            url,
            json={
                "assessment": "Pyelonefrit, god effekt av cefotaxim. Feberfri sedan tre dygn.",
                "advice": "Drick mycket. Hör av dig till vårdcentralen vid feber.",
                "follow_up": [
                    {"what": "CRP och blodstatus", "who": "Vårdcentralen", "when": "om 2 veckor"},
                    {"what": "PK (Waran)", "who": "Hemsjukvården", "when": "fredag"},
                ],
            },
            headers=auth(session, world.physician),
        )
        assert edited.status_code == 200, edited.text
        assert [f["who"] for f in edited.json()["follow_up"]] == ["Vårdcentralen", "Hemsjukvården"]

        signed = client.post(f"{url}/sign", headers=auth(session, world.physician))
        assert signed.status_code == 200, signed.text
        body = signed.json()
        assert body["status"] == "signed"
        assert body["signed_by_id"] == str(world.physician.id)
        assert body["signed_at"]
        assert body["sent"] == []  # not discharged yet: sent at discharge

        discharge(client, session, world)

        found = client.get(url, headers=auth(session, world.nurse)).json()
        sent = {d["organisation_id"]: d for d in found["sent"]}
        assert set(sent) == {str(world.centre.id), str(world.home.id)}
        assert sent[str(world.centre.id)]["kind"] == "primary_care_referral"
        assert sent[str(world.home.id)]["kind"] == "home_health_care"
        assert sent[str(world.centre.id)]["care_request_id"]
        # the receivers are told, without the patient's identity
        for user in (world.centre_nurse, world.centre_physician, world.home_nurse):
            notes = session.scalars(
                select(Notification).where(
                    Notification.user_id == user.id, Notification.kind == "discharge_summary"
                )
            ).all()
            assert len(notes) == 1
            assert notes[0].link == f"/discharge-summaries/{summary_id}"
        assert count(session, Notification, Notification.user_id == world.outsider.id) == 0

        # the primary care centre reads it, the PDF and the FHIR document
        for reader in (world.centre_nurse, world.home_nurse):
            seen = client.get(url, headers=auth(session, reader))
            assert seen.status_code == 200, seen.text
        pdf = client.get(f"{url}/pdf", headers=auth(session, world.centre_physician))
        assert pdf.status_code == 200, pdf.text
        assert pdf.headers["content-type"] == "application/pdf"
        text = pdf_text(pdf.content)
        for word in ("Astrid Lindqvist", "Cefotaxim", "Waran", "Alvedon", "Furix"):
            assert word in text, word
        assert "CRP och blodstatus" in text
        assert "Signerad av" in text

        answer = client.get(f"{url}/fhir", headers=auth(session, world.centre_nurse))
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"].startswith("application/fhir+json")
        bundle = answer.json()
        Bundle.model_validate(bundle)  # a valid FHIR R4 Bundle
        check_document(bundle, world, final=True)

    def test_signed_after_discharge_is_sent_at_signing(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        discharge(client, session, world)
        # discharge without a summary made a draft from the final data
        (draft,) = client.get(summaries_url(world), headers=auth(session, world.nurse)).json()
        assert draft["status"] == "draft"
        assert draft["content"]["course"]["home_to"] is not None
        assert draft["sent"] == []
        signed = client.post(
            f"{API}/discharge-summaries/{draft['id']}/sign", headers=auth(session, world.physician)
        ).json()
        assert signed["status"] == "signed"
        assert {d["organisation_id"] for d in signed["sent"]} == {
            str(world.centre.id),
            str(world.home.id),
        }


def check_document(bundle: dict[str, Any], world: World, *, final: bool) -> None:
    assert bundle["resourceType"] == "Bundle"
    assert bundle["type"] == "document"
    entries = bundle["entry"]
    assert all(e["fullUrl"].startswith("urn:uuid:") for e in entries)
    assert len({e["fullUrl"] for e in entries}) == len(entries)
    composition = entries[0]["resource"]
    assert composition["resourceType"] == "Composition"
    assert composition["type"]["coding"][0] == {
        "system": "http://loinc.org",
        "code": "18842-5",
        "display": "Discharge summary",
    }
    assert composition["status"] == ("final" if final else "preliminary")
    by_url = {e["fullUrl"]: e["resource"] for e in entries}
    kinds = [e["resource"]["resourceType"] for e in entries]
    for kind in ("Patient", "Practitioner", "Organization", "MedicationStatement"):
        assert kind in kinds, kind
    patient = by_url[composition["subject"]["reference"]]
    assert patient["resourceType"] == "Patient"
    assert patient["identifier"][0]["value"] == world.patient.personnummer
    if final:
        (attester,) = composition["attester"]
        practitioner = by_url[attester["party"]["reference"]]
        assert practitioner["resourceType"] == "Practitioner"
        assert practitioner["name"][0]["text"] == world.physician.full_name
    else:
        assert "attester" not in composition
    codes = [s["code"]["coding"][0]["code"] for s in composition["section"]]
    assert codes[:4] == ["8648-8", "10183-2", "30954-2", "18776-5"]
    meds = composition["section"][1]["entry"]
    drugs = {by_url[m["reference"]]["medicationCodeableConcept"]["text"] for m in meds}
    assert drugs == {"Cefotaxim", "Waran", "Alvedon", "Furix"}
    stopped = [
        by_url[m["reference"]] for m in meds if by_url[m["reference"]]["status"] == "stopped"
    ]
    assert [s["medicationCodeableConcept"]["text"] for s in stopped] == ["Furix"]
    assert stopped[0]["statusReason"][0]["text"] == "Lågt blodtryck"
    # every reference in the document points at an entry of it
    for section in composition["section"]:
        for ref in section.get("entry", []):
            assert ref["reference"] in by_url


class TestContent:
    def test_course_and_medication_changes(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        content = create(client, session, world)["content"]
        course = content["course"]
        assert course["reason"] == "Pyelonefrit, iv antibiotika"
        assert course["visits_done"] == 3
        assert course["visits_missed"] == 1
        assert course["alerts"] == 1
        assert course["rounds"] == 1
        kinds = [item["kind"] for item in course["timeline"]]
        assert kinds.count("visits") == 3
        assert {"alert", "round", "home"} <= set(kinds)
        alert = next(i for i in course["timeline"] if i["kind"] == "alert")
        assert alert["action"] == "phone_call"
        meds = content["medications"]
        rows = {m["drug"]: m for m in meds["at_discharge"]}
        assert rows["Cefotaxim"]["change"] == "unchanged"
        assert rows["Waran"]["change"] == "changed"
        assert rows["Waran"]["changes"] == {"dose": ["2,5 mg", "5 mg"]}
        assert rows["Alvedon"]["change"] == "started"
        assert [s["drug"] for s in meds["stopped"]] == ["Furix"]
        assert meds["stopped"][0]["reason"] == "Lågt blodtryck"
        assert meds["at_start"] == 3

    def test_refresh_takes_new_data_and_keeps_the_written(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        from tests.factories import make_medication

        draft = create(client, session, world)
        url = f"{API}/discharge-summaries/{draft['id']}"
        client.patch(url, json={"advice": "Vila"}, headers=auth(session, world.nurse))
        make_medication(session, world.episode, by=world.physician, drug="Movicol", dose="1 påse")
        refreshed = client.post(f"{url}/refresh", headers=auth(session, world.nurse)).json()
        assert "Movicol" in {m["drug"] for m in refreshed["content"]["medications"]["at_discharge"]}
        assert refreshed["advice"] == "Vila"

    def test_preliminary_document_for_a_draft(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        draft = create(client, session, world)
        bundle = client.get(
            f"{API}/discharge-summaries/{draft['id']}/fhir", headers=auth(session, world.nurse)
        ).json()
        Bundle.model_validate(bundle)
        check_document(bundle, world, final=False)
        pdf = client.get(
            f"{API}/discharge-summaries/{draft['id']}/pdf?lang=en",
            headers=auth(session, world.nurse),
        )
        assert "DRAFT" in pdf_text(pdf.content)


class TestSigningAndAmending:
    def test_a_signed_summary_is_frozen_and_amended_in_a_new_version(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        first = create(client, session, world)
        url = f"{API}/discharge-summaries/{first['id']}"
        client.post(f"{url}/sign", headers=auth(session, world.physician))
        for method, path, body in (
            ("PATCH", url, {"advice": "Ny"}),
            ("POST", f"{url}/refresh", None),
            ("POST", f"{url}/sign", None),
        ):
            answer = client.request(method, path, json=body, headers=auth(session, world.physician))
            assert answer.status_code == 409, (method, path, answer.text)
        again = client.post(summaries_url(world), headers=auth(session, world.nurse))
        assert again.status_code == 409
        assert again.json()["summary_id"] == first["id"]

        missing_reason = client.post(f"{url}/amend", json={}, headers=auth(session, world.nurse))
        assert missing_reason.status_code == 422
        assert [e["field"] for e in missing_reason.json()["errors"]] == ["reason"]
        amended = client.post(
            f"{url}/amend", json={"reason": "Fel dos Waran"}, headers=auth(session, world.nurse)
        )
        assert amended.status_code == 201, amended.text
        second = amended.json()
        assert second["version"] == 2
        assert second["status"] == "draft"
        assert second["amends_id"] == first["id"]
        assert second["amendment_reason"] == "Fel dos Waran"
        # the signed one is in force until the new one is signed
        assert client.get(url, headers=auth(session, world.nurse)).json()["status"] == "signed"
        client.post(
            f"{API}/discharge-summaries/{second['id']}/sign", headers=auth(session, world.physician)
        )
        assert client.get(url, headers=auth(session, world.nurse)).json()["status"] == "superseded"
        versions = client.get(summaries_url(world), headers=auth(session, world.nurse)).json()
        assert [(v["version"], v["status"]) for v in versions] == [(2, "signed"), (1, "superseded")]
        bundle = client.get(
            f"{API}/discharge-summaries/{second['id']}/fhir", headers=auth(session, world.nurse)
        ).json()
        assert bundle["entry"][0]["resource"]["status"] == "amended"
        Bundle.model_validate(bundle)

    def test_a_signed_amendment_after_discharge_is_sent_again(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        first = create(client, session, world)
        client.post(
            f"{API}/discharge-summaries/{first['id']}/sign", headers=auth(session, world.physician)
        )
        discharge(client, session, world)
        second = client.post(
            f"{API}/discharge-summaries/{first['id']}/amend",
            json={"reason": "Tillägg om uppföljning"},
            headers=auth(session, world.physician),
        ).json()
        signed = client.post(
            f"{API}/discharge-summaries/{second['id']}/sign",
            headers=auth(session, world.physician),
        ).json()
        assert len(signed["sent"]) == 2
        notes = session.scalars(
            select(Notification).where(
                Notification.user_id == world.centre_nurse.id,
                Notification.kind == "discharge_summary",
            )
        ).all()
        assert len(notes) == 2


class TestMissing:
    def test_discharge_without_a_signed_summary_is_marked_and_counted(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        listed = client.get(
            f"{API}/discharge-summaries/missing", headers=auth(session, world.nurse)
        )
        assert listed.json()["total"] == 0
        discharge(client, session, world)
        event = session.scalars(
            select(EpisodeEvent).where(
                EpisodeEvent.episode_id == world.episode.id, EpisodeEvent.to_state == "discharged"
            )
        ).one()
        assert event.data["discharge_summary_missing"] is True
        listed = client.get(
            f"{API}/discharge-summaries/missing", headers=auth(session, world.nurse)
        )
        body = listed.json()
        assert body["total"] == 1
        assert body["items"][0]["episode_id"] == str(world.episode.id)
        assert body["items"][0]["draft_id"] == event.data["discharge_summary_id"]
        # another organisation does not count them
        other = client.get(
            f"{API}/discharge-summaries/missing", headers=auth(session, world.outsider)
        )
        assert other.json()["total"] == 0
        client.post(
            f"{API}/discharge-summaries/{body['items'][0]['draft_id']}/sign",
            headers=auth(session, world.physician),
        )
        listed = client.get(
            f"{API}/discharge-summaries/missing", headers=auth(session, world.nurse)
        )
        assert listed.json()["total"] == 0


class TestAccess:
    def test_outsiders_get_404_and_a_refused_log_row(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        draft = create(client, session, world)
        url = f"{API}/discharge-summaries/{draft['id']}"
        for path in (url, f"{url}/pdf", f"{url}/fhir", summaries_url(world)):
            answer = client.get(path, headers=auth(session, world.outsider))
            assert answer.status_code == 404, path
            assert world.patient.family_name not in answer.text
        refused = count(
            session,
            AuditEvent,
            AuditEvent.user_id == world.outsider.id,
            AuditEvent.patient_id == world.patient.id,
            AuditEvent.allowed.is_(False),
        )
        assert refused >= 4
        answer = client.post(f"{url}/sign", headers=auth(session, world.outsider_physician))
        assert answer.status_code == 404
        assert session.get(DischargeSummary, uuid.UUID(draft["id"])).status == "draft"

    def test_an_unknown_summary_is_404_and_logged(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        unknown = uuid.uuid4()
        answer = client.get(
            f"{API}/discharge-summaries/{unknown}", headers=auth(session, world.nurse)
        )
        assert answer.status_code == 404
        assert count(session, AuditEvent, AuditEvent.resource_id == str(unknown)) == 1

    def test_only_a_physician_signs(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        draft = create(client, session, world)
        answer = client.post(
            f"{API}/discharge-summaries/{draft['id']}/sign", headers=auth(session, world.nurse)
        )
        assert answer.status_code == 403
        assert answer.json()["permission"] == "discharge_summary:sign"
        assert session.get(DischargeSummary, uuid.UUID(draft["id"])).status == "draft"

    def test_an_assistant_nurse_reads_but_does_not_write(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        answer = client.post(summaries_url(world), headers=auth(session, world.assistant))
        assert answer.status_code == 403
        draft = create(client, session, world)
        assert (
            client.get(
                f"{API}/discharge-summaries/{draft['id']}", headers=auth(session, world.assistant)
            ).status_code
            == 200
        )

    def test_participants_read_but_only_the_responsible_organisation_writes(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        answer = client.post(summaries_url(world), headers=auth(session, world.home_nurse))
        assert answer.status_code == 403
        draft = create(client, session, world)
        url = f"{API}/discharge-summaries/{draft['id']}"
        assert client.get(url, headers=auth(session, world.home_nurse)).status_code == 200
        patched = client.patch(url, json={"advice": "x"}, headers=auth(session, world.home_nurse))
        assert patched.status_code == 403
        signed = client.post(f"{url}/sign", headers=auth(session, world.centre_physician))
        assert signed.status_code == 403
        assert session.get(DischargeSummary, uuid.UUID(draft["id"])).status == "draft"

    def test_reads_are_logged(self, client: TestClient, session: Session, world: World) -> None:
        draft = create(client, session, world)
        client.get(
            f"{API}/discharge-summaries/{draft['id']}/pdf", headers=auth(session, world.nurse)
        )
        logged = session.scalars(
            select(AuditEvent).where(
                AuditEvent.user_id == world.nurse.id,
                AuditEvent.resource_type == "discharge_summary",
                AuditEvent.action == "print",
            )
        ).all()
        assert len(logged) == 1
        assert logged[0].patient_id == world.patient.id


class TestBadInput:
    def test_not_while_a_candidate(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        world.episode.state = "candidate"
        session.flush()
        answer = client.post(summaries_url(world), headers=auth(session, world.nurse))
        assert answer.status_code == 409
        assert count(session, DischargeSummary) == 0

    @pytest.mark.parametrize(
        "body",
        [
            {"follow_up": [{"who": "VC"}]},
            {"follow_up": [{"what": "x" * 2001}]},
            {"follow_up": [{"what": "CRP", "who": "VC", "extra": 1}]},
            {"follow_up": [{"what": "CRP"}] * 21},
            {"advice": ""},
            {"nonsense": 1},
        ],
    )
    def test_bad_edits_name_the_field(
        self, client: TestClient, session: Session, world: World, body: dict[str, Any]
    ) -> None:
        draft = create(client, session, world)
        answer = client.patch(
            f"{API}/discharge-summaries/{draft['id']}",
            json=body,
            headers=auth(session, world.nurse),
        )
        assert answer.status_code == 422, answer.text
        assert all(e["field"] for e in answer.json()["errors"])
        unchanged = session.get(DischargeSummary, uuid.UUID(draft["id"]))
        session.refresh(unchanged)
        assert unchanged.follow_up == []
        assert unchanged.advice is None


class TestResults:
    def test_lab_results_are_in_the_summary_and_the_document(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        from datetime import timedelta

        from samband.kit.time import utcnow
        from samband.labresults import service as labresults
        from samband.labresults.schemas import LabResultCreate
        from tests.dischargesummaries.helpers import ctx_of

        ctx = ctx_of(session, world.nurse)
        for days, value in ((3, 120.0), (1, 35.0)):
            labresults.enter(
                ctx,
                LabResultCreate(
                    episode_id=world.episode.id,
                    test="crp",
                    value=value,
                    unit="mg/L",
                    taken_at=utcnow() - timedelta(days=days),
                ),
            )
        session.flush()
        draft = create(client, session, world)
        items = draft["content"]["results"]["items"]
        assert draft["content"]["results"]["available"] is True
        assert [i["numeric"] for i in items] == [35.0, 120.0]  # newest first
        assert items[1]["flag"] == "H"
        bundle = client.get(
            f"{API}/discharge-summaries/{draft['id']}/fhir", headers=auth(session, world.nurse)
        ).json()
        Bundle.model_validate(bundle)
        by_url = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
        results = bundle["entry"][0]["resource"]["section"][2]["entry"]
        observations = [by_url[r["reference"]] for r in results]
        assert [o["resourceType"] for o in observations] == ["Observation", "Observation"]
        assert observations[0]["valueQuantity"]["value"] == 35.0
        assert observations[0]["code"]["coding"][0]["system"] == "http://loinc.org"
        pdf = client.get(
            f"{API}/discharge-summaries/{draft['id']}/pdf", headers=auth(session, world.nurse)
        )
        assert "CRP" in pdf_text(pdf.content)


class TestCareRequestClosedAtDischarge:
    def test_the_closing_line_is_worded_by_its_key(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        from samband.models import CareRequest

        discharge(client, session, world)
        request = session.scalars(
            select(CareRequest).where(
                CareRequest.episode_id == world.episode.id, CareRequest.kind == "home_health_care"
            )
        ).one()
        session.refresh(request)
        assert request.state == "completed"
        answer = client.get(
            f"{API}/care-requests/{request.id}", headers=auth(session, world.home_nurse)
        )
        assert answer.json()["history"][-1]["reason_key"] == "carerequest.episode_ended"
        client.cookies.set("samband_session", auth(session, world.nurse)["Authorization"][7:])
        page = client.get(f"/care-requests/{request.id}")
        assert "avslutad när vårdtillfället avslutades" in page.text
        assert "the episode ended" not in page.text
