"""`samband news2 score`: a JSON list of vital-sign sets on standard input, a JSON list of
scores (or errors) on standard output."""

from __future__ import annotations

import json
from typing import Any

from typer.testing import CliRunner, Result

from samband.cli import app

runner = CliRunner()


def run(stdin: str | bytes) -> Result:
    return runner.invoke(app, ["news2", "score"], input=stdin)


def scored(sets: list[Any]) -> list[dict[str, Any]]:
    result = run(json.dumps(sets))
    assert result.exit_code == 0, result.output
    out: list[dict[str, Any]] = json.loads(result.stdout)
    return out


class TestNews2Score:
    def test_mixed_valid_invalid_and_partial_sets(self) -> None:
        out = scored(
            [
                {
                    "respiratory_rate": 18,
                    "spo2": 95,
                    "spo2_scale": 1,
                    "on_oxygen": False,
                    "systolic_bp": 120,
                    "pulse": 80,
                    "consciousness": "A",
                    "temperature": 37.2,
                },
                {"pulse": 0, "spo2": 95},
                {"respiratory_rate": 26, "consciousness": "v"},
                "not a set",
                {"spo2": 97, "spo2_scale": 2, "on_oxygen": True, "systolic_bp": 105},
            ]
        )

        assert len(out) == 5
        assert out[0] == {
            "total": 1,
            "risk": "low",
            "partial": False,
            "parameters": {
                "respiratory_rate": 0,
                "spo2": 1,
                "on_oxygen": 0,
                "systolic_bp": 0,
                "pulse": 0,
                "consciousness": 0,
                "temperature": 0,
            },
            "missing": [],
            "monitoring": "4-6h",
            "red_score": False,
        }
        assert list(out[1]) == ["error"]
        assert "pulse: 0 /min is not possible" in out[1]["error"]
        assert out[2] == {
            "total": 6,
            "risk": "medium",
            "partial": True,
            "parameters": {"respiratory_rate": 3, "consciousness": 3},
            "missing": ["spo2", "on_oxygen", "systolic_bp", "pulse", "temperature"],
            "monitoring": "1h",
            "red_score": True,
        }
        assert "must be a JSON object" in out[3]["error"]
        assert out[4]["parameters"] == {"spo2": 3, "on_oxygen": 2, "systolic_bp": 1}
        assert (out[4]["total"], out[4]["risk"], out[4]["monitoring"]) == (6, "medium", "1h")

    def test_a_single_red_score_with_a_low_total(self) -> None:
        (out,) = scored([{"systolic_bp": 88, "pulse": 70}])

        assert (out["total"], out["risk"], out["red_score"], out["monitoring"]) == (
            3,
            "low-medium",
            True,
            "1h",
        )

    def test_an_empty_list_gives_an_empty_list(self) -> None:
        assert scored([]) == []

    def test_only_errors_still_exit_0(self) -> None:
        out = scored([{}, {"temperature": 98.6}])

        assert "no vital signs" in out[0]["error"]
        assert "(not °F)" in out[1]["error"]

    def test_output_is_in_input_order(self) -> None:
        pulses = [35, 45, 70, 100, 120, 140]

        out = scored([{"pulse": p} for p in pulses])

        assert [o["parameters"]["pulse"] for o in out] == [3, 1, 0, 1, 2, 3]


class TestNews2ScoreRefusesItsInput:
    def test_malformed_json(self) -> None:
        result = run('[{"pulse": 80,}]')

        assert result.exit_code == 1
        assert "standard input is not valid JSON" in result.stderr
        assert "line 1, column" in result.stderr
        assert result.stdout == ""
        assert "Traceback" not in result.output

    def test_not_a_list(self) -> None:
        result = run('{"pulse": 80}')

        assert result.exit_code == 1
        assert "must be a JSON list of vital-sign sets (put a single set in [ ])" in result.stderr
        assert result.stdout == ""

    def test_a_number_is_not_a_list(self) -> None:
        result = run("42")

        assert result.exit_code == 1
        assert "must be a JSON list" in result.stderr
        assert "put a single set" not in result.stderr

    def test_empty_input(self) -> None:
        result = run("  \n")

        assert result.exit_code == 1
        assert "standard input is empty" in result.stderr
        assert result.stdout == ""

    def test_not_utf8(self) -> None:
        result = run(b'[{"consciousness": "\xff"}]')

        assert result.exit_code == 1
        assert "not UTF-8" in result.stderr
        assert "Traceback" not in result.output
