"""FHIR R4 laboratory Observations in and out. Pure: no database, no web.

A laboratory Observation is one result: ``category`` laboratory or a LOINC ``code`` of the
tests Samband knows (``loinc.TESTS``); ``valueQuantity`` in the test's UCUM unit;
``referenceRange`` (low/high) optional, the test's default range otherwise;
``effectiveDateTime`` when the sample was taken; ``subject`` the patient, as for vital
signs: ``Patient/<id>`` or an identifier of system personnummer/samordningsnummer;
``identifier`` the exactly-once key. An unknown code or a wrong unit is refused (422) with an
OperationOutcome naming what is allowed, and nothing is written.

Resources are validated with ``fhir.resources`` (``R4B``: its Observation is R4's), as the
vital signs in ``observations/fhir.py`` are.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from fhir.resources.R4B.observation import Observation
from pydantic import ValidationError

from samband.kit.personnummer import InvalidIdentityNumber
from samband.kit.personnummer import parse as parse_personnummer
from samband.labresults import loinc
from samband.observations.fhir import (
    CATEGORY,
    MAX_ENTRIES,
    PERSONNUMMER,
    SAMORDNINGSNUMMER,
    FhirError,
    FhirStructureError,
)

LABORATORY = "laboratory"
STATUSES = {"final": "final", "amended": "amended", "corrected": "corrected"}
STATUSES["preliminary"] = "preliminary"


@dataclass(frozen=True)
class ParsedLab:
    """One laboratory result read from FHIR, before its patient is looked up."""

    base: str  # "Observation" or "Bundle.entry[3].resource"
    entry: int
    subject_id: uuid.UUID | None
    personnummer: str | None
    test: str
    code: str  # the LOINC code as received
    value: float
    unit: str  # UCUM, the test's
    ref_low: float | None
    ref_high: float | None
    taken_at: datetime
    identifier: str | None
    status: str


def is_laboratory(raw: object) -> bool:
    """Whether a resource is a laboratory Observation (category laboratory, or a LOINC code
    of a test Samband knows), to be routed here rather than to the vital signs."""
    if not isinstance(raw, dict) or raw.get("resourceType") != "Observation":
        return False
    for category in _list(raw.get("category")):
        for coding in _list(category.get("coding") if isinstance(category, dict) else None):
            if isinstance(coding, dict) and coding.get("code") == LABORATORY:
                return True
    code = raw.get("code")
    for coding in _list(code.get("coding") if isinstance(code, dict) else None):
        if (
            isinstance(coding, dict)
            and coding.get("system") == loinc.LOINC
            and loinc.by_code(str(coding.get("code"))) is not None
        ):
            return True
    return False


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def parse(raw: dict[str, Any], base: str = "Observation", entry: int = 0) -> ParsedLab:
    """One laboratory Observation; every problem is an issue of one 422."""
    try:
        obs = Observation.model_validate(raw)
    except ValidationError as exc:
        found: list[tuple[str, str | None]] = []
        for error in exc.errors():
            where = ".".join(str(p) for p in error.get("loc", ()))
            message = " ".join(str(error.get("msg", "invalid")).split())
            found.append((message, f"{base}.{where}" if where else base))
        raise FhirStructureError(found or [("not a valid resource", base)]) from None
    except (TypeError, ValueError, RecursionError) as exc:
        raise FhirStructureError([(f"not a valid resource: {exc}", base)]) from None
    issues: list[tuple[str, str | None]] = []
    status = STATUSES.get(str(obs.status))
    if status is None:
        issues.append(
            (
                f"status {obs.status!r} is not a result to take in; use final "
                "(or amended, corrected, preliminary)",
                f"{base}.status",
            )
        )
    subject_id, personnummer = _subject(obs, base, issues)
    taken_at = _effective(obs, base, issues)
    test, code = _test(obs, base, issues)
    value = unit = None
    if test is not None:
        value, unit = _quantity(obs, test, base, issues)
    low, high = _range(obs, test, base, issues)
    if issues:
        raise FhirError(issues)
    if test is None or code is None or value is None or unit is None:  # pragma: no cover
        raise FhirError([("not a laboratory result", base)])
    if taken_at is None or status is None:  # pragma: no cover - an issue otherwise
        raise FhirError([("not a laboratory result", base)])
    identifier = None
    for ident in obs.identifier or []:
        if ident.value:
            identifier = f"{ident.system}|{ident.value}" if ident.system else ident.value
            break
    if identifier is not None and len(identifier) > 250:
        raise FhirError([("the identifier is longer than 250 characters", f"{base}.identifier")])
    return ParsedLab(
        base,
        entry,
        subject_id,
        personnummer,
        test.key,
        code,
        value,
        unit,
        low,
        high,
        taken_at,
        identifier,
        status,
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
        (f"name the patient as Patient/<id> or with an identifier of system {PERSONNUMMER}", where)
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
        issues.append(("when the sample was taken is required (effectiveDateTime)", where))
    elif isinstance(value, datetime | date | str):
        issues.append(
            (f"{value} is not a time with a time zone; give e.g. 2030-03-06T08:05:00+01:00", where)
        )
    return None


def _test(
    obs: Any, base: str, issues: list[tuple[str, str | None]]
) -> tuple[loinc.Test | None, str | None]:
    codings = (obs.code.coding if obs.code is not None else None) or []
    for coding in codings:
        if coding.system == loinc.LOINC and coding.code:
            test = loinc.by_code(coding.code)
            if test is not None:
                return test, coding.code
    shown = ", ".join(f"{c.system or '(no system)'}|{c.code or '(no code)'}" for c in codings)
    issues.append(
        (
            f"{shown or 'no coding'} is not a laboratory test Samband takes; send one of: "
            f"{loinc.codes_text()} (system {loinc.LOINC})",
            f"{base}.code",
        )
    )
    return None, None


def _number(value: Decimal | float | int) -> float:
    return float(value)


def _quantity(
    obs: Any, test: loinc.Test, base: str, issues: list[tuple[str, str | None]]
) -> tuple[float | None, str | None]:
    quantity = obs.valueQuantity
    where = f"{base}.valueQuantity"
    if quantity is None or quantity.value is None:
        issues.append(
            (
                f"{test.key} takes a valueQuantity with a value and the UCUM unit {test.unit!r}",
                where,
            )
        )
        return None, None
    if quantity.comparator is not None:
        issues.append(
            (
                f"a value with comparator {quantity.comparator!r} cannot be taken in; send the "
                "measured value",
                f"{where}.comparator",
            )
        )
        return None, None
    if quantity.system is not None and quantity.system != loinc.UCUM:
        issues.append((f"the unit must be UCUM ({loinc.UCUM}), not {quantity.system}", where))
        return None, None
    given = quantity.code or quantity.unit
    if given is None:
        issues.append((f"give the unit (UCUM {test.unit!r}) in code and system", where))
        return None, None
    if not loinc.unit_accepted(test, given):
        part = "code" if quantity.code else "unit"
        issues.append(
            (
                f"unit {given!r} is not the unit of {test.key} (LOINC {test.loinc}): send UCUM "
                f"{test.unit!r}",
                f"{where}.{part}",
            )
        )
        return None, None
    value = _number(quantity.value)
    if not loinc.plausible(test, value):
        lo, hi = test.bounds
        issues.append(
            (
                f"{test.key} {value:g} {test.unit} cannot be right: it must lie in {lo:g}..{hi:g}",
                f"{where}.value",
            )
        )
        return None, None
    return value, test.unit


def _range(
    obs: Any, test: loinc.Test | None, base: str, issues: list[tuple[str, str | None]]
) -> tuple[float | None, float | None]:
    ranges = obs.referenceRange or []
    if not ranges:
        return (test.ref_low, test.ref_high) if test else (None, None)
    first = ranges[0]
    out: list[float | None] = []
    for name in ("low", "high"):
        quantity = getattr(first, name)
        where = f"{base}.referenceRange[0].{name}"
        if quantity is None or quantity.value is None:
            out.append(None)
            continue
        unit = quantity.code or quantity.unit
        if test is not None and unit is not None and not loinc.unit_accepted(test, unit):
            issues.append((f"unit {unit!r} of the range is not {test.unit!r}", where))
        out.append(_number(quantity.value))
    low, high = out
    if low is not None and high is not None and low > high:
        issues.append(("the range's low is above its high", f"{base}.referenceRange[0]"))
    return low, high


# -- writing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rendered:
    """What ``render`` needs of a stored result (kept free of the ORM)."""

    id: uuid.UUID
    patient_id: uuid.UUID
    test: str
    code: str
    value: float
    unit: str
    ref_low: float | None
    ref_high: float | None
    flag: str | None
    taken_at: datetime
    received_at: datetime
    status: str
    identifier: str | None
    note: str | None


def _q(value: float, test: loinc.Test) -> dict[str, Any]:
    number: float | int = int(value) if value == int(value) else value
    return {"value": number, "unit": test.unit_text, "system": loinc.UCUM, "code": test.unit}


def render(result: Rendered) -> dict[str, Any]:
    """A stored result as an R4 laboratory Observation."""
    test = loinc.TESTS[result.test]
    code = result.code if loinc.by_code(result.code) is test else test.loinc
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": str(result.id),
        "meta": {"versionId": "1", "lastUpdated": result.received_at.isoformat()},
        "status": "entered-in-error" if result.status == "entered_in_error" else result.status,
        "category": [
            {"coding": [{"system": CATEGORY, "code": LABORATORY, "display": "Laboratory"}]}
        ],
        "code": {
            "coding": [
                {
                    "system": loinc.LOINC,
                    "code": code,
                    "display": test.display if code == test.loinc else test.display,
                }
            ],
            "text": test.key.upper() if test.key == "crp" else test.display,
        },
        "subject": {"reference": f"Patient/{result.patient_id}"},
        "effectiveDateTime": result.taken_at.isoformat(),
        "issued": result.received_at.isoformat(),
        "valueQuantity": _q(result.value, test),
    }
    if result.ref_low is not None or result.ref_high is not None:
        reference: dict[str, Any] = {}
        if result.ref_low is not None:
            reference["low"] = _q(result.ref_low, test)
        if result.ref_high is not None:
            reference["high"] = _q(result.ref_high, test)
        resource["referenceRange"] = [reference]
    interpretation = {"H": ("H", "High"), "L": ("L", "Low")}.get(result.flag or "", ("N", "Normal"))
    if result.ref_low is not None or result.ref_high is not None:
        resource["interpretation"] = [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/"
                        "v3-ObservationInterpretation",
                        "code": interpretation[0],
                        "display": interpretation[1],
                    }
                ]
            }
        ]
    if result.identifier:
        system, _, value = result.identifier.rpartition("|")
        resource["identifier"] = [
            {"system": system, "value": value} if system else {"value": value}
        ]
    if result.note:
        resource["note"] = [{"text": result.note}]
    return resource


def parse_transaction(raw: object) -> list[ParsedLab] | None:
    """``POST /fhir/R4`` with laboratory Observations: the results, in entry order; None when
    the Bundle holds none (the vital signs take it, unchanged). Laboratory results and vital
    signs are sent in separate transactions (a mixed one is refused, 422)."""
    if not isinstance(raw, dict) or raw.get("resourceType") != "Bundle":
        return None
    entries = raw.get("entry")
    if not isinstance(entries, list):
        return None
    lab = [
        i for i, e in enumerate(entries) if isinstance(e, dict) and is_laboratory(e.get("resource"))
    ]
    if not lab:
        return None
    if len(lab) != len(entries):
        other = next(i for i in range(len(entries)) if i not in set(lab))
        raise FhirError(
            [
                (
                    "send laboratory results and vital signs in separate transactions: entry "
                    f"{lab[0]} is a laboratory result, entry {other} is not",
                    f"Bundle.entry[{other}]",
                )
            ]
        )
    if raw.get("type") != "transaction":
        raise FhirError(
            [(f"type must be 'transaction' (all or nothing), not {raw.get('type')!r}", "type")]
        )
    if len(entries) > MAX_ENTRIES:
        raise FhirError(
            [(f"at most {MAX_ENTRIES} entries per transaction ({len(entries)} sent)", "entry")]
        )
    out = []
    for index, entry in enumerate(entries):
        base = f"Bundle.entry[{index}]"
        request = entry.get("request") or {}
        method = request.get("method") if isinstance(request, dict) else None
        url = str(request.get("url") or "") if isinstance(request, dict) else ""
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
        out.append(parse(entry["resource"], f"{base}.resource", index))
    return out


def transaction_response(per_entry: Sequence[tuple[Rendered, bool]]) -> dict[str, Any]:
    """The transaction-response Bundle: one entry per request entry, in order."""
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "type": "transaction-response",
        "entry": [
            {
                "response": {
                    "status": "201 Created" if created else "200 OK",
                    "location": f"Observation/{result.id}/_history/1",
                    "etag": 'W/"1"',
                    "lastModified": result.received_at.isoformat(),
                },
                "resource": render(result),
            }
            for result, created in per_entry
        ],
    }
