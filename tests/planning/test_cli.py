from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from samband.cli import app
from samband.planning.check import check
from samband.planning.plan import plan_from_dict
from samband.planning.problem import parse_problem
from tests.planning.helpers import make_problem, make_staff, make_visit
from tests.planning.test_solomon import BENCH

runner = CliRunner()


class TestPlanSolve:
    def test_prints_a_plan_that_passes_the_check(self, tmp_path: Path) -> None:
        raw = make_problem(
            [
                make_staff("s1", ["nurse", "iv"]),
                make_staff("s2", ["wound"], shift=("07:00", "07:30")),
            ],
            [make_visit("v1", skills=["iv"]), make_visit("v2", skills=["wound"])],
        )
        path = tmp_path / "problem.json"
        path.write_text(json.dumps(raw))
        result = runner.invoke(app, ["plan", "solve", str(path), "--seconds", "0.5"])
        assert result.exit_code == 0, result.output
        out = json.loads(result.stdout)
        assert out["routes"][0]["stops"][0]["visit"] == "v1"
        assert out["unassigned"][0]["visit"] == "v2"
        assert "outside every shift" in out["unassigned"][0]["reason"]
        assert check(parse_problem(raw), plan_from_dict(out)) == []

    def test_unknown_skill_is_refused_unless_allowed(self, tmp_path: Path) -> None:
        raw = make_problem(
            [make_staff("s1", ["nurse", "iv"])],
            [make_visit("v1", skills=["iv"]), make_visit("v2", skills=["wund"])],
        )
        path = tmp_path / "problem.json"
        path.write_text(json.dumps(raw))
        result = runner.invoke(app, ["plan", "solve", str(path), "--seconds", "0.5"])
        assert result.exit_code == 1
        assert "visit 'v2': unknown skill 'wund'" in result.stderr
        assert "Traceback" not in result.output
        assert result.stdout == ""

        allowed = runner.invoke(
            app, ["plan", "solve", str(path), "--seconds", "0.5", "--allow-unknown-skills"]
        )
        assert allowed.exit_code == 0, allowed.output
        out = json.loads(allowed.stdout)
        assert out["unassigned"] == [
            {
                "visit": "v2",
                "code": "planning.skill_nobody_has",
                "params": {"skills": ["wund"]},
                "reason": "no staff member has the skill(s) wund",
            }
        ]

    def test_staff_without_a_shift_is_refused(self, tmp_path: Path) -> None:
        raw = make_problem([make_staff("s1", [])], [make_visit("v1")])
        del raw["staff"][0]["shift"]
        path = tmp_path / "problem.json"
        path.write_text(json.dumps(raw))
        result = runner.invoke(app, ["plan", "solve", str(path)])
        assert result.exit_code == 1
        assert "staff 's1': missing field 'shift'" in result.stderr

    def test_bad_problem_gives_a_clear_error(self, tmp_path: Path) -> None:
        raw = make_problem([make_staff("s1", [])], [make_visit("v1", window=("10:00", "09:00"))])
        path = tmp_path / "problem.json"
        path.write_text(json.dumps(raw))
        result = runner.invoke(app, ["plan", "solve", str(path)])
        assert result.exit_code == 1
        assert "visit 'v1'.window" in result.stderr
        assert "Traceback" not in result.output

    def test_malformed_json_and_missing_file(self, tmp_path: Path) -> None:
        path = tmp_path / "bad.json"
        path.write_text("{oops")
        result = runner.invoke(app, ["plan", "solve", str(path)])
        assert result.exit_code == 1
        assert "not valid JSON" in result.stderr
        result = runner.invoke(app, ["plan", "solve", str(tmp_path / "nope.json")])
        assert result.exit_code == 1
        assert "no such file" in result.stderr


class TestPlanVrptw:
    def test_solves_a_solomon_instance(self) -> None:
        result = runner.invoke(app, ["plan", "vrptw", str(BENCH / "C101.txt"), "--seconds", "1"])
        assert result.exit_code == 0, result.output
        out = json.loads(result.stdout)
        assert out["instance"] == "C101"
        assert sorted(c for r in out["routes"] for c in r) == list(range(1, 101))
        assert out["distance"] < 900

    def test_bad_instance(self, tmp_path: Path) -> None:
        path = tmp_path / "x.txt"
        path.write_text("not an instance")
        result = runner.invoke(app, ["plan", "vrptw", str(path)])
        assert result.exit_code == 1
        assert "not a Solomon instance" in result.stderr
