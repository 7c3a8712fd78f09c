"""The regional potential calculator: what a care model could save a year, as ranges.

For each target group (the format is in ``docs/simulation.md``)::

    persons           = population.count               or  population.base × population.share
    reached           = persons × coverage              (default coverage 1)
    bed-days saved    = reached × baseline.bed_days_per_person × effects.bed_days
    ED visits saved   = reached × baseline.emergency_visits_per_person × effects.emergency_visits
    costs saved (SEK) = bed-days saved × unit_costs.bed_day_sek
                        + ED visits saved × unit_costs.emergency_visit_sek

or, when a published estimate gives the reductions themselves, ``reductions.bed_days`` and
``reductions.emergency_visits`` take the place of the products. Every input may be a number
or a range ``[low, high]``; the low end of a result multiplies the low ends, the high end the
high ends. Totals add the groups; the net saving subtracts ``added_costs_sek`` (the yearly
cost of the new care), its low end from the high end of the savings' low end:
net = [gross_low − added_high, gross_high − added_low].

Default unit costs: 8 900 SEK per inpatient bed-day (KPP, internal medicine) and 3 500 SEK per
emergency-department visit (KPP, all included), 2017 values, as used by the Västra Götaland
simulation cited in the SKR / Governo overview (seed 002, section 4.2, footnote 78).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from samband.simulation.fields import Fields

DEFAULT_BED_DAY_SEK = 8_900.0
DEFAULT_EMERGENCY_VISIT_SEK = 3_500.0
DEFAULT_PRICE_YEAR = 2017
DEFAULT_UNIT_COST_SOURCE = (
    "KPP 2017 (internal medicine bed-day; emergency visit, all included), as cited in "
    "SKR/Governo 2025, section 4.2, footnote 78"
)


class PotentialError(ValueError):
    """A potential file that cannot be used; the message names the field."""


_fields = Fields(PotentialError)

Span = tuple[float, float]


def _mul(*spans: Span) -> Span:
    low, high = 1.0, 1.0
    for a, b in spans:
        low, high = low * a, high * b
    return low, high


def _add(*spans: Span) -> Span:
    return sum(s[0] for s in spans), sum(s[1] for s in spans)


@dataclass(frozen=True)
class UnitCosts:
    bed_day_sek: float = DEFAULT_BED_DAY_SEK
    emergency_visit_sek: float = DEFAULT_EMERGENCY_VISIT_SEK
    price_year: int = DEFAULT_PRICE_YEAR
    source: str = DEFAULT_UNIT_COST_SOURCE


@dataclass(frozen=True)
class Group:
    name: str
    persons: Span | None  # None when the reductions are given directly
    coverage: Span
    bed_days_per_person: Span | None
    emergency_visits_per_person: Span | None
    bed_day_effect: Span | None  # share of bed-days avoided, 0..1
    emergency_visit_effect: Span | None
    reductions_bed_days: Span | None = None
    reductions_emergency_visits: Span | None = None
    source: str | None = None

    @property
    def reached(self) -> Span | None:
        return None if self.persons is None else _mul(self.persons, self.coverage)

    @property
    def bed_days_saved(self) -> Span:
        if self.reductions_bed_days is not None:
            return self.reductions_bed_days
        if self.reached is None or self.bed_days_per_person is None or not self.bed_day_effect:
            return 0.0, 0.0
        return _mul(self.reached, self.bed_days_per_person, self.bed_day_effect)

    @property
    def emergency_visits_saved(self) -> Span:
        if self.reductions_emergency_visits is not None:
            return self.reductions_emergency_visits
        if (
            self.reached is None
            or self.emergency_visits_per_person is None
            or not self.emergency_visit_effect
        ):
            return 0.0, 0.0
        return _mul(self.reached, self.emergency_visits_per_person, self.emergency_visit_effect)

    def costs_saved(self, costs: UnitCosts) -> Span:
        bed = self.bed_days_saved
        ed = self.emergency_visits_saved
        return (
            bed[0] * costs.bed_day_sek + ed[0] * costs.emergency_visit_sek,
            bed[1] * costs.bed_day_sek + ed[1] * costs.emergency_visit_sek,
        )


@dataclass(frozen=True)
class Potential:
    name: str
    unit_costs: UnitCosts
    groups: tuple[Group, ...]
    added_costs_sek: Span = (0.0, 0.0)

    @property
    def bed_days_saved(self) -> Span:
        return _add(*(g.bed_days_saved for g in self.groups))

    @property
    def emergency_visits_saved(self) -> Span:
        return _add(*(g.emergency_visits_saved for g in self.groups))

    @property
    def costs_saved(self) -> Span:
        return _add(*(g.costs_saved(self.unit_costs) for g in self.groups))

    @property
    def net_saving(self) -> Span:
        gross = self.costs_saved
        return gross[0] - self.added_costs_sek[1], gross[1] - self.added_costs_sek[0]

    def to_dict(self) -> dict[str, Any]:
        def span(s: Span | None) -> dict[str, float] | None:
            return None if s is None else {"low": s[0], "high": s[1]}

        u = self.unit_costs
        return {
            "name": self.name,
            "unit_costs": {
                "bed_day_sek": u.bed_day_sek,
                "emergency_visit_sek": u.emergency_visit_sek,
                "price_year": u.price_year,
                "source": u.source,
            },
            "groups": [
                {
                    "name": g.name,
                    "persons": span(g.persons),
                    "reached": span(g.reached),
                    "bed_days_saved": span(g.bed_days_saved),
                    "emergency_visits_saved": span(g.emergency_visits_saved),
                    "costs_saved_sek": span(g.costs_saved(u)),
                    "source": g.source,
                }
                for g in self.groups
            ],
            "total": {
                "bed_days_saved": span(self.bed_days_saved),
                "emergency_visits_saved": span(self.emergency_visits_saved),
                "costs_saved_sek": span(self.costs_saved),
                "added_costs_sek": span(self.added_costs_sek),
                "net_saving_sek": span(self.net_saving),
            },
        }


# -- parsing ----------------------------------------------------------------------------------

_TOP = ("name", "description", "unit_costs", "added_costs_sek", "groups")
_COSTS = ("bed_day_sek", "emergency_visit_sek", "price_year", "source")
_GROUP = ("name", "source", "population", "coverage", "baseline", "effects", "reductions")
_POPULATION = ("count", "base", "share")
_BASELINE = ("bed_days_per_person", "emergency_visits_per_person")
_EFFECTS = ("bed_days", "emergency_visits")
_REDUCTIONS = ("bed_days", "emergency_visits")


def load_potential(text: str | bytes) -> Potential:
    """Parse the YAML text of a potential file."""
    return parse_potential(_fields.load_yaml(text, "potential file"))


def _unit_costs(raw: object) -> UnitCosts:
    obj = _fields.mapping(raw, "unit_costs", _COSTS)
    d = UnitCosts()
    return UnitCosts(
        bed_day_sek=_fields.number(
            obj.get("bed_day_sek", d.bed_day_sek), "unit_costs.bed_day_sek", minimum=0
        ),
        emergency_visit_sek=_fields.number(
            obj.get("emergency_visit_sek", d.emergency_visit_sek),
            "unit_costs.emergency_visit_sek",
            minimum=0,
        ),
        price_year=_fields.integer(
            obj.get("price_year", d.price_year), "unit_costs.price_year", 1900, 2100
        ),
        source=(
            _fields.text(obj["source"], "unit_costs.source")
            if obj.get("source") is not None
            else ("as given" if obj else d.source)
        ),
    )


def _group(raw: object, index: int) -> Group:
    where = f"groups[{index}]"
    obj = _fields.mapping(raw, where)
    if isinstance(obj.get("name"), str):
        where = f"{where} {obj['name']!r}"
    _fields.mapping(obj, where, _GROUP)
    name = _fields.text(_fields.required(obj, "name", where), f"{where}.name")
    source = _fields.text(obj["source"], f"{where}.source") if obj.get("source") else None

    if obj.get("reductions") is not None:
        clash = [k for k in ("population", "coverage", "baseline", "effects") if k in obj]
        if clash:
            raise PotentialError(
                f"{where}: give either reductions (taken as they are) or population, baseline "
                f"and effects, not both (found {', '.join(clash)})"
            )
        red = _fields.mapping(obj["reductions"], f"{where}.reductions", _REDUCTIONS)
        if not red:
            raise PotentialError(f"{where}.reductions: give bed_days and/or emergency_visits")
        bed = ed = None
        if red.get("bed_days") is not None:
            bed = _fields.span(red["bed_days"], f"{where}.reductions.bed_days", minimum=0)
        if red.get("emergency_visits") is not None:
            ed = _fields.span(
                red["emergency_visits"], f"{where}.reductions.emergency_visits", minimum=0
            )
        return Group(name, None, (1.0, 1.0), None, None, None, None, bed, ed, source)

    population = _fields.mapping(
        _fields.required(obj, "population", where), f"{where}.population", _POPULATION
    )
    pw = f"{where}.population"
    if population.get("count") is not None:
        if "base" in population or "share" in population:
            raise PotentialError(f"{pw}: give either count, or base and share")
        persons = _fields.span(population["count"], f"{pw}.count", minimum=0)
    else:
        if population.get("base") is None or population.get("share") is None:
            raise PotentialError(
                f"{pw}: give count (persons), or base (e.g. inhabitants 65+) and share (e.g. 0.14)"
            )
        persons = _mul(
            _fields.span(population["base"], f"{pw}.base", minimum=0),
            _fields.span(population["share"], f"{pw}.share", minimum=0, maximum=1),
        )
    coverage = (1.0, 1.0)
    if obj.get("coverage") is not None:
        coverage = _fields.span(obj["coverage"], f"{where}.coverage", minimum=0, maximum=1)

    baseline = _fields.mapping(
        _fields.required(obj, "baseline", where), f"{where}.baseline", _BASELINE
    )
    effects = _fields.mapping(_fields.required(obj, "effects", where), f"{where}.effects", _EFFECTS)
    values: dict[str, tuple[Span | None, Span | None]] = {}
    for measure, per_person in zip(_EFFECTS, _BASELINE, strict=True):
        has_base = baseline.get(per_person) is not None
        has_effect = effects.get(measure) is not None
        if has_base != has_effect:
            missing = f"effects.{measure}" if has_base else f"baseline.{per_person}"
            raise PotentialError(
                f"{where}: missing {missing} (a baseline needs its effect and an effect its "
                "baseline)"
            )
        if not has_base:
            values[measure] = (None, None)
            continue
        base = _fields.span(baseline[per_person], f"{where}.baseline.{per_person}", minimum=0)
        effect_where = f"{where}.effects.{measure}"
        raw_effect = effects[measure]
        if isinstance(raw_effect, int | float) and not isinstance(raw_effect, bool):
            if raw_effect > 1:
                raise PotentialError(
                    f"{effect_where}: {raw_effect!r} is above 1; give the share avoided as a "
                    f"fraction (0.25 for 25 %)"
                )
        if isinstance(raw_effect, list) and any(
            isinstance(x, int | float) and not isinstance(x, bool) and x > 1 for x in raw_effect
        ):
            raise PotentialError(
                f"{effect_where}: {raw_effect!r} has a value above 1; give the shares avoided "
                "as fractions ([0.25, 0.70] for 25–70 %)"
            )
        effect = _fields.span(raw_effect, effect_where, minimum=0, maximum=1)
        values[measure] = (base, effect)
    if all(v == (None, None) for v in values.values()):
        raise PotentialError(
            f"{where}.baseline: give bed_days_per_person and/or emergency_visits_per_person"
        )
    return Group(
        name=name,
        persons=persons,
        coverage=coverage,
        bed_days_per_person=values["bed_days"][0],
        emergency_visits_per_person=values["emergency_visits"][0],
        bed_day_effect=values["bed_days"][1],
        emergency_visit_effect=values["emergency_visits"][1],
        source=source,
    )


def parse_potential(raw: object) -> Potential:
    """Validate a decoded potential file; raise ``PotentialError`` naming the fault."""
    obj: Mapping[str, Any] = _fields.mapping(raw, "potential file", _TOP)
    name = _fields.text(obj["name"], "name") if obj.get("name") is not None else "potential"
    costs = _unit_costs(obj["unit_costs"]) if obj.get("unit_costs") is not None else UnitCosts()
    added = (0.0, 0.0)
    if obj.get("added_costs_sek") is not None:
        added = _fields.span(obj["added_costs_sek"], "added_costs_sek", minimum=0)
    raw_groups = _fields.items(_fields.required(obj, "groups", "potential file"), "groups")
    groups = tuple(_group(g, i) for i, g in enumerate(raw_groups))
    seen: set[str] = set()
    for g in groups:
        if g.name in seen:
            raise PotentialError(f"group name {g.name!r} is used more than once")
        seen.add(g.name)
    return Potential(name, costs, groups, added)
