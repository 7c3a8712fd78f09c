from __future__ import annotations

from pathlib import Path

import pytest

from samband.planning import solomon

BENCH = Path(__file__).resolve().parents[3] / "shared" / "bench" / "solomon"
if not BENCH.is_dir():  # the layout of the work tree: /work/main and /work/shared
    BENCH = Path("/work/shared/bench/solomon")

pytestmark = pytest.mark.skipif(not BENCH.is_dir(), reason="Solomon instances not present")


class TestSolomon:
    def test_best_known_c101_in_double_precision(self) -> None:
        inst = solomon.read_instance(BENCH / "C101.txt")
        routes = solomon.parse_solution((BENCH / "C101.sol").read_text())
        assert inst.customers == 100
        assert inst.vehicles == 25
        assert inst.capacity == 200
        assert solomon.distance(inst, routes) == pytest.approx(828.94, abs=0.005)
        assert solomon.check_routes(inst, routes) == []

    def test_c101_solved_close_to_best_known_and_feasible(self) -> None:
        inst = solomon.read_instance(BENCH / "C101.txt")
        best = solomon.distance(inst, solomon.parse_solution((BENCH / "C101.sol").read_text()))
        result = solomon.solve(inst, seconds=3.0, seed=1)
        assert solomon.check_routes(inst, result.routes) == []
        assert result.distance == pytest.approx(solomon.distance(inst, result.routes))
        assert result.distance <= best * 1.02

    def test_checker_catches_late_and_overloaded_routes(self) -> None:
        inst = solomon.read_instance(BENCH / "C101.txt")
        errors = " | ".join(solomon.check_routes(inst, [list(range(1, 101))]))
        assert "exceeds capacity" in errors
        assert "> due" in errors

    def test_bad_instance(self) -> None:
        with pytest.raises(solomon.InstanceError, match="not a Solomon instance"):
            solomon.parse_instance("hello\nworld")
