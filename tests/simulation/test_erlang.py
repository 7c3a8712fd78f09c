from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samband.simulation.erlang import erlang_b, offered_load


def direct(c: int, a: float) -> float:
    """B(c, a) = (a^c / c!) / Σ_{k=0..c} a^k / k!, straight from the definition."""
    return (a**c / math.factorial(c)) / sum(a**k / math.factorial(k) for k in range(c + 1))


class TestErlangB:
    def test_known_small_values(self) -> None:
        # B(1, 1) = 1 / (1 + 1); B(2, 1) = (1/2) / (1 + 1 + 1/2) = 0.2
        assert erlang_b(1, 1.0) == pytest.approx(0.5)
        assert erlang_b(2, 1.0) == pytest.approx(0.2)
        # B(1, a) = a / (1 + a)
        assert erlang_b(1, 3.0) == pytest.approx(0.75)

    def test_table_value(self) -> None:
        # Erlang-B tables: 10 servers carry 4.461 erlangs at 1 % blocking
        assert erlang_b(10, 4.461) == pytest.approx(0.0100, abs=5e-5)
        # the loss-system test's parameters: B(10, 8) = 0.12166
        assert erlang_b(10, 8.0) == pytest.approx(0.121661, abs=1e-6)

    def test_edges(self) -> None:
        assert erlang_b(0, 5.0) == 1.0  # no places: everyone is turned away
        assert erlang_b(5, 0.0) == 0.0  # nobody comes

    def test_large_systems_are_stable(self) -> None:
        # a^c and c! overflow a float here; the recursion does not
        b = erlang_b(2000, 1900.0)
        assert 0 < b < 0.1
        assert erlang_b(2000, 3000.0) == pytest.approx(1 - 2000 / 3000, abs=0.01)

    @given(st.integers(0, 40), st.floats(0.01, 60))
    def test_recursion_equals_the_definition(self, c: int, a: float) -> None:
        assert erlang_b(c, a) == pytest.approx(direct(c, a), rel=1e-9)

    @given(st.integers(1, 60), st.floats(0.1, 80))
    def test_more_places_turn_away_fewer(self, c: int, a: float) -> None:
        assert erlang_b(c + 1, a) <= erlang_b(c, a)
        assert erlang_b(c, a * 1.1) >= erlang_b(c, a)

    @pytest.mark.parametrize(("c", "a"), [(-1, 1.0), (1, -0.5), (1, math.inf), (1.5, 1.0)])
    def test_bad_arguments(self, c: object, a: float) -> None:
        with pytest.raises(ValueError, match="must be"):
            erlang_b(c, a)  # type: ignore[arg-type]

    def test_offered_load(self) -> None:
        assert offered_load(2.0, 4.0) == 8.0
