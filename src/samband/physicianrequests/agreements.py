"""The agreements between organisations on physician requests (*avtal om läkarmedverkan*):
the limits for an answer per urgency, the fixed physician's office hours, when an
unanswered request goes to the next level, and who covers outside office hours. Pure: no
database, no web (docs/physician-agreements.md describes the file).

- ``load(path)`` reads ``agreements.yaml`` (shipped beside this module, or the file
  ``SAMBAND_AGREEMENTS_FILE`` names), validated: a ``default`` agreement and named ones; a
  named agreement takes every field it does not give from the default.
- ``Agreements.match(asking, physicians)``: the named agreement for the asking
  organisation's code and the physicians' organisation's code (the one naming both wins
  over one naming either), else the default.
- ``due_at(urgency, asked_at, agreement)``: the limit for the answer. Acute: asked +
  ``acute_minutes``. Same day: that day at ``same_day_until`` (local time) when asked
  before it, else the next working day at that time. Planned: ``planned_working_days``
  working days (Monday–Friday, not a listed holiday) later, at the same clock time.
  Wall-clock arithmetic in Europe/Stockholm, so a DST change moves no limit.
- ``in_office_hours(agreement, at)``: whether the fixed physician takes requests now.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from samband.kit.time import STOCKHOLM

SHIPPED = Path(__file__).parent / "agreements.yaml"
DEFAULT_KEY = "default"
_CLOCK = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


class Urgency(StrEnum):
    ACUTE = "acute"  # akut: within minutes
    SAME_DAY = "same_day"  # samma dag: before the afternoon's limit
    PLANNED = "planned"  # planerad: within working days


class AgreementError(ValueError):
    """The agreements file is invalid; the message names the file and the field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _clock(value: str) -> str:
    if not _CLOCK.match(value):
        raise ValueError(f"{value!r} is not a clock time HH:MM (00:00–23:59)")
    return value


def minutes_of(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


class OfficeHours(_Strict):
    """When the fixed physician takes requests (local time): by default Monday–Friday
    08:00–16:00."""

    weekdays: tuple[int, ...] = (1, 2, 3, 4, 5)  # ISO: 1 Monday .. 7 Sunday
    start: str = "08:00"
    end: str = "16:00"

    @field_validator("start", "end")
    @classmethod
    def _times(cls, value: str) -> str:
        return _clock(value)

    @field_validator("weekdays")
    @classmethod
    def _days(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        wrong = [d for d in value if not 1 <= d <= 7]
        if wrong:
            raise ValueError(f"weekdays are 1 (Monday) to 7 (Sunday), not {wrong}")
        return tuple(sorted(set(value)))


class EscalateAfter(_Strict):
    """Minutes a level waits, once the limit has passed, before the request goes to the
    next level, per urgency."""

    acute: int = Field(default=15, ge=1, le=24 * 60)
    same_day: int = Field(default=60, ge=1, le=24 * 60)
    planned: int = Field(default=480, ge=1, le=7 * 24 * 60)

    def of(self, urgency: str) -> int:
        return int(getattr(self, Urgency(urgency).value))


class Agreement(_Strict):
    key: str = DEFAULT_KEY
    name: str | None = None
    # the organisations (codes) it is between: the asking ones (e.g. the municipality's home
    # health care) and the physicians' (e.g. the primary care centre); empty: any
    asking_organisations: tuple[str, ...] = ()
    physician_organisations: tuple[str, ...] = ()
    acute_minutes: int = Field(default=30, ge=1, le=24 * 60)
    same_day_until: str = "16:00"
    planned_working_days: int = Field(default=3, ge=1, le=60)
    office_hours: OfficeHours = OfficeHours()
    escalate_after: EscalateAfter = EscalateAfter()
    # the organisation (code) whose physician on call covers outside office hours and is
    # the next level after the physicians' own on-call physician (e.g. the hospital's)
    on_call_organisation: str | None = None
    # days that are not working days (röda dagar): no office hours, not counted
    holidays: tuple[date, ...] = ()

    @field_validator("same_day_until")
    @classmethod
    def _until(cls, value: str) -> str:
        return _clock(value)

    def specificity(self, asking: str | None, physicians: str | None) -> int:
        """How well it fits (0: not at all): naming both organisations 3, only the
        physicians' 2, only the asking one 1."""
        if not self.asking_organisations and not self.physician_organisations:
            return 0
        if self.asking_organisations and asking not in self.asking_organisations:
            return 0
        if self.physician_organisations and physicians not in self.physician_organisations:
            return 0
        return 2 * bool(self.physician_organisations) + bool(self.asking_organisations)

    def is_working_day(self, day: date) -> bool:
        return day.isoweekday() <= 5 and day not in self.holidays


class Agreements(_Strict):
    default: Agreement
    agreements: dict[str, Agreement] = Field(default_factory=dict)

    def get(self, key: str) -> Agreement:
        """The agreement by its key; the default for an unknown one (a request made under
        an agreement since removed from the file keeps working)."""
        return self.agreements.get(key, self.default)

    def match(self, asking: str | None, physicians: str | None) -> Agreement:
        best: tuple[int, int, Agreement] | None = None
        for index, agreement in enumerate(self.agreements.values()):
            score = agreement.specificity(asking, physicians)
            if score and (best is None or score > best[0]):
                best = (score, index, agreement)
        return best[2] if best else self.default


# -- time rules -----------------------------------------------------------------------------


def _local(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError("a time with a time zone")
    return at.astimezone(STOCKHOLM)


def _wall(day: date, minutes: int) -> datetime:
    """``minutes`` after local midnight of ``day`` (wall clock) → aware UTC."""
    naive = datetime.combine(day, time(0)) + timedelta(minutes=minutes)
    return naive.replace(tzinfo=STOCKHOLM).astimezone(UTC)


def next_working_day(agreement: Agreement, day: date) -> date:
    day += timedelta(days=1)
    while not agreement.is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_days(agreement: Agreement, day: date, count: int) -> date:
    for _ in range(count):
        day = next_working_day(agreement, day)
    return day


def due_at(urgency: str, asked_at: datetime, agreement: Agreement) -> datetime:
    """The agreed limit for the answer to a request asked at ``asked_at`` (aware; UTC out)."""
    kind = Urgency(urgency)
    local = _local(asked_at)
    if kind is Urgency.ACUTE:
        return (asked_at + timedelta(minutes=agreement.acute_minutes)).astimezone(UTC)
    if kind is Urgency.SAME_DAY:
        until = minutes_of(agreement.same_day_until)
        before = local.replace(tzinfo=None) < datetime.combine(local.date(), time(0)) + timedelta(
            minutes=until
        )
        day = local.date() if before else next_working_day(agreement, local.date())
        return _wall(day, until)
    day = add_working_days(agreement, local.date(), agreement.planned_working_days)
    return datetime.combine(day, local.time()).replace(tzinfo=STOCKHOLM).astimezone(UTC)


def in_office_hours(agreement: Agreement, at: datetime) -> bool:
    local = _local(at)
    hours = agreement.office_hours
    if local.isoweekday() not in hours.weekdays or local.date() in agreement.holidays:
        return False
    clock = local.hour * 60 + local.minute
    return minutes_of(hours.start) <= clock < minutes_of(hours.end)


def escalation_due(
    agreement: Agreement, urgency: str, *, due: datetime, level_since: datetime, now: datetime
) -> bool:
    """An open request goes to the next level when its limit has passed and its current
    level has had it for the agreement's ``escalate_after`` minutes."""
    wait = timedelta(minutes=agreement.escalate_after.of(urgency))
    return now >= due and now - level_since >= wait


# -- loading --------------------------------------------------------------------------------


def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise AgreementError(f"{path}: cannot be read ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise AgreementError(f"{path}: not UTF-8 text") from exc
    except yaml.YAMLError as exc:
        raise AgreementError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise AgreementError(f"{path}: must be a mapping with a 'default' agreement")
    return data


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            merged[key] = {**base[key], **value}
        else:
            merged[key] = value
    return merged


def parse(data: dict[str, Any], source: str = "agreements") -> Agreements:
    """Validate the file's content; a named agreement takes what it leaves out from the
    default (its organisations excepted)."""
    default = data.get(DEFAULT_KEY)
    if not isinstance(default, dict):
        raise AgreementError(f"{source}: default: a mapping (the default agreement) is needed")
    unknown = sorted(set(data) - {DEFAULT_KEY, "agreements"})
    if unknown:
        raise AgreementError(f"{source}: unknown keys {unknown}; use 'default' and 'agreements'")
    named = data.get("agreements") or {}
    if not isinstance(named, dict):
        raise AgreementError(f"{source}: agreements: a mapping of key → agreement")
    inherited = {
        k: v
        for k, v in default.items()
        if k not in ("asking_organisations", "physician_organisations", "name")
    }
    content: dict[str, Any] = {"default": {**default, "key": DEFAULT_KEY}, "agreements": {}}
    for key, agreement in named.items():
        if not isinstance(agreement, dict):
            raise AgreementError(f"{source}: agreements.{key}: a mapping")
        if key == DEFAULT_KEY:
            raise AgreementError(f"{source}: agreements.{key}: the key 'default' is taken")
        merged = _merge(inherited, agreement)
        content["agreements"][str(key)] = {**merged, "key": str(key)}
    try:
        found = Agreements.model_validate(content)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'file'}: {e['msg']}" for e in exc.errors()
        )
        raise AgreementError(f"{source}: {problems}") from exc
    if found.default.asking_organisations or found.default.physician_organisations:
        raise AgreementError(f"{source}: default: names no organisations (it applies to all)")
    for key, agreement in found.agreements.items():
        if not agreement.asking_organisations and not agreement.physician_organisations:
            raise AgreementError(
                f"{source}: agreements.{key}: name asking_organisations and/or "
                "physician_organisations (the organisation codes it is between)"
            )
    return found


def load(path: Path | None = None) -> Agreements:
    """The agreements file (``path``, else the shipped one), validated."""
    source = path or SHIPPED
    return parse(_read(source), str(source))
