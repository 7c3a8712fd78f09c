"""Which measured values are impossible (refused) and which are implausible (kept, flagged
for a person to confirm). Pure: no database, no web.

A value outside ``possible`` cannot be a reading of a living patient at home, or is in the
wrong unit (a temperature of 98.6 is °F): it is refused with a problem naming the field and
what is allowed (``observation.impossible``: the value, the limits and the unit). A value
inside ``possible`` but outside ``plausible`` can be real (a pulse of 35 in a patient on beta
blockers, SpO2 75 % in a COPD exacerbation) but is more often a measuring error: it is
stored, scored and alerted on like any other, and flagged ``needs_confirmation``
(``observation.unusually_low``/``_high``) until a nurse or physician confirms it or marks the
set entered in error. A deteriorating patient is never kept waiting for a confirmation.

The bounds are in docs/api.md ("Plausibility"); every bound here lies inside what the NEWS2
module accepts, so a value that passes can always be scored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from samband.kit import i18n
from samband.kit.errors import Problem, problem


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
    """A value awaiting confirmation and why: stored with the set as its problem's code and
    parameters (and the English text, which the API has always answered)."""

    field: str
    value: float
    problem: Problem

    @property
    def reason(self) -> str:
        return self.problem.text("en")

    def as_dict(self) -> dict[str, object]:
        return {
            "field": self.field,
            "value": self.value,
            "reason": self.reason,
            "code": self.problem.code,
            "params": {k: i18n.plain(v) for k, v in self.problem.params.items()},
        }


def flag_problem(flag: Mapping[str, object]) -> Problem | None:
    """A stored flag's problem: from its code and parameters, or worked out again from its
    field and value for a flag stored before problems had codes (None if neither works)."""
    code, field, value = flag.get("code"), flag.get("field"), flag.get("value")
    if not isinstance(field, str) or field not in BOUNDS:
        return None
    if isinstance(code, str):
        params = dict(flag.get("params") or {})  # type: ignore[call-overload]
        if "what" in params:
            params["what"] = _what(field)
        return Problem(code, params, field)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return implausible(field, float(value))
    return None


def _what(field: str) -> i18n.Msg:
    return i18n.msg(f"observation.what.{field}")


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def _limits(field: str, bounds: tuple[float, float]) -> dict[str, object]:
    return {
        "what": _what(field),
        "low": _number(bounds[0]),
        "high": _number(bounds[1]),
        "unit": BOUNDS[field].unit,
    }


def impossible(field: str, value: float) -> Problem | None:
    """Why the value cannot be right (a problem naming the field and what is allowed), or
    None when it is possible."""
    bounds = BOUNDS[field]
    lo, hi = bounds.possible
    if lo <= value <= hi:
        return None
    limits = _limits(field, bounds.possible)
    if field == "temperature" and 86 <= value <= 113:
        celsius = round((value - 32) * 5 / 9, 1)
        return problem(
            "observation.fahrenheit",
            field=field,
            value=_number(value),
            celsius=celsius,
            low=limits["low"],
            high=limits["high"],
        )
    code = "observation.impossible_zero" if value <= 0 else "observation.impossible"
    return problem(code, field=field, value=_number(value), **limits)


def implausible(field: str, value: float) -> Problem | None:
    """Why a possible value should be confirmed by a person, or None."""
    bounds = BOUNDS[field]
    lo, hi = bounds.plausible
    if lo <= value <= hi:
        return None
    code = "observation.unusually_low" if value < lo else "observation.unusually_high"
    return problem(code, field=field, value=_number(value), **_limits(field, bounds.plausible))


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


def blood_pressure_problem(systolic: float | None, diastolic: float | None) -> Problem | None:
    if systolic is not None and diastolic is not None and diastolic >= systolic:
        return problem(
            "observation.pressure_not_below",
            field="diastolic_bp",
            diastolic=_number(diastolic),
            systolic=_number(systolic),
        )
    return None


def oxygen_problem(on_oxygen: bool | None, flow: float | None) -> Problem | None:
    if on_oxygen is False and flow is not None and flow > 0:
        return problem("observation.oxygen_flow_without_oxygen", field="oxygen_flow", flow=flow)
    return None
