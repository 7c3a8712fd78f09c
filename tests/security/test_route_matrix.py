"""The authorisation matrix (issue 10): every route of the app's own route table, and who may
call it.

`MATRIX` has one entry per (method, path) of the route table: how to fill its path parameters
from the world, a valid body (JSON for /api and /fhir, a form for the pages), which permissions
let a role call it (taken from `samband.security.roles.ROLE_PERMISSIONS`, so a change of the
roles flows through) and what the route names (`Names`). From it, per route:

- **outsider**: a user of an organisation with no care relationship with A's patient (a
  municipality's home health care, and another region's clinic), whose role *would* be
  allowed. A route naming A's patient data answers 404 and leaves an access-log row
  (allowed=False, A's patient); a route naming another of A's things answers 404; a list, the
  directory or one's own things answer without any of A's identifiers. Nothing is written.
- **wrong role**: a user of A whose role lacks the permission (the nearest clinical role and
  the nearest non-clinical one) gets 403 (the API: code "forbidden"; the pages: a 403 page),
  the attempt is in the access log, and nothing is written.
- **allowed** (a control for the reads): A's user with the right role gets the page or the
  record, so the ids of the world are real and a 404 above means a refusal.
- **partner** (routes only the responsible organisation may call, decision 0010): HA, the
  home health care taking part in A's episode, gets 403 and nothing is written.

"Nothing is written" is a digest of every table but the access log (`fingerprint`), taken
before and after the request; `test_the_fingerprint_sees_writes` keeps that check honest.
Forms posted to the pages carry the CSRF token of the `samband_csrf` cookie and the server's
Origin (`form_with_csrf`), so the matrix tests the authorisation, not the CSRF refusal.

`test_every_route_is_in_the_matrix` fails for a route of the app that has no entry (or an
explicit `SKIPPED` reason), and for an entry whose route no longer exists: a new route cannot
be added without its forbidden cases.

The world is built once for the module inside a transaction that is rolled back at the end;
each test runs in a savepoint of it that is rolled back, so no test sees another's writes.

`KNOWN_HOLES` lists the cases that fail today, each with what the route does wrong; those
tests are skipped with that reason until the route is fixed and the entry removed.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import Connection, Engine, Text, cast, func, literal, select, union_all
from sqlalchemy.orm import Session, sessionmaker
from starlette.routing import Mount

from samband.app import create_app
from samband.careplans.service import template_content
from samband.kit.time import local_today, utcnow
from samband.models import (
    AuditEvent,
    Base,
    CareRequest,
    DayPlan,
    EpisodeParticipant,
    HospitalStay,
    OnCallEntry,
    PatientRegistration,
    RecordBlock,
    ReportFile,
    RoundNote,
    User,
    Visit,
)
from samband.monitoring import intake
from samband.notifications import service as notifications
from samband.observations.schemas import ObservationCreate, Source
from samband.pathways.definition import registry
from samband.pilots import service as pilots
from samband.pilots.schemas import PilotCreate
from samband.rounds import service as rounds
from samband.security import service as security
from samband.security.context import AccessLog, Context
from samband.security.roles import ROLE_PERMISSIONS, Permission, Role
from samband.selfreport import service as selfreport
from samband.web.selfreport import COOKIE as TABLET_COOKIE
from tests.factories import (
    make_audit_event,
    make_care_plan,
    make_emergency_access,
    make_episode,
    make_medication,
    make_organisation,
    make_patient,
    make_unit,
    make_user,
)

try:  # FastAPI ≥ 0.16x keeps included routers nested; this walks them as the app does
    from fastapi.routing import iter_route_contexts
except ImportError:  # pragma: no cover - older FastAPI: app.routes is already flat

    def iter_route_contexts(routes: Any) -> Iterator[Any]:  # type: ignore[misc]
        return iter(routes)


P = Permission

# -- the holes found (issue 10) ------------------------------------------------------------------
# "<case> <test id>": what the route does wrong. Each case here is skipped with its reason
# until the route is fixed; then remove it (a stale entry fails test_every_route_is_in_the_matrix).
# Cases: outsider, wrong_role, allowed, partner (a participating organisation that is not the
# responsible one).
_FORM_AGAIN = (
    "answers {status} (the form shown again with the refusal as a form error) instead of a "
    "403 page; nothing is written{logged}. Must answer 403 (web/base.attempt turns the "
    "service's Forbidden into a form error)"
)


def _form_again(status: int, *, logged: bool = True) -> str:
    return _FORM_AGAIN.format(
        status=status, logged="; the refusal is logged" if logged else ", and NOTHING IS LOGGED"
    )


KNOWN_HOLES: dict[str, str] = {}

# -- routes deliberately outside the matrix, each with its reason ------------------------------
SKIPPED: dict[tuple[str, str], str] = {
    ("GET", "/openapi.json"): "the API's description: no data, no user",
    ("HEAD", "/openapi.json"): "the API's description: no data, no user",
    ("GET", "/docs"): "the API's documentation page: static",
    ("*", "/static"): "the pages' CSS and JavaScript: public files",
    ("*", "/static/apidocs"): "the documentation pages' scripts: public files",
    ("GET", "/health"): "liveness: status and version, no user",
    ("POST", "/api/v1/auth/token"): "logging in: before there is a user (tests/security)",
    ("POST", "/api/v1/auth/logout"): "ends the caller's own token, whoever they are",
    ("GET", "/login"): "the login page: before there is a user",
    ("POST", "/login"): "logging in: before there is a user",
    ("POST", "/logout"): "ends the caller's own session, whoever they are",
    ("GET", "/language/{lang}"): "sets the language cookie: no data",
}

SESSION_COOKIE = "samband_session"
CSRF_COOKIE = "samband_csrf"
BASE_URL = "https://testserver"

# The order roles are tried in: the first allowed one calls as the outsider and as the
# allowed control; the first lacking one in each list calls as the wrong role.
ALLOWED_ORDER = [
    Role.REGISTERED_NURSE,
    Role.PHYSICIAN,
    Role.COORDINATOR,
    Role.PHARMACIST,
    Role.ASSISTANT_NURSE,
    Role.PHYSIOTHERAPIST,
    Role.OCCUPATIONAL_THERAPIST,
    Role.AUDITOR,
    Role.ADMINISTRATOR,
    Role.ANALYST,
    Role.DEVICE,
]
CLINICAL_WRONG = [
    Role.REGISTERED_NURSE,
    Role.PHARMACIST,
    Role.ASSISTANT_NURSE,
    Role.COORDINATOR,
    Role.PHYSIOTHERAPIST,
    Role.OCCUPATIONAL_THERAPIST,
    Role.PHYSICIAN,
]
OTHER_WRONG = [Role.ADMINISTRATOR, Role.ANALYST, Role.AUDITOR, Role.DEVICE]
assert set(ALLOWED_ORDER) == set(Role), "every role is tried"  # noqa: S101


def roles_with(perms: tuple[Permission, ...]) -> list[Role]:
    """The roles holding any of the permissions, from ROLE_PERMISSIONS (deny by default)."""
    return [r for r in ALLOWED_ORDER if set(perms) & ROLE_PERMISSIONS.get(r, frozenset())]


def wrong_roles(perms: tuple[Permission, ...]) -> list[Role]:
    allowed = set(roles_with(perms))
    found = []
    for order in (CLINICAL_WRONG, OTHER_WRONG):
        lacking = [r for r in order if r not in allowed]
        if lacking:
            found.append(lacking[0])
    return found


# -- the world ---------------------------------------------------------------------------------

OUTSIDERS = ("B1", "B2")


@dataclass
class World:
    """Ids and texts only (the rows live in the module's transaction)."""

    org: dict[str, uuid.UUID]
    org_code: dict[str, str]
    unit: dict[str, uuid.UUID]
    user: dict[tuple[str, Role], uuid.UUID]
    token: dict[tuple[str, Role], str]
    patient: uuid.UUID
    personnummer: str
    family_name: str
    episode: uuid.UUID
    plan: uuid.UUID
    medication: uuid.UUID
    request: uuid.UUID
    observation: uuid.UUID
    alert: uuid.UUID
    round: uuid.UUID
    note: uuid.UUID
    visit: uuid.UUID
    day_plan: uuid.UUID
    pilot: uuid.UUID
    assumption: uuid.UUID
    audit_event: uuid.UUID
    emergency_access: uuid.UUID
    block: uuid.UUID
    checklist_key: str
    criteria: list[str]
    tablet: dict[str, str]  # "A" / "B2": the cookie of a tablet paired with their episode
    b_episode: uuid.UUID
    on_call_entry: uuid.UUID  # an entry of A's unit's on-call roster
    notification: uuid.UUID  # one of A's nurse's notifications
    report: uuid.UUID  # a report A's nurse ordered (made, with its file)
    # area E (messages, issue 13): the patient's own thread, with a message from A's nurse
    thread: uuid.UUID | None = None
    # area F (discharge coordination, issue 13): A's patient in A's hospital, notice not sent
    hospital_stay: uuid.UUID | None = None
    # area A (physician requests, issue 13): A's nurse asks about A's patient
    physician_request: uuid.UUID | None = None
    # area D (physician visits, issue 13): A's physician's slot, a booking of it for A's
    # patient tomorrow, and a planned medication review of the patient
    physician_slot: uuid.UUID | None = None
    slot_booking: uuid.UUID | None = None
    physician_review: uuid.UUID | None = None
    # issue 14 areas (each inserts its fields after its own marker line)
    # world-fields:medadmin
    # area A (medication administration, issue 14): a dose of A's patient's medication, its
    # signature by A's nurse, and A's nurse's delegation to A's assistant nurse
    dose: uuid.UUID | None = None
    dose_administration: uuid.UUID | None = None
    medication_delegation: uuid.UUID | None = None
    # world-fields:labresults
    lab_result: uuid.UUID | None = None  # an Hb result of A's patient, entered by A's nurse
    sample_order: uuid.UUID | None = None  # a CRP order for today, by A's nurse
    # world-fields:dischargesummaries
    # area C (discharge summaries, issue 14): a draft of A's episode's summary by A's nurse
    discharge_summary: uuid.UUID | None = None
    # world-fields:palliative
    # area D (palliative, issue 14): an ESAS-r assessment of A's patient by A's nurse; the
    # expected death of A's episode documented by A's physician
    symptom_assessment: uuid.UUID | None = None
    # world-fields:deviations
    # area E (deviations, issue 14): A's nurse reports about A's patient, concerning HA
    deviation: uuid.UUID | None = None
    # world-fields:pilots
    # area pilots (issue 14): A's finished pilot (its period ended a month ago), which other
    # organisations may read to learn from (w.pilot is A's running pilot: 404 for them)
    finished_pilot: uuid.UUID | None = None

    def secrets(self) -> list[str]:
        """What an outsider must never see: A's patient and the records of their care."""
        pnr = self.personnummer
        return [
            str(self.patient),
            pnr,
            f"{pnr[:8]}-{pnr[8:]}",
            self.family_name,
            str(self.episode),
            str(self.plan),
            str(self.medication),
            str(self.request),
            str(self.observation),
            str(self.alert),
            str(self.note),
            *([str(self.hospital_stay)] if self.hospital_stay else []),
        ]


def _ctx(session: Session, user: User) -> Context:
    session.refresh(user)
    return Context(session=session, actor=security.actor_of(user), log=AccessLog())


def build_world(session: Session) -> World:
    """Organisation A (a hospital clinic) with a patient at home and every record of their
    care; HA, the municipality's home health care taking part; B1 (another municipality's
    home health care) and B2 (another region's clinic, with a patient of its own): no
    relationship with A's patient. Every organisation has a user of every role."""
    orgs = {
        "A": make_organisation(session, kind="hospital_clinic", authority_name="Region Ahl"),
        "HA": make_organisation(
            session,
            kind="municipal_home_health_care",
            authority_kind="municipality",
            authority_name="Ahl kommun",
        ),
        "B1": make_organisation(
            session,
            kind="municipal_home_health_care",
            authority_kind="municipality",
            authority_name="Bee kommun",
        ),
        "B2": make_organisation(session, kind="hospital_clinic", authority_name="Region Bee"),
    }
    units = {"A": make_unit(session, orgs["A"], beds=1), "B2": make_unit(session, orgs["B2"])}
    users: dict[tuple[str, Role], User] = {}
    for key, org in orgs.items():
        for role in Role:
            unit = units.get(key) if role != Role.DEVICE else None
            users[key, role] = make_user(session, org, role=role.value, unit=unit)
    physician, nurse = users["A", Role.PHYSICIAN], users["A", Role.REGISTERED_NURSE]

    family = f"Hemligsson{uuid.uuid4().hex[:8]}"
    patient = make_patient(session, registered_by=nurse, family_name=family)
    episode = make_episode(
        session,
        patient,
        unit=units["A"],
        state="at_home",
        participants={orgs["HA"]: "home_health_care"},
        physician=physician,
        care_contact=nurse,
    )
    episode.started_at = utcnow() - timedelta(days=2)
    session.flush()
    plan = make_care_plan(session, episode, by=physician)
    medication = make_medication(session, episode, by=physician)
    request = CareRequest(
        episode_id=episode.id,
        kind="home_health_care",
        from_organisation_id=orgs["A"].id,
        to_organisation_id=orgs["HA"].id,
        state="sent",
        answer_by=utcnow() + timedelta(hours=24),
        created_at=utcnow(),
        created_by_id=physician.id,
        history=[],
        medication_snapshot=[],
    )
    session.add(request)
    session.flush()

    # a set from the home gateway that raises an alert (NEWS2 8)
    high = {"respiratory_rate": 26, "spo2": 90, "on_oxygen": False, "systolic_bp": 95}
    high |= {"pulse": 72, "consciousness": "A", "temperature": 37.0}
    ingested = intake.ingest_one(
        _ctx(session, users["A", Role.DEVICE]),
        ObservationCreate(
            patient_id=patient.id,
            measured_at=utcnow() - timedelta(minutes=10),
            source=Source.DEVICE,
            **high,
        ),
    )
    observation = ingested.view.observation
    assert ingested.view.alert_ids, "the world's set raises an alert"  # noqa: S101

    round_ = rounds.open_round(_ctx(session, physician), units["A"].id)
    note = RoundNote(
        round_id=round_.id,
        episode_id=episode.id,
        situation="s",
        assessment="a",
        decision="continue",
        participants=[{"role": "physician", "name": "X", "present_by": "on_site"}],
        criteria_met=[],
        created_by_id=physician.id,
        created_at=utcnow(),
    )
    session.add(note)
    today = local_today()
    start = utcnow().replace(hour=8, minute=0, second=0, microsecond=0)
    visit = Visit(
        episode_id=episode.id,
        patient_id=patient.id,
        date=today,
        what="IV antibiotics",
        window_start=start,
        window_end=start + timedelta(hours=2),
        duration_min=30,
        skills=[],
        role="registered_nurse",
        organisation_kind="hospital_clinic",
        organisation_id=orgs["A"].id,
        priority=1,
        source="ad_hoc",
        status="planned",
        history=[],
        created_by_id=nurse.id,
        created_at=utcnow(),
    )
    session.add(visit)
    session.flush()
    day_plan = DayPlan(
        date=today,
        organisation_ids=[str(orgs["A"].id)],
        status="draft",
        version=1,
        seconds=1.0,
        travel_minutes=0,
        problem={},
        solution={"routes": []},
        fixed=[],
        unassigned=[
            {
                "visit": str(visit.id),
                "code": "planning.no_staff_on_shift",
                "params": {"date": today.isoformat()},
                "reason": "no staff has a shift",
            }
        ],
        created_by_id=nurse.id,
    )
    session.add(day_plan)
    pilot = pilots.create(
        _ctx(session, users["A", Role.COORDINATOR]),
        PilotCreate(
            name="OPAT hemma",
            purpose="Fler hem tidigare",
            period_start=today - timedelta(days=60),
            period_end=today,
            comparison_kind="period",  # type: ignore[arg-type]
            comparison_start=today - timedelta(days=400),
            comparison_end=today - timedelta(days=340),
            assumptions=["Patienterna känner sig trygga"],
        ),
    )
    session.flush()
    audit = make_audit_event(session, user=physician, patient=patient)
    emergency = make_emergency_access(session, user=nurse, patient=patient)
    # the patient blocks HA's documentation (spärr): HA has written nothing in the world
    block = RecordBlock(
        patient_id=patient.id,
        organisation_id=orgs["HA"].id,
        reason="the patient asked",
        created_by_id=users["HA", Role.REGISTERED_NURSE].id,
    )
    session.add(block)

    # B2's own patient at home, with a tablet paired to their episode
    b_patient = make_patient(session, registered_by=users["B2", Role.REGISTERED_NURSE])
    b_episode = make_episode(
        session,
        b_patient,
        unit=units["B2"],
        state="at_home",
        physician=users["B2", Role.PHYSICIAN],
    )
    b_episode.started_at = utcnow() - timedelta(days=1)
    session.flush()
    tablets = {}
    b_nurse = users["B2", Role.REGISTERED_NURSE]
    for key, (who, ep) in {"A": (nurse, episode), "B2": (b_nurse, b_episode)}.items():
        pairing = selfreport.pair(_ctx(session, who), ep.id)
        tablets[key] = f"{pairing.episode_id}.{pairing.secret}"

    on_call = OnCallEntry(
        organisation_id=orgs["A"].id,
        unit_id=units["A"].id,
        role="physician",
        slot="night",
        starts_on=today,
        user_id=physician.id,
        phone="070-000 00 00",
    )
    session.add(on_call)
    session.flush()
    tokens = {k: security.issue_token(session, u).access_token for k, u in users.items()}
    (notification,) = notifications.notify(
        session,
        user_ids=[nurse.id],
        kind="alert",
        severity="high",
        reference=notifications.reference("alert", ingested.view.alert_ids[0]),
        link=f"/alerts/{ingested.view.alert_ids[0]}",
        params={"alert_kind": "news2", "score": 9, "level": 1},
    )
    report = ReportFile(
        user_id=nurse.id,
        kind="outcomes",
        format="csv",
        parameters={"from": "2025-03-01", "to": "2025-03-31", "trace": False},
        status="done",
        attempts=1,
        content=b"indicator,group,value\n",
        media_type="text/csv; charset=utf-8",
        filename="samband-outcomes-2025-03-01-2025-03-31.csv",
        size=22,
        finished_at=utcnow(),
        expires_at=utcnow() + timedelta(days=7),
    )
    session.add(report)
    session.flush()
    pathway = registry()[episode.pathway]
    world = World(
        org={k: o.id for k, o in orgs.items()},
        org_code={k: o.code for k, o in orgs.items()},
        unit={k: u.id for k, u in units.items()},
        user={k: u.id for k, u in users.items()},
        token=tokens,
        patient=patient.id,
        personnummer=patient.personnummer,
        family_name=family,
        episode=episode.id,
        plan=plan.id,
        medication=medication.id,
        request=request.id,
        observation=observation.id,
        alert=ingested.view.alert_ids[0],
        round=round_.id,
        note=note.id,
        visit=visit.id,
        day_plan=day_plan.id,
        pilot=pilot.id,
        assumption=pilot.assumptions[0].id,
        audit_event=audit.id,
        emergency_access=emergency.id,
        block=block.id,
        checklist_key=pathway.checklist[0].key,
        criteria=[c.key for c in pathway.eligibility],
        tablet=tablets,
        b_episode=b_episode.id,
        on_call_entry=on_call.id,
        notification=notification.id,
        report=report.id,
    )
    # -- area E (messages, issue 13): A's nurse writes to HA's nurse in the patient's thread
    from samband.messaging import service as messaging
    from samband.messaging.schemas import MessageCreate

    handover = MessageCreate(
        body="Överlämning", kind="handover", recipients=[users["HA", Role.REGISTERED_NURSE].id]
    )
    message = messaging.post_about_patient(_ctx(session, nurse), patient.id, handover)
    world.thread = message.thread_id
    # -- area F (discharge coordination, issue 13): A's patient admitted to A 2 hours ago
    stay = HospitalStay(
        patient_id=patient.id,
        episode_id=episode.id,
        hospital_organisation_id=orgs["A"].id,
        admitted_at=utcnow() - timedelta(hours=2),
        notice_to=[],
        created_by_id=nurse.id,
        history=[],
    )
    session.add(stay)
    session.flush()
    world.hospital_stay = stay.id
    # -- area A (physician requests, issue 13): A's nurse asks a physician about the patient
    from samband.physicianrequests import service as physician_requests
    from samband.physicianrequests.schemas import PhysicianRequestCreate, Urgency

    asked = physician_requests.ask(
        _ctx(session, nurse),
        PhysicianRequestCreate(patient_id=patient.id, urgency=Urgency.ACUTE, situation="Feber"),
    )
    world.physician_request = asked.id
    # -- area D (physician visits, issue 13): A's physician offers a daily slot, A's nurse books
    # it for the patient tomorrow and plans a medication review
    from samband.physicianvisits import service as physician_visits
    from samband.physicianvisits.schemas import ReviewCreate, ReviewKind, SlotWrite

    slot = physician_visits.create_slot(
        _ctx(session, physician),
        SlotWrite.model_validate(_slot_body(physician.id)),
    )
    world.physician_slot = slot.slot.id
    booking = physician_visits.book(
        _ctx(session, nurse),
        slot_id=slot.slot.id,
        date=local_today() + timedelta(days=1),
        patient_id=patient.id,
    )
    world.slot_booking = booking.id
    review = physician_visits.create_review(
        _ctx(session, nurse),
        patient.id,
        ReviewCreate(
            kind=ReviewKind.MEDICATION_REVIEW,
            interval_days=90,
            first_date=local_today() + timedelta(days=7),
            physician_id=physician.id,
        ),
    )
    world.physician_review = review.review.id
    # issue 14 areas (each inserts its records after its own marker line)
    # world-build:medadmin
    # -- area A (medication administration, issue 14): the medication's doses of today and
    # tomorrow, the first signed by A's nurse; A's nurse delegates IV to A's assistant nurse
    from samband.medadmin import service as medadmin
    from samband.models.medadmin import DoseAdministration, MedicationDelegation

    made = medadmin.materialise(
        session, episode, [medication], utcnow(), since=utcnow() - timedelta(days=1)
    )
    signed = DoseAdministration(
        episode_id=episode.id,
        patient_id=patient.id,
        medication_id=medication.id,
        scheduled_dose_id=made[0].id,
        kind="scheduled",
        outcome="given",
        status="valid",
        given_at=utcnow() - timedelta(minutes=5),
        drug=made[0].drug,
        dose=made[0].dose,
        route=made[0].route,
        source="app",
        signed_by_id=nurse.id,
        entered_by_id=nurse.id,
        organisation_id=orgs["A"].id,
        history=[],
    )
    delegation = MedicationDelegation(
        organisation_id=orgs["A"].id,
        delegate_id=users["A", Role.ASSISTANT_NURSE].id,
        delegated_by_id=nurse.id,
        routes=["iv"],
        medication_ids=[],
        valid_from=today,
        valid_until=today + timedelta(days=30),
    )
    session.add_all([signed, delegation])
    session.flush()
    world.dose = made[-1].id
    world.dose_administration = signed.id
    world.medication_delegation = delegation.id
    # world-build:labresults
    from samband.labresults import service as labresults
    from samband.labresults.schemas import LabResultCreate, SampleOrderCreate

    lab_order = labresults.order(
        _ctx(session, nurse), episode.id, SampleOrderCreate(tests=["crp"], due_date=local_today())
    )
    world.sample_order = lab_order.order.id
    lab_result = labresults.enter(
        _ctx(session, nurse),
        LabResultCreate(
            episode_id=episode.id,
            test="hb",
            value=120,
            unit="g/L",
            taken_at=utcnow() - timedelta(hours=1),
        ),
    )
    world.lab_result = lab_result.result.id
    # world-build:dischargesummaries
    from samband.dischargesummaries import service as discharge_summaries

    world.discharge_summary = discharge_summaries.create(_ctx(session, nurse), episode.id).id
    # world-build:palliative
    from samband.palliative import service as palliative
    from samband.palliative.schemas import ExpectedDeathCreate, SymptomAssessmentCreate

    world.symptom_assessment = palliative.record(
        _ctx(session, nurse),
        episode.id,
        SymptomAssessmentCreate(
            pain=2,
            tiredness=3,
            drowsiness=1,
            nausea=0,
            lack_of_appetite=2,
            shortness_of_breath=1,
            depression=1,
            anxiety=2,
            wellbeing=3,
        ),
    ).id
    palliative.decide(
        _ctx(session, physician),
        episode.id,
        ExpectedDeathCreate(
            no_resuscitation=True,
            no_hospital_transfer=True,
            conversation_on=local_today(),
            conversation_with="Patienten och dottern",
        ),
    )
    # world-build:deviations
    from samband.deviations import service as deviation_service
    from samband.deviations.schemas import DeviationCreate

    reported = deviation_service.report(
        _ctx(session, nurse),
        DeviationCreate.model_validate(
            {
                "patient_id": patient.id,
                "episode_id": episode.id,
                "category": "medication",
                "occurred_at": utcnow() - timedelta(hours=1),
                "description": "Läkemedelslistan saknades vid hemgång",
                "consequence": "mild",
                "concerned_organisation_id": orgs["HA"].id,
            }
        ),
    )
    world.deviation = reported.id
    # world-build:pilots
    from samband.pilots.schemas import LogEntryCreate

    learnt = pilots.create(
        _ctx(session, users["A", Role.COORDINATOR]),
        PilotCreate(
            name="OPAT hemma, första omgången",
            purpose="Lära av den första omgången",
            period_start=today - timedelta(days=120),
            period_end=today - timedelta(days=30),
            comparison_kind="period",  # type: ignore[arg-type]
            comparison_start=today - timedelta(days=485),
            comparison_end=today - timedelta(days=395),
            assumptions=["Teamet hinner tre besök per dag"],
        ),
    )
    pilots.add_log_entry(
        _ctx(session, users["A", Role.COORDINATOR]),
        learnt.id,
        LogEntryCreate.model_validate(
            {
                "kind": "enabler",
                "classification": "culture",
                "description": "Tillit mellan sjukhus och kommun",
                "occurred_on": today - timedelta(days=60),
            }
        ),
    )
    world.finished_pilot = learnt.id
    return world


# -- the matrix --------------------------------------------------------------------------------


class Names(Enum):
    """What a route names, which decides what an outsider gets."""

    PATIENT = "A's patient data (path or body): 404 and an access-log row for the patient"
    THING = "another of A's things (round, day plan, pilot, staff, unit): 404"
    NOTHING = "a list, the directory or the caller's own things: no A identifier in the answer"
    REGISTRATION = "A's personnummer to register: reveals nothing, grants no relationship"
    EMERGENCY = "emergency access (nödåtkomst): allowed to anyone licensed, flagged and logged"
    TABLET = "a patient-mode tablet paired with another episode: refused, nothing written"


Body = Callable[["World"], dict[str, Any]]


def _none(_w: World) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    # any of these permissions lets a role call it; None: every signed-in user (no wrong role)
    perms: tuple[Permission, ...] | None
    names: Names
    params: Body = _none
    query: Body = _none
    body: Body | None = None
    # the outsider's expected status (default: 404 for PATIENT / THING, 401 for TABLET)
    outsider_status: tuple[int, ...] | None = None
    # the wrong role's expected status (a redirect: to the role's own first page)
    wrong_role_status: tuple[int, ...] = (403,)
    # an outsider may write their own things here (e.g. their own pilot)
    outsider_writes: bool = False
    # the allowed control (GET only): the status A's allowed user gets; None: no control
    allowed_status: int | None = 200
    # the allowed control also finds A's patient in the answer
    a_sees: bool = False
    # only the episode's responsible organisation may do this (not a participating one)
    responsible_only: bool = False
    note: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.method, self.path)

    @property
    def kind(self) -> str:
        if self.path.startswith("/api/"):
            return "api"
        if self.path.startswith("/fhir/"):
            return "fhir"
        if self.names is Names.TABLET:
            return "tablet"
        return "page"

    def label(self) -> str:
        return f"{self.method} {self.path}"


def _now_iso(minutes: int = 5) -> str:
    return (utcnow() - timedelta(minutes=minutes)).isoformat()


def _today() -> str:
    return local_today().isoformat()


def _e(w: World) -> dict[str, Any]:
    return {"episode_id": w.episode}


def _p(w: World) -> dict[str, Any]:
    return {"patient_id": w.patient}


def _a_nurse(w: World) -> dict[str, Any]:
    return {"user_id": w.user["A", Role.REGISTERED_NURSE]}


def _medication_body(w: World) -> dict[str, Any]:
    return {
        "episode_id": str(w.episode),
        "drug": "Cefotaxim",
        "dose": "1 g",
        "route": "iv",
        "schedule": "08:00 16:00 24:00",
        "given_by": "registered_nurse",
        "supplied_by": "ward",
    }


def _observation_body(w: World) -> dict[str, Any]:
    return {"patient_id": str(w.patient), "measured_at": _now_iso(), "pulse": 72}


def _fhir_observation(w: World) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "status": "final",
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                        "code": "vital-signs",
                    }
                ]
            }
        ],
        "code": {"coding": [{"system": "http://loinc.org", "code": "8867-4"}]},
        "subject": {"reference": f"Patient/{w.patient}"},
        "effectiveDateTime": _now_iso(4),
        "valueQuantity": {
            "value": 72,
            "unit": "/min",
            "system": "http://unitsofmeasure.org",
            "code": "/min",
        },
    }


def _note_body(w: World) -> dict[str, Any]:
    return {
        "episode_id": str(w.episode),
        "situation": "s",
        "assessment": "a",
        "decision": "continue",
        "participants": [{"role": "physician", "name": "X", "present_by": "video"}],
    }


def _new_patient_form(w: World) -> dict[str, Any]:
    return {
        "personnummer": w.personnummer,
        "given_name": "Annan",
        "family_name": "Person",
        "language": "sv",
        "pathway": "opat",
        "type": "early_supported_discharge",
        "responsible_unit_id": str(w.unit["B2"]),
    }


R = Route
READ = (P.PATIENT_READ,)
MATRIX: list[Route] = [
    # -- the API: who am I, the directory, pathways ------------------------------------------
    R("GET", "/api/v1/me", None, Names.NOTHING),
    # -- one's own notifications and how one is reached (issue 11) ---------------------------
    R("GET", "/api/v1/notifications", None, Names.NOTHING),
    R(
        "POST",
        "/api/v1/notifications/{notification_id}/read",
        None,
        Names.THING,
        params=lambda w: {"notification_id": w.notification},
        note="only the person notified may mark it read",
    ),
    R("GET", "/api/v1/me/contact", None, Names.NOTHING),
    R("PATCH", "/api/v1/me/contact", None, Names.NOTHING, body=_none),
    R("GET", "/api/v1/organisations", (P.DIRECTORY_READ,), Names.NOTHING),
    R(
        "GET",
        "/api/v1/organisations/{organisation_id}",
        (P.DIRECTORY_READ,),
        Names.NOTHING,
        params=lambda w: {"organisation_id": w.org["A"]},
        note="the directory: every organisation may read it",
    ),
    R(
        "GET",
        "/api/v1/organisations/{organisation_id}/staff",
        (P.DIRECTORY_READ,),
        Names.NOTHING,
        params=lambda w: {"organisation_id": w.org["A"]},
        note="the directory: every organisation may read it",
    ),
    R(
        "POST",
        "/api/v1/users",
        (P.USER_ADMIN,),
        Names.THING,
        body=lambda w: {
            "username": f"matrix.{uuid.uuid4().hex[:10]}",
            "full_name": "Ny Läkare",
            "role": "physician",
            "organisation_code": w.org_code["A"],
            "password": "a-long-password-1",
        },
        outsider_status=(403, 404),
        note="an account in A's organisation: only A's own administrator",
    ),
    R(
        "GET",
        "/api/v1/users",
        (P.USER_ADMIN,),
        Names.THING,
        query=lambda w: {"organisation_id": w.org["A"]},
        note="A's organisation's users: A's care provider's administrators only",
    ),
    R(
        "GET",
        "/api/v1/users/{user_id}",
        (P.USER_ADMIN,),
        Names.THING,
        params=_a_nurse,
    ),
    R(
        "PATCH",
        "/api/v1/users/{user_id}",
        (P.USER_ADMIN,),
        Names.THING,
        params=_a_nurse,
        body=lambda w: {"role": "physician"},
    ),
    R(
        "POST",
        "/api/v1/users/{user_id}/password",
        (P.USER_ADMIN,),
        Names.THING,
        params=_a_nurse,
        body=lambda w: {"password": "a-new-long-password-2"},
    ),
    R("GET", "/api/v1/pathways", (P.DIRECTORY_READ,), Names.NOTHING),
    R(
        "GET",
        "/api/v1/pathways/{key}",
        (P.DIRECTORY_READ,),
        Names.NOTHING,
        params=lambda w: {"key": "opat"},
    ),
    # -- patients ----------------------------------------------------------------------------
    R(
        "POST",
        "/api/v1/patients",
        (P.PATIENT_WRITE,),
        Names.REGISTRATION,
        body=lambda w: {
            "personnummer": w.personnummer,
            "given_name": "Annan",
            "family_name": "Person",
        },
    ),
    R("GET", "/api/v1/patients", READ, Names.NOTHING, a_sees=True),
    R("GET", "/api/v1/patients/{patient_id}", READ, Names.PATIENT, params=_p),
    R(
        "PATCH",
        "/api/v1/patients/{patient_id}",
        (P.PATIENT_WRITE,),
        Names.PATIENT,
        params=_p,
        body=lambda w: {"given_name": "Hacked"},
    ),
    R(
        "POST",
        "/api/v1/patients/{patient_id}/emergency-access",
        (P.EMERGENCY_ACCESS,),
        Names.EMERGENCY,
        params=_p,
        body=lambda w: {"reason": "Medvetslös på akuten, behöver läkemedelslistan"},
    ),
    R("GET", "/api/v1/patients/{patient_id}/blocks", READ, Names.PATIENT, params=_p),
    R(
        "POST",
        "/api/v1/patients/{patient_id}/blocks",
        (P.PATIENT_WRITE,),
        Names.PATIENT,
        params=_p,
        body=lambda w: {"reason": "the patient asked"},
    ),
    R(
        "POST",
        "/api/v1/patients/{patient_id}/blocks/{block_id}/lift",
        (P.PATIENT_WRITE,),
        Names.PATIENT,
        params=lambda w: {"patient_id": w.patient, "block_id": w.block},
        body=lambda w: {"reason": "the patient asked"},
    ),
    # -- episodes ----------------------------------------------------------------------------
    R(
        "POST",
        "/api/v1/episodes",
        (P.EPISODE_CREATE,),
        Names.PATIENT,
        body=lambda w: {
            "patient_id": str(w.patient),
            "pathway": "opat",
            "type": "early_supported_discharge",
            "responsible_unit_id": str(w.unit["B2"]),
            "reason": "Remitterad till oss",
        },
        outsider_status=(409,),
        note="flagging needs no relationship (decision 0010), but A's patient has an open "
        "episode: 409, without naming it",
    ),
    R("GET", "/api/v1/episodes", READ, Names.NOTHING, a_sees=True),
    R("GET", "/api/v1/episodes/{episode_id}", READ, Names.PATIENT, params=_e),
    R(
        "PATCH",
        "/api/v1/episodes/{episode_id}",
        (P.EPISODE_UPDATE,),
        Names.PATIENT,
        params=_e,
        body=lambda w: {"planned_home_date": "2030-01-01"},
        responsible_only=True,
    ),
    R(
        "POST",
        "/api/v1/episodes/{episode_id}/participants",
        (P.EPISODE_UPDATE,),
        Names.PATIENT,
        params=_e,
        body=lambda w: {"organisation_id": str(w.org["B1"]), "role": "home_health_care"},
        responsible_only=True,
    ),
    R(
        "POST",
        "/api/v1/episodes/{episode_id}/transitions",
        (P.EPISODE_TRANSITION,),
        Names.PATIENT,
        params=_e,
        body=lambda w: {"to": "withdrawn", "reason": "x"},
        responsible_only=True,
    ),
    R(
        "DELETE",
        "/api/v1/episodes/{episode_id}/participants/{organisation_id}",
        (P.EPISODE_UPDATE,),
        Names.PATIENT,
        params=lambda w: {"episode_id": w.episode, "organisation_id": w.org["HA"]},
        query=lambda w: {"reason": "x"},
    ),
    R(
        "POST",
        "/api/v1/episodes/{episode_id}/end-requests",
        (P.EPISODE_UPDATE,),
        Names.PATIENT,
        params=_e,
        body=lambda w: {"to": "discharged", "reason": "well again"},
    ),
    R("GET", "/api/v1/episodes/{episode_id}/events", READ, Names.PATIENT, params=_e),
    R("GET", "/api/v1/episodes/{episode_id}/checklist", READ, Names.PATIENT, params=_e),
    R(
        "POST",
        "/api/v1/episodes/{episode_id}/checklist/{key}/sign",
        (P.CHECKLIST_SIGN,),
        Names.PATIENT,
        params=lambda w: {"episode_id": w.episode, "key": w.checklist_key},
        body=lambda w: {"note": "ok"},
    ),
    R(
        "POST",
        "/api/v1/episodes/{episode_id}/checklist/{key}/unsign",
        (P.CHECKLIST_SIGN,),
        Names.PATIENT,
        params=lambda w: {"episode_id": w.episode, "key": w.checklist_key},
        body=lambda w: {"reason": "signed by mistake"},
    ),
    R(
        "POST",
        "/api/v1/episodes/{episode_id}/contacts",
        (P.EPISODE_UPDATE,),
        Names.PATIENT,
        params=_e,
        body=lambda w: {"kind": "phone", "spoke_with": "patient", "outcome": "well"},
    ),
    # -- care plans --------------------------------------------------------------------------
    R(
        "POST",
        "/api/v1/care-plans",
        (P.CARE_PLAN_WRITE,),
        Names.PATIENT,
        body=lambda w: {"episode_id": str(w.episode)},
    ),
    R("GET", "/api/v1/care-plans", READ, Names.PATIENT, query=_e),
    R(
        "GET",
        "/api/v1/care-plans/{care_plan_id}",
        READ,
        Names.PATIENT,
        params=lambda w: {"care_plan_id": w.plan},
    ),
    R(
        "PUT",
        "/api/v1/care-plans/{care_plan_id}",
        (P.CARE_PLAN_WRITE,),
        Names.PATIENT,
        params=lambda w: {"care_plan_id": w.plan},
        body=lambda w: {
            "base_version": 1,
            "content": template_content("opat").model_dump(mode="json"),
            "change_note": "x",
        },
    ),
    R(
        "GET",
        "/api/v1/care-plans/{care_plan_id}/versions",
        READ,
        Names.PATIENT,
        params=lambda w: {"care_plan_id": w.plan},
    ),
    R(
        "GET",
        "/api/v1/care-plans/{care_plan_id}/versions/{number}",
        READ,
        Names.PATIENT,
        params=lambda w: {"care_plan_id": w.plan, "number": 1},
    ),
    R(
        "POST",
        "/api/v1/care-plans/{care_plan_id}/versions/{number}/acknowledgements",
        (P.CARE_PLAN_ACKNOWLEDGE,),
        Names.PATIENT,
        params=lambda w: {"care_plan_id": w.plan, "number": 1},
        body=lambda w: {"party": "patient", "name": "Kim"},
    ),
    # -- care requests -----------------------------------------------------------------------
    R(
        "POST",
        "/api/v1/care-requests",
        (P.CARE_REQUEST_SEND,),
        Names.PATIENT,
        body=lambda w: {
            "episode_id": str(w.episode),
            "to_organisation_id": str(w.org["B1"]),
            "kind": "home_health_care",
        },
        responsible_only=True,
    ),
    R("GET", "/api/v1/care-requests", READ, Names.NOTHING, a_sees=True),
    R(
        "GET",
        "/api/v1/care-requests/{request_id}",
        READ,
        Names.PATIENT,
        params=lambda w: {"request_id": w.request},
    ),
    R(
        "POST",
        "/api/v1/care-requests/{request_id}/transitions",
        (P.CARE_REQUEST_SEND,),  # cancelling is the sender's
        Names.PATIENT,
        params=lambda w: {"request_id": w.request},
        body=lambda w: {"to": "cancelled", "reason": "x"},
    ),
    # -- medications -------------------------------------------------------------------------
    R("POST", "/api/v1/medications", (P.MEDICATION_WRITE,), Names.PATIENT, body=_medication_body),
    R("GET", "/api/v1/medications", READ, Names.PATIENT, query=_e),
    R(
        "GET",
        "/api/v1/medications/{medication_id}",
        READ,
        Names.PATIENT,
        params=lambda w: {"medication_id": w.medication},
    ),
    R(
        "PATCH",
        "/api/v1/medications/{medication_id}",
        (P.MEDICATION_WRITE,),
        Names.PATIENT,
        params=lambda w: {"medication_id": w.medication},
        body=lambda w: {"dose": "9 g"},
    ),
    R(
        "POST",
        "/api/v1/medications/{medication_id}/stop",
        (P.MEDICATION_WRITE,),
        Names.PATIENT,
        params=lambda w: {"medication_id": w.medication},
        body=lambda w: {"reason": "x"},
    ),
    R("GET", "/api/v1/episodes/{episode_id}/patient-copy.pdf", READ, Names.PATIENT, params=_e),
    # -- rounds ------------------------------------------------------------------------------
    R(
        "GET",
        "/api/v1/rounds",
        READ,
        Names.THING,
        query=lambda w: {"unit_id": w.unit["A"]},
        a_sees=True,
    ),
    R(
        "GET",
        "/api/v1/rounds/{round_id}",
        READ,
        Names.THING,
        params=lambda w: {"round_id": w.round},
        a_sees=True,
    ),
    R(
        "PATCH",
        "/api/v1/rounds/{round_id}",
        (P.EPISODE_UPDATE,),
        Names.THING,
        params=lambda w: {"round_id": w.round},
        body=lambda w: {"video_url": "https://video.example/rond"},
    ),
    R(
        "POST",
        "/api/v1/rounds/{round_id}/notes",
        (P.EPISODE_UPDATE,),
        Names.THING,
        params=lambda w: {"round_id": w.round},
        body=_note_body,
    ),
    R("GET", "/api/v1/round-notes", READ, Names.PATIENT, query=_e),
    # -- visits, shifts, day plans -----------------------------------------------------------
    R(
        "POST",
        "/api/v1/visits/generate",
        (P.EPISODE_UPDATE,),
        Names.THING,
        body=lambda w: {"date": _today(), "organisation_ids": [str(w.org["A"])]},
        outsider_status=(403, 404),
        note="A's organisation named: an outsider may not plan its visits",
    ),
    R(
        "POST",
        "/api/v1/visits",
        (P.EPISODE_UPDATE,),
        Names.PATIENT,
        body=lambda w: {
            "episode_id": str(w.episode),
            "date": _today(),
            "window": ["08:00", "10:00"],
            "what": "Extra besök",
        },
    ),
    R("GET", "/api/v1/visits", READ, Names.NOTHING, a_sees=True),
    R(
        "POST",
        "/api/v1/visits/{visit_id}/status",
        (P.VISIT_UPDATE, P.EPISODE_UPDATE),
        Names.PATIENT,
        params=lambda w: {"visit_id": w.visit},
        body=lambda w: {"to": "started"},
    ),
    R(
        "POST",
        "/api/v1/shifts",
        (P.EPISODE_UPDATE,),
        Names.THING,
        body=lambda w: {
            "user_id": str(w.user["A", Role.REGISTERED_NURSE]),
            "date": _today(),
            "start": "07:00",
            "end": "16:00",
            "start_location": {"lat": 60.6, "lon": 15.6},
        },
        note="a shift for A's nurse",
    ),
    R("GET", "/api/v1/shifts", READ, Names.NOTHING),
    R(
        "POST",
        "/api/v1/day-plans",
        (P.EPISODE_UPDATE,),
        Names.THING,
        query=lambda w: {"seconds": 0.1},
        body=lambda w: {"date": _today(), "organisation_ids": [str(w.org["A"])]},
        outsider_status=(403, 404),
        note="A's organisation named: an outsider may not plan its visits",
    ),
    R("GET", "/api/v1/day-plans", READ, Names.NOTHING),
    R(
        "GET",
        "/api/v1/day-plans/{plan_id}",
        READ,
        Names.THING,
        params=lambda w: {"plan_id": w.day_plan},
        a_sees=True,
    ),
    R(
        "POST",
        "/api/v1/day-plans/{plan_id}/publish",
        (P.EPISODE_UPDATE,),
        Names.THING,
        params=lambda w: {"plan_id": w.day_plan},
    ),
    R(
        "POST",
        "/api/v1/day-plans/{plan_id}/replan",
        (P.EPISODE_UPDATE,),
        Names.THING,
        params=lambda w: {"plan_id": w.day_plan},
        query=lambda w: {"seconds": 0.1},
    ),
    # -- observations, SpO2 scale ------------------------------------------------------------
    R(
        "POST",
        "/api/v1/observations",
        (P.OBSERVATION_WRITE,),
        Names.PATIENT,
        body=_observation_body,
    ),
    R(
        "POST",
        "/api/v1/observations/batch",
        (P.OBSERVATION_WRITE,),
        Names.PATIENT,
        body=lambda w: {"items": [_observation_body(w)]},
    ),
    R("GET", "/api/v1/observations", READ, Names.PATIENT, query=_p),
    R(
        "GET",
        "/api/v1/observations/{observation_id}",
        READ,
        Names.PATIENT,
        params=lambda w: {"observation_id": w.observation},
    ),
    R(
        "POST",
        "/api/v1/observations/{observation_id}/confirm",
        (P.OBSERVATION_CONFIRM,),
        Names.PATIENT,
        params=lambda w: {"observation_id": w.observation},
        body=lambda w: {"decision": "entered_in_error", "note": "wrong patient"},
    ),
    R("GET", "/api/v1/episodes/{episode_id}/spo2-scale", READ, Names.PATIENT, params=_e),
    R(
        "PUT",
        "/api/v1/episodes/{episode_id}/spo2-scale",
        (P.SPO2_SCALE_SET,),
        Names.PATIENT,
        params=_e,
        body=lambda w: {"scale": 2, "reason": "KOL med hyperkapni"},
    ),
    # -- alerts ------------------------------------------------------------------------------
    R("GET", "/api/v1/alerts", READ, Names.NOTHING, a_sees=True),
    R(
        "GET",
        "/api/v1/alerts/{alert_id}",
        READ,
        Names.PATIENT,
        params=lambda w: {"alert_id": w.alert},
    ),
    R(
        "POST",
        "/api/v1/alerts/{alert_id}/acknowledge",
        (P.ALERT_HANDLE,),
        Names.PATIENT,
        params=lambda w: {"alert_id": w.alert},
        body=lambda w: {"note": "sett"},
    ),
    R(
        "POST",
        "/api/v1/alerts/{alert_id}/action",
        (P.ALERT_HANDLE,),
        Names.PATIENT,
        params=lambda w: {"alert_id": w.alert},
        body=lambda w: {"action": "phone_call", "note": "ringt"},
    ),
    R(
        "POST",
        "/api/v1/alerts/{alert_id}/close",
        (P.ALERT_HANDLE,),
        Names.PATIENT,
        params=lambda w: {"alert_id": w.alert},
        body=lambda w: {"note": "klart"},
    ),
    # -- outcomes, pilots --------------------------------------------------------------------
    R(
        "POST",
        "/api/v1/episodes/{episode_id}/questionnaire",
        (P.OBSERVATION_WRITE,),
        Names.PATIENT,
        params=_e,
        body=lambda w: {"answers": {"felt_safe": 5}},
    ),
    R(
        "GET",
        "/api/v1/episodes/{episode_id}/questionnaire",
        READ,
        Names.PATIENT,
        params=_e,
        allowed_status=404,  # not answered yet: the control shows the episode was found
    ),
    R(
        "POST",
        "/api/v1/pilots",
        (P.PILOT_WRITE,),
        Names.NOTHING,
        body=lambda w: {
            "name": "Egen pilot",
            "purpose": "Lära",
            "period_start": _today(),
            "period_end": _today(),
            "comparison_kind": "period",
            "comparison_start": "2020-01-01",
            "comparison_end": "2020-02-01",
        },
        outsider_writes=True,
        note="an outsider makes its own pilot",
    ),
    R("GET", "/api/v1/pilots", (P.DIRECTORY_READ,), Names.NOTHING),
    R(
        "GET",
        "/api/v1/pilots/{pilot_id}",
        (P.DIRECTORY_READ,),
        Names.THING,
        params=lambda w: {"pilot_id": w.pilot},
    ),
    R(
        "PATCH",
        "/api/v1/pilots/{pilot_id}",
        (P.PILOT_WRITE,),
        Names.THING,
        params=lambda w: {"pilot_id": w.pilot},
        body=lambda w: {"purpose": "Ändrat"},
    ),
    R(
        "POST",
        "/api/v1/pilots/{pilot_id}/log",
        (P.PILOT_WRITE,),
        Names.THING,
        params=lambda w: {"pilot_id": w.pilot},
        body=lambda w: {
            "kind": "observation",
            "classification": "practice",
            "description": "x",
            "occurred_on": _today(),
        },
    ),
    R(
        "PATCH",
        "/api/v1/pilots/{pilot_id}/assumptions/{assumption_id}",
        (P.PILOT_WRITE,),
        Names.THING,
        params=lambda w: {"pilot_id": w.pilot, "assumption_id": w.assumption},
        body=lambda w: {"status": "confirmed"},
    ),
    # -- FHIR --------------------------------------------------------------------------------
    R(
        "POST",
        "/fhir/R4/Observation",
        (P.OBSERVATION_WRITE,),
        Names.PATIENT,
        body=_fhir_observation,
    ),
    R(
        "POST",
        "/fhir/R4",
        (P.OBSERVATION_WRITE,),
        Names.PATIENT,
        body=lambda w: {
            "resourceType": "Bundle",
            "type": "transaction",
            "entry": [
                {
                    "resource": _fhir_observation(w),
                    "request": {"method": "POST", "url": "Observation"},
                }
            ],
        },
    ),
    R(
        "GET",
        "/fhir/R4/Observation/{observation_id}",
        READ,
        Names.PATIENT,
        params=lambda w: {"observation_id": w.observation},
    ),
    # -- the access log ----------------------------------------------------------------------
    R("GET", "/api/v1/audit-events", (P.AUDIT_READ,), Names.NOTHING, a_sees=True),
    R("GET", "/api/v1/audit-events/extract", (P.AUDIT_READ,), Names.PATIENT, query=_p),
    R("GET", "/api/v1/audit-events/extract.pdf", (P.AUDIT_READ,), Names.PATIENT, query=_p),
    R(
        "GET",
        "/api/v1/audit-events/to-review",
        (P.AUDIT_READ,),
        Names.NOTHING,
        query=lambda w: {"kind": "relationship_start"},
    ),
    R(
        "POST",
        "/api/v1/audit-reviews",
        (P.AUDIT_REVIEW,),
        Names.PATIENT,
        body=lambda w: {"event_id": str(w.audit_event), "note": "granskad"},
    ),
    R(
        "GET",
        "/api/v1/audit-events/sample",
        (P.AUDIT_READ,),
        Names.NOTHING,
        query=lambda w: {"n": 1000},
        a_sees=True,
    ),
    R(
        "GET",
        "/api/v1/audit-events/{event_id}",
        (P.AUDIT_READ,),
        Names.PATIENT,
        params=lambda w: {"event_id": w.audit_event},
        a_sees=True,
    ),
    R("GET", "/api/v1/emergency-accesses", (P.AUDIT_READ,), Names.NOTHING, a_sees=True),
    R(
        "POST",
        "/api/v1/emergency-accesses/{access_id}/review",
        (P.AUDIT_REVIEW,),
        Names.PATIENT,
        params=lambda w: {"access_id": w.emergency_access},
        body=lambda w: {"note": "granskad"},
    ),
    # -- pages: overview, alerts, the patient's copy -----------------------------------------
    R(
        "GET",
        "/",
        READ,
        Names.NOTHING,
        a_sees=True,
        wrong_role_status=(403, 303),
        note="a role without the overview lands on its own first page (web/nav.py)",
    ),
    R("GET", "/overview/live", READ, Names.NOTHING, a_sees=True),
    R(
        "GET",
        "/overview/events",
        READ,
        Names.NOTHING,
        allowed_status=204,
        note="the live overview's event stream: 204 (no stream, the page polls) as the "
        "matrix's app runs no change feed; the stream's events are read in tests/live",
    ),
    R("GET", "/alerts", READ, Names.NOTHING, a_sees=True),
    # -- one's own notifications (issue 11) ----------------------------------------------------
    R("GET", "/notifications", None, Names.NOTHING),
    R(
        "POST",
        "/notifications/{notification_id}/open",
        None,
        Names.THING,
        params=lambda w: {"notification_id": w.notification},
        body=_none,
        note="only the person notified opens (and marks read) their notification",
    ),
    R(
        "POST",
        "/notifications/contact",
        None,
        Names.NOTHING,
        body=_none,
        outsider_writes=True,
        note="one's own phone, e-mail and channels",
    ),
    R("GET", "/alerts/{alert_id}", READ, Names.PATIENT, params=lambda w: {"alert_id": w.alert}),
    R(
        "POST",
        "/alerts/{alert_id}/acknowledge",
        (P.ALERT_HANDLE,),
        Names.PATIENT,
        params=lambda w: {"alert_id": w.alert},
        body=lambda w: {"note": "sett"},
    ),
    R(
        "POST",
        "/alerts/{alert_id}/action",
        (P.ALERT_HANDLE,),
        Names.PATIENT,
        params=lambda w: {"alert_id": w.alert},
        body=lambda w: {"action": "phone_call", "note": "ringt"},
    ),
    R(
        "POST",
        "/alerts/{alert_id}/close",
        (P.ALERT_HANDLE,),
        Names.PATIENT,
        params=lambda w: {"alert_id": w.alert},
        body=lambda w: {"note": "klart"},
    ),
    R("GET", "/patients/{patient_id}/copy", READ, Names.PATIENT, params=_p),
    R("GET", "/patients/{patient_id}/copy.pdf", READ, Names.PATIENT, params=_p),
    # -- pages: rounds -----------------------------------------------------------------------
    R("GET", "/rounds", READ, Names.NOTHING),
    R(
        "POST",
        "/rounds",
        READ,
        Names.THING,
        body=lambda w: {"unit_id": str(w.unit["A"]), "day": _today()},
        note="opens A's unit's round",
    ),
    R(
        "GET",
        "/rounds/{round_id}",
        READ,
        Names.THING,
        params=lambda w: {"round_id": w.round},
        a_sees=True,
    ),
    R(
        "POST",
        "/rounds/{round_id}/video",
        (P.EPISODE_UPDATE,),
        Names.THING,
        params=lambda w: {"round_id": w.round},
        body=lambda w: {"video_url": "https://video.example/rond"},
    ),
    R(
        "POST",
        "/rounds/{round_id}/notes/{episode_id}",
        (P.EPISODE_UPDATE,),
        Names.THING,
        params=lambda w: {"round_id": w.round, "episode_id": w.episode},
        body=lambda w: {
            "situation": "s",
            "assessment": "a",
            "decision": "continue",
            "participants-0-role": "physician",
            "participants-0-name": "X",
            "participants-0-present_by": "video",
        },
    ),
    # -- pages: day plans --------------------------------------------------------------------
    R("GET", "/day-plans", READ, Names.NOTHING, a_sees=True),
    R(
        "POST",
        "/day-plans",
        (P.EPISODE_UPDATE,),
        Names.NOTHING,
        body=lambda w: {"date": _today()},
        outsider_writes=True,
        note="the caller's own organisation's day",
    ),
    R(
        "GET",
        "/day-plans/{plan_id}",
        READ,
        Names.THING,
        params=lambda w: {"plan_id": w.day_plan},
        a_sees=True,
    ),
    R(
        "POST",
        "/day-plans/{plan_id}/publish",
        (P.EPISODE_UPDATE,),
        Names.THING,
        params=lambda w: {"plan_id": w.day_plan},
        body=_none,
    ),
    R(
        "POST",
        "/day-plans/{plan_id}/replan",
        (P.EPISODE_UPDATE,),
        Names.THING,
        params=lambda w: {"plan_id": w.day_plan},
        body=_none,
    ),
    R(
        "POST",
        "/day-plans/{plan_id}/visits/{visit_id}/status",
        (P.VISIT_UPDATE, P.EPISODE_UPDATE),
        Names.THING,
        params=lambda w: {"plan_id": w.day_plan, "visit_id": w.visit},
        body=lambda w: {"to": "started"},
    ),
    R(
        "GET",
        "/day-plans/{plan_id}/print",
        READ,
        Names.THING,
        params=lambda w: {"plan_id": w.day_plan},
    ),
    # -- pages: Mina besök idag (web/myvisits.py) ----------------------------------------------
    R(
        "GET",
        "/my-visits",
        (P.VISIT_UPDATE,),
        Names.NOTHING,
        note="the caller's own visits of today",
    ),
    R(
        "POST",
        "/my-visits/{visit_id}/status",
        (P.VISIT_UPDATE,),
        Names.THING,
        params=lambda w: {"visit_id": w.visit},
        body=lambda w: {"to": "started"},
    ),
    # -- pages: patients ---------------------------------------------------------------------
    R("GET", "/patients", READ, Names.NOTHING, a_sees=True),
    R("GET", "/patients/new", (P.PATIENT_WRITE,), Names.NOTHING),
    R(
        "POST",
        "/patients/new",
        (P.PATIENT_WRITE,),
        Names.REGISTRATION,
        body=_new_patient_form,
    ),
    R("GET", "/patients/{patient_id}", READ, Names.PATIENT, params=_p),
    R(
        "POST",
        "/patients/{patient_id}/observations/{observation_id}/confirm",
        (P.OBSERVATION_CONFIRM,),
        Names.PATIENT,
        params=lambda w: {"patient_id": w.patient, "observation_id": w.observation},
        body=lambda w: {"decision": "entered_in_error", "note": "wrong patient"},
    ),
    R(
        "GET",
        "/patients/{patient_id}/care-plan/versions/{number}",
        READ,
        Names.PATIENT,
        params=lambda w: {"patient_id": w.patient, "number": 1},
    ),
    # -- pages: the care flow (a form's page reads the episode: patient:read) -----------------
    R("GET", "/episodes/{episode_id}/observations/new", READ, Names.PATIENT, params=_e),
    R(
        "POST",
        "/episodes/{episode_id}/observations/new",
        (P.OBSERVATION_WRITE,),
        Names.PATIENT,
        params=_e,
        body=lambda w: {"client_id": f"web-{uuid.uuid4()}", "pulse": "72"},
    ),
    R("GET", "/episodes/{episode_id}/assess", READ, Names.PATIENT, params=_e),
    R(
        "POST",
        "/episodes/{episode_id}/assess",
        (P.EPISODE_TRANSITION,),
        Names.PATIENT,
        params=_e,
        body=lambda w: {"eligible": "yes", **{f"crit_{c}": "yes" for c in w.criteria}},
        responsible_only=True,
    ),
    R("GET", "/episodes/{episode_id}/consent", READ, Names.PATIENT, params=_e),
    R(
        "POST",
        "/episodes/{episode_id}/consent",
        (P.EPISODE_TRANSITION,),
        Names.PATIENT,
        params=_e,
        body=lambda w: {"patient_informed": "on", "patient_consents": "on"},
        responsible_only=True,
    ),
    R("GET", "/episodes/{episode_id}/details", READ, Names.PATIENT, params=_e),
    R(
        "POST",
        "/episodes/{episode_id}/details",
        (P.EPISODE_UPDATE,),
        Names.PATIENT,
        params=_e,
        body=lambda w: {"planned_home_date": "2030-01-01"},
        responsible_only=True,
    ),
    R("GET", "/episodes/{episode_id}/care-plan", READ, Names.PATIENT, params=_e),
    R(
        "POST",
        "/episodes/{episode_id}/care-plan/create",
        (P.CARE_PLAN_WRITE,),
        Names.PATIENT,
        params=_e,
        body=_none,
    ),
    R(
        "POST",
        "/episodes/{episode_id}/care-plan",
        (P.CARE_PLAN_WRITE,),
        Names.PATIENT,
        params=_e,
        body=lambda w: {
            "base_version": "1",
            "goals": "Hem",
            "if_worse": "Ring avdelningen",
            "discharge_criteria": "Feberfri",
            "change_note": "x",
        },
    ),
    R(
        "POST",
        "/episodes/{episode_id}/care-plan/acknowledge",
        (P.CARE_PLAN_ACKNOWLEDGE,),
        Names.PATIENT,
        params=_e,
        body=lambda w: {"party": "patient", "ack_name": "Kim", "version": "1"},
    ),
    R("GET", "/episodes/{episode_id}/medications", READ, Names.PATIENT, params=_e),
    R(
        "POST",
        "/episodes/{episode_id}/medications",
        (P.MEDICATION_WRITE,),
        Names.PATIENT,
        params=_e,
        body=lambda w: {k: v for k, v in _medication_body(w).items() if k != "episode_id"},
    ),
    R(
        "POST",
        "/episodes/{episode_id}/medications/{medication_id}/stop",
        (P.MEDICATION_WRITE,),
        Names.PATIENT,
        params=lambda w: {"episode_id": w.episode, "medication_id": w.medication},
        body=lambda w: {"reason": "klar"},
    ),
    R("GET", "/episodes/{episode_id}/checklist", READ, Names.PATIENT, params=_e),
    R(
        "POST",
        "/episodes/{episode_id}/checklist/{key}/sign",
        (P.CHECKLIST_SIGN,),
        Names.PATIENT,
        params=lambda w: {"episode_id": w.episode, "key": w.checklist_key},
        body=lambda w: {"note": "ok"},
    ),
    R(
        "POST",
        "/episodes/{episode_id}/checklist/sign",
        (P.CHECKLIST_SIGN,),
        Names.PATIENT,
        params=_e,
        body=lambda w: {f"sign_{w.checklist_key}": "on", f"note_{w.checklist_key}": "ok"},
    ),
    R(
        "GET",
        "/episodes/{episode_id}/transition/{target}",
        READ,
        Names.PATIENT,
        params=lambda w: {"episode_id": w.episode, "target": "withdrawn"},
    ),
    R(
        "POST",
        "/episodes/{episode_id}/transition/{target}",
        (P.EPISODE_TRANSITION,),
        Names.PATIENT,
        params=lambda w: {"episode_id": w.episode, "target": "withdrawn"},
        body=lambda w: {"reason": "x"},
        responsible_only=True,
    ),
    R("GET", "/episodes/{episode_id}/contact", READ, Names.PATIENT, params=_e),
    R(
        "POST",
        "/episodes/{episode_id}/contact",
        (P.EPISODE_UPDATE,),
        Names.PATIENT,
        params=_e,
        body=lambda w: {"kind": "phone", "spoke_with": "patient", "outcome": "well"},
    ),
    # -- pages: care requests ----------------------------------------------------------------
    R("GET", "/care-requests", READ, Names.NOTHING, a_sees=True),
    R(
        "GET",
        "/care-requests/{request_id}",
        READ,
        Names.PATIENT,
        params=lambda w: {"request_id": w.request},
    ),
    R(
        "POST",
        "/care-requests/{request_id}/transition",
        (P.CARE_REQUEST_SEND,),  # cancelling is the sender's
        Names.PATIENT,
        params=lambda w: {"request_id": w.request},
        body=lambda w: {"to": "cancelled", "reason_cancelled": "x"},
    ),
    R("GET", "/episodes/{episode_id}/care-request", READ, Names.PATIENT, params=_e),
    R(
        "POST",
        "/episodes/{episode_id}/care-request",
        (P.CARE_REQUEST_SEND,),
        Names.PATIENT,
        params=_e,
        body=lambda w: {"to_organisation_id": str(w.org["B1"]), "kind": "home_health_care"},
        responsible_only=True,
    ),
    # -- pages: the patient's tablet (decision 0008) -----------------------------------------
    R(
        "GET",
        "/self-report",
        None,
        Names.TABLET,
        outsider_status=(303,),
        allowed_status=303,
        note="redirects a tablet to its own paired episode",
    ),
    R(
        "GET",
        "/self-report/{episode_id}",
        READ,
        Names.PATIENT,
        params=_e,
        note="staff: what patient mode is and the button to start it",
    ),
    R(
        "POST",
        "/self-report/{episode_id}",
        None,
        Names.TABLET,
        params=_e,
        body=lambda w: {"client_id": f"self-report-{uuid.uuid4()}", "pulse": "72"},
        note="the tablet sends as the staff member who paired it: no role of its own",
    ),
    R(
        "GET",
        "/self-report/{episode_id}/thanks",
        None,
        Names.TABLET,
        params=_e,
        note="the tablet's thank-you screen",
    ),
    R(
        "POST",
        "/self-report/{episode_id}/end",
        None,
        Names.TABLET,
        params=_e,
        body=_none,
        outsider_status=(303,),
        note="ends patient mode on the tablet that sends it (its own cookie) only",
    ),
    R(
        "POST",
        "/self-report/{episode_id}/start",
        (P.OBSERVATION_WRITE,),
        Names.PATIENT,
        params=_e,
        body=_none,
    ),
    # -- pages: outcomes, pilots, the questionnaire ------------------------------------------
    R("GET", "/outcomes", (P.DIRECTORY_READ,), Names.NOTHING),
    R(
        "GET",
        "/outcomes.csv",
        (P.DIRECTORY_READ,),
        Names.NOTHING,
        note="aggregates; with trace=1 the episodes the caller may see (patient:read)",
    ),
    R(
        "GET",
        "/pilots/{pilot_id}",
        (P.DIRECTORY_READ,),
        Names.THING,
        params=lambda w: {"pilot_id": w.pilot},
    ),
    R(
        "GET",
        "/episodes/{episode_id}/questionnaire",
        (P.OBSERVATION_WRITE,),
        Names.PATIENT,
        params=_e,
    ),
    R(
        "POST",
        "/episodes/{episode_id}/questionnaire",
        (P.OBSERVATION_WRITE,),
        Names.PATIENT,
        params=_e,
        body=lambda w: {"felt_safe": "5"},
    ),
]


# -- the on-call roster (decision 0014): any staff role reads any unit's (no patient data);
# coordinators and administrators write their own organisation's (another's: 404)
ONCALL_READ, ONCALL_MANAGE = (P.ONCALL_READ,), (P.ONCALL_MANAGE,)


def _a_unit(w: World) -> dict[str, Any]:
    return {"unit_id": w.unit["A"]}


def _on_call_entry(w: World) -> dict[str, Any]:
    return {"entry_id": w.on_call_entry}


def _on_call_body(w: World) -> dict[str, Any]:
    return {
        "role": "physician",
        "slot": "weekend",
        "starts_on": _today(),
        "name": "Extern Jour",
        "phone": "023-11 22 33",
    }


MATRIX += [
    R("GET", "/api/v1/on-call", ONCALL_READ, Names.NOTHING, query=_a_unit),
    R("GET", "/api/v1/on-call/gaps", ONCALL_READ, Names.NOTHING, query=_a_unit),
    R("GET", "/api/v1/on-call/entries", ONCALL_READ, Names.NOTHING, query=_a_unit),
    R(
        "POST",
        "/api/v1/on-call/entries",
        ONCALL_MANAGE,
        Names.THING,
        body=lambda w: {"entries": [{**_on_call_body(w), "unit_id": str(w.unit["A"])}]},
        note="A's unit's roster: only A's coordinators and administrators",
    ),
    R(
        "PUT",
        "/api/v1/on-call/entries/{entry_id}",
        ONCALL_MANAGE,
        Names.THING,
        params=_on_call_entry,
        body=_on_call_body,
    ),
    R(
        "DELETE",
        "/api/v1/on-call/entries/{entry_id}",
        ONCALL_MANAGE,
        Names.THING,
        params=_on_call_entry,
    ),
    R("GET", "/on-call", ONCALL_READ, Names.NOTHING, query=lambda w: {"scope": str(w.unit["A"])}),
    R(
        "POST",
        "/on-call/entries",
        ONCALL_MANAGE,
        Names.THING,
        body=lambda w: {
            **_on_call_body(w),
            "scope": str(w.unit["A"]),
            "who": "",
            "ends_on": "",
            "email": "",
        },
    ),
    R(
        "POST",
        "/on-call/entries/{entry_id}/delete",
        ONCALL_MANAGE,
        Names.THING,
        params=_on_call_entry,
        body=lambda w: {"scope": str(w.unit["A"])},
    ),
]


# -- reports made as jobs (issue 11): one's own only (another's: 404), directory:read as /outcomes
def _report(w: World) -> dict[str, Any]:
    return {"report_id": w.report}


def _report_order(w: World) -> dict[str, Any]:
    return {"kind": "outcomes", "format": "csv", "from": "2025-03-01", "to": "2025-03-31"}


MATRIX += [
    R(
        "POST",
        "/api/v1/reports",
        (P.DIRECTORY_READ,),
        Names.NOTHING,
        body=_report_order,
        outsider_writes=True,
        note="an outsider orders its own report (aggregates; made as the person who asked)",
    ),
    R("GET", "/api/v1/reports", (P.DIRECTORY_READ,), Names.NOTHING),
    R(
        "GET",
        "/api/v1/reports/{report_id}",
        (P.DIRECTORY_READ,),
        Names.THING,
        params=_report,
        note="only the person who asked for it",
    ),
    R(
        "GET",
        "/api/v1/reports/{report_id}/file",
        (P.DIRECTORY_READ,),
        Names.THING,
        params=_report,
        note="only the person who asked for it",
    ),
    R(
        "POST",
        "/outcomes/reports",
        (P.DIRECTORY_READ,),
        Names.NOTHING,
        body=lambda w: {"from": "2025-03-01", "to": "2025-03-31", "format": "pdf"},
        outsider_writes=True,
        note="an outsider orders its own report",
    ),
    R("GET", "/reports", (P.DIRECTORY_READ,), Names.NOTHING),
    R(
        "GET",
        "/reports/{report_id}/file",
        (P.DIRECTORY_READ,),
        Names.THING,
        params=_report,
        note="only the person who asked for it",
    ),
]

# -- pages: the access log and the administration of users
MATRIX += [
    R("GET", "/audit", (P.AUDIT_READ,), Names.NOTHING),
    R(
        "GET",
        "/audit/extract",
        (P.AUDIT_READ,),
        Names.PATIENT,
        query=lambda w: {"personnummer": w.personnummer},
    ),
    R(
        "GET",
        "/audit/extract.pdf",
        (P.AUDIT_READ,),
        Names.PATIENT,
        query=lambda w: {"personnummer": w.personnummer},
    ),
    R(
        "GET",
        "/audit/sample",
        (P.AUDIT_READ,),
        Names.NOTHING,
        query=lambda w: {"n": 1000, "seed": 1},
        a_sees=True,
    ),
    R("GET", "/audit/review", (P.AUDIT_READ,), Names.NOTHING),
    R(
        "POST",
        "/audit/reviews",
        (P.AUDIT_REVIEW,),
        Names.PATIENT,
        body=lambda w: {"event_id": str(w.audit_event), "note": "granskad", "back": "/audit"},
    ),
    R(
        "POST",
        "/audit/emergency/{access_id}/review",
        (P.AUDIT_REVIEW,),
        Names.PATIENT,
        params=lambda w: {"access_id": w.emergency_access},
        body=lambda w: {"note": "granskad", "back": "/audit/review"},
    ),
    R("GET", "/admin/users", (P.USER_ADMIN,), Names.NOTHING),
    R("GET", "/admin/users/new", (P.USER_ADMIN,), Names.NOTHING),
    R(
        "POST",
        "/admin/users/new",
        (P.USER_ADMIN,),
        Names.THING,
        body=lambda w: {
            "username": f"matrix.{uuid.uuid4().hex[:10]}",
            "full_name": "Ny Läkare",
            "role": "physician",
            "organisation_code": w.org_code["A"],
            "password": "a-long-password-1",
        },
        outsider_status=(403, 404),
        note="an account in A's organisation: only A's care provider's administrators",
    ),
    R("GET", "/admin/users/{user_id}", (P.USER_ADMIN,), Names.THING, params=_a_nurse),
    R(
        "POST",
        "/admin/users/{user_id}",
        (P.USER_ADMIN,),
        Names.THING,
        params=_a_nurse,
        body=lambda w: {"full_name": "Ändrad", "role": "physician", "active": "on"},
    ),
    R(
        "POST",
        "/admin/users/{user_id}/password",
        (P.USER_ADMIN,),
        Names.THING,
        params=_a_nurse,
        body=lambda w: {"password": "a-new-long-password-2"},
    ),
]


# -- messages between organisations (area E, issue 13): the patient's care relationship, as any
# patient data; writing needs message:write (not pharmacists); the inbox lists one's own
def _thread(w: World) -> dict[str, Any]:
    return {"thread_id": w.thread}


def _message(w: World) -> dict[str, Any]:
    return {"body": "Överlämning: PICC spolad", "kind": "handover"}


WRITE_MESSAGE = (P.MESSAGE_WRITE,)
MATRIX += [
    R("GET", "/api/v1/patients/{patient_id}/threads", READ, Names.PATIENT, params=_p),
    R(
        "POST",
        "/api/v1/patients/{patient_id}/messages",
        WRITE_MESSAGE,
        Names.PATIENT,
        params=_p,
        body=_message,
    ),
    R("GET", "/api/v1/threads/{thread_id}", READ, Names.PATIENT, params=_thread),
    R(
        "POST",
        "/api/v1/threads/{thread_id}/messages",
        WRITE_MESSAGE,
        Names.PATIENT,
        params=_thread,
        body=_message,
    ),
    R("GET", "/api/v1/messages/inbox", READ, Names.NOTHING),
    R("GET", "/messages", READ, Names.NOTHING),
    R("GET", "/patients/{patient_id}/threads", READ, Names.PATIENT, params=_p),
    R("GET", "/patients/{patient_id}/messages", READ, Names.PATIENT, params=_p),
    R("GET", "/threads/{thread_id}", READ, Names.PATIENT, params=_thread),
    R(
        "POST",
        "/patients/{patient_id}/messages",
        WRITE_MESSAGE,
        Names.PATIENT,
        params=_p,
        body=_message,
    ),
    R(
        "POST",
        "/threads/{thread_id}/messages",
        WRITE_MESSAGE,
        Names.PATIENT,
        params=_thread,
        body=_message,
    ),
]


# -- coordination at discharge (area F, issue 13, lag 2017:612): the patient's care relationship
# (404 for outsiders, logged); writing needs hospital_stay:write. The morning list is for
# physicians: physician_request:answer stands for "a physician" here (held by physicians only)
def _stay(w: World) -> dict[str, Any]:
    return {"stay_id": w.hospital_stay}


STAY_WRITE = (P.HOSPITAL_STAY_WRITE,)
PHYSICIANS = (P.PHYSICIAN_REQUEST_ANSWER,)
MATRIX += [
    R(
        "POST",
        "/api/v1/patients/{patient_id}/hospital-stays",
        STAY_WRITE,
        Names.PATIENT,
        params=_p,
        body=lambda w: {"ward": "Avd 7"},
    ),
    R(
        "POST",
        "/api/v1/hospital-stays/{stay_id}/admission-notice",
        STAY_WRITE,
        Names.PATIENT,
        params=_stay,
    ),
    R(
        "POST",
        "/api/v1/hospital-stays/{stay_id}/ready",
        STAY_WRITE,
        Names.PATIENT,
        params=_stay,
        body=lambda w: {"date": _today()},
    ),
    R(
        "POST",
        "/api/v1/hospital-stays/{stay_id}/discharge",
        STAY_WRITE,
        Names.PATIENT,
        params=_stay,
        body=lambda w: {"sip_needed": True},
    ),
    R(
        "POST",
        "/api/v1/hospital-stays/{stay_id}/sip-invitation",
        STAY_WRITE,
        Names.PATIENT,
        params=_stay,
        body=lambda w: {},
    ),
    R(
        "GET",
        "/api/v1/hospital-stays",
        READ,
        Names.NOTHING,
        query=lambda w: {"status": "all"},
        a_sees=True,
    ),
    R("GET", "/api/v1/hospital-stays/{stay_id}", READ, Names.PATIENT, params=_stay),
    R("GET", "/api/v1/morning-list", PHYSICIANS, Names.NOTHING),
    R("GET", "/coordination", READ, Names.NOTHING, query=lambda w: {"status": "all"}, a_sees=True),
    R(
        "POST",
        "/coordination/{stay_id}/notice",
        STAY_WRITE,
        Names.PATIENT,
        params=_stay,
        body=lambda w: {"status": "open"},
    ),
    R(
        "POST",
        "/coordination/{stay_id}/ready",
        STAY_WRITE,
        Names.PATIENT,
        params=_stay,
        body=lambda w: {"date": _today(), "status": "open"},
    ),
    R(
        "POST",
        "/coordination/{stay_id}/discharge",
        STAY_WRITE,
        Names.PATIENT,
        params=_stay,
        body=lambda w: {"at": "", "sip_needed": "on", "status": "open"},
    ),
    R(
        "POST",
        "/coordination/{stay_id}/sip",
        STAY_WRITE,
        Names.PATIENT,
        params=_stay,
        body=lambda w: {"meeting_at": "", "status": "open"},
    ),
    R("GET", "/morning-list", PHYSICIANS, Names.NOTHING),
]


# -- physician requests (area A, issue 13): the patient's care relationship, or routed to the
# caller; asking needs physician_request:send, answering physician_request:answer (physicians)
def _physician_request(w: World) -> dict[str, Any]:
    return {"request_id": w.physician_request}


ASK_PHYSICIAN, ANSWER_PHYSICIAN = (P.PHYSICIAN_REQUEST_SEND,), (P.PHYSICIAN_REQUEST_ANSWER,)
MATRIX += [
    R(
        "POST",
        "/api/v1/physician-requests",
        ASK_PHYSICIAN,
        Names.PATIENT,
        body=lambda w: {"patient_id": str(w.patient), "urgency": "acute", "situation": "Feber"},
    ),
    R("GET", "/api/v1/physician-requests", READ, Names.NOTHING, a_sees=True),
    R(
        "GET",
        "/api/v1/physician-requests/{request_id}",
        READ,
        Names.PATIENT,
        params=_physician_request,
    ),
    R(
        "POST",
        "/api/v1/physician-requests/{request_id}/answer",
        ANSWER_PHYSICIAN,
        Names.PATIENT,
        params=_physician_request,
        body=lambda w: {"kind": "advice", "text": "Paracetamol"},
    ),
    R(
        "POST",
        "/api/v1/physician-requests/{request_id}/cancel",
        ASK_PHYSICIAN,
        Names.PATIENT,
        params=_physician_request,
        body=lambda w: {"reason": "Bättre"},
    ),
    R("GET", "/physician-requests", ASK_PHYSICIAN + ANSWER_PHYSICIAN, Names.NOTHING, a_sees=True),
    R("GET", "/physician-requests/{request_id}", READ, Names.PATIENT, params=_physician_request),
    R(
        "POST",
        "/physician-requests/{request_id}/answer",
        ANSWER_PHYSICIAN,
        Names.PATIENT,
        params=_physician_request,
        body=lambda w: {"kind": "advice", "text": "Paracetamol"},
    ),
    R(
        "POST",
        "/physician-requests/{request_id}/cancel",
        ASK_PHYSICIAN,
        Names.PATIENT,
        params=_physician_request,
        body=lambda w: {"reason": ""},
    ),
    R("GET", "/patients/{patient_id}/ask-physician", ASK_PHYSICIAN, Names.PATIENT, params=_p),
    R(
        "POST",
        "/patients/{patient_id}/ask-physician",
        ASK_PHYSICIAN,
        Names.PATIENT,
        params=_p,
        body=lambda w: {"urgency": "acute", "situation": "Feber"},
    ),
]


# -- physician visits (area D, issue 13): slots hold no patient data (any booker reads any
# organisation's; only its own organisation writes one: another's is 404); a booking, its
# cancelling and the planned reviews are the patient's data (the care relationship)
def _slot_body(physician: uuid.UUID | None = None) -> dict[str, Any]:
    return {
        "physician_id": str(physician) if physician else None,
        "weekdays": [1, 2, 3, 4, 5, 6, 7],
        "start_time": "11:00",
        "end_time": "12:00",
        "book_by": "08:30",
        "capacity": 3,
        "valid_from": _today(),
        "start_location": {"lat": 60.6, "lon": 15.6},
    }


def _slot_form(_w: World) -> dict[str, Any]:
    form = {f"weekday_{d}": "on" for d in range(1, 8)}
    return form | {
        "physician_id": "",
        "start_time": "11:00",
        "end_time": "12:00",
        "book_by": "08:30",
        "capacity": "2",
        "visit_minutes": "30",
        "valid_from": _today(),
        "valid_to": "",
        "start_lat": "",
        "start_lon": "",
    }


def _physician_slot(w: World) -> dict[str, Any]:
    return {"slot_id": w.physician_slot}


def _slot_booking(w: World) -> dict[str, Any]:
    return {"booking_id": w.slot_booking}


def _physician_review(w: World) -> dict[str, Any]:
    return {"review_id": w.physician_review}


def _day_after(_w: World) -> str:
    return (local_today() + timedelta(days=2)).isoformat()


SLOT_MANAGE, VISIT_BOOK = (P.PHYSICIAN_SLOT_MANAGE,), (P.PHYSICIAN_VISIT_BOOK,)
SLOT_READ = (P.PHYSICIAN_VISIT_BOOK, P.PHYSICIAN_SLOT_MANAGE)
MATRIX += [
    R(
        "POST",
        "/api/v1/physician-slots",
        SLOT_MANAGE,
        Names.NOTHING,
        body=lambda w: _slot_body(),
        outsider_writes=True,
        note="a slot of the caller's own organisation (no patient data)",
    ),
    R(
        "GET",
        "/api/v1/physician-slots",
        SLOT_READ,
        Names.NOTHING,
        query=lambda w: {"organisation_id": str(w.org["A"])},
    ),
    R(
        "GET",
        "/api/v1/physician-slots/available",
        SLOT_READ,
        Names.NOTHING,
        query=lambda w: {"organisation_id": str(w.org["A"]), "date": _day_after(w)},
    ),
    R("GET", "/api/v1/physician-slots/{slot_id}", SLOT_READ, Names.NOTHING, params=_physician_slot),
    R(
        "PUT",
        "/api/v1/physician-slots/{slot_id}",
        SLOT_MANAGE,
        Names.THING,
        params=_physician_slot,
        body=lambda w: _slot_body(),
    ),
    R(
        "DELETE",
        "/api/v1/physician-slots/{slot_id}",
        SLOT_MANAGE,
        Names.THING,
        params=_physician_slot,
    ),
    R(
        "POST",
        "/api/v1/physician-slots/{slot_id}/bookings",
        VISIT_BOOK,
        Names.PATIENT,
        params=_physician_slot,
        body=lambda w: {"date": _day_after(w), "patient_id": str(w.patient)},
    ),
    R(
        "GET",
        "/api/v1/slot-bookings",
        SLOT_MANAGE,
        Names.NOTHING,
        query=lambda w: {"date": (local_today() + timedelta(days=1)).isoformat()},
    ),
    R(
        "POST",
        "/api/v1/slot-bookings/{booking_id}/cancel",
        VISIT_BOOK,
        Names.PATIENT,
        params=_slot_booking,
    ),
    R("GET", "/api/v1/patients/{patient_id}/slot-bookings", READ, Names.PATIENT, params=_p),
    R(
        "POST",
        "/api/v1/patients/{patient_id}/physician-reviews",
        VISIT_BOOK,
        Names.PATIENT,
        params=_p,
        body=lambda w: {"kind": "regular_visit", "interval_days": 30, "first_date": _day_after(w)},
    ),
    R("GET", "/api/v1/patients/{patient_id}/physician-reviews", READ, Names.PATIENT, params=_p),
    R(
        "PUT",
        "/api/v1/physician-reviews/{review_id}",
        VISIT_BOOK,
        Names.PATIENT,
        params=_physician_review,
        body=lambda w: {"interval_days": 60},
    ),
    R(
        "DELETE",
        "/api/v1/physician-reviews/{review_id}",
        VISIT_BOOK,
        Names.PATIENT,
        params=_physician_review,
    ),
    R("GET", "/physician-slots", SLOT_MANAGE, Names.NOTHING),
    R(
        "POST",
        "/physician-slots",
        SLOT_MANAGE,
        Names.NOTHING,
        body=_slot_form,
        outsider_writes=True,
        note="a slot of the caller's own organisation",
    ),
    R("GET", "/physician-slots/{slot_id}/edit", SLOT_MANAGE, Names.THING, params=_physician_slot),
    R(
        "POST",
        "/physician-slots/{slot_id}",
        SLOT_MANAGE,
        Names.THING,
        params=_physician_slot,
        body=_slot_form,
    ),
    R(
        "POST",
        "/physician-slots/{slot_id}/deactivate",
        SLOT_MANAGE,
        Names.THING,
        params=_physician_slot,
        body=_none,
    ),
    R(
        "POST",
        "/slot-bookings/{booking_id}/cancel",
        VISIT_BOOK,
        Names.PATIENT,
        params=_slot_booking,
        body=lambda w: {"back": "slots"},
    ),
    R("GET", "/patients/{patient_id}/physician-visits", READ, Names.PATIENT, params=_p),
    R(
        "POST",
        "/patients/{patient_id}/physician-visits",
        VISIT_BOOK,
        Names.PATIENT,
        params=_p,
        body=lambda w: {"slot_id": str(w.physician_slot), "date": _day_after(w), "reason": ""},
    ),
    R(
        "POST",
        "/patients/{patient_id}/physician-reviews",
        VISIT_BOOK,
        Names.PATIENT,
        params=_p,
        body=lambda w: {
            "kind": "regular_visit",
            "interval_days": "30",
            "first_date": _day_after(w),
        },
    ),
    R(
        "POST",
        "/physician-reviews/{review_id}/deactivate",
        VISIT_BOOK,
        Names.PATIENT,
        params=_physician_review,
        body=_none,
    ),
]


# -- enrolment in home health care and the fixed physician / care contact (area C, issue 13):
# the patient's care relationship. Enrolling is a municipal home health care's (B1 without a
# relationship and without a reason: 422, B2, a hospital: 403; both logged, nothing written);
# A's patient is not enrolled, so the enrolment's own reads have no allowed control.
def _a_physician(w: World) -> dict[str, Any]:
    return {"user_id": str(w.user["A", Role.PHYSICIAN])}


MATRIX += [
    R(
        "POST",
        "/api/v1/patients/{patient_id}/enrolment",
        (P.EPISODE_CREATE,),
        Names.PATIENT,
        params=_p,
        body=lambda w: {},
        outsider_status=(403, 422),
        note="B1 (home health care): no relationship and no reason, 422; B2 (a hospital): 403",
    ),
    R(
        "GET",
        "/api/v1/patients/{patient_id}/enrolment",
        READ,
        Names.PATIENT,
        params=_p,
        allowed_status=None,
        note="A's patient is not enrolled (A's read answers enrolment.not_enrolled)",
    ),
    R(
        "POST",
        "/api/v1/enrolments/{episode_id}/end",
        (P.EPISODE_TRANSITION,),
        Names.PATIENT,
        params=_e,
        body=lambda w: {"reason": "other"},
        responsible_only=True,
        note="A's episode is hospital care at home: A gets 409, HA 403, outsiders 404",
    ),
    R(
        "PUT",
        "/api/v1/patients/{patient_id}/fixed-physician",
        (P.PATIENT_ASSIGN,),
        Names.PATIENT,
        params=_p,
        body=_a_physician,
    ),
    R(
        "PUT",
        "/api/v1/patients/{patient_id}/fixed-care-contact",
        (P.PATIENT_ASSIGN,),
        Names.PATIENT,
        params=_p,
        body=lambda w: {"user_id": str(w.user["A", Role.REGISTERED_NURSE])},
    ),
    R("GET", "/api/v1/patients/{patient_id}/assignments", READ, Names.PATIENT, params=_p),
    R("GET", "/patients/{patient_id}/enrolment", READ, Names.PATIENT, params=_p),
    R(
        "POST",
        "/patients/{patient_id}/enrolment",
        (P.EPISODE_CREATE,),
        Names.PATIENT,
        params=_p,
        body=lambda w: {"enrol_reason": ""},
        outsider_status=(403, 404),
        note="B1: refused (no relationship, no reason), the page shown again is 404; B2: 403",
    ),
    R(
        "POST",
        "/patients/{patient_id}/enrolment/end",
        (P.EPISODE_TRANSITION,),
        Names.PATIENT,
        params=_p,
        body=lambda w: {"end_reason": "other"},
    ),
    R(
        "POST",
        "/patients/{patient_id}/fixed-physician",
        (P.PATIENT_ASSIGN,),
        Names.PATIENT,
        params=_p,
        body=lambda w: {"physician_user_id": str(w.user["A", Role.PHYSICIAN])},
    ),
    R(
        "POST",
        "/patients/{patient_id}/fixed-care-contact",
        (P.PATIENT_ASSIGN,),
        Names.PATIENT,
        params=_p,
        body=lambda w: {"contact_user_id": str(w.user["A", Role.REGISTERED_NURSE])},
    ),
]
# issue 14 areas (each inserts `MATRIX += [...]` after its own marker line)
# matrix:medadmin
# -- medication administration (area A, issue 14): signing needs medication:administer and
# the care relationship (an assistant nurse also a delegation, tests/medadmin); the orders
# stay a physician's (medication:write, above).
ADMINISTER = (P.MEDICATION_ADMINISTER,)


def _dose(w: World) -> dict[str, Any]:
    return {"dose_id": w.dose}


def _dose_administration(w: World) -> dict[str, Any]:
    return {"administration_id": w.dose_administration}


def _sign_body(w: World) -> dict[str, Any]:
    return {"outcome": "not_given", "reason": "patient_declined"}


def _paper_body(w: World) -> dict[str, Any]:
    return {
        "outcome": "given",
        "signed_by_id": str(w.user["A", Role.REGISTERED_NURSE]),
        "given_at": _now_iso(),
    }


def _as_needed_body(w: World) -> dict[str, Any]:
    return {"medication_id": str(w.medication), "indication": "smärta", "amount": "1 g"}


def _delegation_body(w: World) -> dict[str, Any]:
    return {
        "delegate_id": str(w.user["A", Role.ASSISTANT_NURSE]),
        "routes": ["oral"],
        "valid_until": (local_today() + timedelta(days=30)).isoformat(),
    }


MATRIX += [
    R("GET", "/api/v1/episodes/{episode_id}/doses", READ, Names.PATIENT, params=_e),
    R("GET", "/api/v1/doses/{dose_id}", READ, Names.PATIENT, params=_dose),
    R(
        "POST",
        "/api/v1/doses/{dose_id}/sign",
        ADMINISTER,
        Names.PATIENT,
        params=_dose,
        body=_sign_body,
    ),
    R(
        "POST",
        "/api/v1/doses/{dose_id}/paper-signature",
        ADMINISTER,
        Names.PATIENT,
        params=_dose,
        body=_paper_body,
    ),
    R(
        "GET",
        "/api/v1/dose-administrations/{administration_id}",
        READ,
        Names.PATIENT,
        params=_dose_administration,
    ),
    R(
        "POST",
        "/api/v1/dose-administrations/{administration_id}/entered-in-error",
        ADMINISTER,
        Names.PATIENT,
        params=_dose_administration,
        body=lambda w: {"reason": "fel dos"},
    ),
    R(
        "POST",
        "/api/v1/episodes/{episode_id}/as-needed-doses",
        ADMINISTER,
        Names.PATIENT,
        params=_e,
        body=_as_needed_body,
    ),
    R(
        "POST",
        "/api/v1/dose-administrations/{administration_id}/follow-up",
        ADMINISTER,
        Names.PATIENT,
        params=_dose_administration,
        body=lambda w: {"effect": "good"},
    ),
    R("GET", "/api/v1/medication-delegations", ADMINISTER, Names.NOTHING),
    R(
        "POST",
        "/api/v1/medication-delegations",
        ADMINISTER,
        Names.THING,
        body=_delegation_body,
        outsider_status=(422,),
        note="A's assistant nurse is not of the outsider's organisation: 422, nothing written",
    ),
    R(
        "POST",
        "/api/v1/medication-delegations/{delegation_id}/revoke",
        ADMINISTER,
        Names.THING,
        params=lambda w: {"delegation_id": w.medication_delegation},
        body=lambda w: {"reason": "slut"},
    ),
    R(
        "GET",
        "/api/v1/episodes/{episode_id}/medication-list-version",
        READ,
        Names.PATIENT,
        params=_e,
    ),
    R(
        "GET",
        "/api/v1/care-requests/{request_id}/medication-list",
        READ,
        Names.PATIENT,
        params=lambda w: {"request_id": w.request},
    ),
    R(
        "POST",
        "/api/v1/care-requests/{request_id}/medication-acknowledgement",
        (P.CARE_REQUEST_ANSWER,),
        Names.PATIENT,
        params=lambda w: {"request_id": w.request},
        body=lambda w: {"version": 1},
    ),
    R(
        "GET",
        "/fhir/R4/MedicationRequest/{medication_id}",
        READ,
        Names.PATIENT,
        params=lambda w: {"medication_id": w.medication},
    ),
    R(
        "GET",
        "/fhir/R4/MedicationRequest",
        READ,
        Names.PATIENT,
        query=lambda w: {"patient": w.patient},
    ),
    R(
        "GET",
        "/fhir/R4/MedicationAdministration/{administration_id}",
        READ,
        Names.PATIENT,
        params=_dose_administration,
    ),
    R(
        "GET",
        "/fhir/R4/MedicationAdministration",
        READ,
        Names.PATIENT,
        query=lambda w: {"patient": w.patient},
    ),
    # the pages
    R("GET", "/episodes/{episode_id}/doses", READ, Names.PATIENT, params=_e),
    R("GET", "/episodes/{episode_id}/doses/print", READ, Names.PATIENT, params=_e),
    R("GET", "/episodes/{episode_id}/doses/paper", ADMINISTER, Names.PATIENT, params=_e),
    R(
        "POST",
        "/doses/{dose_id}/sign",
        ADMINISTER,
        Names.PATIENT,
        params=_dose,
        body=lambda w: {"outcome": "not_given", "reason": "patient_declined"},
    ),
    R(
        "POST",
        "/doses/{dose_id}/paper-signature",
        ADMINISTER,
        Names.PATIENT,
        params=_dose,
        body=lambda w: {
            "outcome": "given",
            "signed_by_id": str(w.user["A", Role.REGISTERED_NURSE]),
            "time": "00:01",
        },
    ),
    R(
        "POST",
        "/dose-administrations/{administration_id}/entered-in-error",
        ADMINISTER,
        Names.PATIENT,
        params=_dose_administration,
        body=lambda w: {"reason": "fel dos"},
    ),
    R(
        "POST",
        "/episodes/{episode_id}/as-needed-doses",
        ADMINISTER,
        Names.PATIENT,
        params=_e,
        body=lambda w: {"medication_id": str(w.medication), "indication": "x", "amount": "1 g"},
    ),
    R(
        "POST",
        "/dose-administrations/{administration_id}/follow-up",
        ADMINISTER,
        Names.PATIENT,
        params=_dose_administration,
        body=lambda w: {"effect": "good"},
    ),
    R("GET", "/medication-delegations", ADMINISTER, Names.NOTHING),
    R(
        "POST",
        "/medication-delegations",
        ADMINISTER,
        Names.THING,
        body=lambda w: {
            "delegate_id": str(w.user["A", Role.ASSISTANT_NURSE]),
            "route_oral": "1",
            "valid_until": (local_today() + timedelta(days=30)).isoformat(),
        },
        outsider_status=(422,),
        note="A's assistant nurse is not of the outsider's organisation: the form again, 422",
    ),
    R(
        "POST",
        "/medication-delegations/{delegation_id}/revoke",
        ADMINISTER,
        Names.THING,
        params=lambda w: {"delegation_id": w.medication_delegation},
        body=lambda w: {"reason": "slut"},
    ),
    R(
        "POST",
        "/care-requests/{request_id}/medication-acknowledgement",
        (P.CARE_REQUEST_ANSWER,),
        Names.PATIENT,
        params=lambda w: {"request_id": w.request},
        body=lambda w: {"version": "1"},
    ),
]


# matrix:labresults
# -- samples and results (issue 14): reading is the care relationship (patient:read), ordering,
# marking taken and entering need lab_result:write (physicians, registered nurses)
def _lab_result(w: World) -> dict[str, Any]:
    return {"result_id": w.lab_result}


def _sample_order(w: World) -> dict[str, Any]:
    return {"order_id": w.sample_order}


def _lab_result_body(w: World) -> dict[str, Any]:
    return {
        "episode_id": str(w.episode),
        "test": "crp",
        "value": 30,
        "unit": "mg/L",
        "taken_at": _now_iso(),
    }


LAB_WRITE = (P.LAB_RESULT_WRITE,)
MATRIX += [
    R("GET", "/api/v1/lab-tests", READ, Names.NOTHING),
    R("POST", "/api/v1/lab-results", LAB_WRITE, Names.PATIENT, body=_lab_result_body),
    R("GET", "/api/v1/lab-results/{result_id}", READ, Names.PATIENT, params=_lab_result),
    R("GET", "/api/v1/episodes/{episode_id}/lab-results", READ, Names.PATIENT, params=_e),
    R("GET", "/api/v1/episodes/{episode_id}/sample-orders", READ, Names.PATIENT, params=_e),
    R(
        "POST",
        "/api/v1/episodes/{episode_id}/sample-orders",
        LAB_WRITE,
        Names.PATIENT,
        params=_e,
        body=lambda w: {"tests": ["crp"], "due_date": _today()},
    ),
    R(
        "POST",
        "/api/v1/sample-orders/{order_id}/taken",
        LAB_WRITE,
        Names.PATIENT,
        params=_sample_order,
        body=_none,
    ),
    R("GET", "/api/v1/episodes/{episode_id}/discharge-criteria", READ, Names.PATIENT, params=_e),
    R("GET", "/episodes/{episode_id}/lab-results/new", LAB_WRITE, Names.PATIENT, params=_e),
    R(
        "POST",
        "/episodes/{episode_id}/lab-results/new",
        LAB_WRITE,
        Names.PATIENT,
        params=_e,
        body=lambda w: {"test": "crp", "value": "30", "taken_at": ""},
    ),
    R(
        "POST",
        "/sample-orders/{order_id}/taken",
        LAB_WRITE,
        Names.PATIENT,
        params=_sample_order,
        body=lambda w: {"next": "/my-visits"},
    ),
]


# matrix:dischargesummaries
# -- discharge summaries (area C, issue 14): read through the episode's care relationship
# (participants read it); only the responsible organisation writes (discharge_summary:write)
# and only its physicians sign (discharge_summary:sign)
def _summary(w: World) -> dict[str, Any]:
    return {"summary_id": w.discharge_summary}


DS_WRITE, DS_SIGN = (P.DISCHARGE_SUMMARY_WRITE,), (P.DISCHARGE_SUMMARY_SIGN,)
DS = "/api/v1/discharge-summaries/{summary_id}"
MATRIX += [
    R(
        "POST",
        "/api/v1/episodes/{episode_id}/discharge-summaries",
        DS_WRITE,
        Names.PATIENT,
        params=_e,
        responsible_only=True,
    ),
    R("GET", "/api/v1/episodes/{episode_id}/discharge-summaries", READ, Names.PATIENT, params=_e),
    R("GET", "/api/v1/discharge-summaries/missing", DS_WRITE, Names.NOTHING),
    R("GET", DS, READ, Names.PATIENT, params=_summary),
    R(
        "PATCH",
        DS,
        DS_WRITE,
        Names.PATIENT,
        params=_summary,
        body=lambda w: {"advice": "Vila"},
        responsible_only=True,
    ),
    R("POST", DS + "/refresh", DS_WRITE, Names.PATIENT, params=_summary, responsible_only=True),
    R("POST", DS + "/sign", DS_SIGN, Names.PATIENT, params=_summary, responsible_only=True),
    R(
        "POST",
        DS + "/amend",
        DS_WRITE,
        Names.PATIENT,
        params=_summary,
        body=lambda w: {"reason": "Tillägg"},
        responsible_only=True,
    ),
    R("GET", DS + "/pdf", READ, Names.PATIENT, params=_summary),
    R("GET", DS + "/fhir", READ, Names.PATIENT, params=_summary),
    R("GET", "/discharge-summaries/{summary_id}", READ, Names.PATIENT, params=_summary),
    R("GET", "/discharge-summaries/{summary_id}/pdf", READ, Names.PATIENT, params=_summary),
    R(
        "POST",
        "/discharge-summaries/{summary_id}",
        DS_WRITE,
        Names.PATIENT,
        params=_summary,
        body=lambda w: {"advice": "Vila"},
        responsible_only=True,
    ),
    R(
        "POST",
        "/discharge-summaries/{summary_id}/refresh",
        DS_WRITE,
        Names.PATIENT,
        params=_summary,
        body=_none,
        responsible_only=True,
    ),
    R(
        "POST",
        "/discharge-summaries/{summary_id}/sign",
        DS_SIGN,
        Names.PATIENT,
        params=_summary,
        body=_none,
        responsible_only=True,
    ),
    R(
        "POST",
        "/discharge-summaries/{summary_id}/amend",
        DS_WRITE,
        Names.PATIENT,
        params=_summary,
        body=lambda w: {"reason": "Tillägg"},
        responsible_only=True,
    ),
    R(
        "POST",
        "/episodes/{episode_id}/discharge-summary",
        DS_WRITE,
        Names.PATIENT,
        params=_e,
        body=_none,
        responsible_only=True,
    ),
]


# matrix:palliative
# -- palliative care (area D, issue 14): ESAS-r assessments (observation:write: an assistant
# nurse helps as with vital signs) and the expected death (palliative:write; the decision and
# the physician's confirmation are a physician's, checked by role in the service)
def _assessment(w: World) -> dict[str, Any]:
    return {"assessment_id": w.symptom_assessment}


def _esas_body(w: World) -> dict[str, Any]:
    return {
        "pain": 3,
        "tiredness": 3,
        "drowsiness": 2,
        "nausea": 1,
        "lack_of_appetite": 2,
        "shortness_of_breath": 1,
        "depression": 1,
        "anxiety": 2,
        "wellbeing": 3,
        "assessed_by": "patient",
    }


PAL_WRITE, OBS_WRITE = (P.PALLIATIVE_WRITE,), (P.OBSERVATION_WRITE,)
PAL_ED = "/api/v1/episodes/{episode_id}/expected-death"
MATRIX += [
    R(
        "POST",
        "/api/v1/episodes/{episode_id}/symptom-assessments",
        OBS_WRITE,
        Names.PATIENT,
        params=_e,
        body=_esas_body,
    ),
    R("GET", "/api/v1/episodes/{episode_id}/symptom-assessments", READ, Names.PATIENT, params=_e),
    R(
        "GET",
        "/api/v1/episodes/{episode_id}/symptom-assessments/trend",
        READ,
        Names.PATIENT,
        params=_e,
    ),
    R(
        "GET",
        "/api/v1/symptom-assessments/{assessment_id}",
        READ,
        Names.PATIENT,
        params=_assessment,
    ),
    R(
        "POST",
        "/api/v1/symptom-assessments/{assessment_id}/entered-in-error",
        OBS_WRITE,
        Names.PATIENT,
        params=_assessment,
        body=lambda w: {"reason": "Fel patient"},
    ),
    R("GET", PAL_ED, READ, Names.PATIENT, params=_e),
    R(
        "POST",
        PAL_ED,
        PAL_WRITE,
        Names.PATIENT,
        params=_e,
        body=lambda w: {
            "no_resuscitation": True,
            "no_hospital_transfer": True,
            "conversation_on": _today(),
            "conversation_with": "Patienten",
        },
    ),
    R(
        "POST",
        PAL_ED + "/death",
        PAL_WRITE,
        Names.PATIENT,
        params=_e,
        body=lambda w: {"died_at": _now_iso(30), "care_after_death": {"id_band": True}},
    ),
    R("POST", PAL_ED + "/physician-confirmation", PAL_WRITE, Names.PATIENT, params=_e, body=_none),
    R(
        "POST",
        PAL_ED + "/followup",
        PAL_WRITE,
        Names.PATIENT,
        params=_e,
        body=lambda w: {"on": _today(), "by": "Kurator Karin"},
    ),
    R("POST", PAL_ED + "/followup/held", PAL_WRITE, Names.PATIENT, params=_e, body=_none),
    # pages: the staff page (read through the care relationship; its forms as the API)
    R("GET", "/episodes/{episode_id}/palliative", READ, Names.PATIENT, params=_e),
    R(
        "POST",
        "/episodes/{episode_id}/palliative/esas",
        OBS_WRITE,
        Names.PATIENT,
        params=_e,
        body=lambda w: {k: str(v) for k, v in _esas_body(w).items()},
    ),
    R(
        "POST",
        "/episodes/{episode_id}/palliative/expected-death",
        PAL_WRITE,
        Names.PATIENT,
        params=_e,
        body=lambda w: {
            "no_resuscitation": "yes",
            "no_hospital_transfer": "yes",
            "conversation_on": _today(),
            "conversation_with": "Patienten",
        },
    ),
    R(
        "POST",
        "/episodes/{episode_id}/palliative/death",
        PAL_WRITE,
        Names.PATIENT,
        params=_e,
        body=lambda w: {"died_at": _now_iso(30)[:16], "after_id_band": "yes"},
    ),
    R(
        "POST",
        "/episodes/{episode_id}/palliative/confirm",
        PAL_WRITE,
        Names.PATIENT,
        params=_e,
        body=_none,
    ),
    R(
        "POST",
        "/episodes/{episode_id}/palliative/followup",
        PAL_WRITE,
        Names.PATIENT,
        params=_e,
        body=lambda w: {"followup_on": _today(), "followup_by": "Kurator Karin"},
    ),
    R(
        "POST",
        "/episodes/{episode_id}/palliative/followup-held",
        PAL_WRITE,
        Names.PATIENT,
        params=_e,
        body=_none,
    ),
    # the patient's tablet: ESAS-r in patient mode (as the staff member who paired it)
    R(
        "GET",
        "/self-report/{episode_id}/symptoms",
        None,
        Names.TABLET,
        params=_e,
        note="the tablet's ESAS-r form",
    ),
    R(
        "POST",
        "/self-report/{episode_id}/symptoms",
        None,
        Names.TABLET,
        params=_e,
        body=lambda w: {k: str(v) for k, v in _esas_body(w).items()},
        note="the tablet sends ESAS-r as the staff member who paired it",
    ),
]


# matrix:deviations
# -- deviations (area E, issue 14): seen by the reporting and the concerned organisation only
# (anyone else: 404, logged for the patient); handling needs deviation:handle; the summary is
# counts only (directory:read); the patient safety role is an administrator's
def _deviation(w: World) -> dict[str, Any]:
    return {"deviation_id": w.deviation}


def _deviation_report(w: World) -> dict[str, Any]:
    return {
        "patient_id": str(w.patient),
        "category": "fall",
        "occurred_at": _now_iso(30),
        "description": "Föll i badrummet",
        "consequence": "none",
    }


def _deviation_form(w: World) -> dict[str, Any]:
    return {"category": "fall", "description": "Föll", "consequence": "none"}


REPORT_DEVIATION, HANDLE_DEVIATION = (P.DEVIATION_REPORT,), (P.DEVIATION_HANDLE,)
_DEVIATION_STEPS = [
    ("investigate", HANDLE_DEVIATION, lambda w: {"note": "Utreds"}),
    ("answer", HANDLE_DEVIATION, lambda w: {"answer": "Svar"}),
    ("close", HANDLE_DEVIATION, lambda w: {"closing_note": "Klart"}),
    ("lex-maria", REPORT_DEVIATION, lambda w: {"reason": "Allvarligt"}),
    (
        "lex-maria/decision",
        HANDLE_DEVIATION,
        lambda w: {"decision": "not_reported", "reason": "Ingen skada"},
    ),
]
_DEVIATION_FORM_STEPS = [
    ("investigate", HANDLE_DEVIATION, lambda w: {"note": "Utreds"}),
    ("answer", HANDLE_DEVIATION, lambda w: {"answer": "Svar"}),
    ("close", HANDLE_DEVIATION, lambda w: {"closing_note": "Klart"}),
    ("lex-maria", REPORT_DEVIATION, lambda w: {"reason": "Allvarligt"}),
    (
        "lex-maria/decision",
        HANDLE_DEVIATION,
        lambda w: {"decision": "not_reported", "decision_reason": "Ingen skada"},
    ),
]
MATRIX += [
    R(
        "POST",
        "/api/v1/deviations",
        REPORT_DEVIATION,
        Names.PATIENT,
        body=_deviation_report,
    ),
    R("GET", "/api/v1/deviations", REPORT_DEVIATION, Names.NOTHING, a_sees=True),
    R("GET", "/api/v1/deviations/summary", (P.DIRECTORY_READ,), Names.NOTHING),
    R("GET", "/api/v1/deviations/summary.csv", (P.DIRECTORY_READ,), Names.NOTHING),
    R(
        "GET",
        "/api/v1/deviations/{deviation_id}",
        REPORT_DEVIATION,
        Names.PATIENT,
        params=_deviation,
    ),
    *[
        R(
            "POST",
            f"/api/v1/deviations/{{deviation_id}}/{step}",
            perms,
            Names.PATIENT,
            params=_deviation,
            body=body,
        )
        for step, perms, body in _DEVIATION_STEPS
    ],
    R(
        "POST",
        "/api/v1/deviations/{deviation_id}/pilot-link",
        REPORT_DEVIATION,
        Names.PATIENT,
        params=_deviation,
        body=lambda w: {
            "pilot_id": str(w.pilot),
            "classification": "structure",
            "description": "Ingen rutin",
        },
    ),
    R(
        "PUT",
        "/api/v1/users/{user_id}/patient-safety-role",
        (P.USER_ADMIN,),
        Names.THING,
        params=_a_nurse,
        body=lambda w: {"role": "chief_physician"},
    ),
    R("GET", "/deviations", REPORT_DEVIATION, Names.NOTHING, a_sees=True),
    R("GET", "/deviations/summary", (P.DIRECTORY_READ,), Names.NOTHING),
    R("GET", "/deviations/summary.csv", (P.DIRECTORY_READ,), Names.NOTHING),
    R("GET", "/deviations/{deviation_id}", REPORT_DEVIATION, Names.PATIENT, params=_deviation),
    *[
        R(
            "POST",
            f"/deviations/{{deviation_id}}/{step}",
            perms,
            Names.PATIENT,
            params=_deviation,
            body=body,
        )
        for step, perms, body in _DEVIATION_FORM_STEPS
    ],
    R(
        "POST",
        "/deviations/{deviation_id}/pilot-link",
        REPORT_DEVIATION,
        Names.PATIENT,
        params=_deviation,
        body=lambda w: {
            "pilot_id": str(w.pilot),
            "classification": "structure",
            "pilot_description": "Ingen rutin",
        },
    ),
    R(
        "GET",
        "/patients/{patient_id}/deviations/new",
        REPORT_DEVIATION,
        Names.PATIENT,
        params=_p,
    ),
    R(
        "POST",
        "/patients/{patient_id}/deviations",
        REPORT_DEVIATION,
        Names.PATIENT,
        params=_p,
        body=_deviation_form,
    ),
    R(
        "POST",
        "/admin/users/{user_id}/patient-safety-role",
        (P.USER_ADMIN,),
        Names.THING,
        params=_a_nurse,
        body=lambda w: {"patient_safety_role": "chief_physician"},
    ),
]


# matrix:pilots
# Pilots (issue 14): API and pages. A's running pilot (w.pilot) is another of A's things: 404
# for outsiders. Other organisations' FINISHED pilots are intentionally readable by every
# organisation (to learn from them, read only): the list of them is modelled as NOTHING (no
# patient data; the world's finished pilot of A is in the outsider's answer by design), and
# writes to a finished pilot by a non-participant are 404 (tests/pilots/test_finished.py).
def _pilot(w: World) -> dict[str, Any]:
    return {"pilot_id": w.pilot}


def _pilot_form(w: World) -> dict[str, Any]:
    return {
        "name": "Egen pilot",
        "purpose": "Lära",
        "period_start": _today(),
        "period_end": _today(),
        "comparison_kind": "period",
        "comparison_start": "2020-01-01",
        "comparison_end": "2020-02-01",
    }


MATRIX += [
    R(
        "GET",
        "/api/v1/pilots/finished",
        (P.DIRECTORY_READ,),
        Names.NOTHING,
        note="other organisations' finished pilots: readable by every organisation by design",
    ),
    R(
        "GET",
        "/api/v1/pilots/{pilot_id}/report",
        (P.DIRECTORY_READ,),
        Names.THING,
        params=_pilot,
        note="A's running pilot: 404 for others (a finished one is readable, by design)",
    ),
    R(
        "POST",
        "/api/v1/pilots/{pilot_id}/assumptions",
        (P.PILOT_WRITE,),
        Names.THING,
        params=_pilot,
        body=lambda w: {"text": "Nytt antagande"},
    ),
    R("GET", "/pilots", (P.DIRECTORY_READ,), Names.NOTHING),
    R(
        "GET",
        "/pilots/finished",
        (P.DIRECTORY_READ,),
        Names.NOTHING,
        note="other organisations' finished pilots: readable by every organisation by design",
    ),
    R("GET", "/pilots/new", (P.PILOT_WRITE,), Names.NOTHING),
    R(
        "POST",
        "/pilots/new",
        (P.PILOT_WRITE,),
        Names.NOTHING,
        body=_pilot_form,
        outsider_writes=True,
        note="an outsider makes its own pilot",
    ),
    R("GET", "/pilots/{pilot_id}/edit", (P.PILOT_WRITE,), Names.THING, params=_pilot),
    R(
        "POST",
        "/pilots/{pilot_id}/edit",
        (P.PILOT_WRITE,),
        Names.THING,
        params=_pilot,
        body=lambda w: {**_pilot_form(w), "name": "Kapad"},
    ),
    R(
        "POST",
        "/pilots/{pilot_id}/log",
        (P.PILOT_WRITE,),
        Names.THING,
        params=_pilot,
        body=lambda w: {
            "kind": "barrier",
            "classification": "culture",
            "description": "x",
            "occurred_on": _today(),
        },
    ),
    R(
        "POST",
        "/pilots/{pilot_id}/assumptions",
        (P.PILOT_WRITE,),
        Names.THING,
        params=_pilot,
        body=lambda w: {"text": "Nytt antagande"},
    ),
    R(
        "POST",
        "/pilots/{pilot_id}/assumptions/{assumption_id}",
        (P.PILOT_WRITE,),
        Names.THING,
        params=lambda w: {"pilot_id": w.pilot, "assumption_id": w.assumption},
        body=lambda w: {"status": "refuted", "note": "nej"},
    ),
]
BY_KEY = {r.key: r for r in MATRIX}
assert len(BY_KEY) == len(MATRIX), "one entry per route"  # noqa: S101


# -- fixtures: the world once per module, a savepoint per test ----------------------------------


@pytest.fixture(scope="module")
def module_connection(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn:
        outer = conn.begin()
        yield conn
        outer.rollback()


@pytest.fixture(scope="module")
def module_sessions(module_connection: Connection) -> sessionmaker[Session]:
    return sessionmaker(
        bind=module_connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )


@pytest.fixture(scope="module")
def world(module_sessions: sessionmaker[Session]) -> World:
    with module_sessions() as session:
        built = build_world(session)
        session.commit()  # into the module's transaction, rolled back at the end
    return built


@pytest.fixture(scope="module")
def app_client(module_sessions: sessionmaker[Session]) -> Iterator[TestClient]:
    app = create_app(session_factory=module_sessions)
    # https, as the pages are served: the session and CSRF cookies are Secure
    with TestClient(app, base_url=BASE_URL, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def db(
    module_connection: Connection, module_sessions: sessionmaker[Session], world: World
) -> Iterator[Session]:
    """This test's session; everything the test and its requests write is rolled back."""
    savepoint = module_connection.begin_nested()
    session = module_sessions()
    try:
        yield session
    finally:
        session.close()
        if savepoint.is_active:
            savepoint.rollback()


@pytest.fixture
def client(app_client: TestClient, db: Session) -> Iterator[TestClient]:
    app_client.cookies.clear()
    yield app_client
    app_client.cookies.clear()


# -- calling a route ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Caller:
    org: str
    role: Role | None  # None: a tablet in patient mode


def call(client: TestClient, w: World, route: Route, caller: Caller) -> tuple[Response, str]:
    params = {k: str(v) for k, v in route.params(w).items()}
    url = route.path.format(**params)
    query = {k: str(v) for k, v in route.query(w).items()}
    body = route.body(w) if route.body is not None else None
    sent = " ".join([url, json.dumps(query), json.dumps(body, default=str)])
    headers: dict[str, str] = {}
    kwargs: dict[str, Any] = {}
    if caller.role is None:
        client.cookies.set(TABLET_COOKIE, w.tablet[caller.org])
    elif route.kind in ("api", "fhir"):
        headers["Authorization"] = f"Bearer {w.token[caller.org, caller.role]}"
    else:
        client.cookies.set(SESSION_COOKIE, w.token[caller.org, caller.role])
    if route.kind == "fhir" and body is not None:
        headers["Content-Type"] = "application/fhir+json"
        kwargs["content"] = json.dumps(body)
    elif route.kind == "api" and body is not None:
        kwargs["json"] = body
    elif body is not None:  # a page's form
        kwargs["data"] = form_with_csrf(client, {k: str(v) for k, v in body.items()})
        headers["Origin"] = BASE_URL
    response = client.request(
        route.method, url, params=query, headers=headers, follow_redirects=False, **kwargs
    )
    for name in (SESSION_COOKIE, TABLET_COOKIE):  # the CSRF cookie stays, as in a browser
        client.cookies.delete(name)
    return response, sent


def form_with_csrf(client: TestClient, data: dict[str, str]) -> dict[str, str]:
    """A form as a browser sends it: with the CSRF token of the `samband_csrf` cookie (once
    the pages set one), so the matrix tests the authorisation, not the CSRF refusal."""
    token = client.cookies.get(CSRF_COOKIE)
    if token is None:
        client.get("/login")  # a public page: it sets the cookie, if the app has one
        token = client.cookies.get(CSRF_COOKIE)
    return {**data, "csrf_token": token} if token else data


# -- what the tests check ----------------------------------------------------------------------

# the access log (and its hash chain) grows with every attempt; logging in is not what the
# matrix tests; a token's use is noted on it (the tokens themselves are issued with the world,
# so a token made or revoked by a refused request is seen)
UNCHANGING = {"audit_events", "audit_chain_head", "login_attempts"}
UNCHANGING_COLUMNS = {("api_tokens", "last_used_at")}


def _rows_as_text() -> Any:
    """One query for every table's rows as text (one round trip per fingerprint)."""
    selects = []
    for table in Base.metadata.sorted_tables:
        if table.name in UNCHANGING:
            continue
        row: Any = None
        for column in table.columns:
            if (table.name, column.name) in UNCHANGING_COLUMNS:
                continue
            text = func.coalesce(cast(column, Text), "∅")
            row = text if row is None else row + "|" + text
        selects.append(select(literal(table.name).label("t"), row.label("r")).select_from(table))
    return union_all(*selects)


ROWS_AS_TEXT = _rows_as_text()


def fingerprint(session: Session) -> dict[str, str]:
    """A digest of each table but the access log (and a token's last use): equal means
    nothing was written."""
    rows: dict[str, list[str]] = {}
    for name, text in session.execute(ROWS_AS_TEXT):
        rows.setdefault(name, []).append(text)
    return {
        name: hashlib.sha256("\n".join(sorted(texts)).encode()).hexdigest()
        for name, texts in rows.items()
    }


def changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(
        name for name in before.keys() | after.keys() if before.get(name) != after.get(name)
    )


def denied(session: Session, w: World, caller: Caller, patient: uuid.UUID | None) -> int:
    where = [AuditEvent.user_id == w.user[caller.org, caller.role], AuditEvent.allowed.is_(False)]  # type: ignore[index]
    if patient is not None:
        where.append(AuditEvent.patient_id == patient)
    return session.scalar(select(func.count()).select_from(AuditEvent).where(*where)) or 0


def leaks(text: str, w: World, sent: str) -> list[str]:
    """A's identifiers in the answer that the caller did not send."""
    return [s for s in w.secrets() if s in text and s not in sent]


def _skip_if_known(case: str, request: pytest.FixtureRequest) -> None:
    reason = KNOWN_HOLES.get(f"{case} {request.node.callspec.id}")
    if reason:
        pytest.skip(f"KNOWN HOLE: {reason}")


def _outsider_cases() -> list[Any]:
    cases = []
    for route in MATRIX:
        for org in OUTSIDERS:
            if route.names is Names.TABLET:
                if org == "B2":  # B1 has no patient at home, so no tablet
                    cases.append(
                        pytest.param(route, Caller("B2", None), id=f"{route.label()}-tablet")
                    )
                continue
            roles = roles_with(route.perms) if route.perms else [ALLOWED_ORDER[0]]
            assert roles, f"no role may call {route.label()}"  # noqa: S101
            cases.append(pytest.param(route, Caller(org, roles[0]), id=f"{route.label()}-{org}"))
    return cases


def _wrong_role_cases() -> list[Any]:
    cases = []
    for route in MATRIX:
        if route.perms is None:
            continue  # every signed-in user (or the tablet): no wrong role
        for role in wrong_roles(route.perms):
            cases.append(pytest.param(route, Caller("A", role), id=f"{route.label()}-{role}"))
    return cases


def _allowed_cases() -> list[Any]:
    cases = []
    for route in MATRIX:
        if route.method != "GET" or route.allowed_status is None:
            continue
        if route.perms is None:
            caller = Caller("A", None if route.names is Names.TABLET else ALLOWED_ORDER[0])
        else:
            caller = Caller("A", roles_with(route.perms)[0])
        cases.append(pytest.param(route, caller, id=route.label()))
    return cases


def _partner_cases() -> list[Any]:
    cases = []
    for route in MATRIX:
        if route.responsible_only and route.perms:
            role = roles_with(route.perms)[0]
            cases.append(pytest.param(route, Caller("HA", role), id=f"{route.label()}-{role}"))
    return cases


# -- the tests ---------------------------------------------------------------------------------


def route_table(app: Any) -> set[tuple[str, str]]:
    """(method, path) of every route the app answers, as FastAPI resolves them."""
    found: set[tuple[str, str]] = set()
    for context in iter_route_contexts(app.routes):
        route = getattr(context, "original_route", context)
        if isinstance(route, Mount):
            found.add(("*", route.path))
            continue
        for method in context.methods or {"*"}:
            found.add((method, context.path))
    return found


def test_every_route_is_in_the_matrix(app_client: TestClient) -> None:
    table = route_table(app_client.app)
    covered = set(BY_KEY) | set(SKIPPED)
    missing = sorted(table - covered)
    stale = sorted(covered - table)
    assert not missing, f"routes without an entry in MATRIX (or SKIPPED, with a reason): {missing}"
    assert not stale, f"MATRIX / SKIPPED name routes the app no longer has: {stale}"
    both = set(BY_KEY) & set(SKIPPED)
    assert not both, f"in MATRIX and SKIPPED at once: {sorted(both)}"
    assert all(reason.strip() for reason in SKIPPED.values())
    cases = {
        f"{case} {param.id}"
        for case, params in (
            ("outsider", _outsider_cases()),
            ("wrong_role", _wrong_role_cases()),
            ("allowed", _allowed_cases()),
            ("partner", _partner_cases()),
        )
        for param in params
    }
    stale_holes = sorted(set(KNOWN_HOLES) - cases)
    assert not stale_holes, f"KNOWN_HOLES name cases the matrix no longer makes: {stale_holes}"


@pytest.mark.parametrize(("route", "caller"), _outsider_cases())
def test_outsider(
    client: TestClient,
    db: Session,
    world: World,
    route: Route,
    caller: Caller,
    request: pytest.FixtureRequest,
) -> None:
    """A user of an organisation with no care relationship, with a role that would be allowed."""
    _skip_if_known("outsider", request)
    w = world
    before = fingerprint(db)
    denied_before = denied(db, w, caller, w.patient) if caller.role else 0

    response, sent = call(client, w, route, caller)

    what = f"{route.label()} as {caller.org} {caller.role}: {response.status_code}"
    assert response.status_code < 500, f"{what} {response.text[:300]}"
    names = route.names
    if names is Names.REGISTRATION:
        # decision 0010: the answer is what was sent and the patient's id, known or not
        sent += f" {w.patient}"
    found = leaks(response.text, w, sent)
    assert not found, f"{what} shows A's {found}"
    after = fingerprint(db)
    if names is Names.PATIENT:
        assert response.status_code in (route.outsider_status or (404,)), f"{what} (want 404)"
        assert denied(db, w, caller, w.patient) > denied_before, f"{what}: not in the access log"
        assert not changed(before, after), f"{what} wrote {changed(before, after)}"
    elif names is Names.THING:
        assert response.status_code in (route.outsider_status or (404,)), f"{what} (want 404)"
        assert not changed(before, after), f"{what} wrote {changed(before, after)}"
    elif names is Names.NOTHING:
        assert response.status_code < 400, f"{what} {response.text[:300]}"
        if not route.outsider_writes:
            assert not changed(before, after), f"{what} wrote {changed(before, after)}"
    elif names is Names.TABLET:
        assert response.status_code in (route.outsider_status or (401,)), what
        assert not changed(before, after), f"{what} wrote {changed(before, after)}"
    elif names is Names.EMERGENCY:
        # nödåtkomst is for exactly this; it is personal, flagged and reviewed (decision 0003)
        assert response.status_code == 201, what
        flagged = db.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(
                AuditEvent.user_id == w.user[caller.org, caller.role],  # type: ignore[index]
                AuditEvent.patient_id == w.patient,
                AuditEvent.emergency.is_(True),
            )
        )
        assert flagged, f"{what}: the emergency access is not flagged in the access log"
    elif names is Names.REGISTRATION:
        # a known personnummer reveals nothing and grants no relationship
        registered = db.scalar(
            select(func.count())
            .select_from(PatientRegistration)
            .where(
                PatientRegistration.patient_id == w.patient,
                PatientRegistration.organisation_id == w.org[caller.org],
            )
        )
        assert not registered, f"{what}: registering gave {caller.org} a relationship"
        participant = db.scalar(
            select(func.count())
            .select_from(EpisodeParticipant)
            .where(
                EpisodeParticipant.episode_id == w.episode,
                EpisodeParticipant.organisation_id == w.org[caller.org],
            )
        )
        assert not participant, f"{what}: registering made {caller.org} a participant"


@pytest.mark.parametrize(("route", "caller"), _wrong_role_cases())
def test_wrong_role(
    client: TestClient,
    db: Session,
    world: World,
    route: Route,
    caller: Caller,
    request: pytest.FixtureRequest,
) -> None:
    """A user of A whose role lacks the permission: 403, logged, nothing written."""
    _skip_if_known("wrong_role", request)
    w = world
    before = fingerprint(db)
    denied_before = denied(db, w, caller, None)

    response, sent = call(client, w, route, caller)

    what = f"{route.label()} as A {caller.role}: {response.status_code}"
    want = route.wrong_role_status
    assert response.status_code in want, f"{what} (want {want}) {response.text[:300]}"
    found = leaks(response.text + response.headers.get("location", ""), w, sent)
    assert not found, f"{what} shows {found}"
    if response.is_redirect:  # to the role's own first page: nothing refused, nothing shown
        assert response.headers["location"] != route.path, what
        assert not changed(before, fingerprint(db)), what
        return
    if route.kind == "api":
        assert response.json().get("code") == "forbidden", what
    elif route.kind == "fhir":
        assert response.json()["issue"][0]["code"] == "forbidden", what
    else:
        assert response.headers["content-type"].startswith("text/html"), what
    assert not changed(before, fingerprint(db)), f"{what} wrote {changed(before, fingerprint(db))}"
    assert denied(db, w, caller, None) > denied_before, f"{what}: not in the access log"


@pytest.mark.parametrize(("route", "caller"), _allowed_cases())
def test_allowed_reads(
    client: TestClient,
    db: Session,
    world: World,
    route: Route,
    caller: Caller,
    request: pytest.FixtureRequest,
) -> None:
    """The control: A's user with the right role reads what the outsider may not."""
    _skip_if_known("allowed", request)
    response, _sent = call(client, world, route, caller)
    what = f"{route.label()} as A {caller.role}: {response.status_code}"
    assert response.status_code == route.allowed_status, f"{what} {response.text[:300]}"
    if route.a_sees:
        patient = world.secrets()[:4]  # the id, the personnummer (both forms), the name
        assert any(s in response.text for s in patient), f"{what}: A's patient is not shown"


@pytest.mark.parametrize(("route", "caller"), _partner_cases())
def test_partner_not_responsible(
    client: TestClient,
    db: Session,
    world: World,
    route: Route,
    caller: Caller,
    request: pytest.FixtureRequest,
) -> None:
    """Only the episode's responsible organisation changes who takes part and moves the
    episode on; a participating organisation (HA, home health care) is refused."""
    _skip_if_known("partner", request)
    before = fingerprint(db)
    denied_before = denied(db, world, caller, world.patient)
    response, _sent = call(client, world, route, caller)
    what = f"{route.label()} as HA {caller.role}: {response.status_code}"
    assert response.status_code == 403, f"{what} (want 403) {response.text[:300]}"
    assert not changed(before, fingerprint(db)), what
    assert denied(db, world, caller, world.patient) > denied_before, f"{what}: not logged"


def test_the_fingerprint_sees_writes(client: TestClient, db: Session, world: World) -> None:
    """The control of "nothing written": an allowed change and an insert are seen."""
    before = fingerprint(db)
    route = BY_KEY["PATCH", "/api/v1/patients/{patient_id}"]
    response, _sent = call(client, world, route, Caller("A", Role.REGISTERED_NURSE))
    assert response.status_code == 200, response.text
    assert changed(before, fingerprint(db)) == ["patients"]
    before = fingerprint(db)
    route = BY_KEY["POST", "/api/v1/shifts"]
    response, _sent = call(client, world, route, Caller("A", Role.REGISTERED_NURSE))
    assert response.status_code == 201, response.text
    assert changed(before, fingerprint(db)) == ["staff_shifts"]


def test_the_matrix_roles_come_from_role_permissions() -> None:
    """Who may call a route is read from ROLE_PERMISSIONS, never written in this file: e.g.
    whoever holds medication:write may add a medication, and nobody else."""
    route = BY_KEY["POST", "/api/v1/medications"]
    holders = {r for r, perms in ROLE_PERMISSIONS.items() if P.MEDICATION_WRITE in perms}
    assert set(roles_with(route.perms or ())) == holders
    assert not set(wrong_roles(route.perms or ())) & holders
