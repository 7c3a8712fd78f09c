"""When an alert is raised, how severe it is, its life cycle and its escalation ladder.
Pure: no database, no web (docs/decisions/0006-observations-and-alerts.md).

- **NEWS2** (RCP 2017 response table): high (7 or more) → a ``high`` alert; medium (5-6)
  → ``medium``; low-medium (a single parameter scoring 3) → ``medium``, because the chart
  asks for the same hourly monitoring and an urgent response by a registered nurse who
  informs the medical team; low (1-4 without a 3) and 0 → no alert, only the trend.
- **Limits** from the care plan's escalation plan (``AlertLimit``): each crossed limit
  counts; the alert takes the highest severity among them.
- **Missed measurements**: a scheduled time (the pathway's ``vital_signs.times``, local
  time) whose set has not arrived ``grace_minutes`` after it → ``medium``; when the time
  before it was missed too → ``high``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from samband.kit.errors import Problem, problem
from samband.kit.i18n import Msg, Source, msg
from samband.kit.stored import load_params
from samband.pathways.definition import LIMIT_UNITS, AlertLimit

SEVERITY_RANK = {"low": 1, "medium": 2, "high": 3}
NEWS2_SEVERITY = {"high": "high", "medium": "medium", "low-medium": "medium"}
MAX_LEVEL = 3
LEVELS = {
    1: "the care contact and the registered nurses of the responsible unit",
    2: "the responsible physician",
    3: "the head of the responsible unit and the on-call physician",
}


class Kind(StrEnum):
    NEWS2 = "news2"
    LIMIT = "limit"
    MISSED = "missed_measurement"
    # a medication visit (an IV dose) left unstaffed by a published day plan, or missed
    # (visits.service, docs/decisions/0015)
    MEDICATION_VISIT = "medication_visit"
    # issue 14 (medadmin): a dose not signed by the end of its window; an as-needed dose's
    # effect not followed up in time (medadmin.service.check_doses)
    UNSIGNED_DOSE = "unsigned_dose"
    DOSE_FOLLOWUP = "dose_followup"
    # issue 14 (palliative): an ESAS-r symptom assessment over the pathway's limits
    # (palliative.service.record)
    SYMPTOM = "symptom"


class Status(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    ACTION_TAKEN = "action_taken"
    CLOSED = "closed"


class Move(StrEnum):
    ACKNOWLEDGE = "acknowledge"
    ACTION = "action"
    CLOSE = "close"


class Action(StrEnum):
    PHONE_CALL = "phone_call"
    EXTRA_VISIT = "extra_visit"
    PHYSICIAN_CONSULTED = "physician_consulted"
    DIRECT_ADMISSION = "direct_admission"
    NONE_NEEDED = "none_needed"


ACTIVE = frozenset({Status.OPEN, Status.ACKNOWLEDGED, Status.ACTION_TAKEN})

# What each status allows. Recording an action on an open alert acknowledges it too (an
# emergency is not delayed by a separate click); closing needs an action first (none_needed
# if nothing was needed), so every closed alert says what was done.
MOVES: dict[str, frozenset[Move]] = {
    Status.OPEN: frozenset({Move.ACKNOWLEDGE, Move.ACTION}),
    Status.ACKNOWLEDGED: frozenset({Move.ACTION}),
    Status.ACTION_TAKEN: frozenset({Move.ACTION, Move.CLOSE}),
    Status.CLOSED: frozenset(),
}


def allowed_moves(status: str) -> list[str]:
    return sorted(m.value for m in MOVES.get(status, frozenset()))


def higher(a: str, b: str) -> bool:
    """Whether severity ``a`` is higher than ``b``."""
    return SEVERITY_RANK[a] > SEVERITY_RANK[b]


def highest(severities: Iterable[str]) -> str:
    return max(severities, key=lambda s: SEVERITY_RANK[s])


@dataclass(frozen=True)
class Trigger:
    """Why an alert is raised: its reason is a problem (a code and parameters, stored so
    that it reads in either language: ``alert.news2``, ``alert.limit``, ``alert.missed``…);
    a plain text is a reason not yet given a code, kept as written."""

    kind: Kind
    severity: str
    problem: Problem | str
    score: int | None = None  # NEWS2's total, for a message that names no patient

    @property
    def reason(self) -> str:
        """The reason in English (the API's ``reason``)."""
        return self.problem.text("en") if isinstance(self.problem, Problem) else self.problem


def parameter(name: str) -> Msg:
    """A vital sign (or NEWS2, weight gain) as a word in a reason: ``alert.param.*``."""
    return msg(f"alert.param.{name}")


def entry_note(entry: Mapping[str, Any]) -> Problem | str | None:
    """The note of a line of an alert's history (or of a refused admission's ``reason``): the
    system's note as its problem, a person's note (or an older line) as written."""
    code = entry.get("note_code") or entry.get("reason_code")
    if isinstance(code, str):
        return Problem(code, load_params(entry.get("note_params") or entry.get("reason_params")))
    note = entry.get("note", entry.get("reason"))
    return str(note) if note else None


# -- NEWS2 ----------------------------------------------------------------------------------


def news2_trigger(
    total: int, risk: str, parameters: Mapping[str, int], missing: Sequence[str]
) -> Trigger | None:
    severity = NEWS2_SEVERITY.get(risk)
    if severity is None:
        return None
    scored = [
        msg("alert.scored", what=parameter(name), points=p) for name, p in parameters.items() if p
    ]
    params: dict[str, Any] = {"total": total, "risk": msg(f"alert.risk.{risk}"), "scored": scored}
    if missing:
        reason = problem("alert.news2_partial", **params, missing=[parameter(m) for m in missing])
    else:
        reason = problem("alert.news2", **params)
    return Trigger(Kind.NEWS2, severity, reason, score=total)


# -- limits ---------------------------------------------------------------------------------

_OPS = {
    ">=": lambda v, limit: v >= limit,
    ">": lambda v, limit: v > limit,
    "<=": lambda v, limit: v <= limit,
    "<": lambda v, limit: v < limit,
}
_SIGNS = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def _quantity(value: float, unit: str) -> float | int | Msg:
    """A number with its unit (``alert.quantity``: "38,5 °C" in Swedish); NEWS2 has none."""
    return msg("alert.quantity", value=_number(value), unit=unit) if unit else _number(value)


def crossed_limit(limit: AlertLimit, value: float) -> Msg:
    """One crossed limit in words: ``alert.limit_part`` (the value and the limit with their
    unit, the sign; ``_within``: the period; ``_noted``: the care plan's note, a
    configuration text)."""
    unit = "" if limit.parameter == "news2_total" else LIMIT_UNITS[limit.parameter]
    params: dict[str, object] = {
        "what": parameter(limit.parameter),
        "value": _quantity(value, unit),
        "op": _SIGNS[limit.op],
        "limit": _quantity(limit.value, unit),
    }
    key = "alert.limit_part"
    if limit.within_hours:
        key += "_within"
        params["hours"] = limit.within_hours
    if limit.note:
        key += "_noted"
        params["note"] = Source(limit.note)
    return msg(key, **params)


def limit_reason(parts: Sequence[Msg]) -> Problem:
    return problem("alert.limit", limits=list(parts))


def limit_trigger(
    values: Mapping[str, float | None], limits: Sequence[AlertLimit]
) -> Trigger | None:
    """The care-plan limits the values cross, as one trigger (the highest severity wins).
    ``values`` holds the set's values by parameter, ``news2_total`` and ``weight_gain``
    (the rise over the limit's period, computed by the caller) where known."""
    crossed: list[tuple[AlertLimit, float]] = []
    for limit in limits:
        value = values.get(limit.parameter)
        if value is not None and _OPS[limit.op](value, limit.value):
            crossed.append((limit, value))
    if not crossed:
        return None
    parts = [crossed_limit(limit, value) for limit, value in crossed]
    severity = highest(limit.severity for limit, _ in crossed)
    return Trigger(Kind.LIMIT, severity, limit_reason(parts))


def weight_gain(weight: float, earlier: Iterable[float]) -> float | None:
    """The rise of ``weight`` over the lowest earlier weight of the period (None: none)."""
    lowest = min(earlier, default=None)
    return None if lowest is None else round(weight - lowest, 2)


# -- missed measurements ----------------------------------------------------------------------


def _clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def scheduled_times(
    times: Sequence[str], tz: ZoneInfo, start: datetime, end: datetime
) -> list[datetime]:
    """Every scheduled time (local ``HH:MM``) in [start, end], as aware UTC datetimes."""
    first: date = start.astimezone(tz).date() - timedelta(days=1)
    last: date = end.astimezone(tz).date() + timedelta(days=1)
    slots: list[datetime] = []
    day = first
    while day <= last:
        for text in times:
            local = datetime.combine(day, _clock(text), tzinfo=tz)
            slot = local.astimezone(UTC)
            if start <= slot <= end:
                slots.append(slot)
        day += timedelta(days=1)
    return sorted(set(slots))


def due_slots(
    times: Sequence[str],
    grace: timedelta,
    tz: ZoneInfo,
    *,
    since: datetime,
    now: datetime,
    lookback: timedelta,
) -> list[datetime]:
    """The scheduled times after ``since`` (the patient came home) whose grace time ended
    in the last ``lookback`` up to ``now``: the sets that should have arrived by now."""
    start = max(since, now - lookback - grace)
    return [slot for slot in scheduled_times(times, tz, start, now) if slot + grace <= now]


def previous_slot(times: Sequence[str], tz: ZoneInfo, slot: datetime) -> datetime | None:
    earlier = scheduled_times(times, tz, slot - timedelta(days=2), slot - timedelta(seconds=1))
    return earlier[-1] if earlier else None


def covered(slot: datetime, grace: timedelta, measured: Iterable[datetime]) -> bool:
    """Whether a set measured within the grace time either side of the slot arrived."""
    return any(slot - grace <= at <= slot + grace for at in measured)


def missed_trigger(slot: datetime, tz: ZoneInfo, grace: timedelta, *, repeated: bool) -> Trigger:
    local = slot.astimezone(tz)
    when: dict[str, Any] = {
        "day": f"{local:%Y-%m-%d}",
        "time": f"{local:%H:%M}",
        "minutes": int(grace.total_seconds() // 60),
    }
    if repeated:
        return Trigger(Kind.MISSED, "high", problem("alert.missed_again", **when))
    return Trigger(Kind.MISSED, "medium", problem("alert.missed", **when))


# -- escalation -------------------------------------------------------------------------------


def escalation_minutes(severity: str, minutes: Mapping[str, int]) -> timedelta:
    return timedelta(minutes=minutes[severity])


def catch_up(
    level: int, due_at: datetime, now: datetime, interval: timedelta
) -> tuple[int, datetime | None]:
    """The level an unacknowledged alert has reached by ``now`` and when the next level is
    due (None at the top). A check that ran late raises every level that fell due."""
    next_due: datetime | None = due_at
    while next_due is not None and next_due <= now and level < MAX_LEVEL:
        level += 1
        next_due = next_due + interval if level < MAX_LEVEL else None
    if level >= MAX_LEVEL:
        next_due = None
    return level, next_due
