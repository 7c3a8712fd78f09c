"""Nice ticks (kit/ticks.py, pure): the value axes of the trend charts and the outcome charts."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from samband.kit.ticks import Axis, is_nice, nice_axis, nice_step

finite = st.floats(min_value=-1e7, max_value=1e7, allow_nan=False, allow_infinity=False)
# the finest steps the charts use: whole numbers, halves, tenths
step_mins = st.sampled_from([None, 1.0, 0.5, 0.1])


class TestNiceStep:
    @pytest.mark.parametrize(
        ("span", "step_min", "step"),
        [
            (80, 1, 20),
            (16, 1, 5),
            (10, None, 2),
            (12, None, 2.5),
            (12, 1, 5),  # 2.5 is no step for whole numbers
            (3.5, 0.5, 1),
            (0.3, None, 0.1),
            (100, None, 20),
            (0, 0.5, 0.5),
        ],
    )
    def test_examples(self, span: float, step_min: float | None, step: float) -> None:
        assert nice_step(span, 5, step_min) == pytest.approx(step)

    @given(
        st.floats(min_value=1e-6, max_value=1e9, allow_nan=False),
        st.integers(min_value=1, max_value=12),
        step_mins,
    )
    def test_the_smallest_nice_step_that_covers_the_span(
        self, span: float, max_ticks: int, step_min: float | None
    ) -> None:
        step = nice_step(span, max_ticks, step_min)

        assert is_nice(step)
        assert span / step <= max_ticks + 1e-9
        if step_min is not None:
            assert step >= step_min - 1e-12
            assert math.isclose(step / step_min, round(step / step_min), abs_tol=1e-6)
        # the next smaller nice step would need more ticks (or is finer than step_min)
        smaller = [s for s in _nice_below(step) if step_min is None or s >= step_min - 1e-12]
        if step_min is not None:
            smaller = [s for s in smaller if math.isclose(s / step_min, round(s / step_min))]
        for s in smaller:
            assert span / s > max_ticks - 1e-9

    def test_is_nice(self) -> None:
        assert all(is_nice(x) for x in (1, 2, 2.5, 5, 10, 0.25, 0.05, 2000, 5e-7))
        assert not any(is_nice(x) for x in (0, -1, 3, 4, 7.5, 15, 0.3, math.inf))


class TestNiceAxis:
    @given(finite, finite, st.integers(min_value=1, max_value=10), step_mins)
    def test_ticks_increase_evenly_and_cover_the_range(
        self, a: float, b: float, max_ticks: int, step_min: float | None
    ) -> None:
        low, high = min(a, b), max(a, b)
        assume(high - low > 1e-6 * max(1.0, abs(low), abs(high)) or high == low)
        axis = nice_axis(low, high, max_ticks, step_min)
        ticks = axis.ticks

        assert is_nice(axis.step)
        assert len(ticks) >= 2
        assert all(b > a for a, b in zip(ticks, ticks[1:], strict=False))
        gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
        assert all(math.isclose(g, axis.step, rel_tol=1e-6, abs_tol=1e-9) for g in gaps)
        tolerance = 1e-9 * max(1.0, abs(low), abs(high))
        assert ticks[0] <= low + tolerance
        assert ticks[-1] >= high - tolerance
        # rounding out adds at most one step to the steps the span needs
        assert len(ticks) - 1 <= max_ticks + 1
        # every tick is a whole multiple of the step
        for t in ticks:
            assert math.isclose(t / axis.step, round(t / axis.step), abs_tol=1e-6)

    def test_a_tick_meant_to_be_zero_is_zero(self) -> None:
        assert 0.0 in Axis(-0.3, 0.3, 0.1).ticks
        assert nice_axis(-0.7, 0.7).ticks == [-1.0, -0.5, 0.0, 0.5, 1.0]

    def test_an_empty_range_gets_one_step(self) -> None:
        assert nice_axis(3, 3, 5, 1).ticks == [3, 4]
        assert nice_axis(0, 0).ticks == [0, 1]

    def test_a_reversed_range_is_refused(self) -> None:
        with pytest.raises(ValueError, match="below its low end"):
            nice_axis(2, 1)


def _nice_below(step: float) -> list[float]:
    """The nice steps just below ``step`` (within a factor of ten)."""
    exponent = math.floor(math.log10(step))
    candidates = [b * 10**p for p in (exponent - 1, exponent) for b in (1.0, 2.0, 2.5, 5.0)]
    return [c for c in candidates if c < step * (1 - 1e-9)]
