"""The pilots' demo data (issue 14), made through the service as their staff would.

- *OPAT hemma med kommunen* (Infektionskliniken with Hemsjukvården Falu kommun): running
  (started 60 days ago, ends in a month), editable by koord.david, ssk.bertil, lakare.anna
  and Hemsjukvården's nurses; two assumptions, a barrier, an enabler and an observation.
- *Hjärtsvikt hemma, omgång 1* (Medicinkliniken with Hemsjukvården Borlänge kommun):
  finished (ended 30 days ago): other organisations read it on /pilots/finished, read only;
  its log has an entry of every kind, its assumptions are confirmed and refuted.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from samband.kit.time import local_today
from samband.pilots import service
from samband.pilots.schemas import AssumptionUpdate, LogEntryCreate, PilotCreate, PilotUpdate

if TYPE_CHECKING:  # pragma: no cover - only for the type (samband.demo imports this module)
    from samband.demo import Directory


def _log(ctx: Any, pilot_id: Any, days_ago: int, **fields: Any) -> None:
    day = local_today() - timedelta(days=days_ago)
    service.add_log_entry(
        ctx, pilot_id, LogEntryCreate.model_validate({"occurred_on": day, **fields})
    )


def load(session: Session, d: Directory) -> None:
    today = local_today()
    david = d.ctx(session, "koord.david")
    running = service.create(
        david,
        PilotCreate.model_validate(
            {
                "name": "OPAT hemma med kommunen",
                "purpose": "Pröva att kommunens hemsjukvård ger kvällsdosen av intravenös "
                "antibiotika, så att patienten kan skrivas ut dag 2 i stället för dag 4.",
                "organisations": ["HSV-FALUN"],
                "pathways": ["opat"],
                "episode_types": ["early_supported_discharge"],
                "period_start": today - timedelta(days=60),
                "period_end": today + timedelta(days=30),
                "comparison_kind": "period",
                "comparison_start": today - timedelta(days=425),
                "comparison_end": today - timedelta(days=335),
                "assumptions": [
                    "Kommunens sjuksköterskor kan ge kvällsdosen med delegering",
                    "Patienterna känner sig trygga med två besök per dag",
                ],
            }
        ),
    )
    _log(
        david,
        running.id,
        45,
        kind="barrier",
        classification="structure",
        phase="start",
        description="Journalsystemen läser inte varandras anteckningar om dosen",
        action_taken="Dosen signeras i Samband och syns för båda",
    )
    _log(
        d.ctx(session, "hsv.eva"),
        running.id,
        30,
        kind="enabler",
        classification="practice",
        phase="start",
        description="Gemensam introduktion för kommunens sjuksköterskor på avdelningen",
    )
    _log(
        david,
        running.id,
        10,
        kind="observation",
        classification="culture",
        description="Avdelningen frågar själv om nästa patient kan gå hem tidigare",
    )

    sara = d.ctx(session, "lakare.sara")
    finished = service.create(
        sara,
        PilotCreate.model_validate(
            {
                "name": "Hjärtsvikt hemma, omgång 1",
                "purpose": "Pröva tidig utskrivning vid hjärtsvikt med diuretika i.v. hemma "
                "och daglig vikt via surfplattan.",
                "organisations": ["HSV-BORLANGE"],
                "pathways": ["heart-failure"],
                "episode_types": ["early_supported_discharge"],
                "period_start": today - timedelta(days=150),
                "period_end": today - timedelta(days=30),
                "comparison_kind": "period",
                "comparison_start": today - timedelta(days=515),
                "comparison_end": today - timedelta(days=395),
                "assumptions": [
                    "Daglig vikt räcker för att upptäcka försämring i tid",
                    "Kommunen kan ge diuretika i.v. utan extra bemanning",
                ],
            }
        ),
    )
    first, second = (a.id for a in finished.assumptions)
    service.update_assumption(
        sara,
        finished.id,
        first,
        AssumptionUpdate.model_validate(
            {"status": "confirmed", "note": "Två försämringar upptäcktes dagen innan symtom"}
        ),
    )
    service.update_assumption(
        sara,
        finished.id,
        second,
        AssumptionUpdate.model_validate(
            {"status": "refuted", "note": "Kvällspasset behövde en sjuksköterska till"}
        ),
    )
    entries: list[tuple[int, dict[str, Any]]] = [
        (
            140,
            {
                "kind": "barrier",
                "classification": "structure",
                "phase": "start",
                "description": "Oklart vem som betalar läkemedlen som ges hemma",
                "action_taken": "Överenskommelse mellan region och kommun för piloten",
            },
        ),
        (
            120,
            {
                "kind": "barrier",
                "classification": "culture",
                "phase": "scale",
                "description": "Oro på avdelningen för att skicka hem för tidigt",
            },
        ),
        (
            110,
            {
                "kind": "enabler",
                "classification": "culture",
                "phase": "start",
                "description": "Att testa i liten skala sänkte tröskeln för personal och patienter",
            },
        ),
        (
            90,
            {
                "kind": "enabler",
                "classification": "practice",
                "phase": "scale",
                "description": "Systematisk dokumentation av effekter övertygade skeptiker",
            },
        ),
        (
            80,
            {
                "kind": "unintended_effect",
                "valence": "positive",
                "classification": "practice",
                "description": "Närstående lärde sig känna igen tecken på vätskeansamling",
            },
        ),
        (
            70,
            {
                "kind": "unintended_effect",
                "valence": "negative",
                "description": "Fler telefonsamtal till avdelningen kvällstid",
                "action_taken": "Kvällssamtalen går till det mobila teamet",
            },
        ),
        (
            60,
            {
                "kind": "patient_story",
                "told_by": "patient",
                "description": "En man i 80-årsåldern kunde sova i sin egen säng och fira "
                "barnbarnets födelsedag hemma; han sa att vikten varje morgon gjorde honom "
                "trygg.",
            },
        ),
        (
            50,
            {
                "kind": "patient_story",
                "told_by": "next_of_kin",
                "description": "En dotter berättade att hon var orolig första natten men "
                "lugnades av att kunna ringa dygnet runt.",
            },
        ),
        (
            40,
            {
                "kind": "observation",
                "classification": "society",
                "description": "Långa avstånd i glesbygden gjorde kvällsbesöken sena",
            },
        ),
    ]
    for days_ago, fields in entries:
        _log(sara, finished.id, days_ago, **fields)
    service.update(
        sara,
        finished.id,
        PilotUpdate.model_validate(
            {"next_iteration": "Bemanna kvällspasset innan start; video för kvällskontroller."}
        ),
    )
