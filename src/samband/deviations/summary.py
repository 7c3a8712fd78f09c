"""Summaries of deviations per pathway, organisation and category (pure: no database, no web).

Counts only: a row holds how many deviations a group has per status and per consequence, how
many were flagged for a possible Lex Maria report, how many are closed and the median time
from reported to closed (days, one decimal; None when none is closed). No patient, no text.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

STATUSES = ("reported", "investigating", "answered", "closed")
CONSEQUENCES = ("none", "mild", "moderate", "severe", "death")
NO_PATHWAY = "none"


@dataclass(frozen=True)
class Fact:
    """What a summary needs of one deviation."""

    pathway: str | None
    organisation: str  # the concerned organisation's code
    category: str
    status: str
    consequence: str
    lex_maria: bool
    reported_at: datetime
    closed_at: datetime | None


@dataclass
class Row:
    key: str
    name: str
    total: int = 0
    by_status: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    by_consequence: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CONSEQUENCES, 0))
    lex_maria: int = 0
    days: list[float] = field(default_factory=list)

    @property
    def closed(self) -> int:
        return self.by_status.get("closed", 0)

    @property
    def days_to_close_median(self) -> float | None:
        return round(statistics.median(self.days), 1) if self.days else None

    def add(self, fact: Fact) -> None:
        self.total += 1
        self.by_status[fact.status] = self.by_status.get(fact.status, 0) + 1
        self.by_consequence[fact.consequence] = self.by_consequence.get(fact.consequence, 0) + 1
        if fact.lex_maria:
            self.lex_maria += 1
        if fact.status == "closed" and fact.closed_at is not None:
            seconds = (fact.closed_at - fact.reported_at).total_seconds()
            self.days.append(max(seconds, 0.0) / 86400)


@dataclass(frozen=True)
class Summary:
    total: Row
    by_pathway: list[Row]
    by_organisation: list[Row]
    by_category: list[Row]


def _group(
    facts: Sequence[Fact], key: Callable[[Fact], str], name: Callable[[str], str]
) -> list[Row]:
    rows: dict[str, Row] = {}
    for fact in facts:
        k = key(fact)
        rows.setdefault(k, Row(k, name(k))).add(fact)
    return sorted(rows.values(), key=lambda r: (-r.total, r.name))


def summarise(
    facts: Iterable[Fact],
    *,
    pathway_name: Callable[[str], str] = str,
    organisation_name: Callable[[str], str] = str,
    category_name: Callable[[str], str] = str,
    total_name: str = "total",
) -> Summary:
    """The summary of these deviations: a total row and one row per group, largest first."""
    found = list(facts)
    total = Row("total", total_name)
    for fact in found:
        total.add(fact)
    return Summary(
        total=total,
        by_pathway=_group(found, lambda f: f.pathway or NO_PATHWAY, pathway_name),
        by_organisation=_group(found, lambda f: f.organisation, organisation_name),
        by_category=_group(found, lambda f: f.category, category_name),
    )


HEADER = (
    "group",
    "key",
    "name",
    "total",
    *(f"status_{s}" for s in STATUSES),
    *(f"consequence_{c}" for c in CONSEQUENCES),
    "lex_maria",
    "days_to_close_median",
)


def _cell(text: str) -> str:
    """A text a spreadsheet would read as a formula is kept as text."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _line(group: str, row: Row) -> list[str]:
    median = row.days_to_close_median
    return [
        group,
        _cell(row.key),
        _cell(row.name),
        str(row.total),
        *(str(row.by_status.get(s, 0)) for s in STATUSES),
        *(str(row.by_consequence.get(c, 0)) for c in CONSEQUENCES),
        str(row.lex_maria),
        "" if median is None else f"{median:.1f}",
    ]


def to_csv(summary: Summary) -> str:
    """One line per row: group (total, pathway, organisation, category), key, name, counts."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerow(_line("total", summary.total))
    for group, rows in (
        ("pathway", summary.by_pathway),
        ("organisation", summary.by_organisation),
        ("category", summary.by_category),
    ):
        for row in rows:
            writer.writerow(_line(group, row))
    return out.getvalue()
