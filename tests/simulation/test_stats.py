from __future__ import annotations

import math

import pytest

from samband.simulation.stats import Estimate, estimate, t_quantile, t_two_sided

# Student t, 0.975 quantiles, from printed tables
TABLE_975 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 9: 2.262, 10: 2.228,
             19: 2.093, 29: 2.045, 30: 2.042, 60: 2.000, 120: 1.980}  # fmt: skip


class TestStudentT:
    @pytest.mark.parametrize(("df", "expected"), sorted(TABLE_975.items()))
    def test_quantile_matches_the_table(self, df: int, expected: float) -> None:
        assert t_quantile(0.975, df) == pytest.approx(expected, abs=6e-4)

    def test_other_levels(self) -> None:
        assert t_quantile(0.95, 10) == pytest.approx(1.812, abs=6e-4)
        assert t_quantile(0.995, 5) == pytest.approx(4.032, abs=6e-4)

    def test_tends_to_the_normal(self) -> None:
        assert t_quantile(0.975, 100_000) == pytest.approx(1.95996, abs=1e-4)

    def test_two_sided_probability(self) -> None:
        assert t_two_sided(0.0, 7) == 0.0
        # ν = 1 is the Cauchy distribution: P(|T| < 1) = 1/2
        assert t_two_sided(1.0, 1) == pytest.approx(0.5)
        # ν = 2 has a closed form: P(|T| < t) = t / sqrt(2 + t²)
        assert t_two_sided(1.5, 2) == pytest.approx(1.5 / math.sqrt(2 + 1.5**2))

    def test_bad_arguments(self) -> None:
        with pytest.raises(ValueError, match="probability"):
            t_quantile(0.3, 5)
        with pytest.raises(ValueError, match="degrees of freedom"):
            t_two_sided(1.0, 0)


class TestEstimate:
    def test_worked_by_hand(self) -> None:
        # mean 2, s = 1, n = 3: half-width t(0.975, 2) · 1 / √3 = 4.3027 / 1.7321 = 2.4842
        e = estimate([1.0, 2.0, 3.0])
        assert e.mean == 2.0
        assert e.half_width == pytest.approx(2.4842, abs=1e-4)
        assert e.contains(0.0)
        assert not e.contains(4.5)

    def test_one_value_has_no_interval(self) -> None:
        e = estimate([0.4])
        assert e == Estimate(0.4, None, None, 1)
        assert not e.contains(0.4)
        assert e.to_dict() == {"mean": 0.4, "ci_low": None, "ci_high": None, "n": 1}

    def test_no_values(self) -> None:
        with pytest.raises(ValueError, match="no values"):
            estimate([])
