"""Trend charts of vital signs and NEWS2 over an episode: the geometry of small inline SVGs.

Pure: no SQLAlchemy, no FastAPI, no texts of its own (the page passes each point's and
marker's title in the user's language; tick labels are numbers, clock times and dates).

- **Time axis.** From the episode's start to now (or its end), at least ``MIN_SPAN``. The
  tick step is the smallest of ``TIME_STEPS_H`` that gives at most ``max_ticks`` ticks, so
  a day is marked every few hours and a month every few days. Ticks fall on whole hours or
  on midnights of the local time zone (Europe/Stockholm), also across a change to or from
  summer time. A tick at midnight is labelled with the date (``6/3``), others ``HH:MM``.
- **Value axis.** Nice ticks (``samband.kit.ticks``: 1, 2, 2.5 or 5 times a power of ten, a
  whole multiple of the measure's ``step_min``: no 2.5 for whole numbers) over the data and
  the measure's usual range, within its hard limits (SpO2 never above 100 %). A categorical
  measure (ACVPU) has one row per category, A at the top.
- **Normal range** is shaded; points outside it are marked ``out_of_range``.
- **Gaps.** A reading without a value (a scheduled measurement that never arrived) breaks
  the line, and so does a pause longer than ``max_gap`` between two readings: a line is
  never drawn across time nobody measured.
- **Markers** (alerts) are vertical lines at their time, coloured by severity.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo

from samband.kit.ticks import Axis, nice_axis

WIDTH, HEIGHT = 480.0, 190.0
LEFT, RIGHT, TOP, BOTTOM = 46.0, 14.0, 14.0, 28.0  # room for the axes' labels
MIN_SPAN = timedelta(hours=6)
DEFAULT_GAP = timedelta(hours=24)
TIME_STEPS_H = (1, 2, 3, 6, 12, 24, 48, 72, 96, 120, 168, 336)


@dataclass(frozen=True)
class Measure:
    """How one measure is drawn: the range always shown, the normal range, hard limits."""

    lo: float  # the value axis shows at least lo..hi
    hi: float
    normal: tuple[float, float] | None = None  # shaded
    floor: float | None = None  # nothing below (e.g. 0)
    ceiling: float | None = None  # nothing above (e.g. SpO2 100)
    step_min: float = 1.0  # the finest tick step
    categories: tuple[str, ...] = ()  # a categorical axis: the value is the index
    lines: tuple[float, ...] = ()  # thresholds drawn as dashed lines (NEWS2 5 and 7)


@dataclass(frozen=True)
class Reading:
    at: datetime
    value: float | None  # None: expected but not measured (breaks the line)
    flagged: bool = False  # awaits a person's confirmation
    title: str = ""


@dataclass(frozen=True)
class SeriesIn:
    name: str  # a CSS class (two series in one chart: systolic and diastolic)
    readings: Sequence[Reading]


@dataclass(frozen=True)
class MarkIn:
    at: datetime
    severity: str  # low | medium | high
    title: str = ""


@dataclass(frozen=True)
class Tick:
    pos: float  # x for the time axis, y for the value axis
    label: str


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    at: datetime
    value: float
    flagged: bool
    out_of_range: bool
    title: str


@dataclass(frozen=True)
class Series:
    name: str
    segments: list[str]  # SVG ``points`` attributes, one per unbroken stretch of 2+ points
    points: list[Point]


@dataclass(frozen=True)
class Mark:
    x: float
    severity: str
    title: str


@dataclass(frozen=True)
class Chart:
    width: float
    height: float
    left: float
    top: float
    right: float  # the plot's right edge (x)
    bottom: float  # the plot's bottom edge (y)
    start: datetime
    end: datetime
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    band: tuple[float, float] | None  # the normal range: (y of its top, y of its bottom)
    lines: list[float]  # y of each threshold
    series: list[Series]
    marks: list[Mark] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(s.points) for s in self.series)

    @property
    def plot_width(self) -> float:
        return self.right - self.left

    @property
    def plot_height(self) -> float:
        return self.bottom - self.top


# -- the time axis ------------------------------------------------------------------------------


def time_domain(
    start: datetime, end: datetime, min_span: timedelta = MIN_SPAN
) -> tuple[datetime, datetime]:
    """The time shown (in UTC): start..end, widened backwards to at least ``min_span``."""
    start, end = _utc(start, "start"), _utc(end, "end")
    if end < start:
        start, end = end, start
    if end - start < min_span:
        start = end - min_span
    return start, end


def time_step(start: datetime, end: datetime, max_ticks: int = 7) -> int:
    """The tick step in hours: the smallest of TIME_STEPS_H giving at most max_ticks ticks."""
    hours = (end - start).total_seconds() / 3600
    for step in TIME_STEPS_H:
        if hours / step <= max_ticks:
            return step
    return math.ceil(hours / max_ticks / 24) * 24


def time_ticks(start: datetime, end: datetime, tz: tzinfo, max_ticks: int = 7) -> list[Tick]:
    """Ticks on whole local hours (steps under a day) or local midnights, with their
    positions as fractions 0..1 of start..end (the caller scales them)."""
    start, end = _utc(start, "start"), _utc(end, "end")
    span = (end - start).total_seconds()
    if span <= 0:
        return []
    step = time_step(start, end, max_ticks)
    local = start.astimezone(tz)
    ticks: list[Tick] = []
    if step < 24:
        # walk whole hours (in UTC: Europe/Stockholm is a whole number of hours from it)
        at = start.replace(minute=0, second=0, microsecond=0)
        if at < start:
            at += timedelta(hours=1)
        while at <= end:
            wall = at.astimezone(tz)
            if wall.hour % step == 0 and wall.minute == 0:
                at_midnight = wall.hour == 0
                label = f"{wall.day}/{wall.month}" if at_midnight else f"{wall.hour:02d}:00"
                ticks.append(Tick((at - start).total_seconds() / span, label))
            at += timedelta(hours=1)
    else:
        days = step // 24
        day = local.date()
        first = datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)
        if first < start:
            day = day + timedelta(days=1)
        while True:
            midnight = datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)
            if midnight > end:
                break
            ticks.append(Tick((midnight - start).total_seconds() / span, f"{day.day}/{day.month}"))
            day = day + timedelta(days=days)
    return ticks


# -- the value axis -------------------------------------------------------------------------------


def value_range(
    values: Sequence[float], measure: Measure, max_ticks: int = 5
) -> tuple[float, float, float]:
    """(low, high, step) of the value axis: the data and the measure's usual range, within
    its hard limits, rounded out to whole steps."""
    lo = min([measure.lo, *values])
    hi = max([measure.hi, *values])
    if measure.floor is not None:
        lo = max(lo, measure.floor)
    if measure.ceiling is not None:
        hi = min(hi, measure.ceiling)
    if hi <= lo:
        hi = lo + measure.step_min
    axis = nice_axis(lo, hi, max_ticks, measure.step_min)
    low, high, step = axis.low, axis.high, axis.step
    if measure.floor is not None:
        low = max(low, measure.floor)
    if measure.ceiling is not None:
        high = min(high, measure.ceiling)
    if high <= low:
        high = low + step
    return low, high, step


def format_number(value: float, step: float, decimal_comma: bool = False) -> str:
    """A tick label with as many decimals as the step needs (37.5, 96, 2.5)."""
    decimals = 0
    while decimals < 3 and abs(step * 10**decimals - round(step * 10**decimals)) > 1e-9:
        decimals += 1
    text = f"{value:.{decimals}f}"
    return text.replace(".", ",") if decimal_comma else text


# -- the chart ----------------------------------------------------------------------------------


def build(
    measure: Measure,
    series: Sequence[SeriesIn],
    *,
    start: datetime,
    end: datetime,
    tz: tzinfo,
    marks: Sequence[MarkIn] = (),
    max_gap: timedelta = DEFAULT_GAP,
    width: float = WIDTH,
    height: float = HEIGHT,
    decimal_comma: bool = False,
) -> Chart:
    """The chart of one measure (one or more series) over start..end."""
    start, end = time_domain(start, end)
    left, top, right, bottom = LEFT, TOP, width - RIGHT, height - BOTTOM
    if right <= left or bottom <= top:
        raise ValueError(f"{width} x {height} leaves no room for the plot")
    span = (end - start).total_seconds()

    def x_of(at: datetime) -> float:
        return left + (at - start).total_seconds() / span * (right - left)

    shown = [[r for r in s.readings if start <= _utc(r.at, "reading") <= end] for s in series]
    values = [r.value for readings in shown for r in readings if r.value is not None]
    if measure.categories:
        n = len(measure.categories)

        def y_of(value: float) -> float:
            return top + (value + 0.5) / n * (bottom - top)

        y_ticks = [Tick(y_of(i), label) for i, label in enumerate(measure.categories)]
    else:
        low, high, step = value_range(values, measure)

        def y_of(value: float) -> float:
            clamped = min(max(value, low), high)
            return bottom - (clamped - low) / (high - low) * (bottom - top)

        y_ticks = [
            Tick(y_of(value), format_number(value, step, decimal_comma))
            for value in Axis(low, high, step).ticks
        ]

    band = None
    if measure.normal is not None:
        lo, hi = measure.normal
        if measure.categories:
            band_top, band_bottom = (
                y_of(lo) - _row(measure, top, bottom) / 2,
                y_of(hi) + (_row(measure, top, bottom) / 2),
            )
        else:
            band_top, band_bottom = y_of(hi), y_of(lo)
        if band_bottom - band_top > 0:
            band = (round(band_top, 2), round(band_bottom, 2))

    out: list[Series] = []
    for s, readings in zip(series, shown, strict=True):
        ordered = sorted(readings, key=lambda r: _utc(r.at, "reading"))
        points: list[Point] = []
        segments: list[str] = []
        stretch: list[Point] = []
        previous: datetime | None = None
        for reading in ordered:
            if reading.value is None:
                segments += _polyline(stretch)
                stretch, previous = [], None
                continue
            at = _utc(reading.at, "reading")
            if previous is not None and at - previous > max_gap:
                segments += _polyline(stretch)
                stretch = []
            point = Point(
                x=round(x_of(reading.at), 2),
                y=round(y_of(reading.value), 2),
                at=reading.at,
                value=reading.value,
                flagged=reading.flagged,
                out_of_range=_outside(reading.value, measure),
                title=reading.title,
            )
            points.append(point)
            stretch.append(point)
            previous = at
        segments += _polyline(stretch)
        out.append(Series(s.name, segments, points))

    x_ticks = [
        Tick(round(left + t.pos * (right - left), 2), t.label) for t in time_ticks(start, end, tz)
    ]
    lines = [] if measure.categories else [round(y_of(v), 2) for v in measure.lines]
    chart_marks = [
        Mark(round(x_of(m.at), 2), m.severity, m.title)
        for m in sorted(marks, key=lambda m: _utc(m.at, "mark"))
        if start <= _utc(m.at, "mark") <= end
    ]
    return Chart(
        width=width,
        height=height,
        left=left,
        top=top,
        right=right,
        bottom=bottom,
        start=start,
        end=end,
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        band=band,
        lines=lines,
        series=out,
        marks=chart_marks,
    )


def _row(measure: Measure, top: float, bottom: float) -> float:
    return (bottom - top) / len(measure.categories)


def _outside(value: float, measure: Measure) -> bool:
    if measure.normal is None:
        return False
    lo, hi = measure.normal
    return not lo <= value <= hi


def _polyline(points: list[Point]) -> list[str]:
    if len(points) < 2:
        return []
    return [" ".join(f"{p.x:g},{p.y:g}" for p in points)]


def _utc(value: datetime, what: str) -> datetime:
    """In UTC: aware datetimes with one ZoneInfo subtract as wall clocks (a summer-time day
    would be 24 hours long), so every time is converted before any arithmetic."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} {value.isoformat()} has no time zone")
    return value.astimezone(UTC)
