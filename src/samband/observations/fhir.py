"""FHIR R4 vital signs in and out: Observation resources and transaction Bundles mapped to
measurement occasions (``ObservationCreate``), stored sets rendered back as Observations,
and errors as OperationOutcomes. Pure: no database, no web. The mapping table is in
docs/api.md ("FHIR").

Resources are validated with ``fhir.resources`` (its ``R4B`` package: FHIR 4.3, whose
Observation and Bundle are those of R4; the package ships no separate R4 models).

- One Observation is one measurement occasion: a single vital sign, or a panel
  (85354-9 blood pressure, 85353-1 vital signs) whose ``component``s hold the values.
- In a transaction Bundle, the Observations of one subject with the same effective time
  (and device) form **one** occasion, scored together as one NEWS2: a device sends a set as
  a Bundle of single vital signs. Two entries giving the same value differently are refused.
- ``identifier`` is the exactly-once key (``system|value``); the entries of one occasion
  together make its key.
- ACVPU (SNOMED 1104441000000107) takes a ``valueCodeableConcept``: the SNOMED findings
  248234008 alert, 130987000 acute (new) confusion, 300202002 responds to voice, 450847001
  responds to pain, 422768004 unresponsive; or the letters A/C/V/P/U (any system, e.g.
  ``https://samband.se/fhir/CodeSystem/acvpu``) or the words alert, confusion, voice,
  pain, unresponsive.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from fhir.resources.R4B.bundle import Bundle, BundleEntry
from fhir.resources.R4B.observation import Observation
from pydantic import ValidationError

from samband.kit.errors import InvalidInput
from samband.kit.personnummer import InvalidIdentityNumber
from samband.kit.personnummer import parse as parse_personnummer
from samband.observations.schemas import ObservationCreate, ObservationRead, Source

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
PERSONNUMMER = "http://electronichealth.se/identifier/personnummer"
SAMORDNINGSNUMMER = "http://electronichealth.se/identifier/samordningsnummer"
ACVPU_SYSTEM = "https://samband.se/fhir/CodeSystem/acvpu"
CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
MEDIA_TYPE = "application/fhir+json"
MAX_ENTRIES = 1000

# (system, code) → the field the value goes to, and its display
QUANTITIES: dict[tuple[str, str], tuple[str, str]] = {
    (LOINC, "9279-1"): ("respiratory_rate", "Respiratory rate"),
    (LOINC, "2708-6"): ("spo2", "Oxygen saturation in Arterial blood"),
    (LOINC, "59408-5"): ("spo2", "Oxygen saturation in Arterial blood by Pulse oximetry"),
    (LOINC, "3151-8"): ("oxygen_flow", "Inhaled oxygen flow rate"),
    (LOINC, "8480-6"): ("systolic_bp", "Systolic blood pressure"),
    (LOINC, "8462-4"): ("diastolic_bp", "Diastolic blood pressure"),
    (LOINC, "8867-4"): ("pulse", "Heart rate"),
    (LOINC, "8310-5"): ("temperature", "Body temperature"),
    (LOINC, "29463-7"): ("weight", "Body weight"),
}
FIO2 = (LOINC, "3150-0")  # inhaled oxygen concentration, %: above 21 means on oxygen
PANELS = {
    (LOINC, "85354-9"): "Blood pressure panel with all children optional",
    (LOINC, "85353-1"): "Vital signs, weight, height, head circumference, oxygen saturation "
    "and BMI panel",
}
ACVPU = (SNOMED, "1104441000000107")
ACVPU_DISPLAY = "ACVPU (Alert Confusion Voice Pain Unresponsive) scale score"
SYMPTOMS = (LOINC, "75325-1")
NEWS2_TOTAL = (SNOMED, "1104051000000101")
ACVPU_SNOMED = {
    "248234008": "A",
    "130987000": "C",
    "300202002": "V",
    "450847001": "P",
    "422768004": "U",
}
ACVPU_WORDS = {
    "a": "A",
    "alert": "A",
    "c": "C",
    "confusion": "C",
    "new-confusion": "C",
    "new confusion": "C",
    "v": "V",
    "voice": "V",
    "p": "P",
    "pain": "P",
    "u": "U",
    "unresponsive": "U",
}
ACVPU_NAMES = {"A": "Alert", "C": "New confusion", "V": "Voice", "P": "Pain", "U": "Unresponsive"}
ROOM_AIR, ON_OXYGEN = "722742002", "371825009"
OXYGEN_VALUES = {ROOM_AIR: False, ON_OXYGEN: True}
# the UCUM code each field must be in, and the unit texts accepted when no code is given
UNITS: dict[str, tuple[str, frozenset[str]]] = {
    "respiratory_rate": ("/min", frozenset({"/min", "{breaths}/min", "breaths/min"})),
    "spo2": ("%", frozenset({"%"})),
    "oxygen_flow": ("L/min", frozenset({"L/min", "l/min"})),
    "systolic_bp": ("mm[Hg]", frozenset({"mm[Hg]", "mmHg"})),
    "diastolic_bp": ("mm[Hg]", frozenset({"mm[Hg]", "mmHg"})),
    "pulse": ("/min", frozenset({"/min", "{beats}/min", "beats/min", "bpm"})),
    "temperature": ("Cel", frozenset({"Cel", "°C"})),
    "weight": ("kg", frozenset({"kg"})),
    "fio2": ("%", frozenset({"%"})),
}
ACCEPTED_STATUS = frozenset({"final", "amended", "corrected", "preliminary"})
_FIELD_EXPRESSION = {
    "patient_id": "subject",
    "episode_id": "subject",
    "client_id": "identifier",
    "measured_at": "effective",
    "source": "performer",
    "device_id": "device",
}
_ISSUE_CODES = {
    "not_found": "not-found",
    "forbidden": "forbidden",
    "conflict": "conflict",
    "invalid": "invalid",
    "structure": "structure",
    "unauthenticated": "login",
    "not_supported": "not-supported",
    "internal": "exception",
    "unavailable": "transient",  # the database is down: retry
    "too_large": "too-costly",  # the body is larger than SAMBAND_MAX_BODY_BYTES (413)
}


class FhirError(InvalidInput):
    """A resource that cannot be taken in (422): every issue with its FHIRPath expression."""

    def __init__(self, issues: Sequence[tuple[str, str | None]], *, code: str = "invalid") -> None:
        message = "; ".join(f"{where}: {text}" if where else text for text, where in issues)
        super().__init__(message, field=issues[0][1] if issues else None)
        self.code = code
        self.details = {"issues": [{"message": t, "expression": w} for t, w in issues]}


class FhirStructureError(FhirError):
    """Not a valid FHIR resource at all: 422, as every body that cannot be parsed in
    Samband (issue 10; FHIR allows 400 or 422), with an OperationOutcome naming the problem."""

    status_code = 422

    def __init__(self, issues: Sequence[tuple[str, str | None]]) -> None:
        super().__init__(issues, code="structure")


class FhirUnsupported(FhirError):
    status_code = 415

    def __init__(self, message: str) -> None:
        super().__init__([(message, None)], code="not_supported")


# -- reading ------------------------------------------------------------------------------------


@dataclass
class Parsed:
    """One measurement occasion read from FHIR, before its patient is looked up."""

    base: str  # "Observation" or "Bundle.entry[3].resource"
    entries: tuple[int, ...]  # the bundle entries it came from (() for one resource)
    subject_id: uuid.UUID | None
    personnummer: str | None
    values: dict[str, Any]
    origins: dict[str, str] = field(default_factory=dict)  # field → FHIRPath

    def expression(self, name: str) -> str:
        if name in self.origins:
            return self.origins[name]
        return f"{self.base}.{_FIELD_EXPRESSION.get(name, name)}"


def load_json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FhirStructureError([(f"the body is not valid JSON: {exc}", None)]) from None
    except RecursionError:
        raise FhirStructureError([("the body is nested too deeply", None)]) from None


def parse_observation(raw: object) -> Parsed:
    """``POST /fhir/R4/Observation``: one Observation, one measurement occasion."""
    return _occasion(_observation(raw, "Observation"), "Observation", ())


def parse_transaction(raw: object) -> tuple[list[Parsed], int]:
    """``POST /fhir/R4``: a transaction Bundle of Observation POSTs; the occasions it holds
    (entries grouped by subject, effective time and device) and the number of entries."""
    if not isinstance(raw, dict) or raw.get("resourceType") != "Bundle":
        kind = raw.get("resourceType") if isinstance(raw, dict) else None
        raise FhirStructureError(
            [(f"expected a Bundle of type transaction, not {kind or 'that'}", "resourceType")]
        )
    entries = raw.get("entry")
    shell = {k: v for k, v in raw.items() if k != "entry"}
    _validate(Bundle, shell, "Bundle")
    if raw.get("type") != "transaction":
        raise FhirError(
            [(f"type must be 'transaction' (all or nothing), not {raw.get('type')!r}", "type")]
        )
    if not isinstance(entries, list) or not entries:
        raise FhirError([("a transaction needs at least one entry", "Bundle.entry")])
    if len(entries) > MAX_ENTRIES:
        raise FhirError(
            [(f"at most {MAX_ENTRIES} entries per transaction ({len(entries)} sent)", "entry")]
        )
    readings: list[_Reading] = []
    for index, entry in enumerate(entries):
        base = f"Bundle.entry[{index}]"
        if not isinstance(entry, dict):
            raise FhirStructureError([("an entry must be an object", base)])
        _validate(BundleEntry, _entry_shell(entry), base)
        request = entry.get("request") or {}
        method, url = request.get("method"), str(request.get("url") or "")
        if method != "POST" or url.split("?")[0].strip("/") != "Observation":
            raise FhirError(
                [
                    (
                        f"only POST Observation is supported in a transaction, not "
                        f"{method or '(no method)'} {url or '(no url)'}",
                        f"{base}.request",
                    )
                ]
            )
        readings.append(_observation(entry.get("resource"), f"{base}.resource", index))
    groups: dict[tuple[Any, ...], list[_Reading]] = {}
    for reading in readings:
        groups.setdefault(reading.key(), []).append(reading)
    return [
        _occasion(group, group[0].base, tuple(r.entry for r in group)) for group in groups.values()
    ], len(entries)


def _entry_shell(entry: dict[str, Any]) -> dict[str, Any]:
    """The entry without its resource (validated on its own, with clearer paths)."""
    return {k: v for k, v in entry.items() if k != "resource"}


def to_create(parsed: Parsed, patient_id: uuid.UUID, default_source: Source) -> ObservationCreate:
    """The occasion as the JSON API's input; plausibility errors name the FHIR element."""
    values = {"patient_id": patient_id, **parsed.values}
    values.setdefault("source", default_source.value)
    try:
        return ObservationCreate.model_validate(values)
    except ValidationError as exc:
        issues = []
        for error in exc.errors():
            loc = [str(p) for p in error.get("loc", ())]
            name = loc[0] if loc else ""
            message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
            issues.append((message, parsed.expression(name) if name else parsed.base))
        raise FhirError(issues) from None


@dataclass
class _Reading:
    base: str
    entry: int
    subject_id: uuid.UUID | None
    personnummer: str | None
    effective: datetime
    device: str | None
    self_report: bool
    identifier: str | None
    values: dict[str, Any]
    origins: dict[str, str]

    def key(self) -> tuple[Any, ...]:
        return (self.subject_id, self.personnummer, self.effective, self.device)


def _validate(model: Any, raw: object, base: str) -> Any:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        issues = []
        for error in exc.errors():
            where = ".".join(str(p) for p in error.get("loc", ()))
            message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
            message = " ".join(message.split())
            issues.append((message, f"{base}.{where}" if where else base))
        raise FhirStructureError(issues or [("not a valid resource", base)]) from None
    except (TypeError, ValueError, RecursionError) as exc:
        raise FhirStructureError([(f"not a valid resource: {exc}", base)]) from None


def _observation(raw: object, base: str, entry: int = 0) -> _Reading:
    if not isinstance(raw, dict):
        raise FhirStructureError([("an Observation resource (a JSON object) is required", base)])
    if raw.get("resourceType") != "Observation":
        raise FhirError(
            [(f"expected an Observation, not {raw.get('resourceType') or 'no resourceType'}", base)]
        )
    obs = _validate(Observation, raw, base)
    issues: list[tuple[str, str | None]] = []
    if obs.status not in ACCEPTED_STATUS:
        issues.append(
            (
                f"status {obs.status!r} is not a measurement to take in; use final "
                "(or amended, corrected, preliminary)",
                f"{base}.status",
            )
        )
    subject_id, personnummer = _subject(obs, base, issues)
    effective = _effective(obs, base, issues)
    values: dict[str, Any] = {}
    origins: dict[str, str] = {}
    code = _known_code(obs.code)
    if code in PANELS:
        if _value_of(obs) is not None:
            issues.append(("a panel carries its values in component, not value[x]", base))
    elif code is None:
        issues.append((_unknown_code(obs.code), f"{base}.code"))
    else:
        _take(code, obs, base, values, origins, issues)
    for index, component in enumerate(obs.component or []):
        where = f"{base}.component[{index}]"
        component_code = _known_code(component.code)
        if component_code is None or component_code in PANELS:
            issues.append((_unknown_code(component.code), f"{where}.code"))
            continue
        _take(component_code, component, where, values, origins, issues)
    if issues:
        raise FhirError(issues)
    device = None
    if obs.device is not None:
        device = (obs.device.reference or obs.device.display or "device")[:200]
    self_report = any(
        (p.reference or "").startswith(("Patient/", "RelatedPerson/")) for p in obs.performer or []
    )
    identifier = None
    for ident in obs.identifier or []:
        if ident.value:
            identifier = f"{ident.system}|{ident.value}" if ident.system else ident.value
            break
    assert effective is not None  # noqa: S101 - an issue otherwise
    return _Reading(
        base,
        entry,
        subject_id,
        personnummer,
        effective,
        device,
        self_report,
        identifier,
        values,
        origins,
    )


def _subject(
    obs: Any, base: str, issues: list[tuple[str, str | None]]
) -> tuple[uuid.UUID | None, str | None]:
    subject = obs.subject
    where = f"{base}.subject"
    if subject is None:
        issues.append(("the patient is required: Patient/<id> or a personnummer identifier", where))
        return None, None
    if subject.reference:
        match = re.fullmatch(
            r"(?:.*/)?Patient/([0-9a-fA-F-]{36})(?:/_history/.*)?", subject.reference
        )
        if match:
            try:
                return uuid.UUID(match.group(1)), None
            except ValueError:
                pass
        issues.append(
            (
                f"{subject.reference!r} is not Patient/<id> of a Samband patient",
                f"{where}.reference",
            )
        )
        return None, None
    ident = subject.identifier
    if ident is not None and ident.system in (PERSONNUMMER, SAMORDNINGSNUMMER) and ident.value:
        try:
            return None, parse_personnummer(ident.value).digits
        except InvalidIdentityNumber as exc:
            issues.append((str(exc), f"{where}.identifier.value"))
            return None, None
    issues.append(
        (
            f"name the patient as Patient/<id> or with an identifier of system {PERSONNUMMER}",
            where,
        )
    )
    return None, None


def _effective(obs: Any, base: str, issues: list[tuple[str, str | None]]) -> datetime | None:
    value = obs.effectiveDateTime or obs.effectiveInstant
    where = f"{base}.effectiveDateTime"
    if value is None and obs.effectivePeriod is not None:
        value, where = obs.effectivePeriod.start, f"{base}.effectivePeriod.start"
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value
    if value is None:
        issues.append(("when it was measured is required (effectiveDateTime)", where))
    elif isinstance(value, datetime | date) or isinstance(value, str):
        issues.append(
            (f"{value} is not a time with a time zone; give e.g. 2030-03-06T08:05:00+01:00", where)
        )
    return None


def _known_code(concept: Any) -> tuple[str, str] | None:
    for coding in (concept.coding if concept is not None else None) or []:
        key = (coding.system or "", coding.code or "")
        if key in QUANTITIES or key in PANELS or key in (ACVPU, SYMPTOMS, FIO2):
            return key
    for coding in (concept.coding if concept is not None else None) or []:
        if coding.system == SNOMED and coding.code in OXYGEN_VALUES:
            return (SNOMED, coding.code)
    if concept is not None and (concept.text or "").strip().lower() == "air or oxygen":
        return ("text", "air or oxygen")
    return None


def _unknown_code(concept: Any) -> str:
    shown = (
        ", ".join(
            f"{c.system or '(no system)'}|{c.code or '(no code)'}"
            for c in ((concept.coding if concept is not None else None) or [])
        )
        or "no coding"
    )
    known = ", ".join(
        sorted(
            {f"LOINC {c}" for (_s, c) in QUANTITIES}
            | {"LOINC 85354-9", "LOINC 85353-1", "SNOMED 1104441000000107"}
        )
    )
    return f"{shown} is not a vital sign Samband takes; send one of: {known}"


def _value_of(element: Any) -> Any:
    for name in (
        "valueQuantity",
        "valueCodeableConcept",
        "valueString",
        "valueInteger",
        "valueBoolean",
    ):
        value = getattr(element, name, None)
        if value is not None:
            return value
    for name in (
        "valueRange",
        "valueRatio",
        "valueSampledData",
        "valueTime",
        "valueDateTime",
        "valuePeriod",
    ):
        value = getattr(element, name, None)
        if value is not None:
            return value
    return None


def _put(
    values: dict[str, Any],
    origins: dict[str, str],
    name: str,
    value: Any,
    where: str,
    issues: list[tuple[str, str | None]],
) -> None:
    if name in values and values[name] != value:
        issues.append((f"{name} is given twice, differently ({values[name]} and {value})", where))
        return
    values[name] = value
    origins[name] = where


def _take(
    code: tuple[str, str],
    element: Any,
    where: str,
    values: dict[str, Any],
    origins: dict[str, str],
    issues: list[tuple[str, str | None]],
) -> None:
    value = _value_of(element)
    if value is None:
        if getattr(element, "dataAbsentReason", None) is None:
            issues.append(("a value is required (or a dataAbsentReason)", where))
        return
    if code == ACVPU:
        letter = _acvpu(getattr(element, "valueCodeableConcept", None))
        if letter is None:
            issues.append(
                (
                    "ACVPU takes a valueCodeableConcept: SNOMED 248234008 alert, 130987000 "
                    "new confusion, 300202002 voice, 450847001 pain, 422768004 unresponsive "
                    "(or the letters A, C, V, P, U)",
                    f"{where}.valueCodeableConcept",
                )
            )
            return
        _put(values, origins, "consciousness", letter, f"{where}.valueCodeableConcept", issues)
        return
    if code == SYMPTOMS or code == ("text", "air or oxygen") or code[1] in OXYGEN_VALUES:
        if code == SYMPTOMS:
            text = getattr(element, "valueString", None)
            if not isinstance(text, str):
                issues.append(("symptoms take a valueString", f"{where}.valueString"))
                return
            _put(values, origins, "symptoms", text, f"{where}.valueString", issues)
            return
        concept = getattr(element, "valueCodeableConcept", None)
        on = None
        for coding in (concept.coding if concept is not None else None) or []:
            if coding.system == SNOMED and coding.code in OXYGEN_VALUES:
                on = OXYGEN_VALUES[coding.code]
        if on is None and code[1] in OXYGEN_VALUES:
            on = OXYGEN_VALUES[code[1]]
        if on is None:
            issues.append(
                (
                    f"air or oxygen takes SNOMED {ROOM_AIR} (room air) or {ON_OXYGEN} (on oxygen)",
                    f"{where}.valueCodeableConcept",
                )
            )
            return
        _put(values, origins, "on_oxygen", on, f"{where}.valueCodeableConcept", issues)
        return
    quantity = getattr(element, "valueQuantity", None)
    name = "fio2" if code == FIO2 else QUANTITIES[code][0]
    vwhere = f"{where}.valueQuantity"
    if quantity is None or quantity.value is None:
        issues.append(
            (f"{name.replace('_', ' ')} takes a valueQuantity with a value and a UCUM unit", vwhere)
        )
        return
    expected, texts = UNITS[name]
    what = name.replace("_", " ")
    if quantity.code is not None:
        if quantity.system not in (None, UCUM):
            issues.append(
                (f"the unit must be UCUM ({UCUM}), not {quantity.system}", f"{vwhere}.system")
            )
            return
        if quantity.code != expected and quantity.code not in texts:
            hint = " (send °C)" if quantity.code in ("[degF]", "degF", "°F") else ""
            issues.append(
                (
                    f"unit {quantity.code!r} is not the unit for {what}: send UCUM "
                    f"{expected!r}{hint}",
                    f"{vwhere}.code",
                )
            )
            return
    elif quantity.unit is not None:
        if quantity.unit not in texts:
            issues.append(
                (
                    f"unit {quantity.unit!r} is not the unit for {what}: send UCUM {expected!r}",
                    f"{vwhere}.unit",
                )
            )
            return
    else:
        issues.append((f"give the unit (UCUM {expected!r}) in code and system", vwhere))
        return
    number = _number(quantity.value)
    if name == "fio2":
        _put(values, origins, "on_oxygen", number > 21, f"{vwhere}.value", issues)
        return
    _put(values, origins, name, number, f"{vwhere}.value", issues)


def _number(value: Decimal | float | int) -> int | float:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _acvpu(concept: Any) -> str | None:
    for coding in (concept.coding if concept is not None else None) or []:
        if coding.system == SNOMED and coding.code in ACVPU_SNOMED:
            return ACVPU_SNOMED[coding.code]
        if coding.code and coding.code.strip().lower() in ACVPU_WORDS and coding.system != SNOMED:
            return ACVPU_WORDS[coding.code.strip().lower()]
    text = (concept.text or "").strip().lower() if concept is not None else ""
    return ACVPU_WORDS.get(text)


def _occasion(
    readings: Sequence[_Reading] | _Reading, base: str, entries: tuple[int, ...]
) -> Parsed:
    group = [readings] if isinstance(readings, _Reading) else list(readings)
    first = group[0]
    values: dict[str, Any] = {}
    origins: dict[str, str] = {}
    issues: list[tuple[str, str | None]] = []
    for reading in group:
        for name, value in reading.values.items():
            _put(values, origins, name, value, reading.origins[name], issues)
    if issues:
        raise FhirError(issues)
    values["measured_at"] = first.effective
    origins["measured_at"] = f"{first.base}.effective"
    if first.device:
        values["device_id"] = first.device
        values["source"] = Source.DEVICE.value
    elif any(r.self_report for r in group):
        values["source"] = Source.SELF_REPORT.value
    identifiers = sorted({r.identifier for r in group if r.identifier})
    if identifiers:
        values["client_id"] = client_id(identifiers)
        origins["client_id"] = f"{first.base}.identifier"
    return Parsed(base, entries, first.subject_id, first.personnummer, values, origins)


def client_id(identifiers: Sequence[str]) -> str:
    """The exactly-once key of identifiers: as written when short and without spaces."""
    text = ",".join(identifiers)
    if len(text) <= 200 and not re.search(r"\s", text):
        return text
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


# -- writing ------------------------------------------------------------------------------------


def _coding(system: str, code: str, display: str) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code, "display": display}]}


def _quantity(value: float | int, name: str) -> dict[str, Any]:
    code = UNITS[name][0]
    unit = {"mm[Hg]": "mmHg", "Cel": "°C"}.get(code, code)
    return {"value": value, "unit": unit, "system": UCUM, "code": code}


_CODE_OF = {name: key for key, (name, _) in QUANTITIES.items() if key != (LOINC, "59408-5")}


def render(obs: ObservationRead) -> dict[str, Any]:
    """A stored set as an R4 vital-signs panel Observation, one component per value; the
    NEWS2 total (SNOMED 1104051000000101) is a component too."""
    components: list[dict[str, Any]] = []
    for name in (
        "respiratory_rate",
        "spo2",
        "oxygen_flow",
        "systolic_bp",
        "diastolic_bp",
        "pulse",
        "temperature",
        "weight",
    ):
        value = getattr(obs, name)
        if value is None:
            continue
        system, code = _CODE_OF[name]
        display = QUANTITIES[(system, code)][1]
        components.append(
            {"code": _coding(system, code, display), "valueQuantity": _quantity(value, name)}
        )
    if obs.on_oxygen is not None and obs.oxygen_flow is None:
        code = ON_OXYGEN if obs.on_oxygen else ROOM_AIR
        display = "Patient on oxygen" if obs.on_oxygen else "Breathing room air"
        components.append(
            {
                "code": {"text": "Air or oxygen"},
                "valueCodeableConcept": _coding(SNOMED, code, display),
            }
        )
    if obs.consciousness is not None:
        letter = obs.consciousness
        snomed = {v: k for k, v in ACVPU_SNOMED.items()}[letter]
        components.append(
            {
                "code": _coding(*ACVPU, ACVPU_DISPLAY),
                "valueCodeableConcept": {
                    "coding": [
                        {"system": SNOMED, "code": snomed, "display": ACVPU_NAMES[letter]},
                        {"system": ACVPU_SYSTEM, "code": letter, "display": ACVPU_NAMES[letter]},
                    ]
                },
            }
        )
    if obs.symptoms is not None:
        components.append({"code": _coding(*SYMPTOMS, "Symptom"), "valueString": obs.symptoms})
    if obs.news2 is not None:
        components.append(
            {
                "code": _coding(
                    *NEWS2_TOTAL,
                    "Royal College of Physicians NEWS2 (National Early Warning Score 2) total "
                    "score",
                ),
                "valueInteger": obs.news2.total,
                "interpretation": [
                    {"text": f"{obs.news2.risk}{' (partial)' if obs.news2.partial else ''}"}
                ],
            }
        )
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": str(obs.id),
        "meta": {"versionId": "1", "lastUpdated": obs.received_at.isoformat()},
        "status": {
            "final": "final",
            "preliminary": "preliminary",
            "entered_in_error": "entered-in-error",
        }[obs.status.value],
        "category": [_coding(CATEGORY, "vital-signs", "Vital Signs")],
        "code": _coding(LOINC, "85353-1", PANELS[(LOINC, "85353-1")]),
        "subject": {"reference": f"Patient/{obs.patient_id}"},
        "effectiveDateTime": obs.measured_at.isoformat(),
        "issued": obs.received_at.isoformat(),
        "component": components,
    }
    if obs.client_id:
        resource["identifier"] = [{"value": obs.client_id}]
    if obs.device_id:
        resource["device"] = {"display": obs.device_id}
    if obs.flags:
        resource["note"] = [{"text": f.reason} for f in obs.flags]
    return resource


def transaction_response(per_entry: Sequence[tuple[ObservationRead, bool]]) -> dict[str, Any]:
    """The transaction-response Bundle: one entry per request entry, in order; entries of
    one occasion point at the same stored set."""
    out = []
    for obs, created in per_entry:
        out.append(
            {
                "response": {
                    "status": "201 Created" if created else "200 OK",
                    "location": f"Observation/{obs.id}/_history/1",
                    "etag": 'W/"1"',
                    "lastModified": obs.received_at.isoformat(),
                },
                "resource": render(obs),
            }
        )
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "type": "transaction-response",
        "entry": out,
    }


def operation_outcome(
    message: str, *, code: str = "invalid", issues: Sequence[Mapping[str, Any]] | None = None
) -> dict[str, Any]:
    """An OperationOutcome for an error (``code``: Samband's error code)."""
    fhir_code = _ISSUE_CODES.get(code, "processing")
    listed = issues or [{"message": message, "expression": None}]
    out = []
    for issue in listed:
        entry: dict[str, Any] = {
            "severity": "error",
            "code": fhir_code,
            "diagnostics": str(issue.get("message") or message),
        }
        if issue.get("expression"):
            entry["expression"] = [str(issue["expression"])]
        out.append(entry)
    return {"resourceType": "OperationOutcome", "issue": out}
