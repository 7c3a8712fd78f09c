"""Discharge criteria evaluated from data. Pure: no database, no web.

A discharge criterion of the care plan is a text ("Afebrile for 48 hours and CRP falling");
it may carry **rules** the data can check, given in the plan
(``{"text": "CRP sjunkande", "rule": "crp_falling"}``) or recognised in its text (English or
Swedish). A criterion without rules stays a manual one: a person ticks it, as before.

- ``crp_falling``: met when the latest CRP is below the one before it **and** at least 10 %
  below the episode's first; not enough data with fewer than two CRP results.
- ``afebrile_48h``: met when every temperature of the last 48 h is below 38.0 °C, at least 4
  of them, the oldest at least 36 h old; not met when one is 38.0 or above; otherwise not
  enough data.
- ``<test>_below_<N>`` (e.g. ``crp_below_50``): met when the test's latest result is below N;
  not enough data without a result.

A criterion with several rules is met when all are met, not met when one is not met, and
otherwise lacks data. Every evaluation says why, as a message with its numbers
("CRP 84 → 52 mg/L (3/12 → 5/12)"); the pages and the API show it; a person still confirms
the criterion in the round note.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from samband.kit.i18n import Msg, msg
from samband.kit.time import STOCKHOLM
from samband.labresults import loinc

FEVER = 38.0  # °C: a temperature at or above it is fever
AFEBRILE_HOURS = 48
AFEBRILE_MIN_COUNT = 4  # two a day for two days (the OPAT schedule measures 08 and 18)
AFEBRILE_OLDEST_HOURS = 36  # the measurements must reach back over most of the 48 hours
CRP_MARGIN = 0.10  # the latest CRP at least 10 % below the first

RULE_PATTERN = r"^(crp_falling|afebrile_48h|[a-z]+_below_\d+(\.\d+)?)$"
_BELOW = re.compile(r"^([a-z]+)_below_(\d+(?:\.\d+)?)$")


class Status(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    NO_DATA = "not_enough_data"


@dataclass(frozen=True)
class Point:
    at: datetime
    value: float


@dataclass(frozen=True)
class RuleResult:
    rule: str
    status: Status
    why: Msg


@dataclass(frozen=True)
class Evaluation:
    """One criterion: its rules evaluated (none: a manual criterion)."""

    text: str
    rules: list[RuleResult] = field(default_factory=list)

    @property
    def is_data(self) -> bool:
        return bool(self.rules)

    @property
    def status(self) -> Status | None:
        if not self.rules:
            return None
        found = {r.status for r in self.rules}
        if found == {Status.MET}:
            return Status.MET
        if Status.NOT_MET in found:
            return Status.NOT_MET
        return Status.NO_DATA


def valid_rule(rule: str) -> bool:
    if not re.match(RULE_PATTERN, rule):
        return False
    below = _BELOW.match(rule)
    return below is None or below.group(1) in loinc.TESTS


_RECOGNISED: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            r"\bcrp\b[^.;]{0,12}\b(falling|decreasing|declining|sjunk\w*|fall\w*|minsk\w*)"
            r"|\b(falling|decreasing|declining|sjunkande)\s+crp\b",
            re.IGNORECASE,
        ),
        "crp_falling",
    ),
    (
        re.compile(
            r"\b(afebrile|afebril|feberfri)\b\D{0,20}48\s*(h\b|hours?|tim\w*)", re.IGNORECASE
        ),
        "afebrile_48h",
    ),
]
_BELOW_TEXT = re.compile(
    r"\b(crp)\s*(?:<|under|below|less than|lägre än)\s*(\d+(?:[.,]\d+)?)", re.IGNORECASE
)


def recognise(text: str) -> list[str]:
    """The rules a criterion's text names (English or Swedish), in a fixed order."""
    found = [rule for pattern, rule in _RECOGNISED if pattern.search(text)]
    for match in _BELOW_TEXT.finditer(text):
        number = match.group(2).replace(",", ".")
        found.append(f"{match.group(1).lower()}_below_{number}")
    return found


def rules_of(text: str, given: Mapping[str, Sequence[str]]) -> list[str]:
    """The rules of a criterion: as given in the plan, else recognised in its text."""
    if text in given:
        return list(given[text])
    return recognise(text)


def _day(at: datetime) -> str:
    local = at.astimezone(STOCKHOLM)
    return f"{local.day}/{local.month}"


def _num(value: float, digits: int = 1) -> float | int:
    rounded = round(value, digits)
    return int(rounded) if rounded == int(rounded) else rounded


def crp_falling(crp: Sequence[Point]) -> RuleResult:
    rule = "crp_falling"
    points = sorted(crp, key=lambda p: p.at)
    unit = loinc.TESTS["crp"].unit
    if len(points) < 2:
        return RuleResult(rule, Status.NO_DATA, msg("labresults.why.crp_too_few", n=len(points)))
    first, previous, latest = points[0], points[-2], points[-1]
    params = {
        "previous": _num(previous.value),
        "latest": _num(latest.value),
        "unit": unit,
        "previous_day": _day(previous.at),
        "latest_day": _day(latest.at),
        "first": _num(first.value),
    }
    if latest.value >= previous.value:
        return RuleResult(rule, Status.NOT_MET, msg("labresults.why.crp_not_falling", **params))
    if latest.value > first.value * (1 - CRP_MARGIN):
        return RuleResult(rule, Status.NOT_MET, msg("labresults.why.crp_not_below_first", **params))
    return RuleResult(rule, Status.MET, msg("labresults.why.crp_falling", **params))


def afebrile(temperatures: Iterable[Point], now: datetime) -> RuleResult:
    rule = "afebrile_48h"
    since = now - timedelta(hours=AFEBRILE_HOURS)
    window = sorted((p for p in temperatures if since <= p.at <= now), key=lambda p: p.at)
    if not window:
        return RuleResult(rule, Status.NO_DATA, msg("labresults.why.no_temperature"))
    highest = max(window, key=lambda p: p.value)
    params = {"highest": _num(highest.value), "n": len(window), "at": highest.at}
    if highest.value >= FEVER:
        return RuleResult(rule, Status.NOT_MET, msg("labresults.why.fever", **params))
    oldest_needed = now - timedelta(hours=AFEBRILE_OLDEST_HOURS)
    if len(window) < AFEBRILE_MIN_COUNT or window[0].at > oldest_needed:
        return RuleResult(
            rule,
            Status.NO_DATA,
            msg("labresults.why.afebrile_too_few", needed=AFEBRILE_MIN_COUNT, **params),
        )
    return RuleResult(rule, Status.MET, msg("labresults.why.afebrile", **params))


def below(test_key: str, limit: float, points: Sequence[Point]) -> RuleResult:
    rule = f"{test_key}_below_{_num(limit, 3)}"
    test = loinc.TESTS[test_key]
    if not points:
        return RuleResult(rule, Status.NO_DATA, msg("labresults.why.no_result", test=test_key))
    latest = max(points, key=lambda p: p.at)
    params = {
        "test": test_key.upper() if test_key == "crp" else test_key,
        "value": _num(latest.value),
        "limit": _num(limit, 3),
        "unit": test.unit_text,
        "day": _day(latest.at),
    }
    if latest.value < limit:
        return RuleResult(rule, Status.MET, msg("labresults.why.below", **params))
    return RuleResult(rule, Status.NOT_MET, msg("labresults.why.not_below", **params))


def evaluate_rule(
    rule: str,
    results: Mapping[str, Sequence[Point]],
    temperatures: Sequence[Point],
    now: datetime,
) -> RuleResult:
    """One rule against an episode's data: its lab results by test key (not entered in
    error) and its temperatures."""
    if rule == "crp_falling":
        return crp_falling(results.get("crp", []))
    if rule == "afebrile_48h":
        return afebrile(temperatures, now)
    found = _BELOW.match(rule)
    if found and found.group(1) in loinc.TESTS:
        return below(found.group(1), float(found.group(2)), results.get(found.group(1), []))
    return RuleResult(rule, Status.NO_DATA, msg("labresults.why.unknown_rule", rule=rule))


def evaluate(
    criteria: Sequence[str],
    given: Mapping[str, Sequence[str]],
    results: Mapping[str, Sequence[Point]],
    temperatures: Sequence[Point],
    now: datetime,
) -> list[Evaluation]:
    """Every criterion of a plan, in order: its rules (given or recognised) evaluated."""
    return [
        Evaluation(
            text,
            [evaluate_rule(r, results, temperatures, now) for r in rules_of(text, given)],
        )
        for text in criteria
    ]


def given_rules(content: Mapping[str, object]) -> dict[str, list[str]]:
    """The rules a plan's content gives its criteria (``criterion_rules``)."""
    out: dict[str, list[str]] = {}
    listed = content.get("criterion_rules")
    if not isinstance(listed, list):
        return out
    for item in listed:
        if isinstance(item, dict):
            text, rules = item.get("criterion"), item.get("rules")
            if isinstance(text, str) and isinstance(rules, list):
                out[text] = [r for r in rules if isinstance(r, str)]
    return out
