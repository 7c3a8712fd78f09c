from __future__ import annotations

import json
import subprocess
import sys
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


def test_two_searches_on_two_cores_from_the_command_line(tmp_path: Path) -> None:
    """`samband plan solve --workers 2` (a fresh, single-threaded process: it forks two
    searches and keeps the better plan) prints a plan that passes the independent check."""
    raw = make_problem(
        [make_staff("n1", ["iv"]), make_staff("n2", [])],
        [
            make_visit("a", skills=["iv"], window=("08:00", "09:00"), priority=1),
            make_visit("b", window=("08:30", "10:00")),
            make_visit("c", window=("09:00", "11:00"), preferred_staff=["n2"]),
        ],
    )
    path = tmp_path / "day.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [
            sys.executable,
            "-m",
            "samband",
            "plan",
            "solve",
            str(path),
            "--seconds",
            "1",
            "--workers",
            "2",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    plan = plan_from_dict(json.loads(done.stdout))
    assert check(parse_problem(raw), plan) == []
    assert plan.unassigned == ()
