"""Kim's OPAT episode from candidate to discharge, through the API only, as the staff of
three organisations would do it, and the auditor's view of it afterwards."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from samband.models import AuditEvent
from samband.pathways.definition import registry
from tests.factories import PASSWORD, make_municipality, make_organisation, make_unit, make_user


def login(client: TestClient, username: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


class TestOpatFlowForKim:
    def test_candidate_to_discharge(self, client: TestClient, session: Session) -> None:
        clinic = make_organisation(session, kind="hospital_clinic", code="INF")
        ward = make_unit(session, clinic, code="INF-11", beds=2)
        municipality = make_municipality(session, code="HSV")
        primary_care = make_organisation(session, kind="primary_care_centre", code="VC")
        for username, org, role in [
            ("anna", clinic, "physician"),
            ("bertil", clinic, "registered_nurse"),
            ("cecilia", clinic, "pharmacist"),
            ("eva", municipality, "registered_nurse"),
            ("fredrik", municipality, "registered_nurse"),
            ("outsider", primary_care, "physician"),
            ("maria", clinic, "auditor"),
        ]:
            make_user(
                session, org, role=role, username=username, unit=ward if org is clinic else None
            )
        physician, nurse, pharmacist = (
            login(client, "anna"),
            login(client, "bertil"),
            login(client, "cecilia"),
        )
        eva, fredrik, outsider = (
            login(client, "eva"),
            login(client, "fredrik"),
            login(client, "outsider"),
        )

        def ok(response, status: int = 200) -> dict:  # type: ignore[no-untyped-def]
            assert response.status_code == status, response.text
            return response.json()

        kim = ok(
            client.post(
                "/api/v1/patients",
                headers=nurse,
                json={
                    "personnummer": "680314-9829",
                    "given_name": "Kim",
                    "family_name": "Sandberg",
                    "latitude": 60.6,
                    "longitude": 15.63,
                    "phone": "070-123 45 67",
                    "listed_primary_care_id": primary_care.id.hex,
                    "next_of_kin": [
                        {"name": "Robin", "relation": "partner", "phone": "070-765 43 21"}
                    ],
                    "what_matters": "Sova hemma",
                },
            ),
            201,
        )
        assert client.get(f"/api/v1/patients/{kim['id']}", headers=outsider).status_code == 404

        episode = ok(
            client.post(
                "/api/v1/episodes",
                headers=nurse,
                json={
                    "patient_id": kim["id"],
                    "pathway": "opat",
                    "type": "early_supported_discharge",
                    "responsible_unit_id": ward.id.hex,
                    "reason": "stable on IV antibiotics",
                },
            ),
            201,
        )
        eid = episode["id"]

        def move(headers: dict[str, str], **body: object):  # type: ignore[no-untyped-def]
            return client.post(f"/api/v1/episodes/{eid}/transitions", headers=headers, json=body)

        answers = {c.key: True for c in registry()["opat"].eligibility}
        ok(move(physician, to="assessed", eligible=True, answers=answers))
        ok(
            move(
                nurse,
                to="consented",
                patient_informed=True,
                next_of_kin_informed=True,
                patient_consents=True,
                shared_records_consent=True,
            )
        )
        me = ok(client.get("/api/v1/me", headers=physician))
        contact = ok(client.get("/api/v1/me", headers=nurse))
        ok(
            client.patch(
                f"/api/v1/episodes/{eid}",
                headers=nurse,
                json={"responsible_physician_id": me["id"], "care_contact_id": contact["id"]},
            )
        )

        plan = ok(client.post("/api/v1/care-plans", headers=nurse, json={"episode_id": eid}), 201)
        content = plan["version"]["content"]
        content["goals"] = ["Bli frisk hemma och gå ut med hunden"]
        plan = ok(
            client.put(
                f"/api/v1/care-plans/{plan['id']}",
                headers=nurse,
                json={"base_version": 1, "content": content, "change_note": "Kim's own goal"},
            )
        )
        assert plan["current_version"] == 2
        ok(
            client.post(
                f"/api/v1/care-plans/{plan['id']}/versions/2/acknowledgements",
                headers=nurse,
                json={"party": "patient", "name": "Kim Sandberg"},
            ),
            201,
        )

        ok(move(nurse, to="planned"))
        ok(
            client.post(
                "/api/v1/medications",
                headers=physician,  # a medication order is a physician's
                json={
                    "episode_id": eid,
                    "drug": "Cefotaxim",
                    "dose": "1 g",
                    "route": "iv",
                    "schedule": "08:00 16:00 24:00",
                    "given_by": "registered_nurse",
                    "supplied_by": "Infektionsavdelning 11",
                    "days": 7,
                },
            ),
            201,
        )

        request = ok(
            client.post(
                "/api/v1/care-requests",
                headers=nurse,
                json={
                    "episode_id": eid,
                    "to_organisation_id": municipality.id.hex,
                    "kind": "home_health_care",
                    "message": "IV cefotaxim x3",
                },
            ),
            201,
        )
        assert request["medication_snapshot"][0]["drug"] == "Cefotaxim"
        inbox = ok(client.get("/api/v1/care-requests?direction=incoming", headers=fredrik))
        assert [r["id"] for r in inbox["items"]] == [request["id"]]
        ok(
            client.post(
                f"/api/v1/care-requests/{request['id']}/transitions",
                headers=fredrik,
                json={"to": "accepted"},
            )
        )

        refused = move(nurse, to="at_home")
        assert refused.status_code == 409
        assert "checklist item 'Medication list reconciled' not done" in refused.json()["detail"]
        for item in ok(client.get(f"/api/v1/episodes/{eid}/checklist", headers=nurse)):
            if item["blocking"] and not item["done"]:
                signer = pharmacist if "pharmacist" in item["signer_roles"] else nurse
                ok(
                    client.post(
                        f"/api/v1/episodes/{eid}/checklist/{item['key']}/sign",
                        headers=signer,
                        json={},
                    )
                )
        ok(move(nurse, to="at_home"))
        assert ok(client.get(f"/api/v1/patients/{kim['id']}", headers=eva))["id"] == kim["id"]

        referral = ok(
            client.post(
                "/api/v1/care-requests",
                headers=nurse,
                json={
                    "episode_id": eid,
                    "to_organisation_id": primary_care.id.hex,
                    "kind": "primary_care_referral",
                    "message": "Follow-up CRP in 2 weeks",
                },
            ),
            201,
        )
        assert referral["state"] == "sent"
        assert move(nurse, to="discharged").status_code == 403
        done = ok(move(physician, to="discharged", reason="discharge criteria met"))
        assert done["state"] == "discharged"

        timeline = ok(client.get(f"/api/v1/episodes/{eid}/events", headers=nurse))
        assert [e["to_state"] for e in timeline if e["kind"] == "transition"] == [
            "candidate",
            "assessed",
            "consented",
            "planned",
            "at_home",
            "discharged",
        ]

        auditor = login(client, "maria")
        assert client.get(f"/api/v1/patients/{kim['id']}", headers=auditor).status_code == 403
        log = ok(
            client.get(f"/api/v1/audit-events?patient_id={kim['id']}&limit=500", headers=auditor)
        )
        stored = session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.patient_id == uuid.UUID(kim["id"]))
        )
        # Everything logged until the search is in it (the search itself is logged too).
        assert stored is not None
        assert log["total"] >= 20
        assert stored > log["total"]
        # the region's auditor reads the region's log: the municipality's nurses' accesses
        # are in the municipality's log (patientdatalagen: per care provider)
        users = {e["username"] for e in log["items"]}
        assert {"anna", "bertil", "cecilia", "outsider"} <= users
        assert not {"fredrik", "eva"} & users
        denied = [e for e in log["items"] if not e["allowed"]]
        assert {e["username"] for e in denied} >= {"outsider", "maria"}
        extract = ok(
            client.get("/api/v1/audit-events/extract?personnummer=196803149829", headers=auditor)
        )
        codes = {o["code"] for o in extract["organisations"]}
        assert "INF" in codes
        assert "HSV" not in codes
