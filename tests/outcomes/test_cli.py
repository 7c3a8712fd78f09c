"""`samband import episodes` and `samband report`, in-process against a SQLite file of their own
(the commands commit, so they never use the shared test database)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner, Result

from samband.cli import app
from samband.config import get_settings
from samband.db import make_engine
from samband.models import ImportedEpisode, ImportedEvent, OutcomeImport

runner = CliRunner()
HEADER = "episode,personnummer,pathway,type,event,at"
PNR = "19121212-1212"

# Two episodes of March 2025 (the same as A and B of test_indicators):
#   A, OPAT, admitted 03-01 08:00, home 03-03 08:00, 3 visits, discharged 03-07 08:00,
#     readmitted 03-20 (13 days after discharge) → 4 days at home, 5 bed-days freed
#   B, COPD, home 03-10 08:00, ED visit, readmitted 03-12 08:00 → 2 days, 2 freed
VALID = f"""{HEADER}
A,{PNR},opat,early_supported_discharge,candidate,2025-03-01T08:00
A,{PNR},opat,early_supported_discharge,assessed,2025-03-01T12:00
A,{PNR},opat,early_supported_discharge,at_home,2025-03-03T08:00:00+01:00
A,{PNR},opat,early_supported_discharge,visit_done,2025-03-03T10:00
A,{PNR},opat,early_supported_discharge,visit_done,2025-03-04T10:00
A,{PNR},opat,early_supported_discharge,visit_done,2025-03-05T10:00
A,{PNR},opat,early_supported_discharge,discharged,2025-03-07T07:00:00Z
A,{PNR},opat,early_supported_discharge,readmitted,2025-03-20T08:00
B,{PNR},copd,admission_avoidance,at_home,2025-03-10T08:00
B,{PNR},copd,admission_avoidance,ed_visit,2025-03-11T20:00
B,{PNR},copd,admission_avoidance,readmitted,2025-03-12T08:00
"""


@pytest.fixture
def database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'outcomes.db'}"
    monkeypatch.setenv("SAMBAND_DATABASE_URL", url)
    get_settings.cache_clear()
    result = run("db", "upgrade")
    assert result.exit_code == 0, result.output
    yield url
    get_settings.cache_clear()


def run(*args: str) -> Result:
    return runner.invoke(app, list(args))


def write(tmp_path: Path, text: str, name: str = "history.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def counts(url: str) -> tuple[int, int, int]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return (
                conn.scalar(select(func.count()).select_from(ImportedEpisode)) or 0,
                conn.scalar(select(func.count()).select_from(ImportedEvent)) or 0,
                conn.scalar(select(func.count()).select_from(OutcomeImport)) or 0,
            )
    finally:
        engine.dispose()


def report_csv(tmp_path: Path, *extra: str) -> dict[tuple[str, str], str]:
    out = tmp_path / "report.csv"
    result = run("report", "--from", "2025-03-01", "--to", "2025-03-31", "--out", str(out), *extra)
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "indicator,group,value"
    return {(r["indicator"], r["group"]): r["value"] for r in csv.DictReader(io.StringIO(text))}


class TestImport:
    def test_a_valid_file_is_stored(self, database_url: str, tmp_path: Path) -> None:
        result = run("import", "episodes", write(tmp_path, VALID))

        assert result.exit_code == 0, result.output
        assert "imported 11 new row(s) of 11 (2 episode(s), 2 new)" in result.stdout
        assert counts(database_url) == (2, 11, 1)

    def test_importing_the_same_file_again_adds_nothing(
        self, database_url: str, tmp_path: Path
    ) -> None:
        path = write(tmp_path, VALID)
        assert run("import", "episodes", path).exit_code == 0

        again = run("import", "episodes", path)

        assert again.exit_code == 0, again.output
        assert "imported 0 new row(s) of 11" in again.stdout
        assert "already imported" in again.stdout
        assert counts(database_url) == (2, 11, 1)
        values = report_csv(tmp_path)
        assert values[("episodes_started", "all")] == "2"
        assert values[("visits_done", "all")] == "3"

    def test_a_later_file_adds_only_its_new_rows(self, database_url: str, tmp_path: Path) -> None:
        first = VALID.splitlines()[:5]  # A up to its first visit
        assert run("import", "episodes", write(tmp_path, "\n".join(first) + "\n")).exit_code == 0

        result = run("import", "episodes", write(tmp_path, VALID, "all.csv"))

        assert result.exit_code == 0, result.output
        assert "imported 7 new row(s) of 11 (2 episode(s), 1 new)" in result.stdout
        assert counts(database_url) == (2, 11, 2)

    def test_invalid_rows_are_reported_by_line_and_nothing_is_stored(
        self, database_url: str, tmp_path: Path
    ) -> None:
        bad = VALID + "\n".join(
            [
                "C,19121212-1213,opat,early_supported_discharge,candidate,2025-03-05T08:00",
                f"C2,{PNR},opat,early_supported_discharge,beamed_up,2025-03-05T08:00",
                f"C3,{PNR},opat,early_supported_discharge,at_home,the fifth of March",
                f"C4,{PNR},opat,early_supported_discharge,discharged,2025-03-05T08:00",
            ]
        )

        result = run("import", "episodes", write(tmp_path, bad))

        assert result.exit_code == 1
        assert isinstance(result.exception, SystemExit)
        errors = [line for line in result.stderr.splitlines() if ": line " in line]
        assert [e.split(": line ")[1].split(":")[0] for e in errors] == ["13", "14", "15", "16"]
        assert "personnummer 19121212-1213: check digit should be 2" in errors[0]
        assert "unknown event 'beamed_up'" in errors[1]
        assert "'the fifth of March' is not an ISO 8601 time" in errors[2]
        assert "'discharged' before the patient went home" in errors[3]
        assert "4 problem(s); nothing was imported" in result.stderr
        assert counts(database_url) == (0, 0, 0)

    def test_bad_personnummer_alone(self, database_url: str, tmp_path: Path) -> None:
        text = f"{HEADER}\nA,191212121213,opat,early_supported_discharge,at_home,2025-03-01\n"

        result = run("import", "episodes", write(tmp_path, text))

        assert result.exit_code == 1
        assert "line 2: personnummer 191212121213: check digit should be 2" in result.stderr
        assert counts(database_url) == (0, 0, 0)

    def test_a_file_that_does_not_fit_earlier_imports_stores_nothing(
        self, database_url: str, tmp_path: Path
    ) -> None:
        assert run("import", "episodes", write(tmp_path, VALID)).exit_code == 0
        text = (
            f"{HEADER}\nD,{PNR},opat,early_supported_discharge,at_home,2025-04-01\n"
            f"A,{PNR},opat,early_supported_discharge,visit_done,2025-03-25T10:00\n"
        )

        result = run("import", "episodes", write(tmp_path, text, "more.csv"))

        assert result.exit_code == 1
        assert "line 3: episode A: 'visit_done' after the episode ended" in result.stderr
        assert counts(database_url) == (2, 11, 1)

    def test_an_empty_database_gets_its_tables_first(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        url = f"sqlite:///{tmp_path / 'new.db'}"
        monkeypatch.setenv("SAMBAND_DATABASE_URL", url)
        get_settings.cache_clear()
        try:
            result = run("import", "episodes", write(tmp_path, VALID))
        finally:
            get_settings.cache_clear()

        assert result.exit_code == 0, result.output
        assert "the database was empty; created its tables" in result.stderr
        assert counts(url) == (2, 11, 1)

    def test_missing_file_and_unknown_organisation(self, database_url: str, tmp_path: Path) -> None:
        missing = run("import", "episodes", str(tmp_path / "nope.csv"))
        unknown = run("import", "episodes", write(tmp_path, VALID), "--organisation", "NOPE")

        assert missing.exit_code == 1
        assert "no such file" in missing.stderr
        assert unknown.exit_code == 1
        assert "no organisation with the code 'NOPE'" in unknown.stderr


class TestReport:
    def test_csv_read_back(self, database_url: str, tmp_path: Path) -> None:
        assert run("import", "episodes", write(tmp_path, VALID)).exit_code == 0

        values = report_csv(tmp_path)

        # worked out in the module docstring: 4 + 2 days at home; 5 + 2 bed-days freed
        assert values[("episodes_started", "all")] == "2"
        assert values[("episodes_ended", "all")] == "2"
        assert values[("patient_days_at_home", "all")] == "6"
        assert values[("bed_days_freed", "all")] == "7"
        assert values[("length_of_stay_median_days", "all")] == "3"
        assert values[("readmissions_within_30_days", "all")] == "1"
        assert values[("readmission_rate_within_30_days", "all")] == "1"
        assert values[("ed_visits_during_episode", "all")] == "1"
        # 3 visits / 6 patient-days
        assert values[("visits_per_patient_day", "all")] == "0.5"
        assert values[("cost_bed_days_freed_sek", "all")] == "62300"
        assert values[("staff_hours_total", "all")] == "NA"
        assert values[("patient_days_at_home", "pathway=opat")] == "4"
        assert values[("bed_days_freed", "type=admission_avoidance")] == "2"
        groups = {g for _, g in values}
        assert groups == {
            "all",
            "pathway=copd",
            "pathway=opat",
            "type=admission_avoidance",
            "type=early_supported_discharge",
        }

    def test_csv_to_stdout_filters_and_trace(self, database_url: str, tmp_path: Path) -> None:
        assert run("import", "episodes", write(tmp_path, VALID)).exit_code == 0

        result = run(
            "report", "--from", "2025-03-01", "--to", "2025-03-31", "--pathway", "copd", "--trace"
        )

        assert result.exit_code == 0, result.output
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        assert list(rows[0]) == ["indicator", "group", "value", "episodes"]
        started = next(r for r in rows if r["indicator"] == "episodes_started")
        assert (started["group"], started["value"], started["episodes"]) == ("all", "1", "B")

    def test_organisation_groups(self, database_url: str, tmp_path: Path) -> None:
        assert (
            run(
                "orgs",
                "add",
                "INF",
                "--name",
                "Infektion",
                "--kind",
                "hospital_clinic",
                "--authority-name",
                "Region Dalarna",
            ).exit_code
            == 0
        )
        assert (
            run("import", "episodes", write(tmp_path, VALID), "--organisation", "INF").exit_code
            == 0
        )

        values = report_csv(tmp_path, "--organisation", "INF")

        assert values[("episodes_started", "organisation=INF")] == "2"

    def test_html_pdf_parquet_and_figures(self, database_url: str, tmp_path: Path) -> None:
        import pyarrow.parquet as pq

        assert run("import", "episodes", write(tmp_path, VALID)).exit_code == 0
        period = ("--from", "2025-03-01", "--to", "2025-03-31")

        html = run("report", *period, "--format", "html", "--figures", str(tmp_path / "fig"))
        pdf = run("report", *period, "--format", "pdf", "--out", str(tmp_path / "r.pdf"))
        parquet = run("report", *period, "--format", "parquet", "--out", str(tmp_path / "r.pq"))

        assert html.exit_code == 0, html.output
        assert html.stdout.startswith("<!DOCTYPE html>")
        assert "<svg" in html.stdout
        assert "<script" not in html.stdout
        assert "http://" not in html.stdout.replace('xmlns="http://www.w3.org/2000/svg"', "")
        assert (tmp_path / "fig" / "episodes_started_by_month.svg").is_file()
        png = tmp_path / "fig" / "episodes_started_by_month.png"
        assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
        assert pdf.exit_code == 0, pdf.output
        assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
        assert parquet.exit_code == 0, parquet.output
        table = pq.read_table(tmp_path / "r.pq").to_pylist()
        started = next(
            r for r in table if r["indicator"] == "episodes_started" and r["group"] == "all"
        )
        assert started["value"] == 2
        staff = next(r for r in table if r["indicator"] == "staff_hours_total")
        assert staff["value"] is None
        assert staff["note"]

    @pytest.mark.parametrize(
        ("args", "says"),
        [
            (("--from", "2025-3-1", "--to", "2025-03-31"), "--from '2025-3-1' is not a date"),
            (("--from", "2025-03-31", "--to", "2025-03-01"), "--to is before --from"),
            (("--from", "2025-03-01", "--to", "2025-03-31", "--format", "xls"), "unknown format"),
            (("--from", "2025-03-01", "--to", "2025-03-31", "--format", "pdf"), "--out FILE"),
            (("--from", "2025-03-01", "--to", "2025-03-31", "--type", "x"), "unknown type 'x'"),
        ],
    )
    def test_bad_options(self, database_url: str, args: tuple[str, ...], says: str) -> None:
        result = run("report", *args)

        assert result.exit_code == 1
        assert says in result.stderr

    def test_a_config_file_changes_the_unit_costs(self, database_url: str, tmp_path: Path) -> None:
        assert run("import", "episodes", write(tmp_path, VALID)).exit_code == 0
        config = write(tmp_path, "unit_costs:\n  default:\n    bed_day: 10000\n", "costs.yaml")

        values = report_csv(tmp_path, "--config", config)

        assert values[("cost_bed_days_freed_sek", "all")] == "70000"  # 7 × 10 000

    def test_a_bad_config_file(self, database_url: str, tmp_path: Path) -> None:
        config = write(tmp_path, "unit_costs:\n  default:\n    bed_day: -1\n", "costs.yaml")

        result = run("report", "--from", "2025-03-01", "--to", "2025-03-31", "--config", config)

        assert result.exit_code == 1
        assert "unit_costs.default.bed_day" in result.stderr
