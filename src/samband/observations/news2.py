"""NEWS2, the National Early Warning Score 2, exactly as the Royal College of Physicians'
chart (RCP, *National Early Warning Score (NEWS) 2*, 2017).

Pure: ``parse_set`` reads one set of vital signs in the JSON form of ``docs/news2.md``, or
raises ``News2InputError`` naming each field at fault and what is allowed; ``score`` scores a
``VitalSigns``. A ``VitalSigns`` checks itself when it is made, so one that exists is valid.

Decisions (the reasons are in ``docs/news2.md``):

- **Temperature** is rounded half up to one decimal before it is banded (38.05 → 38.1,
  38.04 → 38.0), in decimal arithmetic, so a reading of 38.05 is not scored as 38.0 because
  the float 38.05 is 38.04999….
- **Missing parameters** are not scored: the result is ``partial``, lists them in
  ``missing`` and scores what is there. A partial total is therefore the *least* total the
  patient can have; the missing parameters can only add to it. ``on_oxygen`` missing is
  treated the same way (not scored, listed). One case needs it: SpO2 on scale 2 at 93% or
  more, where the points depend on oxygen; with ``on_oxygen`` missing it scores as on air
  (0), again the least score possible.
- **ACVPU** letters are accepted in lower case by ``parse_set`` (``"a"`` is ``"A"``);
  nothing else is (no words such as ``"alert"``).
- **Whole numbers**: respiratory rate, SpO2, systolic pressure and pulse must be whole;
  ``18.0`` is read as 18 (JSON does not tell 18 from 18.0), ``18.5`` is refused.
- A set that has **no vital sign at all** is refused by ``parse_set``; scoring nothing as
  "low risk" would mislead. ``score(VitalSigns())`` still answers (total 0, all missing).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal, get_args

Consciousness = Literal["A", "C", "V", "P", "U"]  # ACVPU; C = new confusion
Risk = Literal["low", "low-medium", "medium", "high"]

CONSCIOUSNESS_LEVELS: tuple[str, ...] = get_args(Consciousness)

# The seven parameters of the chart, in its order (spo2_scale only says how spo2 is scored).
PARAMETERS: tuple[str, ...] = (
    "respiratory_rate",
    "spo2",
    "on_oxygen",
    "systolic_bp",
    "pulse",
    "consciousness",
    "temperature",
)

# Keys of the recommended minimum monitoring frequency and of the clinical response.
MONITORING_12H = "12h"
MONITORING_4_6H = "4-6h"
MONITORING_1H = "1h"
MONITORING_CONTINUOUS = "continuous"
RESPONSE_ROUTINE = "routine"
RESPONSE_WARD = "ward-based"
RESPONSE_URGENT_WARD = "key-threshold/urgent-ward"
RESPONSE_URGENT = "urgent"
RESPONSE_EMERGENCY = "emergency"


class News2InputError(ValueError):
    """A set of vital signs that cannot be scored; the message names the field and what is
    allowed."""


# -- the input --------------------------------------------------------------------------------


@dataclass(frozen=True)
class VitalSigns:
    """One set of observations. ``None`` means not measured."""

    respiratory_rate: int | None = None  # breaths/min
    spo2: int | None = None  # %
    spo2_scale: int = 1  # 1 or 2; 2 only when a physician set it for the patient
    on_oxygen: bool | None = None  # supplemental oxygen (False = air)
    systolic_bp: int | None = None  # mmHg
    pulse: int | None = None  # /min
    consciousness: Consciousness | None = None
    temperature: float | None = None  # °C, one decimal

    def __post_init__(self) -> None:
        problems = _problems({name: getattr(self, name) for name in _FIELD_NAMES})
        if problems:
            raise News2InputError("; ".join(problems))


@dataclass(frozen=True)
class _Range:
    low: int
    high: int
    unit: str
    what: str


# What a person or a device can report; anything outside is a typing or unit mistake.
_RANGES: dict[str, _Range] = {
    "respiratory_rate": _Range(0, 80, "breaths/min", "respiratory rate"),
    "spo2": _Range(0, 100, "%", "SpO2"),
    "systolic_bp": _Range(20, 300, "mmHg", "systolic blood pressure"),
    "pulse": _Range(1, 300, "/min", "pulse"),
    "temperature": _Range(25, 45, "°C", "temperature"),
}
_WHOLE = ("respiratory_rate", "spo2", "systolic_bp", "pulse")
_FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in fields(VitalSigns))


def _describe(value: object) -> str:
    """A value as a person reading JSON would name it."""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    return repr(value)


def _with_unit(value: object, unit: str) -> str:
    return f"{value}{unit}" if unit == "%" else f"{value} {unit}"


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _problems(values: Mapping[str, object]) -> list[str]:
    """Every problem with the values, one message each (an empty list means all is well)."""
    problems: list[str] = []
    for name, value in values.items():
        if name == "spo2_scale":
            if not (isinstance(value, int) and not isinstance(value, bool) and value in (1, 2)):
                problems.append(
                    f"spo2_scale: {_describe(value)} is not a SpO2 scale; use 1 (the default), "
                    "or 2 only when a physician has prescribed scale 2 for this patient "
                    "(hypercapnic respiratory failure, target 88–92%)"
                )
        elif value is None:
            continue
        elif name == "on_oxygen":
            if not isinstance(value, bool):
                problems.append(
                    f"on_oxygen: {_describe(value)} is not true or false; give true for "
                    "supplemental oxygen, false for room air, or null if not recorded"
                )
        elif name == "consciousness":
            if value not in CONSCIOUSNESS_LEVELS:
                problems.append(
                    f"consciousness: {_describe(value)} is not one of A, C, V, P, U (Alert, "
                    "new Confusion, responds to Voice, responds to Pain, Unresponsive)"
                )
        elif name in _WHOLE:
            r = _RANGES[name]
            allowed = (
                f"give the {r.what} as a whole number from {r.low} to {_with_unit(r.high, r.unit)}"
            )
            if not (_is_number(value) and isinstance(value, int)):
                kind = "a whole number" if _is_number(value) else "a number"
                problems.append(
                    f"{name}: {_describe(value)} is not {kind}; {allowed}, or null if not measured"
                )
            elif not r.low <= value <= r.high:
                problems.append(
                    f"{name}: {_with_unit(value, r.unit)} is not possible; check the reading and "
                    f"{allowed}, or null if not measured"
                )
        elif name == "temperature":
            r = _RANGES[name]
            if not _is_number(value):
                problems.append(
                    f"temperature: {_describe(value)} is not a number; give the temperature "
                    "in °C, e.g. 37.2, or null if not measured"
                )
            elif not (isinstance(value, int | float) and r.low <= value <= r.high):
                problems.append(
                    f"temperature: {value} °C is outside {r.low}–{r.high} °C; check the "
                    "reading and give it in °C (not °F), e.g. 37.2, or null if not measured"
                )
    return problems


def _normalise(name: str, value: object) -> object:
    """What ``parse_set`` forgives: 18.0 for 18, lower-case ACVPU letters."""
    if name in (*_WHOLE, "spo2_scale") and isinstance(value, float) and value.is_integer():
        return int(value)
    if name == "consciousness" and isinstance(value, str) and value.upper() in CONSCIOUSNESS_LEVELS:
        return value.upper()
    return value


def parse_set(raw: object) -> VitalSigns:
    """One set of vital signs from its JSON form (a decoded JSON object); ``null`` or an
    absent field means not measured.

    Raises ``News2InputError`` with every problem found, each naming its field and what is
    allowed; unknown fields are refused.
    """
    if not isinstance(raw, Mapping):
        raise News2InputError(
            f"a set of vital signs must be a JSON object, e.g. "
            f'{{"respiratory_rate": 18, "spo2": 95, "pulse": 80}}, not {_describe(raw)}'
        )
    problems: list[str] = []
    unknown: list[str] = []
    values: dict[str, object] = {}
    for key, value in raw.items():
        if key in _FIELD_NAMES:
            values[key] = _normalise(key, value)
            continue
        close = difflib.get_close_matches(str(key), _FIELD_NAMES, n=1)
        unknown.append(f"{str(key)!r}" + (f" (did you mean '{close[0]}'?)" if close else ""))
    if unknown:
        problems.append(
            f"unknown field{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}; "
            f"the fields are: {', '.join(_FIELD_NAMES)}"
        )
    if values.get("spo2_scale") is None:
        values["spo2_scale"] = 1
    problems += _problems(values)
    if not problems and all(values.get(name) is None for name in PARAMETERS):
        problems.append(
            f"the set has no vital signs; give at least one of: {', '.join(PARAMETERS)}"
        )
    if problems:
        raise News2InputError("; ".join(problems))
    checked: dict[str, Any] = values
    return VitalSigns(**checked)


# -- the chart --------------------------------------------------------------------------------

# (highest value of the band, points), lowest band first; above the last band: the last item.
_Bands = tuple[tuple[int, int], ...]

_RESPIRATION: _Bands = ((8, 3), (11, 1), (20, 0), (24, 2))  # ≥25 → 3
_SPO2_SCALE_1: _Bands = ((91, 3), (93, 2), (95, 1))  # ≥96 → 0
_SPO2_SCALE_2: _Bands = ((83, 3), (85, 2), (87, 1), (92, 0))  # ≥93: by oxygen
_SPO2_SCALE_2_ON_OXYGEN: _Bands = ((94, 1), (96, 2))  # 93–94 → 1, 95–96 → 2, ≥97 → 3
_SYSTOLIC: _Bands = ((90, 3), (100, 2), (110, 1), (219, 0))  # ≥220 → 3
_PULSE: _Bands = ((40, 3), (50, 1), (90, 0), (110, 1), (130, 2))  # ≥131 → 3
_TEMPERATURE_TENTHS: _Bands = ((350, 3), (360, 1), (380, 0), (390, 1))  # ≥39.1 → 2


def _band(value: int, bands: _Bands, above: int) -> int:
    for highest, points in bands:
        if value <= highest:
            return points
    return above


def _tenths(celsius: float) -> int:
    """The temperature in tenths of a degree, rounded half up (38.05 → 381)."""
    rounded = Decimal(repr(celsius)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return int(rounded * 10)


def _spo2_points(spo2: int, scale: int, on_oxygen: bool | None) -> int:
    if scale == 1:
        return _band(spo2, _SPO2_SCALE_1, 0)
    if spo2 <= 92:
        return _band(spo2, _SPO2_SCALE_2, 0)
    # 93% or more on scale 2: 0 on air; on oxygen the points rise. Oxygen unknown: as on air
    # (the least possible score; the set is partial and says on_oxygen is missing).
    return _band(spo2, _SPO2_SCALE_2_ON_OXYGEN, 3) if on_oxygen else 0


def _points(v: VitalSigns) -> dict[str, int]:
    points: dict[str, int] = {}
    if v.respiratory_rate is not None:
        points["respiratory_rate"] = _band(v.respiratory_rate, _RESPIRATION, 3)
    if v.spo2 is not None:
        points["spo2"] = _spo2_points(v.spo2, v.spo2_scale, v.on_oxygen)
    if v.on_oxygen is not None:
        points["on_oxygen"] = 2 if v.on_oxygen else 0
    if v.systolic_bp is not None:
        points["systolic_bp"] = _band(v.systolic_bp, _SYSTOLIC, 3)
    if v.pulse is not None:
        points["pulse"] = _band(v.pulse, _PULSE, 3)
    if v.consciousness is not None:
        points["consciousness"] = 0 if v.consciousness == "A" else 3
    if v.temperature is not None:
        points["temperature"] = _band(_tenths(v.temperature), _TEMPERATURE_TENTHS, 2)
    return points


# -- the result -------------------------------------------------------------------------------


@dataclass(frozen=True)
class News2:
    total: int
    risk: Risk
    partial: bool  # some parameter missing: scored from what is there
    parameters: dict[str, int]  # points per parameter present, keys as VitalSigns' fields
    missing: tuple[str, ...]
    red_score: bool  # any single parameter scored 3
    monitoring: str  # "12h", "4-6h", "1h", "continuous"
    response: str  # "routine", "ward-based", "key-threshold/urgent-ward", "urgent", "emergency"


def _risk(total: int, red_score: bool) -> Risk:
    if total >= 7:
        return "high"
    if total >= 5:
        return "medium"
    return "low-medium" if red_score else "low"


def _monitoring(total: int, red_score: bool) -> str:
    if total >= 7:
        return MONITORING_CONTINUOUS
    if total >= 5 or red_score:
        return MONITORING_1H
    return MONITORING_4_6H if total >= 1 else MONITORING_12H


def _response(total: int, red_score: bool) -> str:
    if total >= 7:
        return RESPONSE_EMERGENCY
    if total >= 5:
        return RESPONSE_URGENT
    if red_score:
        return RESPONSE_URGENT_WARD
    return RESPONSE_WARD if total >= 1 else RESPONSE_ROUTINE


def score(v: VitalSigns) -> News2:
    """The NEWS2 of one set: points per parameter, total, risk, monitoring and response."""
    points = _points(v)
    missing = tuple(name for name in PARAMETERS if name not in points)
    total = sum(points.values())
    red_score = 3 in points.values()
    return News2(
        total=total,
        risk=_risk(total, red_score),
        partial=bool(missing),
        parameters=points,
        missing=missing,
        red_score=red_score,
        monitoring=_monitoring(total, red_score),
        response=_response(total, red_score),
    )
