"""The live path: an OPAT episode through the API (care request answered, checklist signed,
home, questionnaire, discharge), a published day plan and an alert; the report counts it.
Also the questionnaire endpoint and the access-controlled report for a signed-in user."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from samband.kit.errors import Forbidden
from samband.kit.time import STOCKHOLM, utcnow
from samband.models import (
    Alert,
    AuditEvent,
    CarePlan,
    CarePlanAcknowledgement,
    CarePlanVersion,
    DayPlan,
    Episode,
    EpisodeEvent,
    Organisation,
    Patient,
    Unit,
    User,
    Visit,
)
from samband.outcomes.report import Filters
from samband.outcomes.service import build_report, report_for
from samband.pathways.definition import registry
from samband.security.context import AccessLog, Context
from samband.security.service import actor_of
from tests.factories import (
    auth,
    make_episode,
    make_municipality,
    make_organisation,
    make_patient,
    make_unit,
    make_user,
)

OPAT_ANSWERS = {c.key: True for c in registry()["opat"].eligibility}


@dataclass
class World:
    clinic: Organisation
    ward: Unit
    municipality: Organisation
    physician: User
    nurse: User
    pharmacist: User
    municipal_nurse: User
    outsider: User
    analyst: User
    auditor: User
    patient: Patient


@pytest.fixture
def world(session: Session) -> World:
    clinic = make_organisation(session, kind="hospital_clinic", authority_name="Region Dalarna")
    ward = make_unit(session, clinic, beds=1)
    municipality = make_municipality(session)
    nurse = make_user(session, clinic, role="registered_nurse", unit=ward)
    return World(
        clinic=clinic,
        ward=ward,
        municipality=municipality,
        physician=make_user(session, clinic, role="physician", unit=ward),
        nurse=nurse,
        pharmacist=make_user(session, clinic, role="pharmacist"),
        municipal_nurse=make_user(session, municipality, role="registered_nurse"),
        outsider=make_user(session, make_organisation(session, kind="primary_care_centre")),
        analyst=make_user(session, clinic, role="analyst"),
        auditor=make_user(session, clinic, role="auditor"),
        patient=make_patient(session, registered_by=nurse),
    )


def ok(response, status: int = 200) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    return response.json()


def _home(client: TestClient, session: Session, w: World) -> str:
    """Candidate → at home through the API; the care request is sent and accepted."""
    nurse = auth(session, w.nurse)
    eid = ok(
        client.post(
            "/api/v1/episodes",
            json={
                "patient_id": str(w.patient.id),
                "pathway": "opat",
                "type": "early_supported_discharge",
                "responsible_unit_id": str(w.ward.id),
                "reason": "stable on IV antibiotics",
            },
            headers=nurse,
        ),
        201,
    )["id"]

    def move(user: User, **body: object) -> dict:
        return ok(
            client.post(
                f"/api/v1/episodes/{eid}/transitions", json=body, headers=auth(session, user)
            )
        )

    move(w.physician, to="assessed", eligible=True, answers=OPAT_ANSWERS)
    move(
        w.nurse,
        to="consented",
        patient_informed=True,
        patient_consents=True,
        shared_records_consent=True,
    )
    ok(
        client.patch(
            f"/api/v1/episodes/{eid}",
            json={
                "responsible_physician_id": str(w.physician.id),
                "care_contact_id": str(w.nurse.id),
            },
            headers=nurse,
        )
    )
    plan = CarePlan(episode_id=uuid.UUID(eid), current_version=1)
    session.add(plan)
    session.flush()
    version = CarePlanVersion(
        care_plan_id=plan.id,
        number=1,
        content={"goals": ["home"], "discharge_criteria": ["afebrile 48 h"]},
        created_by_id=w.nurse.id,
    )
    session.add(version)
    session.flush()
    session.add(
        CarePlanAcknowledgement(
            version_id=version.id,
            party="patient",
            name="Kim",
            recorded_by_id=w.nurse.id,
            at=utcnow(),
        )
    )
    session.flush()
    move(w.nurse, to="planned")
    request = ok(
        client.post(
            "/api/v1/care-requests",
            json={
                "episode_id": eid,
                "to_organisation_id": str(w.municipality.id),
                "kind": "home_health_care",
                "answer_within_hours": 4,
            },
            headers=nurse,
        ),
        201,
    )
    ok(
        client.post(
            f"/api/v1/care-requests/{request['id']}/transitions",
            json={"to": "accepted"},
            headers=auth(session, w.municipal_nurse),
        )
    )
    for item in registry()["opat"].checklist:
        if item.blocking and item.automatic is None:
            signer = w.pharmacist if "pharmacist" in item.signer_roles else w.nurse
            ok(
                client.post(
                    f"/api/v1/episodes/{eid}/checklist/{item.key}/sign",
                    json={},
                    headers=auth(session, signer),
                )
            )
    move(w.nurse, to="at_home")
    return eid


def _shift_timeline(session: Session, eid: str, home: datetime, end: datetime | None) -> None:
    """Move the timeline back in time: steps before home a day before it, home at ``home``,
    discharge at ``end`` (the transitions happened a moment ago)."""
    episode_id = uuid.UUID(eid)
    for event in session.scalars(select(EpisodeEvent).where(EpisodeEvent.episode_id == episode_id)):
        if event.to_state == "at_home":
            event.at = home
        elif event.to_state == "discharged":
            assert end is not None
            event.at = end
        else:
            event.at = home - timedelta(days=1)
    session.execute(
        update(Episode)
        .where(Episode.id == episode_id)
        .values(created_at=home - timedelta(days=1), started_at=home, ended_at=end)
    )
    session.flush()


def _visits_and_plan(session: Session, w: World, eid: str, day: date) -> None:
    """Two done visits by the municipal nurse and the published plan of their day: leave
    08:00, visit 1 reached 08:20 (waits until 08:30, 30 min), visit 2 reached 09:15 (30 min),
    back 10:05. Travel 20 + 15 + 20 = 55 min, waiting 10, at the patient 60."""
    episode = session.get(Episode, uuid.UUID(eid))
    assert episode is not None
    ids = []
    for start in (8 * 60 + 30, 9 * 60 + 15):
        begin = datetime(day.year, day.month, day.day, start // 60, start % 60, tzinfo=STOCKHOLM)
        visit = Visit(
            episode_id=episode.id,
            patient_id=episode.patient_id,
            date=day,
            what="IV antibiotics",
            window_start=begin,
            window_end=begin + timedelta(hours=1),
            duration_min=30,
            role="registered_nurse",
            organisation_kind="municipal_home_health_care",
            organisation_id=w.municipality.id,
            source="ad_hoc",
            status="done",
            started_at=begin,
            ended_at=begin + timedelta(minutes=30),
        )
        session.add(visit)
        session.flush()
        ids.append(str(visit.id))
    session.add(
        DayPlan(
            date=day,
            organisation_ids=[str(w.municipality.id)],
            status="published",
            seconds=1,
            problem={"travel": {"speed_kmh": 40}},
            solution={
                "routes": [
                    {
                        "staff": str(w.municipal_nurse.id),
                        "leave": "08:00",
                        "back": "10:05",
                        "stops": [
                            {"visit": ids[0], "arrival": "08:20", "start": "08:30", "end": "09:00"},
                            {"visit": ids[1], "arrival": "09:15", "start": "09:15", "end": "09:45"},
                        ],
                    }
                ],
                "unassigned": [],
                "travel_minutes": 55,
            },
            created_by_id=w.municipal_nurse.id,
        )
    )
    session.flush()


def _alert(session: Session, eid: str, raised: datetime, acknowledged: datetime) -> None:
    episode = session.get(Episode, uuid.UUID(eid))
    assert episode is not None
    session.add(
        Alert(
            patient_id=episode.patient_id,
            episode_id=episode.id,
            kind="news2",
            severity="high",
            reason="NEWS2 8",
            status="acknowledged",
            last_triggered_at=raised,
            escalated_at=raised,
            created_at=raised,
            acknowledged_at=acknowledged,
        )
    )
    session.flush()


def _report(session: Session, first: date, last: date) -> dict[str, float | None]:
    report = build_report(session, first, last, filters=Filters(source="live"))
    return {v.indicator: v.value for v in report.values if v.group == "all"}


class TestLiveEpisodeInTheReport:
    def test_an_episode_through_the_api_is_counted(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        w = world
        eid = _home(client, session, w)
        ok(
            client.post(
                f"/api/v1/episodes/{eid}/questionnaire",
                json={"answers": {"felt_safe": 5, "knew_whom_to_call": 4}},
                headers=auth(session, w.nurse),
            ),
            201,
        )
        ok(
            client.post(
                f"/api/v1/episodes/{eid}/transitions",
                json={"to": "discharged", "reason": "criteria met"},
                headers=auth(session, w.physician),
            )
        )
        # home 8 days ago at 08:00 local, discharged 5 days ago at 08:00: 3 days at home
        today = datetime.now(STOCKHOLM).date()
        home_day = today - timedelta(days=8)
        home = datetime(home_day.year, home_day.month, home_day.day, 8, tzinfo=STOCKHOLM)
        end = home + timedelta(days=3)
        _shift_timeline(session, eid, home, end)
        _visits_and_plan(session, w, eid, home_day + timedelta(days=1))
        _alert(session, eid, home + timedelta(hours=2), home + timedelta(hours=2, minutes=12))

        v = _report(session, today - timedelta(days=10), today)

        assert v["episodes_started"] == 1
        assert v["episodes_ended_discharged"] == 1
        assert v["candidates"] == 1
        assert v["eligible_went_home_share"] == 1
        assert v["patient_days_at_home"] == pytest.approx(3)
        # OPAT, 7 planned days from admission (a day before home): 7 - 1 = 6 freed, all of
        # them past (days still to come are not counted until they have passed)
        assert v["bed_days_freed"] == pytest.approx(6)
        assert v["length_of_stay_median_days"] == pytest.approx(3)
        assert v["visits_done"] == 2
        assert v["staff_hours_travel"] == pytest.approx(55 / 60)
        assert v["staff_hours_waiting"] == pytest.approx(10 / 60)
        assert v["staff_hours_at_patient"] == pytest.approx(1)
        assert v["travel_km"] == pytest.approx(55 / 60 * 40)
        # the municipality: 125 min × 550 SEK/h + 36.7 km × 5 SEK
        assert v["municipality_costs_sek"] == pytest.approx(125 / 60 * 550 + 55 / 60 * 40 * 5)
        assert v["alerts_high"] == 1
        assert v["alert_minutes_to_acknowledge_median"] == pytest.approx(12)
        # sent and accepted at once, within the agreed 4 hours
        assert v["care_requests_sent"] == 1
        assert v["care_requests_answered_in_time_share"] == 1
        assert v["questionnaires_answered"] == 1
        assert v["patient_felt_safe_share"] == 1
        # the platform does not learn of readmissions after discharge
        assert v["readmissions_within_30_days"] is None

    def test_readmission_through_the_emergency_department_is_an_ed_visit(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        w = world
        episode = make_episode(session, w.patient, unit=w.ward, state="at_home")
        session.add(
            EpisodeEvent(
                episode_id=episode.id,
                at=utcnow() - timedelta(days=2),
                kind="transition",
                to_state="at_home",
            )
        )
        episode.started_at = utcnow() - timedelta(days=2)
        session.flush()
        ok(
            client.post(
                f"/api/v1/episodes/{episode.id}/transitions",
                json={
                    "to": "readmitted",
                    "reason": "worse",
                    "ward_unit_id": str(w.ward.id),
                    "use_reserved_bed": False,
                },
                headers=auth(session, w.nurse),
            )
        )
        today = datetime.now(STOCKHOLM).date()

        v = _report(session, today - timedelta(days=3), today)

        assert v["episodes_ended_readmitted"] == 1
        assert v["readmissions_during_episode"] == 1
        assert v["ed_visits_during_episode"] == 1
        assert v["escalations_during_episode"] == 1


class TestQuestionnaireEndpoint:
    def _at_home(self, session: Session, w: World) -> Episode:
        episode = make_episode(
            session, w.patient, unit=w.ward, state="at_home", physician=w.physician
        )
        episode.started_at = utcnow() - timedelta(days=1)
        session.flush()
        return episode

    def test_recorded_once(self, client: TestClient, session: Session, world: World) -> None:
        episode = self._at_home(session, world)
        url = f"/api/v1/episodes/{episode.id}/questionnaire"
        body = {"answers": {"felt_safe": 4}, "comment": "Tryggt", "answered_by": "next_of_kin"}

        created = ok(client.post(url, json=body, headers=auth(session, world.nurse)), 201)
        again = client.post(url, json=body, headers=auth(session, world.nurse))
        read = ok(client.get(url, headers=auth(session, world.physician)))

        assert created["answers"] == {"felt_safe": 4}
        assert created["comment"] == "Tryggt"
        assert again.status_code == 409
        assert read["id"] == created["id"]
        assert read["answered_by"] == "next_of_kin"

    @pytest.mark.parametrize(
        ("answers", "says", "code"),
        [
            ({"knew_whom_to_call": 4}, "felt_safe must be answered", "questionnaire.unanswered"),
            ({"felt_safe": 6}, "whole number 1-5", "questionnaire.not_on_scale"),
            (
                {"felt_safe": 3, "mood": 2},
                "unknown question 'mood'",
                "questionnaire.unknown_question",
            ),
        ],
    )
    def test_bad_answers_are_422(
        self,
        client: TestClient,
        session: Session,
        world: World,
        answers: dict[str, int],
        says: str,
        code: str,
    ) -> None:
        episode = self._at_home(session, world)

        response = client.post(
            f"/api/v1/episodes/{episode.id}/questionnaire",
            json={"answers": answers},
            headers=auth(session, world.nurse),
        )

        assert response.status_code == 422
        assert says in response.json()["detail"]
        assert [e["code"] for e in response.json()["errors"]] == [code]

    def test_not_before_the_patient_went_home(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        episode = make_episode(session, world.patient, unit=world.ward, state="planned")

        response = client.post(
            f"/api/v1/episodes/{episode.id}/questionnaire",
            json={"answers": {"felt_safe": 4}},
            headers=auth(session, world.nurse),
        )

        assert response.status_code == 409

    def test_forbidden_without_a_care_relationship_or_the_role(
        self, client: TestClient, session: Session, world: World
    ) -> None:
        episode = self._at_home(session, world)
        url = f"/api/v1/episodes/{episode.id}/questionnaire"
        body = {"answers": {"felt_safe": 4}}

        outsider = client.post(url, json=body, headers=auth(session, world.outsider))
        auditor = client.post(url, json=body, headers=auth(session, world.auditor))

        assert outsider.status_code == 404
        assert auditor.status_code == 403
        denied = session.scalars(
            select(AuditEvent).where(
                AuditEvent.resource_type == "questionnaire", AuditEvent.allowed.is_(False)
            )
        ).all()
        assert len(denied) == 2


class TestReportForASignedInUser:
    def _ctx(self, session: Session, user: User) -> Context:
        session.refresh(user)
        return Context(session, actor_of(user), AccessLog())

    def _episode(self, session: Session, w: World) -> Episode:
        episode = make_episode(session, w.patient, unit=w.ward, state="at_home")
        session.add(
            EpisodeEvent(
                episode_id=episode.id,
                at=utcnow() - timedelta(minutes=1),
                kind="transition",
                to_state="at_home",
            )
        )
        session.flush()
        return episode

    def test_trace_shows_only_episodes_the_caller_may_see(
        self, session: Session, world: World
    ) -> None:
        episode = self._episode(session, world)
        today = datetime.now(STOCKHOLM).date()
        nurse, outsider = self._ctx(session, world.nurse), self._ctx(session, world.outsider)

        yesterday = today - timedelta(days=1)

        mine = report_for(nurse, yesterday, today, trace=True).value("episodes_started")
        theirs = report_for(outsider, yesterday, today, trace=True).value("episodes_started")

        assert mine is not None
        assert theirs is not None
        assert (mine.value, mine.episodes) == (1, (str(episode.id),))
        assert (theirs.value, theirs.episodes) == (1, ())
        assert any(e.patient_id == world.patient.id for e in nurse.log.entries)
        assert not outsider.log.entries

    def test_aggregates_for_analysts_trace_for_clinical_roles_only(
        self, session: Session, world: World
    ) -> None:
        self._episode(session, world)
        today = datetime.now(STOCKHOLM).date()
        analyst = self._ctx(session, world.analyst)

        report = report_for(analyst, today - timedelta(days=1), today)

        started = report.value("episodes_started")
        assert started is not None
        assert (started.value, started.episodes) == (1, ())
        with pytest.raises(Forbidden):
            report_for(analyst, today, today, trace=True)
