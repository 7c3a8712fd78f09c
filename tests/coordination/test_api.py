"""The hospital stay over the API (lag 2017:612): the whole course of a stay with its deadlines,
notifications and history; the lists (open, overdue, all); who may do which step; the
outsider (404, logged), the wrong role (403) and bad input in the wrong order (4xx, nothing
written)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.kit.time import STOCKHOLM, local_today, utcnow
from samband.models import Notification
from samband.notifications import messages
from tests.coordination.helpers import World, add_stay, build, reads, refused, stays
from tests.factories import auth, make_episode, make_patient

API = "/api/v1"


@pytest.fixture
def w(session: Session) -> World:
    return build(session)


def admit(client: TestClient, session: Session, w: World, **body: Any) -> Any:
    response = client.post(
        f"{API}/patients/{w.patient.id}/hospital-stays", json=body, headers=auth(session, w.nurse)
    )
    return response


def iso(days: float = 0, hours: float = 0) -> str:
    return (utcnow() - timedelta(days=days, hours=hours)).isoformat()


class TestTheCourseOfAStay:
    def test_admitted_notice_ready_discharged_sip(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        admitted = utcnow() - timedelta(days=4)
        response = admit(client, session, w, admitted_at=admitted.isoformat(), ward="Avd 7")
        assert response.status_code == 201, response.text
        stay = response.json()
        stay_id = stay["id"]
        assert stay["status"] == "in_hospital"
        assert stay["ward"] == "Avd 7"
        assert stay["episode_id"] == str(w.at_home.id)  # the care the patient came from
        assert stay["hospital_organisation_id"] == str(w.hospital.id)
        due = (admitted + timedelta(hours=24)).isoformat()
        assert stay["notice_due_at"][:19] == due[:19]
        assert stay["notice_overdue"] is True  # 4 days ago, not sent
        assert [h["event"] for h in stay["history"]] == ["admitted"]

        notice = client.post(
            f"{API}/hospital-stays/{stay_id}/admission-notice", headers=auth(session, w.nurse)
        )
        assert notice.status_code == 200, notice.text
        sent = notice.json()
        assert set(sent["notice_to"]) == {str(w.municipality.id), str(w.centre.id)}
        assert sent["notice_overdue"] is False
        assert sent["notice_late"] is True
        # the fixed physician and the fixed care contact are told, without the patient's name
        told = session.scalars(
            select(Notification).where(Notification.kind == "hospital_stay_admitted")
        ).all()
        assert {n.user_id for n in told} == {w.gp.id, w.home_nurse.id}
        text = messages.render(
            "hospital_stay_admitted",
            severity=told[0].severity,
            reference=told[0].reference,
            link=told[0].link,
            params=told[0].params,
        )
        assert "Samordningsson" not in text.body
        assert w.patient.personnummer not in text.body

        ready_on = local_today() - timedelta(days=2)
        ready = client.post(
            f"{API}/hospital-stays/{stay_id}/ready",
            json={"date": ready_on.isoformat()},
            headers=auth(session, w.physician),
        )
        assert ready.status_code == 200, ready.text
        assert ready.json()["ready_for_discharge_on"] == ready_on.isoformat()
        assert ready.json()["days_past_ready"] == 2

        out = client.post(
            f"{API}/hospital-stays/{stay_id}/discharge",
            json={"sip_needed": True},
            headers=auth(session, w.nurse),
        )
        assert out.status_code == 200, out.text
        body = out.json()
        assert body["status"] == "discharged"
        assert body["days_past_ready"] == 2
        assert body["sip_due_at"] is not None
        assert body["sip_overdue"] is False
        assert session.scalars(
            select(Notification).where(Notification.kind == "hospital_stay_sip_due")
        ).all()

        meeting = (utcnow() + timedelta(days=2)).astimezone(STOCKHOLM).isoformat()
        sip = client.post(
            f"{API}/hospital-stays/{stay_id}/sip-invitation",
            json={"meeting_at": meeting},
            headers=auth(session, w.gp),
        )
        assert sip.status_code == 200, sip.text
        assert sip.json()["sip_invited_at"] is not None
        assert [h["event"] for h in sip.json()["history"]] == [
            "admitted",
            "admission_notice_sent",
            "ready_for_discharge",
            "discharged",
            "sip_invitation_sent",
        ]
        # read back; the read is logged
        before = reads(session, w.home_nurse, w.patient, "hospital_stay")
        got = client.get(f"{API}/hospital-stays/{stay_id}", headers=auth(session, w.home_nurse))
        assert got.status_code == 200
        assert got.json()["sip_invited_at"] is not None
        assert reads(session, w.home_nurse, w.patient, "hospital_stay") == before + 1

    def test_the_municipality_records_the_sip_invitation_too(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        stay = add_stay(
            session,
            w,
            admitted_at=utcnow() - timedelta(days=5),
            discharged_at=utcnow() - timedelta(days=4),
            sip_needed=True,
        )
        response = client.post(
            f"{API}/hospital-stays/{stay.id}/sip-invitation", headers=auth(session, w.home_nurse)
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["sip_overdue"] is False  # invited now: no longer overdue


class TestLists:
    def test_open_overdue_and_all(self, client: TestClient, session: Session, w: World) -> None:
        late = add_stay(session, w, admitted_at=utcnow() - timedelta(hours=30))
        other = make_patient(session)
        make_episode(
            session,
            other,
            unit=w.ward,
            state="at_home",
            participants={w.municipality: "home_health_care"},
        )
        fresh = add_stay(session, w, patient_id=other.id, admitted_at=utcnow() - timedelta(hours=2))
        closed_patient = make_patient(session)
        make_episode(session, closed_patient, unit=w.ward, state="at_home")
        closed = add_stay(
            session,
            w,
            patient_id=closed_patient.id,
            admitted_at=utcnow() - timedelta(days=9),
            admission_notice_sent_at=utcnow() - timedelta(days=9),
            discharged_at=utcnow() - timedelta(days=2),
            sip_needed=False,
        )
        headers = auth(session, w.nurse)

        def ids(status: str) -> set[str]:
            response = client.get(
                f"{API}/hospital-stays", params={"status": status}, headers=headers
            )
            assert response.status_code == 200, response.text
            return {item["id"] for item in response.json()["items"]}

        assert ids("open") == {str(late.id), str(fresh.id)}
        assert ids("overdue") == {str(late.id)}
        assert ids("all") == {str(late.id), str(fresh.id), str(closed.id)}
        # the municipality sees the stays of the patients it takes part with (not the third)
        muni = client.get(
            f"{API}/hospital-stays", params={"status": "all"}, headers=auth(session, w.home_nurse)
        )
        assert {i["id"] for i in muni.json()["items"]} == {str(late.id), str(fresh.id)}

    def test_an_outsider_lists_none_of_them(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        add_stay(session, w, admitted_at=utcnow() - timedelta(hours=30))
        response = client.get(
            f"{API}/hospital-stays", params={"status": "all"}, headers=auth(session, w.outsider)
        )
        assert response.status_code == 200
        assert response.json()["items"] == []
        assert "Samordningsson" not in response.text


class TestWhoMay:
    def test_an_outsider_gets_404_and_is_logged(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        stay = add_stay(session, w, admitted_at=utcnow() - timedelta(hours=3))
        headers = auth(session, w.outsider)
        before = refused(session, w.outsider, w.patient)
        response = client.post(
            f"{API}/patients/{w.patient.id}/hospital-stays", json={}, headers=headers
        )
        assert response.status_code == 404
        got = client.get(f"{API}/hospital-stays/{stay.id}", headers=headers)
        assert got.status_code == 404
        assert "Samordningsson" not in got.text
        notice = client.post(f"{API}/hospital-stays/{stay.id}/admission-notice", headers=headers)
        assert notice.status_code == 404
        assert refused(session, w.outsider, w.patient) == before + 3
        assert stays(session) == 1

    def test_an_unknown_stay_is_the_same_404(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        response = client.get(
            f"{API}/hospital-stays/00000000-0000-4000-8000-000000000000",
            headers=auth(session, w.nurse),
        )
        assert response.status_code == 404
        assert response.json()["code"] == "common.not_visible"

    def test_a_wrong_role_gets_403(self, client: TestClient, session: Session, w: World) -> None:
        stay = add_stay(session, w, admitted_at=utcnow() - timedelta(hours=3))
        headers = auth(session, w.pharmacist)
        before = refused(session, w.pharmacist)
        response = client.post(
            f"{API}/patients/{w.patient.id}/hospital-stays", json={}, headers=headers
        )
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
        ready = client.post(
            f"{API}/hospital-stays/{stay.id}/ready",
            json={"date": local_today().isoformat()},
            headers=headers,
        )
        assert ready.status_code == 403
        assert refused(session, w.pharmacist) == before + 2
        assert stays(session) == 1
        session.refresh(stay)
        assert stay.ready_for_discharge_on is None

    def test_the_wrong_side_gets_403_with_the_reason(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        stay = add_stay(session, w, admitted_at=utcnow() - timedelta(hours=3))
        # the municipality does not register admissions, nor discharge
        response = client.post(
            f"{API}/patients/{w.patient.id}/hospital-stays",
            json={},
            headers=auth(session, w.home_nurse),
        )
        assert response.status_code == 403
        assert response.json()["code"] == "coordination.hospital_only"
        out = client.post(
            f"{API}/hospital-stays/{stay.id}/discharge",
            json={"sip_needed": False},
            headers=auth(session, w.home_nurse),
        )
        assert out.status_code == 403
        assert out.json()["code"] == "coordination.hospital_of_stay_only"
        # ready for discharge: a physician
        ready = client.post(
            f"{API}/hospital-stays/{stay.id}/ready",
            json={"date": local_today().isoformat()},
            headers=auth(session, w.nurse),
        )
        assert ready.status_code == 403
        assert ready.json()["code"] == "coordination.ready_physician_only"
        # the SIP invitation: primary care or the municipality, not the hospital
        stay.discharged_at = utcnow() - timedelta(hours=1)
        stay.sip_needed = True
        session.flush()
        sip = client.post(
            f"{API}/hospital-stays/{stay.id}/sip-invitation", headers=auth(session, w.nurse)
        )
        assert sip.status_code == 403
        assert sip.json()["code"] == "coordination.sip_by_primary_care"
        session.refresh(stay)
        assert stay.sip_invited_at is None
        assert stay.history == []


class TestWrongOrderWritesNothing:
    def test_a_second_open_stay(self, client: TestClient, session: Session, w: World) -> None:
        first = add_stay(session, w, admitted_at=utcnow() - timedelta(hours=3))
        response = admit(client, session, w)
        assert response.status_code == 409
        assert response.json()["code"] == "coordination.already_open"
        assert response.json()["hospital_stay_id"] == str(first.id)
        assert stays(session) == 1

    def test_admitted_in_the_future(self, client: TestClient, session: Session, w: World) -> None:
        response = admit(
            client, session, w, admitted_at=(utcnow() + timedelta(hours=2)).isoformat()
        )
        assert response.status_code == 422
        assert response.json()["field"] == "admitted_at"
        assert stays(session) == 0

    def test_expected_discharge_before_admission_and_a_naive_time(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        response = admit(
            client, session, w, admitted_at=iso(days=1), expected_discharge_on="2020-01-01"
        )
        assert response.status_code == 422
        assert response.json()["code"] == "coordination.expected_before_admission"
        naive = admit(client, session, w, admitted_at="2025-03-01T10:00:00")
        assert naive.status_code == 422
        assert stays(session) == 0

    def test_discharge_before_admission(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        stay = add_stay(session, w, admitted_at=utcnow() - timedelta(hours=3))
        response = client.post(
            f"{API}/hospital-stays/{stay.id}/discharge",
            json={"at": iso(days=1), "sip_needed": False},
            headers=auth(session, w.nurse),
        )
        assert response.status_code == 422, response.text
        assert response.json()["code"] == "coordination.discharge_before_admission"
        assert response.json()["field"] == "at"
        session.refresh(stay)
        assert stay.discharged_at is None
        assert stay.history == []

    def test_ready_before_admission_and_after_discharge(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        stay = add_stay(session, w, admitted_at=utcnow() - timedelta(days=1))
        headers = auth(session, w.physician)
        early = client.post(
            f"{API}/hospital-stays/{stay.id}/ready",
            json={"date": (local_today() - timedelta(days=5)).isoformat()},
            headers=headers,
        )
        assert early.status_code == 422
        assert early.json()["code"] == "coordination.ready_before_admission"
        stay.discharged_at = utcnow()
        session.flush()
        late = client.post(
            f"{API}/hospital-stays/{stay.id}/ready",
            json={"date": local_today().isoformat()},
            headers=headers,
        )
        assert late.status_code == 409
        assert late.json()["code"] == "coordination.stay_closed"
        session.refresh(stay)
        assert stay.ready_for_discharge_on is None

    def test_sip_before_discharge_and_a_second_notice(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        stay = add_stay(
            session, w, admitted_at=utcnow() - timedelta(hours=3), admission_notice_sent_at=utcnow()
        )
        sip = client.post(
            f"{API}/hospital-stays/{stay.id}/sip-invitation", headers=auth(session, w.gp)
        )
        assert sip.status_code == 409
        assert sip.json()["code"] == "coordination.sip_before_discharge"
        again = client.post(
            f"{API}/hospital-stays/{stay.id}/admission-notice", headers=auth(session, w.nurse)
        )
        assert again.status_code == 409
        assert again.json()["code"] == "coordination.notice_already_sent"
        assert session.scalars(select(Notification)).all() == []

    def test_no_recipient_for_a_patient_without_home_care(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        lonely = make_patient(session)
        make_episode(session, lonely, unit=w.ward, state="at_home")
        stay = add_stay(session, w, patient_id=lonely.id, admitted_at=utcnow() - timedelta(hours=1))
        response = client.post(
            f"{API}/hospital-stays/{stay.id}/admission-notice", headers=auth(session, w.nurse)
        )
        assert response.status_code == 409
        assert response.json()["code"] == "coordination.no_recipients"
        session.refresh(stay)
        assert stay.admission_notice_sent_at is None


class TestAdmissionWithoutARelationship:
    """An enrolled patient admitted to a hospital that takes no part in their care yet."""

    def setup_stranger(self, session: Session, w: World) -> Any:
        from tests.factories import make_organisation, make_unit, make_user

        clinic = make_organisation(session, kind="hospital_clinic", authority_name="Region Ahl")
        return make_user(session, clinic, role="registered_nurse", unit=make_unit(session, clinic))

    def test_a_written_reason_starts_the_relationship(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        from samband.models import AuditEvent, EpisodeParticipant

        nurse = self.setup_stranger(session, w)
        headers = auth(session, nurse)
        refused_before = refused(session, nurse, w.patient)
        bare = client.post(
            f"{API}/patients/{w.patient.id}/hospital-stays", json={}, headers=headers
        )
        assert bare.status_code == 404
        assert refused(session, nurse, w.patient) == refused_before + 1
        assert stays(session) == 0
        response = client.post(
            f"{API}/patients/{w.patient.id}/hospital-stays",
            json={"reason": "Inlagd via akuten med pneumoni", "ward": "Avd 3"},
            headers=headers,
        )
        assert response.status_code == 201, response.text
        joined = session.scalar(
            select(EpisodeParticipant).where(
                EpisodeParticipant.episode_id == w.enrolment.id,
                EpisodeParticipant.organisation_id == nurse.organisation_id,
            )
        )
        assert joined is not None
        assert joined.role == "other"
        started = session.scalars(
            select(AuditEvent).where(
                AuditEvent.user_id == nurse.id, AuditEvent.action == "relationship_start"
            )
        ).all()
        assert [e.reason for e in started] == [
            "admitted to hospital: Inlagd via akuten med pneumoni"
        ]
        # and the hospital now coordinates: the notice goes out
        notice = client.post(
            f"{API}/hospital-stays/{response.json()['id']}/admission-notice", headers=headers
        )
        assert notice.status_code == 200, notice.text

    def test_without_consent_to_shared_records_nothing_is_written(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        from samband.models import EpisodeParticipant

        w.enrolment.shared_records_consent = None
        session.flush()
        nurse = self.setup_stranger(session, w)
        response = client.post(
            f"{API}/patients/{w.patient.id}/hospital-stays",
            json={"reason": "Inlagd via akuten"},
            headers=auth(session, nurse),
        )
        assert response.status_code == 409
        assert response.json()["code"] == "coordination.no_shared_records_consent"
        assert stays(session) == 0
        assert (
            session.scalar(
                select(EpisodeParticipant).where(
                    EpisodeParticipant.organisation_id == nurse.organisation_id
                )
            )
            is None
        )

    def test_no_enrolment_no_stay(self, client: TestClient, session: Session, w: World) -> None:
        nurse = self.setup_stranger(session, w)
        lonely = make_patient(session)
        response = client.post(
            f"{API}/patients/{lonely.id}/hospital-stays",
            json={"reason": "Inlagd via akuten"},
            headers=auth(session, nurse),
        )
        assert response.status_code == 404
        assert stays(session) == 0
