"""ESAS-r (Edmonton Symptom Assessment System, revised; Watanabe et al. 2011; the Swedish
version validated by Sandgren et al.): nine symptoms, each 0 (none) to 10 (worst possible),
and an optional other problem. The total symptom distress score is the sum of the nine
(0-90); the other problem is shown, not counted. Pure: no database, no web.

Alert limits come from the pathway (``pathways.definition.SymptomLimit``): an item (or
``any`` item, or the ``total``) at or over a value, or — with ``rise`` — risen by at least a
value since the previous assessment.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from samband.pathways.definition import SYMPTOM_ITEMS, SymptomLimit

ITEMS = SYMPTOM_ITEMS
MIN, MAX = 0, 10
TOTAL_MAX = MAX * len(ITEMS)
SEVERITY_RANK = {"low": 1, "medium": 2, "high": 3}


def invalid_items(scores: Mapping[str, object]) -> list[str]:
    """The items missing or not a whole number 0-10 (what to tell the person)."""
    bad = []
    for item in ITEMS:
        value = scores.get(item)
        if isinstance(value, bool) or not isinstance(value, int) or not MIN <= value <= MAX:
            bad.append(item)
    return bad


def total(scores: Mapping[str, int]) -> int:
    """The total symptom distress score: the sum of the nine items (0-90)."""
    if invalid_items(scores):
        raise ValueError(f"ESAS-r items must be whole numbers 0-10: {invalid_items(scores)}")
    return sum(scores[item] for item in ITEMS)


@dataclass(frozen=True)
class Crossed:
    """A limit an assessment crossed: which item, its value (or rise), the limit."""

    item: str  # the item, or "total"
    value: int
    limit: SymptomLimit


def _over(value: int, limit: SymptomLimit) -> bool:
    return value >= limit.value if limit.op == ">=" else value > limit.value


def crossed(
    scores: Mapping[str, int],
    limits: Sequence[SymptomLimit],
    previous: Mapping[str, int] | None = None,
) -> list[Crossed]:
    """The limits the assessment crosses, in the limits' order (an ``any`` limit names each
    item over it). A ``rise`` limit needs a previous assessment."""
    found: list[Crossed] = []
    current_total = total(scores)
    before_total = total(previous) if previous is not None else None
    for limit in limits:
        names = ITEMS if limit.item == "any" else (limit.item,)
        for name in names:
            now = current_total if name == "total" else scores[name]
            if limit.rise:
                if previous is None:
                    continue
                before = before_total if name == "total" else previous[name]
                assert before is not None  # noqa: S101 - previous is given
                value = now - before
            else:
                value = now
            if _over(value, limit):
                found.append(Crossed(name, value, limit))
    return found


def severity(found: Sequence[Crossed]) -> str | None:
    """The highest severity among the crossed limits, or None."""
    if not found:
        return None
    return max((c.limit.severity for c in found), key=lambda s: SEVERITY_RANK[s])
