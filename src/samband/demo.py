"""Demo data: a region, its infection clinic, a mobile team, two primary care centres, two
municipalities, staff with documented logins, and Kim, Lisa and Omar at different points of
the OPAT flow (seed 004), Sven at home on IV antibiotics with a foot ulcer, plus a COPD and a
heart-failure patient. Today's (and tomorrow's) shifts for Falun's home health care and the
mobile team, and today's visits planned and published for the home health care.

Everything after the directory is made through the services, as the staff would through
the API, so the demo follows the same rules, timeline and access log as real use.
Loading is idempotent: if the demo's infection clinic exists, nothing is loaded.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from samband.careplans import service as careplans
from samband.careplans.schemas import AcknowledgementCreate, CarePlanCreate, PlanActivity
from samband.carerequests import service as carerequests
from samband.carerequests.schemas import CareRequestCreate, CareRequestTransition
from samband.episodes import service as episodes
from samband.episodes.schemas import (
    ChecklistSign,
    EpisodeCreate,
    EpisodeUpdate,
    ParticipantCreate,
    TransitionCreate,
)
from samband.episodes.states import EpisodeType, State
from samband.kit.personnummer import luhn_check_digit
from samband.kit.time import STOCKHOLM, local_today, utcnow
from samband.medications import service as medications
from samband.medications.schemas import MedicationCreate
from samband.messaging import service as messaging
from samband.messaging.schemas import MessageCreate, MessageKind, MessageWrite, Topic
from samband.models import Episode, OnCallEntry, Organisation, Patient, ReservedBed, Unit, User
from samband.monitoring import intake
from samband.observations.schemas import ObservationCreate, Source
from samband.pathways.definition import registry
from samband.patients import service as patients
from samband.patients.schemas import NextOfKin, PatientCreate
from samband.security.context import Context
from samband.security.passwords import hash_password
from samband.security.service import actor_of
from samband.visits import dayplans, shifts
from samband.visits import service as visits
from samband.visits.schemas import (
    DayPlanCreate,
    GenerateVisits,
    Location,
    ShiftCreate,
    StaffRole,
    VisitCreate,
)

DEMO_PASSWORD = "samband-demo"  # noqa: S105 - documented demo password, demo data only
MARKER = "INF-FALUN"

WORLD_FILE = Path(__file__).with_name("demo_world.yaml")


def _world() -> dict[str, Any]:
    """The demo's organisations, units, users, shifts and rosters (demo_world.yaml)."""
    with WORLD_FILE.open(encoding="utf-8") as handle:
        loaded: dict[str, Any] = yaml.safe_load(handle)
    return loaded


_WORLD = _world()
PLACES = {
    name: Location(lat=float(p["lat"]), lon=float(p["lon"])) for name, p in _WORLD["places"].items()
}
ORGANISATIONS = [
    # code, name, kind, authority kind, authority name, phone
    (o["code"], o["name"], o["kind"], o["authority_kind"], o["authority_name"], o["phone"])
    for o in _WORLD["organisations"]
]
UNITS = [
    # organisation, code, name, reserved beds
    (u["organisation"], u["code"], u["name"], int(u["reserved_beds"]))
    for u in _WORLD["units"]
]
USERS = [
    # username, full name, role, organisation, unit, skills
    (u["username"], u["name"], u["role"], u["organisation"], u.get("unit"), list(u["skills"]))
    for u in _WORLD["users"]
]
# Where the demo's staff are reached (issue 11): phone and e-mail, by username.
CONTACTS = {u["username"]: (u["phone"], u["email"]) for u in _WORLD["users"]}
SHIFTS = [
    # username (who plans: the first of each organisation), start, end, where
    (s["user"], s["start"], s["end"], PLACES[s["at"]])
    for s in _WORLD["shifts"]
]
DEMO_SOLVER_SECONDS = 1.0
# The on-call rosters (jour/beredskap, decision 0014): per organisation, role and slot, a
# user (username) or an external person (name, phone). The weekly pattern has no end date,
# so the demo stays covered 24/7 for as long as it is used.
ROSTERS: list[tuple[str, str, str, str | tuple[str, str]]] = [
    (r["organisation"], r["role"], r["slot"], r["user"] if "user" in r else (r["name"], r["phone"]))
    for r in _WORLD["rosters"]
]


@dataclass
class Directory:
    orgs: dict[str, Organisation]
    units: dict[str, Unit]
    users: dict[str, User]
    contexts: list[Context]

    def ctx(self, session: Session, username: str) -> Context:
        context = Context(session=session, actor=actor_of(self.users[username]))
        self.contexts.append(context)
        return context

    def write_access_log(self, session: Session) -> None:
        """The demo's accesses go into the access log like any other."""
        for context in self.contexts:
            context.log.write(
                session, context.actor, method="CLI", path="samband demo", status_code=None
            )


def demo_logins() -> list[dict[str, str]]:
    return [{"username": u[0], "name": u[1], "role": u[2], "organisation": u[3]} for u in USERS]


def load(session: Session) -> bool:
    """Load the demo data once. Returns True if it was loaded now, False if it was there."""
    if session.scalar(select(Organisation.id).where(Organisation.code == MARKER)) is not None:
        return False
    directory = _directory(session)
    _rosters(session, directory)
    _kim(session, directory)
    _lisa(session, directory)
    _omar(session, directory)
    _sven(session, directory)
    goran = _copd(session, directory)
    _heart_failure(session, directory)
    _day_plans(session, directory, goran)
    _measurements(session, directory, goran)
    _messages(session, directory)
    _enrolments(session, directory, goran)
    _discharge_coordination(session, directory)
    _physician_visits(session, directory)
    # issue 14 (each area's demo data; marker lines, keep one call per line)
    # demo:medadmin
    from samband.medadmin import demo as medadmin_demo

    medadmin_demo.load(session, directory)
    # demo:labresults
    from samband.labresults import demo as labresults_demo

    labresults_demo.load(session, directory)
    # demo:dischargesummaries
    from samband.dischargesummaries import demo as dischargesummaries_demo

    dischargesummaries_demo.load(session, directory)
    # demo:palliative
    from samband.palliative import demo as palliative_demo

    palliative_demo.load(session, directory)
    # demo:deviations
    from samband.deviations import demo as deviations_demo

    deviations_demo.load(session, directory)
    # demo:pilots
    from samband.pilots import demo as pilots_demo

    pilots_demo.load(session, directory)
    directory.write_access_log(session)
    return True


def _directory(session: Session) -> Directory:
    orgs: dict[str, Organisation] = {}
    for code, name, kind, authority_kind, authority_name, phone in ORGANISATIONS:
        orgs[code] = Organisation(
            code=code,
            name=name,
            kind=kind,
            authority_kind=authority_kind,
            authority_name=authority_name,
            phone=phone,
        )
        session.add(orgs[code])
    session.flush()
    units: dict[str, Unit] = {}
    for org_code, code, name, beds in UNITS:
        units[code] = Unit(organisation_id=orgs[org_code].id, code=code, name=name)
        session.add(units[code])
        session.flush()
        for number in range(1, beds + 1):
            session.add(ReservedBed(unit_id=units[code].id, label=f"Trygghetsplats {number}"))
    password_hash = hash_password(DEMO_PASSWORD)
    users: dict[str, User] = {}
    for username, full_name, role, org_code, unit_code, skills in USERS:
        users[username] = User(
            username=username,
            full_name=full_name,
            role=role,
            organisation_id=orgs[org_code].id,
            unit_id=units[unit_code].id if unit_code else None,
            skills=skills,
            password_hash=password_hash,
            active=True,
            phone=CONTACTS[username][0],
            email=CONTACTS[username][1],
            # clinical staff are reached by e-mail too (issue 11: set SAMBAND_SMTP_URL to see
            # them); the others see their notifications in Samband only
            notify_channels=["email"] if role in NOTIFIED_ROLES else [],
        )
        session.add(users[username])
    session.flush()
    for user in users.values():
        session.refresh(user)
    return Directory(orgs=orgs, units=units, users=users, contexts=[])


NOTIFIED_ROLES = frozenset({"physician", "registered_nurse", "coordinator"})


def _rosters(session: Session, d: Directory) -> None:
    """Complete 24/7 rosters, open-ended from two weeks back; and one dated override: Anna
    Lindqvist takes the coming weekend's physician on call at the infection clinic."""
    today = local_today()
    since = today - timedelta(days=14)
    by = d.users["admin.nils"].id
    for org_code, role, slot, who in ROSTERS:
        person: dict[str, Any] = (
            {"user_id": d.users[who].id}
            if isinstance(who, str)
            else {"name": who[0], "phone": who[1]}
        )
        session.add(
            OnCallEntry(
                organisation_id=d.orgs[org_code].id,
                role=role,
                slot=slot,
                starts_on=since,
                ends_on=None,
                created_by_id=by,
                **person,
            )
        )
    friday = today + timedelta(days=(4 - today.weekday()) % 7)
    session.add(
        OnCallEntry(
            organisation_id=d.orgs[MARKER].id,
            role="physician",
            slot="weekend",
            starts_on=friday,
            ends_on=friday,
            user_id=d.users["lakare.anna"].id,
            created_by_id=by,
        )
    )
    session.flush()


def _pnr(year: int, month: int, day: int, serial: int) -> str:
    nine = f"{year % 100:02d}{month:02d}{day:02d}{serial:03d}"
    return f"{year}{month:02d}{day:02d}-{serial:03d}{luhn_check_digit(nine)}"


def _patient(ctx: Context, **fields: Any) -> Any:
    patient, _ = patients.register(ctx, PatientCreate(**fields))
    return patient


def _episode(
    ctx: Context,
    d: Directory,
    patient_id: Any,
    pathway: str,
    unit: str,
    type_: EpisodeType,
    reason: str,
) -> Episode:
    return episodes.create(
        ctx,
        EpisodeCreate(
            patient_id=patient_id,
            pathway=pathway,
            type=type_,
            responsible_unit_id=d.units[unit].id,
            reason=reason,
        ),
    )


def _move(ctx: Context, episode: Episode, to: State, **fields: Any) -> None:
    episodes.transition(ctx, episode.id, TransitionCreate(to=to, **fields))


def _assess_and_consent(
    physician: Context, nurse: Context, episode: Episode, answers: dict[str, bool] | None = None
) -> None:
    criteria = registry()[episode.pathway].eligibility
    _move(
        physician,
        episode,
        State.ASSESSED,
        eligible=True,
        answers=answers or {c.key: True for c in criteria},
    )
    _move(
        nurse,
        episode,
        State.CONSENTED,
        patient_informed=True,
        next_of_kin_informed=True,
        patient_consents=True,
        shared_records_consent=True,
    )


def _plan(
    nurse: Context,
    d: Directory,
    episode: Episode,
    *,
    physician: str,
    contact: str,
    patient_name: str,
    goal: str,
    activities: list[PlanActivity] | None = None,
) -> None:
    episodes.update(
        nurse,
        episode.id,
        EpisodeUpdate(
            responsible_physician_id=d.users[physician].id, care_contact_id=d.users[contact].id
        ),
    )
    content = careplans.template_content(episode.pathway)
    content = content.model_copy(
        update={"goals": [goal], "activities": [*content.activities, *(activities or [])]}
    )
    view = careplans.create(nurse, CarePlanCreate(episode_id=episode.id, content=content))
    careplans.acknowledge(
        nurse,
        view.plan.id,
        view.version.number,
        AcknowledgementCreate(party="patient", name=patient_name),
    )


def _request(
    sender: Context,
    receiver: Context | None,
    d: Directory,
    episode: Episode,
    to: str,
    kind: str,
    message: str,
) -> None:
    request, _ = carerequests.send(
        sender,
        CareRequestCreate(
            episode_id=episode.id, to_organisation_id=d.orgs[to].id, kind=kind, message=message
        ),
    )
    if receiver is not None:
        carerequests.transition(receiver, request.id, CareRequestTransition(to="received"))
        carerequests.transition(receiver, request.id, CareRequestTransition(to="accepted"))


def _sign_blocking(d: Directory, session: Session, episode: Episode, *, skip: set[str]) -> None:
    for item in episode.checklist:
        if item.done or item.key in skip or not item.blocking:
            continue
        signer = "farmaceut.cecilia" if "pharmacist" in item.signer_roles else "ssk.bertil"
        episodes.sign_item(
            d.ctx(session, signer), episode.id, item.key, ChecklistSign(note="klart")
        )


def _antibiotics(nurse: Context, d: Directory, episode: Episode, drug: str, dose: str) -> None:
    """IV antibiotics given by the municipal home health care (which joins the episode),
    ordered by the responsible physician (a medication order is a physician's)."""
    physician = d.ctx(nurse.session, "lakare.anna")
    episodes.add_participant(
        nurse,
        episode.id,
        ParticipantCreate(organisation_id=d.orgs["HSV-FALUN"].id, role="home_health_care"),
    )
    medications.add(
        physician,
        MedicationCreate(
            episode_id=episode.id,
            drug=drug,
            dose=dose,
            route="iv",
            schedule="08:00 16:00 24:00",
            given_by="registered_nurse",
            given_by_organisation_id=d.orgs["HSV-FALUN"].id,
            supplied_by="Infektionsavdelning 11, packat vid hemgång",
            days=7,
        ),
    )


def _kim(session: Session, d: Directory) -> None:
    """Kim: no home care, enough support from family, no aids. At home, day 2."""
    nurse = d.ctx(session, "ssk.bertil")
    kim = _patient(
        nurse,
        personnummer=_pnr(1968, 3, 14, 982),
        given_name="Kim",
        family_name="Sandberg",
        street_address="Åsgatan 12",
        postal_code="791 71",
        city="Falun",
        latitude=60.6065,
        longitude=15.6355,
        phone="070-123 45 67",
        home_municipality="Falu kommun",
        listed_primary_care_id=d.orgs["VC-NORRA"].id,
        next_of_kin=[NextOfKin(name="Robin Sandberg", relation="partner", phone="070-765 43 21")],
        what_matters="Att få sova hemma och gå ut med hunden.",
    )
    _opat_at_home(
        session,
        d,
        kim.id,
        diagnosis="Erysipelas, stabil på iv-antibiotika",
        patient_name="Kim",
        goal="Att bli frisk hemma och kunna gå ut med hunden igen",
        antibiotic=("Cefotaxim", "1 g"),
        request="IV cefotaxim 1 g x 3 i 7 dagar, PICC-line. Dag 1 besök 08:00.",
    )


def _lisa(session: Session, d: Directory) -> None:
    """Lisa: has home care, may need aids. Planned; checklist and care request under way."""
    nurse, physician = d.ctx(session, "ssk.bertil"), d.ctx(session, "lakare.anna")
    lisa = _patient(
        nurse,
        personnummer=_pnr(1941, 8, 2, 984),
        given_name="Lisa",
        family_name="Ström",
        street_address="Stigaregatan 5",
        postal_code="791 60",
        city="Falun",
        latitude=60.6030,
        longitude=15.6240,
        phone="023-123 45",
        home_municipality="Falu kommun",
        listed_primary_care_id=d.orgs["VC-NORRA"].id,
        next_of_kin=[NextOfKin(name="Maja Ström", relation="daughter", phone="070-222 33 44")],
        what_matters="Att katten får vara hos mig och att hemtjänsten känner igen mig.",
    )
    episode = _episode(
        nurse,
        d,
        lisa.id,
        "opat",
        "INF-AVD11",
        EpisodeType.EARLY_SUPPORTED_DISCHARGE,
        "Pyelonefrit, iv-antibiotika",
    )
    _assess_and_consent(physician, nurse, episode)
    _plan(
        nurse,
        d,
        episode,
        physician="lakare.anna",
        contact="ssk.bertil",
        patient_name="Lisa",
        goal="Att klara mig hemma med hemtjänstens stöd",
    )
    _antibiotics(nurse, d, episode, "Piperacillin/tazobaktam", "4 g")
    _request(
        nurse,
        None,
        d,
        episode,
        "HSV-FALUN",
        "home_health_care",
        "IV pip/taz 4 g x 3, PICC-line. Behöver rollator.",
    )
    _request(
        nurse,
        d.ctx(session, "ht.ida"),
        d,
        episode,
        "HT-FALUN",
        "home_care",
        "Oförändrade insatser, tätare tillsyn första dygnen.",
    )
    _move(nurse, episode, State.PLANNED)
    episodes.sign_item(
        d.ctx(session, "farmaceut.cecilia"),
        episode.id,
        "medication_list_reconciled",
        ChecklistSign(note="avstämd"),
    )


def _omar(session: Session, d: Directory) -> None:
    """Omar: cannot manage with existing support and needs more home care. Assessed."""
    physician = d.ctx(session, "lakare.anna")
    nurse = d.ctx(session, "ssk.bertil")
    omar = _patient(
        nurse,
        personnummer=_pnr(1952, 11, 30, 986),
        given_name="Omar",
        family_name="Haddad",
        street_address="Hagagatan 20",
        postal_code="784 33",
        city="Borlänge",
        latitude=60.4858,
        longitude=15.4371,
        phone="0243-123 45",
        home_municipality="Borlänge kommun",
        listed_primary_care_id=d.orgs["VC-BORLANGE"].id,
        language="ar",
        interpreter_needed=True,
        next_of_kin=[NextOfKin(name="Yasmin Haddad", relation="son's wife", phone="073-111 22 33")],
        what_matters="Att kunna be mina böner hemma och ha familjen nära.",
    )
    episode = _episode(
        nurse,
        d,
        omar.id,
        "opat",
        "INF-AVD11",
        EpisodeType.EARLY_SUPPORTED_DISCHARGE,
        "Spondylodiskit, lång iv-behandling; behöver mer hemtjänst",
    )
    criteria = {c.key: True for c in registry()["opat"].eligibility} | {"support_sufficient": False}
    _move(
        physician,
        episode,
        State.ASSESSED,
        eligible=True,
        answers=criteria,
        reason="Lämplig om hemtjänsten utökas",
    )


def _sven(session: Session, d: Directory) -> None:
    """Sven: at home, day 1, on IV antibiotics for a diabetic foot infection; the home health
    care also dresses his foot ulcer every day (an activity added to the pathway's plan)."""
    nurse = d.ctx(session, "ssk.bertil")
    sven = _patient(
        nurse,
        personnummer=_pnr(1956, 9, 4, 992),
        given_name="Sven",
        family_name="Håkansson",
        street_address="Slättagatan 14",
        postal_code="791 45",
        city="Falun",
        latitude=60.6150,
        longitude=15.6010,
        phone="070-555 12 34",
        home_municipality="Falu kommun",
        listed_primary_care_id=d.orgs["VC-NORRA"].id,
        next_of_kin=[NextOfKin(name="Berit Håkansson", relation="wife", phone="070-555 43 21")],
        what_matters="Att kunna sitta i trädgården och slippa ligga på sjukhus.",
    )
    wound = PlanActivity(
        key="wound_care",
        what="Dress the foot ulcer",
        organisation_kind="municipal_home_health_care",
        role="registered_nurse",
        schedule="daily 11:00",
        duration_min=20,
        skills=["wound_care"],
    )
    _opat_at_home(
        session,
        d,
        sven.id,
        diagnosis="Diabetisk fotinfektion, iv-antibiotika",
        patient_name="Sven",
        goal="Att såret läker så att jag kan gå i trädgården",
        antibiotic=("Klindamycin", "600 mg"),
        request="IV klindamycin 600 mg x 3, PICC-line, daglig omläggning av fotsår.",
        activities=[wound],
    )


def _opat_at_home(
    session: Session,
    d: Directory,
    patient_id: uuid.UUID,
    *,
    diagnosis: str,
    patient_name: str,
    goal: str,
    antibiotic: tuple[str, str],
    request: str,
    activities: list[PlanActivity] | None = None,
) -> None:
    """An OPAT patient of the infection ward, all the way home: assessed, consented, the
    plan (with any extra activities), the antibiotic, the care request to the home health
    care, the checklist signed."""
    nurse, physician = d.ctx(session, "ssk.bertil"), d.ctx(session, "lakare.anna")
    episode = _episode(
        nurse, d, patient_id, "opat", "INF-AVD11", EpisodeType.EARLY_SUPPORTED_DISCHARGE, diagnosis
    )
    _assess_and_consent(physician, nurse, episode)
    _plan(
        nurse,
        d,
        episode,
        physician="lakare.anna",
        contact="ssk.bertil",
        patient_name=patient_name,
        goal=goal,
        activities=activities,
    )
    _antibiotics(nurse, d, episode, *antibiotic)
    _request(nurse, d.ctx(session, "hsv.eva"), d, episode, "HSV-FALUN", "home_health_care", request)
    _move(nurse, episode, State.PLANNED)
    _sign_blocking(d, session, episode, skip=set())
    _move(nurse, episode, State.AT_HOME)


def _copd(session: Session, d: Directory) -> Episode:
    """A COPD exacerbation cared for at home instead of admission, by the mobile team."""
    nurse, physician = d.ctx(session, "team.karin"), d.ctx(session, "team.jonas")
    patient = _patient(
        nurse,
        personnummer=_pnr(1949, 1, 23, 988),
        given_name="Göran",
        family_name="Lindberg",
        street_address="Ingarvsvägen 3",
        postal_code="791 33",
        city="Falun",
        latitude=60.6180,
        longitude=15.6620,
        phone="070-999 88 77",
        home_municipality="Falu kommun",
        listed_primary_care_id=d.orgs["VC-NORRA"].id,
        what_matters="Att slippa åka in till sjukhuset igen.",
    )
    episode = _episode(
        nurse,
        d,
        patient.id,
        "copd",
        "NSV-FALUN",
        EpisodeType.ADMISSION_AVOIDANCE,
        "KOL-exacerbation, bedömd av ambulansen",
    )
    _assess_and_consent(physician, nurse, episode)
    _plan(
        nurse,
        d,
        episode,
        physician="team.jonas",
        contact="team.karin",
        patient_name="Göran",
        goal="Att andas som vanligt igen",
    )
    _request(
        nurse,
        d.ctx(session, "hsv.fredrik"),
        d,
        episode,
        "HSV-FALUN",
        "home_health_care",
        "Dagligt besök, saturation och andning.",
    )
    _move(nurse, episode, State.PLANNED)
    for item in episode.checklist:
        if item.blocking and not item.done:
            episodes.sign_item(nurse, episode.id, item.key, ChecklistSign(note="klart"))
    _move(nurse, episode, State.AT_HOME)
    return episode


def _heart_failure(session: Session, d: Directory) -> None:
    """A heart-failure patient flagged as a candidate on the cardiology ward."""
    nurse = d.ctx(session, "ssk.tove")
    patient = _patient(
        nurse,
        personnummer=_pnr(1944, 6, 9, 990),
        given_name="Britt",
        family_name="Eriksson",
        street_address="Östanforsgatan 8",
        postal_code="791 31",
        city="Falun",
        latitude=60.6110,
        longitude=15.6480,
        phone="023-987 65",
        home_municipality="Falu kommun",
        listed_primary_care_id=d.orgs["VC-NORRA"].id,
        what_matters="Att orka gå till affären själv.",
    )
    _episode(
        nurse,
        d,
        patient.id,
        "heart-failure",
        "KARD-AVD",
        EpisodeType.EARLY_SUPPORTED_DISCHARGE,
        "Dekompenserad hjärtsvikt, svarar bra på behandlingen",
    )


def _day_plans(session: Session, d: Directory, goran: Episode) -> None:
    """Shifts today and tomorrow for Falun's home health care and the mobile team; today's
    visits made from the care plans, routed (PyVRP, 1 s) and published for the home health
    care. The mobile team has an ad-hoc physician's visit to Göran and plans its day itself
    (Dagens besök → Planera dagen); tomorrow is left for anyone to plan."""
    today = local_today()
    for day in (today, today + timedelta(days=1)):
        for username, start, end, where in SHIFTS:
            planner = "hsv.eva" if username.startswith("hsv.") else "team.karin"
            shifts.save_shift(
                d.ctx(session, planner),
                ShiftCreate(
                    user_id=d.users[username].id,
                    date=day,
                    start=start,
                    end=end,
                    start_location=where,
                ),
            )
    visits.create_visit(
        d.ctx(session, "team.karin"),
        VisitCreate(
            episode_id=goran.id,
            date=today,
            window=("10:00", "12:00"),
            what="Läkarbesök: andning, syremättnad och svar på behandlingen",
            duration_min=45,
            role=StaffRole.PHYSICIAN,
            priority=2,
        ),
    )
    eva = d.ctx(session, "hsv.eva")
    visits.generate(eva, GenerateVisits(date=today))
    plan = dayplans.create_day_plan(eva, DayPlanCreate(date=today), DEMO_SOLVER_SECONDS)
    # The solve is a job; the demo waits for it here. The plan was made at 06:30, whenever
    # the demo is loaded: loaded in the afternoon, the morning's visits are still planned.
    morning = datetime.combine(today, time(6, 30), tzinfo=STOCKHOLM)
    dayplans.solve_now(eva, plan.plan.id, as_of=morning)
    dayplans.publish(eva, plan.plan.id)


# Göran's COPD readings over his two days at home: stable, then worse this morning, so the
# overview shows a high NEWS2 alert and the patient page shows the trend.
GORAN_READINGS = [
    # hours ago, respiratory rate, SpO2, systolic, pulse, temperature, on oxygen
    (46, 18, 91, 132, 84, 37.0, False),
    (38, 18, 92, 128, 82, 36.9, False),
    (30, 19, 91, 130, 86, 37.1, False),
    (22, 20, 90, 126, 90, 37.4, False),
    (14, 21, 89, 124, 94, 37.8, False),
    (6, 24, 88, 118, 104, 38.2, True),
    (1, 26, 86, 112, 112, 38.6, True),
]


def _measurements(session: Session, d: Directory, goran: Episode) -> None:
    goran.started_at = utcnow() - timedelta(days=2)
    session.flush()
    now = utcnow()
    sets = [
        ObservationCreate(
            patient_id=goran.patient_id,
            episode_id=goran.id,
            measured_at=now - timedelta(hours=hours),
            source=Source.DEVICE,
            client_id=f"demo-goran-{hours}",
            respiratory_rate=rate,
            spo2=spo2,
            on_oxygen=oxygen,
            systolic_bp=systolic,
            diastolic_bp=systolic - 50,
            pulse=pulse,
            consciousness="A",
            temperature=temperature,
        )
        for hours, rate, spo2, systolic, pulse, temperature, oxygen in GORAN_READINGS
    ]
    intake.ingest(d.ctx(session, "team.karin"), sets)


def _messages(session: Session, d: Directory) -> None:
    """Messages about Kim between the infection ward and Falun's home health care (issue 13):
    the ward's handover in Kim's thread, read and answered by the home health care nurse,
    whose question in the care request's thread waits, unread, for the physician."""
    bertil, eva = d.ctx(session, "ssk.bertil"), d.ctx(session, "hsv.eva")
    kim = session.scalar(
        select(Patient.id).where(Patient.personnummer == _pnr(1968, 3, 14, 982).replace("-", ""))
    )
    if kim is None:  # pragma: no cover - _kim made Kim
        return
    now = utcnow()
    handover = messaging.post_about_patient(
        bertil,
        kim,
        MessageCreate(
            kind=MessageKind.HANDOVER,
            body="Överlämning inför hemgång: PICC-line i höger arm, spolad 14:00. Nästa dos "
            "cefotaxim 16:00. Läkemedel för tre dygn följer med hem.",
            recipients=[d.users["hsv.eva"].id],
        ),
        now=now - timedelta(hours=3),
    )
    messaging.get_thread(eva, handover.thread_id, now=now - timedelta(hours=2, minutes=50))
    messaging.post_in_thread(
        eva,
        handover.thread_id,
        MessageWrite(
            kind=MessageKind.ANSWER,
            body="Tack! Vi ger dosen 16:00 och ser till insticksstället vid varje besök.",
            recipients=[d.users["ssk.bertil"].id],
        ),
        now=now - timedelta(hours=2, minutes=45),
    )
    messaging.get_thread(bertil, handover.thread_id, now=now - timedelta(hours=2, minutes=30))
    request = next(t for t in messaging.list_threads(eva, kim) if t.topic == Topic.CARE_REQUEST)
    messaging.post_about_patient(
        eva,
        kim,
        MessageCreate(
            kind=MessageKind.QUESTION,
            topic=Topic.CARE_REQUEST,
            topic_id=request.topic_id,
            body="Om temperaturen går över 38,5: ska vi ta blododlingar hemma, eller ringa "
            "avdelningen först?",
            recipients=[d.users["lakare.anna"].id, d.users["ssk.bertil"].id],
        ),
        now=now - timedelta(minutes=40),
    )


# -- issue 13: enrolments in home health care, fixed physicians (decision 0018) --------------


def _enrolments(session: Session, d: Directory, goran: Episode) -> None:
    """Two patients enrolled in Falun's home health care (inskrivna i hemsjukvården) with
    Ivar Strand at Vårdcentralen Falun Norra as their fixed physician: Astrid Nordin with no
    hospital episode at all (a foot ulcer dressed at home, her care plan with the
    municipality), and Göran Lindberg, whose hospital-at-home episode of the mobile team lies
    on top of his enrolment."""
    from samband.careplans.schemas import CarePlanContent, PlanContact
    from samband.enrolments import service as enrolments
    from samband.enrolments.schemas import EnrolmentCreate

    eva, fredrik = d.ctx(session, "hsv.eva"), d.ctx(session, "hsv.fredrik")
    ivar = d.users["vc.ivar"].id
    astrid = _patient(
        eva,
        personnummer=_pnr(1931, 11, 4, 991),
        given_name="Astrid",
        family_name="Nordin",
        street_address="Gruvgatan 21",
        postal_code="791 61",
        city="Falun",
        latitude=60.6040,
        longitude=15.6290,
        phone="023-123 45",
        home_municipality="Falu kommun",
        listed_primary_care_id=d.orgs["VC-NORRA"].id,
        next_of_kin=[NextOfKin(name="Per Nordin", relation="son", phone="070-555 12 34")],
        what_matters="Att kunna bo kvar hemma med katten.",
    )
    enrolment = enrolments.enrol(
        eva,
        astrid.id,
        EnrolmentCreate(
            care_contact_id=d.users["hsv.eva"].id,
            fixed_physician_id=ivar,
            shared_records_consent=True,
            started_at=utcnow() - timedelta(days=40),
            reason="Remiss från Vårdcentralen Falun Norra: fotsår som behöver läggas om hemma",
        ),
    )
    careplans.create(
        eva,
        CarePlanCreate(
            episode_id=enrolment.id,
            content=CarePlanContent(
                goals=["Att såret läker så att jag kan gå till affären igen"],
                activities=[
                    PlanActivity(
                        key="wound_care",
                        what="Dress the foot ulcer",
                        organisation_kind="municipal_home_health_care",
                        role="registered_nurse",
                        schedule="daily 10:00",
                        duration_min=30,
                        skills=["wound_care"],
                    )
                ],
                contacts=[
                    PlanContact(
                        when="vardagar 07–16", who="Hemsjukvården Centrum", phone="023-82 000"
                    ),
                    PlanContact(
                        when="vardagar 08–17",
                        who="Ivar Strand, Vårdcentralen Falun Norra",
                        phone="023-49 30 10",
                    ),
                ],
                if_worse=["Ring hemsjukvården vid feber, rodnad eller ökad smärta"],
                discharge_criteria=["Såret är läkt"],
            ),
        ),
    )
    enrolments.enrol(
        fredrik,
        goran.patient_id,
        EnrolmentCreate(
            care_contact_id=d.users["hsv.fredrik"].id,
            fixed_physician_id=ivar,
            shared_records_consent=True,
            started_at=utcnow() - timedelta(days=200),
        ),
    )


# -- issue 13: coordination at discharge (lag 2017:612) -----------------------------------------


def _discharge_coordination(session: Session, d: Directory) -> None:
    """Two patients of Falun's home health care in the medicine clinic (Ivar Strand their
    fixed physician): Birgitta Holmqvist admitted to Medicinavdelning 7 yesterday evening, the
    admission notice sent the same evening (she is on Ivar's morning list), and Gunnar
    Sjöberg in the cardiology ward since six days, ready for discharge two days ago and still
    there (two days past ready: the municipality's payment responsibility). The clinic takes
    part in neither's care in Samband: admitting each with a written reason starts its care
    relationship (it joins the enrolment; logged for the auditor)."""
    from samband.coordination import service as coordination
    from samband.coordination.schemas import HospitalStayCreate, ReadyForDischarge
    from samband.enrolments import service as enrolments
    from samband.enrolments.schemas import EnrolmentCreate

    tove, sara = d.ctx(session, "ssk.tove"), d.ctx(session, "lakare.sara")
    eva = d.ctx(session, "hsv.eva")
    ivar = d.users["vc.ivar"].id
    now = utcnow()
    people = [
        ("Birgitta", "Holmqvist", _pnr(1938, 2, 17, 993), "Slaggatan 4", 60.6075, 15.6260),
        ("Gunnar", "Sjöberg", _pnr(1935, 7, 8, 994), "Åsgatan 40", 60.6110, 15.6390),
    ]
    made = []
    for given, family, pnr, street, lat, lon in people:
        patient = _patient(
            eva,
            personnummer=pnr,
            given_name=given,
            family_name=family,
            street_address=street,
            postal_code="791 71",
            city="Falun",
            latitude=lat,
            longitude=lon,
            home_municipality="Falu kommun",
            listed_primary_care_id=d.orgs["VC-NORRA"].id,
        )
        enrolments.enrol(
            eva,
            patient.id,
            EnrolmentCreate(
                care_contact_id=d.users["hsv.eva"].id,
                fixed_physician_id=ivar,
                shared_records_consent=True,
                started_at=now - timedelta(days=120),
                reason="Inskriven i hemsjukvården efter vårdplanering",
            ),
        )
        made.append(patient)
    birgitta, gunnar = made
    admitted = now - timedelta(hours=18)
    stay = coordination.admit(
        tove,
        birgitta.id,
        HospitalStayCreate(
            admitted_at=admitted,
            ward="Medicinavdelning 7",
            reason="Inlagd via akuten: pneumoni",
        ),
        now=admitted + timedelta(minutes=20),
    )
    coordination.send_notice(tove, stay.stay.id, now=admitted + timedelta(hours=3))
    admitted = now - timedelta(days=6)
    stay = coordination.admit(
        tove,
        gunnar.id,
        HospitalStayCreate(
            admitted_at=admitted,
            ward="Kardiologavdelningen",
            expected_discharge_on=local_today() - timedelta(days=2),
            reason="Inlagd via akuten: hjärtsvikt i försämring",
        ),
        now=admitted + timedelta(minutes=30),
    )
    coordination.send_notice(tove, stay.stay.id, now=admitted + timedelta(hours=5))
    ready_at = now - timedelta(days=2)
    coordination.set_ready(
        sara,
        stay.stay.id,
        ReadyForDischarge(date=ready_at.astimezone(STOCKHOLM).date()),
        now=ready_at,
    )


# -- issue 13: physician visits (decision 0019) ----------------------------------------------------

# where Vårdcentralen Falun Norra's physicians set out from on their home visits
VC_NORRA_PLACE = Location(lat=60.6232, lon=15.6341)


def _physician_visits(session: Session, d: Directory) -> None:
    """Ivar Strand at Vårdcentralen Falun Norra offers home visits Monday–Friday 11:00–12:00,
    bookable until 08:30 the same day (two a day); Astrid Nordin (enrolled, his patient) has a
    medication review (läkemedelsgenomgång) planned every six months, the first in two weeks."""
    from samband.physicianvisits import service as physician_visits
    from samband.physicianvisits.schemas import ReviewCreate, ReviewKind, SlotWrite

    physician_visits.create_slot(
        d.ctx(session, "vc.ivar"),
        SlotWrite(
            physician_id=d.users["vc.ivar"].id,
            weekdays=[1, 2, 3, 4, 5],
            start_time="11:00",
            end_time="12:00",
            book_by="08:30",
            capacity=2,
            visit_minutes=30,
            valid_from=local_today(),
            start_location=VC_NORRA_PLACE,
        ),
    )
    astrid = session.scalar(
        select(Patient.id).where(Patient.personnummer == _pnr(1931, 11, 4, 991).replace("-", ""))
    )
    if astrid is None:  # pragma: no cover - _enrolments made Astrid
        return
    physician_visits.create_review(
        d.ctx(session, "hsv.eva"),
        astrid,
        ReviewCreate(
            kind=ReviewKind.MEDICATION_REVIEW,
            interval_days=182,
            first_date=local_today() + timedelta(days=14),
            duration_min=45,
            note="Fler än tio läkemedel; yrsel och fall i höstas.",
        ),
    )
