"""Nice ticks for a chart's value axis: the one algorithm of the trend charts
(``web/trendchart.py``) and the outcome bar charts (``outcomes/svg.py``). Pure.

A nice step is 1, 2, 2.5 or 5 times a power of ten; where the values come in whole
``step_min`` (whole numbers: ``step_min=1``) the step is a whole multiple of it, so a pulse
axis never steps by 2.5. ``nice_step`` is the smallest such step that covers a span in at
most ``max_ticks`` steps; ``nice_axis`` rounds a range out to whole steps and lists its
ticks, evenly spaced, the first at or below the range and the last at or above it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

BASES = (1.0, 2.0, 2.5, 5.0)
_EPS = 1e-9


def is_nice(step: float) -> bool:
    """Whether ``step`` is 1, 2, 2.5 or 5 times a power of ten."""
    if step <= 0 or not math.isfinite(step):
        return False
    exponent = math.floor(math.log10(step))
    return any(
        math.isclose(step, base * 10**power, rel_tol=1e-9)
        for power in (exponent - 1, exponent, exponent + 1)
        for base in BASES
    )


def nice_step(span: float, max_ticks: int = 5, step_min: float | None = None) -> float:
    """The smallest nice step (at least ``step_min`` and a whole multiple of it, when given)
    that covers ``span`` in at most ``max_ticks`` steps; ``step_min`` (else 1) for no span."""
    if max_ticks < 1:
        raise ValueError(f"max_ticks must be at least 1, not {max_ticks}")
    if span <= 0 or not math.isfinite(span):
        return step_min if step_min is not None else 1.0
    raw = span / max_ticks
    exponent = math.floor(math.log10(raw))
    for power in (exponent - 1, exponent, exponent + 1):
        for base in BASES:
            step = base * 10**power
            if span / step > max_ticks + _EPS:
                continue
            if step_min is None:
                return step
            multiple = step / step_min
            if step >= step_min - 1e-12 and abs(multiple - round(multiple)) < _EPS:
                return step
    return max(step_min or 0.0, 10.0 ** (exponent + 1))


@dataclass(frozen=True)
class Axis:
    """A value axis from ``low`` to ``high`` in whole ``step``s."""

    low: float
    high: float
    step: float

    @property
    def ticks(self) -> list[float]:
        """``low``, ``low + step``, … ``high``. A tick is a whole number times the step when
        ``low`` is one (no running sum), so a tick meant to be 0 is 0."""
        count = round((self.high - self.low) / self.step)
        first = self.low / self.step
        if abs(first - round(first)) < _EPS:
            return [(round(first) + i) * self.step for i in range(count + 1)]
        return [self.low + i * self.step for i in range(count + 1)]


def nice_axis(low: float, high: float, max_ticks: int = 5, step_min: float | None = None) -> Axis:
    """``low..high`` rounded out to whole nice steps (``nice_step`` of its span)."""
    if high < low:
        raise ValueError(f"the axis' high end {high} is below its low end {low}")
    step = nice_step(high - low, max_ticks, step_min)
    start = math.floor(low / step + _EPS) * step
    end = math.ceil(high / step - _EPS) * step
    if end <= start:
        end = start + step
    return Axis(start, end, step)
