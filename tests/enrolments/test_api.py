"""The enrolment API: enrol a patient in the municipality's home health care without a hospital
episode, end it, set the fixed physician and care contact with their history, and the
episodes API's ``kind`` (decision 0018)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from samband.kit.time import local_today
from samband.models import (
    Episode,
    EpisodeEvent,
    EpisodeParticipant,
    Patient,
    PatientAssignment,
    Visit,
)
from tests.enrolments.helpers import World, add_visit, as_id, build, enrol, log_rows
from tests.factories import auth, make_episode


@pytest.fixture
def w(session: Session) -> World:
    return build(session)


def count(session: Session, model: type) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model)) or 0


def participants(session: Session, episode_id: object) -> dict[object, str]:
    session.expire_all()
    rows = session.scalars(
        select(EpisodeParticipant).where(EpisodeParticipant.episode_id == as_id(episode_id))
    )
    return {p.organisation_id: p.role for p in rows}


class TestEnrol:
    def test_a_municipal_nurse_enrols_a_registered_patient(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        response = client.post(
            f"/api/v1/patients/{w.patient.id}/enrolment",
            json={"fixed_physician_id": str(w.gp.id), "care_contact_id": str(w.nurse.id)},
            headers=auth(session, w.nurse),
        )

        assert response.status_code == 201, response.text
        body = response.json()
        assert (body["kind"], body["state"]) == ("home_health_care", "at_home")
        assert body["started_at"] is not None
        assert body["unit_name"] == w.hsv_unit.name
        assert body["fixed_physician"]["name"] == w.gp.full_name
        assert body["fixed_physician"]["phone"] == "070-222 22 22"
        assert body["fixed_physician"]["organisation_name"] == "Vårdcentralen Norra"
        assert body["care_contact"]["id"] == str(w.nurse.id)
        assert participants(session, body["id"]) == {
            w.hsv.id: "responsible",
            w.vc.id: "primary_care",
        }
        episode = session.get(Episode, as_id(body["id"]))
        assert episode is not None
        assert episode.responsible_physician_id == w.gp.id  # its alerts reach the physician
        assert episode.care_contact_id == w.nurse.id
        patient = session.get(Patient, w.patient.id)
        assert patient is not None
        assert (patient.fixed_physician_id, patient.fixed_care_contact_id) == (w.gp.id, w.nurse.id)
        kinds = {
            e.kind
            for e in session.scalars(
                select(EpisodeEvent).where(EpisodeEvent.episode_id == episode.id)
            )
        }
        assert "enrolled" in kinds
        assert count(session, PatientAssignment) == 2
        assert log_rows(session, user=w.nurse, action="create", resource_type="enrolment")

    def test_the_fixed_physicians_organisation_takes_part(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        response = client.post(
            f"/api/v1/patients/{w.patient.id}/enrolment",
            json={"fixed_physician_id": str(w.other_gp.id)},
            headers=auth(session, w.nurse),
        )

        assert response.status_code == 201, response.text
        assert participants(session, response.json()["id"]) == {
            w.hsv.id: "responsible",
            w.vc.id: "primary_care",  # listed there
            w.other_vc.id: "primary_care",  # the fixed physician's centre
        }

    def test_a_second_enrolment_is_refused_with_409_and_writes_nothing(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        headers = auth(session, w.nurse)
        first = client.post(f"/api/v1/patients/{w.patient.id}/enrolment", json={}, headers=headers)
        episodes = count(session, Episode)

        second = client.post(
            f"/api/v1/patients/{w.patient.id}/enrolment", json={}, headers=auth(session, w.nurse2)
        )

        assert first.status_code == 201, first.text
        assert second.status_code == 409, second.text
        assert second.json()["code"] == "enrolment.already_enrolled"
        assert str(first.json()["id"]) not in second.text
        assert count(session, Episode) == episodes

    def test_a_hospital_episode_may_lie_on_top_of_the_enrolment(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        enrolled = client.post(
            f"/api/v1/patients/{w.patient.id}/enrolment", json={}, headers=auth(session, w.nurse)
        )

        flagged = client.post(
            "/api/v1/episodes",
            json={
                "patient_id": str(w.patient.id),
                "pathway": "opat",
                "type": "early_supported_discharge",
                "responsible_unit_id": str(w.ward.id),
                "reason": "Inlagd för pyelonefrit, hem med iv-antibiotika",
            },
            headers=auth(session, w.hospital_nurse),
        )

        assert enrolled.status_code == 201, enrolled.text
        assert flagged.status_code == 201, flagged.text
        assert flagged.json()["kind"] == "hospital_at_home"
        listed = client.get(
            "/api/v1/episodes",
            params={"patient_id": str(w.patient.id)},
            headers=auth(session, w.nurse),
        ).json()["items"]
        assert {e["kind"] for e in listed} == {"home_health_care"}  # HSV is not in the HaH one

    def test_a_hospital_user_may_not_enrol(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        response = client.post(
            f"/api/v1/patients/{w.patient.id}/enrolment",
            json={"reason": "vill skriva in"},
            headers=auth(session, w.hospital_nurse),
        )

        assert response.status_code == 403, response.text
        assert response.json()["code"] == "enrolment.not_home_health_care"
        assert count(session, Episode) == 0
        assert log_rows(session, user=w.hospital_nurse, patient=w.patient, allowed=False)

    def test_a_role_without_episode_create_is_refused(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        response = client.post(
            f"/api/v1/patients/{w.patient.id}/enrolment",
            json={},
            headers=auth(session, w.assistant),
        )

        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
        assert log_rows(session, user=w.assistant, patient=w.patient, allowed=False)

    def test_without_a_care_relationship_a_reason_is_needed_and_starts_one(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        headers = auth(session, w.nurse)
        path = f"/api/v1/patients/{w.stranger.id}/enrolment"
        refused = client.post(path, json={}, headers=headers)
        read_before = client.get(f"/api/v1/patients/{w.stranger.id}", headers=headers)

        enrolled = client.post(
            path, json={"reason": "Remiss från vårdcentralen: sårvård i hemmet"}, headers=headers
        )
        read_after = client.get(f"/api/v1/patients/{w.stranger.id}", headers=headers)

        assert refused.status_code == 422
        assert refused.json()["code"] == "enrolment.reason_missing"
        assert refused.json()["field"] == "reason"
        assert read_before.status_code == 404
        assert enrolled.status_code == 201, enrolled.text
        assert read_after.status_code == 200
        started = log_rows(session, user=w.nurse, patient=w.stranger, action="relationship_start")
        assert len(started) == 1
        assert "sårvård" in (started[0].reason or "")

    def test_an_unknown_patient_is_a_logged_404(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        response = client.post(
            f"/api/v1/patients/{w.clinic.id}/enrolment",
            json={"reason": "x"},
            headers=auth(session, w.nurse),
        )

        assert response.status_code == 404
        assert log_rows(session, user=w.nurse, allowed=False, resource_type="enrolment")

    @pytest.mark.parametrize(
        ("field", "who", "code"),
        [
            ("fixed_physician_id", "nurse2", "enrolment.not_a_physician"),
            ("care_contact_id", "assistant", "enrolment.not_licensed"),
            ("care_contact_id", "missing", "enrolment.user_unknown"),
        ],
    )
    def test_the_physician_and_care_contact_are_checked(
        self, client: TestClient, session: Session, w: World, field: str, who: str, code: str
    ) -> None:
        user_id = str(w.clinic.id) if who == "missing" else str(getattr(w, who).id)

        response = client.post(
            f"/api/v1/patients/{w.patient.id}/enrolment",
            json={field: user_id},
            headers=auth(session, w.nurse),
        )

        assert response.status_code == 422, response.text
        assert (response.json()["code"], response.json()["field"]) == (code, field)
        assert count(session, Episode) == 0

    def test_a_unit_of_another_organisation_is_refused(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        response = client.post(
            f"/api/v1/patients/{w.patient.id}/enrolment",
            json={"unit_id": str(w.ward.id)},
            headers=auth(session, w.nurse),
        )

        assert response.status_code == 422
        assert response.json()["code"] == "enrolment.unit_not_yours"

    def test_the_enrolment_is_read_back_and_listed_by_kind(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        headers = auth(session, w.nurse)
        none_yet = client.get(f"/api/v1/patients/{w.patient.id}/enrolment", headers=headers)
        made = client.post(f"/api/v1/patients/{w.patient.id}/enrolment", json={}, headers=headers)

        read = client.get(f"/api/v1/patients/{w.patient.id}/enrolment", headers=headers)
        listed = client.get(
            "/api/v1/episodes", params={"kind": "home_health_care"}, headers=headers
        ).json()
        other_kind = client.get(
            "/api/v1/episodes", params={"kind": "hospital_at_home"}, headers=headers
        ).json()
        episode = client.get(f"/api/v1/episodes/{made.json()['id']}", headers=headers).json()

        assert none_yet.status_code == 404
        assert none_yet.json()["code"] == "enrolment.not_enrolled"
        assert read.status_code == 200
        assert read.json()["id"] == made.json()["id"]
        assert [e["id"] for e in listed["items"]] == [made.json()["id"]]
        assert other_kind["total"] == 0
        assert (episode["kind"], episode["type"], episode["allowed_transitions"]) == (
            "home_health_care",
            None,
            [],
        )

    def test_an_outsider_reads_nothing(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        made = client.post(
            f"/api/v1/patients/{w.patient.id}/enrolment", json={}, headers=auth(session, w.nurse)
        )

        read = client.get(
            f"/api/v1/patients/{w.patient.id}/enrolment", headers=auth(session, w.outsider)
        )

        assert read.status_code == 404
        assert made.json()["id"] not in read.text
        assert log_rows(session, user=w.outsider, patient=w.patient, allowed=False)


class TestEnd:
    def test_ending_cancels_the_future_visits_and_keeps_the_done_ones(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        episode = enrol(session, w)
        today = local_today()
        done = add_visit(session, episode, day=today, organisation=w.hsv, status="done")
        coming = add_visit(session, episode, day=today + timedelta(days=1), organisation=w.hsv)

        response = client.post(
            f"/api/v1/enrolments/{episode.id}/end",
            json={"reason": "special_housing", "note": "Flyttar till Solgården"},
            headers=auth(session, w.nurse),
        )

        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["state"], body["end_reason"]) == ("ended", "special_housing")
        assert body["ended_at"] is not None
        session.expire_all()
        assert session.get(Visit, coming.id).status == "cancelled"  # type: ignore[union-attr]
        assert session.get(Visit, done.id).status == "done"  # type: ignore[union-attr]
        ended = session.scalar(
            select(EpisodeEvent).where(
                EpisodeEvent.episode_id == episode.id, EpisodeEvent.kind == "enrolment.ended"
            )
        )
        assert ended is not None
        assert (ended.reason, ended.data["visits_cancelled"]) == ("Flyttar till Solgården", 1)
        # the care relationship lasts the usual time after the end
        again = client.get(f"/api/v1/patients/{w.patient.id}", headers=auth(session, w.nurse))
        assert again.status_code == 200

    def test_an_ended_enrolment_cannot_end_again_and_a_new_one_may_start(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        episode = enrol(session, w)
        headers = auth(session, w.nurse)
        path = f"/api/v1/enrolments/{episode.id}/end"
        client.post(path, json={"reason": "no_longer_needed"}, headers=headers)

        again = client.post(path, json={"reason": "other"}, headers=headers)
        anew = client.post(f"/api/v1/patients/{w.patient.id}/enrolment", json={}, headers=headers)

        assert again.status_code == 409
        assert again.json()["code"] == "enrolment.already_ended"
        assert anew.status_code == 201, anew.text

    def test_only_the_responsible_organisation_ends_it(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        episode = enrol(session, w, fixed_physician_id=w.gp.id, shared_records_consent=True)

        response = client.post(
            f"/api/v1/enrolments/{episode.id}/end",
            json={"reason": "other"},
            headers=auth(session, w.gp),
        )

        assert response.status_code == 403
        session.expire_all()
        assert session.get(Episode, episode.id).state == "at_home"  # type: ignore[union-attr]

    def test_an_unknown_reason_is_422(self, client: TestClient, session: Session, w: World) -> None:
        episode = enrol(session, w)
        response = client.post(
            f"/api/v1/enrolments/{episode.id}/end",
            json={"reason": "tired"},
            headers=auth(session, w.nurse),
        )
        assert response.status_code == 422

    def test_a_hospital_episode_is_not_ended_here_nor_an_enrolment_by_a_transition(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        enrolment = enrol(session, w)
        hospital = make_episode(session, w.patient, unit=w.ward, state="at_home")

        ended = client.post(
            f"/api/v1/enrolments/{hospital.id}/end",
            json={"reason": "other"},
            headers=auth(session, w.hospital_nurse),
        )
        moved = client.post(
            f"/api/v1/episodes/{enrolment.id}/transitions",
            json={"to": "discharged", "reason": "klar"},
            headers=auth(session, w.nurse),
        )

        assert ended.status_code == 409
        assert ended.json()["code"] == "enrolment.not_an_enrolment"
        assert moved.status_code == 409
        assert moved.json()["code"] == "enrolment.no_transitions"

    def test_the_enrolments_staff_are_not_changed_through_the_episode(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        enrolment = enrol(session, w)
        response = client.patch(
            f"/api/v1/episodes/{enrolment.id}",
            json={"care_contact_id": str(w.nurse2.id)},
            headers=auth(session, w.nurse),
        )
        assert response.status_code == 409
        assert response.json()["code"] == "enrolment.staff_on_patient"


class TestFixedPhysicianAndCareContact:
    def test_setting_the_fixed_physician_is_logged_and_joins_the_enrolment(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        enrolment = enrol(session, w)

        response = client.put(
            f"/api/v1/patients/{w.patient.id}/fixed-physician",
            json={"user_id": str(w.other_gp.id), "reason": "Listad om till Söder"},
            headers=auth(session, w.nurse),
        )

        assert response.status_code == 200, response.text
        assert response.json()["fixed_physician"]["id"] == str(w.other_gp.id)
        assignment = session.scalar(select(PatientAssignment))
        assert assignment is not None
        assert (assignment.kind, assignment.from_user_id, assignment.to_user_id) == (
            "fixed_physician",
            None,
            w.other_gp.id,
        )
        assert (assignment.by_user_id, assignment.by_organisation_id) == (w.nurse.id, w.hsv.id)
        assert assignment.reason == "Listad om till Söder"
        assert participants(session, enrolment.id)[w.other_vc.id] == "primary_care"
        session.expire_all()
        assert session.get(Episode, enrolment.id).responsible_physician_id == w.other_gp.id  # type: ignore[union-attr]
        assert log_rows(
            session, user=w.nurse, patient=w.patient, resource_type="fixed_physician", allowed=True
        )

    def test_the_history_lists_every_change_newest_first(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        headers = auth(session, w.nurse)
        path = f"/api/v1/patients/{w.patient.id}"
        client.put(f"{path}/fixed-physician", json={"user_id": str(w.gp.id)}, headers=headers)
        client.put(f"{path}/fixed-physician", json={"user_id": str(w.gp2.id)}, headers=headers)
        client.put(f"{path}/fixed-care-contact", json={"user_id": str(w.nurse.id)}, headers=headers)
        same = client.put(
            f"{path}/fixed-physician", json={"user_id": str(w.gp2.id)}, headers=headers
        )
        removed = client.put(
            f"{path}/fixed-care-contact", json={"user_id": None, "reason": "byter"}, headers=headers
        )

        history = client.get(f"{path}/assignments", headers=headers)

        assert same.status_code == 200  # the same person again: nothing changes
        assert removed.json()["fixed_care_contact"] is None
        assert history.status_code == 200
        rows = [
            (h["kind"], (h["from_user"] or {}).get("id"), (h["to_user"] or {}).get("id"))
            for h in history.json()
        ]
        assert rows == [
            ("fixed_care_contact", str(w.nurse.id), None),
            ("fixed_care_contact", None, str(w.nurse.id)),
            ("fixed_physician", str(w.gp.id), str(w.gp2.id)),
            ("fixed_physician", None, str(w.gp.id)),
        ]
        assert history.json()[0]["by_name"] == w.nurse.full_name

    def test_the_patient_read_names_the_fixed_physician_and_care_contact(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        headers = auth(session, w.nurse)
        path = f"/api/v1/patients/{w.patient.id}"
        client.put(f"{path}/fixed-physician", json={"user_id": str(w.gp.id)}, headers=headers)
        client.put(f"{path}/fixed-care-contact", json={"user_id": str(w.nurse.id)}, headers=headers)

        body = client.get(path, headers=headers).json()
        listed = client.get("/api/v1/patients", headers=headers).json()["items"]

        assert body["fixed_physician_id"] == str(w.gp.id)
        assert body["fixed_physician"] == {
            "id": str(w.gp.id),
            "name": w.gp.full_name,
            "role": "physician",
            "organisation_id": str(w.vc.id),
            "organisation_name": "Vårdcentralen Norra",
            "phone": "070-222 22 22",
        }
        assert body["fixed_care_contact"]["phone"] == "070-111 11 11"
        assert [p["fixed_physician"]["id"] for p in listed if p["id"] == str(w.patient.id)] == [
            str(w.gp.id)
        ]

    def test_the_fixed_physician_outlasts_the_enrolment(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        enrolment = enrol(session, w, fixed_physician_id=w.gp.id)
        headers = auth(session, w.nurse)
        client.post(
            f"/api/v1/enrolments/{enrolment.id}/end", json={"reason": "moved"}, headers=headers
        )

        body = client.get(f"/api/v1/patients/{w.patient.id}", headers=headers).json()

        assert body["fixed_physician"]["id"] == str(w.gp.id)

    @pytest.mark.parametrize(
        ("path", "who", "code"),
        [
            ("fixed-physician", "nurse", "enrolment.not_a_physician"),
            ("fixed-care-contact", "assistant", "enrolment.not_licensed"),
        ],
    )
    def test_the_wrong_kind_of_staff_is_refused(
        self, client: TestClient, session: Session, w: World, path: str, who: str, code: str
    ) -> None:
        response = client.put(
            f"/api/v1/patients/{w.patient.id}/{path}",
            json={"user_id": str(getattr(w, who).id)},
            headers=auth(session, w.nurse),
        )
        assert response.status_code == 422
        assert (response.json()["code"], response.json()["field"]) == (code, "user_id")
        assert count(session, PatientAssignment) == 0

    def test_an_inactive_physician_is_refused(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        w.gp2.active = False
        session.flush()
        response = client.put(
            f"/api/v1/patients/{w.patient.id}/fixed-physician",
            json={"user_id": str(w.gp2.id)},
            headers=auth(session, w.nurse),
        )
        assert response.status_code == 422
        assert response.json()["code"] == "enrolment.user_unknown"

    def test_an_outsider_gets_a_logged_404_and_a_role_without_patient_assign_403(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        body = {"user_id": str(w.gp.id)}
        path = f"/api/v1/patients/{w.patient.id}/fixed-physician"

        outsider = client.put(path, json=body, headers=auth(session, w.outsider))
        assistant = client.put(path, json=body, headers=auth(session, w.assistant))
        history = client.get(
            f"/api/v1/patients/{w.patient.id}/assignments", headers=auth(session, w.outsider)
        )

        assert outsider.status_code == 404
        assert assistant.status_code == 403
        assert history.status_code == 404
        assert count(session, PatientAssignment) == 0
        assert log_rows(session, user=w.outsider, patient=w.patient, allowed=False)
        assert log_rows(session, user=w.assistant, patient=w.patient, allowed=False)

    def test_the_primary_care_physician_with_consent_sets_themselves(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        enrol(session, w, shared_records_consent=True)

        response = client.put(
            f"/api/v1/patients/{w.patient.id}/fixed-physician",
            json={"user_id": str(w.gp.id)},
            headers=auth(session, w.gp),
        )

        assert response.status_code == 200, response.text


class TestNotAHospitalEpisode:
    def test_a_care_plan_can_be_made_for_an_enrolment_with_its_content(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        enrolment = enrol(session, w)
        headers = auth(session, w.nurse)

        from_template = client.post(
            "/api/v1/care-plans",
            json={"episode_id": str(enrolment.id), "from_template": True},
            headers=headers,
        )
        written = client.post(
            "/api/v1/care-plans",
            json={
                "episode_id": str(enrolment.id),
                "content": {
                    "goals": ["Läkt bensår"],
                    "if_worse": ["Ring hemsjukvården"],
                    "discharge_criteria": ["Såret läkt"],
                },
            },
            headers=headers,
        )

        assert from_template.status_code == 422
        assert from_template.json()["code"] == "careplan.no_template"
        assert written.status_code == 201, written.text

    def test_an_ad_hoc_visit_is_made_on_an_enrolment(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        enrolment = enrol(session, w)
        day = local_today() + timedelta(days=1)

        response = client.post(
            "/api/v1/visits",
            json={
                "episode_id": str(enrolment.id),
                "date": day.isoformat(),
                "what": "Såromläggning",
                "window": ["09:00", "11:00"],
            },
            headers=auth(session, w.nurse),
        )

        assert response.status_code == 201, response.text
        assert response.json()["episode_id"] == str(enrolment.id)
