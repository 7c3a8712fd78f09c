"""An enrolment in home health care is an episode "at home" that is no episode of hospital
care at home (decision 0018): it keeps its visits, vital signs and alerts, and stays out of
the command centre's rows, the round and the outcome indicators. A measurement of a patient
with both open goes to the hospital-at-home episode."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from samband.enrolments import service as enrolments
from samband.enrolments.schemas import EndReason, EnrolmentCreate, EnrolmentEnd
from samband.kit.errors import InvalidInput
from samband.kit.time import local_today, utcnow
from samband.models import Round
from samband.outcomes import repository as outcomes
from samband.overview import service as overview
from samband.rounds import repository as rounds
from samband.security.service import visibility
from tests.enrolments.helpers import World, build, ctx_of, enrol
from tests.factories import auth, make_episode, make_episode_at_home


@pytest.fixture
def w(session: Session) -> World:
    return build(session)


class TestOpenEnrolment:
    def test_open_enrolment_finds_the_open_one_only(self, session: Session, w: World) -> None:
        assert enrolments.open_enrolment(session, w.patient.id) is None
        made = enrol(session, w)
        hospital = make_episode(session, w.patient, unit=w.ward, state="at_home")

        found = enrolments.open_enrolment(session, w.patient.id)
        enrolments.end(ctx_of(session, w.nurse), made.id, EnrolmentEnd(reason=EndReason.MOVED))

        assert found is not None
        assert found.id == made.id != hospital.id
        assert enrolments.open_enrolment(session, w.patient.id) is None

    def test_the_log_names_the_enrolment_and_a_new_relationship(
        self, session: Session, w: World
    ) -> None:
        ctx = ctx_of(session, w.nurse)
        enrolments.enrol(ctx, w.stranger.id, EnrolmentCreate(reason="Remiss: sårvård"))

        actions = [(e.action, e.resource_type, e.allowed) for e in ctx.log.entries]
        assert ("create", "enrolment", True) in actions
        assert ("relationship_start", "care_relationship", True) in actions

    def test_an_enrolment_may_start_earlier_but_not_later(self, session: Session, w: World) -> None:
        ctx = ctx_of(session, w.nurse)
        with pytest.raises(InvalidInput) as refused:
            enrolments.enrol(
                ctx, w.patient.id, EnrolmentCreate(started_at=utcnow() + timedelta(days=1))
            )
        earlier = utcnow() - timedelta(days=30)
        made = enrolments.enrol(ctx, w.patient.id, EnrolmentCreate(started_at=earlier))

        assert refused.value.code == "enrolment.start_in_future"
        assert made.started_at == earlier


class TestMeasurements:
    def _measure(self, client: TestClient, session: Session, w: World) -> str:
        response = client.post(
            "/api/v1/observations",
            json={
                "patient_id": str(w.patient.id),
                "measured_at": (utcnow() - timedelta(minutes=5)).isoformat(),
                "pulse": 72,
            },
            headers=auth(session, w.nurse),
        )
        assert response.status_code == 201, response.text
        return str(response.json()["episode_id"])

    def test_with_only_the_enrolment_the_measurement_is_the_enrolments(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        made = enrol(session, w)
        assert self._measure(client, session, w) == str(made.id)

    def test_with_both_open_the_hospital_at_home_episode_takes_it(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        enrol(session, w)
        hospital = make_episode_at_home(
            session, w.patient, unit=w.ward, home_care=w.hsv, since=utcnow() - timedelta(days=1)
        )
        assert self._measure(client, session, w) == str(hospital.id)

    def test_a_hospital_candidate_does_not_take_it_from_the_enrolment_at_home(
        self, client: TestClient, session: Session, w: World
    ) -> None:
        made = enrol(session, w)
        make_episode(
            session, w.patient, unit=w.ward, state="candidate", participants={w.hsv: "other"}
        )
        assert self._measure(client, session, w) == str(made.id)


class TestNotHospitalCareAtHome:
    def test_the_overview_shows_the_hospital_episode_not_the_enrolment(
        self, session: Session, w: World
    ) -> None:
        enrolment = enrol(session, w)
        other = make_episode_at_home(
            session, w.stranger, unit=w.ward, home_care=w.hsv, since=utcnow() - timedelta(days=1)
        )

        shown = overview.overview(ctx_of(session, w.nurse))
        ids = overview.shown_episode_ids(ctx_of(session, w.nurse))

        assert [row.episode.id for row in shown.at_home] == [other.id]
        assert enrolment.id not in ids
        assert other.id in ids

    def test_the_round_leaves_out_enrolments(self, session: Session, w: World) -> None:
        enrolment = enrol(session, w)
        round_ = Round(unit_id=w.hsv_unit.id, day=local_today(), created_by_id=w.nurse.id)
        session.add(round_)
        session.flush()

        rows = rounds.round_episodes(
            session, round_, visibility(ctx_of(session, w.nurse)), "at_home"
        )

        assert enrolment.id not in {e.id for e, _ in rows}

    def test_the_outcome_indicators_leave_out_enrolments(self, session: Session, w: World) -> None:
        enrolment = enrol(session, w)
        hospital = make_episode_at_home(session, w.stranger, unit=w.ward)
        now = utcnow()

        live = outcomes.live_in(session, now - timedelta(days=1), now + timedelta(days=1))

        ids = {e.id for e, _ in live}
        assert hospital.id in ids
        assert enrolment.id not in ids
