"""The morning list (Morgonlistan): a physician's patients (the fixed physician) admitted,
discharged, home with hospital care or back, starting or ending home health care in the last
24 hours, from hand-made rows at times pinned to one moment. An event 25 hours old is not in
it; exactly 24 hours is; another physician's patients and those the physician's organisation
has no care relationship with are not shown (the latter counted); each patient shown is an
access-log read; the list is for physicians."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from samband.coordination import service
from samband.kit.time import utcnow
from samband.security.context import Context
from samband.security.service import actor_of
from tests.coordination.helpers import World, add_stay, build, enrol, reads
from tests.factories import auth, make_episode, make_patient, make_user


@pytest.fixture
def w(session: Session) -> World:
    return build(session)


def ctx_of(session: Session, user: object) -> Context:
    session.refresh(user)
    return Context(session=session, actor=actor_of(user))  # type: ignore[arg-type]


def patient_of(session: Session, w: World, **fields: object) -> object:
    """Another patient of the fixed physician, enrolled with the centre taking part."""
    patient = make_patient(session, **fields)
    patient.fixed_physician_id = w.gp.id
    session.flush()
    return patient


class TestTheWindow:
    def test_the_last_24_hours(self, session: Session, w: World) -> None:
        now = utcnow().replace(microsecond=0)
        h = timedelta(hours=1)
        # the patient went home with hospital care 10 h ago, admitted 2 h ago
        w.at_home.started_at = now - 10 * h
        stay = add_stay(session, w, admitted_at=now - 2 * h, ward="Avd 7")
        # a second patient: discharged exactly 24 h ago (in), admitted 25 h ago (out)
        second = patient_of(session, w, family_name="Tjugofyra")
        enrol(
            session,
            second,
            w.home_unit,
            participants={w.centre: "primary_care"},
            started_at=now - 40 * h,
        )  # type: ignore[arg-type]
        add_stay(
            session,
            w,
            patient_id=second.id,
            admitted_at=now - 25 * h,
            discharged_at=now - 24 * h,  # type: ignore[attr-defined]
        )
        # a third: discharged 25 h ago, enrolled 40 h ago: not in the list
        third = patient_of(session, w, family_name="Gammalsson")
        enrol(
            session,
            third,
            w.home_unit,
            participants={w.centre: "primary_care"},
            started_at=now - 40 * h,
        )  # type: ignore[arg-type]
        add_stay(
            session,
            w,
            patient_id=third.id,  # type: ignore[attr-defined]
            admitted_at=now - 30 * h,
            discharged_at=now - 25 * h,
        )
        # a fourth: home health care ended 5 h ago (the relationship lasts after the end)
        fourth = patient_of(session, w, family_name="Slutsson")
        ended = enrol(
            session,
            fourth,
            w.home_unit,
            participants={w.centre: "primary_care"},
            started_at=now - 90 * 24 * h,
        )  # type: ignore[arg-type]
        ended.state = "ended"
        ended.ended_at = now - 5 * h
        # a fifth: enrolled 3 h ago
        fifth = patient_of(session, w, family_name="Nysson")
        enrol(
            session,
            fifth,
            w.home_unit,
            participants={w.centre: "primary_care"},
            started_at=now - 3 * h,
        )  # type: ignore[arg-type]
        # another physician's patient, admitted 1 h ago: not in the list
        stranger = make_patient(session, family_name="Annansson")
        stranger.fixed_physician_id = make_user(session, w.centre, role="physician").id
        enrol(session, stranger, w.home_unit, participants={w.centre: "primary_care"})
        add_stay(session, w, patient_id=stranger.id, admitted_at=now - h)
        # the physician's patient the centre has no care relationship with: counted only
        unrelated = patient_of(session, w, family_name="Okändsson")
        make_episode(session, unrelated, unit=w.ward, state="at_home")  # type: ignore[arg-type]
        add_stay(session, w, patient_id=unrelated.id, admitted_at=now - h)  # type: ignore[attr-defined]
        session.flush()

        found = service.morning_list(ctx_of(session, w.gp), now=now)

        assert found.until == now
        assert found.since == now - 24 * h
        shown = {m.patient.family_name: [(e.kind, e.at) for e in m.events] for m in found.patients}
        assert shown == {
            "Samordningsson": [("admitted", now - 2 * h), ("home_started", now - 10 * h)],
            "Tjugofyra": [("discharged", now - 24 * h)],
            "Slutsson": [("enrolment_ended", now - 5 * h)],
            "Nysson": [("enrolment_started", now - 3 * h)],
        }
        # newest event first
        assert [m.patient.family_name for m in found.patients] == [
            "Samordningsson",
            "Nysson",
            "Slutsson",
            "Tjugofyra",
        ]
        admitted = found.patients[0].events[0]
        assert admitted.hospital_stay_id == stay.id
        assert admitted.organisation_id == w.hospital.id
        assert admitted.ward == "Avd 7"
        assert found.not_shown == 1

    def test_an_event_25_hours_ago_is_not_in_the_list(self, session: Session, w: World) -> None:
        now = utcnow().replace(microsecond=0)
        add_stay(session, w, admitted_at=now - timedelta(hours=25))
        w.at_home.started_at = now - timedelta(hours=26)
        session.flush()
        assert service.morning_list(ctx_of(session, w.gp), now=now).patients == []
        # asked an hour and a second earlier, it is 23 h 59 min 59 s old: in the list
        later = now - timedelta(hours=1, seconds=1)
        assert [
            e.kind
            for m in service.morning_list(ctx_of(session, w.gp), now=later).patients
            for e in m.events
        ] == ["admitted"]

    def test_readmitted_shows_the_episode_ended_and_the_admission(
        self, session: Session, w: World
    ) -> None:
        now = utcnow().replace(microsecond=0)
        w.at_home.state = "readmitted"
        w.at_home.ended_at = now - timedelta(hours=1)
        add_stay(session, w, admitted_at=now - timedelta(hours=1), episode_id=w.at_home.id)
        found = service.morning_list(ctx_of(session, w.gp), now=now)
        events = {(e.kind, e.state) for m in found.patients for e in m.events}
        assert events == {("admitted", None), ("home_ended", "readmitted")}


class TestTheApi:
    def test_each_patient_shown_is_logged(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        add_stay(session, w, admitted_at=utcnow() - timedelta(hours=2))
        before = reads(session, w.gp, w.patient, "morning_list")
        response = client.get("/api/v1/morning-list", headers=auth(session, w.gp))
        assert response.status_code == 200, response.text
        body = response.json()
        assert [p["family_name"] for p in body["patients"]] == ["Samordningsson"]
        assert body["patients"][0]["events"][0]["kind"] == "admitted"
        assert body["not_shown"] == 0
        assert reads(session, w.gp, w.patient, "morning_list") == before + 1

    def test_only_for_physicians(self, client: TestClient, session: Session, w: World) -> None:
        add_stay(session, w, admitted_at=utcnow() - timedelta(hours=2))
        response = client.get("/api/v1/morning-list", headers=auth(session, w.home_nurse))
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
        assert response.json()["problem"] == "coordination.morning_list_physicians_only"
        assert "Samordningsson" not in response.text

    def test_an_outside_physician_sees_nothing_of_ours(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        add_stay(session, w, admitted_at=utcnow() - timedelta(hours=2))
        response = client.get("/api/v1/morning-list", headers=auth(session, w.physician))
        assert response.status_code == 200
        assert response.json()["patients"] == []
