from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from samband.cli import app
from tests.simulation.helpers import EXAMPLES, loss_system, with_visits

runner = CliRunner()


def _write(tmp_path: Path, raw: object, name: str = "scenario.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


class TestSimulate:
    def test_loss_system_example_against_erlang_b(self) -> None:
        result = runner.invoke(app, ["simulate", str(EXAMPLES / "loss-system.yaml")])
        assert result.exit_code == 0, result.output
        assert "turned away" in result.stdout
        assert "Erlang-B: 12.2 % turned away for an offered load of 8.00 on 10 places" in (
            result.stdout
        )
        assert "inside the 95 % CI" in result.stdout

    def test_json(self, tmp_path: Path) -> None:
        path = _write(tmp_path, with_visits())
        result = runner.invoke(
            app, ["simulate", str(path), "--format", "json", "--replications", "3", "--seed", "5"]
        )
        assert result.exit_code == 0, result.output
        out = json.loads(result.stdout)
        assert out["replications"] == 3
        assert out["seed"] == 5
        assert len(out["per_replication"]) == 3
        turned = out["metrics"]["turned_away_share"]
        assert turned["ci_low"] <= turned["mean"] <= turned["ci_high"]
        assert out["erlang_b"]["within_ci"] == (
            turned["ci_low"] <= out["erlang_b"]["turned_away_share"] <= turned["ci_high"]
        )
        assert "utilisation.nurse" in out["metrics"]

    def test_text_shows_staff_figures(self, tmp_path: Path) -> None:
        path = _write(tmp_path, with_visits())
        result = runner.invoke(app, ["simulate", str(path)])
        assert result.exit_code == 0, result.output
        for label in ("occupancy", "staff utilisation", "overtime, minutes a day", "per nurse"):
            assert label in result.stdout
        assert "travel: 10.0 min a visit" in result.stdout

    def test_one_replication_has_no_interval(self, tmp_path: Path) -> None:
        path = _write(tmp_path, loss_system(replications=1))
        result = runner.invoke(app, ["simulate", str(path)])
        assert result.exit_code == 0, result.output
        assert "one replication: no confidence interval" in result.stdout

    def test_bad_scenario(self, tmp_path: Path) -> None:
        raw = loss_system()
        raw["pathways"][0]["length_of_stay"] = {"distribution": "lognormal", "median_days": -4}
        path = _write(tmp_path, raw)
        result = runner.invoke(app, ["simulate", str(path)])
        assert result.exit_code == 1
        assert result.stdout == ""
        assert "scenario.yaml: pathways[0] 'any'.length_of_stay.median_days" in result.stderr
        assert "Traceback" not in result.output

    def test_malformed_yaml_and_missing_file(self, tmp_path: Path) -> None:
        path = tmp_path / "bad.yaml"
        path.write_text("places: [\n", encoding="utf-8")
        result = runner.invoke(app, ["simulate", str(path)])
        assert result.exit_code == 1
        assert "not valid YAML" in result.stderr
        missing = runner.invoke(app, ["simulate", str(tmp_path / "nope.yaml")])
        assert missing.exit_code == 1
        assert "no such file" in missing.stderr

    def test_bad_format(self) -> None:
        result = runner.invoke(
            app, ["simulate", str(EXAMPLES / "loss-system.yaml"), "--format", "xml"]
        )
        assert result.exit_code == 1
        assert "unknown format 'xml'; use one of: text, json" in result.stderr


class TestPotential:
    def test_vastra_gotaland_example(self) -> None:
        result = runner.invoke(app, ["potential", str(EXAMPLES / "potential-vastra-gotaland.yaml")])
        assert result.exit_code == 0, result.output
        assert "171 000" in result.stdout
        assert "23 000" in result.stdout
        assert "1 602.4" in result.stdout
        assert "net saving a year, MSEK: 1 550.4" in result.stdout

    def test_ranges_as_json(self) -> None:
        result = runner.invoke(
            app, ["potential", str(EXAMPLES / "potential-ranges.yaml"), "--format", "json"]
        )
        assert result.exit_code == 0, result.output
        out = json.loads(result.stdout)
        assert out["total"]["bed_days_saved"] == {"low": 165_000, "high": 770_000}

    def test_ranges_as_text(self) -> None:
        result = runner.invoke(app, ["potential", str(EXAMPLES / "potential-ranges.yaml")])
        assert result.exit_code == 0, result.output
        assert "165 000 – 770 000" in result.stdout

    def test_bad_file(self, tmp_path: Path) -> None:
        raw = {"groups": [{"name": "x", "population": {"count": 10},
                           "baseline": {"bed_days_per_person": 2},
                           "effects": {"bed_days": 40}}]}  # fmt: skip
        path = _write(tmp_path, raw, "potential.yaml")
        result = runner.invoke(app, ["potential", str(path)])
        assert result.exit_code == 1
        assert "potential.yaml: groups[0] 'x'.effects.bed_days: 40 is above 1" in result.stderr
        assert "Traceback" not in result.output


@pytest.mark.parametrize("name", ["skane-14-places.yaml", "loss-system.yaml"])
def test_every_scenario_example_runs(name: str) -> None:
    result = runner.invoke(
        app, ["simulate", str(EXAMPLES / name), "--replications", "2", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["replications"] == 2
