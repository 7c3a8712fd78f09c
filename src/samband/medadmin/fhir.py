"""FHIR R4 shapes of the medication list and its signatures. Pure: plain values in, JSON
dicts out.

- A medication order → ``MedicationRequest`` (intent ``order``; status active | stopped;
  the dose instruction as text, the route coded with SNOMED CT where known; the schedule as
  the dosage's text and, for times of the day, ``timing.repeat.timeOfDay``).
- A signature → ``MedicationAdministration``: given or partly given → ``completed``, not
  given → ``not-done`` with ``statusReason``; entered in error → ``entered-in-error``. The
  order it follows is ``request``, the episode ``context`` (EpisodeOfCare), the signer the
  ``performer``; a signature from the paper list names the entering user in a note.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from samband.kit.time import as_utc

SYSTEM = "urn:samband"
SNOMED = "http://snomed.info/sct"
# the routes as SNOMED CT route-of-administration codes
ROUTES = {
    "iv": ("47625008", "Intravenous route"),
    "oral": ("26643006", "Oral route"),
    "sc": ("34206005", "Subcutaneous route"),
    "im": ("78421000", "Intramuscular route"),
    "inhalation": ("18679011000001101", "Inhalation"),
    "topical": ("6064005", "Topical route"),
    "rectal": ("37161004", "Rectal route"),
}
REASONS = "urn:samband:medication-not-given-reason"
_TIMES = re.compile(r"^\d{2}:\d{2}(?:[ ,]+\d{2}:\d{2})*$")


def _instant(value: datetime) -> str:
    return as_utc(value).isoformat().replace("+00:00", "Z")


def _route(route: str) -> dict[str, Any]:
    if route in ROUTES:
        code, display = ROUTES[route]
        return {"coding": [{"system": SNOMED, "code": code, "display": display}], "text": route}
    return {"text": route}


def _timing(schedule: str) -> dict[str, Any] | None:
    text = " ".join(schedule.split())
    if not _TIMES.match(text):
        return None
    times = []
    for part in re.split(r"[ ,]+", text):
        times.append("00:00:00" if part == "24:00" else f"{part}:00")
    return {"repeat": {"timeOfDay": sorted(set(times))}}


def medication_request(m: Mapping[str, Any]) -> dict[str, Any]:
    """``m``: a medication's columns (id, episode_id, patient_id, drug, dose, route,
    schedule, given_by, status, start_date, days, created_at, created_by_id, note,
    stop_reason, as_needed)."""
    dosage: dict[str, Any] = {
        "text": f"{m['dose']} {m['route']}, {m['schedule']}",
        "route": _route(m["route"]),
    }
    if m.get("as_needed"):
        dosage["asNeededBoolean"] = True
    timing = _timing(m["schedule"])
    if timing is not None:
        dosage["timing"] = timing
    resource: dict[str, Any] = {
        "resourceType": "MedicationRequest",
        "id": str(m["id"]),
        "identifier": [{"system": f"{SYSTEM}:medication", "value": str(m["id"])}],
        "status": "active" if m["status"] == "active" else "stopped",
        "intent": "order",
        "medicationCodeableConcept": {"text": m["drug"]},
        "subject": {"reference": f"Patient/{m['patient_id']}"},
        "supportingInformation": [{"reference": f"EpisodeOfCare/{m['episode_id']}"}],
        "authoredOn": _instant(m["created_at"]),
        "requester": {"reference": f"Practitioner/{m['created_by_id']}"},
        "dosageInstruction": [dosage],
    }
    start: date | None = m.get("start_date")
    if start is not None or m.get("days"):
        supply: dict[str, Any] = {}
        if start is not None:
            supply["validityPeriod"] = {"start": start.isoformat()}
        if m.get("days"):
            supply["expectedSupplyDuration"] = {
                "value": m["days"],
                "unit": "days",
                "system": "http://unitsofmeasure.org",
                "code": "d",
            }
        resource["dispenseRequest"] = supply
    notes = [t for t in (m.get("note"), m.get("stop_reason")) if t]
    if notes:
        resource["note"] = [{"text": t} for t in notes]
    return resource


def medication_administration(a: Mapping[str, Any]) -> dict[str, Any]:
    """``a``: a signature's columns (id, patient_id, episode_id, medication_id, outcome,
    status, given_at, drug, dose, route, amount, reason, note, indication, source,
    signed_by_id, entered_by_id, kind, followup_effect, followup_note, error_reason)."""
    if a["status"] == "entered_in_error":
        status = "entered-in-error"
    elif a["outcome"] == "not_given":
        status = "not-done"
    else:
        status = "completed"
    resource: dict[str, Any] = {
        "resourceType": "MedicationAdministration",
        "id": str(a["id"]),
        "identifier": [{"system": f"{SYSTEM}:dose-administration", "value": str(a["id"])}],
        "status": status,
        "medicationCodeableConcept": {"text": a["drug"]},
        "subject": {"reference": f"Patient/{a['patient_id']}"},
        "context": {"reference": f"EpisodeOfCare/{a['episode_id']}"},
        "effectiveDateTime": _instant(a["given_at"]),
        "performer": [{"actor": {"reference": f"Practitioner/{a['signed_by_id']}"}}],
        "request": {"reference": f"MedicationRequest/{a['medication_id']}"},
        "dosage": {
            "text": a["amount"] or a["dose"],
            "route": _route(a["route"]),
        },
    }
    if a["reason"]:
        reason = {"coding": [{"system": REASONS, "code": a["reason"]}]}
        resource["statusReason" if status == "not-done" else "reasonCode"] = [reason]
    if a.get("indication"):
        resource["reasonCode"] = [{"text": a["indication"]}]
    notes = []
    if a.get("note"):
        notes.append(a["note"])
    if a["source"] == "paper":
        notes.append(f"signed on the paper list; entered by Practitioner/{a['entered_by_id']}")
    if a.get("followup_effect"):
        notes.append(
            f"effect: {a['followup_effect']}"
            + (f" ({a['followup_note']})" if a.get("followup_note") else "")
        )
    if a.get("error_reason"):
        notes.append(f"entered in error: {a['error_reason']}")
    if notes:
        resource["note"] = [{"text": n} for n in notes]
    return resource


def searchset(resources: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(resources),
        "entry": [
            {
                "fullUrl": f"{r['resourceType']}/{r['id']}",
                "resource": r,
                "search": {"mode": "match"},
            }
            for r in resources
        ],
    }
