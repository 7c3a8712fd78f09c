"""The demo's palliative patient (``samband demo``): Gunnel Ahlström, 81, with advanced
cancer, cared for at home by the medical clinic's ASIH team with Falu kommun's home health
care; ESAS-r assessed on three days (pain rising on the third: an alert), and the physician's
documented decision that death is expected (brytpunktssamtal held with her and her son)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from samband.episodes import service as episodes
from samband.episodes.schemas import ChecklistSign, EpisodeUpdate
from samband.episodes.states import EpisodeType, State
from samband.kit.time import STOCKHOLM, local_today, utcnow
from samband.palliative import service
from samband.palliative.schemas import AssessedBy, ExpectedDeathCreate, SymptomAssessmentCreate
from samband.patients.schemas import NextOfKin

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from samband.demo import Directory

NURSE, PHYSICIAN, HOME_NURSE = "ssk.tove", "lakare.sara", "hsv.eva"


def _at(days_ago: int, hour: int) -> datetime:
    day = local_today() - timedelta(days=days_ago)
    at = datetime(day.year, day.month, day.day, hour, tzinfo=STOCKHOLM)
    return min(at, utcnow() - timedelta(minutes=30))


def load(session: Session, directory: Directory) -> None:
    from samband import demo

    d = directory
    nurse, physician = d.ctx(session, NURSE), d.ctx(session, PHYSICIAN)
    patient = demo._patient(
        nurse,
        personnummer=demo._pnr(1945, 2, 11, 984),
        given_name="Gunnel",
        family_name="Ahlström",
        street_address="Slaggatan 4",
        postal_code="791 71",
        city="Falun",
        latitude=60.6040,
        longitude=15.6290,
        phone="023-123 45",
        home_municipality="Falu kommun",
        listed_primary_care_id=d.orgs["VC-NORRA"].id,
        next_of_kin=[NextOfKin(name="Lars Ahlström", relation="son", phone="070-222 33 44")],
        what_matters="Att få vara hemma med katten till slutet, och att inte ha ont.",
    )
    episode = demo._episode(
        nurse,
        d,
        patient.id,
        "palliative",
        "MED-AVD7",
        EpisodeType.ADMISSION_AVOIDANCE,
        "Pankreascancer i palliativt skede, önskar vård och död i hemmet",
    )
    demo._assess_and_consent(physician, nurse, episode)
    episodes.update(
        nurse,
        episode.id,
        EpisodeUpdate(
            responsible_physician_id=d.users[PHYSICIAN].id, care_contact_id=d.users[NURSE].id
        ),
    )
    demo._plan(
        nurse,
        d,
        episode,
        physician=PHYSICIAN,
        contact=NURSE,
        patient_name="Gunnel",
        goal="Att få vara hemma med katten till slutet, utan smärta",
    )
    demo._request(
        nurse,
        d.ctx(session, HOME_NURSE),
        d,
        episode,
        "HSV-FALUN",
        "home_health_care",
        "Palliativ vård i hemmet (ASIH). Vid behovs-injektioner morfin, midazolam, "
        "haloperidol och glykopyrron finns i hemmet. Subkutan nål satt.",
    )
    demo._move(nurse, episode, State.PLANNED)
    for item in episode.checklist:
        if item.blocking and not item.done:
            signer = physician if "registered_nurse" not in item.signer_roles else nurse
            episodes.sign_item(signer, episode.id, item.key, ChecklistSign(note="klart"))
    demo._move(nurse, episode, State.AT_HOME)

    home = d.ctx(session, HOME_NURSE)
    days = [
        (2, AssessedBy.PATIENT, dict(pain=3, tiredness=6, drowsiness=3, nausea=2)),
        (1, AssessedBy.NEXT_OF_KIN, dict(pain=4, tiredness=6, drowsiness=4, nausea=3)),
        (0, AssessedBy.STAFF_ASSISTED, dict(pain=7, tiredness=7, drowsiness=4, nausea=2)),
    ]
    for days_ago, who, items in days:
        service.record(
            home,
            episode.id,
            SymptomAssessmentCreate(
                lack_of_appetite=6,
                shortness_of_breath=2,
                depression=3,
                anxiety=4,
                wellbeing=6,
                assessed_by=who,
                assessed_at=_at(days_ago, 9),
                **items,
            ),
            source="tablet" if who != AssessedBy.STAFF_ASSISTED else "staff",
        )
    service.decide(
        physician,
        episode.id,
        ExpectedDeathCreate(
            no_resuscitation=True,
            no_hospital_transfer=True,
            conversation_on=local_today() - timedelta(days=1),
            conversation_with="Gunnel och sonen Lars",
            note="Gunnel vill dö hemma. Vid försämring: symtomlindring hemma, ring ASIH.",
        ),
    )
