"""A report: the indicators for every group of a population of episode histories, the unit
costs used and the data of its figures. Pure: no database, no web; ``render`` writes it.

Groups (the CSV's ``group`` column, docs/indicators.md): ``all``; ``pathway=<key>`` for each
pathway; ``type=<episode type>`` for each type; ``organisation=<code>`` for each responsible
organisation known (imported history has one only when imported with ``--organisation``).
The physician-support indicators (``outcomes.physicians``) have groups of their own after
these: ``urgency=…``, ``asking_organisation=…``, ``physician_organisation=…``, ``hospital=…``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from samband.kit.i18n import Msg, Source, msg, param_text
from samband.kit.time import STOCKHOLM
from samband.outcomes import physicians as physician_support
from samband.outcomes.config import UnitCosts
from samband.outcomes.history import History
from samband.outcomes.indicators import (
    BY_NAME,
    INDICATORS,
    Episode,
    Params,
    Period,
    Value,
    compute,
    home_spans,
    length_of_stay,
    prepare,
)

Progress = Callable[[str, int, int], None]  # (what, done, total)


@dataclass(frozen=True)
class Filters:
    pathways: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    source: str = "all"  # all | live | import

    def describe(self) -> str:
        parts = []
        if self.pathways:
            parts.append("pathway " + ", ".join(self.pathways))
        if self.types:
            parts.append("type " + ", ".join(self.types))
        if self.organisations:
            parts.append("organisation " + ", ".join(self.organisations))
        if self.source != "all":
            parts.append(
                {"live": "live episodes only", "import": "imported history only"}[self.source]
            )
        return "; ".join(parts) or "none"

    def keep(self, h: History) -> bool:
        return (
            (not self.pathways or h.pathway in self.pathways)
            and (not self.types or h.type in self.types)
            and (not self.organisations or h.organisation in self.organisations)
            and (self.source == "all" or h.source == self.source)
        )


Words = str | Msg | Source  # shown with kit.i18n.param_text in the reader's language


@dataclass(frozen=True)
class Figure:
    key: str  # the file name when exported
    title: Words
    unit: Words
    categories: tuple[Words, ...]
    series: tuple[tuple[Words, tuple[float, ...]], ...]  # (name, one value per category)
    stacked: bool = False

    def words(self, value: Words, lang: str) -> str:
        return param_text(value, lang)


@dataclass
class Report:
    first_day: date
    last_day: date  # inclusive
    period: Period
    filters: Filters
    groups: list[str]
    values: list[Value]
    costs: UnitCosts  # the default unit costs of the year (overrides may apply per authority)
    follow_up_days: int
    episodes: int
    live: int
    imported: int
    figures: list[Figure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    generated_at: datetime | None = None
    broken_live: int = 0  # live episodes whose events do not fit the care flow (a warning)

    def value(self, indicator: str, group: str = "all") -> Value | None:
        for v in self.values:
            if v.indicator == indicator and v.group == group:
                return v
        return None


def period_of(first_day: date, last_day: date, as_of: datetime) -> Period:
    """From the first day's midnight to the midnight after the last day, Swedish time."""
    start = datetime.combine(first_day, datetime.min.time(), tzinfo=STOCKHOLM)
    end = datetime.combine(last_day + timedelta(days=1), datetime.min.time(), tzinfo=STOCKHOLM)
    return Period(start, end, as_of)


def _by(attribute: str, value: str) -> Callable[[History], bool]:
    def keep(h: History) -> bool:
        return getattr(h, attribute) == value

    return keep


def groups_of(episodes: Sequence[Episode]) -> list[tuple[str, Callable[[History], bool]]]:
    groups: list[tuple[str, Callable[[History], bool]]] = [("all", lambda h: True)]
    for key in sorted({e.history.pathway for e in episodes}):
        groups.append((f"pathway={key}", _by("pathway", key)))
    for kind in sorted({e.history.type for e in episodes}):
        groups.append((f"type={kind}", _by("type", kind)))
    for code in sorted({e.history.organisation for e in episodes if e.history.organisation}):
        groups.append((f"organisation={code}", _by("organisation", code)))
    return groups


def build(
    histories: Sequence[History],
    first_day: date,
    last_day: date,
    params: Params,
    *,
    filters: Filters = Filters(),  # noqa: B008 - frozen
    as_of: datetime,
    progress: Progress | None = None,
    physicians: physician_support.Data | None = None,
) -> Report:
    """The report of the histories; ``physicians`` the rows of the physician-support
    indicators as read (None: not read, those indicators are NA)."""
    period = period_of(first_day, last_day, as_of)
    kept = [h for h in histories if filters.keep(h)]
    episodes = prepare(kept)
    warnings = []
    broken = [e for e in episodes if e.problems and e.history.source == "live"]
    if broken:
        warnings.append(
            f"{len(broken)} live episode(s) have events that do not fit the care flow; "
            "they are read as far as they make sense"
        )
    groups = groups_of(episodes)
    values: list[Value] = []
    for done, (label, keep) in enumerate(groups):
        if progress:
            progress("indicators", done, len(groups))
        values += compute([e for e in episodes if keep(e.history)], period, params, label)
    if progress:
        progress("indicators", len(groups), len(groups))
    extra, physician_values = physician_support.compute(
        None
        if physicians is None
        else physician_support.keep(
            physicians,
            pathways=filters.pathways,
            types=filters.types,
            organisations=filters.organisations,
        ),
        period,
        live=filters.source != "import",
    )
    values += physician_values
    report = Report(
        first_day=first_day,
        last_day=last_day,
        period=period,
        filters=filters,
        groups=[label for label, _ in groups] + extra,
        values=values,
        costs=params.costs(None, None),
        follow_up_days=params.settings.follow_up_days,
        episodes=len(episodes),
        live=sum(1 for e in episodes if e.history.source == "live"),
        imported=sum(1 for e in episodes if e.history.source == "import"),
        warnings=warnings,
        generated_at=as_of,
        broken_live=len(broken),
    )
    report.figures = figures(report, episodes)
    return report


# -- figures ----------------------------------------------------------------------------------


def _months(first_day: date, last_day: date) -> list[tuple[date, date]]:
    """(first day, first day of the next month) for each month the period touches."""
    out = []
    day = first_day.replace(day=1)
    while day <= last_day:
        following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
        out.append((max(day, first_day), min(following, last_day + timedelta(days=1))))
        day = following
    return out


def figures(report: Report, episodes: Sequence[Episode]) -> list[Figure]:
    p = report.period
    months = _months(report.first_day, report.last_day)
    labels = tuple(m.strftime("%Y-%m") for m, _ in months)
    bounds = [
        (
            datetime.combine(a, datetime.min.time(), tzinfo=STOCKHOLM),
            datetime.combine(b, datetime.min.time(), tzinfo=STOCKHOLM),
        )
        for a, b in months
    ]
    pathways = sorted({e.history.pathway for e in episodes})
    started = []
    for key in pathways:
        counts = []
        for a, b in bounds:
            counts.append(
                float(
                    sum(
                        1
                        for e in episodes
                        if e.history.pathway == key
                        and e.timeline.started_at is not None
                        and a <= e.timeline.started_at < b
                    )
                )
            )
        started.append((_pathway(key), tuple(counts)))
    days = []
    for a, b in bounds:
        until = min(b, p.until)
        total = 0.0
        for e in episodes:
            for s, t in home_spans(e.timeline, p.until):
                lo, hi = max(s, a), min(t, until)
                if hi > lo:
                    total += (hi - lo) / timedelta(days=1)
        days.append(total)
    out = [
        Figure(
            "episodes_started_by_month",
            msg("figure.episodes_started_by_month"),
            msg("figure.unit.episodes"),
            labels,
            tuple(started),
            stacked=True,
        ),
        Figure(
            "patient_days_by_month",
            msg("figure.patient_days_by_month"),
            msg("figure.unit.days"),
            labels,
            ((msg("figure.series.patient_days"), tuple(days)),),
        ),
    ]
    ended = [e for e in episodes if e.timeline.ended_after_home and e.timeline.ended_at in p]
    if ended:
        stays = [length_of_stay(e.timeline) for e in ended]
        top = min(30, int(max(stays)) + 1)
        bins = [0.0] * top
        for stay in stays:
            bins[min(int(stay), top - 1)] += 1
        cats = tuple(f"{i}–{i + 1}" if i < top - 1 else f"{i}+" for i in range(top))
        out.append(
            Figure(
                "length_of_stay",
                msg("figure.length_of_stay"),
                msg("figure.unit.episodes"),
                cats,
                ((msg("figure.series.episodes"), tuple(bins)),),
            )
        )
    money: list[tuple[Words, float]] = []
    for name in ("region_savings_sek", "region_costs_sek", "municipality_costs_sek"):
        v = report.value(name)
        if v is not None and v.value is not None:
            money.append((msg(f"indicator.{name}"), v.value))
    if money:
        currency = currency_name(report.costs.currency)
        out.append(
            Figure(
                "costs_by_authority",
                msg("figure.costs_by_authority", currency=currency),
                currency,
                tuple(label for label, _ in money),
                ((currency, tuple(v for _, v in money)),),
            )
        )
    return out


def currency_name(code: str) -> Words:
    """'kr' in Swedish for SEK (``currency.SEK``); another currency by its code."""
    return msg(f"currency.{code}") if code == "SEK" else code


def _pathway(key: str) -> Words:
    """A pathway's short name (translated when shown), or its key when no pathway has it."""
    from samband.pathways.definition import registry

    pathway = registry().get(key)
    return Source(pathway.short_title) if pathway else key


def definition(name: str) -> tuple[str, str, str]:
    """(title, unit, section) of an indicator."""
    i = BY_NAME[name]
    return i.title, i.unit, i.section


__all__ = ["INDICATORS", "Filters", "Figure", "Report", "build", "definition", "period_of"]
