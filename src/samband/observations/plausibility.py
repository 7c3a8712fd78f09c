"""Which measured values are impossible (refused) and which are implausible (kept, flagged
for a person to confirm). Pure: no database, no web.

A value outside ``possible`` cannot be a reading of a living patient at home, or is in the
wrong unit (a temperature of 98.6 is °F): it is refused with a message naming the field and
what is allowed. A value inside ``possible`` but outside ``plausible`` can be real (a pulse of
35 in a patient on beta blockers, SpO2 75 % in a COPD exacerbation) but is more often a
measuring error: it is stored, scored and alerted on like any other, and flagged
``needs_confirmation`` until a nurse or physician confirms it or marks the set entered in
error. A deteriorating patient is never kept waiting for a confirmation.

The bounds are in docs/api.md ("Plausibility"); every bound here lies inside what the NEWS2
module accepts, so a value that passes can always be scored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Bounds:
    what: str
    unit: str  # as shown to a person
    ucum: str  # the UCUM code a client must send (FHIR valueQuantity.code, JSON `units`)
    possible: tuple[float, float]  # outside: refused (422)
    plausible: tuple[float, float]  # outside (but possible): flagged for confirmation
    whole: bool = True


BOUNDS: dict[str, Bounds] = {
    "respiratory_rate": Bounds("respiratory rate", "/min", "/min", (1, 80), (6, 40)),
    "spo2": Bounds("SpO2", "%", "%", (20, 100), (80, 100)),
    "oxygen_flow": Bounds("oxygen flow", "L/min", "L/min", (0, 60), (0, 15), whole=False),
    "systolic_bp": Bounds("systolic blood pressure", "mmHg", "mm[Hg]", (40, 300), (70, 220)),
    "diastolic_bp": Bounds("diastolic blood pressure", "mmHg", "mm[Hg]", (10, 200), (30, 130)),
    "pulse": Bounds("pulse", "/min", "/min", (10, 300), (40, 180)),
    "temperature": Bounds("temperature", "°C", "Cel", (25, 45), (35, 41), whole=False),
    "weight": Bounds("weight", "kg", "kg", (1, 500), (30, 250), whole=False),
}
UCUM: dict[str, str] = {name: b.ucum for name, b in BOUNDS.items()}


@dataclass(frozen=True)
class Flag:
    field: str
    value: float
    reason: str

    def as_dict(self) -> dict[str, object]:
        return {"field": self.field, "value": self.value, "reason": self.reason}


def _shown(value: float, unit: str) -> str:
    number = f"{value:g}"
    return f"{number}{unit}" if unit == "%" else f"{number} {unit}"


def impossible(field: str, value: float) -> str | None:
    """Why the value cannot be right (a message naming the field and what is allowed), or
    None when it is possible."""
    bounds = BOUNDS[field]
    lo, hi = bounds.possible
    if lo <= value <= hi:
        return None
    allowed = f"{_shown(lo, bounds.unit)} to {_shown(hi, bounds.unit)}"
    if field == "temperature" and 86 <= value <= 113:
        celsius = (value - 32) * 5 / 9
        return (
            f"temperature {value:g} looks like °F ({celsius:.1f} °C); send °C "
            f"(UCUM 'Cel'), {allowed}"
        )
    if value <= 0:
        return (
            f"{bounds.what} {_shown(value, bounds.unit)} is impossible for a measured patient "
            f"(a device reporting 0 or less has no reading: leave the value out); "
            f"allowed {allowed}"
        )
    return f"{bounds.what} {_shown(value, bounds.unit)} is impossible; allowed {allowed}"


def implausible(field: str, value: float) -> str | None:
    """Why a possible value should be confirmed by a person, or None."""
    bounds = BOUNDS[field]
    lo, hi = bounds.plausible
    if value < lo:
        return (
            f"{bounds.what} {_shown(value, bounds.unit)} is unusually low (under "
            f"{_shown(lo, bounds.unit)}): confirm the reading"
        )
    if value > hi:
        return (
            f"{bounds.what} {_shown(value, bounds.unit)} is unusually high (over "
            f"{_shown(hi, bounds.unit)}): confirm the reading"
        )
    return None


def flags(values: Mapping[str, float | None]) -> list[Flag]:
    """The implausible values of a set (possible ones only: impossible ones were refused)."""
    found = []
    for field in BOUNDS:
        value = values.get(field)
        if value is None:
            continue
        reason = implausible(field, value)
        if reason:
            found.append(Flag(field, value, reason))
    return found


def blood_pressure_problem(systolic: float | None, diastolic: float | None) -> str | None:
    if systolic is not None and diastolic is not None and diastolic >= systolic:
        return (
            f"diastolic blood pressure {diastolic:g} mmHg is not below the systolic "
            f"{systolic:g} mmHg; check the reading (are they swapped?)"
        )
    return None


def oxygen_problem(on_oxygen: bool | None, flow: float | None) -> str | None:
    if on_oxygen is False and flow is not None and flow > 0:
        return (
            f"on_oxygen is false but the oxygen flow is {flow:g} L/min; send on_oxygen true, "
            "or a flow of 0 for room air"
        )
    return None
