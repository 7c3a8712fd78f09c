"""The outcome settings and the cost model (``outcomes.yaml``), validated. Pure: no database.

``load(path)`` reads the shipped file and lays an optional file over it; ``UnitCosts`` are
resolved per year, authority and organisation by ``Settings.costs_for``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

SHIPPED = Path(__file__).parent / "outcomes.yaml"
STAFF_ROLES = (
    "physician",
    "registered_nurse",
    "assistant_nurse",
    "physiotherapist",
    "occupational_therapist",
    "pharmacist",
    "coordinator",
)


class ConfigError(ValueError):
    """The settings file is invalid; the message names the file and the field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PathwaySettings(_Strict):
    expected_inpatient_days: float | None = Field(default=None, ge=0, le=365)
    deaths_expected: bool = False
    ed_visits_avoided_per_episode: float = Field(default=0, ge=0, le=100)


class CostValues(_Strict):
    """Unit costs; in an override every field is optional (None: keep the default's)."""

    price_year: int | None = Field(default=None, ge=1990, le=2100)
    bed_day: float | None = Field(default=None, ge=0)
    emergency_visit: float | None = Field(default=None, ge=0)
    staff_hour: dict[str, float] = Field(default_factory=dict)
    travel_per_km: float | None = Field(default=None, ge=0)


class CostOverride(CostValues):
    year: int | None = Field(default=None, ge=1990, le=2100)
    authority: str | None = Field(default=None, min_length=1)
    organisation: str | None = Field(default=None, min_length=1)

    @property
    def specificity(self) -> int:
        """An organisation is more specific than its authority, which is more specific than
        a year: organisation 4, authority 2, year 1, added up."""
        return (
            4 * (self.organisation is not None)
            + 2 * (self.authority is not None)
            + (self.year is not None)
        )


class CostModel(_Strict):
    currency: str = "SEK"
    default: CostValues
    overrides: list[CostOverride] = Field(default_factory=list)


class UnitCosts(_Strict):
    """The costs that apply to one thing (a year and an authority / organisation)."""

    currency: str
    price_year: int
    bed_day: float
    emergency_visit: float
    staff_hour: dict[str, float]
    travel_per_km: float
    applied: tuple[str, ...] = ()  # the overrides that matched, described

    def hour(self, role: str) -> float | None:
        return self.staff_hour.get(role)


class Settings(_Strict):
    follow_up_days: int = Field(default=30, ge=1, le=365)
    care_request_answer_hours: float = Field(default=24, gt=0, le=24 * 30)
    pathways: dict[str, PathwaySettings] = Field(default_factory=dict)
    unit_costs: CostModel

    def pathway(self, key: str, registry_days: dict[str, float]) -> PathwaySettings:
        """The pathway's settings; expected_inpatient_days from the pathway YAML unless set
        here (None: known nowhere)."""
        own = self.pathways.get(key, PathwaySettings())
        if own.expected_inpatient_days is None and key in registry_days:
            return own.model_copy(update={"expected_inpatient_days": registry_days[key]})
        return own

    def costs_for(
        self, year: int, authority: str | None = None, organisation: str | None = None
    ) -> UnitCosts:
        model = self.unit_costs
        matching = [
            (o.specificity, index, o)
            for index, o in enumerate(model.overrides)
            if (o.year is None or o.year == year)
            and (o.authority is None or o.authority == authority)
            and (o.organisation is None or o.organisation == organisation)
        ]
        matching.sort(key=lambda m: (m[0], m[1]))
        values: dict[str, Any] = model.default.model_dump()
        staff = dict(values["staff_hour"])
        applied = []
        for _, _, o in matching:
            for key in ("price_year", "bed_day", "emergency_visit", "travel_per_km"):
                if getattr(o, key) is not None:
                    values[key] = getattr(o, key)
            staff.update(o.staff_hour)
            applied.append(
                ", ".join(
                    f"{k}={v}"
                    for k, v in (
                        ("year", o.year),
                        ("authority", o.authority),
                        ("organisation", o.organisation),
                    )
                    if v is not None
                )
                or "(all)"
            )
        values["staff_hour"] = staff
        return UnitCosts(currency=model.currency, applied=tuple(applied), **values)


def _merge(base: Any, over: Any) -> Any:
    if isinstance(base, dict) and isinstance(over, dict):
        merged = dict(base)
        for key, value in over.items():
            merged[key] = _merge(base[key], value) if key in base else value
        return merged
    return over


def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: must be a mapping (key: value), not a {type(data).__name__}")
    return data


def load(extra: Path | None = None) -> Settings:
    """The shipped settings, with ``extra`` laid over them."""
    data = _read(SHIPPED)
    if extra is not None:
        data = _merge(data, _read(extra))
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'file'}: {e['msg']}" for e in exc.errors()
        )
        raise ConfigError(f"{extra or SHIPPED}: {problems}") from exc
    missing = [r for r in STAFF_ROLES if r not in settings.unit_costs.default.staff_hour]
    if missing or settings.unit_costs.default.bed_day is None:
        raise ConfigError(
            f"{extra or SHIPPED}: unit_costs.default must give bed_day, emergency_visit, "
            f"travel_per_km, price_year and staff_hour for {', '.join(STAFF_ROLES)}"
            + (f" (missing: {', '.join(missing)})" if missing else "")
        )
    d = settings.unit_costs.default
    if d.emergency_visit is None or d.travel_per_km is None or d.price_year is None:
        raise ConfigError(
            f"{extra or SHIPPED}: unit_costs.default must give bed_day, emergency_visit, "
            "travel_per_km and price_year"
        )
    return settings
