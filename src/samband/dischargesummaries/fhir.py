"""The discharge summary as a FHIR R4 document: a Bundle of type ``document`` whose first
entry is the Composition (LOINC 18842-5 Discharge summary), followed by the Patient, the
Practitioners (author, attester), the Organization and the entries the sections point at
(MedicationStatement for the medications, Observation for the results). Every entry has a
``urn:uuid`` fullUrl and is referenced by it. Pure: no database, no web.

- ``status``: ``final`` for a signed summary (``amended`` for a signed later version),
  ``preliminary`` for a draft; a superseded version keeps ``final`` and is marked replaced by
  the version after it only in Samband (a document is not changed after it is sent).
- ``attester``: the signing physician (mode ``legal``, the time of signing).
- Sections (LOINC): the course 8648-8, the medications at discharge 10183-2, the results
  30954-2, the follow-up 18776-5; the physician's assessment 51848-0 and the advice to the
  patient 69730-0 when written. The narratives are in ``lang`` (Swedish by default).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

from samband.dischargesummaries import text
from samband.dischargesummaries.compose import SummaryData
from samband.kit.time import as_utc

LOINC = "http://loinc.org"
PERSONNUMMER = "http://electronichealth.se/identifier/personnummer"
SAMORDNINGSNUMMER = "http://electronichealth.se/identifier/samordningsnummer"
SUMMARY_SYSTEM = "https://samband.se/fhir/discharge-summary"
ORGANISATION_SYSTEM = "https://samband.se/fhir/organisation"
USER_SYSTEM = "https://samband.se/fhir/user"
XHTML = "http://www.w3.org/1999/xhtml"
SECTIONS = {
    "course": ("8648-8", "Hospital course Narrative"),
    "medications": ("10183-2", "Hospital discharge medications Narrative"),
    "results": ("30954-2", "Relevant diagnostic tests/laboratory data Narrative"),
    "follow_up": ("18776-5", "Plan of care note"),
    "assessment": ("51848-0", "Evaluation note"),
    "advice": ("69730-0", "Instructions"),
}
# a stable urn:uuid per thing in the document: the same summary gives the same document
NAMESPACE = uuid.UUID("5b1c6a8e-2f0d-4c47-9a55-3d7e51f0a9c1")


def _urn(*parts: str) -> str:
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, '/'.join(parts))}"


def _time(at: datetime | None) -> str | None:
    return as_utc(at).isoformat() if at else None


def _narrative(lines: list[str]) -> dict[str, Any]:
    items = "".join(f"<li>{escape(line)}</li>" for line in lines if line)
    body = f"<ul>{items}</ul>" if items else "<p>–</p>"
    return {"status": "generated", "div": f'<div xmlns="{XHTML}">{body}</div>'}


def _section(key: str, title: str, lines: list[str], entries: list[str]) -> dict[str, Any]:
    code, display = SECTIONS[key]
    section: dict[str, Any] = {
        "title": title,
        "code": {"coding": [{"system": LOINC, "code": code, "display": display}]},
        "text": _narrative(lines),
    }
    if entries:
        section["entry"] = [{"reference": ref} for ref in entries]
    elif not lines:
        section["emptyReason"] = {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/list-empty-reason",
                    "code": "nilknown",
                }
            ]
        }
    return section


def document(data: SummaryData, *, lang: str = "sv", now: datetime | None = None) -> dict[str, Any]:
    """The Bundle as JSON (a dict), ready to be sent as application/fhir+json."""
    sid = data.id
    patient_ref = _urn(sid, "patient", data.patient_id)
    org_ref = _urn(sid, "organisation", data.organisation_id)
    entries: list[dict[str, Any]] = []

    names = data.patient_name.split(" ")
    patient: dict[str, Any] = {
        "resourceType": "Patient",
        "identifier": [
            {
                "system": SAMORDNINGSNUMMER
                if data.identifier_kind == "samordningsnummer"
                else PERSONNUMMER,
                "value": data.personnummer,
            }
        ],
        "name": [{"text": data.patient_name, "family": names[-1], "given": names[:-1] or None}],
    }
    if patient["name"][0]["given"] is None:
        del patient["name"][0]["given"]
    organisation = {
        "resourceType": "Organization",
        "identifier": [{"system": ORGANISATION_SYSTEM, "value": data.organisation_code}],
        "name": data.organisation_name,
    }
    people: dict[str, dict[str, Any]] = {}
    for person in (data.author, data.signer):
        if person is not None and person.id not in people:
            people[person.id] = {
                "resourceType": "Practitioner",
                "identifier": [{"system": USER_SYSTEM, "value": person.id}],
                "name": [{"text": person.name}],
            }

    content = data.content
    course = content.get("course", {})
    course_lines = [f"{label}: {value}" for label, value in text.course_lines(course, lang)]
    course_lines += [
        f"{text.when(item.get('at'), lang)} {text.timeline_text(item, lang)}"
        for item in course.get("timeline", [])
    ]

    meds = content.get("medications", {})
    med_refs: list[str] = []
    med_lines: list[str] = []
    med_entries: list[dict[str, Any]] = []
    for n, row in enumerate([*meds.get("at_discharge", []), *meds.get("stopped", [])]):
        ref = _urn(sid, "medication", str(n))
        stopped = row.get("change") == "stopped"
        statement: dict[str, Any] = {
            "resourceType": "MedicationStatement",
            "status": "stopped" if stopped else "active",
            "medicationCodeableConcept": {"text": str(row["drug"])},
            "subject": {"reference": patient_ref},
            "dateAsserted": _time(data.composed_at),
            "dosage": [
                {
                    "text": f"{row['dose']} {row['route']} {row['schedule']}",
                    "route": {"text": str(row["route"])},
                }
            ],
            "note": [{"text": text.change_text(row, lang)}],
        }
        if stopped and row.get("reason"):
            statement["statusReason"] = [{"text": str(row["reason"])}]
        med_entries.append({"fullUrl": ref, "resource": statement})
        med_refs.append(ref)
        med_lines.append(f"{text.medication_line(row, lang)} — {text.change_text(row, lang)}")

    results = content.get("results", {})
    obs_refs: list[str] = []
    obs_lines: list[str] = []
    obs_entries: list[dict[str, Any]] = []
    if not results.get("available", True):
        obs_lines.append(text.t("discharge_summary.results.unavailable", lang))
    for n, row in enumerate(results.get("items", [])):
        ref = _urn(sid, "result", str(n))
        code: dict[str, Any] = {"text": text.result_name(row, lang)}
        if row.get("code"):
            code["coding"] = [{"system": LOINC, "code": str(row["code"])}]
        observation: dict[str, Any] = {
            "resourceType": "Observation",
            "status": "final",
            "category": [
                {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                            "code": "laboratory",
                        }
                    ]
                }
            ],
            "code": code,
            "subject": {"reference": patient_ref},
            "effectiveDateTime": row.get("at"),
        }
        if row.get("numeric") is not None:
            quantity: dict[str, Any] = {"value": row["numeric"]}
            if row.get("unit"):
                quantity |= {
                    "unit": row["unit"],
                    "system": "http://unitsofmeasure.org",
                    "code": row["unit"],
                }
            observation["valueQuantity"] = quantity
        else:
            observation["valueString"] = str(row.get("value") or "")
        if row.get("low") is not None or row.get("high") is not None:
            bounds: dict[str, Any] = {}
            for side in ("low", "high"):
                if row.get(side) is not None:
                    bounds[side] = {"value": row[side]}
                    if row.get("unit"):
                        bounds[side] |= {
                            "unit": row["unit"],
                            "system": "http://unitsofmeasure.org",
                            "code": row["unit"],
                        }
            observation["referenceRange"] = [bounds]
        if row.get("flag") in ("H", "L", "N", "A"):
            observation["interpretation"] = [
                {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/"
                            "v3-ObservationInterpretation",
                            "code": row["flag"],
                        }
                    ]
                }
            ]
        obs_entries.append({"fullUrl": ref, "resource": observation})
        obs_refs.append(ref)
        obs_lines.append(f"{text.when(row.get('at'), lang)} {text.result_line(row, lang)}")

    follow_lines = [text.follow_up_line(item, lang) for item in data.follow_up]
    sections = [
        _section("course", text.t("discharge_summary.section.course", lang), course_lines, []),
        _section(
            "medications",
            text.t("discharge_summary.section.medications", lang),
            med_lines,
            med_refs,
        ),
        _section("results", text.t("discharge_summary.section.results", lang), obs_lines, obs_refs),
        _section(
            "follow_up", text.t("discharge_summary.section.follow_up", lang), follow_lines, []
        ),
    ]
    if data.assessment:
        sections.append(
            _section(
                "assessment",
                text.t("discharge_summary.section.assessment", lang),
                [data.assessment],
                [],
            )
        )
    if data.advice:
        sections.append(
            _section("advice", text.t("discharge_summary.section.advice", lang), [data.advice], [])
        )

    signed = data.status in ("signed", "superseded")
    status = ("amended" if data.amends_id else "final") if signed else "preliminary"
    authors = [{"reference": org_ref}]
    if data.author is not None:
        authors.insert(0, {"reference": _urn(sid, "practitioner", data.author.id)})
    composition: dict[str, Any] = {
        "resourceType": "Composition",
        "identifier": {"system": SUMMARY_SYSTEM, "value": f"{data.id}"},
        "status": status,
        "type": {"coding": [{"system": LOINC, "code": "18842-5", "display": "Discharge summary"}]},
        "subject": {"reference": patient_ref},
        "date": _time(data.signed_at if signed else data.composed_at),
        "author": authors,
        "title": text.t("discharge_summary.title", lang),
        "custodian": {"reference": org_ref},
        "section": sections,
        "language": "sv-SE" if lang == "sv" else "en",
    }
    if signed and data.signer is not None:
        composition["attester"] = [
            {
                "mode": "legal",
                "time": _time(data.signed_at),
                "party": {"reference": _urn(sid, "practitioner", data.signer.id)},
            }
        ]
    if data.amends_id:
        composition["relatesTo"] = [
            {
                "code": "replaces",
                "targetIdentifier": {"system": SUMMARY_SYSTEM, "value": data.amends_id},
            }
        ]

    entries.append(
        {"fullUrl": _urn(sid, "composition", str(data.version)), "resource": composition}
    )
    entries.append({"fullUrl": patient_ref, "resource": patient})
    for person_id, practitioner in people.items():
        entries.append({"fullUrl": _urn(sid, "practitioner", person_id), "resource": practitioner})
    entries.append({"fullUrl": org_ref, "resource": organisation})
    entries += med_entries + obs_entries
    return {
        "resourceType": "Bundle",
        "identifier": {"system": SUMMARY_SYSTEM, "value": f"{data.id}/{data.version}"},
        "type": "document",
        "timestamp": _time(now or data.signed_at or data.composed_at),
        "entry": entries,
    }
