"""The demo's deviations (issue 14): two samverkansavvikelser about Kim Sandberg (OPAT at home,
the infection clinic responsible, Falu kommun's home health care taking part), reported by
the municipality and concerning the clinic — one under investigation, one answered with a
measure and closed — and one the clinic reported about the municipality, flagged for a
possible Lex Maria report (Falu kommun has no MAS registered in the demo: the warning shows).
The clinic's chief physician is Anna Lindqvist."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from samband.deviations import repository, service
from samband.deviations.schemas import (
    DeviationAnswer,
    DeviationClose,
    DeviationCreate,
    DeviationInvestigate,
)
from samband.kit.time import local_today, utcnow


def load(session: Session, directory: Any) -> None:
    d = directory
    kim = repository.patient_named(session, "Kim", "Sandberg")
    if kim is None:  # pragma: no cover - the demo made Kim
        return
    episode = repository.open_episode_of(session, kim.id)
    clinic, municipality = d.orgs["INF-FALUN"], d.orgs["HSV-FALUN"]
    d.users["lakare.anna"].patient_safety_role = "chief_physician"
    session.flush()
    now = utcnow()

    def create(username: str, at: Any, **fields: Any) -> Any:
        return service.report(
            d.ctx(session, username),
            DeviationCreate.model_validate(
                {
                    "patient_id": kim.id,
                    "episode_id": episode.id if episode else None,
                    **fields,
                }
            ),
            now=at,
            language="sv",
        )

    # 1. closed with a measure: the PICC line's care instructions did not come home
    picc = create(
        "hsv.fredrik",
        now - timedelta(days=2, hours=3),
        category="information_transfer",
        occurred_at=now - timedelta(days=2, hours=5),
        description="Skötselanvisning för PICC-line saknades vid hemgång; vi fick ringa "
        "avdelningen för att veta hur den skulle spolas.",
        consequence="none",
        immediate_action="Ringde avdelning 11 och fick instruktionen muntligt.",
        concerned_organisation_id=clinic.id,
    )
    handler = d.ctx(session, "koord.david")
    service.investigate(
        handler,
        picc.id,
        DeviationInvestigate(),
        now=now - timedelta(days=2, hours=1),
        language="sv",
    )
    service.answer(
        d.ctx(session, "koord.david"),
        picc.id,
        DeviationAnswer.model_validate(
            {
                "answer": "Skötselanvisningen fanns inte med på checklistan inför hemgång.",
                "measures": [
                    {
                        "what": "Skötselanvisning för PICC-line läggs till på checklistan "
                        "inför hemgång i OPAT-flödet.",
                        "responsible": "David Ek, koordinator",
                        "due_on": local_today() + timedelta(days=14),
                    }
                ],
            }
        ),
        now=now - timedelta(days=1, hours=4),
        language="sv",
    )
    service.close(
        d.ctx(session, "koord.david"),
        picc.id,
        DeviationClose(closing_note="Checklistan är uppdaterad; följs upp på nästa APT."),
        now=now - timedelta(days=1),
        language="sv",
    )
    # 2. under investigation: the evening dose did not come home with the patient
    dose = create(
        "hsv.eva",
        now - timedelta(hours=20),
        category="medication",
        occurred_at=now - timedelta(hours=22),
        description="Kvällsdosen cefotaxim följde inte med hem; läkemedelslistan saknade "
        "tidpunkterna.",
        consequence="mild",
        immediate_action="Dosen hämtades från avdelningen och gavs 2 timmar sent.",
        concerned_organisation_id=clinic.id,
    )
    service.investigate(
        d.ctx(session, "ssk.bertil"),
        dose.id,
        DeviationInvestigate(note="Går igenom utskrivningsrutinen med avdelningen."),
        now=now - timedelta(hours=18),
        language="sv",
    )
    # 3. the clinic about the municipality, flagged for a possible Lex Maria report
    create(
        "ssk.bertil",
        now - timedelta(hours=6),
        category="coordination",
        occurred_at=now - timedelta(hours=8),
        description="Planerat hembesök för iv-antibiotika kl 16 blev inte av; ingen "
        "återkoppling till avdelningen.",
        consequence="moderate",
        immediate_action="Mobila teamet gav dosen kl 19.",
        concerned_organisation_id=municipality.id,
        lex_maria=True,
        lex_maria_reason="Utebliven iv-dos kan ge allvarlig vårdskada (sepsis).",
    )
